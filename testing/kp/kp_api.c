/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "kp_api.h"
#include "kp_request.h"
#include "kp_authz.h"
#include "kp_etsi.h"
#include "kp_etsi_json.h"
#include "kp_http.h"
#include "kp_log.h"
#include "kp_made.h"
#include "kp_pool.h"
#include "kp_sync_later.h"
#include "kp_sync_mode.h"

#include <skip_key.h>
#include <skip_validate.h>

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/keyvalq_struct.h>
#include <openssl/rand.h>

/** largest request body (the test control endpoint, ETSI 014 POSTs) */
#define API_BODY_MAX KP_ETSI_BODY_MAX
/** largest body of the test control endpoint */
#define FAULTS_BODY_MAX 1024
/** path of the fault injection endpoint (test mode only) */
#define TEST_FAULTS_PATH "/test/faults"
/** length of a client name */
#define CLIENT_MAX 300

/**
 * A GET /key waiting for the peer KP to store the new key.
 */
typedef struct {
	kp_t *kp;
	/** NULL once the encryptor's connection closed */
	struct evhttp_request *req;
	char client[CLIENT_MAX];
	char remote[SKIP_SYSTEM_ID_MAX + 1];
	/** keyId, key and its length */
	kp_sync_new_t new;
	bool wrong_key;
} pending_key_t;

static void pending_destroy(pending_key_t *pending)
{
	skip_memwipe(pending, sizeof(*pending));
	free(pending);
}

/**
 * The peer entry covering the remote system of a key request, if the client
 * may share keys with it. Answers 400 if not.
 */
static kp_peer_t *find_remote(kp_t *kp, struct evhttp_request *req,
							  const char *remote, const char *client)
{
	kp_peer_t *peer;

	peer = kp_config_find_peer(kp->config, remote);
	if (peer && peer->glob && strpbrk(remote, "*?[]\\"))
	{	/* a glob entry covers concrete system IDs only */
		kp_http_send_error(req, 400, "invalid remoteSystemID");
		return NULL;
	}
	if (peer && !kp_authz_remote(kp->config, client, remote))
	{	/* not listed in its capabilities either: unknown to this client */
		kp_log(KP_LOG_INFO, "%s may not share keys with '%s'", client, remote);
		peer = NULL;
	}
	if (!peer)
	{
		kp_http_send_error(req, 400, "unknown remote system '%s'", remote);
	}
	return peer;
}

static void get_capabilities(kp_t *kp, struct evhttp_request *req,
							 const char *client)
{
	json_object *obj;

	/* exactly the fields of the draft's Figure 3, in its order */
	obj = json_object_new_object();
	json_object_object_add(obj, "entropy", json_object_new_boolean(1));
	json_object_object_add(obj, "key", json_object_new_boolean(1));
	json_object_object_add(obj, "algorithm",
						   json_object_new_string(kp->config->algorithm));
	json_object_object_add(obj, "localSystemID",
						   json_object_new_string(kp->config->system_id));
	json_object_object_add(obj, "remoteSystemID",
						   kp_authz_remotes(kp->config, client));
	kp_http_send_json(req, 200, obj);
}

static void connection_closed(struct evhttp_connection *conn, void *arg)
{
	pending_key_t *pending = arg;

	pending->req = NULL;
}

/**
 * A test may ask for keys that differ between the two sides.
 */
static void corrupt(uint8_t *key, size_t len)
{
	key[len - 1] ^= 0x01;
}

/**
 * Deliver a key to an encryptor. In test mode the key is also appended to
 * the test key log, so that tests can prove it appears in no other log.
 */
static void deliver(kp_t *kp, struct evhttp_request *req, const char *key_id,
					const uint8_t *key, size_t len)
{
	char hex[2 * SKIP_KEY_MAX_BYTES + 1];
	FILE *file;

	if (kp->config->test_mode && kp->config->test_key_log)
	{
		file = fopen(kp->config->test_key_log, "a");
		if (file)
		{
			skip_hex_encode(key, len, hex);
			fprintf(file, "%s %s\n", key_id, hex);
			fclose(file);
			skip_memwipe(hex, sizeof(hex));
		}
	}
	kp_http_send_secret(req, 200, kp_http_key_json(key_id, key, len));
}

/**
 * The peer KP stored the key (or not): deliver it to the encryptor.
 */
static void key_synced(void *ctx, bool ok, const char *reason, unsigned ttl)
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
		kp_made_forget(pending->kp->made, pending->new.key_id);
		kp_log(KP_LOG_ERROR, "key for '%s' not synchronized: %s",
			   pending->remote, reason);
		if (req)
		{
			kp_http_send_error(req, pending->new.status ?: 500,
							   "key synchronization failed: %s", reason);
		}
	}
	else if (!req)
	{
		kp_log(KP_LOG_INFO, "client %s left before key %s was synchronized, "
			   "the peer will expire it", pending->client, pending->new.key_id);
	}
	else
	{
		if (pending->wrong_key)
		{
			corrupt(pending->new.key, pending->new.len);
		}
		deliver(pending->kp, req, pending->new.key_id, pending->new.key,
				pending->new.len);
		kp_log(KP_LOG_INFO, "delivered new key %s (%zu bit) shared with '%s' "
			   "to %s%s", pending->new.key_id, pending->new.len * 8,
			   pending->remote, pending->client, pending->wrong_key ? " (corrupted: test)" : "");
	}
	pending_destroy(pending);
}

/**
 * Test mode (sync-delay): deliver a new key at once and synchronize it
 * later, as asynchronous KPs do.
 */
static void deliver_then_sync(kp_t *kp, struct evhttp_request *req,
							  const char *client, kp_peer_t *peer,
							  const char *remote, const kp_faults_t *faults,
							  pending_key_t *pending)
{
	if (RAND_priv_bytes(pending->new.key, (int)pending->new.len) != 1 ||
		!kp_sync_later(kp, peer, remote, pending->new.key_id,
					   pending->new.key, pending->new.len,
					   faults->sync_delay_ms))
	{
		kp_made_forget(kp->made, pending->new.key_id);
		kp_http_send_error(req, 500, "out of memory");
		return;
	}
	if (faults->wrong_key)
	{
		corrupt(pending->new.key, pending->new.len);
	}
	deliver(kp, req, pending->new.key_id, pending->new.key, pending->new.len);
	kp_log(KP_LOG_INFO, "delivered new key %s (%zu bit) shared with '%s' to "
		   "%s, synchronized in %u ms (test)%s", pending->new.key_id,
		   pending->new.len * 8, remote, client, faults->sync_delay_ms,
		   faults->wrong_key ? " (corrupted: test)" : "");
}

/**
 * A key shared with our own system ID comes back into our own store: bind
 * it to the encryptor it is made for, so that no other one takes it.
 */
static bool bind_own(kp_t *kp, struct evhttp_request *req, const char *remote,
					 const char *key_id, const char *client)
{
	if (strcmp(remote, kp->config->system_id) == 0 &&
		!kp_made_bind(kp->made, key_id, client, NULL, time(NULL)))
	{
		kp_http_send_error(req, 503, "no key available");
		return false;
	}
	return true;
}

/**
 * GET /key?remoteSystemID=...[&size=...]: make a key, synchronize it with
 * the remote system's KP, then deliver it (and forget it).
 */
static void get_new_key(kp_t *kp, struct evhttp_request *req,
						const char *client, const kp_faults_t *faults,
						const kp_req_t *r)
{
	uint8_t pool_key[KP_POOL_KEY_BYTES];
	char pool_id[KP_POOL_KEY_ID_HEX + 1];
	const char *remote = r->remote;
	pending_key_t *pending;
	unsigned bits = r->bits;
	kp_peer_t *peer;

	peer = find_remote(kp, req, remote, client);
	if (!peer)
	{
		return;
	}
	if (faults->empty)
	{
		kp_http_send_error(req, 503, "no key available");
		return;
	}
	if (bits == KP_POOL_KEY_BYTES * 8 && !faults->sync_delay_ms &&
		kp_pool_take(kp, peer, pool_id, pool_key))
	{
		if (!bind_own(kp, req, remote, pool_id, client))
		{	/* the peer's copy expires */
			skip_memwipe(pool_key, sizeof(pool_key));
			return;
		}
		if (faults->wrong_key)
		{
			corrupt(pool_key, sizeof(pool_key));
		}
		deliver(kp, req, pool_id, pool_key, sizeof(pool_key));
		skip_memwipe(pool_key, sizeof(pool_key));
		kp_log(KP_LOG_INFO, "delivered new key %s (%zu bit) shared with '%s' "
			   "to %s (pre-synchronized)%s", pool_id, sizeof(pool_key) * 8,
			   remote, client, faults->wrong_key ? " (corrupted: test)" : "");
		return;
	}
	pending = calloc(1, sizeof(*pending));
	if (!pending)
	{
		kp_http_send_error(req, 500, "out of memory");
		return;
	}
	pending->new.len = bits / 8;
	if (!kp_sync_new_key_id(pending->new.key_id))
	{
		pending_destroy(pending);
		kp_http_send_error(req, 500, "random number generator failed");
		return;
	}
	if (!bind_own(kp, req, remote, pending->new.key_id, client))
	{
		pending_destroy(pending);
		return;
	}
	if (faults->sync_delay_ms)
	{
		deliver_then_sync(kp, req, client, peer, remote, faults, pending);
		pending_destroy(pending);
		return;
	}
	pending->kp = kp;
	pending->req = req;
	pending->wrong_key = faults->wrong_key;
	snprintf(pending->client, sizeof(pending->client), "%s", client);
	snprintf(pending->remote, sizeof(pending->remote), "%s", remote);
	evhttp_connection_set_closecb(evhttp_request_get_connection(req),
								  connection_closed, pending);
	kp_sync_make(kp, peer, remote, &pending->new, key_synced, pending);
}

/**
 * A key taken from the store, handed out once its wipe is on disk.
 */
typedef struct {
	kp_t *kp;
	/** NULL once the encryptor's connection closed */
	struct evhttp_request *req;
	char client[CLIENT_MAX];
	char remote[SKIP_SYSTEM_ID_MAX + 1];
	char issued[SKIP_KEY_ID_MAX_HEX + 1];
	uint8_t key[SKIP_KEY_MAX_BYTES];
	size_t len;
	bool wrong_key;
} taken_key_t;

static void taken_closed(struct evhttp_connection *conn, void *arg)
{
	taken_key_t *taken = arg;

	taken->req = NULL;
}

/**
 * The group commit with the key's wipe ran: hand it out, or not at all.
 */
static void taken_synced(void *ctx, bool ok)
{
	taken_key_t *taken = ctx;
	struct evhttp_request *req = taken->req;

	if (req)
	{
		evhttp_connection_set_closecb(evhttp_request_get_connection(req),
									  NULL, NULL);
	}
	if (!ok)
	{
		kp_log(KP_LOG_ERROR, "cannot wipe key %s from '%s' in the store, "
			   "not delivered", taken->issued, taken->remote);
		if (req)
		{
			kp_http_send_error(req, 500, "cannot read or zeroize the key");
		}
	}
	else if (!req)
	{
		kp_log(KP_LOG_INFO, "client %s left before key %s from '%s' was "
			   "wiped on disk, it is gone", taken->client, taken->issued,
			   taken->remote);
	}
	else
	{
		if (taken->wrong_key)
		{
			corrupt(taken->key, taken->len);
		}
		deliver(taken->kp, req, taken->issued, taken->key, taken->len);
		kp_log(KP_LOG_INFO, "delivered key %s from '%s' to %s%s",
			   taken->issued, taken->remote, taken->client,
			   taken->wrong_key ? " (corrupted: test)" : "");
	}
	skip_memwipe(taken, sizeof(*taken));
	free(taken);
}

/**
 * A GET /key/{keyId} waiting for its key to be fetched (kp_sync_pull()).
 */
typedef struct {
	kp_t *kp;
	/** NULL once the encryptor's connection closed */
	struct evhttp_request *req;
	char client[CLIENT_MAX];
	kp_req_t r;
	bool wrong_key;
} pulling_t;

/**
 * Hand out a stored key. Returns false, answering nothing, if it is not
 * stored and missing is false.
 */
static bool take_stored(kp_t *kp, struct evhttp_request *req,
						const char *client, bool wrong_key, const kp_req_t *r,
						bool missing)
{
	const char *key_id = r->key_id, *remote = r->remote;
	taken_key_t *taken;

	/* bound keys: made for one of our encryptors, or by an ETSI 014 SAE */
	if (!kp_made_allows(kp->made, key_id, client, time(NULL)))
	{
		kp_log(KP_LOG_INFO, "%s may not take key %s, made for another "
			   "encryptor", client, key_id);
		kp_http_send_error(req, 400, "key not found");
		return true;
	}
	taken = calloc(1, sizeof(*taken));
	if (!taken)
	{
		kp_http_send_error(req, 500, "out of memory");
		return true;
	}
	switch (kp_store_take(kp->store, remote, key_id, taken->key, &taken->len,
						  taken->issued))
	{
		case KP_STORE_OK:
			kp_made_forget(kp->made, key_id);
			taken->kp = kp;
			taken->req = req;
			taken->wrong_key = wrong_key;
			snprintf(taken->client, sizeof(taken->client), "%s", client);
			snprintf(taken->remote, sizeof(taken->remote), "%s", remote);
			evhttp_connection_set_closecb(evhttp_request_get_connection(req),
										  taken_closed, taken);
			kp_store_synced(kp->store, taken_synced, taken);
			return true;
		case KP_STORE_IO:
			kp_log(KP_LOG_ERROR, "cannot wipe key %s from '%s' in the "
				   "store, not delivered", key_id, remote);
			kp_http_send_error(req, 500, "cannot read or zeroize the "
							   "key");
			break;
		default:
			if (!missing)
			{
				free(taken);
				return false;
			}
			kp_log(KP_LOG_INFO, "%s asked for unknown key %s from '%s'",
				   client, key_id, remote);
			kp_http_send_error(req, 400, "key not found");
			break;
	}
	skip_memwipe(taken, sizeof(*taken));
	free(taken);
	return true;
}

static void pulling_closed(struct evhttp_connection *conn, void *arg)
{
	pulling_t *pulling = arg;

	pulling->req = NULL;
}

/**
 * The key was fetched into the store (or not): hand it out.
 */
static void key_pulled(void *ctx, kp_pull_result_t result, const char *reason)
{
	pulling_t *pulling = ctx;
	struct evhttp_request *req = pulling->req;

	if (req)
	{
		evhttp_connection_set_closecb(evhttp_request_get_connection(req),
									  NULL, NULL);
	}
	if (!req)
	{
		kp_log(KP_LOG_INFO, "client %s left before key %s was fetched%s",
			   pulling->client, pulling->r.key_id, result == KP_PULL_OK ?
			   ", it waits in the store" : "");
	}
	else if (result == KP_PULL_FAILED)
	{
		kp_log(KP_LOG_ERROR, "key %s from '%s' not available: %s",
			   pulling->r.key_id, pulling->r.remote, reason);
		kp_http_send_error(req, 503, "key not available: %s", reason);
	}
	else
	{
		take_stored(pulling->kp, req, pulling->client, pulling->wrong_key,
					&pulling->r, true);
	}
	free(pulling);
}

/**
 * GET /key/{keyId}?remoteSystemID=...: hand out a key a peer KP made.
 */
static void get_key_by_id(kp_t *kp, struct evhttp_request *req,
						  const char *client, const kp_faults_t *faults,
						  const kp_req_t *r)
{
	pulling_t *pulling;
	kp_peer_t *peer;

	peer = find_remote(kp, req, r->remote, client);
	if (!peer)
	{
		return;
	}
	/* not the encryptor the key is meant for: as if it did not exist, and
	 * it stays for the one it is meant for */
	if (!kp_authz_receive(kp->config, client, r->remote))
	{
		kp_log(KP_LOG_INFO, "%s may not take keys from '%s' (asked for %s)",
			   client, r->remote, r->key_id);
		kp_http_send_error(req, 400, "key not found");
		return;
	}
	if (faults->empty)
	{
		kp_log(KP_LOG_INFO, "%s asked for unknown key %s from '%s'",
			   client, r->key_id, r->remote);
		kp_http_send_error(req, 400, "key not found");
		return;
	}
	if (take_stored(kp, req, client, faults->wrong_key, r, false))
	{
		return;
	}
	/* not stored: the peer's mode may fetch it (DSKE), or say it does not
	 * exist (the direct link pushes every key) */
	pulling = calloc(1, sizeof(*pulling));
	if (!pulling)
	{
		kp_http_send_error(req, 500, "out of memory");
		return;
	}
	*pulling = (pulling_t){
		.kp = kp,
		.req = req,
		.r = *r,
		.wrong_key = faults->wrong_key,
	};
	snprintf(pulling->client, sizeof(pulling->client), "%s", client);
	evhttp_connection_set_closecb(evhttp_request_get_connection(req),
								  pulling_closed, pulling);
	kp_sync_pull(kp, peer, r->key_id, key_pulled, pulling);
}

/**
 * GET /entropy[?minentropy=...]
 */
static void get_entropy(kp_t *kp, struct evhttp_request *req,
						const kp_faults_t *faults, const kp_req_t *r)
{
	uint8_t random[KP_MAX_BITS / 8];
	char hex[KP_MAX_BITS / 4 + 1];
	unsigned bits = r->bits;
	json_object *obj;
	size_t i;

	if (faults->empty || RAND_priv_bytes(random, (int)(bits / 8)) != 1)
	{
		kp_http_send_error(req, 503, "no entropy available");
	}
	else
	{
		skip_hex_encode(random, bits / 8, hex);
		for (i = 0; hex[i]; i++)
		{	/* the draft's example is uppercase */
			hex[i] = (char)toupper((unsigned char)hex[i]);
		}
		obj = json_object_new_object();
		json_object_object_add(obj, "randomStr", json_object_new_string(hex));
		json_object_object_add(obj, "minentropy", json_object_new_int((int)bits));
		kp_http_send_secret(req, 200, obj);
		skip_memwipe(random, sizeof(random));
		skip_memwipe(hex, sizeof(hex));
	}
}

/**
 * POST /test/faults (test mode only): replace the injected faults.
 */
static void set_faults(kp_t *kp, struct evhttp_request *req,
					   const char *client)
{
	char err[128], *body;
	kp_faults_t faults;
	json_object *obj;
	size_t len;

	body = kp_http_take_body(req, FAULTS_BODY_MAX, &len);
	if (!body)
	{
		kp_http_send_error(req, 413, "body too large");
		return;
	}
	if (strlen(body) != len || !kp_faults_parse(body, &faults, err,
												sizeof(err)))
	{
		kp_http_send_error(req, 400, "%s", strlen(body) != len ? "NUL in body"
																 : err);
		free(body);
		return;
	}
	kp->faults = faults;
	kp_store_set_failing(kp->store, faults.store_error);
	if (faults.dir_sync_error)
	{
		kp_store_fail_dir_sync(kp->store);
	}
	if (faults.commit_error)
	{
		kp_store_fail_commit(kp->store);
	}
	kp_log(KP_LOG_ERROR, "test: %s set faults '%s'", client, body);
	obj = json_object_new_object();
	json_object_object_add(obj, "faults", json_object_new_string(body));
	kp_http_send_json(req, 200, obj);
	free(body);
}

/**
 * A request that passed routing and authentication, with the faults that
 * apply to it.
 */
typedef struct request_t request_t;

struct request_t {
	kp_t *kp;
	struct evhttp_request *req;
	char client[CLIENT_MAX];
	/** an ETSI 014 request (kp_etsi.c) */
	bool etsi;
	kp_faults_t faults;
	/** held back by an injected latency: the timer and the list of those
	 *  requests in kp->delayed */
	struct event *timer;
	request_t *prev, *next;
};

static void dispatch(request_t *r)
{
	struct evhttp_request *req = r->req;
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	kp_req_t parsed;

	if (r->faults.drop)
	{
		kp_log(KP_LOG_INFO, "test: dropping the connection of %s", r->client);
		kp_http_drop(req);
		return;
	}
	if (r->faults.status)
	{
		kp_http_send_error(req, r->faults.status, "injected fault");
		return;
	}
	if (r->etsi)
	{
		kp_etsi_dispatch(r->kp, req, r->client, &r->faults);
		return;
	}
	kp_request_parse(evhttp_uri_get_path(uri), evhttp_uri_get_query(uri),
					 &parsed);
	if (parsed.error)
	{
		kp_http_send_error(req, 400, "%s", parsed.error);
		return;
	}
	switch (parsed.route)
	{
		case KP_REQ_CAPABILITIES:
			get_capabilities(r->kp, req, r->client);
			break;
		case KP_REQ_KEY:
			get_new_key(r->kp, req, r->client, &r->faults, &parsed);
			break;
		case KP_REQ_KEY_BY_ID:
			get_key_by_id(r->kp, req, r->client, &r->faults, &parsed);
			break;
		case KP_REQ_ENTROPY:
			get_entropy(r->kp, req, &r->faults, &parsed);
			break;
		case KP_REQ_UNKNOWN:
			kp_http_send_error(req, 404, "unknown path");
			break;
	}
}

static void forget_delayed(request_t *r)
{
	if (r->prev)
	{
		r->prev->next = r->next;
	}
	else
	{
		r->kp->delayed = r->next;
	}
	if (r->next)
	{
		r->next->prev = r->prev;
	}
	event_free(r->timer);
	free(r);
}

static void delayed(evutil_socket_t unused, short what, void *arg)
{
	request_t *r = arg;

	dispatch(r);
	forget_delayed(r);
}

/**
 * Every request of the SKIP API: route, check method and client.
 */
static void api_request(struct evhttp_request *req, void *arg)
{
	kp_t *kp = arg;
	request_t r = { .kp = kp, .req = req }, *later;
	enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
	const char *path, *allowed;
	kp_etsi_route_t etsi;
	bool test = false;
	struct timeval tv;

	path = evhttp_uri_get_path(evhttp_request_get_evhttp_uri(req));
	if (!path)
	{
		path = "";
	}
	test = kp->config->test_mode && strcmp(path, TEST_FAULTS_PATH) == 0;
	etsi = kp_etsi_route(path);
	r.etsi = etsi != KP_ETSI_NONE;
	if (!test && !r.etsi && kp_request_route(path) == KP_REQ_UNKNOWN)
	{
		kp_http_send_error(req, 404, "unknown path");
		return;
	}
	if (r.etsi ? !kp_etsi_method_ok(etsi, cmd, &allowed) :
		cmd != (test ? EVHTTP_REQ_POST : EVHTTP_REQ_GET))
	{
		kp_http_send_error(req, 405, "only %s is supported",
						   r.etsi ? allowed : test ? "POST" : "GET");
		return;
	}
	if (!kp_http_client(req, r.client, sizeof(r.client)))
	{
		kp_log(KP_LOG_INFO, "refused request from an unauthenticated client");
		if (r.etsi)
		{	/* ETSI 014 knows 401 only */
			kp_etsi_send_error(req, 401, "unauthorized");
			return;
		}
		kp_http_send_error(req, 403, "client not authenticated");
		return;
	}
	kp_log(KP_LOG_DEBUG, "%s: %s %s", r.client,
		   cmd == EVHTTP_REQ_POST ? "POST" : "GET",
		   evhttp_request_get_uri(req));
	kp_http_begin(req);
	if (test)
	{
		set_faults(kp, req, r.client);
		return;
	}
	if (!kp_faults_match(&kp->faults, path, &r.faults))
	{
		dispatch(&r);
		return;
	}
	if (!r.faults.latency_ms)
	{
		dispatch(&r);
		return;
	}
	/* the request stays valid until answered: evhttp reads nothing more
	 * from the connection meanwhile */
	later = malloc(sizeof(*later));
	if (later)
	{
		*later = r;
		later->timer = evtimer_new(kp->base, delayed, later);
	}
	if (!later || !later->timer)
	{
		free(later);
		kp_http_send_error(req, 500, "out of memory");
		return;
	}
	later->prev = NULL;
	later->next = kp->delayed;
	if (later->next)
	{
		later->next->prev = later;
	}
	kp->delayed = later;
	tv.tv_sec = r.faults.latency_ms / 1000;
	tv.tv_usec = (r.faults.latency_ms % 1000) * 1000;
	evtimer_add(later->timer, &tv);
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

static const char *version_name(int version)
{
	return version == TLS1_2_VERSION ? "1.2" : "1.3";
}

bool kp_api_init(kp_t *kp)
{
	kp_config_t *config = kp->config;
	kp_http_limits_t limits = {
		.max_connections = config->max_connections,
		.timeout_s = config->request_timeout,
		.max_body = API_BODY_MAX,
	};
	char err[128];
	size_t i;

	/* a binding outlives the key it binds: the store keeps it at most the
	 * TTL (and a second), a test may synchronize it a minute late */
	kp->made = kp_made_create(config->key_ttl + 2 +
							  KP_FAULT_DELAY_MAX_MS / 1000);
	if (!kp->made)
	{
		return false;
	}
	if (config->test_faults)
	{
		if (!kp_faults_parse(config->test_faults, &kp->faults, err,
							 sizeof(err)))
		{
			kp_log(KP_LOG_ERROR, "--test-faults: %s", err);
			return false;
		}
		kp_store_set_failing(kp->store, kp->faults.store_error);
		if (kp->faults.dir_sync_error)
		{
			kp_store_fail_dir_sync(kp->store);
		}
		if (kp->faults.commit_error)
		{
			kp_store_fail_commit(kp->store);
		}
	}
	for (i = 0; i < config->peer_count; i++)
	{
		if (!config->peers[i].receiver_count &&
			config->client_count + (config->ca_file != NULL) > 1)
		{
			kp_log(KP_LOG_INFO, "keys from '%s' go to every encryptor that "
				   "may use it: name the ones they are for in its --peer",
				   config->peers[i].system_id);
		}
	}
	if (config->test_mode)
	{
		kp_log(KP_LOG_ERROR, "TEST MODE: fault injection enabled (%s), never "
			   "use this in production", config->test_faults ?: "none yet");
	}
	kp->api_tls = (kp_tls_server_t){
		.certs = config->certs,
		.cert_count = config->cert_count,
		.ca_file = config->ca_file,
		.tls_min = config->tls_min,
		.tls_max = config->tls_max,
		.tls12_ciphers = config->tls12_ciphers,
		.lookup = config->client_count ? client_psk : NULL,
		.lookup_ctx = config,
	};
	kp->api_ctx = kp_tls_server_create(&kp->api_tls);
	if (!kp->api_ctx)
	{
		return false;
	}
	kp->api_http = kp_http_server_create(kp->base, kp->api_ctx,
										 config->listen_host,
										 config->listen_port, &limits,
										 api_request, kp);
	if (!kp->api_http)
	{
		return false;
	}
	kp_log(KP_LOG_INFO, "SKIP API of '%s' on %s:%u (%s%s%s, TLS %s%s%s)",
		   config->system_id, config->listen_host, config->listen_port,
		   config->client_count ? "PSK" : "",
		   config->client_count && config->ca_file ? " and " : "",
		   config->ca_file ? "certificate clients" : " clients",
		   version_name(config->tls_min),
		   config->tls_min != config->tls_max ? "-" : "",
		   config->tls_min != config->tls_max ?
				version_name(config->tls_max) : "");
	if (config->sae_count)
	{
		kp_log(KP_LOG_INFO, "ETSI GS QKD 014 API for %zu SAE(s)%s",
			   config->sae_count, config->ca_file ? "" :
			   ", but no --ca: no SAE can authenticate");
	}
	return true;
}

void kp_api_deinit(kp_t *kp)
{
	/* requests still held back when the KP stops are not answered */
	while (kp->delayed)
	{
		forget_delayed(kp->delayed);
	}
	kp_sync_later_deinit(kp);
	kp_made_destroy(kp->made);
	kp->made = NULL;
	kp_http_server_destroy(kp->api_http);
	kp->api_http = NULL;
	if (kp->api_ctx)
	{
		SSL_CTX_free(kp->api_ctx);
		kp->api_ctx = NULL;
	}
}
