/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "kp_sync.h"
#include "kp_http.h"
#include "kp_log.h"

#include <skip_json.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/keyvalq_struct.h>

/** budget of one push to a peer, seconds */
#define SYNC_TIMEOUT_S 2

typedef struct {
	kp_peer_t *peer;
	char key_id[SKIP_KEY_ID_MAX_HEX + 1];
	kp_sync_done_t done;
	void *ctx;
} push_t;

/**
 * The PSK a peer KP authenticates with: the one configured for the peer
 * whose system ID is the identity.
 */
static const skip_psk_t *peer_psk(void *ctx, const char *identity)
{
	kp_peer_t *peer = kp_config_find_peer(ctx, identity);

	return peer ? &peer->psk : NULL;
}

static void push_done(struct evhttp_request *req, void *arg)
{
	push_t *push = arg;
	char reason[128];
	int code;

	code = req ? evhttp_request_get_response_code(req) : 0;
	if (code == 201)
	{
		kp_log(KP_LOG_DEBUG, "peer '%s' stored key %s", push->peer->system_id,
			   push->key_id);
		push->done(push->ctx, true, NULL);
	}
	else
	{
		if (code)
		{
			snprintf(reason, sizeof(reason), "peer KP '%s' answered %d",
					 push->peer->system_id, code);
		}
		else
		{
			snprintf(reason, sizeof(reason), "peer KP '%s' at %s:%u not "
					 "reachable or TLS failed", push->peer->system_id,
					 push->peer->host, push->peer->port);
		}
		push->done(push->ctx, false, reason);
	}
	free(push);
}

void kp_sync_push(kp_t *kp, kp_peer_t *peer, const char *key_id,
				  const uint8_t *key, size_t len, kp_sync_done_t done,
				  void *ctx)
{
	struct evhttp_connection *conn;
	struct evhttp_request *req;
	struct evkeyvalq *headers;
	SSL_CTX *ssl_ctx;
	push_t *push;
	char host[300];

	ssl_ctx = kp->peer_ctx[peer - kp->config->peers];
	push = calloc(1, sizeof(*push));
	conn = push ? kp_http_connect(kp->base, ssl_ctx, peer->host, peer->port)
				: NULL;
	req = conn ? evhttp_request_new(push_done, push) : NULL;
	if (!req)
	{
		if (conn)
		{
			evhttp_connection_free(conn);
		}
		free(push);
		done(ctx, false, "out of memory");
		return;
	}
	push->peer = peer;
	push->done = done;
	push->ctx = ctx;
	snprintf(push->key_id, sizeof(push->key_id), "%s", key_id);
	evhttp_connection_set_timeout(conn, SYNC_TIMEOUT_S);

	headers = evhttp_request_get_output_headers(req);
	snprintf(host, sizeof(host), "%s:%u", peer->host, peer->port);
	evhttp_add_header(headers, "Host", host);
	evhttp_add_header(headers, "Content-Type", "application/json");
	if (!kp_http_add_secret(evhttp_request_get_output_buffer(req),
							kp_http_key_json(key_id, key, len)) ||
		evhttp_make_request(conn, req, EVHTTP_REQ_POST, KP_SYNC_PATH) != 0)
	{	/* evhttp_make_request frees req on failure */
		evhttp_connection_free(conn);
		free(push);
		done(ctx, false, "cannot send to peer");
		return;
	}
	/* one connection per key: the peer may have restarted in between */
	evhttp_connection_free_on_completion(conn);
}

/**
 * A peer delivers a key: POST /sync/v1/keys {"keyId": ..., "key": ...}.
 */
static void sync_request(struct evhttp_request *req, void *arg)
{
	kp_t *kp = arg;
	char client[300], body[KP_HTTP_BODY_MAX];
	const char *path;
	kp_peer_t *peer = NULL;
	skip_error_t err = {};
	skip_key_t *key;
	json_object *answer;
	size_t len;
	int result;

	path = evhttp_uri_get_path(evhttp_request_get_evhttp_uri(req));
	if (!path || strcmp(path, KP_SYNC_PATH) != 0)
	{
		kp_http_send_error(req, 404, "unknown path");
		return;
	}
	if (evhttp_request_get_command(req) != EVHTTP_REQ_POST)
	{
		kp_http_send_error(req, 405, "only POST is supported");
		return;
	}
	if (kp_http_client(req, client, sizeof(client)) &&
		strncmp(client, "psk:", 4) == 0)
	{
		peer = kp_config_find_peer(kp->config, client + 4);
	}
	if (!peer)
	{
		kp_log(KP_LOG_INFO, "sync: refused unauthenticated client");
		kp_http_send_error(req, 403, "not a peer KP");
		return;
	}
	if (!kp_http_take_body(req, body, sizeof(body), &len))
	{
		kp_http_send_error(req, 413, "body too large");
		return;
	}
	result = skip_json_parse_key(body, len, 0, NULL, &key, &err);
	skip_memwipe(body, len);
	if (result != SKIP_OK)
	{
		kp_log(KP_LOG_INFO, "sync: invalid key from peer '%s': %s",
			   peer->system_id, err.detail);
		kp_http_send_error(req, 400, "%s", err.detail);
		return;
	}
	result = kp_store_put(kp->store, peer->system_id, key->key_id, key->key,
						  key->key_len);
	switch (result)
	{
		case KP_STORE_OK:
			kp_log(KP_LOG_INFO, "stored key %s (%zu bit) from peer '%s', %zu "
				   "waiting", key->key_id, key->key_len * 8, peer->system_id,
				   kp_store_count(kp->store));
			answer = json_object_new_object();
			json_object_object_add(answer, "keyId",
								   json_object_new_string(key->key_id));
			kp_http_send_json(req, 201, answer);
			break;
		case KP_STORE_EXISTS:
			kp_http_send_error(req, 409, "keyId already stored");
			break;
		case KP_STORE_FULL:
			kp_log(KP_LOG_ERROR, "key store full, refused key from '%s'",
				   peer->system_id);
			kp_http_send_error(req, 507, "key store full");
			break;
		default:
			kp_http_send_error(req, 500, "cannot store key");
			break;
	}
	skip_key_destroy(key);
}

bool kp_sync_init(kp_t *kp)
{
	kp_config_t *config = kp->config;
	size_t i;

	kp->peer_ctx = calloc(config->peer_count, sizeof(SSL_CTX*));
	if (!kp->peer_ctx)
	{
		return false;
	}
	for (i = 0; i < config->peer_count; i++)
	{
		kp->peer_ctx[i] = kp_tls_psk_client_create(&config->peers[i].psk);
		if (!kp->peer_ctx[i])
		{
			return false;
		}
	}
	if (!config->sync_host)
	{	/* we only make keys, nobody delivers any to us */
		return true;
	}
	kp->sync_tls = (kp_tls_server_t){
		.lookup = peer_psk,
		.lookup_ctx = config,
	};
	kp->sync_ctx = kp_tls_server_create(&kp->sync_tls);
	if (!kp->sync_ctx)
	{
		return false;
	}
	kp->sync_http = kp_http_listen(kp->base, kp->sync_ctx, config->sync_host,
								   config->sync_port);
	if (!kp->sync_http)
	{
		return false;
	}
	evhttp_set_gencb(kp->sync_http, sync_request, kp);
	kp_log(KP_LOG_INFO, "synchronization listener on %s:%u", config->sync_host,
		   config->sync_port);
	return true;
}

void kp_sync_deinit(kp_t *kp)
{
	size_t i;

	if (kp->sync_http)
	{
		evhttp_free(kp->sync_http);
	}
	if (kp->sync_ctx)
	{
		SSL_CTX_free(kp->sync_ctx);
	}
	for (i = 0; kp->peer_ctx && i < kp->config->peer_count; i++)
	{
		if (kp->peer_ctx[i])
		{
			SSL_CTX_free(kp->peer_ctx[i]);
		}
	}
	free(kp->peer_ctx);
}
