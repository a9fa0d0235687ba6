/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "skip_creds.h"
#include "skip_ike_sa.h"
#include "skip_peer_cfg.h"
#include "skip_responder.h"

#include <daemon.h>

typedef struct private_skip_creds_t private_skip_creds_t;

struct private_skip_creds_t {

	/** public interface */
	skip_creds_t public;

	/** our Key Provider profiles */
	skip_kp_set_t *kps;

	/** per-IKE_SA state */
	skip_sa_table_t *sas;

	/** counters */
	skip_stats_t *stats;
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
 * keys with, if a SKIP connection can match, so charon answers with
 * USE_PPK. The placeholder is never used as a key. No KP I/O: IKE_SA_INIT
 * never waits for a KP (a peer is not authenticated yet).
 */
static enumerator_t *announce(private_skip_creds_t *this, ike_sa_t *ike_sa)
{
	char peer[SKIP_SYSTEM_ID_MAX + 1];
	skip_sa_id_t id = skip_sa_id(ike_sa);
	skip_kp_t *kp;

	if (!this->sas->get_peer_sid(this->sas, id, peer))
	{
		return NULL;
	}
	kp = skip_responder_choose_kp(this->kps, ike_sa, peer);
	this->sas->choose_kp(this->sas, id, kp);
	if (!kp)
	{
		return NULL;
	}
	return key_enumerator_create(chunk_clone(chunk_from_chars(0x00)));
}

/**
 * Log that an IKE_SA that requires a dynamic PPK gets none (one that may
 * continue without is logged once authorized, see the listener).
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
		DBG2(DBG_CFG, "SKIP: no dynamic PPK for IKE_SA %s[%u] (%s)",
			 ike_sa->get_name(ike_sa), ike_sa->get_unique_id(ike_sa), reason);
	}
}

/**
 * Microseconds since a time_monotonic() reading.
 */
static uint64_t elapsed_us(timeval_t *start)
{
	timeval_t now, diff;

	time_monotonic(&now);
	timersub(&now, start, &diff);
	return diff.tv_sec * 1000000ULL + diff.tv_usec;
}

/**
 * The PPK of the current IKE_SA: cached, or fetched once from the KP.
 */
static enumerator_t *get_ppk(private_skip_creds_t *this, ike_sa_t *ike_sa,
							 identification_t *ppk_id)
{
	char reason[SKIP_SA_REASON_MAX];
	skip_sa_id_t id = skip_sa_id(ike_sa);
	skip_sa_request_t request;
	chunk_t cached = chunk_empty;
	skip_error_t err = {};
	skip_kp_t *from = NULL;
	skip_key_t *key;
	timeval_t start;

	if (!skip_peer_cfg_dynamic(ike_sa->get_peer_cfg(ike_sa)))
	{	/* static PPK connections use their secrets */
		return NULL;
	}
	switch (this->sas->lookup(this->sas, id, ppk_id, &request, &cached,
							  reason))
	{
		case SKIP_LOOKUP_CACHED:
			/* repeated lookup: the KP delivers a key only once */
			return key_enumerator_create(cached);
		case SKIP_LOOKUP_FAILED:
			/* the KP failed already, asking again would exceed the budget */
			return NULL;
		case SKIP_LOOKUP_NONE:
			if (ike_sa->has_condition(ike_sa, COND_ORIGINAL_INITIATOR))
			{
				log_no_ppk(ike_sa, "the plugin has no SKIP state for it, no "
						   "USE_PPK exchange was seen");
			}
			return NULL;
		case SKIP_LOOKUP_UNAVAILABLE:
			log_no_ppk(ike_sa, reason);
			return NULL;
		case SKIP_LOOKUP_FETCH:
			break;
	}
	time_monotonic(&start);
	if (this->kps->get_key(this->kps, request.kp, request.local_sid,
						   request.peer_sid,
						   request.initiator ? NULL : request.key_id,
						   &key, &from, &err) != SKIP_OK)
	{
		this->stats->failure(this->stats, err.status);
		snprintf(reason, sizeof(reason), "%s: %s",
				 skip_status_name(err.status), err.detail);
		this->sas->failed(this->sas, id, reason);
		log_no_ppk(ike_sa, reason);
		memwipe(&request, sizeof(request));
		return NULL;
	}
	this->stats->key(this->stats, !request.initiator, from != request.kp,
					 elapsed_us(&start));
	cached = chunk_create(key->key, key->key_len);
	this->sas->fetched(this->sas, id, key->key_id, cached);
	cached = chunk_clone(cached);
	skip_key_destroy(key);
	memwipe(&request, sizeof(request));
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
skip_creds_t *skip_creds_create(skip_kp_set_t *kps, skip_sa_table_t *sas,
								skip_stats_t *stats)
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
		.stats = stats,
	);
	return &this->public;
}
