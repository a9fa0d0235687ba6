/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * The calls that dispatch to the synchronization mode of a peer entry, and
 * what all modes share.
 */

#include "kp_sync_mode.h"
#include "kp_sync_dske.h"
#include "kp_dske_hubs.h"

#include <skip_key.h>

#include <stdlib.h>

#include <openssl/rand.h>

bool kp_sync_new_key_id(char hex[SKIP_KEY_ID_MAX_HEX + 1])
{
	uint8_t id[16];

	if (RAND_bytes(id, sizeof(id)) != 1)
	{
		return false;
	}
	/* RFC 4122 version 4, variant 10 */
	id[6] = (id[6] & 0x0f) | 0x40;
	id[8] = (id[8] & 0x3f) | 0x80;
	skip_hex_encode(id, sizeof(id), hex);
	return true;
}

static kp_sync_mode_t *mode_of(kp_t *kp, kp_peer_t *peer)
{
	return kp->modes[peer - kp->config->peers];
}

void kp_sync_make(kp_t *kp, kp_peer_t *peer, const char *target,
				  kp_sync_new_t *key, kp_sync_done_t done, void *ctx)
{
	kp_sync_mode_t *mode = mode_of(kp, peer);

	mode->make(mode, target, key, done, ctx);
}

void kp_sync_pull(kp_t *kp, kp_peer_t *peer, const char *key_id,
				  kp_sync_pulled_t done, void *ctx)
{
	kp_sync_mode_t *mode = mode_of(kp, peer);

	mode->pull(mode, key_id, done, ctx);
}

bool kp_sync_modes_init(kp_t *kp)
{
	kp_config_t *config = kp->config;
	kp_peer_t *peer;
	size_t i;

	kp->modes = calloc(config->peer_count, sizeof(kp_sync_mode_t*));
	if (!kp->modes)
	{
		return false;
	}
	if (config->hub_count)
	{
		kp->hubs = kp_dske_hubs_create(kp);
		if (!kp->hubs)
		{
			return false;
		}
	}
	for (i = 0; i < config->peer_count; i++)
	{
		peer = &config->peers[i];
		kp->modes[i] = peer->sync == KP_SYNC_DSKE ?
							kp_sync_dske_create(kp, peer) :
							kp_sync_direct_create(kp, peer);
		if (!kp->modes[i])
		{
			return false;
		}
	}
	return true;
}

void kp_sync_modes_deinit(kp_t *kp)
{
	size_t i;

	if (kp->hubs)
	{	/* fails the requests under way, whose callbacks use the modes */
		kp_dske_hubs_destroy(kp->hubs);
		kp->hubs = NULL;
	}
	for (i = 0; kp->modes && i < kp->config->peer_count; i++)
	{
		if (kp->modes[i])
		{
			kp->modes[i]->destroy(kp->modes[i]);
		}
	}
	free(kp->modes);
	kp->modes = NULL;
}
