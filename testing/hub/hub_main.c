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
#include "kp_loop.h"
#include "kp_protect.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
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
	kp_loop_t loop = {};
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
	if (!kp_protect_process(hub.config->mlock) || !load(&hub))
	{
		goto out;
	}
	hub.base = event_base_new();
	if (!hub.base || !hub_conn_init(&hub))
	{
		goto out;
	}
	if (!kp_loop_add(&loop, hub.base, EXPIRE_INTERVAL_S, expire_shares,
					 &hub))
	{
		goto out;
	}
	/* what a restart left behind expired meanwhile */
	expire_shares(-1, 0, &hub);
	kp_log(KP_LOG_INFO, "ready");
	status = event_base_dispatch(hub.base) < 0;
out:
	kp_loop_free(&loop);
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
