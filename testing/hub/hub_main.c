/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * skip-hub: a DSKE Security Hub for the reference KPs.
 */

#include "hub.h"
#include "hub_bundle.h"
#include "hub_conn.h"
#include "kp_log.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

/** how often expired shares are wiped (seconds) */
#define EXPIRE_INTERVAL_S 1

static void expire_shares(evutil_socket_t fd, short what, void *arg)
{
	hub_t *hub = arg;
	size_t wiped;

	wiped = hub_store_expire(hub->store, time(NULL));
	if (wiped)
	{
		kp_log(KP_LOG_INFO, "wiped %zu undelivered share(s) after %u s",
			   wiped, hub->config->share_ttl);
	}
}

static void stop(evutil_socket_t sig, short what, void *arg)
{
	hub_t *hub = arg;

	kp_log(KP_LOG_INFO, "signal %d, shutting down", (int)sig);
	event_base_loopexit(hub->base, NULL);
}

/**
 * Shares and wrap keys live in this process: no core dumps, no ptrace by
 * other processes of the user, optionally no swapping.
 */
static bool protect_process(hub_config_t *config)
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
 * Load the clients and the shares waiting for them.
 */
static bool load(hub_t *hub)
{
	hub_client_t *client;
	char err[512];
	size_t i;

	hub->clients = hub_registry_load(hub->config->clients_dir,
									 hub->config->name, &hub->hub_id, err,
									 sizeof(err));
	if (!hub->clients)
	{
		kp_log(KP_LOG_ERROR, "%s", err);
		return false;
	}
	for (i = 0; (client = hub_registry_get(hub->clients, i)); i++)
	{
		kp_log(KP_LOG_INFO, "client %s (ID %llu): %llu PSRD words left",
			   client->name, (unsigned long long)client->id,
			   (unsigned long long)client->pair->remaining(client->pair));
	}
	hub->store = hub_store_open(hub->config->state_dir, time(NULL), err,
								sizeof(err));
	if (!hub->store)
	{
		kp_log(KP_LOG_ERROR, "share store: %s", err);
		return false;
	}
	kp_log(KP_LOG_INFO, "hub %s (ID %llu): %zu client(s), %zu share(s) "
		   "waiting in %s", hub->config->name, (unsigned long long)hub->hub_id,
		   hub_registry_count(hub->clients), hub_store_count(hub->store),
		   hub->config->state_dir);
	return true;
}

int main(int argc, char *argv[])
{
	struct timeval interval = { .tv_sec = EXPIRE_INTERVAL_S };
	struct event *expire = NULL, *sigint = NULL, *sigterm = NULL;
	hub_t hub = {};
	int status = 1;

	if (argc > 1 && strcmp(argv[1], "bundle") == 0)
	{
		return hub_bundle_main(argc - 1, argv + 1);
	}
	signal(SIGPIPE, SIG_IGN);
	hub.config = hub_config_parse(argc, argv);
	if (!hub.config)
	{
		return 2;
	}
	kp_log_set_level(hub.config->log_level);
	if (!protect_process(hub.config) || !load(&hub))
	{
		goto out;
	}
	hub.base = event_base_new();
	if (!hub.base || !hub_conn_init(&hub))
	{
		goto out;
	}
	expire = event_new(hub.base, -1, EV_PERSIST, expire_shares, &hub);
	sigint = evsignal_new(hub.base, SIGINT, stop, &hub);
	sigterm = evsignal_new(hub.base, SIGTERM, stop, &hub);
	if (!expire || !sigint || !sigterm || event_add(expire, &interval) ||
		event_add(sigint, NULL) || event_add(sigterm, NULL))
	{
		goto out;
	}
	/* what a restart left behind expired meanwhile */
	expire_shares(-1, 0, &hub);
	kp_log(KP_LOG_INFO, "ready");
	status = event_base_dispatch(hub.base) < 0;
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
	hub_conn_deinit(&hub);
	if (hub.base)
	{
		event_base_free(hub.base);
	}
	hub_store_destroy(hub.store);
	hub_registry_destroy(hub.clients);
	hub_config_destroy(hub.config);
	return status;
}
