/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * Key synchronization between peer KPs (see docs/kp.md): the KP that makes
 * a key delivers it to the peer KP over HTTPS with TLS 1.3 and a PSK shared
 * by the two KPs, and hands it to its own encryptor only once the peer has
 * confirmed that it stored the key.
 */

#ifndef KP_SYNC_H_
#define KP_SYNC_H_

#include "kp.h"

/** path of the synchronization endpoint */
#define KP_SYNC_PATH "/sync/v1/keys"

/**
 * Outcome of a push.
 *
 * @param ctx		context given to kp_sync_push()
 * @param ok		true if the peer stored the key
 * @param reason	why not, if !ok
 */
typedef void (*kp_sync_done_t)(void *ctx, bool ok, const char *reason);

/**
 * Set up client contexts to the peers and the synchronization listener.
 */
bool kp_sync_init(kp_t *kp);

/**
 * Deliver a key to a peer KP; done is called exactly once.
 */
void kp_sync_push(kp_t *kp, kp_peer_t *peer, const char *key_id,
				  const uint8_t *key, size_t len, kp_sync_done_t done,
				  void *ctx);

/**
 * Free what kp_sync_init() set up.
 */
void kp_sync_deinit(kp_t *kp);

#endif /* KP_SYNC_H_ */
