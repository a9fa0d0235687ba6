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
 * confirmed that it stored the key (durably, if the peer has a state
 * directory).
 *
 * Each peer entry has one persistent connection with at most one message
 * in flight; keys made meanwhile wait and go together in the next message,
 * so a busy KP sends few large messages and the peer syncs its disk once
 * per message, not once per key.
 */

#ifndef KP_SYNC_H_
#define KP_SYNC_H_

#include "kp.h"

/**
 * Outcome of a push.
 *
 * @param ctx		context given to kp_sync_push()
 * @param ok		true if the peer stored the key
 * @param reason	why not, if !ok
 * @param ttl		if ok: seconds the peer keeps the key unfetched
 */
typedef void (*kp_sync_done_t)(void *ctx, bool ok, const char *reason,
							   unsigned ttl);

/**
 * Set up the links to the peers.
 */
bool kp_sync_init(kp_t *kp);

/**
 * Deliver a key to the KP of a peer entry; done is called exactly once:
 * later, or before this returns if the key cannot even be queued.
 *
 * @param peer		peer entry
 * @param target	system the key is shared with (the peer's system ID,
 *					or one its glob matches)
 * @param key_id	keyId
 * @param key		key (copied)
 */
void kp_sync_push(kp_t *kp, kp_peer_t *peer, const char *target,
				  const char *key_id, const uint8_t *key, size_t len,
				  kp_sync_done_t done, void *ctx);

/**
 * Deliver a key made by an ETSI GS QKD 014 SAE, as kp_sync_push(); the
 * peer binds it to the slave SAE.
 *
 * @param master	SAE that made the key
 * @param slave		SAE it is for
 */
void kp_sync_push_sae(kp_t *kp, kp_peer_t *peer, const char *target,
					  const char *key_id, const uint8_t *key, size_t len,
					  const char *master, const char *slave,
					  kp_sync_done_t done, void *ctx);

/**
 * Fail all pushes under way and free the links.
 */
void kp_sync_deinit(kp_t *kp);

/**
 * Create the synchronization listener, if configured.
 */
bool kp_sync_server_init(kp_t *kp);

/**
 * Free what kp_sync_server_init() set up.
 */
void kp_sync_server_deinit(kp_t *kp);

#endif /* KP_SYNC_H_ */
