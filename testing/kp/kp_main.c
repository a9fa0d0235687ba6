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
#include "kp_sync.h"

#include <signal.h>
#include <stdlib.h>

#include <event2/event.h>

/** how often expired keys are wiped (seconds) */
#define EXPIRE_INTERVAL_S 1

static void expire_keys(evutil_socket_t fd, short what, void *arg)
{
	kp_t *kp = arg;
	struct timespec ts;
	size_t wiped;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	wiped = kp_store_expire(kp->store, ts.tv_sec);
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

int main(int argc, char *argv[])
{
	struct timeval interval = { .tv_sec = EXPIRE_INTERVAL_S };
	struct event *expire = NULL, *sigint = NULL, *sigterm = NULL;
	kp_t kp = {};
	int status = 1;

	signal(SIGPIPE, SIG_IGN);
	kp.config = kp_config_parse(argc, argv);
	if (!kp.config)
	{
		return 2;
	}
	kp_log_set_level(kp.config->log_level);
	kp.base = event_base_new();
	kp.store = kp_store_create(kp.config->key_ttl);
	if (!kp.base || !kp.store || !kp_sync_init(&kp) || !kp_api_init(&kp))
	{
		goto out;
	}
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
	kp_api_deinit(&kp);
	kp_sync_deinit(&kp);
	kp_store_destroy(kp.store);
	if (kp.base)
	{
		event_base_free(kp.base);
	}
	kp_config_destroy(kp.config);
	return status;
}
