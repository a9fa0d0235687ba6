/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * Authorization of encryptors: which remote systems an authenticated
 * client ("psk:IDENTITY" or "cert:SUBJECT") may share keys with, and what
 * its capabilities list therefore shows.
 */

#ifndef KP_AUTHZ_H_
#define KP_AUTHZ_H_

#include "kp_config.h"

#include <json-c/json.h>

/**
 * Whether a client may get or fetch keys shared with a remote system.
 * Without --allow rules every client may use every peer; with rules, the
 * remote system must match a glob of a rule whose WHO matches the client.
 *
 * @param client	authenticated client name
 * @param remote	a concrete remote system ID
 */
bool kp_authz_remote(kp_config_t *config, const char *client,
					 const char *remote);

/**
 * Whether a client may take keys a peer KP delivered (by keyId): with a
 * receiver list on the peer entry only the encryptors it names, else every
 * client kp_authz_remote() lets use the peer.
 *
 * @param client	authenticated client name
 * @param origin	system ID of the KP that made the keys
 */
bool kp_authz_receive(kp_config_t *config, const char *client,
					  const char *origin);

/**
 * The remoteSystemID array of the capabilities for a client: the peer
 * entries (globs kept) the client may use; where a peer glob is wider
 * than what the client is allowed, the client's narrower globs instead.
 */
json_object *kp_authz_remotes(kp_config_t *config, const char *client);

#endif /* KP_AUTHZ_H_ */
