/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "skip_listener.h"
#include "skip_ike_sa.h"
#include "skip_peer_cfg.h"
#include "skip_responder.h"
#include "skip_wire.h"

#include <daemon.h>
#include <encoding/payloads/notify_payload.h>

typedef struct private_skip_listener_t private_skip_listener_t;

struct private_skip_listener_t {

	/** public interface */
	skip_listener_t public;

	/** our Key Provider profiles */
	skip_kp_set_t *kps;

	/** per-IKE_SA state */
	skip_sa_table_t *sas;

	/** counters */
	skip_stats_t *stats;
};

/**
 * The IKE_SA a message belongs to. The bus passes the thread's current
 * IKE_SA, which is the old one for the first IKE_SA_INIT of an IKE_SA that
 * replaces it (make-before-break reauthentication on strongSwan 5.9.x):
 * such a message is known by its initiator SPI only.
 */
static skip_sa_id_t message_sa_id(ike_sa_t *ike_sa, message_t *message)
{
	ike_sa_id_t *msg = message->get_ike_sa_id(message);
	skip_sa_id_t id = skip_sa_id(ike_sa);

	if (msg->get_initiator_spi(msg) != id.spi_i)
	{
		id.unique_id = 0;
		id.spi_i = msg->get_initiator_spi(msg);
	}
	return id;
}

/**
 * Put a KP's system ID into a USE_PPK notify.
 *
 * @param kp		KP to announce
 * @param sid		receives the system ID sent, empty if none
 */
static void announce(skip_kp_t *kp, notify_payload_t *notify,
					 char sid[SKIP_SYSTEM_ID_MAX + 1])
{
	skip_sid_log_t esc;

	if (!kp->get_local_system_id(kp, sid))
	{
		sid[0] = '\0';
		DBG1(DBG_IKE, "SKIP: system ID of KP '%s' not known yet (KP not "
			 "reachable?), sending USE_PPK without it", kp->get_name(kp));
		return;
	}
	notify->set_notification_data(notify, chunk_from_str(sid));
	DBG2(DBG_IKE, "SKIP: sending system ID '%s' of KP '%s' in USE_PPK",
		 skip_sid_log(sid, &esc), kp->get_name(kp));
}

/**
 * Outbound IKE_SA_INIT request: announce our system ID (step 1); a restart
 * (COOKIE, INVALID_KE_PAYLOAD) begins anew.
 */
static void init_request_out(private_skip_listener_t *this, ike_sa_t *ike_sa,
							 skip_sa_id_t id, message_t *message)
{
	char sid[SKIP_SYSTEM_ID_MAX + 1];
	notify_payload_t *notify;
	peer_cfg_t *peer_cfg;
	skip_kp_t *kp;

	notify = message->get_notify(message, USE_PPK);
	/* a replacing IKE_SA has the configuration of the one it replaces */
	peer_cfg = ike_sa->get_peer_cfg(ike_sa);
	if (!notify || !skip_peer_cfg_dynamic(peer_cfg))
	{
		this->sas->remove(this->sas, id);
		return;
	}
	kp = this->kps->for_connection(this->kps, peer_cfg->get_name(peer_cfg));
	kp = this->kps->to_announce(this->kps, kp);
	announce(kp, notify, sid);
	this->sas->initiate(this->sas, id, kp, sid);
}

/**
 * Outbound IKE_SA_INIT response: announce our system ID if a KP serves the
 * peer (step 4). charon answers USE_PPK only if a PPK may be available.
 */
static void init_response_out(private_skip_listener_t *this, ike_sa_t *ike_sa,
							  skip_sa_id_t id, message_t *message)
{
	char sid[SKIP_SYSTEM_ID_MAX + 1], peer[SKIP_SYSTEM_ID_MAX + 1];
	notify_payload_t *notify;
	skip_kp_t *kp;
	bool chosen;

	notify = message->get_notify(message, USE_PPK);
	kp = this->sas->get_kp(this->sas, id, &chosen, peer);
	if (!notify || !peer[0])
	{
		return;
	}
	if (!chosen)
	{	/* our credential set was not asked: a static PPK answered first */
		kp = skip_responder_choose_kp(this->kps, ike_sa, peer);
	}
	if (!kp)
	{
		this->sas->choose_kp(this->sas, id, NULL);
		return;
	}
	announce(kp, notify, sid);
	this->sas->announced(this->sas, id, kp, sid);
}

/**
 * Parse a USE_PPK notify (log what is not usable).
 *
 * @param sid		receives the system ID
 */
static skip_peer_use_ppk_t parse_use_ppk(notify_payload_t *notify,
										 char sid[SKIP_SYSTEM_ID_MAX + 1])
{
	chunk_t data;

	if (!notify)
	{
		return SKIP_PEER_NO_USE_PPK;
	}
	data = notify->get_notification_data(notify);
	switch (skip_wire_parse_use_ppk(data.ptr, data.len, sid))
	{
		case SKIP_WIRE_VALID:
			return SKIP_PEER_SKIP;
		case SKIP_WIRE_EMPTY:
			return SKIP_PEER_PLAIN;
		case SKIP_WIRE_INVALID:
		default:
			DBG1(DBG_IKE, "SKIP: USE_PPK data of %zu bytes is not a valid "
				 "system ID, ignored", data.len);
			return SKIP_PEER_INVALID;
	}
}

/**
 * Inbound IKE_SA_INIT request: learn the peer's system ID (step 2).
 */
static void init_request_in(private_skip_listener_t *this, skip_sa_id_t id,
							message_t *message)
{
	char sid[SKIP_SYSTEM_ID_MAX + 1] = "";
	notify_payload_t *notify;
	skip_peer_use_ppk_t use_ppk;

	notify = message->get_notify(message, USE_PPK);
	if (!notify)
	{	/* no PPK at all: nothing for us */
		this->sas->remove(this->sas, id);
		return;
	}
	use_ppk = parse_use_ppk(notify, sid);
	this->sas->request_received(this->sas, id, use_ppk, sid);
	if (use_ppk == SKIP_PEER_SKIP)
	{
		skip_sid_log_t esc;

		DBG2(DBG_IKE, "SKIP: peer announced system ID '%s' in USE_PPK",
			 skip_sid_log(sid, &esc));
	}
}

/**
 * Inbound IKE_SA_INIT response: learn the peer's system ID (step 5).
 */
static void init_response_in(private_skip_listener_t *this, skip_sa_id_t id,
							 message_t *message)
{
	char sid[SKIP_SYSTEM_ID_MAX + 1] = "";
	skip_peer_use_ppk_t use_ppk;
	skip_sid_log_t esc;

	use_ppk = parse_use_ppk(message->get_notify(message, USE_PPK), sid);
	if (!this->sas->response_received(this->sas, id, use_ppk, sid))
	{	/* not a SKIP IKE_SA (or an IKE_SA_INIT answered with an error) */
		return;
	}
	switch (use_ppk)
	{
		case SKIP_PEER_SKIP:
			DBG2(DBG_IKE, "SKIP: peer announced system ID '%s' in USE_PPK",
				 skip_sid_log(sid, &esc));
			break;
		case SKIP_PEER_PLAIN:
			DBG1(DBG_IKE, "SKIP: peer sent USE_PPK without a system ID, "
				 "it does not support SKIP: no dynamic PPK available");
			break;
		default:
			break;
	}
}

/**
 * The key ID rule of a KP's protocol, for the notify data functions.
 */
static bool kp_key_id_rule(void *kp, const char *s, size_t len)
{
	return ((skip_kp_t*)kp)->key_id_valid(kp, s, len);
}

/**
 * Outbound IKE_AUTH request: send our KP's keyId as PPK_ID (step 7).
 */
static void auth_request_out(private_skip_listener_t *this, skip_sa_id_t id,
							 message_t *message)
{
	char key_id[SKIP_KEY_ID_MAX_HEX + 1];
	uint8_t data[SKIP_PPK_IDENTITY_MAX];
	notify_payload_t *notify;
	skip_kp_t *kp = NULL;
	size_t len = 0;
	bool raw = FALSE;

	notify = message->get_notify(message, PPK_IDENTITY);
	if (!notify || !this->sas->get_key_id(this->sas, id, key_id, &kp))
	{
		return;
	}
	if (kp && kp->sends_raw_key_id(kp))
	{	/* not for keyIds whose bytes would read as hex text themselves */
		len = skip_wire_build_ppk_identity_raw(key_id, data);
		raw = len > 0;
	}
	if (!len && kp)
	{
		len = skip_wire_build_ppk_identity_rule(key_id, kp_key_id_rule, kp,
												data);
	}
	if (len)
	{
		notify->set_notification_data(notify, chunk_create(data, len));
		DBG2(DBG_IKE, "SKIP: sending keyId %s in PPK_IDENTITY%s", key_id,
			 raw ? " as raw bytes" : "");
	}
}

/**
 * Inbound IKE_AUTH request: keep the keyId the initiator sent (step 8).
 */
static void auth_request_in(private_skip_listener_t *this, skip_sa_id_t id,
							message_t *message)
{
	char key_id[SKIP_KEY_ID_MAX_HEX + 1], peer[SKIP_SYSTEM_ID_MAX + 1];
	identification_t *ppk_id = NULL;
	notify_payload_t *notify;
	skip_wire_t result;
	skip_kp_t *kp;
	bool raw = FALSE, chosen;
	chunk_t data;

	notify = message->get_notify(message, PPK_IDENTITY);
	if (!notify)
	{
		return;
	}
	data = notify->get_notification_data(notify);
	/* key IDs look as the protocol of the KP we announced makes them */
	kp = this->sas->get_kp(this->sas, id, &chosen, peer);
	result = skip_wire_parse_ppk_identity_rule(data.ptr, data.len,
								kp ? kp_key_id_rule : NULL, kp, key_id, &raw);
	if (result == SKIP_WIRE_VALID)
	{	/* the PPK_ID charon will look up for it */
		ppk_id = identification_create_from_data(chunk_skip(data, 1));
	}
	if (!this->sas->key_id_received(this->sas, id,
							result == SKIP_WIRE_VALID ? key_id : NULL, ppk_id))
	{
		DESTROY_IF(ppk_id);
		return;
	}
	DESTROY_IF(ppk_id);
	if (result == SKIP_WIRE_VALID)
	{
		DBG2(DBG_IKE, "SKIP: received keyId %s in PPK_IDENTITY%s", key_id,
			 raw ? " as raw bytes" : "");
	}
	else
	{
		DBG1(DBG_IKE, "SKIP: PPK_IDENTITY of %zu bytes does not carry a SKIP "
			 "keyId (PPK_ID_FIXED and a keyId as hex text or raw bytes), no "
			 "dynamic PPK", data.len);
	}
}

METHOD(listener_t, message_hook, bool,
	private_skip_listener_t *this, ike_sa_t *ike_sa, message_t *message,
	bool incoming, bool plain)
{
	skip_sa_id_t id;
	bool request;

	if (!plain || !ike_sa ||
		message->get_major_version(message) != IKEV2_MAJOR_VERSION)
	{
		return TRUE;
	}
	id = message_sa_id(ike_sa, message);
	request = message->get_request(message);
	switch (message->get_exchange_type(message))
	{
		case IKE_SA_INIT:
			if (incoming)
			{
				request ? init_request_in(this, id, message)
						: init_response_in(this, id, message);
			}
			else
			{
				request ? init_request_out(this, ike_sa, id, message)
						: init_response_out(this, ike_sa, id, message);
			}
			break;
		case IKE_AUTH:
			if (request)
			{
				incoming ? auth_request_in(this, id, message)
						 : auth_request_out(this, id, message);
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
	char reason[SKIP_SA_REASON_MAX];
	peer_cfg_t *peer_cfg;
	bool dynamic_key;

	if (!final || !*success)
	{
		return TRUE;
	}
	peer_cfg = ike_sa->get_peer_cfg(ike_sa);
	if (!skip_peer_cfg_dynamic(peer_cfg))
	{	/* e.g. a responder's IKE_SA with a static PPK, whose peer sent
		 * USE_PPK: it will never use SKIP, keep no state while it lives */
		this->sas->remove(this->sas, skip_sa_id(ike_sa));
		return TRUE;
	}
	this->sas->authorized(this->sas, skip_sa_id(ike_sa), &dynamic_key,
						  reason);
	if (!skip_peer_cfg_ppk_required(peer_cfg))
	{
		if (!ike_sa->has_condition(ike_sa, COND_PPK))
		{
			this->stats->without_ppk(this->stats);
			DBG1(DBG_IKE, "SKIP: WARNING: IKE_SA %s[%u] continues WITHOUT a "
				 "post-quantum PPK (%s), connection '%s' has ppk_required = "
				 "no", ike_sa->get_name(ike_sa), ike_sa->get_unique_id(ike_sa),
				 reason[0] ? reason : "the peer did not use one",
				 peer_cfg->get_name(peer_cfg));
		}
		return TRUE;
	}
	/* strongSwan before 6.1 lets an initiator continue without PPK if the
	 * responder ignores it, even if one is required; and a responder takes
	 * any static PPK whose ID matches %any: enforce the dynamic PPK here */
	if (!ike_sa->has_condition(ike_sa, COND_PPK))
	{
		DBG1(DBG_IKE, "SKIP: connection '%s' requires a dynamic PPK, but "
			 "IKE_SA %s[%u] was authenticated without one, refusing it",
			 peer_cfg->get_name(peer_cfg), ike_sa->get_name(ike_sa),
			 ike_sa->get_unique_id(ike_sa));
		this->stats->refused(this->stats);
		*success = FALSE;
	}
	else if (!dynamic_key)
	{
		this->stats->refused(this->stats);
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
		this->sas->remove(this->sas, skip_sa_id(ike_sa)))
	{
		DBG2(DBG_IKE, "SKIP: wiped the state of IKE_SA %s[%u], %u IKE_SAs "
			 "with state remain", ike_sa->get_name(ike_sa),
			 ike_sa->get_unique_id(ike_sa), this->sas->get_count(this->sas));
	}
	return TRUE;
}

METHOD(skip_listener_t, destroy, void,
	private_skip_listener_t *this)
{
	free(this);
}

/*
 * Described in header
 */
skip_listener_t *skip_listener_create(skip_kp_set_t *kps, skip_sa_table_t *sas,
									  skip_stats_t *stats)
{
	private_skip_listener_t *this;

	INIT(this,
		.public = {
			.listener = {
				.message = _message_hook,
				.authorize = _authorize,
				.ike_state_change = _ike_state_change,
			},
			.destroy = _destroy,
		},
		.kps = kps,
		.sas = sas,
		.stats = stats,
	);
	return &this->public;
}
