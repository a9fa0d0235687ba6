/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * Keys a peer KP synchronized to us, waiting for our encryptor to fetch
 * them by keyId. Each key is delivered at most once and wiped on delivery
 * or expiry.
 */

#ifndef KP_STORE_H_
#define KP_STORE_H_

#include <skip_validate.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/** most keys held at once */
#define KP_STORE_MAX 100000

typedef struct kp_store_t kp_store_t;

typedef enum {
	KP_STORE_OK,
	/** a key with this keyId from this origin is already stored */
	KP_STORE_EXISTS,
	/** the store holds KP_STORE_MAX keys */
	KP_STORE_FULL,
	/** out of memory */
	KP_STORE_NOMEM,
} kp_store_result_t;

/**
 * Create an empty store whose keys expire after ttl seconds.
 */
kp_store_t *kp_store_create(unsigned ttl);

/**
 * Store a key (copied).
 *
 * @param origin	system ID of the KP that made the key
 * @param key_id	valid keyId (matched case-insensitively)
 * @param key		key bytes
 * @param len		length of key, at most SKIP_KEY_MAX_BYTES
 */
kp_store_result_t kp_store_put(kp_store_t *store, const char *origin,
							   const char *key_id, const uint8_t *key,
							   size_t len);

/**
 * Remove a key and hand it out.
 *
 * @param origin	system ID of the KP that made the key
 * @param key_id	keyId
 * @param key		receives the key (SKIP_KEY_MAX_BYTES), wipe it after use
 * @param len		receives the length of key
 * @return			false if there is no such key
 */
bool kp_store_take(kp_store_t *store, const char *origin, const char *key_id,
				   uint8_t *key, size_t *len);

/**
 * Wipe keys older than the TTL.
 *
 * @param now		current time (monotonic seconds)
 * @return			number of keys wiped
 */
size_t kp_store_expire(kp_store_t *store, time_t now);

/**
 * Number of keys held.
 */
size_t kp_store_count(kp_store_t *store);

/**
 * Wipe all keys and free the store.
 */
void kp_store_destroy(kp_store_t *store);

#endif /* KP_STORE_H_ */
