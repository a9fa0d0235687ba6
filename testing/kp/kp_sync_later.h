/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * Asynchronous synchronization (test mode only, fault "sync-delay=MS"):
 * some vendors' KPs answer their encryptor at once and deliver the key to
 * the peer KP afterwards, so that the remote encryptor may ask for the
 * keyId before its KP has the key. This lets a test KP behave that way:
 * the key goes to the peer only MS milliseconds after the encryptor got it.
 *
 * The default mode (kp_sync.h) never does this: it answers only once the
 * peer stored the key.
 */

#ifndef KP_SYNC_LATER_H_
#define KP_SYNC_LATER_H_

#include "kp.h"

/**
 * Push a key to the KP of a peer entry after a delay (key copied). Failures
 * are only logged: the encryptor already has the key.
 *
 * @param peer		peer entry
 * @param target	system the key is shared with
 * @param delay_ms	milliseconds to wait before the push
 * @return			false if the push could not be scheduled
 */
bool kp_sync_later(kp_t *kp, kp_peer_t *peer, const char *target,
				   const char *key_id, const uint8_t *key, size_t len,
				   unsigned delay_ms);

/**
 * Drop the pushes still waiting for their time (keys wiped).
 */
void kp_sync_later_deinit(kp_t *kp);

#endif /* KP_SYNC_LATER_H_ */
