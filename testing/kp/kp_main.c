/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * skip-kp: the reference SKIP Key Provider.
 */

#include "kp.h"
#include "kp_api.h"
#include "kp_log.h"
#include "kp_loop.h"
#include "kp_protect.h"
#include "kp_pool.h"
#include "kp_sync_mode.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <event2/event.h>

/** how often expired keys are wiped (seconds) */
#define EXPIRE_INTERVAL_S 1
/** file descriptors kept for everything but client connections */
#define RESERVED_FDS 64

static void expire_keys(evutil_socket_t fd, short what, void *arg)
{
	kp_t *kp = arg;
	size_t wiped;

	wiped = kp_store_expire(kp->store, time(NULL));
	if (wiped)
	{
		kp_log(KP_LOG_INFO, "wiped %zu unfetched key(s) after %u s", wiped,
			   kp->config->key_ttl);
	}
}

/**
 * The event loop. With epoll, changes to the events of a file descriptor
 * are collected and applied once per turn of the loop: evhttp disables and
 * enables reading and writing several times per request, which would
 * otherwise cost an epoll_ctl(2) each (we never pass dup()ed descriptors,
 * which this mode does not support).
 */
static struct event_base *new_base(void)
{
	struct event_config *config = event_config_new();
	struct event_base *base;

	if (!config)
	{
		return NULL;
	}
	event_config_set_flag(config, EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST);
	base = event_base_new_with_config(config);
	event_config_free(config);
	return base;
}

/**
 * Every connection costs a file descriptor: raise the soft limit as far as
 * allowed and keep the connection limit below it.
 */
static void fit_connections(kp_config_t *config)
{
	struct rlimit limit;
	unsigned max;

	if (getrlimit(RLIMIT_NOFILE, &limit) != 0)
	{
		return;
	}
	if (limit.rlim_cur < limit.rlim_max)
	{
		limit.rlim_cur = limit.rlim_max;
		setrlimit(RLIMIT_NOFILE, &limit);
		getrlimit(RLIMIT_NOFILE, &limit);
	}
	if (limit.rlim_cur == RLIM_INFINITY || limit.rlim_cur > 2 * RESERVED_FDS +
		(rlim_t)config->max_connections)
	{
		return;
	}
	max = limit.rlim_cur > 2 * RESERVED_FDS ?
			(unsigned)limit.rlim_cur - 2 * RESERVED_FDS : RESERVED_FDS;
	if (max < config->max_connections)
	{
		kp_log(KP_LOG_ERROR, "only %lu file descriptors: at most %u "
			   "connections", (unsigned long)limit.rlim_cur, max);
		config->max_connections = max;
	}
}

int main(int argc, char *argv[])
{
	kp_loop_t loop = {};
	kp_t kp = {};
	char err[256];
	int status = 1;

	signal(SIGPIPE, SIG_IGN);
	kp.config = kp_config_parse(argc, argv);
	if (!kp.config)
	{
		return 2;
	}
	kp_log_set_level(kp.config->log_level);
	if (!kp_protect_process(kp.config->mlock))
	{
		goto out;
	}
	fit_connections(kp.config);
	kp.base = new_base();
	if (!kp.base)
	{
		goto out;
	}
	kp.store = kp_store_create(kp.base, kp.config->key_ttl,
							   kp.config->state_dir, err, sizeof(err));
	if (!kp.store)
	{
		kp_log(KP_LOG_ERROR, "key store: %s", err);
		goto out;
	}
	if (kp.config->state_dir)
	{
		kp_log(KP_LOG_INFO, "key store in %s: %zu key(s) waiting",
			   kp.config->state_dir, kp_store_count(kp.store));
	}
	if (!kp.base || !kp_sync_init(&kp) || !kp_sync_modes_init(&kp) ||
		!kp_sync_server_init(&kp) ||
		!kp_api_init(&kp) || !kp_pool_init(&kp))
	{
		goto out;
	}
	/* start with a journal of live keys only */
	kp_store_compact(kp.store);
	if (!kp_loop_add(&loop, kp.base, EXPIRE_INTERVAL_S, expire_keys, &kp))
	{
		goto out;
	}
	kp_log(KP_LOG_INFO, "ready");
	status = event_base_dispatch(kp.base) < 0;
out:
	kp_loop_free(&loop);
	/* encryptors' connections first: pending keys forget their requests,
	 * then the pushes under way fail */
	kp_api_deinit(&kp);
	kp_sync_modes_deinit(&kp);
	kp_sync_deinit(&kp);
	kp_pool_deinit(&kp);
	kp_sync_server_deinit(&kp);
	kp_store_destroy(kp.store);
	if (kp.base)
	{
		event_base_free(kp.base);
	}
	kp_config_destroy(kp.config);
	return status;
}
