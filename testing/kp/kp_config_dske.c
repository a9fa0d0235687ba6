/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "kp_config.h"

#include <dske_pair.h>
#include <dske_shamir.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool parse_index(const char *arg, unsigned *out)
{
	unsigned long value;
	char *end;

	errno = 0;
	value = strtoul(arg, &end, 10);
	if (!isdigit((unsigned char)arg[0]) || errno || *end || value < 1 ||
		value > DSKE_MAX_HUBS)
	{
		return false;
	}
	*out = (unsigned)value;
	return true;
}

bool kp_config_add_hub(kp_config_t *config, const char *arg)
{
	char *copy, *name, *address, *index, *dir, *rest = NULL;
	kp_hub_t *hubs, hub = {};
	bool ok = false;
	size_t i;

	copy = strdup(arg);
	if (!copy)
	{
		return false;
	}
	name = strtok_r(copy, ",", &rest);
	address = strtok_r(NULL, ",", &rest);
	index = strtok_r(NULL, ",", &rest);
	dir = strtok_r(NULL, "", &rest);
	if (!name || !address || !index || !dir)
	{
		fprintf(stderr, "--dske-hub wants NAME,HOST:PORT,INDEX,DIR\n");
	}
	else if (!dske_pair_name_valid(name))
	{
		fprintf(stderr, "--dske-hub: invalid hub name '%s' (1 to %d of "
				"A-Z a-z 0-9 . _ -)\n", name, DSKE_PAIR_NAME_MAX);
	}
	else if (!parse_index(index, &hub.index))
	{
		fprintf(stderr, "--dske-hub %s: invalid index '%s' (1 to %d, the "
				"same on both KPs)\n", name, index, DSKE_MAX_HUBS);
	}
	else if (!kp_config_address(address, &hub.host, &hub.port))
	{
		fprintf(stderr, "--dske-hub %s: invalid address '%s'\n", name,
				address);
	}
	else
	{
		ok = true;
		for (i = 0; ok && i < config->hub_count; i++)
		{
			if (strcmp(config->hubs[i].name, name) == 0 ||
				config->hubs[i].index == hub.index)
			{
				fprintf(stderr, "--dske-hub %s: %s already given to hub "
						"'%s'\n", name, config->hubs[i].index == hub.index ?
						"this index is" : "this name is",
						config->hubs[i].name);
				ok = false;
			}
		}
		hubs = ok ? realloc(config->hubs,
							(config->hub_count + 1) * sizeof(*hubs)) : NULL;
		if (hubs)
		{
			config->hubs = hubs;
			hub.name = strdup(name);
			hub.dir = strdup(dir);
			hubs[config->hub_count++] = hub;
			ok = hub.name && hub.dir;
			hub.host = NULL;
		}
		else
		{
			ok = false;
		}
		free(hub.host);
	}
	free(copy);
	return ok;
}

bool kp_config_check_dske(kp_config_t *config)
{
	kp_peer_t *peer;
	size_t i, j;

	if (config->dske_key_bits % 128 ||
		config->dske_key_bits / 128 > DSKE_MAX_KEY_WORDS)
	{
		fprintf(stderr, "--dske-key-size: %u is not a multiple of 128 "
				"bits up to %d\n", config->dske_key_bits,
				128 * DSKE_MAX_KEY_WORDS);
		return false;
	}
	for (i = 0; i < config->peer_count; i++)
	{
		peer = &config->peers[i];
		if (peer->sync != KP_SYNC_DSKE)
		{
			continue;
		}
		if (config->hub_count < peer->dske_k)
		{
			fprintf(stderr, "--dske-peer %s: k = %u needs at least %u "
					"--dske-hub, %zu given\n", peer->system_id, peer->dske_k,
					peer->dske_k, config->hub_count);
			return false;
		}
		for (j = 0; j < config->peer_count; j++)
		{
			if (j != i && strcmp(config->peers[j].system_id,
								 peer->system_id) == 0)
			{
				fprintf(stderr, "--dske-peer %s: this system has another "
						"peer entry\n", peer->system_id);
				return false;
			}
		}
	}
	return true;
}

void kp_config_free_hubs(kp_config_t *config)
{
	size_t i;

	for (i = 0; i < config->hub_count; i++)
	{
		free(config->hubs[i].name);
		free(config->hubs[i].host);
		free(config->hubs[i].dir);
	}
	free(config->hubs);
	config->hubs = NULL;
	config->hub_count = 0;
}
