/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup skip_sa_table skip_sa_table
 * @{ @ingroup skip
 */

#ifndef SKIP_SA_TABLE_H_
#define SKIP_SA_TABLE_H_

#include "skip_kp.h"

#include <library.h>
#include <skip_validate.h>

typedef struct skip_sa_t skip_sa_t;
typedef struct skip_sa_table_t skip_sa_table_t;

/**
 * What the plugin knows about one IKE_SA that uses SKIP.
 */
struct skip_sa_t {

	/** TRUE if we initiated the IKE_SA */
	bool initiator;

	/** KP serving this IKE_SA (NULL until chosen); profiles outlive SAs */
	skip_kp_t *kp;

	/** our system ID as sent in USE_PPK, empty if none was sent */
	char local_sid[SKIP_SYSTEM_ID_MAX + 1];

	/** the peer's KP system ID from its USE_PPK, empty if none */
	char peer_sid[SKIP_SYSTEM_ID_MAX + 1];

	/** keyId: from our KP (initiator) or from PPK_IDENTITY (responder) */
	char key_id[SKIP_KEY_ID_MAX_HEX + 1];

	/** the PPK, kept for repeated lookups: a KP delivers a key only once */
	chunk_t key;

	/** TRUE once the KP was asked, so a failed fetch is not repeated */
	bool fetched;
};

/**
 * Per-IKE_SA state of the plugin, keyed by the IKE_SA's unique ID.
 *
 * The state of an IKE_SA is only ever used by the thread that has the
 * IKE_SA checked out; the table lock protects the table itself and is never
 * held during KP I/O.
 */
struct skip_sa_table_t {

	/**
	 * Lock the table and return the state of an IKE_SA.
	 *
	 * @param id		unique ID of the IKE_SA
	 * @param create	create an empty state if there is none
	 * @return			state, or NULL; unlock() must be called either way
	 */
	skip_sa_t *(*lock)(skip_sa_table_t *this, uint32_t id, bool create);

	/**
	 * Unlock the table after lock().
	 */
	void (*unlock)(skip_sa_table_t *this);

	/**
	 * Forget (and wipe) the state of an IKE_SA, if any.
	 *
	 * @param id		unique ID of the IKE_SA
	 * @return			TRUE if there was state
	 */
	bool (*remove)(skip_sa_table_t *this, uint32_t id);

	/**
	 * Number of IKE_SAs with state.
	 */
	u_int (*get_count)(skip_sa_table_t *this);

	/**
	 * Wipe all state and destroy the table.
	 */
	void (*destroy)(skip_sa_table_t *this);
};

/**
 * Wipe the key and the keyId of a state, keeping the peer's system ID.
 */
void skip_sa_reset_key(skip_sa_t *sa);

/**
 * Create an empty table.
 */
skip_sa_table_t *skip_sa_table_create();

#endif /** SKIP_SA_TABLE_H_ @}*/
