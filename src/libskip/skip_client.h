/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup libskip libskip
 *
 * The SKIP client core: talks to a Key Provider over HTTPS as the SKIP draft
 * specifies. It does not depend on strongSwan, so it can be tested alone.
 *
 * @defgroup skip_client skip_client
 * @{ @ingroup libskip
 */

#ifndef SKIP_CLIENT_H_
#define SKIP_CLIENT_H_

#include "skip_capabilities.h"
#include "skip_config.h"
#include "skip_key.h"
#include "skip_status.h"

/** key size the draft makes the default, in bits */
#define SKIP_DEFAULT_KEY_BITS 256
/** smallest key accepted from a KP, in bits */
#define SKIP_MIN_KEY_BITS 128

typedef struct skip_client_t skip_client_t;

/**
 * Client of one key source: a Key Provider speaking the SKIP draft (Table 2),
 * or another protocol behind the same interface (skip_source_create()).
 * Thread-safe: concurrent calls use separate connections.
 *
 * Every operation is bounded by the configured budget (timeout), including
 * retries of answers that may change (5xx, lost connections).
 */
struct skip_client_t {

	/**
	 * GET /capabilities, or what another protocol's source says of itself
	 * in the same form: our ID to announce to IKE peers (local_system_id),
	 * the peers it may get keys for (remote_system_ids), whether it makes
	 * keys (key) and a description for log lines (algorithm). Serves as the
	 * source's health check.
	 *
	 * @param caps		receives the capabilities
	 * @param err		receives the reason on failure (may be NULL)
	 */
	skip_status_t (*get_capabilities)(skip_client_t *this,
									  skip_capabilities_t **caps,
									  skip_error_t *err);

	/**
	 * GET /key?remoteSystemID=...[&size=...]: a new key shared with the KP
	 * of the given remote system.
	 *
	 * ETSI 014: enc_keys with the peer's SAE ID as slave, one key; the
	 * key_ID is kept byte-exact in key->key_id. 5xx answers and lost
	 * connections are repeated within the budget.
	 *
	 * @param remote	remote system ID (validated)
	 * @param bits		key size to request, 0 for the KP's default (256)
	 * @param budget_ms	time budget of this call, 0 for the configured one
	 * @param key		receives keyId and key
	 * @param err		receives the reason on failure (may be NULL)
	 */
	skip_status_t (*get_key)(skip_client_t *this, const char *remote,
							 unsigned bits, unsigned budget_ms,
							 skip_key_t **key, skip_error_t *err);

	/**
	 * GET /key/{keyId}?remoteSystemID=...: the key with the given keyId,
	 * which the KP of the given remote system made.
	 *
	 * A 400 ("not found") is asked again with backoff within the budget:
	 * the key may still be on its way from the peer's KP. As the KP zeroizes
	 * a key it delivers, the request is never repeated once it may have been
	 * answered (answer lost, cut off or unreadable); only requests that
	 * provably never went out and complete 400/5xx answers are repeated.
	 *
	 * ETSI 014: dec_keys with the peer's SAE ID as master; the answer must
	 * carry key_id byte-exact. "Not found" (404, or a 4xx whose message
	 * says "not found") is SKIP_ERR_NOT_FOUND and asked again as above;
	 * other 4xx are final (SKIP_ERR_BAD_REQUEST, 401: SKIP_ERR_FORBIDDEN).
	 *
	 * @param key_id	keyId (validated)
	 * @param remote	remote system ID (validated)
	 * @param budget_ms	time budget of this call, 0 for the configured one
	 * @param key		receives keyId and key
	 * @param err		receives the reason on failure (may be NULL)
	 */
	skip_status_t (*get_key_by_id)(skip_client_t *this, const char *key_id,
								   const char *remote, unsigned budget_ms,
								   skip_key_t **key, skip_error_t *err);

	/**
	 * GET /entropy[?minentropy=...] (ETSI 014: SKIP_ERR_INVALID_ARG)
	 *
	 * @param bits		entropy to request, 0 for the KP's default (256)
	 * @param entropy	receives the random bytes
	 * @param err		receives the reason on failure (may be NULL)
	 */
	skip_status_t (*get_entropy)(skip_client_t *this, unsigned bits,
								 skip_entropy_t **entropy, skip_error_t *err);

	/**
	 * Base URL of the KP, for log lines.
	 */
	const char *(*get_url)(skip_client_t *this);

	/**
	 * Whether len bytes at s form a key ID of this source's protocol, as
	 * it travels in PPK_IDENTITY (SKIP: hex keyIds; ETSI 014: key_ID
	 * strings, kept byte-exact).
	 */
	bool (*key_id_valid)(skip_client_t *this, const char *s, size_t len);

	/**
	 * Close connections, wipe the PSK and free the client.
	 */
	void (*destroy)(skip_client_t *this);
};

/**
 * Create a client for one KP.
 *
 * @param config	how to reach the KP (copied)
 * @param err		receives the reason on failure (may be NULL)
 * @return			client, NULL if the settings are unusable
 */
skip_client_t *skip_client_create(const skip_kp_config_t *config,
								  skip_error_t *err);

/**
 * Create a client for the protocol the configuration names: the one place
 * that knows which protocols exist.
 *
 * @param config	how to reach the key source (copied)
 * @param err		receives the reason on failure (may be NULL)
 * @return			client, NULL if the settings are unusable
 */
skip_client_t *skip_source_create(const skip_kp_config_t *config,
								  skip_error_t *err);

/**
 * Create an ETSI GS QKD 014 client (SAE side): status as capabilities,
 * enc_keys as get_key, dec_keys as get_key_by_id. No GET /entropy.
 *
 * Needs auth SKIP_AUTH_CERT with ca_file, cert_file and key_file (mutual
 * TLS; PSK mode is refused) and sae_id. get_capabilities() synthesizes:
 * local_system_id = sae_id, remote_system_ids = remote_sae_ids (or "*"),
 * key = true, algorithm = a description with the KME IDs and key counts of
 * the status of the first remote SAE ID without glob characters (none:
 * the status is not asked). A status naming another KME than kme_id fails
 * with SKIP_ERR_PROTOCOL; few stored keys are logged at level 1. get_key()
 * and get_key_by_id() refuse SAE IDs that match no remote_sae_ids glob.
 * HTTP answers: 401 SKIP_ERR_FORBIDDEN, not found SKIP_ERR_NOT_FOUND,
 * other 4xx SKIP_ERR_BAD_REQUEST, 5xx SKIP_ERR_UNAVAILABLE; the KME's
 * message (or FastAPI's detail) is quoted escaped in err->detail.
 *
 * @param config	how to reach the KME (copied); protocol ETSI014
 * @param err		receives the reason on failure (may be NULL)
 * @return			client, NULL if the settings are unusable
 */
skip_client_t *skip_etsi014_create(const skip_kp_config_t *config,
								   skip_error_t *err);

#endif /** SKIP_CLIENT_H_ @}*/
