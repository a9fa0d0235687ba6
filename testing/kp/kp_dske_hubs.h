/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * The Security Hubs this KP is registered with (--dske-hub): our pair with
 * each (IDs, wrap key, PSRD, durable state) and the connection to it,
 * shared by every DSKE peer entry.
 */

#ifndef KP_DSKE_HUBS_H_
#define KP_DSKE_HUBS_H_

#include "kp.h"
#include "kp_dske_link.h"

/**
 * One hub.
 */
typedef struct {
	/** its configuration */
	const kp_hub_t *config;
	/** our pair with it */
	dske_pair_t *pair;
	/** the connection to it */
	kp_dske_link_t *link;
} kp_dske_hub_t;

struct kp_dske_hubs_t {
	kp_dske_hub_t *hubs;
	size_t count;
};

/**
 * Open the pair directory of every hub (logs why not).
 */
kp_dske_hubs_t *kp_dske_hubs_create(kp_t *kp);

/**
 * Log the PSRD left to send through a hub, at the given level, as words
 * and as keys of m words.
 */
void kp_dske_hubs_log_left(kp_dske_hub_t *hub, int level, size_t m);

/**
 * Log loudly when the PSRD left to send through a hub reaches 1000, 100,
 * 10 or no keys of m words.
 */
void kp_dske_hubs_check_left(kp_dske_hub_t *hub, size_t m);

/**
 * Close the connections and pairs.
 */
void kp_dske_hubs_destroy(kp_dske_hubs_t *hubs);

#endif /* KP_DSKE_HUBS_H_ */
