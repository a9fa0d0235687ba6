/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup skip_kp skip_kp
 * @{ @ingroup skip
 */

#ifndef SKIP_KP_H_
#define SKIP_KP_H_

#include <library.h>
#include <skip_client.h>

typedef struct skip_kp_t skip_kp_t;
typedef struct skip_kp_health_t skip_kp_health_t;

/**
 * What the status view shows of a KP.
 */
struct skip_kp_health_t {
	/** base URL */
	char url[256];
	/** protocol name, "skip" or "etsi014" */
	const char *protocol;
	/** our system ID as learned, "" if not known */
	char system_id[SKIP_SYSTEM_ID_MAX + 1];
	/** seconds since the last capabilities (health check) attempt, -1 if
	 *  none yet */
	int64_t checked_ago;
	/** whether that attempt succeeded */
	bool ok;
	/** the error of the last failed attempt, "" if none */
	char error[256];
	/** seconds since the KP stopped answering, while key requests fail at
	 *  once (fail_fast); -1 if they go out */
	int64_t refusing_ago;
	/** whether the profile keeps keys ready (prefetch) */
	bool prefetch;
	/** keys kept ready now, taken by IKE_SAs, wiped unused (prefetch) */
	u_int prefetch_ready;
	uint64_t prefetch_used;
	uint64_t prefetch_discarded;
};

/**
 * A Key Provider as configured in charon.plugins.skip.kp.<name>: the SKIP
 * client plus what it learned from the KP's capabilities.
 *
 * The capabilities (and with them our own system ID) are fetched by a
 * background thread at start-up and refreshed periodically, because the
 * system ID is needed in listener hooks, where no I/O may happen.
 */
struct skip_kp_t {

	/**
	 * Name of the profile (the settings section).
	 */
	const char *(*get_name)(skip_kp_t *this);

	/**
	 * Copy our KP's localSystemID, as learned from its capabilities.
	 *
	 * Does no I/O. If the system ID is not known yet, a refresh is
	 * triggered and FALSE returned.
	 *
	 * @param buf		receives the NUL-terminated system ID
	 * @return			TRUE if known
	 */
	bool (*get_local_system_id)(skip_kp_t *this,
								char buf[SKIP_SYSTEM_ID_MAX + 1]);

	/**
	 * Whether the KP shares keys with a peer, by the cached capabilities.
	 *
	 * Does no I/O, so that no IKE_SA ever waits for capabilities. If the
	 * capabilities are missing or do not know the peer, the refresh thread
	 * is asked for a refresh: at most one every few seconds, and not again
	 * for a peer that a refresh did not make known (so a flood of made-up
	 * system IDs costs one KP request every few seconds, in that thread).
	 *
	 * @param peer		peer's system ID (validated)
	 * @return			TRUE if the cached capabilities allow the peer
	 */
	bool (*allows_cached)(skip_kp_t *this, const char *peer);

	/**
	 * Whether the profile accepts a peer system ID at all: its
	 * remote_system_id globs, if configured, match it.
	 *
	 * @param peer		peer's system ID (validated)
	 */
	bool (*expects_peer)(skip_kp_t *this, const char *peer);

	/**
	 * Get a new key shared with the KP of a peer (GET /key). Checks the
	 * peer's system ID against the cached capabilities first (no I/O: the
	 * whole budget is the key request's).
	 *
	 * Does KP I/O bounded by budget_ms: call it from an IKE_SA's worker
	 * thread, never from a listener hook.
	 *
	 * @param peer		peer's system ID (validated)
	 * @param budget_ms	time budget, 0 for the profile's timeout
	 * @param key		receives keyId and key
	 * @param err		receives the reason on failure
	 * @return			SKIP_OK on success
	 */
	skip_status_t (*get_key)(skip_kp_t *this, const char *peer,
							 u_int budget_ms, skip_key_t **key,
							 skip_error_t *err);

	/**
	 * Get the key a peer's KP made, by its keyId (GET /key/{keyId}).
	 *
	 * Same constraints as get_key().
	 *
	 * @param key_id	keyId the peer sent (validated)
	 * @param peer		peer's system ID (validated)
	 * @param budget_ms	time budget, 0 for the profile's timeout
	 * @param key		receives keyId and key
	 * @param err		receives the reason on failure
	 * @return			SKIP_OK on success
	 */
	skip_status_t (*get_key_by_id)(skip_kp_t *this, const char *key_id,
								   const char *peer, u_int budget_ms,
								   skip_key_t **key, skip_error_t *err);

	/**
	 * Time budget of a key request through this profile (ms), shared with
	 * its fallbacks.
	 */
	u_int (*get_timeout)(skip_kp_t *this);

	/**
	 * Name of the fallback profile from the settings, NULL if none.
	 */
	char *(*get_fallback_name)(skip_kp_t *this);

	/**
	 * The KP to try when this one fails, NULL if none.
	 */
	skip_kp_t *(*get_fallback)(skip_kp_t *this);

	/**
	 * Set the KP to try when this one fails.
	 */
	void (*set_fallback)(skip_kp_t *this, skip_kp_t *fallback);

	/**
	 * Whether the profile is configured for a connection (its
	 * "connections" setting lists it).
	 */
	bool (*serves_connection)(skip_kp_t *this, const char *connection);

	/**
	 * Whether the profile lists connections (and serves only those as
	 * responder).
	 */
	bool (*has_connections)(skip_kp_t *this);

	/**
	 * Whether len bytes at s form a key ID of this KP's protocol as it
	 * travels in PPK_IDENTITY (a skip_key_id_rule_t with the KP as context).
	 */
	bool (*key_id_valid)(skip_kp_t *this, const char *s, size_t len);

	/**
	 * Whether an initiator sends the keyId in PPK_IDENTITY as raw bytes
	 * (ppk_id_format = raw) rather than as the KP's hex text.
	 */
	bool (*sends_raw_key_id)(skip_kp_t *this);

	/**
	 * Copy what the status view shows of the KP (no I/O).
	 */
	void (*get_health)(skip_kp_t *this, skip_kp_health_t *health);

	/**
	 * Whether the profile is marked as the default one.
	 */
	bool (*is_default)(skip_kp_t *this);

	/**
	 * Stop the refresh thread, close connections, wipe the PSK.
	 */
	void (*destroy)(skip_kp_t *this);
};

/**
 * Create a KP from its settings and start learning its capabilities.
 *
 * @param name		profile name: charon.plugins.skip.kp.<name>
 * @return			KP, NULL if the settings are invalid (logged)
 */
skip_kp_t *skip_kp_create(const char *name);

#endif /** SKIP_KP_H_ @}*/
