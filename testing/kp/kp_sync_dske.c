/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "kp_sync_dske.h"
#include "kp_dske_peer.h"
#include "kp_log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void kp_dske_add_reason(char *list, size_t size, const char *fmt, ...)
{
	size_t used = strlen(list);
	va_list args;

	if (used && used + 2 < size)
	{
		strcpy(list + used, "; ");
		used += 2;
	}
	va_start(args, fmt);
	vsnprintf(list + used, size - used, fmt, args);
	va_end(args);
}

void kp_dske_error_text(const dske_msg_t *msg, char *buf, size_t size)
{
	char reason[128];
	size_t i, len = 0;

	/* the hub's reason is ASCII by contract, but it is network input */
	for (i = 0; i < msg->aad_len && len < sizeof(reason) - 1; i++)
	{
		reason[len++] = msg->aad[i] >= 0x20 && msg->aad[i] < 0x7f ?
							(char)msg->aad[i] : '?';
	}
	reason[len] = '\0';
	snprintf(buf, size, "error %u (%s)%s%s", msg->x,
			 dske_error_name((int)msg->x), len ? ": " : "", reason);
}

static void dske_make(kp_sync_mode_t *public, const char *target,
					  kp_sync_new_t *key, kp_sync_done_t done, void *ctx)
{
	kp_dske_send((kp_dske_peer_t*)public, target, key, done, ctx);
}

static void dske_pull(kp_sync_mode_t *public, const char *key_id,
					  kp_sync_pulled_t done, void *ctx)
{
	kp_dske_receive((kp_dske_peer_t*)public, key_id, done, ctx);
}

static void dske_destroy(kp_sync_mode_t *public)
{
	free(public);
}

kp_sync_mode_t *kp_sync_dske_create(kp_t *kp, kp_peer_t *peer)
{
	kp_dske_peer_t *this;
	kp_dske_hub_t *hub;
	size_t i;

	this = calloc(1, sizeof(*this));
	if (!this || !kp->hubs)
	{
		free(this);
		return NULL;
	}
	*this = (kp_dske_peer_t){
		.public = {
			.make = dske_make,
			.pull = dske_pull,
			.destroy = dske_destroy,
		},
		.kp = kp,
		.peer = peer,
		.m = kp->config->dske_key_bits / 128,
	};
	for (i = 0; i < kp->hubs->count; i++)
	{
		hub = &kp->hubs->hubs[i];
		if (!hub->pair->lookup_client(hub->pair, peer->dske_client,
									  &this->peer_ids[i]))
		{
			kp_log(KP_LOG_ERROR, "--dske-peer %s: hub '%s' knows no client "
				   "'%s' (see the clients file in %s)", peer->system_id,
				   hub->config->name, peer->dske_client, hub->config->dir);
			free(this);
			return NULL;
		}
	}
	kp_log(KP_LOG_INFO, "keys with '%s' go through %zu DSKE hub(s), %u "
		   "needed (its client '%s')", peer->system_id, kp->hubs->count,
		   peer->dske_k, peer->dske_client);
	return &this->public;
}
