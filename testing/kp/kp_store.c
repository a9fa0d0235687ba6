/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "kp_store.h"
#include "kp_journal.h"
#include "kp_log.h"

#include <skip_key.h>

#include <ctype.h>
#include <search.h>
#include <sys/queue.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/** origin, NUL, lowercase keyId, NUL */
#define ENTRY_NAME_MAX (SKIP_SYSTEM_ID_MAX + 1 + SKIP_KEY_ID_MAX_HEX + 1)
/** the journal is compacted once this much of it is wiped records, and
 *  more than is live */
#define COMPACT_MIN_BYTES (1024 * 1024)

typedef struct entry_t entry_t;

/**
 * A stored key; entries also form a list in the order they expire.
 */
struct entry_t {
	/** lookup name: origin and the keyId in lowercase */
	char name[ENTRY_NAME_MAX];
	size_t name_len;
	/** the keyId as its KP issued it, for answers and the journal */
	char key_id[SKIP_KEY_ID_MAX_HEX + 1];
	uint8_t key[SKIP_KEY_MAX_BYTES];
	size_t len;
	/** seconds since the epoch: survives restarts */
	time_t expires;
	/** its record in the journal, and where a rewrite puts it */
	off_t offset;
	off_t new_offset;
	/** group commit it was stored in (not durable yet while it is the
	 *  store's current one) */
	uint64_t group;
	entry_t *prev, *next;
};

/**
 * Someone waiting for the next group commit.
 */
typedef struct waiter_t {
	STAILQ_ENTRY(waiter_t) next;
	kp_store_synced_t done;
	void *ctx;
} waiter_t;

STAILQ_HEAD(waiter_list_t, waiter_t);

struct kp_store_t {
	/** tsearch(3) tree of entry_t, by name */
	void *tree;
	/** first and last entry to expire */
	entry_t *head, *tail;
	size_t count;
	unsigned ttl;
	/** durable part, NULL if in memory only */
	kp_journal_t *journal;
	/** the group commit under way: what is written now is on disk once it
	 *  ran, and who waits for it */
	uint64_t group;
	struct waiter_list_t waiters;
	struct event *commit;
	/** fault injection */
	bool failing;
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
	memcpy(entry->key_id, key_id, klen + 1);
	return true;
}

static const char *entry_origin(entry_t *entry)
{
	return entry->name;
}

/**
 * Put an entry into the expiry list, in order (entries mostly come in
 * order, so the search from the tail is short).
 */
static void link_entry(kp_store_t *store, entry_t *entry)
{
	entry_t *after = store->tail;

	while (after && after->expires > entry->expires)
	{
		after = after->prev;
	}
	entry->prev = after;
	entry->next = after ? after->next : store->head;
	if (entry->next)
	{
		entry->next->prev = entry;
	}
	else
	{
		store->tail = entry;
	}
	if (after)
	{
		after->next = entry;
	}
	else
	{
		store->head = entry;
	}
	store->count++;
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

static void to_record(entry_t *entry, kp_journal_record_t *rec)
{
	*rec = (kp_journal_record_t){
		.origin = entry_origin(entry),
		.key_id = entry->key_id,
		.key = entry->key,
		.len = entry->len,
		.expires = (uint64_t)entry->expires,
	};
}

/**
 * Rewrite the journal with the live keys only.
 */
static void compact(kp_store_t *store)
{
	kp_journal_record_t rec;
	entry_t *entry;
	bool ok;

	ok = kp_journal_rewrite_begin(store->journal);
	for (entry = store->head; ok && entry; entry = entry->next)
	{
		to_record(entry, &rec);
		ok = kp_journal_rewrite_add(store->journal, &rec, &entry->new_offset);
	}
	if (!kp_journal_rewrite_end(store->journal, ok))
	{	/* the old journal stays, and stays valid */
		kp_log(KP_LOG_ERROR, "cannot compact the key journal");
		return;
	}
	for (entry = store->head; entry; entry = entry->next)
	{
		entry->offset = entry->new_offset;
	}
	/* the new file holds every key in memory, synced */
	store->group++;
	kp_log(KP_LOG_DEBUG, "compacted the key journal, %zu keys", store->count);
}

static void maybe_compact(kp_store_t *store)
{
	uint64_t live, dead;

	kp_journal_usage(store->journal, &live, &dead);
	if (dead >= COMPACT_MIN_BYTES && dead > live)
	{
		compact(store);
	}
}

/**
 * A key found in the journal at start.
 */
static bool load_key(void *ctx, const kp_journal_record_t *rec, off_t offset)
{
	kp_store_t *store = ctx;
	entry_t *entry, **found;

	entry = calloc(1, sizeof(*entry));
	if (!entry || !make_name(entry, rec->origin, rec->key_id) ||
		store->count >= KP_STORE_MAX)
	{
		free(entry);
		return false;
	}
	found = tsearch(entry, &store->tree, compare);
	if (!found || *found != entry)
	{	/* never stored twice; drop the second */
		free(entry);
		return found != NULL;
	}
	memcpy(entry->key, rec->key, rec->len);
	entry->len = rec->len;
	entry->expires = (time_t)rec->expires;
	entry->offset = offset;
	link_entry(store, entry);
	return true;
}

/**
 * Drop the keys stored since the last group commit: it failed, they are
 * not on disk (the journal cut them off again).
 */
static void drop_uncommitted(kp_store_t *store)
{
	entry_t *entry, *next;
	size_t dropped = 0;

	for (entry = store->head; entry; entry = next)
	{
		next = entry->next;
		if (entry->group == store->group)
		{
			unlink_entry(store, entry);
			wipe_entry(entry);
			dropped++;
		}
	}
	if (dropped)
	{
		kp_log(KP_LOG_ERROR, "dropped %zu key(s) not synced to the journal",
			   dropped);
	}
}

/**
 * The group commit: one disk sync for every key stored and every delivery
 * wiped since the last one, then everyone waiting learns the outcome.
 */
static void commit(kp_store_t *store)
{
	struct waiter_list_t waiters = STAILQ_HEAD_INITIALIZER(waiters);
	waiter_t *waiter;
	size_t count = 0;
	bool ok;

	/* callbacks may store or take again: they go into the next group */
	STAILQ_CONCAT(&waiters, &store->waiters);
	STAILQ_FOREACH(waiter, &waiters, next)
	{
		count++;
	}
	ok = kp_journal_commit(store->journal);
	if (ok)
	{
		kp_log(KP_LOG_DEBUG, "group commit: %zu request(s), one sync", count);
	}
	else
	{
		kp_log(KP_LOG_ERROR, "cannot sync the key journal: %m; failing %zu "
			   "request(s)", count);
		drop_uncommitted(store);
	}
	store->group++;
	while ((waiter = STAILQ_FIRST(&waiters)))
	{
		STAILQ_REMOVE_HEAD(&waiters, next);
		waiter->done(waiter->ctx, ok);
		free(waiter);
	}
}

static void commit_cb(evutil_socket_t unused, short what, void *arg)
{
	kp_store_t *store = arg;

	commit(store);
	maybe_compact(store);
}

kp_store_t *kp_store_create(struct event_base *base, unsigned ttl,
							const char *dir, char *err, size_t errlen)
{
	kp_store_t *store = calloc(1, sizeof(*store));

	if (!store)
	{
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	store->ttl = ttl;
	/* keys loaded at start are in group 0: on disk already */
	store->group = 1;
	STAILQ_INIT(&store->waiters);
	if (dir)
	{
		store->commit = event_new(base, -1, 0, commit_cb, store);
		if (!store->commit)
		{
			snprintf(err, errlen, "out of memory");
			kp_store_destroy(store);
			return NULL;
		}
		store->journal = kp_journal_open(dir, (uint64_t)time(NULL), load_key,
										 store, err, errlen);
		if (!store->journal)
		{
			kp_store_destroy(store);
			return NULL;
		}
	}
	return store;
}

void kp_store_compact(kp_store_t *store)
{
	uint64_t live, dead;

	if (store->journal)
	{
		kp_journal_usage(store->journal, &live, &dead);
		if (dead)
		{
			compact(store);
		}
	}
}

/**
 * Undo the tree insertions of a batch that is not stored.
 */
static void drop_batch(kp_store_t *store, entry_t **entries, size_t count,
					   size_t inserted)
{
	size_t i;

	for (i = 0; i < count; i++)
	{
		if (i < inserted)
		{
			tdelete(entries[i], &store->tree, compare);
		}
		wipe_entry(entries[i]);
	}
	free(entries);
}

kp_store_result_t kp_store_put(kp_store_t *store, const char *origin,
							   const kp_store_key_t *keys, size_t count,
							   unsigned ttl)
{
	kp_journal_record_t *recs = NULL;
	entry_t **entries, **found;
	off_t *offsets = NULL;
	/* whole seconds: one more, so that a key lives at least the TTL */
	time_t expires = time(NULL) + (ttl ?: store->ttl) + 1;
	size_t i;

	if (!count || count > KP_STORE_MAX || store->count > KP_STORE_MAX - count)
	{
		return KP_STORE_FULL;
	}
	entries = calloc(count, sizeof(*entries));
	if (!entries)
	{
		return KP_STORE_NOMEM;
	}
	for (i = 0; i < count; i++)
	{
		entries[i] = calloc(1, sizeof(entry_t));
		if (!entries[i] || !make_name(entries[i], origin, keys[i].key_id) ||
			keys[i].len > SKIP_KEY_MAX_BYTES)
		{
			drop_batch(store, entries, count, 0);
			return KP_STORE_NOMEM;
		}
		memcpy(entries[i]->key, keys[i].key, keys[i].len);
		entries[i]->len = keys[i].len;
		entries[i]->expires = expires;
		entries[i]->offset = -1;
		entries[i]->group = store->group;
	}
	for (i = 0; i < count; i++)
	{
		found = tsearch(entries[i], &store->tree, compare);
		if (!found || *found != entries[i])
		{
			drop_batch(store, entries, count, i);
			return found ? KP_STORE_EXISTS : KP_STORE_NOMEM;
		}
	}
	if (store->failing)
	{
		drop_batch(store, entries, count, count);
		return KP_STORE_IO;
	}
	if (store->journal)
	{
		recs = calloc(count, sizeof(*recs));
		offsets = calloc(count, sizeof(*offsets));
		for (i = 0; recs && i < count; i++)
		{
			to_record(entries[i], &recs[i]);
		}
		if (!recs || !offsets ||
			!kp_journal_append(store->journal, recs, count, offsets))
		{
			free(recs);
			free(offsets);
			drop_batch(store, entries, count, count);
			return KP_STORE_IO;
		}
		for (i = 0; i < count; i++)
		{
			entries[i]->offset = offsets[i];
		}
		free(recs);
		free(offsets);
	}
	for (i = 0; i < count; i++)
	{
		link_entry(store, entries[i]);
	}
	free(entries);
	return KP_STORE_OK;
}

kp_store_result_t kp_store_take(kp_store_t *store, const char *origin,
								const char *key_id, uint8_t *key, size_t *len,
								char *issued)
{
	entry_t lookup, *entry, **found;
	bool wiped = true;

	if (!make_name(&lookup, origin, key_id))
	{
		return KP_STORE_NOT_FOUND;
	}
	found = tfind(&lookup, &store->tree, compare);
	if (!found)
	{
		return KP_STORE_NOT_FOUND;
	}
	entry = *found;
	unlink_entry(store, entry);
	if (entry->expires <= time(NULL))
	{	/* its time is up, even if the expiry timer has not run yet */
		if (store->journal)
		{
			kp_journal_wipe(store->journal, entry->offset);
		}
		wipe_entry(entry);
		return KP_STORE_NOT_FOUND;
	}
	/* gone from disk (once committed) before it is handed out: never
	 * delivered twice */
	if (store->failing)
	{
		wiped = false;
	}
	else if (store->journal)
	{
		wiped = kp_journal_wipe(store->journal, entry->offset);
	}
	if (wiped)
	{
		memcpy(key, entry->key, entry->len);
		*len = entry->len;
		strcpy(issued, entry->key_id);
	}
	wipe_entry(entry);
	return wiped ? KP_STORE_OK : KP_STORE_IO;
}

size_t kp_store_expire(kp_store_t *store, time_t now)
{
	entry_t *entry;
	size_t wiped = 0;

	while ((entry = store->head) && entry->expires <= now)
	{
		unlink_entry(store, entry);
		if (store->journal &&
			!kp_journal_wipe(store->journal, entry->offset))
		{	/* it expires again when loaded */
			kp_log(KP_LOG_ERROR, "cannot wipe an expired key in the journal");
		}
		wipe_entry(entry);
		wiped++;
	}
	if (wiped && store->journal)
	{
		maybe_compact(store);
	}
	return wiped;
}

void kp_store_synced(kp_store_t *store, kp_store_synced_t done, void *ctx)
{
	waiter_t *waiter;

	if (!store->journal)
	{
		done(ctx, true);
		return;
	}
	waiter = calloc(1, sizeof(*waiter));
	if (!waiter)
	{
		done(ctx, false);
		return;
	}
	waiter->done = done;
	waiter->ctx = ctx;
	STAILQ_INSERT_TAIL(&store->waiters, waiter, next);
	/* runs after the other requests of this loop iteration wrote theirs */
	event_active(store->commit, EV_TIMEOUT, 0);
}

size_t kp_store_count(kp_store_t *store)
{
	return store->count;
}

bool kp_store_durable(kp_store_t *store)
{
	return store->journal != NULL;
}

void kp_store_set_failing(kp_store_t *store, bool failing)
{
	store->failing = failing;
}

void kp_store_fail_dir_sync(kp_store_t *store)
{
	if (store->journal)
	{
		kp_journal_fail_dir_sync(store->journal);
	}
}

void kp_store_fail_commit(kp_store_t *store)
{
	if (store->journal)
	{
		kp_journal_fail_commit(store->journal);
	}
}

void kp_store_destroy(kp_store_t *store)
{
	entry_t *entry;

	if (!store)
	{
		return;
	}
	if (store->commit)
	{	/* what waits is synced still, as at any commit */
		if (store->journal)
		{
			commit(store);
		}
		event_free(store->commit);
	}
	while ((entry = store->head))
	{
		unlink_entry(store, entry);
		wipe_entry(entry);
	}
	/* entries of a failed load that never made it into the list */
	tdestroy(store->tree, free);
	kp_journal_close(store->journal);
	free(store);
}
