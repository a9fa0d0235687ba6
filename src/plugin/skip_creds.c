/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "skip_creds.h"
#include "skip_peer_cfg.h"

#include <daemon.h>

typedef struct private_skip_creds_t private_skip_creds_t;

struct private_skip_creds_t {

	/** public interface */
	skip_creds_t public;

	/** our Key Provider profiles */
	skip_kp_set_t *kps;

	/** per-IKE_SA state */
	skip_sa_table_t *sas;
};

/**
 * Enumerator over a single shared key, matching perfectly so that a dynamic
 * PPK wins over any static secret.
 */
typedef struct {
	enumerator_t public;
	shared_key_t *key;
	bool done;
} key_enumerator_t;

METHOD(enumerator_t, key_enumerate, bool,
	key_enumerator_t *this, va_list args)
{
	shared_key_t **key;
	id_match_t *me, *other;

	VA_ARGS_VGET(args, key, me, other);
	if (this->done)
	{
		return FALSE;
	}
	this->done = TRUE;
	*key = this->key;
	if (me)
	{
		*me = ID_MATCH_PERFECT;
	}
	if (other)
	{
		*other = ID_MATCH_PERFECT;
	}
	return TRUE;
}

METHOD(enumerator_t, key_enumerator_destroy, void,
	key_enumerator_t *this)
{
	this->key->destroy(this->key);
	free(this);
}

/**
 * Enumerate a PPK; takes ownership of key.
 */
static enumerator_t *key_enumerator_create(chunk_t key)
{
	key_enumerator_t *this;

	INIT(this,
		.public = {
			.enumerate = enumerator_enumerate_default,
			.venumerate = _key_enumerate,
			.destroy = _key_enumerator_destroy,
		},
		.key = shared_key_create(SHARED_PPK, key),
	);
	return &this->public;
}

/**
 * Responder in IKE_SA_INIT asks whether any PPK may be available (step 3):
 * say yes for peers that announced a SKIP system ID one of our KPs shares
 * keys with, so charon answers with USE_PPK. The placeholder is never used
 * as a key. Capabilities that do not know the peer are fetched again here
 * (I/O is allowed in this thread).
 */
static enumerator_t *announce(private_skip_creds_t *this, ike_sa_t *ike_sa)
{
	char peer[SKIP_SYSTEM_ID_MAX + 1] = "";
	uint32_t id = ike_sa->get_unique_id(ike_sa);
	skip_kp_t *kp;
	skip_sa_t *sa;

	sa = this->sas->lock(this->sas, id, FALSE);
	if (sa && !sa->initiator)
	{
		strcpy(peer, sa->peer_sid);
	}
	this->sas->unlock(this->sas);
	if (!peer[0])
	{
		return NULL;
	}
	kp = this->kps->for_peer(this->kps, peer);
	if (!kp)
	{
		return NULL;
	}
	sa = this->sas->lock(this->sas, id, FALSE);
	if (sa)
	{
		sa->kp = kp;
	}
	this->sas->unlock(this->sas);
	return key_enumerator_create(chunk_clone(chunk_from_chars(0x00)));
}

static uint64_t now_ms()
{
	timeval_t tv;

	time_monotonic(&tv);
	return (uint64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

/** a KP attempt with less time left than this is not started (ms) */
#define MIN_ATTEMPT_MS 50
/** longest fallback chain followed */
#define MAX_CHAIN 16

/**
 * The KPs that may serve an IKE_SA: its KP and the fallbacks that have the
 * system ID announced to the peer (the peer's KP knows keys under it).
 */
static int chain(skip_kp_t *kp, const char *local_sid,
				 skip_kp_t *kps[MAX_CHAIN])
{
	char sid[SKIP_SYSTEM_ID_MAX + 1];
	int count = 0, steps;

	for (steps = 0; kp && steps < MAX_CHAIN;
		 kp = kp->get_fallback(kp), steps++)
	{
		if (kp->get_local_system_id(kp, sid) && streq(sid, local_sid))
		{
			kps[count++] = kp;
		}
		else
		{
			DBG2(DBG_CFG, "SKIP: KP '%s' does not have system ID '%s', "
				 "skipped", kp->get_name(kp), local_sid);
		}
	}
	return count;
}

/**
 * Ask the KPs of an IKE_SA for its PPK (steps 6 and 9), one after the other
 * within the budget of the first; no lock is held.
 *
 * @param err		receives the reason on failure
 */
static skip_key_t *fetch(skip_kp_t *kp, const char *local_sid, bool initiator,
						 char *peer_sid, char *key_id, skip_error_t *err)
{
	skip_kp_t *kps[MAX_CHAIN];
	uint64_t deadline, now;
	skip_key_t *key = NULL;
	skip_status_t status;
	int count, i;
	u_int share;

	if (!local_sid[0])
	{
		skip_error_set(err, SKIP_ERR_INVALID_ARG, 0, "our system ID was not "
					   "announced to the peer, its KP cannot know the key");
		return NULL;
	}
	count = chain(kp, local_sid, kps);
	if (!count)
	{
		skip_error_set(err, SKIP_ERR_CONNECT, 0, "no reachable KP has system "
					   "ID '%s'", local_sid);
		return NULL;
	}
	deadline = now_ms() + kps[0]->get_timeout(kps[0]);
	for (i = 0; i < count; i++)
	{
		now = now_ms();
		if (now + MIN_ATTEMPT_MS > deadline)
		{
			break;
		}
		/* leave the later KPs of the chain their share of the budget */
		share = (deadline - now) / (count - i);
		if (initiator)
		{
			status = kps[i]->get_key(kps[i], peer_sid, share, &key, err);
		}
		else
		{
			status = kps[i]->get_key_by_id(kps[i], key_id, peer_sid, share,
										   &key, err);
		}
		if (status == SKIP_OK)
		{
			DBG1(DBG_CFG, "SKIP: got %zu bit PPK with keyId %s from KP '%s' "
				 "for peer system ID '%s'", key->key_len * 8, key->key_id,
				 kps[i]->get_name(kps[i]), peer_sid);
			return key;
		}
		DBG1(DBG_CFG, "SKIP: KP '%s' provided no PPK for peer system ID "
			 "'%s'%s%s: %s (%s)%s", kps[i]->get_name(kps[i]), peer_sid,
			 initiator ? "" : " and keyId ", initiator ? "" : key_id,
			 skip_status_name(err->status), err->detail,
			 i + 1 < count ? ", trying the next KP" : "");
	}
	return NULL;
}

/**
 * Log that an IKE_SA goes on without a dynamic PPK: loudly if its connection
 * lets it continue without, as a failure if it requires one.
 */
static void log_no_ppk(ike_sa_t *ike_sa, const char *reason)
{
	peer_cfg_t *peer_cfg = ike_sa->get_peer_cfg(ike_sa);

	if (skip_peer_cfg_ppk_required(peer_cfg))
	{
		DBG1(DBG_CFG, "SKIP: no dynamic PPK for IKE_SA %s[%u] (%s), "
			 "connection '%s' requires one", ike_sa->get_name(ike_sa),
			 ike_sa->get_unique_id(ike_sa), reason,
			 peer_cfg->get_name(peer_cfg));
	}
	else
	{
		DBG1(DBG_CFG, "SKIP: WARNING: IKE_SA %s[%u] continues WITHOUT a "
			 "post-quantum PPK (%s), connection '%s' has ppk_required = no",
			 ike_sa->get_name(ike_sa), ike_sa->get_unique_id(ike_sa), reason,
			 peer_cfg->get_name(peer_cfg));
	}
}

/**
 * The PPK of the current IKE_SA: cached, or fetched once from the KP.
 */
static enumerator_t *get_ppk(private_skip_creds_t *this, ike_sa_t *ike_sa,
							 identification_t *ppk_id)
{
	char peer_sid[SKIP_SYSTEM_ID_MAX + 1], key_id[SKIP_KEY_ID_MAX_HEX + 1];
	char local_sid[SKIP_SYSTEM_ID_MAX + 1];
	uint32_t id = ike_sa->get_unique_id(ike_sa);
	chunk_t cached = chunk_empty;
	skip_error_t err = {};
	skip_key_t *key;
	skip_kp_t *kp;
	skip_sa_t *sa;
	bool initiator;

	if (!skip_peer_cfg_dynamic(ike_sa->get_peer_cfg(ike_sa)))
	{	/* static PPK connections use their secrets */
		return NULL;
	}
	sa = this->sas->lock(this->sas, id, FALSE);
	if (!sa)
	{
		this->sas->unlock(this->sas);
		log_no_ppk(ike_sa, "the peer announced no SKIP system ID in USE_PPK");
		return NULL;
	}
	if (!sa->initiator && !chunk_equals(ppk_id->get_encoding(ppk_id),
										chunk_from_str(sa->key_id)))
	{	/* a lookup for another PPK_ID than the peer sent */
		this->sas->unlock(this->sas);
		return NULL;
	}
	if (sa->key.len)
	{	/* repeated lookup: the KP delivers a key only once */
		cached = chunk_clone(sa->key);
		this->sas->unlock(this->sas);
		return key_enumerator_create(cached);
	}
	if (sa->fetched)
	{	/* the KP failed already, asking again would exceed the budget */
		this->sas->unlock(this->sas);
		return NULL;
	}
	sa->fetched = TRUE;
	initiator = sa->initiator;
	kp = sa->kp;
	strcpy(peer_sid, sa->peer_sid);
	strcpy(key_id, sa->key_id);
	strcpy(local_sid, sa->local_sid);
	this->sas->unlock(this->sas);

	if (!peer_sid[0])
	{
		log_no_ppk(ike_sa, "the peer announced no SKIP system ID in USE_PPK");
		return NULL;
	}
	if (!kp)
	{
		log_no_ppk(ike_sa, "none of our KPs shares keys with the peer");
		return NULL;
	}
	key = fetch(kp, local_sid, initiator, peer_sid, key_id, &err);
	if (!key)
	{
		char reason[sizeof(err.detail) + 64];

		snprintf(reason, sizeof(reason), "%s: %s",
				 skip_status_name(err.status), err.detail);
		log_no_ppk(ike_sa, reason);
		return NULL;
	}
	sa = this->sas->lock(this->sas, id, FALSE);
	if (sa)
	{
		sa->key = chunk_clone(chunk_create(key->key, key->key_len));
		strcpy(sa->key_id, key->key_id);
	}
	this->sas->unlock(this->sas);
	cached = chunk_clone(chunk_create(key->key, key->key_len));
	skip_key_destroy(key);
	return key_enumerator_create(cached);
}

METHOD(credential_set_t, create_shared_enumerator, enumerator_t*,
	private_skip_creds_t *this, shared_key_type_t type,
	identification_t *me, identification_t *other)
{
	ike_sa_t *ike_sa;

	if (type != SHARED_PPK)
	{
		return NULL;
	}
	ike_sa = charon->bus->get_sa(charon->bus);
	if (!ike_sa)
	{	/* not in an IKE_SA's context (vici, start-up) */
		return NULL;
	}
	if (!me && !other)
	{
		return announce(this, ike_sa);
	}
	if (!me)
	{
		return NULL;
	}
	return get_ppk(this, ike_sa, me);
}

METHOD(skip_creds_t, destroy, void,
	private_skip_creds_t *this)
{
	free(this);
}

/*
 * Described in header
 */
skip_creds_t *skip_creds_create(skip_kp_set_t *kps, skip_sa_table_t *sas)
{
	private_skip_creds_t *this;

	INIT(this,
		.public = {
			.set = {
				.create_shared_enumerator = _create_shared_enumerator,
				.create_private_enumerator = (void*)return_null,
				.create_cert_enumerator = (void*)return_null,
				.create_cdp_enumerator = (void*)return_null,
				.cache_cert = (void*)nop,
			},
			.destroy = _destroy,
		},
		.kps = kps,
		.sas = sas,
	);
	return &this->public;
}
