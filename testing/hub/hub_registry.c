/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "hub_registry.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/crypto.h>

struct hub_registry_t {
	hub_client_t *clients;
	size_t count;
};

hub_client_t *hub_registry_find(hub_registry_t *registry, uint64_t id)
{
	size_t i;

	for (i = 0; i < registry->count; i++)
	{
		if (registry->clients[i].id == id)
		{
			return &registry->clients[i];
		}
	}
	return NULL;
}

size_t hub_registry_count(hub_registry_t *registry)
{
	return registry->count;
}

hub_client_t *hub_registry_get(hub_registry_t *registry, size_t index)
{
	return index < registry->count ? &registry->clients[index] : NULL;
}

/**
 * Open one client's pair and check that it belongs to this hub.
 */
static bool add_client(hub_registry_t *registry, const char *dir,
					   const char *hub_name, uint64_t *hub_id, char *err,
					   size_t errlen)
{
	hub_client_t *clients, *client;
	char reason[256];
	dske_pair_t *pair;

	pair = dske_pair_open(dir, DSKE_SIDE_HUB, reason, sizeof(reason));
	if (!pair)
	{
		snprintf(err, errlen, "client %s: %s", dir, reason);
		return false;
	}
	if (strcmp(pair->get_hub_name(pair), hub_name) != 0 ||
		(*hub_id && pair->get_hub_id(pair) != *hub_id) ||
		hub_registry_find(registry, pair->get_client_id(pair)))
	{
		snprintf(err, errlen, "client %s: not a pair of hub %s, another hub "
				 "ID, or a client ID given twice", dir, hub_name);
		pair->destroy(pair);
		return false;
	}
	clients = realloc(registry->clients,
					  (registry->count + 1) * sizeof(*clients));
	if (!clients)
	{
		pair->destroy(pair);
		snprintf(err, errlen, "out of memory");
		return false;
	}
	registry->clients = clients;
	client = &clients[registry->count++];
	*client = (hub_client_t){
		.name = pair->get_client_name(pair),
		.id = pair->get_client_id(pair),
		.pair = pair,
	};
	*hub_id = pair->get_hub_id(pair);
	return true;
}

hub_registry_t *hub_registry_load(const char *dir, const char *hub_name,
								  uint64_t *hub_id, char *err, size_t errlen)
{
	hub_registry_t *registry;
	struct dirent *entry;
	struct stat st;
	char path[4096];
	bool ok = true;
	DIR *d;

	registry = calloc(1, sizeof(*registry));
	d = opendir(dir);
	if (!registry || !d)
	{
		snprintf(err, errlen, "cannot open clients directory %s: %m", dir);
		free(registry);
		if (d)
		{
			closedir(d);
		}
		return NULL;
	}
	*hub_id = 0;
	while (ok && (entry = readdir(d)))
	{
		if (entry->d_name[0] == '.')
		{
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, entry->d_name);
		if (lstat(path, &st) != 0 || !S_ISDIR(st.st_mode))
		{
			continue;
		}
		ok = add_client(registry, path, hub_name, hub_id, err, errlen);
	}
	closedir(d);
	if (ok && !registry->count)
	{
		snprintf(err, errlen, "no client pair directories in %s", dir);
		ok = false;
	}
	if (!ok)
	{
		hub_registry_destroy(registry);
		return NULL;
	}
	return registry;
}

void hub_registry_destroy(hub_registry_t *registry)
{
	size_t i;

	if (!registry)
	{
		return;
	}
	for (i = 0; i < registry->count; i++)
	{
		registry->clients[i].pair->destroy(registry->clients[i].pair);
		if (registry->clients[i].last_msg)
		{
			OPENSSL_cleanse(registry->clients[i].last_msg,
							registry->clients[i].last_msg_len);
		}
		free(registry->clients[i].last_msg);
		free(registry->clients[i].last_frame);
	}
	free(registry->clients);
	free(registry);
}
