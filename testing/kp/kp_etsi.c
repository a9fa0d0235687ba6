/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "kp_etsi.h"
#include "kp_etsi_json.h"
#include "kp_authz.h"
#include "kp_log.h"
#include "kp_made.h"
#include "kp_request.h"
#include "kp_sae.h"
#include "kp_sync_mode.h"

#include <skip_json.h>
#include <skip_key.h>
#include <skip_validate.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/rand.h>

/** prefix of every path of the API */
#define ETSI_PREFIX "/api/v1/keys/"
/** most keys per request, as kp_config.c allows */
#define ETSI_KEYS_MAX 64
/** client names bound to keys for an SAE: "sae:" SAE ID */
#define SAE_CLIENT_MAX (KP_SAE_ID_MAX + 5)

/**
 * A key of an enc_keys request on its way to the peer KP.
 */
typedef kp_sync_new_t new_key_t;

/**
 * An enc_keys request waiting for the peer KP to store its keys.
 */
typedef struct {
	kp_t *kp;
	/** NULL once the SAE's connection closed */
	struct evhttp_request *req;
	char master[KP_SAE_ID_MAX + 1];
	char slave[KP_SAE_ID_MAX + 1];
	/** pushes not answered yet, and whether one failed */
	unsigned waiting;
	bool failed;
	bool wrong_key;
	size_t len;
	unsigned count;
	new_key_t keys[];
} batch_t;

kp_etsi_route_t kp_etsi_route(const char *path)
{
	const char *slash;

	if (strncmp(path, ETSI_PREFIX, strlen(ETSI_PREFIX)) != 0)
	{
		return KP_ETSI_NONE;
	}
	path += strlen(ETSI_PREFIX);
	slash = strchr(path, '/');
	if (!slash || slash == path)
	{
		return KP_ETSI_NONE;
	}
	if (strcmp(slash, "/status") == 0)
	{
		return KP_ETSI_STATUS;
	}
	if (strcmp(slash, "/enc_keys") == 0)
	{
		return KP_ETSI_ENC_KEYS;
	}
	if (strcmp(slash, "/dec_keys") == 0)
	{
		return KP_ETSI_DEC_KEYS;
	}
	return KP_ETSI_NONE;
}

bool kp_etsi_method_ok(kp_etsi_route_t route, enum evhttp_cmd_type cmd,
					   const char **allowed)
{
	if (route == KP_ETSI_STATUS)
	{
		*allowed = "GET";
		return cmd == EVHTTP_REQ_GET;
	}
	*allowed = "GET and POST";
	return cmd == EVHTTP_REQ_GET || cmd == EVHTTP_REQ_POST;
}

void kp_etsi_send_error(struct evhttp_request *req, int code,
						const char *message)
{
	kp_http_send_json(req, code, kp_etsi_error_json(message));
}

/**
 * The SAE a path names ({slave_SAE_ID} or {master_SAE_ID}), if configured.
 */
static kp_sae_t *path_sae(kp_t *kp, const char *path)
{
	const char *start = path + strlen(ETSI_PREFIX);
	char *segment, *id;
	kp_sae_t *sae = NULL;
	size_t len;

	segment = strndup(start, strchr(start, '/') - start);
	id = segment ? evhttp_uridecode(segment, 0, &len) : NULL;
	if (id && kp_sae_id_valid(id, len))
	{
		sae = kp_config_find_sae(kp->config, id);
	}
	free(id);
	free(segment);
	return sae;
}

/**
 * The body of a POST (NULL for GET, or if empty). Answers 413 if too large.
 */
static bool take_body(struct evhttp_request *req, char **body, size_t *len)
{
	*body = NULL;
	*len = 0;
	if (evhttp_request_get_command(req) != EVHTTP_REQ_POST)
	{
		return true;
	}
	*body = kp_http_take_body(req, KP_ETSI_BODY_MAX, len);
	if (!*body)
	{
		kp_etsi_send_error(req, 413, "request body too large");
		return false;
	}
	return true;
}

static void free_body(char *body, size_t len)
{
	if (body)
	{
		skip_memwipe(body, len);
		free(body);
	}
}

static const char *query_of(struct evhttp_request *req)
{
	return evhttp_uri_get_query(evhttp_request_get_evhttp_uri(req));
}

static kp_etsi_limits_t limits_of(kp_config_t *config)
{
	return (kp_etsi_limits_t){
		.key_size = config->etsi_key_size,
		.min_size = config->etsi_min_key_size,
		.max_size = config->etsi_max_key_size,
		.max_keys = config->etsi_max_keys,
	};
}

/**
 * GET status: what enc_keys for this slave SAE would do.
 */
static void get_status(kp_t *kp, struct evhttp_request *req,
					   kp_sae_t *caller, kp_sae_t *slave)
{
	kp_config_t *config = kp->config;
	json_object *obj;

	obj = json_object_new_object();
	json_object_object_add(obj, "source_KME_ID",
						   json_object_new_string(config->system_id));
	json_object_object_add(obj, "target_KME_ID",
						   json_object_new_string(slave->system_id));
	json_object_object_add(obj, "master_SAE_ID",
						   json_object_new_string(caller->id));
	json_object_object_add(obj, "slave_SAE_ID",
						   json_object_new_string(slave->id));
	json_object_object_add(obj, "key_size",
						   json_object_new_int((int)config->etsi_key_size));
	json_object_object_add(obj, "stored_key_count",
				json_object_new_int64((int64_t)kp_store_count(kp->store)));
	json_object_object_add(obj, "max_key_count",
						   json_object_new_int(KP_STORE_MAX));
	json_object_object_add(obj, "max_key_per_request",
						   json_object_new_int((int)config->etsi_max_keys));
	json_object_object_add(obj, "max_key_size",
					json_object_new_int((int)config->etsi_max_key_size));
	json_object_object_add(obj, "min_key_size",
					json_object_new_int((int)config->etsi_min_key_size));
	json_object_object_add(obj, "max_SAE_ID_count", json_object_new_int(0));
	kp_http_send_json(req, 200, obj);
}

static void batch_destroy(batch_t *batch)
{
	skip_memwipe(batch->keys, batch->count * sizeof(new_key_t));
	free(batch);
}

static void batch_closed(struct evhttp_connection *conn, void *arg)
{
	batch_t *batch = arg;

	batch->req = NULL;
}

/**
 * Every key of an enc_keys request is stored by the peer KP (or not):
 * answer with the key container.
 */
static void batch_done(batch_t *batch)
{
	struct evhttp_request *req = batch->req;
	json_object *obj, *keys;
	char uuid[KP_ETSI_UUID_LEN + 1];
	unsigned i;

	if (req)
	{
		evhttp_connection_set_closecb(evhttp_request_get_connection(req),
									  NULL, NULL);
	}
	if (batch->failed)
	{
		kp_log(KP_LOG_ERROR, "keys of %s for SAE %s not synchronized",
			   batch->master, batch->slave);
		if (req)
		{
			kp_etsi_send_error(req, 503, "key synchronization failed");
		}
	}
	else if (!req)
	{
		kp_log(KP_LOG_INFO, "SAE %s left before its %u key(s) were "
			   "synchronized, the peer will expire them", batch->master,
			   batch->count);
	}
	else
	{
		keys = json_object_new_array();
		for (i = 0; i < batch->count; i++)
		{
			if (batch->wrong_key)
			{
				batch->keys[i].key[batch->len - 1] ^= 0x01;
			}
			kp_etsi_uuid(batch->keys[i].key_id, uuid);
			json_object_array_add(keys, kp_etsi_key_json(uuid,
											batch->keys[i].key, batch->len));
			kp_log(KP_LOG_INFO, "delivered new key %s (%zu bit) for SAE %s "
				   "to SAE %s%s", uuid, batch->len * 8, batch->slave,
				   batch->master, batch->wrong_key ? " (corrupted: test)" : "");
		}
		obj = json_object_new_object();
		json_object_object_add(obj, "keys", keys);
		kp_http_send_secret(req, 200, obj);
	}
	batch_destroy(batch);
}

static void key_synced(void *ctx, bool ok, const char *reason, unsigned ttl)
{
	batch_t *batch = ctx;

	if (!ok)
	{
		kp_log(KP_LOG_ERROR, "key for SAE %s not synchronized: %s",
			   batch->slave, reason);
		batch->failed = true;
	}
	if (--batch->waiting == 0)
	{
		batch_done(batch);
	}
}

/**
 * The peer entry of the KP a slave SAE sits behind, if the caller may use
 * it. Answers if not.
 */
static kp_peer_t *slave_peer(kp_t *kp, struct evhttp_request *req,
							 const char *client, kp_sae_t *slave)
{
	kp_peer_t *peer = kp_config_find_peer(kp->config, slave->system_id);

	if (!peer)
	{
		kp_log(KP_LOG_ERROR, "no --peer covers '%s' of SAE %s",
			   slave->system_id, slave->id);
		kp_etsi_send_error(req, 400, "slave_SAE_ID not reachable");
		return NULL;
	}
	if (!kp_authz_remote(kp->config, client, slave->system_id))
	{
		kp_log(KP_LOG_INFO, "%s may not share keys with '%s' (SAE %s)",
			   client, slave->system_id, slave->id);
		kp_http_send_json(req, 401, kp_etsi_error_json("unauthorized"));
		return NULL;
	}
	return peer;
}

/**
 * GET|POST enc_keys: make keys, synchronize them with the slave SAE's KP,
 * then deliver them (and forget them).
 */
static void enc_keys(kp_t *kp, struct evhttp_request *req, const char *client,
					 const kp_faults_t *faults, kp_sae_t *caller,
					 kp_sae_t *slave)
{
	kp_etsi_limits_t limits = limits_of(kp->config);
	kp_etsi_key_req_t kr;
	const char *err;
	kp_peer_t *peer;
	batch_t *batch;
	size_t len;
	char *body;
	unsigned i;

	if (!take_body(req, &body, &len))
	{
		return;
	}
	err = kp_etsi_parse_key_request(body, len, query_of(req), &limits, &kr);
	free_body(body, len);
	if (err)
	{
		kp_etsi_send_error(req, 400, err);
		return;
	}
	peer = slave_peer(kp, req, client, slave);
	if (!peer)
	{
		return;
	}
	if (faults->empty)
	{
		kp_etsi_send_error(req, 503, "no key available");
		return;
	}
	batch = calloc(1, sizeof(*batch) + kr.number * sizeof(new_key_t));
	if (!batch)
	{
		kp_etsi_send_error(req, 503, "out of memory");
		return;
	}
	*batch = (batch_t){
		.kp = kp,
		.req = req,
		.len = kr.size / 8,
		.count = kr.number,
		.wrong_key = faults->wrong_key,
	};
	strcpy(batch->master, caller->id);
	strcpy(batch->slave, slave->id);
	for (i = 0; i < kr.number; i++)
	{
		if (!kp_sync_new_key_id(batch->keys[i].key_id))
		{
			batch_destroy(batch);
			kp_etsi_send_error(req, 503, "random number generator failed");
			return;
		}
		batch->keys[i].len = batch->len;
		strcpy(batch->keys[i].master, caller->id);
		strcpy(batch->keys[i].slave, slave->id);
	}
	evhttp_connection_set_closecb(evhttp_request_get_connection(req),
								  batch_closed, batch);
	/* one more than pushed: a push that fails at once must not finish the
	 * batch before every key is on its way */
	batch->waiting = kr.number + 1;
	for (i = 0; i < kr.number; i++)
	{
		kp_sync_make(kp, peer, slave->system_id, &batch->keys[i], key_synced,
					 batch);
	}
	key_synced(batch, true, NULL, 0);
}

/**
 * Whether the caller may take a key by keyId: it must be bound to the
 * caller as slave SAE, made by the master the path names. Answers if not.
 */
static bool may_take(kp_t *kp, struct evhttp_request *req, const char *sae,
					 kp_sae_t *master, const char *key_id)
{
	const char *bound, *made_by;
	char client[SAE_CLIENT_MAX];

	if (!kp_made_find(kp->made, key_id, time(NULL), &bound, &made_by) ||
		!made_by)
	{
		kp_log(KP_LOG_INFO, "SAE %s asked for unknown key %s from SAE %s",
			   sae, key_id, master->id);
		kp_etsi_send_error(req, 400, KP_ETSI_ERR_NOT_FOUND);
		return false;
	}
	snprintf(client, sizeof(client), "sae:%s", sae);
	if (strcmp(bound, client) != 0)
	{
		kp_log(KP_LOG_INFO, "SAE %s may not take key %s, made for %s", sae,
			   key_id, bound);
		kp_http_send_json(req, 401, kp_etsi_error_json("unauthorized"));
		return false;
	}
	if (strcmp(made_by, master->id) != 0)
	{
		kp_log(KP_LOG_INFO, "SAE %s asked for key %s from SAE %s, made by "
			   "SAE %s", sae, key_id, master->id, made_by);
		kp_etsi_send_error(req, 400, KP_ETSI_ERR_NOT_FOUND);
		return false;
	}
	return true;
}

/**
 * Take the keys of a dec_keys request from the store into a container.
 * Answers on failure (keys taken before it are gone).
 */
static json_object *take_keys(kp_t *kp, struct evhttp_request *req,
							  const kp_faults_t *faults, const char *sae,
							  kp_sae_t *master,
							  char ids[][KP_ETSI_KEY_ID_HEX + 1], size_t n)
{
	char uuid[KP_ETSI_UUID_LEN + 1], issued[SKIP_KEY_ID_MAX_HEX + 1];
	uint8_t key[SKIP_KEY_MAX_BYTES];
	json_object *keys = json_object_new_array();
	kp_store_result_t result;
	size_t i, len = 0;

	for (i = 0; i < n; i++)
	{
		result = faults->empty ? KP_STORE_NOT_FOUND
				: kp_store_take(kp->store, master->system_id, ids[i], key,
								&len, issued);
		if (result != KP_STORE_OK)
		{
			kp_log(KP_LOG_ERROR, "key %s from SAE %s for SAE %s %s", ids[i],
				   master->id, sae, result == KP_STORE_IO ?
				   "cannot be wiped in the store, not delivered" :
				   "is not in the store");
			skip_json_put_wiped(keys);
			if (result == KP_STORE_IO)
			{
				kp_etsi_send_error(req, 503, "cannot read or zeroize the key");
			}
			else
			{
				kp_etsi_send_error(req, 400, KP_ETSI_ERR_NOT_FOUND);
			}
			return NULL;
		}
		kp_made_forget(kp->made, ids[i]);
		if (faults->wrong_key)
		{
			key[len - 1] ^= 0x01;
		}
		kp_etsi_uuid(ids[i], uuid);
		json_object_array_add(keys, kp_etsi_key_json(uuid, key, len));
		skip_memwipe(key, len);
		kp_log(KP_LOG_INFO, "delivered key %s from SAE %s to SAE %s%s", uuid,
			   master->id, sae, faults->wrong_key ? " (corrupted: test)" : "");
	}
	return keys;
}

/**
 * A key container taken from the store, answered once the keys' wipes are
 * on disk.
 */
typedef struct {
	/** NULL once the SAE's connection closed */
	struct evhttp_request *req;
	json_object *container;
} taken_keys_t;

static void taken_closed(struct evhttp_connection *conn, void *arg)
{
	taken_keys_t *taken = arg;

	taken->req = NULL;
}

static void taken_synced(void *ctx, bool ok)
{
	taken_keys_t *taken = ctx;
	struct evhttp_request *req = taken->req;

	if (req)
	{
		evhttp_connection_set_closecb(evhttp_request_get_connection(req),
									  NULL, NULL);
	}
	if (!ok)
	{
		kp_log(KP_LOG_ERROR, "cannot wipe the keys of a dec_keys request in "
			   "the store, not delivered");
	}
	if (req && ok)
	{
		kp_http_send_secret(req, 200, taken->container);
	}
	else
	{
		skip_json_put_wiped(taken->container);
		if (req)
		{
			kp_etsi_send_error(req, 503, "cannot read or zeroize the key");
		}
	}
	free(taken);
}

/**
 * Answer with a key container once the wipes of its keys are on disk.
 */
static void answer_once_synced(kp_t *kp, struct evhttp_request *req,
							   json_object *obj)
{
	taken_keys_t *taken;

	taken = malloc(sizeof(*taken));
	if (!taken)
	{
		skip_json_put_wiped(obj);
		kp_etsi_send_error(req, 503, "out of memory");
		return;
	}
	*taken = (taken_keys_t){ .req = req, .container = obj };
	evhttp_connection_set_closecb(evhttp_request_get_connection(req),
								  taken_closed, taken);
	kp_store_synced(kp->store, taken_synced, taken);
}

/**
 * A dec_keys request waiting for keys the store lacks to be fetched
 * (kp_sync_pull()).
 */
typedef struct {
	kp_t *kp;
	/** NULL once the SAE's connection closed */
	struct evhttp_request *req;
	kp_faults_t faults;
	char caller[KP_SAE_ID_MAX + 1];
	kp_sae_t *master;
	char ids[ETSI_KEYS_MAX][KP_ETSI_KEY_ID_HEX + 1];
	size_t n;
	/** pulls not answered yet (one more while they are started) */
	unsigned waiting;
	/** why a pull failed, empty if none did */
	char failed[256];
} fetch_t;

static void fetch_closed(struct evhttp_connection *conn, void *arg)
{
	fetch_t *fetch = arg;

	fetch->req = NULL;
}

/**
 * Every key is in the store or not: check and hand them out.
 */
static void fetch_done(fetch_t *fetch)
{
	struct evhttp_request *req = fetch->req;
	json_object *keys, *obj;
	size_t i;

	if (req)
	{
		evhttp_connection_set_closecb(evhttp_request_get_connection(req),
									  NULL, NULL);
	}
	if (!req)
	{
		kp_log(KP_LOG_INFO, "SAE %s left before its keys were fetched",
			   fetch->caller);
		free(fetch);
		return;
	}
	if (fetch->failed[0])
	{
		kp_etsi_send_error(req, 503, fetch->failed);
		free(fetch);
		return;
	}
	/* all checked before any is taken */
	for (i = 0; i < fetch->n; i++)
	{
		if (!may_take(fetch->kp, req, fetch->caller, fetch->master,
					  fetch->ids[i]))
		{
			free(fetch);
			return;
		}
	}
	keys = take_keys(fetch->kp, req, &fetch->faults, fetch->caller,
					 fetch->master, fetch->ids, fetch->n);
	if (keys)
	{
		obj = json_object_new_object();
		json_object_object_add(obj, "keys", keys);
		answer_once_synced(fetch->kp, req, obj);
	}
	free(fetch);
}

static void key_pulled(void *ctx, kp_pull_result_t result, const char *reason)
{
	fetch_t *fetch = ctx;

	if (result == KP_PULL_FAILED && !fetch->failed[0])
	{
		snprintf(fetch->failed, sizeof(fetch->failed), "key not available: "
				 "%s", reason);
	}
	if (--fetch->waiting == 0)
	{
		fetch_done(fetch);
	}
}

/**
 * GET|POST dec_keys: hand out keys the master SAE made for the caller,
 * fetched first if the peer's mode can (DSKE).
 */
static void dec_keys(kp_t *kp, struct evhttp_request *req, const char *client,
					 const kp_faults_t *faults, kp_sae_t *caller,
					 kp_sae_t *master)
{
	const char *err, *bound, *made_by;
	kp_peer_t *peer;
	fetch_t *fetch;
	size_t i, j, len;
	char *body;

	fetch = calloc(1, sizeof(*fetch));
	if (!fetch)
	{
		kp_etsi_send_error(req, 503, "out of memory");
		return;
	}
	if (!take_body(req, &body, &len))
	{
		free(fetch);
		return;
	}
	err = kp_etsi_parse_key_ids(body, len, query_of(req), fetch->ids,
								kp->config->etsi_max_keys, &fetch->n);
	free_body(body, len);
	if (err)
	{
		free(fetch);
		kp_etsi_send_error(req, 400, err);
		return;
	}
	if (!kp_authz_remote(kp->config, client, master->system_id))
	{
		free(fetch);
		kp_log(KP_LOG_INFO, "%s may not use '%s' (SAE %s)", client,
			   master->system_id, master->id);
		kp_http_send_json(req, 401, kp_etsi_error_json("unauthorized"));
		return;
	}
	for (i = 0; i < fetch->n; i++)
	{
		for (j = 0; j < i; j++)
		{
			if (strcmp(fetch->ids[i], fetch->ids[j]) == 0)
			{
				free(fetch);
				kp_etsi_send_error(req, 400, "key_ID given twice");
				return;
			}
		}
	}
	fetch->kp = kp;
	fetch->req = req;
	fetch->faults = *faults;
	fetch->master = master;
	snprintf(fetch->caller, sizeof(fetch->caller), "%s", caller->id);
	evhttp_connection_set_closecb(evhttp_request_get_connection(req),
								  fetch_closed, fetch);
	peer = kp_config_find_peer(kp->config, master->system_id);
	fetch->waiting = 1;
	for (i = 0; peer && !faults->empty && i < fetch->n; i++)
	{	/* a key not bound to an SAE here was never stored here */
		if (!kp_made_find(kp->made, fetch->ids[i], time(NULL), &bound,
						  &made_by))
		{
			fetch->waiting++;
			kp_sync_pull(kp, peer, fetch->ids[i], key_pulled, fetch);
		}
	}
	key_pulled(fetch, KP_PULL_OK, NULL);
}

void kp_etsi_dispatch(kp_t *kp, struct evhttp_request *req,
					  const char *client, const kp_faults_t *faults)
{
	const char *path;
	kp_sae_t *caller, *other;
	kp_etsi_route_t route;

	path = evhttp_uri_get_path(evhttp_request_get_evhttp_uri(req));
	route = kp_etsi_route(path);
	caller = kp_config_client_sae(kp->config, client);
	if (!caller)
	{
		kp_log(KP_LOG_INFO, "%s is no SAE of ours, refused", client);
		kp_http_send_json(req, 401, kp_etsi_error_json("unauthorized"));
		return;
	}
	other = path_sae(kp, path);
	if (!other)
	{
		kp_etsi_send_error(req, 400, route == KP_ETSI_DEC_KEYS ?
						   "unknown master_SAE_ID" : "unknown slave_SAE_ID");
		return;
	}
	switch (route)
	{
		case KP_ETSI_STATUS:
			get_status(kp, req, caller, other);
			break;
		case KP_ETSI_ENC_KEYS:
			enc_keys(kp, req, client, faults, caller, other);
			break;
		case KP_ETSI_DEC_KEYS:
			dec_keys(kp, req, client, faults, caller, other);
			break;
		default:
			kp_etsi_send_error(req, 404, "unknown path");
			break;
	}
}
