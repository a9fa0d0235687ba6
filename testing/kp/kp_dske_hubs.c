/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "kp_dske_hubs.h"
#include "kp_log.h"

#include <dske_shamir.h>

#include <stdlib.h>

kp_dske_hubs_t *kp_dske_hubs_create(kp_t *kp)
{
	kp_config_t *config = kp->config;
	kp_dske_hubs_t *hubs;
	kp_dske_hub_t *hub;
	char err[256];
	size_t i;

	hubs = calloc(1, sizeof(*hubs));
	if (!hubs || !(hubs->hubs = calloc(config->hub_count, sizeof(*hub))))
	{
		free(hubs);
		return NULL;
	}
	for (i = 0; i < config->hub_count; i++)
	{
		hub = &hubs->hubs[i];
		hub->config = &config->hubs[i];
		hubs->count++;
		hub->pair = dske_pair_open(hub->config->dir, DSKE_SIDE_CLIENT, err,
								   sizeof(err));
		if (!hub->pair)
		{
			kp_log(KP_LOG_ERROR, "--dske-hub %s: %s: %s", hub->config->name,
				   hub->config->dir, err);
			kp_dske_hubs_destroy(hubs);
			return NULL;
		}
		hub->link = kp_dske_link_create(kp->base, hub->config, hub->pair);
		if (!hub->link)
		{
			kp_dske_hubs_destroy(hubs);
			return NULL;
		}
		kp_log(KP_LOG_INFO, "DSKE hub '%s' (index %u) at %s:%u",
			   hub->config->name, hub->config->index, hub->config->host,
			   hub->config->port);
		kp_dske_hubs_log_left(hub, KP_LOG_INFO, config->dske_key_bits / 128);
	}
	return hubs;
}

void kp_dske_hubs_check_left(kp_dske_hub_t *hub, size_t m)
{
	uint64_t keys = hub->pair->remaining(hub->pair) / (5 + m);

	/* once per decade, so that running low is seen without -v */
	if (keys == 1000 || keys == 100 || keys == 10 || keys == 0)
	{
		kp_log(KP_LOG_ERROR, "DSKE hub '%s': PSRD for %llu more key(s) of "
			   "%zu bit to send, then it counts as down: renew its "
			   "registration", hub->config->name, (unsigned long long)keys,
			   m * 128);
	}
}

void kp_dske_hubs_log_left(kp_dske_hub_t *hub, int level, size_t m)
{
	uint64_t words = hub->pair->remaining(hub->pair);

	kp_log(level, "DSKE hub '%s': %llu PSRD words (%llu bytes) left to send, "
		   "enough for %llu key(s) of %zu bit", hub->config->name,
		   (unsigned long long)words, (unsigned long long)words * 16,
		   (unsigned long long)(words / (5 + m)), m * 128);
}

void kp_dske_hubs_destroy(kp_dske_hubs_t *hubs)
{
	size_t i;

	/* all links first: the callbacks of failed requests may look at any
	 * hub */
	for (i = 0; i < hubs->count; i++)
	{
		kp_dske_link_destroy(hubs->hubs[i].link);
		hubs->hubs[i].link = NULL;
	}
	for (i = 0; i < hubs->count; i++)
	{
		if (hubs->hubs[i].pair)
		{
			hubs->hubs[i].pair->destroy(hubs->hubs[i].pair);
		}
	}
	free(hubs->hubs);
	free(hubs);
}
