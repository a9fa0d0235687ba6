/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "kp_store.h"

#include <skip_key.h>

#include <ctype.h>
#include <search.h>
#include <stdlib.h>
#include <string.h>

/** origin, NUL, lowercase keyId, NUL */
#define ENTRY_NAME_MAX (SKIP_SYSTEM_ID_MAX + 1 + SKIP_KEY_ID_MAX_HEX + 1)

typedef struct entry_t entry_t;

/**
 * A stored key; entries also form a list in the order they expire.
 */
struct entry_t {
	char name[ENTRY_NAME_MAX];
	size_t name_len;
	uint8_t key[SKIP_KEY_MAX_BYTES];
	size_t len;
	time_t created;
	entry_t *prev, *next;
};

struct kp_store_t {
	/** tsearch(3) tree of entry_t, by name */
	void *tree;
	/** oldest and newest entry */
	entry_t *head, *tail;
	size_t count;
	unsigned ttl;
};

static int compare(const void *a, const void *b)
{
	const entry_t *ea = a, *eb = b;

	if (ea->name_len != eb->name_len)
	{
		return ea->name_len < eb->name_len ? -1 : 1;
	}
	return memcmp(ea->name, eb->name, ea->name_len);
}

/**
 * Build the lookup name of a key; false if the values do not fit.
 */
static bool make_name(entry_t *entry, const char *origin, const char *key_id)
{
	size_t olen = strlen(origin), klen = strlen(key_id), i;

	if (olen > SKIP_SYSTEM_ID_MAX || klen > SKIP_KEY_ID_MAX_HEX)
	{
		return false;
	}
	memcpy(entry->name, origin, olen + 1);
	for (i = 0; i < klen; i++)
	{	/* a keyId names bits: its hex case does not matter */
		entry->name[olen + 1 + i] = (char)tolower((unsigned char)key_id[i]);
	}
	entry->name[olen + 1 + klen] = '\0';
	entry->name_len = olen + 1 + klen;
	return true;
}

static time_t monotonic_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

kp_store_t *kp_store_create(unsigned ttl)
{
	kp_store_t *store = calloc(1, sizeof(*store));

	if (store)
	{
		store->ttl = ttl;
	}
	return store;
}

static void unlink_entry(kp_store_t *store, entry_t *entry)
{
	if (entry->prev)
	{
		entry->prev->next = entry->next;
	}
	else
	{
		store->head = entry->next;
	}
	if (entry->next)
	{
		entry->next->prev = entry->prev;
	}
	else
	{
		store->tail = entry->prev;
	}
	tdelete(entry, &store->tree, compare);
	store->count--;
}

static void wipe_entry(entry_t *entry)
{
	skip_memwipe(entry, sizeof(*entry));
	free(entry);
}

kp_store_result_t kp_store_put(kp_store_t *store, const char *origin,
							   const char *key_id, const uint8_t *key,
							   size_t len)
{
	entry_t *entry, **found;

	if (store->count >= KP_STORE_MAX)
	{
		return KP_STORE_FULL;
	}
	entry = calloc(1, sizeof(*entry));
	if (!entry)
	{
		return KP_STORE_NOMEM;
	}
	if (!make_name(entry, origin, key_id) || len > sizeof(entry->key))
	{
		free(entry);
		return KP_STORE_NOMEM;
	}
	found = tsearch(entry, &store->tree, compare);
	if (!found)
	{
		free(entry);
		return KP_STORE_NOMEM;
	}
	if (*found != entry)
	{
		free(entry);
		return KP_STORE_EXISTS;
	}
	memcpy(entry->key, key, len);
	entry->len = len;
	entry->created = monotonic_now();
	entry->prev = store->tail;
	if (store->tail)
	{
		store->tail->next = entry;
	}
	else
	{
		store->head = entry;
	}
	store->tail = entry;
	store->count++;
	return KP_STORE_OK;
}

bool kp_store_take(kp_store_t *store, const char *origin, const char *key_id,
				   uint8_t *key, size_t *len)
{
	entry_t lookup, *entry, **found;

	if (!make_name(&lookup, origin, key_id))
	{
		return false;
	}
	found = tfind(&lookup, &store->tree, compare);
	if (!found)
	{
		return false;
	}
	entry = *found;
	unlink_entry(store, entry);
	memcpy(key, entry->key, entry->len);
	*len = entry->len;
	wipe_entry(entry);
	return true;
}

size_t kp_store_expire(kp_store_t *store, time_t now)
{
	entry_t *entry;
	size_t wiped = 0;

	while ((entry = store->head) && now - entry->created >= store->ttl)
	{
		unlink_entry(store, entry);
		wipe_entry(entry);
		wiped++;
	}
	return wiped;
}

size_t kp_store_count(kp_store_t *store)
{
	return store->count;
}

void kp_store_destroy(kp_store_t *store)
{
	entry_t *entry;

	if (!store)
	{
		return;
	}
	while ((entry = store->head))
	{
		unlink_entry(store, entry);
		wipe_entry(entry);
	}
	free(store);
}
