/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "kp_sync_msg.h"
#include "kp_http.h"

#include <skip_json.h>
#include <skip_key.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

/** nesting of a message: object, keys array, key object */
#define MSG_MAX_DEPTH 4

bool kp_sync_msg_encode(struct evbuffer *buf, const char *origin,
						const char *target, unsigned ttl,
						const kp_sync_key_t *const *keys, size_t count)
{
	json_object *msg, *array;
	size_t i;

	array = json_object_new_array();
	for (i = 0; i < count; i++)
	{
		json_object *key = kp_http_key_json(keys[i]->key_id, keys[i]->key,
											keys[i]->len);

		if (keys[i]->slave[0])
		{
			json_object_object_add(key, "master",
								   json_object_new_string(keys[i]->master));
			json_object_object_add(key, "slave",
								   json_object_new_string(keys[i]->slave));
		}
		json_object_array_add(array, key);
	}
	msg = json_object_new_object();
	json_object_object_add(msg, "origin", json_object_new_string(origin));
	json_object_object_add(msg, "target", json_object_new_string(target));
	json_object_object_add(msg, "ttl", json_object_new_int64(ttl));
	json_object_object_add(msg, "keys", array);
	return kp_http_add_secret(buf, msg);
}

static bool get_system_id(json_object *obj, const char *name, char *out)
{
	const char *value;
	size_t len;

	value = skip_json_get_string(obj, name, &len, NULL);
	if (!value || !skip_system_id_valid(value, len))
	{
		return false;
	}
	memcpy(out, value, len + 1);
	return true;
}

/**
 * The optional SAE IDs of an ETSI 014 key: both or none.
 */
static bool get_saes(json_object *obj, kp_sync_key_t *key)
{
	const char *master, *slave;
	size_t mlen = 0, slen = 0;

	if (!json_object_object_get_ex(obj, "master", NULL) &&
		!json_object_object_get_ex(obj, "slave", NULL))
	{
		return true;
	}
	master = skip_json_get_string(obj, "master", &mlen, NULL);
	slave = skip_json_get_string(obj, "slave", &slen, NULL);
	if (!master || !slave || !kp_sae_id_valid(master, mlen) ||
		!kp_sae_id_valid(slave, slen))
	{
		return false;
	}
	memcpy(key->master, master, mlen + 1);
	memcpy(key->slave, slave, slen + 1);
	return true;
}

static bool get_key(json_object *obj, kp_sync_key_t *key, char *err,
					size_t errlen)
{
	const char *value;
	size_t len;
	bool ok;

	if (!json_object_is_type(obj, json_type_object))
	{
		snprintf(err, errlen, "a key is not an object");
		return false;
	}
	value = skip_json_get_string(obj, "keyId", &len, NULL);
	if (!value || !skip_key_id_valid(value, len))
	{
		snprintf(err, errlen, "missing or invalid keyId");
		return false;
	}
	memcpy(key->key_id, value, len + 1);
	value = skip_json_get_string(obj, "key", &len, NULL);
	/* json-c's copy of the key is wiped with the whole message */
	ok = value && len % 2 == 0 && len / 2 >= 16 &&
		 len / 2 <= KP_SYNC_KEY_MAX && skip_hex_decode(value, len, key->key);
	if (!ok)
	{
		snprintf(err, errlen, "missing or invalid key for keyId %s",
				 key->key_id);
		return false;
	}
	key->len = len / 2;
	if (!get_saes(obj, key))
	{
		snprintf(err, errlen, "invalid master or slave SAE for keyId %s",
				 key->key_id);
		return false;
	}
	return true;
}

kp_sync_msg_t *kp_sync_msg_decode(const char *body, size_t len, char *err,
								  size_t errlen)
{
	json_object *obj, *keys, *ttl;
	kp_sync_msg_t *msg = NULL;
	skip_error_t jerr = {};
	size_t i, count;

	obj = skip_json_parse_object(body, len, KP_SYNC_BODY_MAX, MSG_MAX_DEPTH,
								 &jerr);
	if (!obj)
	{
		snprintf(err, errlen, "%s", jerr.detail);
		return NULL;
	}
	msg = calloc(1, sizeof(*msg));
	if (!msg)
	{
		snprintf(err, errlen, "out of memory");
		goto err;
	}
	if (!get_system_id(obj, "origin", msg->origin) ||
		!get_system_id(obj, "target", msg->target))
	{
		snprintf(err, errlen, "missing or invalid origin or target");
		goto err;
	}
	if (json_object_object_get_ex(obj, "ttl", &ttl))
	{
		if (!json_object_is_type(ttl, json_type_int) ||
			json_object_get_int64(ttl) < 1 ||
			json_object_get_int64(ttl) > KP_SYNC_TTL_MAX)
		{
			snprintf(err, errlen, "invalid ttl");
			goto err;
		}
		msg->ttl = (unsigned)json_object_get_int64(ttl);
	}
	if (!json_object_object_get_ex(obj, "keys", &keys) ||
		!json_object_is_type(keys, json_type_array) ||
		(count = json_object_array_length(keys)) == 0 ||
		count > KP_SYNC_BATCH_MAX)
	{
		snprintf(err, errlen, "keys must be an array of 1 to %d keys",
				 KP_SYNC_BATCH_MAX);
		goto err;
	}
	msg->keys = calloc(count, sizeof(kp_sync_key_t));
	if (!msg->keys)
	{
		snprintf(err, errlen, "out of memory");
		goto err;
	}
	msg->count = count;
	for (i = 0; i < count; i++)
	{
		if (!get_key(json_object_array_get_idx(keys, i), &msg->keys[i], err,
					 errlen))
		{
			goto err;
		}
	}
	skip_json_put_wiped(obj);
	return msg;

err:
	skip_json_put_wiped(obj);
	kp_sync_msg_destroy(msg);
	return NULL;
}

void kp_sync_msg_destroy(kp_sync_msg_t *msg)
{
	if (msg)
	{
		if (msg->keys)
		{
			skip_memwipe(msg->keys, msg->count * sizeof(kp_sync_key_t));
			free(msg->keys);
		}
		free(msg);
	}
}
