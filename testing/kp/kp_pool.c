/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "kp_pool.h"
#include "kp_log.h"
#include "kp_sync_mode.h"

#include <skip_key.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

/** how often pools are checked for stale keys and refilled (seconds) */
#define POOL_CHECK_S 1

/**
 * A pre-synchronized key.
 */
typedef struct {
	char key_id[KP_POOL_KEY_ID_HEX + 1];
	uint8_t key[KP_POOL_KEY_BYTES];
	/** handed out only before this (monotonic seconds) */
	time_t until;
} pooled_t;

/**
 * The pool of one peer entry: a ring of keys, oldest first.
 */
typedef struct {
	kp_t *kp;
	kp_peer_t *peer;
	pooled_t *keys;
	size_t first;
	size_t count;
	/** keys on their way to the peer */
	size_t pushing;
	/** a refill failed: wait for the next check */
	bool failed;
} pool_t;

struct kp_pools_t {
	pool_t *pools;
	size_t count;
	size_t size;
	struct event *check;
};

/**
 * A key on its way into a pool.
 */
typedef struct {
	pool_t *pool;
	pooled_t key;
	/** the key as the peer's mode makes it */
	kp_sync_new_t new;
} filling_t;

static time_t monotonic(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static pooled_t *at(pool_t *pool, size_t i)
{
	return &pool->keys[(pool->first + i) % pool->kp->pools->size];
}

static void drop_first(pool_t *pool)
{
	skip_memwipe(at(pool, 0), sizeof(pooled_t));
	pool->first = (pool->first + 1) % pool->kp->pools->size;
	pool->count--;
}

static void refill(pool_t *pool);

/**
 * The peer stored a pool key (or not).
 */
static void filled(void *ctx, bool ok, const char *reason, unsigned ttl)
{
	filling_t *filling = ctx;
	pool_t *pool = filling->pool;

	pool->pushing--;
	if (ok && pool->count < pool->kp->pools->size)
	{	/* the remote encryptor keeps at least half the time to fetch it */
		memcpy(filling->key.key_id, filling->new.key_id,
			   sizeof(filling->key.key_id));
		memcpy(filling->key.key, filling->new.key, KP_POOL_KEY_BYTES);
		filling->key.until = monotonic() + ttl / 2;
		*at(pool, pool->count) = filling->key;
		pool->count++;
	}
	else if (!ok && !pool->failed)
	{
		pool->failed = true;
		kp_log(KP_LOG_ERROR, "cannot fill the key pool for '%s': %s",
			   pool->peer->system_id, reason);
	}
	skip_memwipe(filling, sizeof(*filling));
	free(filling);
}

/**
 * Top the pool up once it is half empty (so that keys go in batches).
 */
static void refill(pool_t *pool)
{
	size_t size = pool->kp->pools->size;
	filling_t *filling;

	if (pool->failed || pool->count + pool->pushing > size / 2)
	{
		return;
	}
	/* a push may fail before it returns: stop then */
	while (pool->count + pool->pushing < size && !pool->failed)
	{
		filling = calloc(1, sizeof(*filling));
		if (!filling || !kp_sync_new_key_id(filling->new.key_id))
		{
			free(filling);
			return;
		}
		filling->pool = pool;
		filling->new.len = KP_POOL_KEY_BYTES;
		pool->pushing++;
		kp_sync_make(pool->kp, pool->peer, pool->peer->system_id,
					 &filling->new, filled, filling);
	}
}

/**
 * Drop keys whose time is up, retry failed refills.
 */
static void check(evutil_socket_t unused, short what, void *arg)
{
	kp_t *kp = arg;
	time_t now = monotonic();
	size_t i, dropped;
	pool_t *pool;

	for (i = 0; i < kp->pools->count; i++)
	{
		pool = &kp->pools->pools[i];
		for (dropped = 0; pool->count && at(pool, 0)->until <= now; dropped++)
		{
			drop_first(pool);
		}
		if (dropped)
		{
			kp_log(KP_LOG_DEBUG, "replacing %zu stale pool key(s) for '%s'",
				   dropped, pool->peer->system_id);
		}
		pool->failed = false;
		refill(pool);
	}
}

bool kp_pool_take(kp_t *kp, kp_peer_t *peer, char *key_id, uint8_t *key)
{
	time_t now = monotonic();
	pool_t *pool = NULL;
	size_t i;

	for (i = 0; kp->pools && i < kp->pools->count; i++)
	{
		if (kp->pools->pools[i].peer == peer)
		{
			pool = &kp->pools->pools[i];
		}
	}
	if (!pool)
	{
		return false;
	}
	while (pool->count && at(pool, 0)->until <= now)
	{
		drop_first(pool);
	}
	if (!pool->count)
	{
		refill(pool);
		return false;
	}
	memcpy(key_id, at(pool, 0)->key_id, KP_POOL_KEY_ID_HEX + 1);
	memcpy(key, at(pool, 0)->key, KP_POOL_KEY_BYTES);
	drop_first(pool);
	refill(pool);
	return true;
}

bool kp_pool_init(kp_t *kp)
{
	struct timeval interval = { .tv_sec = POOL_CHECK_S };
	kp_config_t *config = kp->config;
	size_t i;

	if (!config->key_pool)
	{
		return true;
	}
	kp->pools = calloc(1, sizeof(*kp->pools));
	if (!kp->pools)
	{
		return false;
	}
	kp->pools->size = config->key_pool;
	kp->pools->pools = calloc(config->peer_count, sizeof(pool_t));
	if (!kp->pools->pools)
	{
		return false;
	}
	for (i = 0; i < config->peer_count; i++)
	{	/* a glob entry has no one system to make keys for in advance */
		if (config->peers[i].glob)
		{
			continue;
		}
		pool_t *pool = &kp->pools->pools[kp->pools->count++];

		pool->kp = kp;
		pool->peer = &config->peers[i];
		pool->keys = calloc(config->key_pool, sizeof(pooled_t));
		if (!pool->keys)
		{
			return false;
		}
	}
	kp->pools->check = event_new(kp->base, -1, EV_PERSIST, check, kp);
	if (!kp->pools->check || event_add(kp->pools->check, &interval))
	{
		return false;
	}
	for (i = 0; i < kp->pools->count; i++)
	{
		refill(&kp->pools->pools[i]);
	}
	kp_log(KP_LOG_INFO, "keeping %u pre-synchronized key(s) for each of %zu "
		   "peer(s)", config->key_pool, kp->pools->count);
	return true;
}

void kp_pool_deinit(kp_t *kp)
{
	size_t i;

	if (!kp->pools)
	{
		return;
	}
	for (i = 0; kp->pools->pools && i < kp->pools->count; i++)
	{
		pool_t *pool = &kp->pools->pools[i];

		if (pool->keys)
		{
			skip_memwipe(pool->keys, kp->pools->size * sizeof(pooled_t));
			free(pool->keys);
		}
	}
	if (kp->pools->check)
	{
		event_free(kp->pools->check);
	}
	free(kp->pools->pools);
	free(kp->pools);
	kp->pools = NULL;
}
