/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup skip_capabilities skip_capabilities
 * @{ @ingroup libskip
 */

#ifndef SKIP_CAPABILITIES_H_
#define SKIP_CAPABILITIES_H_

#include <stdbool.h>
#include <stddef.h>

/**
 * Most remoteSystemID entries accepted in one capabilities answer.
 */
#define SKIP_REMOTE_SYSTEM_IDS_MAX 4096

/**
 * A KP's answer to GET /capabilities (SKIP draft, Figure 3), validated.
 */
typedef struct {
	/** KP supports GET /entropy */
	bool entropy;
	/** KP supports GET /key */
	bool key;
	/** algorithm the KP uses to generate and synchronize keys */
	char *algorithm;
	/** the KP's own system ID, sent to IKE peers in USE_PPK */
	char *local_system_id;
	/** system IDs (POSIX globs) the KP can share keys with */
	char **remote_system_ids;
	/** number of entries in remote_system_ids */
	size_t remote_system_id_count;
} skip_capabilities_t;

/**
 * Whether the KP can share keys with the given system ID: it matches one of
 * the remoteSystemID globs.
 */
bool skip_capabilities_allows(const skip_capabilities_t *caps,
							  const char *system_id);

/**
 * Free capabilities (NULL is accepted).
 */
void skip_capabilities_destroy(skip_capabilities_t *caps);

#endif /** SKIP_CAPABILITIES_H_ @}*/
