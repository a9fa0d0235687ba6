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

	/** our Key Provider */
	skip_kp_t *kp;

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
 * say yes for peers that announced a SKIP system ID, so charon answers with
 * USE_PPK. The placeholder is never used as a key.
 */
static enumerator_t *announce(private_skip_creds_t *this, ike_sa_t *ike_sa)
{
	char sid[SKIP_SYSTEM_ID_MAX + 1];
	skip_sa_t *sa;
	bool skip;

	sa = this->sas->lock(this->sas, ike_sa->get_unique_id(ike_sa), FALSE);
	skip = sa && !sa->initiator && sa->peer_sid[0];
	this->sas->unlock(this->sas);
	if (!skip || !this->kp->get_local_system_id(this->kp, sid))
	{
		return NULL;
	}
	return key_enumerator_create(chunk_clone(chunk_from_chars(0x00)));
}

/**
 * Ask the KP for the PPK of an IKE_SA (steps 6 and 9); no lock is held.
 */
static skip_key_t *fetch(private_skip_creds_t *this, bool initiator,
						 char *peer_sid, char *key_id)
{
	skip_error_t err = {};
	skip_key_t *key = NULL;
	skip_status_t status;

	if (initiator)
	{
		status = this->kp->get_key(this->kp, peer_sid, &key, &err);
	}
	else
	{
		status = this->kp->get_key_by_id(this->kp, key_id, peer_sid, &key,
										 &err);
	}
	if (status != SKIP_OK)
	{
		DBG1(DBG_CFG, "SKIP: KP '%s' provided no PPK for peer system ID "
			 "'%s'%s%s: %s (%s)", this->kp->get_name(this->kp), peer_sid,
			 initiator ? "" : " and keyId ", initiator ? "" : key_id,
			 skip_status_name(err.status), err.detail);
		return NULL;
	}
	DBG1(DBG_CFG, "SKIP: got %zu bit PPK with keyId %s from KP '%s' for peer "
		 "system ID '%s'", key->key_len * 8, key->key_id,
		 this->kp->get_name(this->kp), peer_sid);
	return key;
}

/**
 * The PPK of the current IKE_SA: cached, or fetched once from the KP.
 */
static enumerator_t *get_ppk(private_skip_creds_t *this, ike_sa_t *ike_sa,
							 identification_t *ppk_id)
{
	char peer_sid[SKIP_SYSTEM_ID_MAX + 1], key_id[SKIP_KEY_ID_MAX_HEX + 1];
	uint32_t id = ike_sa->get_unique_id(ike_sa);
	chunk_t cached = chunk_empty;
	skip_key_t *key;
	skip_sa_t *sa;
	bool initiator;

	if (!skip_peer_cfg_dynamic(ike_sa->get_peer_cfg(ike_sa)))
	{	/* static PPK connections use their secrets */
		return NULL;
	}
	sa = this->sas->lock(this->sas, id, FALSE);
	if (!sa || (!sa->initiator &&
				!chunk_equals(ppk_id->get_encoding(ppk_id),
							  chunk_from_str(sa->key_id))))
	{	/* not SKIP, or a lookup for another PPK_ID than the peer sent */
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
	strcpy(peer_sid, sa->peer_sid);
	strcpy(key_id, sa->key_id);
	this->sas->unlock(this->sas);

	if (!peer_sid[0])
	{
		DBG1(DBG_CFG, "SKIP: peer announced no SKIP system ID in USE_PPK, "
			 "no dynamic PPK for IKE_SA %s[%u]", ike_sa->get_name(ike_sa), id);
		return NULL;
	}
	key = fetch(this, initiator, peer_sid, key_id);
	if (!key)
	{
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
skip_creds_t *skip_creds_create(skip_kp_t *kp, skip_sa_table_t *sas)
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
		.kp = kp,
		.sas = sas,
	);
	return &this->public;
}
