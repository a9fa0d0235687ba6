/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup skip_sa_table skip_sa_table
 * @{ @ingroup skip
 */

#ifndef SKIP_SA_TABLE_H_
#define SKIP_SA_TABLE_H_

#include "skip_kp.h"

#include <library.h>
#include <utils/identification.h>
#include <skip_validate.h>

typedef struct skip_sa_table_t skip_sa_table_t;

/**
 * Identifies an IKE_SA to the table.
 *
 * The unique ID is 0 where the IKE_SA object is not known: strongSwan 5.9.x
 * sends the first IKE_SA_INIT of a make-before-break reauthentication while
 * the old IKE_SA is the thread's current one. Such state is kept under the
 * initiator SPI until the response arrives in the new IKE_SA's context.
 */
typedef struct {
	/** ike_sa_t.get_unique_id(), 0 if not known */
	uint32_t unique_id;
	/** initiator SPI of the IKE_SA (as on the wire) */
	uint64_t spi_i;
} skip_sa_id_t;

/**
 * What the peer sent in USE_PPK.
 */
typedef enum {
	/** no USE_PPK seen (yet) */
	SKIP_PEER_NO_USE_PPK,
	/** USE_PPK without data: a plain RFC 8784 peer */
	SKIP_PEER_PLAIN,
	/** USE_PPK data that is not a system ID */
	SKIP_PEER_INVALID,
	/** a SKIP system ID */
	SKIP_PEER_SKIP,
} skip_peer_use_ppk_t;

/**
 * What a PPK lookup for an IKE_SA is to do.
 */
typedef enum {
	/** the table knows no such IKE_SA, or the lookup is for another PPK_ID */
	SKIP_LOOKUP_NONE,
	/** a key was fetched before: it is returned again */
	SKIP_LOOKUP_CACHED,
	/** the KP was asked before and failed: do not ask again */
	SKIP_LOOKUP_FAILED,
	/** no key can be fetched: the reason says why */
	SKIP_LOOKUP_UNAVAILABLE,
	/** ask the KP with what the request holds, then call fetched()/failed() */
	SKIP_LOOKUP_FETCH,
} skip_lookup_t;

/**
 * A KP request for an IKE_SA, copied out of the table so that no lock is held
 * during KP I/O.
 */
typedef struct {
	/** TRUE for a new key (initiator), FALSE for a key by keyId */
	bool initiator;
	/** KP profile (chain) to ask */
	skip_kp_t *kp;
	/** our system ID as announced to the peer */
	char local_sid[SKIP_SYSTEM_ID_MAX + 1];
	/** the peer's system ID */
	char peer_sid[SKIP_SYSTEM_ID_MAX + 1];
	/** keyId the peer sent (responder) */
	char key_id[SKIP_KEY_ID_MAX_HEX + 1];
} skip_sa_request_t;

/**
 * What the status view shows of an IKE_SA (no key).
 */
typedef struct {
	/** unique ID, 0 for a state known by its SPI only */
	uint32_t unique_id;
	/** TRUE if we initiated it */
	bool initiator;
	/** its KP profile, NULL if none chosen */
	skip_kp_t *kp;
	/** the peer's system ID, "" if none */
	char peer_sid[SKIP_SYSTEM_ID_MAX + 1];
	/** the keyId of its PPK, "" if none yet */
	char key_id[SKIP_KEY_ID_MAX_HEX + 1];
	/** TRUE once a dynamic PPK was handed to charon */
	bool used;
} skip_sa_info_t;

/**
 * Callback for skip_sa_table_t.list(), called with the table locked: it
 * must not call back into the table.
 */
typedef void (*skip_sa_list_cb_t)(void *ctx, const skip_sa_info_t *info);

/** longest reason kept for an IKE_SA without a dynamic PPK */
#define SKIP_SA_REASON_MAX 320

/**
 * Per-IKE_SA state of the plugin.
 *
 * The table owns the state of every IKE_SA that uses SKIP and changes it only
 * through the named transitions below, each atomic. Nothing outside sees a
 * state; requests and keys are copied out. No lock is held during KP I/O.
 */
struct skip_sa_table_t {

	/**
	 * Initiator: we send (or, after a COOKIE or INVALID_KE_PAYLOAD, send
	 * again) the IKE_SA_INIT request. Starts a fresh state.
	 *
	 * @param kp			KP profile of the connection
	 * @param local_sid		system ID sent in USE_PPK, "" if none
	 */
	void (*initiate)(skip_sa_table_t *this, skip_sa_id_t id, skip_kp_t *kp,
					 const char *local_sid);

	/**
	 * Initiator: the IKE_SA_INIT response arrived.
	 *
	 * @param use_ppk		what the peer sent
	 * @param peer_sid		the peer's system ID if SKIP_PEER_SKIP
	 * @return				TRUE if the IKE_SA has state
	 */
	bool (*response_received)(skip_sa_table_t *this, skip_sa_id_t id,
							  skip_peer_use_ppk_t use_ppk,
							  const char *peer_sid);

	/**
	 * Responder: an IKE_SA_INIT request carried USE_PPK. Starts a fresh
	 * state (also for a plain RFC 8784 peer, to say why it gets no dynamic
	 * PPK).
	 *
	 * @param use_ppk		what the peer sent
	 * @param peer_sid		the peer's system ID if SKIP_PEER_SKIP
	 */
	void (*request_received)(skip_sa_table_t *this, skip_sa_id_t id,
							 skip_peer_use_ppk_t use_ppk,
							 const char *peer_sid);

	/**
	 * Responder: the peer's system ID, if it announced one.
	 *
	 * @param peer_sid		receives it
	 * @return				TRUE if known
	 */
	bool (*get_peer_sid)(skip_sa_table_t *this, skip_sa_id_t id,
						 char peer_sid[SKIP_SYSTEM_ID_MAX + 1]);

	/**
	 * Responder: the KP profile chosen for the peer (NULL: none shares keys
	 * with it, SKIP is not offered).
	 */
	void (*choose_kp)(skip_sa_table_t *this, skip_sa_id_t id, skip_kp_t *kp);

	/**
	 * Responder: the KP chosen for the IKE_SA_INIT response.
	 *
	 * @param chosen		TRUE if choose_kp() was called
	 * @param peer_sid		receives the peer's system ID
	 * @return				chosen KP, NULL if none
	 */
	skip_kp_t *(*get_kp)(skip_sa_table_t *this, skip_sa_id_t id, bool *chosen,
						 char peer_sid[SKIP_SYSTEM_ID_MAX + 1]);

	/**
	 * Responder: our system ID went out in USE_PPK of the response.
	 */
	void (*announced)(skip_sa_table_t *this, skip_sa_id_t id, skip_kp_t *kp,
					  const char *local_sid);

	/**
	 * Responder: the peer sent a keyId in PPK_IDENTITY. A previous key of
	 * the IKE_SA is wiped.
	 *
	 * @param key_id		the keyId, NULL if the PPK_IDENTITY was not one
	 * @param ppk_id		the PPK_ID charon parses from the notify (cloned)
	 * @return				TRUE if the IKE_SA has responder state for a peer
	 *						that announced a SKIP system ID
	 */
	bool (*key_id_received)(skip_sa_table_t *this, skip_sa_id_t id,
							const char *key_id, identification_t *ppk_id);

	/**
	 * Initiator: the keyId to send in PPK_IDENTITY, once a key was fetched.
	 *
	 * @param key_id		receives it
	 * @param kp			receives the KP profile of the IKE_SA (may be NULL)
	 * @return				TRUE if there is one
	 */
	bool (*get_key_id)(skip_sa_table_t *this, skip_sa_id_t id,
					   char key_id[SKIP_KEY_ID_MAX_HEX + 1], skip_kp_t **kp);

	/**
	 * charon looks up the PPK of an IKE_SA.
	 *
	 * @param ppk_id		PPK_ID looked up (responder: must be the received one)
	 * @param request		receives the KP request (SKIP_LOOKUP_FETCH)
	 * @param key			receives a copy of the key (SKIP_LOOKUP_CACHED)
	 * @param reason		receives why not (SKIP_LOOKUP_UNAVAILABLE)
	 */
	skip_lookup_t (*lookup)(skip_sa_table_t *this, skip_sa_id_t id,
							identification_t *ppk_id,
							skip_sa_request_t *request, chunk_t *key,
							char reason[SKIP_SA_REASON_MAX]);

	/**
	 * The KP delivered the key of a SKIP_LOOKUP_FETCH (copied).
	 */
	void (*fetched)(skip_sa_table_t *this, skip_sa_id_t id,
					const char *key_id, chunk_t key);

	/**
	 * The KP did not deliver: later lookups answer SKIP_LOOKUP_FAILED.
	 */
	void (*failed)(skip_sa_table_t *this, skip_sa_id_t id, const char *reason);

	/**
	 * charon authorized the IKE_SA: the key is wiped, it is not needed again.
	 *
	 * @param dynamic		receives TRUE if a dynamic PPK was handed out
	 * @param reason		receives why there is none, if known, else ""
	 * @return				TRUE if the IKE_SA has state
	 */
	bool (*authorized)(skip_sa_table_t *this, skip_sa_id_t id, bool *dynamic,
					   char reason[SKIP_SA_REASON_MAX]);

	/**
	 * Forget (and wipe) the state of an IKE_SA, if any.
	 *
	 * @return				TRUE if there was state
	 */
	bool (*remove)(skip_sa_table_t *this, skip_sa_id_t id);

	/**
	 * Call back with what the status view shows of each IKE_SA.
	 */
	void (*list)(skip_sa_table_t *this, skip_sa_list_cb_t cb, void *ctx);

	/**
	 * Number of IKE_SAs with state (including those under their SPI only).
	 */
	u_int (*get_count)(skip_sa_table_t *this);

	/**
	 * Memory the states hold: each state's fixed part plus the keys and
	 * PPK_ID encodings it allocated (not the containers' and allocator's
	 * overhead).
	 *
	 * @param state_size	receives the size of one state's fixed part
	 * @return				bytes, over all states
	 */
	size_t (*get_bytes)(skip_sa_table_t *this, size_t *state_size);

	/**
	 * Wipe all state and destroy the table.
	 */
	void (*destroy)(skip_sa_table_t *this);
};

/**
 * Create an empty table.
 */
skip_sa_table_t *skip_sa_table_create();

#endif /** SKIP_SA_TABLE_H_ @}*/
