/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "skip_etsi_json.h"
#include "skip_json.h"
#include "skip_validate.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

_Static_assert(SKIP_ETSI_KEY_ID_MAX <= SKIP_KEY_ID_MAX_HEX,
			   "a key_ID fits skip_key_t.key_id");

/** nesting accepted: room for vendors' *_extension objects */
#define ETSI_MAX_DEPTH 8

/** longest base64 text of a key accepted */
#define KEY_BASE64_MAX ((SKIP_KEY_MAX_BYTES + 2) / 3 * 4)

static json_object *parse(const char *body, size_t len, skip_error_t *err)
{
	return skip_json_parse_nested(body, len, SKIP_JSON_BODY_MAX,
								  ETSI_MAX_DEPTH, err);
}

/**
 * A member of the given type; missing is an error unless optional (member
 * is then NULL).
 */
static bool get_typed(json_object *obj, const char *name, json_type type,
					  bool optional, json_object **member, skip_error_t *err)
{
	if (!json_object_object_get_ex(obj, name, member))
	{
		*member = NULL;
		if (optional)
		{
			return true;
		}
		skip_error_set(err, SKIP_ERR_PROTOCOL, 0, "missing field '%s'", name);
		return false;
	}
	if (!json_object_is_type(*member, type))
	{
		skip_error_set(err, SKIP_ERR_PROTOCOL, 0, "field '%s' is not a%s %s",
					   name, type == json_type_int ||
					   type == json_type_object ||
					   type == json_type_array ? "n" : "",
					   type == json_type_int ? "integer"
											 : json_type_to_name(type));
		return false;
	}
	return true;
}

/**
 * An ID member: a string (1 to SKIP_SYSTEM_ID_MAX bytes, no NUL) or a
 * non-negative integer, kept in decimal.
 */
static char *get_id(json_object *obj, const char *name, skip_error_t *err)
{
	json_object *member;
	const char *str;
	char buf[32], *copy;
	size_t len;

	if (!json_object_object_get_ex(obj, name, &member))
	{
		skip_error_set(err, SKIP_ERR_PROTOCOL, 0, "missing field '%s'", name);
		return NULL;
	}
	if (json_object_is_type(member, json_type_int) &&
		json_object_get_int64(member) >= 0)
	{
		snprintf(buf, sizeof(buf), "%" PRId64, json_object_get_int64(member));
		str = buf;
		len = strlen(buf);
	}
	else
	{
		if (!json_object_is_type(member, json_type_string))
		{
			skip_error_set(err, SKIP_ERR_PROTOCOL, 0,
						   "field '%s' is not a string", name);
			return NULL;
		}
		str = skip_json_get_string(obj, name, &len, err);
		if (!str)
		{
			return NULL;
		}
		if (!skip_system_id_valid(str, len))
		{
			skip_error_set(err, SKIP_ERR_PROTOCOL, 0, "field '%s' is empty "
						   "or longer than %d bytes", name, SKIP_SYSTEM_ID_MAX);
			return NULL;
		}
	}
	copy = strndup(str, len);
	if (!copy)
	{
		skip_error_set(err, SKIP_ERR_NOMEM, 0, "out of memory");
	}
	return copy;
}

/**
 * A non-negative integer member.
 */
static bool get_count(json_object *obj, const char *name, int64_t *value,
					  skip_error_t *err)
{
	json_object *member;

	if (!get_typed(obj, name, json_type_int, false, &member, err))
	{
		return false;
	}
	*value = json_object_get_int64(member);
	if (*value < 0)
	{
		skip_error_set(err, SKIP_ERR_PROTOCOL, 0, "field '%s' is negative",
					   name);
		return false;
	}
	return true;
}

void skip_etsi_status_destroy(skip_etsi_status_t *status)
{
	if (status)
	{
		free(status->source_kme_id);
		free(status->target_kme_id);
		free(status->master_sae_id);
		free(status->slave_sae_id);
		free(status);
	}
}

skip_status_t skip_etsi_json_parse_status(const char *body, size_t len,
										  skip_etsi_status_t **out,
										  skip_error_t *err)
{
	skip_etsi_status_t *status;
	skip_status_t result = SKIP_ERR_PROTOCOL;
	json_object *obj, *member;

	obj = parse(body, len, err);
	if (!obj)
	{
		return err ? err->status : SKIP_ERR_PROTOCOL;
	}
	status = calloc(1, sizeof(*status));
	if (!status)
	{
		json_object_put(obj);
		return skip_error_set(err, SKIP_ERR_NOMEM, 0, "out of memory");
	}
	if (!(status->source_kme_id = get_id(obj, "source_KME_ID", err)) ||
		!(status->target_kme_id = get_id(obj, "target_KME_ID", err)) ||
		!(status->master_sae_id = get_id(obj, "master_SAE_ID", err)) ||
		!(status->slave_sae_id = get_id(obj, "slave_SAE_ID", err)))
	{
		result = err ? err->status : SKIP_ERR_PROTOCOL;
		goto out;
	}
	if (!get_count(obj, "key_size", &status->key_size, err) ||
		!get_count(obj, "stored_key_count", &status->stored_key_count, err) ||
		!get_count(obj, "max_key_count", &status->max_key_count, err) ||
		!get_count(obj, "max_key_per_request", &status->max_key_per_request,
				   err) ||
		!get_count(obj, "max_key_size", &status->max_key_size, err) ||
		!get_count(obj, "min_key_size", &status->min_key_size, err) ||
		!get_count(obj, "max_SAE_ID_count", &status->max_sae_id_count, err) ||
		!get_typed(obj, "status_extension", json_type_object, true, &member,
				   err))
	{
		goto out;
	}
	if (!status->key_size || status->min_key_size > status->key_size ||
		status->key_size > status->max_key_size)
	{
		skip_error_set(err, SKIP_ERR_PROTOCOL, 0, "key sizes do not fit: "
					   "min_key_size %" PRId64 ", key_size %" PRId64
					   ", max_key_size %" PRId64, status->min_key_size,
					   status->key_size, status->max_key_size);
		goto out;
	}
	result = SKIP_OK;

out:
	json_object_put(obj);
	if (result != SKIP_OK)
	{
		skip_etsi_status_destroy(status);
		return result;
	}
	*out = status;
	return SKIP_OK;
}

/**
 * Decode the base64 key of an entry into key, checking its size.
 */
static skip_status_t decode_key(json_object *entry, unsigned key_bits,
								skip_key_t *key, skip_error_t *err)
{
	const char *b64;
	size_t len;

	b64 = skip_json_get_string(entry, "key", &len, err);
	if (!b64)
	{
		return SKIP_ERR_PROTOCOL;
	}
	if (!len || len > KEY_BASE64_MAX)
	{
		return skip_error_set(err, SKIP_ERR_PROTOCOL, 0, "field 'key' has an "
							  "invalid length (%zu characters)", len);
	}
	key->key = malloc(len / 4 * 3 + 3);
	if (!key->key)
	{
		return skip_error_set(err, SKIP_ERR_NOMEM, 0, "out of memory");
	}
	if (!skip_base64_decode(b64, len, key->key, &key->key_len))
	{
		/* what may have been decoded is wiped by skip_key_destroy() */
		key->key_len = len / 4 * 3 + 3;
		return skip_error_set(err, SKIP_ERR_PROTOCOL, 0, "field 'key' is "
							  "not canonical base64");
	}
	if (key_bits && key->key_len * 8 != key_bits)
	{
		return skip_error_set(err, SKIP_ERR_PROTOCOL, 0, "key has %zu bits, "
							  "expected %u", key->key_len * 8, key_bits);
	}
	if (!key_bits && (key->key_len * 8 < SKIP_ETSI_MIN_KEY_BITS ||
					  key->key_len > SKIP_KEY_MAX_BYTES))
	{
		return skip_error_set(err, SKIP_ERR_PROTOCOL, 0, "key has %zu bits, "
							  "need %d to %d", key->key_len * 8,
							  SKIP_ETSI_MIN_KEY_BITS, SKIP_KEY_MAX_BYTES * 8);
	}
	if (skip_all_zero(key->key, key->key_len))
	{
		return skip_error_set(err, SKIP_ERR_PROTOCOL, 0, "key is all zeros");
	}
	return SKIP_OK;
}

/**
 * The key_ID of an entry, checked against the one asked for.
 */
static skip_status_t copy_key_id(json_object *entry, const char *key_id,
								 skip_key_t *key, skip_error_t *err)
{
	char got[4 * SKIP_ETSI_KEY_ID_MAX + 1], want[4 * SKIP_ETSI_KEY_ID_MAX + 1];
	const char *id;
	size_t len;

	id = skip_json_get_string(entry, "key_ID", &len, err);
	if (!id)
	{
		return SKIP_ERR_PROTOCOL;
	}
	if (!skip_etsi_key_id_valid(id, len))
	{
		return skip_error_set(err, SKIP_ERR_PROTOCOL, 0, "field 'key_ID' is "
							  "not 1 to %d printable characters without space",
							  SKIP_ETSI_KEY_ID_MAX);
	}
	if (key_id && (strlen(key_id) != len || memcmp(key_id, id, len) != 0))
	{
		skip_escape(id, got, sizeof(got));
		skip_escape(key_id, want, sizeof(want));
		return skip_error_set(err, SKIP_ERR_PROTOCOL, 0, "KME answered with "
							  "key_ID '%s' instead of '%s'", got, want);
	}
	memcpy(key->key_id, id, len);
	key->key_id[len] = '\0';
	return SKIP_OK;
}

skip_status_t skip_etsi_json_parse_keys(const char *body, size_t len,
										unsigned key_bits, const char *key_id,
										skip_key_t **out, skip_error_t *err)
{
	skip_status_t status = SKIP_ERR_PROTOCOL;
	json_object *obj, *keys, *entry, *ext;
	skip_key_t *key = NULL;
	size_t count;

	obj = parse(body, len, err);
	if (!obj)
	{
		return err ? err->status : SKIP_ERR_PROTOCOL;
	}
	if (!get_typed(obj, "keys", json_type_array, false, &keys, err) ||
		!get_typed(obj, "key_container_extension", json_type_object, true,
				   &ext, err))
	{
		goto out;
	}
	count = json_object_array_length(keys);
	if (count != 1)
	{
		skip_error_set(err, SKIP_ERR_PROTOCOL, 0, "KME delivered %zu keys, "
					   "asked for one", count);
		goto out;
	}
	entry = json_object_array_get_idx(keys, 0);
	if (!json_object_is_type(entry, json_type_object))
	{
		skip_error_set(err, SKIP_ERR_PROTOCOL, 0, "entry of 'keys' is not an "
					   "object");
		goto out;
	}
	if (!get_typed(entry, "key_ID_extension", json_type_object, true, &ext,
				   err) ||
		!get_typed(entry, "key_extension", json_type_object, true, &ext, err))
	{
		goto out;
	}
	key = calloc(1, sizeof(*key));
	if (!key)
	{
		status = skip_error_set(err, SKIP_ERR_NOMEM, 0, "out of memory");
		goto out;
	}
	status = copy_key_id(entry, key_id, key, err);
	if (status == SKIP_OK)
	{
		status = decode_key(entry, key_bits, key, err);
	}

out:
	/* json-c's copy of the base64-encoded key */
	skip_json_put_wiped(obj);
	if (status != SKIP_OK)
	{
		skip_key_destroy(key);
		return status;
	}
	*out = key;
	return SKIP_OK;
}

/**
 * The text of FastAPI's "detail": a string, or a list of objects with "msg".
 */
static const char *fastapi_detail(json_object *obj, size_t *len)
{
	json_object *detail, *first;

	if (!json_object_object_get_ex(obj, "detail", &detail))
	{
		return NULL;
	}
	if (json_object_is_type(detail, json_type_array) &&
		json_object_array_length(detail) > 0)
	{
		first = json_object_array_get_idx(detail, 0);
		return json_object_is_type(first, json_type_object)
			? skip_json_get_string(first, "msg", len, NULL) : NULL;
	}
	return skip_json_get_string(obj, "detail", len, NULL);
}

void skip_etsi_json_error_message(const char *body, size_t len, char *out,
								  size_t out_len)
{
	json_object *obj;
	const char *msg;
	size_t msg_len;

	if (!out_len)
	{
		return;
	}
	out[0] = '\0';
	if (!body || !len)
	{
		return;
	}
	obj = parse(body, len, NULL);
	if (!obj)
	{
		return;
	}
	msg = skip_json_get_string(obj, "message", &msg_len, NULL);
	if (!msg)
	{
		msg = fastapi_detail(obj, &msg_len);
	}
	if (msg)
	{	/* NUL-free (skip_json_get_string()), escaped, cut to fit */
		skip_escape(msg, out, out_len);
	}
	json_object_put(obj);
}

bool skip_etsi_json_not_found(const char *message)
{
	return message && strcasestr(message, "not found");
}

/**
 * Serialize a request body without escaping '/' (key_IDs may hold it), wipe
 * json-c's copies and release obj.
 */
static char *to_body(json_object *obj, size_t *len)
{
	const char *text;
	char *copy;

	text = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN |
										  JSON_C_TO_STRING_NOSLASHESCAPE);
	copy = text ? strdup(text) : NULL;
	if (copy)
	{
		*len = strlen(copy);
		/* json-c's serialization buffer */
		skip_memwipe((char*)text, *len);
	}
	skip_json_put_wiped(obj);
	return copy;
}

char *skip_etsi_json_key_request(unsigned bits, size_t *len)
{
	json_object *obj, *number, *size = NULL;

	obj = json_object_new_object();
	number = json_object_new_int(1);
	if (bits)
	{
		size = json_object_new_int64(bits);
	}
	if (!obj || !number || (bits && !size) ||
		json_object_object_add(obj, "number", number))
	{
		json_object_put(obj);
		json_object_put(number);
		json_object_put(size);
		return NULL;
	}
	if (size && json_object_object_add(obj, "size", size))
	{
		json_object_put(obj);
		json_object_put(size);
		return NULL;
	}
	return to_body(obj, len);
}

char *skip_etsi_json_key_ids_request(const char *key_id, size_t *len)
{
	json_object *obj, *ids, *entry, *id;

	obj = json_object_new_object();
	ids = json_object_new_array();
	entry = json_object_new_object();
	id = json_object_new_string(key_id);
	if (!obj || !ids || !entry || !id)
	{
		json_object_put(obj);
		json_object_put(ids);
		json_object_put(entry);
		json_object_put(id);
		return NULL;
	}
	/* bottom-up: a failed add leaves its value with us */
	if (json_object_object_add(entry, "key_ID", id))
	{
		json_object_put(id);
		id = NULL;
	}
	if (!id || json_object_array_add(ids, entry))
	{
		json_object_put(entry);
		entry = NULL;
	}
	if (!entry || json_object_object_add(obj, "key_IDs", ids))
	{
		json_object_put(ids);
		json_object_put(obj);
		return NULL;
	}
	return to_body(obj, len);
}
