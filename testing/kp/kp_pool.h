/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * Pre-synchronized keys (--key-pool N): for each peer entry that names one
 * system, keep up to N default-size keys that the peer KP has already
 * stored, so that GET /key answers without waiting for the peer (and its
 * disk). Pool keys live in memory only; one is handed out once and wiped.
 * They are handed out only within the first half of the time the peer
 * keeps them (the peer says how long), and replaced after that, so that
 * the remote encryptor always has time left to fetch its copy. If this KP
 * restarts, the peer's copies of its pool simply expire there.
 */

#ifndef KP_POOL_H_
#define KP_POOL_H_

#include "kp.h"

/** the key size pool keys have, bytes (the draft's default) */
#define KP_POOL_KEY_BYTES 32
/** keyIds of pool keys, hex digits */
#define KP_POOL_KEY_ID_HEX 32

/**
 * Create the pools (nothing if --key-pool is 0) and start filling them.
 */
bool kp_pool_init(kp_t *kp);

/**
 * Take a pre-synchronized key shared with a peer entry.
 *
 * @param key_id	receives the keyId (KP_POOL_KEY_ID_HEX + 1 bytes)
 * @param key		receives the key (KP_POOL_KEY_BYTES), wipe after use
 * @return			false if the pool is empty (or there is none)
 */
bool kp_pool_take(kp_t *kp, kp_peer_t *peer, char *key_id, uint8_t *key);

/**
 * Wipe all pool keys and free the pools.
 */
void kp_pool_deinit(kp_t *kp);

#endif /* KP_POOL_H_ */
