/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "skip_listener.h"
#include "skip_peer_cfg.h"
#include "skip_wire.h"

#include <daemon.h>
#include <collections/linked_list.h>
#include <encoding/payloads/notify_payload.h>
#include <threading/mutex.h>

typedef struct private_skip_listener_t private_skip_listener_t;

struct private_skip_listener_t {

	/** public interface */
	skip_listener_t public;

	/** our Key Provider profiles */
	skip_kp_set_t *kps;

	/** per-IKE_SA state */
	skip_sa_table_t *sas;

	/** IKE_SAs being reestablished (reestablish_t) */
	linked_list_t *reestablishing;

	/** protects reestablishing */
	mutex_t *mutex;
};

/**
 * A new IKE_SA replacing an old one (reauthentication): its IKE_SA_INIT is
 * sent while the old IKE_SA is the thread's current one.
 */
typedef struct {
	ike_sa_t *old;
	ike_sa_t *new;
} reestablish_t;

/**
 * The IKE_SA a message belongs to: the bus passes the thread's current
 * IKE_SA, which is the old one for the first message of a reestablished
 * IKE_SA.
 */
static ike_sa_t *message_sa(private_skip_listener_t *this, ike_sa_t *ike_sa,
							message_t *message)
{
	ike_sa_id_t *id = message->get_ike_sa_id(message);
	enumerator_t *enumerator;
	reestablish_t *entry;
	ike_sa_t *found = ike_sa;

	if (ike_sa->get_id(ike_sa)->equals(ike_sa->get_id(ike_sa), id))
	{
		return ike_sa;
	}
	this->mutex->lock(this->mutex);
	enumerator = this->reestablishing->create_enumerator(this->reestablishing);
	while (enumerator->enumerate(enumerator, &entry))
	{
		if (entry->old == ike_sa &&
			entry->new->get_id(entry->new)->equals(entry->new->get_id(entry->new),
												   id))
		{
			found = entry->new;
			break;
		}
	}
	enumerator->destroy(enumerator);
	this->mutex->unlock(this->mutex);
	return found;
}

/**
 * Put a KP's system ID into a USE_PPK notify and remember it.
 *
 * @param kp		KP to announce
 * @param sid		receives the system ID sent, empty if none
 */
static void announce(skip_kp_t *kp, notify_payload_t *notify,
					 char sid[SKIP_SYSTEM_ID_MAX + 1])
{
	if (!kp->get_local_system_id(kp, sid))
	{
		sid[0] = '\0';
		DBG1(DBG_IKE, "SKIP: system ID of KP '%s' not known yet (KP not "
			 "reachable?), sending USE_PPK without it", kp->get_name(kp));
		return;
	}
	notify->set_notification_data(notify, chunk_from_str(sid));
	DBG2(DBG_IKE, "SKIP: sending system ID '%s' of KP '%s' in USE_PPK", sid,
		 kp->get_name(kp));
}

/**
 * The first KP of a connection's chain (profile and fallbacks) whose system
 * ID is known: a KP that cannot be reached is not announced.
 */
static skip_kp_t *first_known(skip_kp_t *kp)
{
	char sid[SKIP_SYSTEM_ID_MAX + 1];
	skip_kp_t *current;
	int steps;

	for (current = kp, steps = 0; current && steps < 16;
		 current = current->get_fallback(current), steps++)
	{
		if (current->get_local_system_id(current, sid))
		{
			return current;
		}
	}
	return kp;
}

/**
 * Outbound IKE_SA_INIT: announce our system ID (steps 1 and 4).
 */
static void init_outbound(private_skip_listener_t *this, ike_sa_t *ike_sa,
						  message_t *message)
{
	char sid[SKIP_SYSTEM_ID_MAX + 1], peer[SKIP_SYSTEM_ID_MAX + 1] = "";
	uint32_t id = ike_sa->get_unique_id(ike_sa);
	notify_payload_t *notify;
	peer_cfg_t *peer_cfg;
	skip_kp_t *kp = NULL;
	skip_sa_t *sa;

	notify = message->get_notify(message, USE_PPK);
	if (message->get_request(message))
	{	/* initiator; a restart (cookie, INVALID_KE) begins anew */
		peer_cfg = ike_sa->get_peer_cfg(ike_sa);
		if (!notify || !skip_peer_cfg_dynamic(peer_cfg))
		{
			this->sas->remove(this->sas, id);
			return;
		}
		kp = this->kps->for_connection(this->kps,
									   peer_cfg->get_name(peer_cfg));
		kp = first_known(kp);
		announce(kp, notify, sid);
		sa = this->sas->lock(this->sas, id, TRUE);
		skip_sa_reset_key(sa);
		sa->peer_sid[0] = '\0';
		sa->initiator = TRUE;
		sa->kp = kp;
		strcpy(sa->local_sid, sid);
		this->sas->unlock(this->sas);
		return;
	}
	/* responder: charon answers USE_PPK only if a PPK may be available */
	sa = this->sas->lock(this->sas, id, FALSE);
	if (sa && !sa->initiator && sa->peer_sid[0])
	{
		kp = sa->kp;
		strcpy(peer, sa->peer_sid);
	}
	this->sas->unlock(this->sas);
	if (!notify || !peer[0])
	{
		return;
	}
	if (!kp)
	{
		kp = this->kps->for_peer_cached(this->kps, peer);
	}
	if (!kp)
	{
		DBG1(DBG_IKE, "SKIP: none of our KPs shares keys with peer system ID "
			 "'%s', answering USE_PPK without SKIP", peer);
		return;
	}
	announce(kp, notify, sid);
	sa = this->sas->lock(this->sas, id, FALSE);
	if (sa)
	{
		sa->kp = kp;
		strcpy(sa->local_sid, sid);
	}
	this->sas->unlock(this->sas);
}

/**
 * Inbound IKE_SA_INIT: learn the peer's system ID (steps 2 and 5).
 */
static void init_inbound(private_skip_listener_t *this, ike_sa_t *ike_sa,
						 message_t *message)
{
	uint32_t id = ike_sa->get_unique_id(ike_sa);
	char sid[SKIP_SYSTEM_ID_MAX + 1];
	notify_payload_t *notify;
	skip_wire_t result;
	chunk_t data;
	skip_sa_t *sa;
	bool request;

	request = message->get_request(message);
	notify = message->get_notify(message, USE_PPK);
	if (!notify)
	{
		if (request)
		{
			this->sas->remove(this->sas, id);
		}
		return;
	}
	data = notify->get_notification_data(notify);
	result = skip_wire_parse_use_ppk(data.ptr, data.len, sid);

	sa = this->sas->lock(this->sas, id, request && result == SKIP_WIRE_VALID);
	if (sa && sa->initiator == request)
	{	/* not a state of ours for this direction */
		sa = NULL;
	}
	if (sa)
	{
		if (request)
		{
			skip_sa_reset_key(sa);
			sa->kp = NULL;
		}
		if (result == SKIP_WIRE_VALID)
		{
			strcpy(sa->peer_sid, sid);
		}
	}
	this->sas->unlock(this->sas);

	switch (result)
	{
		case SKIP_WIRE_VALID:
			if (sa)
			{
				DBG2(DBG_IKE, "SKIP: peer announced system ID '%s' in USE_PPK",
					 sid);
			}
			break;
		case SKIP_WIRE_EMPTY:
			if (request)
			{
				this->sas->remove(this->sas, id);
			}
			else if (sa)
			{
				DBG1(DBG_IKE, "SKIP: peer sent USE_PPK without a system ID, "
					 "it does not support SKIP: no dynamic PPK available");
			}
			break;
		case SKIP_WIRE_INVALID:
			DBG1(DBG_IKE, "SKIP: USE_PPK data of %zu bytes is not a valid "
				 "system ID, ignored", data.len);
			if (request)
			{
				this->sas->remove(this->sas, id);
			}
			break;
	}
}

/**
 * Outbound IKE_AUTH request: send our KP's keyId as PPK_ID (step 7).
 */
static void auth_outbound(private_skip_listener_t *this, ike_sa_t *ike_sa,
						  message_t *message)
{
	uint8_t data[SKIP_PPK_IDENTITY_MAX];
	notify_payload_t *notify;
	size_t len = 0;
	skip_sa_t *sa;

	notify = message->get_notify(message, PPK_IDENTITY);
	if (!notify)
	{
		return;
	}
	sa = this->sas->lock(this->sas, ike_sa->get_unique_id(ike_sa), FALSE);
	if (sa && sa->initiator && sa->key.len)
	{
		len = skip_wire_build_ppk_identity(sa->key_id, data);
	}
	this->sas->unlock(this->sas);
	if (len)
	{
		notify->set_notification_data(notify, chunk_create(data, len));
		DBG2(DBG_IKE, "SKIP: sending keyId %.*s in PPK_IDENTITY",
			 (int)len - 1, data + 1);
	}
}

/**
 * Inbound IKE_AUTH request: keep the keyId the initiator sent (step 8).
 */
static void auth_inbound(private_skip_listener_t *this, ike_sa_t *ike_sa,
						 message_t *message)
{
	char key_id[SKIP_KEY_ID_MAX_HEX + 1];
	notify_payload_t *notify;
	skip_wire_t result;
	chunk_t data;
	skip_sa_t *sa;

	notify = message->get_notify(message, PPK_IDENTITY);
	if (!notify)
	{
		return;
	}
	data = notify->get_notification_data(notify);
	result = skip_wire_parse_ppk_identity(data.ptr, data.len, key_id);

	sa = this->sas->lock(this->sas, ike_sa->get_unique_id(ike_sa), FALSE);
	if (sa && !sa->initiator)
	{
		skip_sa_reset_key(sa);
		if (result == SKIP_WIRE_VALID)
		{
			strcpy(sa->key_id, key_id);
		}
	}
	else
	{
		sa = NULL;
	}
	this->sas->unlock(this->sas);

	if (sa && result == SKIP_WIRE_VALID)
	{
		DBG2(DBG_IKE, "SKIP: received keyId %s in PPK_IDENTITY", key_id);
	}
	else if (sa)
	{
		DBG1(DBG_IKE, "SKIP: PPK_IDENTITY of %zu bytes does not carry a SKIP "
			 "keyId (PPK_ID_FIXED and hex), no dynamic PPK", data.len);
	}
}

METHOD(listener_t, message_hook, bool,
	private_skip_listener_t *this, ike_sa_t *ike_sa, message_t *message,
	bool incoming, bool plain)
{
	if (!plain || !ike_sa ||
		message->get_major_version(message) != IKEV2_MAJOR_VERSION)
	{
		return TRUE;
	}
	ike_sa = message_sa(this, ike_sa, message);
	switch (message->get_exchange_type(message))
	{
		case IKE_SA_INIT:
			if (incoming)
			{
				init_inbound(this, ike_sa, message);
			}
			else
			{
				init_outbound(this, ike_sa, message);
			}
			break;
		case IKE_AUTH:
			if (!message->get_request(message))
			{
				break;
			}
			if (incoming)
			{
				auth_inbound(this, ike_sa, message);
			}
			else
			{
				auth_outbound(this, ike_sa, message);
			}
			break;
		default:
			break;
	}
	return TRUE;
}

METHOD(listener_t, authorize, bool,
	private_skip_listener_t *this, ike_sa_t *ike_sa, bool final, bool *success)
{
	peer_cfg_t *peer_cfg;
	skip_sa_t *sa;
	bool dynamic_key;

	if (!final || !*success)
	{
		return TRUE;
	}
	peer_cfg = ike_sa->get_peer_cfg(ike_sa);
	if (!skip_peer_cfg_dynamic(peer_cfg) ||
		!skip_peer_cfg_ppk_required(peer_cfg))
	{
		return TRUE;
	}
	sa = this->sas->lock(this->sas, ike_sa->get_unique_id(ike_sa), FALSE);
	dynamic_key = sa && sa->key.len;
	this->sas->unlock(this->sas);

	/* strongSwan before 6.1 lets an initiator continue without PPK if the
	 * responder ignores it, even if one is required; and a responder takes
	 * any static PPK whose ID matches %any: enforce the dynamic PPK here */
	if (!ike_sa->has_condition(ike_sa, COND_PPK))
	{
		DBG1(DBG_IKE, "SKIP: connection '%s' requires a dynamic PPK, but "
			 "IKE_SA %s[%u] was authenticated without one, refusing it",
			 peer_cfg->get_name(peer_cfg), ike_sa->get_name(ike_sa),
			 ike_sa->get_unique_id(ike_sa));
		*success = FALSE;
	}
	else if (!dynamic_key)
	{
		DBG1(DBG_IKE, "SKIP: connection '%s' requires a dynamic PPK, but "
			 "IKE_SA %s[%u] used a PPK that did not come from SKIP, refusing "
			 "it", peer_cfg->get_name(peer_cfg), ike_sa->get_name(ike_sa),
			 ike_sa->get_unique_id(ike_sa));
		*success = FALSE;
	}
	return TRUE;
}

METHOD(listener_t, ike_state_change, bool,
	private_skip_listener_t *this, ike_sa_t *ike_sa, ike_sa_state_t state)
{
	if (state == IKE_DESTROYING &&
		this->sas->remove(this->sas, ike_sa->get_unique_id(ike_sa)))
	{
		DBG2(DBG_IKE, "SKIP: wiped the state of IKE_SA %s[%u], %u IKE_SAs "
			 "with state remain", ike_sa->get_name(ike_sa),
			 ike_sa->get_unique_id(ike_sa), this->sas->get_count(this->sas));
	}
	return TRUE;
}

METHOD(listener_t, ike_reestablish_pre, bool,
	private_skip_listener_t *this, ike_sa_t *old, ike_sa_t *new)
{
	reestablish_t *entry;

	INIT(entry,
		.old = old,
		.new = new,
	);
	this->mutex->lock(this->mutex);
	this->reestablishing->insert_last(this->reestablishing, entry);
	this->mutex->unlock(this->mutex);
	return TRUE;
}

METHOD(listener_t, ike_reestablish_post, bool,
	private_skip_listener_t *this, ike_sa_t *old, ike_sa_t *new,
	bool initiated)
{
	enumerator_t *enumerator;
	reestablish_t *entry;

	this->mutex->lock(this->mutex);
	enumerator = this->reestablishing->create_enumerator(this->reestablishing);
	while (enumerator->enumerate(enumerator, &entry))
	{
		if (entry->new == new)
		{
			this->reestablishing->remove_at(this->reestablishing, enumerator);
			free(entry);
			break;
		}
	}
	enumerator->destroy(enumerator);
	this->mutex->unlock(this->mutex);
	return TRUE;
}

METHOD(skip_listener_t, destroy, void,
	private_skip_listener_t *this)
{
	this->reestablishing->destroy_function(this->reestablishing, free);
	this->mutex->destroy(this->mutex);
	free(this);
}

/*
 * Described in header
 */
skip_listener_t *skip_listener_create(skip_kp_set_t *kps, skip_sa_table_t *sas)
{
	private_skip_listener_t *this;

	INIT(this,
		.public = {
			.listener = {
				.message = _message_hook,
				.authorize = _authorize,
				.ike_state_change = _ike_state_change,
				.ike_reestablish_pre = _ike_reestablish_pre,
				.ike_reestablish_post = _ike_reestablish_post,
			},
			.destroy = _destroy,
		},
		.kps = kps,
		.sas = sas,
		.reestablishing = linked_list_create(),
		.mutex = mutex_create(MUTEX_TYPE_DEFAULT),
	);
	return &this->public;
}
