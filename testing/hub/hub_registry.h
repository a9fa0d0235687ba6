/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * The hub's registered clients: one pair directory each (hub side) in the
 * clients directory, as a registration bundle delivers them.
 */

#ifndef HUB_REGISTRY_H_
#define HUB_REGISTRY_H_

#include <dske_pair.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct hub_registry_t hub_registry_t;

/**
 * A registered client.
 */
typedef struct {
	/** its name and the ID we assigned it */
	const char *name;
	uint64_t id;
	/** what we share with it */
	dske_pair_t *pair;
	/** test mode (replay faults): the last KEY_INSTRUCTION message and
	 *  frame it was sent, NULL if none */
	uint8_t *last_msg;
	size_t last_msg_len;
	uint8_t *last_frame;
	size_t last_frame_len;
} hub_client_t;

/**
 * Open every pair directory in dir (entries starting with '.' skipped).
 * All must name this hub and agree on its ID; client IDs must differ.
 *
 * @param hub_id	receives the hub's ID
 * @return			registry, NULL on error (err says why)
 */
hub_registry_t *hub_registry_load(const char *dir, const char *hub_name,
								  uint64_t *hub_id, char *err, size_t errlen);

/**
 * The client with an ID, NULL if none.
 */
hub_client_t *hub_registry_find(hub_registry_t *registry, uint64_t id);

/**
 * Number of clients, and the client at an index.
 */
size_t hub_registry_count(hub_registry_t *registry);
hub_client_t *hub_registry_get(hub_registry_t *registry, size_t index);

/**
 * Close all pairs (wiping their keys) and free the registry.
 */
void hub_registry_destroy(hub_registry_t *registry);

#endif /* HUB_REGISTRY_H_ */
