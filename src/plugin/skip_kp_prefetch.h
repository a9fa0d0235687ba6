/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup skip_kp_prefetch skip_kp_prefetch
 * @{ @ingroup skip
 */

#ifndef SKIP_KP_PREFETCH_H_
#define SKIP_KP_PREFETCH_H_

#include <library.h>
#include <skip_client.h>

/** peers a KP keeps a key ready for */
#define SKIP_KP_PREFETCH_PEERS 16

typedef struct skip_kp_prefetch_t skip_kp_prefetch_t;

/**
 * The keys a KP profile with "prefetch" keeps ready for initiators: one per
 * peer system ID, so that an IKE_SA takes its key without KP I/O in its
 * worker thread (which holds the IKE_SA, and with charon's IKE_SA reuse
 * check every initiation on the gateway, while it waits for the KP).
 *
 * Keys are one-time at the KP and may be scarce (QKD), so waste is bounded:
 * a key is fetched in the background only after an IKE_SA asked for one
 * (taken or not), so there is at most one fetch per IKE_SA; a key not taken
 * within the maximum age is wiped and counted, and not replaced until an
 * IKE_SA asks again. At most SKIP_KP_PREFETCH_PEERS peers are kept, the
 * longest unused one makes room.
 *
 * Pure bookkeeping, the time is passed in (monotonic ms); not thread-safe
 * (the KP calls it under its mutex). Keys are wiped when dropped.
 */
struct skip_kp_prefetch_t {

	/**
	 * An initiator needs a key for a peer: take the one kept ready, if
	 * any is younger than the maximum age, and ask for a replacement.
	 *
	 * @param peer		peer's system ID (validated, allowed by the KP)
	 * @param now		monotonic ms
	 * @return			key (the caller owns it), NULL if none is ready
	 */
	skip_key_t *(*take)(skip_kp_prefetch_t *this, const char *peer,
						uint64_t now);

	/**
	 * The next peer to fetch a key for in the background; it counts as
	 * being fetched until put() or failed().
	 *
	 * @param peer		receives the peer's system ID
	 * @return			TRUE if a peer wants a key
	 */
	bool (*next)(skip_kp_prefetch_t *this, char peer[SKIP_SYSTEM_ID_MAX + 1]);

	/**
	 * Keep a key fetched in the background for a peer (takes it over; wiped
	 * at once if the peer was dropped meanwhile).
	 */
	void (*put)(skip_kp_prefetch_t *this, const char *peer, skip_key_t *key,
				uint64_t now);

	/**
	 * A background fetch for a peer failed: no retry until an IKE_SA asks
	 * again.
	 */
	void (*failed)(skip_kp_prefetch_t *this, const char *peer);

	/**
	 * Wipe the keys older than the maximum age.
	 *
	 * @param now		monotonic ms
	 * @return			when the next key gets too old, 0 if none is kept
	 */
	uint64_t (*expire)(skip_kp_prefetch_t *this, uint64_t now);

	/**
	 * What was done so far.
	 *
	 * @param ready		receives the number of keys kept ready now
	 * @param used		receives the number of keys taken by IKE_SAs
	 * @param discarded	receives the number of keys wiped unused
	 */
	void (*counts)(skip_kp_prefetch_t *this, u_int *ready, uint64_t *used,
				   uint64_t *discarded);

	/**
	 * Wipe the keys and destroy.
	 */
	void (*destroy)(skip_kp_prefetch_t *this);
};

/**
 * Create an empty set of prefetched keys.
 *
 * @param max_age_ms	longest a key is kept unused (ms)
 * @param name			KP profile name, for log lines
 * @return				prefetched keys
 */
skip_kp_prefetch_t *skip_kp_prefetch_create(u_int max_age_ms,
											const char *name);

#endif /** SKIP_KP_PREFETCH_H_ @}*/
