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
 * with the peer's system ID (see for_peer()). Each profile may name a
 * fallback profile. The set also runs a key request along a profile's
 * fallback chain, within one budget.
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
	 * The KP of a connection's chain (its profile and fallbacks) to
	 * announce: the first whose system ID is known, since a KP that cannot
	 * be reached cannot make keys. Does no I/O.
	 *
	 * @param kp			profile of the connection
	 * @return				KP to announce (kp itself if none is known)
	 */
	skip_kp_t *(*to_announce)(skip_kp_set_t *this, skip_kp_t *kp);

	/**
	 * The profile a responder uses for a peer: the first, in the order of
	 * the settings, that may serve one of the connections the IKE_SA may
	 * end up with (it lists one of them, or lists none), whose
	 * remote_system_id globs accept the peer, and whose cached
	 * capabilities share keys with it. Does no I/O; profiles that do not
	 * know the peer are asked to refresh in the background.
	 *
	 * @param peer			peer's system ID (validated)
	 * @param connections	names of the SKIP connections that may match
	 * @param count			number of connections
	 * @return				profile, NULL if none
	 */
	skip_kp_t *(*for_peer)(skip_kp_set_t *this, const char *peer,
						   char **connections, int count);

	/**
	 * Get a new key for a peer (initiator), or the key of the keyId the peer
	 * sent (responder), from a profile's chain: the
	 * profile and those of its fallbacks that have the system ID announced
	 * to the peer, one after the other, within the profile's budget (each
	 * gets an equal share of what is left). KP I/O: call it from an IKE_SA's
	 * worker thread.
	 *
	 * @param kp			profile of the IKE_SA
	 * @param local_sid		our system ID as announced to the peer
	 * @param peer			peer's system ID
	 * @param key_id		keyId the peer sent (responder), NULL for a new key
	 * @param key			receives keyId and key
	 * @param from			receives the KP that delivered (may be NULL)
	 * @param err			receives the reason on failure
	 * @return				SKIP_OK on success
	 */
	skip_status_t (*get_key)(skip_kp_set_t *this, skip_kp_t *kp,
							 const char *local_sid, const char *peer,
							 const char *key_id, skip_key_t **key,
							 skip_kp_t **from, skip_error_t *err);

	/**
	 * Enumerate the profiles (skip_kp_t*), in the order of the settings.
	 */
	enumerator_t *(*create_enumerator)(skip_kp_set_t *this);

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

/**
 * Create a set of given profiles (tests): fallbacks are resolved by name.
 *
 * @param kps		profiles, the set takes them over
 * @param count		number of profiles
 * @return			set, NULL if the fallbacks are invalid
 */
skip_kp_set_t *skip_kp_set_create_from(skip_kp_t **kps, int count);

#endif /** SKIP_KP_SET_H_ @}*/
