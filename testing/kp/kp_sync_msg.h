/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * The KP-to-KP synchronization message (see docs/kp.md):
 *
 *   POST /sync/v2/keys
 *   {"origin": "Alice", "target": "Bob", "ttl": 300,
 *    "keys": [{"keyId": "<hex>", "key": "<hex>"}, ...]}
 *
 * A key made by an ETSI GS QKD 014 SAE also names that SAE and the one it
 * is for ("master": "<SAE ID>", "slave": "<SAE ID>"): the receiver binds
 * the key to the slave SAE (kp_made.h).
 *
 *   201 {"stored": 1, "ttl": 300}
 *
 * origin is the sender's system ID (it must be its PSK identity), target
 * the system the keys are shared with (the receiver, or with a glob peer
 * entry one of the systems a relay serves). ttl (optional) asks the
 * receiver to keep unfetched keys that long at most; the answer says how
 * long it does keep them.
 */

#ifndef KP_SYNC_MSG_H_
#define KP_SYNC_MSG_H_

#include "kp_sae.h"

#include <skip_validate.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <event2/buffer.h>

/** path of the synchronization endpoint */
#define KP_SYNC_PATH "/sync/v2/keys"
/** most keys in one message */
#define KP_SYNC_BATCH_MAX 64
/** largest key synchronized, in bytes */
#define KP_SYNC_KEY_MAX 512
/** longest ttl, seconds */
#define KP_SYNC_TTL_MAX (86400 * 365)
/** largest message body */
#define KP_SYNC_BODY_MAX (KP_SYNC_BATCH_MAX * \
	(2 * KP_SYNC_KEY_MAX + SKIP_KEY_ID_MAX_HEX + 2 * KP_SAE_ID_MAX + 64) + \
	4 * SKIP_SYSTEM_ID_MAX + 256)

/**
 * One key of a message.
 */
typedef struct {
	char key_id[SKIP_KEY_ID_MAX_HEX + 1];
	uint8_t key[KP_SYNC_KEY_MAX];
	size_t len;
	/** ETSI 014 keys: the SAE that made the key and the one it is for,
	 *  both empty for SKIP keys */
	char master[KP_SAE_ID_MAX + 1];
	char slave[KP_SAE_ID_MAX + 1];
} kp_sync_key_t;

/**
 * A decoded message; wipe with kp_sync_msg_destroy().
 */
typedef struct {
	char origin[SKIP_SYSTEM_ID_MAX + 1];
	char target[SKIP_SYSTEM_ID_MAX + 1];
	/** seconds the sender wants unfetched keys kept, 0 if not given */
	unsigned ttl;
	kp_sync_key_t *keys;
	size_t count;
} kp_sync_msg_t;

/**
 * Encode a message into buf; the copy holding the keys is wiped once sent.
 *
 * @param keys		keys (key_id, key, len, master and slave are read)
 * @return			false if memory is short
 */
bool kp_sync_msg_encode(struct evbuffer *buf, const char *origin,
						const char *target, unsigned ttl,
						const kp_sync_key_t *const *keys, size_t count);

/**
 * Decode and validate a message body.
 *
 * @param err		receives the reason on failure
 * @return			message, NULL if invalid
 */
kp_sync_msg_t *kp_sync_msg_decode(const char *body, size_t len, char *err,
								  size_t errlen);

/**
 * Wipe and free a message (NULL accepted).
 */
void kp_sync_msg_destroy(kp_sync_msg_t *msg);

#endif /* KP_SYNC_MSG_H_ */
