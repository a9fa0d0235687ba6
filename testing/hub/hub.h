/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * State of the Security Hub, shared by its parts. Everything runs in one
 * event loop: no locks, no handler ever blocks on the network (disk syncs
 * do block it, by design: nothing is answered before it is durable).
 */

#ifndef HUB_H_
#define HUB_H_

#include "hub_config.h"
#include "hub_registry.h"
#include "hub_store.h"

#include <event2/event.h>
#include <event2/listener.h>

typedef struct {
	/** configuration */
	hub_config_t *config;
	/** event loop */
	struct event_base *base;
	/** our clients and their pairs */
	hub_registry_t *clients;
	/** our ID (the same in every pair) */
	uint64_t hub_id;
	/** shares waiting for their recipients */
	hub_store_t *store;
	/** where clients connect */
	struct evconnlistener *listener;
	/** open client connections */
	unsigned connections;
} hub_t;

#endif /* HUB_H_ */
