/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup skip_creds skip_creds
 * @{ @ingroup skip
 */

#ifndef SKIP_CREDS_H_
#define SKIP_CREDS_H_

#include "skip_kp_set.h"
#include "skip_sa_table.h"
#include "skip_stats.h"

#include <credentials/credential_set.h>

typedef struct skip_creds_t skip_creds_t;

/**
 * Credential set answering charon's PPK lookups of IKE_SAs that use SKIP
 * with the key from our KP. Lookups run in the IKE_SA's worker thread, so
 * KP I/O happens here (bounded by the KP's budget).
 *
 * Every other lookup sees exactly what it would see without the plugin.
 */
struct skip_creds_t {

	/**
	 * Implements credential_set_t.
	 */
	credential_set_t set;

	/**
	 * Destroy the credential set.
	 */
	void (*destroy)(skip_creds_t *this);
};

/**
 * Create the credential set.
 *
 * @param kps		our Key Provider profiles
 * @param sas		per-IKE_SA state shared with the listener
 */
skip_creds_t *skip_creds_create(skip_kp_set_t *kps, skip_sa_table_t *sas,
								skip_stats_t *stats);

#endif /** SKIP_CREDS_H_ @}*/
