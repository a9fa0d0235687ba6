/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup skip_listener skip_listener
 * @{ @ingroup skip
 */

#ifndef SKIP_LISTENER_H_
#define SKIP_LISTENER_H_

#include "skip_kp_set.h"
#include "skip_sa_table.h"
#include "skip_stats.h"

#include <bus/listeners/listener.h>

typedef struct skip_listener_t skip_listener_t;

/**
 * Bus listener carrying SKIP's data in the IKE notifies: our KP's system ID
 * in USE_PPK, the keyId in PPK_IDENTITY; and refusing IKE_SAs that require
 * a dynamic PPK but came up without one.
 *
 * Listener hooks run under the bus lock: they never do KP I/O.
 */
struct skip_listener_t {

	/**
	 * Implements listener_t.
	 */
	listener_t listener;

	/**
	 * Destroy the listener.
	 */
	void (*destroy)(skip_listener_t *this);
};

/**
 * Create the listener.
 *
 * @param kps		our Key Provider profiles
 * @param sas		per-IKE_SA state shared with the credential set
 * @param stats		counters
 */
skip_listener_t *skip_listener_create(skip_kp_set_t *kps, skip_sa_table_t *sas,
									  skip_stats_t *stats);

#endif /** SKIP_LISTENER_H_ @}*/
