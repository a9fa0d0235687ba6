/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * The receiving side of key synchronization: peer KPs deliver keys here.
 */

#include "kp_sync.h"
#include "kp_sync_msg.h"
#include "kp_log.h"
#include "kp_made.h"

#include <skip_key.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/** connections peers may hold open; a peer uses one per peer entry */
#define SYNC_MAX_CONNECTIONS 64
/** idle timeout of peer connections, longer than the peers' own */
#define SYNC_SERVER_TIMEOUT_S 60

/**
 * The PSK a peer KP authenticates with: the one configured for the peer
 * entry that covers its system ID (the identity).
 */
static const skip_psk_t *peer_psk(void *ctx, const char *identity)
{
	kp_peer_t *peer = kp_config_find_peer(ctx, identity);

	return peer && peer->sync == KP_SYNC_DIRECT ? &peer->psk : NULL;
}

static void forget_saes(kp_t *kp, kp_sync_msg_t *msg, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++)
	{
		if (msg->keys[i].slave[0])
		{
			kp_made_forget(kp->made, msg->keys[i].key_id);
		}
	}
}

/**
 * Bind the keys ETSI 014 SAEs made to the SAEs they are for, before they
 * are stored: no other client can take one meanwhile.
 */
static bool bind_saes(kp_t *kp, kp_sync_msg_t *msg)
{
	char client[KP_SAE_ID_MAX + 5];
	time_t now = time(NULL);
	size_t i;

	for (i = 0; i < msg->count; i++)
	{
		if (!msg->keys[i].slave[0])
		{
			continue;
		}
		snprintf(client, sizeof(client), "sae:%s", msg->keys[i].slave);
		if (!kp_made_bind(kp->made, msg->keys[i].key_id, client,
						  msg->keys[i].master, now))
		{
			forget_saes(kp, msg, i);
			return false;
		}
	}
	return true;
}

/**
 * Keys of a message written to the store, waiting for the group commit
 * before the peer is told.
 */
typedef struct {
	kp_t *kp;
	/** NULL once the peer's connection closed */
	struct evhttp_request *req;
	char origin[SKIP_SYSTEM_ID_MAX + 1];
	unsigned ttl;
	size_t count;
	struct {
		char key_id[SKIP_KEY_ID_MAX_HEX + 1];
		size_t bits;
		bool sae;
	} keys[KP_SYNC_BATCH_MAX];
} stored_t;

static void stored_closed(struct evhttp_connection *conn, void *arg)
{
	stored_t *stored = arg;

	stored->req = NULL;
}

/**
 * The group commit of a message's keys ran: tell the peer.
 */
static void stored_synced(void *ctx, bool ok)
{
	stored_t *stored = ctx;
	struct evhttp_request *req = stored->req;
	json_object *answer;
	size_t i;

	if (req)
	{
		evhttp_connection_set_closecb(evhttp_request_get_connection(req),
									  NULL, NULL);
	}
	for (i = 0; i < stored->count; i++)
	{
		if (!ok && stored->keys[i].sae)
		{
			kp_made_forget(stored->kp->made, stored->keys[i].key_id);
		}
		else if (ok)
		{
			kp_log(KP_LOG_INFO, "stored key %s (%zu bit) from peer '%s', "
				   "%zu waiting", stored->keys[i].key_id, stored->keys[i].bits,
				   stored->origin, kp_store_count(stored->kp->store));
		}
	}
	if (!ok)
	{
		kp_log(KP_LOG_ERROR, "cannot sync %zu key(s) from '%s' to the store",
			   stored->count, stored->origin);
	}
	if (req && ok)
	{
		answer = json_object_new_object();
		json_object_object_add(answer, "stored",
							   json_object_new_int((int)stored->count));
		json_object_object_add(answer, "ttl",
							   json_object_new_int64(stored->ttl));
		kp_http_send_json(req, 201, answer);
	}
	else if (req)
	{
		kp_http_send_error(req, 500, "cannot store keys");
	}
	free(stored);
}

/**
 * The keys are written: answer once they are on disk.
 */
static void await_sync(kp_t *kp, struct evhttp_request *req,
					   kp_sync_msg_t *msg, unsigned ttl)
{
	stored_t *stored = calloc(1, sizeof(*stored));
	size_t i;

	if (!stored)
	{	/* the keys stay stored, the peer expires them unused */
		kp_http_send_error(req, 500, "out of memory");
		return;
	}
	stored->kp = kp;
	stored->req = req;
	stored->ttl = ttl;
	stored->count = msg->count;
	snprintf(stored->origin, sizeof(stored->origin), "%s", msg->origin);
	for (i = 0; i < msg->count; i++)
	{
		snprintf(stored->keys[i].key_id, sizeof(stored->keys[i].key_id), "%s",
				 msg->keys[i].key_id);
		stored->keys[i].bits = msg->keys[i].len * 8;
		stored->keys[i].sae = msg->keys[i].slave[0] != '\0';
	}
	evhttp_connection_set_closecb(evhttp_request_get_connection(req),
								  stored_closed, stored);
	kp_store_synced(kp->store, stored_synced, stored);
}

static void store_keys(kp_t *kp, struct evhttp_request *req,
					   kp_sync_msg_t *msg)
{
	kp_store_key_t keys[KP_SYNC_BATCH_MAX];
	kp_store_result_t result;
	unsigned ttl = kp->config->key_ttl;
	size_t i;

	/* the sender may ask for a shorter time, not a longer one */
	if (msg->ttl && msg->ttl < ttl)
	{
		ttl = msg->ttl;
	}
	for (i = 0; i < msg->count; i++)
	{
		keys[i] = (kp_store_key_t){
			.key_id = msg->keys[i].key_id,
			.key = msg->keys[i].key,
			.len = msg->keys[i].len,
		};
	}
	if (!bind_saes(kp, msg))
	{
		kp_log(KP_LOG_ERROR, "cannot bind %zu key(s) from '%s' to their SAEs",
			   msg->count, msg->origin);
		kp_http_send_error(req, 500, "cannot store keys");
		skip_memwipe(keys, sizeof(keys));
		return;
	}
	result = kp_store_put(kp->store, msg->origin, keys, msg->count, ttl);
	if (result != KP_STORE_OK)
	{
		forget_saes(kp, msg, msg->count);
	}
	switch (result)
	{
		case KP_STORE_OK:
			await_sync(kp, req, msg, ttl);
			break;
		case KP_STORE_EXISTS:
			kp_log(KP_LOG_INFO, "sync: peer '%s' sent a keyId already stored",
				   msg->origin);
			kp_http_send_error(req, 409, "keyId already stored");
			break;
		case KP_STORE_FULL:
			kp_log(KP_LOG_ERROR, "key store full, refused %zu key(s) from "
				   "'%s'", msg->count, msg->origin);
			kp_http_send_error(req, 507, "key store full");
			break;
		case KP_STORE_IO:
			kp_log(KP_LOG_ERROR, "cannot write %zu key(s) from '%s' to the "
				   "store", msg->count, msg->origin);
			kp_http_send_error(req, 500, "cannot store keys");
			break;
		default:
			kp_http_send_error(req, 500, "cannot store keys");
			break;
	}
	skip_memwipe(keys, sizeof(keys));
}

/**
 * A peer delivers keys: POST /sync/v2/keys.
 */
static void sync_request(struct evhttp_request *req, void *arg)
{
	kp_t *kp = arg;
	char client[300], err[128];
	const char *path;
	kp_peer_t *peer = NULL;
	kp_sync_msg_t *msg;
	size_t len;
	char *body;

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
	kp_http_begin(req);
	body = kp_http_take_body(req, KP_SYNC_BODY_MAX, &len);
	if (!body)
	{
		kp_http_send_error(req, 413, "body too large");
		return;
	}
	msg = kp_sync_msg_decode(body, len, err, sizeof(err));
	skip_memwipe(body, len);
	free(body);
	if (!msg)
	{
		kp_log(KP_LOG_INFO, "sync: invalid message from peer '%s': %s",
			   client + 4, err);
		kp_http_send_error(req, 400, "%s", err);
	}
	else if (strcmp(msg->origin, client + 4) != 0)
	{	/* a peer speaks for itself only */
		kp_log(KP_LOG_INFO, "sync: peer '%s' sent keys as '%s', refused",
			   client + 4, msg->origin);
		kp_http_send_error(req, 403, "origin is not the authenticated peer");
	}
	else if (strcmp(msg->target, kp->config->system_id) != 0)
	{
		kp_log(KP_LOG_INFO, "sync: peer '%s' sent keys for '%s', not for us",
			   msg->origin, msg->target);
		kp_http_send_error(req, 400, "unknown target system '%s'",
						   msg->target);
	}
	else
	{
		store_keys(kp, req, msg);
	}
	kp_sync_msg_destroy(msg);
}

bool kp_sync_server_init(kp_t *kp)
{
	kp_config_t *config = kp->config;
	kp_http_limits_t limits = {
		.max_connections = SYNC_MAX_CONNECTIONS,
		.timeout_s = SYNC_SERVER_TIMEOUT_S,
		.max_body = KP_SYNC_BODY_MAX,
	};

	if (!config->sync_host)
	{	/* we only make keys, nobody delivers any to us */
		return true;
	}
	kp->sync_tls = (kp_tls_server_t){
		.tls_min = TLS1_3_VERSION,
		.tls_max = TLS1_3_VERSION,
		.lookup = peer_psk,
		.lookup_ctx = config,
	};
	kp->sync_ctx = kp_tls_server_create(&kp->sync_tls);
	if (!kp->sync_ctx)
	{
		return false;
	}
	kp->sync_http = kp_http_server_create(kp->base, kp->sync_ctx,
										  config->sync_host, config->sync_port,
										  &limits, sync_request, kp);
	if (!kp->sync_http)
	{
		return false;
	}
	kp_log(KP_LOG_INFO, "synchronization listener on %s:%u", config->sync_host,
		   config->sync_port);
	return true;
}

void kp_sync_server_deinit(kp_t *kp)
{
	kp_http_server_destroy(kp->sync_http);
	kp->sync_http = NULL;
	if (kp->sync_ctx)
	{
		SSL_CTX_free(kp->sync_ctx);
		kp->sync_ctx = NULL;
	}
}
