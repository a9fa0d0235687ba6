/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup skip_kp_set skip_kp_set
 * @{ @ingroup skip
 */

#ifndef SKIP_KP_SET_H_
#define SKIP_KP_SET_H_

#include "skip_kp.h"

typedef struct skip_kp_set_t skip_kp_set_t;

/**
 * The KP profiles of charon.plugins.skip.kp, in the order they are defined.
 *
 * One co-located KP, the common case, needs nothing but its profile. With
 * several, an initiated connection uses the profile that lists it in
 * "connections" (else the default profile: the one with "default = yes",
 * or the first); a responder uses the first profile whose KP shares keys
 * with the peer's system ID. Each profile may name a fallback profile.
 */
struct skip_kp_set_t {

	/**
	 * The profile for a connection we initiate.
	 *
	 * @param connection	name of the connection (peer_cfg)
	 * @return				profile, never NULL
	 */
	skip_kp_t *(*for_connection)(skip_kp_set_t *this, const char *connection);

	/**
	 * The first profile whose cached capabilities allow a peer's system ID.
	 * Does no I/O; profiles that do not know the peer are asked to refresh.
	 *
	 * @param peer			peer's system ID (validated)
	 * @return				profile, NULL if none
	 */
	skip_kp_t *(*for_peer_cached)(skip_kp_set_t *this, const char *peer);

	/**
	 * The first profile that shares keys with a peer's system ID, fetching
	 * capabilities again where they do not know it (I/O).
	 *
	 * @param peer			peer's system ID (validated)
	 * @return				profile, NULL if none
	 */
	skip_kp_t *(*for_peer)(skip_kp_set_t *this, const char *peer);

	/**
	 * Destroy all profiles.
	 */
	void (*destroy)(skip_kp_set_t *this);
};

/**
 * Create the profiles from the settings.
 *
 * @return		profiles, NULL if there is none or a profile is invalid
 *				(logged)
 */
skip_kp_set_t *skip_kp_set_create();

#endif /** SKIP_KP_SET_H_ @}*/
