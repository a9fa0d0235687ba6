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
	 * Get a new key shared with the KP of a peer (GET /key). Checks the
	 * peer's system ID against the KP's capabilities first.
	 *
	 * Does KP I/O bounded by the configured budget: call it from an IKE_SA's
	 * worker thread, never from a listener hook.
	 *
	 * @param peer		peer's system ID (validated)
	 * @param key		receives keyId and key
	 * @param err		receives the reason on failure
	 * @return			SKIP_OK on success
	 */
	skip_status_t (*get_key)(skip_kp_t *this, const char *peer,
							 skip_key_t **key, skip_error_t *err);

	/**
	 * Get the key a peer's KP made, by its keyId (GET /key/{keyId}).
	 *
	 * Same constraints as get_key().
	 *
	 * @param key_id	keyId the peer sent (validated)
	 * @param peer		peer's system ID (validated)
	 * @param key		receives keyId and key
	 * @param err		receives the reason on failure
	 * @return			SKIP_OK on success
	 */
	skip_status_t (*get_key_by_id)(skip_kp_t *this, const char *key_id,
								   const char *peer, skip_key_t **key,
								   skip_error_t *err);

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
