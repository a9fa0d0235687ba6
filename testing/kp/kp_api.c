/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "kp_api.h"
#include "kp_http.h"
#include "kp_log.h"
#include "kp_sync.h"

#include <skip_key.h>
#include <skip_validate.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include <event2/keyvalq_struct.h>
#include <openssl/rand.h>

/** keyIds are 128 bit, as the draft requires */
#define KEY_ID_BYTES 16
/** default key and entropy size (bits) */
#define DEFAULT_BITS 256
/** sizes a client may request (bits) */
#define MIN_KEY_BITS 128
#define MAX_BITS 4096

/**
 * A GET /key waiting for the peer KP to store the new key.
 */
typedef struct {
	kp_t *kp;
	/** NULL once the encryptor's connection closed */
	struct evhttp_request *req;
	char client[300];
	char remote[SKIP_SYSTEM_ID_MAX + 1];
	char key_id[2 * KEY_ID_BYTES + 1];
	uint8_t key[MAX_BITS / 8];
	size_t len;
} pending_key_t;

static void pending_destroy(pending_key_t *pending)
{
	skip_memwipe(pending, sizeof(*pending));
	free(pending);
}

/**
 * Query parameters of a request, each allowed at most once.
 */
typedef struct {
	struct evkeyvalq params;
	bool valid;
} query_t;

static void query_parse(struct evhttp_request *req, query_t *query,
						const char *const allowed[])
{
	const char *raw = evhttp_uri_get_query(evhttp_request_get_evhttp_uri(req));
	struct evkeyval *param, *other;
	size_t i;

	TAILQ_INIT(&query->params);
	query->valid = !raw || evhttp_parse_query_str(raw, &query->params) == 0;
	TAILQ_FOREACH(param, &query->params, next)
	{
		bool known = false;

		for (i = 0; allowed[i]; i++)
		{
			known = known || strcmp(param->key, allowed[i]) == 0;
		}
		for (other = TAILQ_NEXT(param, next); other;
			 other = TAILQ_NEXT(other, next))
		{
			known = known && strcmp(param->key, other->key) != 0;
		}
		query->valid = query->valid && known;
	}
}

/**
 * Parse an optional size parameter in bits.
 */
static bool parse_bits(const char *value, unsigned min, unsigned *bits)
{
	char *end;
	long parsed;

	if (!value)
	{
		*bits = DEFAULT_BITS;
		return true;
	}
	errno = 0;
	parsed = strtol(value, &end, 10);
	if (errno || *end || end == value || parsed < min || parsed > MAX_BITS ||
		parsed % 8)
	{
		return false;
	}
	*bits = (unsigned)parsed;
	return true;
}

/**
 * The remote system of a key request: a peer KP we synchronize with.
 */
static kp_peer_t *find_remote(kp_t *kp, struct evhttp_request *req,
							  query_t *query)
{
	const char *remote;
	kp_peer_t *peer;

	remote = evhttp_find_header(&query->params, "remoteSystemID");
	if (!remote)
	{
		kp_http_send_error(req, 400, "remoteSystemID missing");
		return NULL;
	}
	if (!skip_system_id_valid(remote, strlen(remote)))
	{
		kp_http_send_error(req, 400, "invalid remoteSystemID");
		return NULL;
	}
	peer = kp_config_find_peer(kp->config, remote);
	if (!peer)
	{
		kp_http_send_error(req, 400, "unknown remote system '%s'", remote);
	}
	return peer;
}

static void get_capabilities(kp_t *kp, struct evhttp_request *req)
{
	json_object *obj, *remotes;
	size_t i;

	remotes = json_object_new_array();
	for (i = 0; i < kp->config->peer_count; i++)
	{
		json_object_array_add(remotes,
				json_object_new_string(kp->config->peers[i].system_id));
	}
	obj = json_object_new_object();
	json_object_object_add(obj, "entropy", json_object_new_boolean(1));
	json_object_object_add(obj, "key", json_object_new_boolean(1));
	json_object_object_add(obj, "algorithm",
						   json_object_new_string(kp->config->algorithm));
	json_object_object_add(obj, "localSystemID",
						   json_object_new_string(kp->config->system_id));
	json_object_object_add(obj, "remoteSystemID", remotes);
	kp_http_send_json(req, 200, obj);
}

static void connection_closed(struct evhttp_connection *conn, void *arg)
{
	pending_key_t *pending = arg;

	pending->req = NULL;
}

/**
 * The peer KP stored the key (or not): deliver it to the encryptor.
 */
static void key_synced(void *ctx, bool ok, const char *reason)
{
	pending_key_t *pending = ctx;
	struct evhttp_request *req = pending->req;

	if (req)
	{
		evhttp_connection_set_closecb(evhttp_request_get_connection(req),
									  NULL, NULL);
	}
	if (!ok)
	{
		kp_log(KP_LOG_ERROR, "key for '%s' not synchronized: %s",
			   pending->remote, reason);
		if (req)
		{
			kp_http_send_error(req, 500, "key synchronization failed: %s",
							   reason);
		}
	}
	else if (!req)
	{
		kp_log(KP_LOG_INFO, "client %s left before key %s was synchronized, "
			   "the peer will expire it", pending->client, pending->key_id);
	}
	else
	{
		kp_http_send_secret(req, 200, kp_http_key_json(pending->key_id,
									pending->key, pending->len));
		kp_log(KP_LOG_INFO, "delivered new key %s (%zu bit) shared with '%s' "
			   "to %s", pending->key_id, pending->len * 8, pending->remote,
			   pending->client);
	}
	pending_destroy(pending);
}

/**
 * GET /key?remoteSystemID=...[&size=...]: make a key, synchronize it with
 * the remote system's KP, then deliver it (and forget it).
 */
static void get_new_key(kp_t *kp, struct evhttp_request *req,
						const char *client)
{
	static const char *const allowed[] = { "remoteSystemID", "size", NULL };
	uint8_t key_id[KEY_ID_BYTES];
	pending_key_t *pending;
	query_t query;
	kp_peer_t *peer;
	unsigned bits;

	query_parse(req, &query, allowed);
	if (!query.valid)
	{
		kp_http_send_error(req, 400, "invalid query");
		goto out;
	}
	peer = find_remote(kp, req, &query);
	if (!peer)
	{
		goto out;
	}
	if (!parse_bits(evhttp_find_header(&query.params, "size"), MIN_KEY_BITS,
					&bits))
	{
		kp_http_send_error(req, 400, "size must be a multiple of 8 from %d "
						   "to %d", MIN_KEY_BITS, MAX_BITS);
		goto out;
	}
	pending = calloc(1, sizeof(*pending));
	if (!pending)
	{
		kp_http_send_error(req, 500, "out of memory");
		goto out;
	}
	pending->len = bits / 8;
	if (RAND_bytes(key_id, sizeof(key_id)) != 1 ||
		RAND_priv_bytes(pending->key, (int)pending->len) != 1)
	{
		pending_destroy(pending);
		kp_http_send_error(req, 500, "random number generator failed");
		goto out;
	}
	skip_hex_encode(key_id, sizeof(key_id), pending->key_id);
	pending->kp = kp;
	pending->req = req;
	snprintf(pending->client, sizeof(pending->client), "%s", client);
	snprintf(pending->remote, sizeof(pending->remote), "%s", peer->system_id);
	evhttp_connection_set_closecb(evhttp_request_get_connection(req),
								  connection_closed, pending);
	kp_sync_push(kp, peer, pending->key_id, pending->key, pending->len,
				 key_synced, pending);
out:
	evhttp_clear_headers(&query.params);
}

/**
 * GET /key/{keyId}?remoteSystemID=...: hand out a key a peer KP made.
 */
static void get_key_by_id(kp_t *kp, struct evhttp_request *req,
						  const char *key_id, const char *client)
{
	static const char *const allowed[] = { "remoteSystemID", NULL };
	uint8_t key[SKIP_KEY_MAX_BYTES];
	query_t query;
	kp_peer_t *peer;
	size_t len;

	query_parse(req, &query, allowed);
	if (!skip_key_id_valid(key_id, strlen(key_id)))
	{
		kp_http_send_error(req, 400, "malformed keyId");
	}
	else if (!query.valid)
	{
		kp_http_send_error(req, 400, "invalid query");
	}
	else if ((peer = find_remote(kp, req, &query)))
	{
		if (kp_store_take(kp->store, peer->system_id, key_id, key, &len))
		{
			kp_http_send_secret(req, 200, kp_http_key_json(key_id, key, len));
			skip_memwipe(key, len);
			kp_log(KP_LOG_INFO, "delivered key %s from '%s' to %s", key_id,
				   peer->system_id, client);
		}
		else
		{
			kp_log(KP_LOG_INFO, "%s asked for unknown key %s from '%s'",
				   client, key_id, peer->system_id);
			kp_http_send_error(req, 400, "key not found");
		}
	}
	evhttp_clear_headers(&query.params);
}

/**
 * GET /entropy[?minentropy=...]
 */
static void get_entropy(kp_t *kp, struct evhttp_request *req)
{
	static const char *const allowed[] = { "minentropy", NULL };
	uint8_t random[MAX_BITS / 8];
	char hex[MAX_BITS / 4 + 1];
	json_object *obj;
	query_t query;
	unsigned bits;
	size_t i;

	query_parse(req, &query, allowed);
	if (!query.valid ||
		!parse_bits(evhttp_find_header(&query.params, "minentropy"), 8, &bits))
	{
		kp_http_send_error(req, 400, "minentropy must be a multiple of 8 from "
						   "8 to %d", MAX_BITS);
	}
	else if (RAND_priv_bytes(random, (int)(bits / 8)) != 1)
	{
		kp_http_send_error(req, 503, "no entropy available");
	}
	else
	{
		skip_hex_encode(random, bits / 8, hex);
		for (i = 0; hex[i]; i++)
		{	/* the draft's example is uppercase */
			hex[i] = (char)(hex[i] >= 'a' ? hex[i] - 'a' + 'A' : hex[i]);
		}
		obj = json_object_new_object();
		json_object_object_add(obj, "randomStr", json_object_new_string(hex));
		json_object_object_add(obj, "minentropy", json_object_new_int((int)bits));
		kp_http_send_secret(req, 200, obj);
		skip_memwipe(random, sizeof(random));
		skip_memwipe(hex, sizeof(hex));
	}
	evhttp_clear_headers(&query.params);
}

/**
 * Every request of the SKIP API: route, check method and client.
 */
static void api_request(struct evhttp_request *req, void *arg)
{
	kp_t *kp = arg;
	const char *path;
	char client[300];

	path = evhttp_uri_get_path(evhttp_request_get_evhttp_uri(req));
	if (!path)
	{
		path = "";
	}
	if (strcmp(path, "/capabilities") != 0 && strcmp(path, "/key") != 0 &&
		strncmp(path, "/key/", 5) != 0 && strcmp(path, "/entropy") != 0)
	{
		kp_http_send_error(req, 404, "unknown path");
		return;
	}
	if (evhttp_request_get_command(req) != EVHTTP_REQ_GET)
	{
		kp_http_send_error(req, 405, "only GET is supported");
		return;
	}
	if (!kp_http_client(req, client, sizeof(client)))
	{
		kp_log(KP_LOG_INFO, "refused request from an unauthenticated client");
		kp_http_send_error(req, 403, "client not authenticated");
		return;
	}
	kp_log(KP_LOG_DEBUG, "%s: GET %s", client, evhttp_request_get_uri(req));
	if (strcmp(path, "/capabilities") == 0)
	{
		get_capabilities(kp, req);
	}
	else if (strcmp(path, "/key") == 0)
	{
		get_new_key(kp, req, client);
	}
	else if (strcmp(path, "/entropy") == 0)
	{
		get_entropy(kp, req);
	}
	else
	{
		get_key_by_id(kp, req, path + 5, client);
	}
}

/**
 * Encryptors authenticating with a PSK.
 */
static const skip_psk_t *client_psk(void *ctx, const char *identity)
{
	kp_config_t *config = ctx;
	size_t i;

	for (i = 0; i < config->client_count; i++)
	{
		if (strcmp(config->clients[i].psk.identity, identity) == 0)
		{
			return &config->clients[i].psk;
		}
	}
	return NULL;
}

bool kp_api_init(kp_t *kp)
{
	kp_config_t *config = kp->config;

	kp->api_tls = (kp_tls_server_t){
		.cert_file = config->cert_file,
		.key_file = config->key_file,
		.ca_file = config->ca_file,
		.tls12 = config->tls12,
		.lookup = config->client_count ? client_psk : NULL,
		.lookup_ctx = config,
	};
	kp->api_ctx = kp_tls_server_create(&kp->api_tls);
	if (!kp->api_ctx)
	{
		return false;
	}
	kp->api_http = kp_http_listen(kp->base, kp->api_ctx, config->listen_host,
								  config->listen_port);
	if (!kp->api_http)
	{
		return false;
	}
	evhttp_set_gencb(kp->api_http, api_request, kp);
	kp_log(KP_LOG_INFO, "SKIP API of '%s' on %s:%u (%s%s%s)", config->system_id,
		   config->listen_host, config->listen_port,
		   config->client_count ? "PSK" : "",
		   config->client_count && config->ca_file ? " and " : "",
		   config->ca_file ? "certificate clients" : " clients");
	return true;
}

void kp_api_deinit(kp_t *kp)
{
	if (kp->api_http)
	{
		evhttp_free(kp->api_http);
	}
	if (kp->api_ctx)
	{
		SSL_CTX_free(kp->api_ctx);
	}
}
