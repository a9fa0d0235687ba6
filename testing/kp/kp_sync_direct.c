/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * The direct link (kp_sync.c) as a synchronization mode.
 */

#include "kp_sync_mode.h"

#include <stdlib.h>

#include <openssl/rand.h>

typedef struct {
	kp_sync_mode_t public;
	kp_t *kp;
	kp_peer_t *peer;
} private_direct_t;

/**
 * We make the key and push it; the peer stores it.
 */
static void direct_make(kp_sync_mode_t *public, const char *target,
						kp_sync_new_t *key, kp_sync_done_t done, void *ctx)
{
	private_direct_t *this = (private_direct_t*)public;

	if (key->len > sizeof(key->key) ||
		RAND_priv_bytes(key->key, (int)key->len) != 1)
	{
		done(ctx, false, "random number generator failed", 0);
		return;
	}
	kp_sync_push_sae(this->kp, this->peer, target, key->key_id, key->key,
					 key->len, key->master[0] ? key->master : NULL,
					 key->slave[0] ? key->slave : NULL, done, ctx);
}

/**
 * The peer pushes every key it makes: what is not stored does not exist.
 */
static void direct_pull(kp_sync_mode_t *public, const char *key_id,
						kp_sync_pulled_t done, void *ctx)
{
	done(ctx, KP_PULL_NOT_FOUND, NULL);
}

static void direct_destroy(kp_sync_mode_t *public)
{
	free(public);
}

kp_sync_mode_t *kp_sync_direct_create(kp_t *kp, kp_peer_t *peer)
{
	private_direct_t *this = calloc(1, sizeof(*this));

	if (!this)
	{
		return NULL;
	}
	*this = (private_direct_t){
		.public = {
			.make = direct_make,
			.pull = direct_pull,
			.destroy = direct_destroy,
		},
		.kp = kp,
		.peer = peer,
	};
	return &this->public;
}
