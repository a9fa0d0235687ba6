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
#include "kp_pool.h"
#include "kp_sync_mode.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>

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

static void stop(evutil_socket_t sig, short what, void *arg)
{
	kp_t *kp = arg;

	kp_log(KP_LOG_INFO, "signal %d, shutting down", (int)sig);
	event_base_loopexit(kp->base, NULL);
}

/**
 * Keys live in this process: no core dumps, no ptrace by other processes
 * of the user, optionally no swapping. Files we create are private.
 */
static bool protect_process(kp_config_t *config)
{
	struct rlimit none = {};

	umask(077);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	setrlimit(RLIMIT_CORE, &none);
	if (config->mlock && mlockall(MCL_CURRENT | MCL_FUTURE) != 0)
	{
		kp_log(KP_LOG_ERROR, "--mlock: cannot lock memory: %m (raise "
			   "LimitMEMLOCK/ulimit -l)");
		return false;
	}
	return true;
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
	struct timeval interval = { .tv_sec = EXPIRE_INTERVAL_S };
	struct event *expire = NULL, *sigint = NULL, *sigterm = NULL;
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
	if (!protect_process(kp.config))
	{
		goto out;
	}
	fit_connections(kp.config);
	kp.base = event_base_new();
	kp.store = kp_store_create(kp.config->key_ttl, kp.config->state_dir, err,
							   sizeof(err));
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
	expire = event_new(kp.base, -1, EV_PERSIST, expire_keys, &kp);
	sigint = evsignal_new(kp.base, SIGINT, stop, &kp);
	sigterm = evsignal_new(kp.base, SIGTERM, stop, &kp);
	if (!expire || !sigint || !sigterm || event_add(expire, &interval) ||
		event_add(sigint, NULL) || event_add(sigterm, NULL))
	{
		goto out;
	}
	kp_log(KP_LOG_INFO, "ready");
	status = event_base_dispatch(kp.base) < 0;
out:
	if (expire)
	{
		event_free(expire);
	}
	if (sigint)
	{
		event_free(sigint);
	}
	if (sigterm)
	{
		event_free(sigterm);
	}
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
