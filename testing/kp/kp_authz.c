/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "kp_authz.h"

#include <skip_validate.h>

#include <string.h>

/**
 * Call cb for every remote glob of every rule that applies to client.
 */
static bool any_allowed(kp_config_t *config, const char *client,
						bool (*cb)(const char *allowed, const char *arg),
						const char *arg)
{
	size_t i, j;

	for (i = 0; i < config->allow_count; i++)
	{
		kp_allow_t *allow = &config->allows[i];

		if (!skip_glob_match(allow->who, client))
		{
			continue;
		}
		for (j = 0; j < allow->remote_count; j++)
		{
			if (cb(allow->remotes[j], arg))
			{
				return true;
			}
		}
	}
	return false;
}

static bool glob_matches(const char *allowed, const char *remote)
{
	return skip_glob_match(allowed, remote);
}

bool kp_authz_remote(kp_config_t *config, const char *client,
					 const char *remote)
{
	if (!config->allow_count)
	{
		return true;
	}
	return any_allowed(config, client, glob_matches, remote);
}

bool kp_authz_receive(kp_config_t *config, const char *client,
					  const char *origin)
{
	kp_peer_t *peer = kp_config_find_peer(config, origin);
	size_t i;

	if (!peer || !kp_authz_remote(config, client, origin))
	{
		return false;
	}
	if (!peer->receiver_count)
	{
		return true;
	}
	for (i = 0; i < peer->receiver_count; i++)
	{
		if (skip_glob_match(peer->receivers[i], client))
		{
			return true;
		}
	}
	return false;
}

static void add_unique(json_object *array, const char *value)
{
	size_t i;

	for (i = 0; i < json_object_array_length(array); i++)
	{
		if (strcmp(json_object_get_string(
						json_object_array_get_idx(array, i)), value) == 0)
		{
			return;
		}
	}
	json_object_array_add(array, json_object_new_string(value));
}

json_object *kp_authz_remotes(kp_config_t *config, const char *client)
{
	json_object *remotes = json_object_new_array();
	size_t i, j, k;

	for (i = 0; i < config->peer_count; i++)
	{
		const char *peer = config->peers[i].system_id;

		/* the whole entry: no rules, or a rule's glob covers it */
		if (kp_authz_remote(config, client, peer))
		{
			add_unique(remotes, peer);
			continue;
		}
		if (!config->peers[i].glob)
		{
			continue;
		}
		/* a peer glob wider than the rules: list the rules' globs it
		 * covers */
		for (j = 0; j < config->allow_count; j++)
		{
			kp_allow_t *allow = &config->allows[j];

			if (!skip_glob_match(allow->who, client))
			{
				continue;
			}
			for (k = 0; k < allow->remote_count; k++)
			{
				if (skip_glob_match(peer, allow->remotes[k]))
				{
					add_unique(remotes, allow->remotes[k]);
				}
			}
		}
	}
	return remotes;
}
