/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * State of the reference Key Provider, shared by its parts. Everything runs
 * in one event loop: no locks, no handler ever blocks on the network.
 */

#ifndef KP_H_
#define KP_H_

#include "kp_config.h"
#include "kp_fault.h"
#include "kp_http.h"
#include "kp_store.h"
#include "kp_tls.h"

#include <event2/event.h>
#include <event2/http.h>

typedef struct kp_sync_t kp_sync_t;
typedef struct kp_pools_t kp_pools_t;
typedef struct kp_made_t kp_made_t;
typedef struct kp_sync_mode_t kp_sync_mode_t;
typedef struct kp_dske_hubs_t kp_dske_hubs_t;

typedef struct {
	/** configuration */
	kp_config_t *config;
	/** event loop */
	struct event_base *base;
	/** keys synchronized to us by peers */
	kp_store_t *store;
	/** keys we made for our own system ID, bound to their encryptors */
	kp_made_t *made;
	/** SKIP API: TLS settings, context and server */
	kp_tls_server_t api_tls;
	SSL_CTX *api_ctx;
	kp_http_server_t *api_http;
	/** synchronization listener: TLS settings, context and server */
	kp_tls_server_t sync_tls;
	SSL_CTX *sync_ctx;
	kp_http_server_t *sync_http;
	/** links to the peers, pushing keys */
	kp_sync_t *sync;
	/** how keys are made with each peer entry (kp_sync_mode.h) */
	kp_sync_mode_t **modes;
	/** DSKE Security Hubs, NULL if none (kp_dske_hubs.h) */
	kp_dske_hubs_t *hubs;
	/** pre-synchronized keys, NULL if none */
	kp_pools_t *pools;
	/** injected faults (test mode only) */
	kp_faults_t faults;
	/** requests held back by an injected latency (kp_api.c) */
	void *delayed;
	/** keys synchronized after their delivery (kp_sync_later.c, test) */
	void *later;
} kp_t;

#endif /* KP_H_ */
