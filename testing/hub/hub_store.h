/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * The hub's durable share store: a file per share in the state directory
 * (docs/dske.md, "Hub files"), so that an undelivered share survives
 * kill -9 and a delivered or expired one is gone from the disk.
 *
 * - A share is written to a temporary file, synced and renamed into place
 *   (and the directory synced) before the upload is acknowledged.
 * - Deliveries are recorded in place (a bit per recipient, synced) before
 *   the instruction is sent.
 * - Once every recipient has it, or at expiry, the file is overwritten
 *   with zeros, synced, and unlinked.
 */

#ifndef HUB_STORE_H_
#define HUB_STORE_H_

#include <dske_msg.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct hub_store_t hub_store_t;

/**
 * A stored share R_i = Z_i xor pad, and what the instruction copies.
 */
typedef struct hub_share_t hub_share_t;

struct hub_share_t {
	/** the uploader's ID at this hub and the secret ID */
	uint64_t sender;
	uint8_t secret_id[DSKE_SECRET_ID_LEN];
	/** when it is wiped undelivered (seconds since the epoch) */
	uint64_t expires;
	uint8_t k;
	uint8_t n;
	uint16_t m;
	uint32_t x;
	uint16_t recipient_count;
	uint64_t recipients[DSKE_MAX_RECIPIENTS];
	/** bit i: recipient i has its instruction */
	uint32_t delivered;
	uint32_t aad_len;
	uint8_t aad[DSKE_MAX_AAD];
	/** 3+m words */
	dske_gf128_t r[3 + DSKE_MAX_KEY_WORDS];
	/** the store's: hash chain */
	hub_share_t *next;
};

/**
 * Open (or create, mode 0700) the store in dir and load its shares;
 * expired ones are wiped. A lock keeps a second hub out.
 *
 * @return			store, NULL on error (err says why)
 */
hub_store_t *hub_store_open(const char *dir, uint64_t now, char *err,
							size_t errlen);

/**
 * The share a sender uploaded under a secret ID, NULL if none.
 */
hub_share_t *hub_store_find(hub_store_t *store, uint64_t sender,
							const uint8_t *secret_id);

/**
 * Store a share durably (a copy of it).
 *
 * @return			false on an I/O error (nothing stored)
 */
bool hub_store_add(hub_store_t *store, const hub_share_t *share);

/**
 * Record durably that recipient index has its instruction; once all have,
 * the share is wiped (share is freed then).
 *
 * @return			false on an I/O error
 */
bool hub_store_delivered(hub_store_t *store, hub_share_t *share,
						 unsigned index);

/**
 * Wipe the shares that expired by now.
 *
 * @return			number wiped
 */
size_t hub_store_expire(hub_store_t *store, uint64_t now);

/**
 * Number of shares stored.
 */
size_t hub_store_count(hub_store_t *store);

/**
 * Free the store (shares stay on disk; memory is wiped).
 */
void hub_store_destroy(hub_store_t *store);

#endif /* HUB_STORE_H_ */
