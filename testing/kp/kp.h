/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * State of the reference Key Provider, shared by its parts.
 */

#ifndef KP_H_
#define KP_H_

#include "kp_config.h"
#include "kp_store.h"
#include "kp_tls.h"

#include <event2/event.h>
#include <event2/http.h>

typedef struct {
	/** configuration */
	kp_config_t *config;
	/** event loop */
	struct event_base *base;
	/** keys synchronized to us by peers */
	kp_store_t *store;
	/** SKIP API: TLS settings, context and server */
	kp_tls_server_t api_tls;
	SSL_CTX *api_ctx;
	struct evhttp *api_http;
	/** synchronization listener: TLS settings, context and server */
	kp_tls_server_t sync_tls;
	SSL_CTX *sync_ctx;
	struct evhttp *sync_http;
	/** client contexts to the peers, same order as config->peers */
	SSL_CTX **peer_ctx;
} kp_t;

#endif /* KP_H_ */
