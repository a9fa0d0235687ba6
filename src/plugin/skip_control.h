/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup skip_control skip_control
 * @{ @ingroup skip
 */

#ifndef SKIP_CONTROL_H_
#define SKIP_CONTROL_H_

#include "skip_kp_set.h"
#include "skip_sa_table.h"
#include "skip_stats.h"

/** default socket, in charon's PID directory as Debian builds it */
#define SKIP_CONTROL_SOCKET "unix:///var/run/charon.skip"

typedef struct skip_control_t skip_control_t;

/**
 * The plugin's status socket, after the lookip plugin's model: a root-only
 * UNIX socket (charon.plugins.skip.socket) that answers every connection
 * with one JSON document and closes it: each KP profile (URL, protocol,
 * system ID, last health check, last error), the counters, and each IKE_SA
 * the plugin knows (peer system ID, keyId; never a key). `skip-client
 * status` reads it.
 */
struct skip_control_t {

	/**
	 * Close the socket.
	 */
	void (*destroy)(skip_control_t *this);
};

/**
 * Open the status socket.
 *
 * @return			socket, NULL if it cannot be created (logged)
 */
skip_control_t *skip_control_create(skip_kp_set_t *kps, skip_sa_table_t *sas,
									skip_stats_t *stats);

#endif /** SKIP_CONTROL_H_ @}*/
