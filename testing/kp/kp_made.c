/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "kp_made.h"
#include "kp_store.h"

#include <skip_validate.h>

#include <ctype.h>
#include <search.h>
#include <stdlib.h>
#include <string.h>

typedef struct binding_t binding_t;

struct binding_t {
	/** lowercase keyId */
	char key_id[SKIP_KEY_ID_MAX_HEX + 1];
	char *client;
	/** ETSI 014: SAE that made the key, else NULL */
	char *master;
	time_t expires;
	/** in the order they expire: all have the same lifetime */
	binding_t *prev, *next;
};

struct kp_made_t {
	/** tsearch(3) tree of binding_t, by keyId */
	void *tree;
	binding_t *head, *tail;
	size_t count;
	unsigned lifetime;
};

static int compare(const void *a, const void *b)
{
	return strcmp(((const binding_t*)a)->key_id,
				  ((const binding_t*)b)->key_id);
}

/**
 * A keyId names bits: its hex case does not matter.
 */
static bool lower(const char *key_id, char *out)
{
	size_t i, len = strlen(key_id);

	if (len > SKIP_KEY_ID_MAX_HEX)
	{
		return false;
	}
	for (i = 0; i <= len; i++)
	{
		out[i] = (char)tolower((unsigned char)key_id[i]);
	}
	return true;
}

static void drop(kp_made_t *made, binding_t *binding)
{
	if (binding->prev)
	{
		binding->prev->next = binding->next;
	}
	else
	{
		made->head = binding->next;
	}
	if (binding->next)
	{
		binding->next->prev = binding->prev;
	}
	else
	{
		made->tail = binding->prev;
	}
	tdelete(binding, &made->tree, compare);
	made->count--;
	free(binding->client);
	free(binding->master);
	free(binding);
}

static void expire(kp_made_t *made, time_t now)
{
	while (made->head && made->head->expires <= now)
	{
		drop(made, made->head);
	}
}

kp_made_t *kp_made_create(unsigned lifetime)
{
	kp_made_t *made = calloc(1, sizeof(*made));

	if (made)
	{
		made->lifetime = lifetime;
	}
	return made;
}

bool kp_made_bind(kp_made_t *made, const char *key_id, const char *client,
				  const char *master, time_t now)
{
	binding_t *binding, **found;

	expire(made, now);
	if (made->count >= KP_STORE_MAX)
	{
		return false;
	}
	binding = calloc(1, sizeof(*binding));
	if (!binding || !lower(key_id, binding->key_id) ||
		!(binding->client = strdup(client)) ||
		(master && !(binding->master = strdup(master))))
	{
		if (binding)
		{
			free(binding->client);
		}
		free(binding);
		return false;
	}
	binding->expires = now + made->lifetime;
	found = tsearch(binding, &made->tree, compare);
	if (!found || *found != binding)
	{	/* a random 128-bit keyId made twice: make another key */
		free(binding->client);
		free(binding->master);
		free(binding);
		return false;
	}
	binding->prev = made->tail;
	if (made->tail)
	{
		made->tail->next = binding;
	}
	else
	{
		made->head = binding;
	}
	made->tail = binding;
	made->count++;
	return true;
}

static binding_t *find(kp_made_t *made, const char *key_id)
{
	binding_t lookup, **found;

	if (!lower(key_id, lookup.key_id))
	{
		return NULL;
	}
	found = tfind(&lookup, &made->tree, compare);
	return found ? *found : NULL;
}

bool kp_made_allows(kp_made_t *made, const char *key_id, const char *client,
					time_t now)
{
	binding_t *binding;

	expire(made, now);
	binding = find(made, key_id);
	return !binding || strcmp(binding->client, client) == 0;
}

bool kp_made_find(kp_made_t *made, const char *key_id, time_t now,
				  const char **client, const char **master)
{
	binding_t *binding;

	expire(made, now);
	binding = find(made, key_id);
	if (!binding)
	{
		return false;
	}
	*client = binding->client;
	*master = binding->master;
	return true;
}

void kp_made_forget(kp_made_t *made, const char *key_id)
{
	binding_t *binding;

	if (!made)
	{	/* shutting down: the bindings are gone already */
		return;
	}
	binding = find(made, key_id);

	if (binding)
	{
		drop(made, binding);
	}
}

void kp_made_destroy(kp_made_t *made)
{
	if (made)
	{
		while (made->head)
		{
			drop(made, made->head);
		}
		free(made);
	}
}
