/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "kp_etsi_json.h"

#include <skip_json.h>
#include <skip_key.h>
#include <skip_validate.h>

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <openssl/evp.h>

/** nesting of a request: extensions are objects in arrays in the request */
#define REQ_MAX_DEPTH 8

/**
 * A decimal query value from 1 to max (digits only).
 */
static bool query_uint(const char *value, unsigned long max, unsigned *out)
{
	unsigned long n;
	char *end;

	if (!isdigit((unsigned char)value[0]))
	{
		return false;
	}
	errno = 0;
	n = strtoul(value, &end, 10);
	if (errno || *end || n > max)
	{
		return false;
	}
	*out = (unsigned)n;
	return true;
}

/**
 * Parse a query into its parameters; each of the names may appear once,
 * no other.
 *
 * @param values	receives the values of names (NULL if absent)
 */
static bool parse_query(const char *query, struct evkeyvalq *params,
						const char *const *names, const char **values,
						size_t count)
{
	struct evkeyval *param;
	size_t i;

	TAILQ_INIT(params);
	memset(values, 0, count * sizeof(*values));
	if (!query || !*query)
	{
		return true;
	}
	if (evhttp_parse_query_str(query, params) != 0)
	{
		return false;
	}
	TAILQ_FOREACH(param, params, next)
	{
		for (i = 0; i < count; i++)
		{
			if (strcmp(param->key, names[i]) == 0)
			{
				break;
			}
		}
		if (i == count || values[i])
		{
			return false;
		}
		values[i] = param->value;
	}
	return true;
}

/**
 * Check the number and size of a key request.
 */
static const char *check_key_request(const kp_etsi_limits_t *limits,
									 kp_etsi_key_req_t *req)
{
	static char msg[96];

	if (req->number < 1 || req->number > limits->max_keys)
	{
		snprintf(msg, sizeof(msg), "number must be 1 to %u",
				 limits->max_keys);
		return msg;
	}
	if (req->size % 8)
	{
		return KP_ETSI_ERR_SIZE;
	}
	if (req->size < limits->min_size || req->size > limits->max_size)
	{
		snprintf(msg, sizeof(msg), "size must be %u to %u bits",
				 limits->min_size, limits->max_size);
		return msg;
	}
	return NULL;
}

static const char *key_request_query(const char *query,
									 const kp_etsi_limits_t *limits,
									 kp_etsi_key_req_t *req)
{
	static const char *const names[] = { "number", "size" };
	const char *values[2], *err = NULL;
	struct evkeyvalq params;

	if (!parse_query(query, &params, names, values, 2))
	{
		err = "unknown, repeated or malformed query parameter";
	}
	else if (values[0] && !query_uint(values[0], UINT32_MAX, &req->number))
	{
		err = "number must be an integer";
	}
	else if (values[1] && !query_uint(values[1], UINT32_MAX, &req->size))
	{
		err = "size must be an integer";
	}
	evhttp_clear_headers(&params);
	return err ?: check_key_request(limits, req);
}

/**
 * An optional member that must be an array: its length, or -1 if it is
 * something else.
 */
static int array_member(json_object *obj, const char *name)
{
	json_object *value;

	if (!json_object_object_get_ex(obj, name, &value))
	{
		return 0;
	}
	if (!json_object_is_type(value, json_type_array))
	{
		return -1;
	}
	return (int)json_object_array_length(value);
}

/**
 * An optional integer member: false if present but no integer in range.
 */
static bool int_member(json_object *obj, const char *name, unsigned *out)
{
	json_object *value;
	int64_t n;

	if (!json_object_object_get_ex(obj, name, &value))
	{
		return true;
	}
	if (!json_object_is_type(value, json_type_int))
	{
		return false;
	}
	n = json_object_get_int64(value);
	if (n < 0 || n > UINT32_MAX)
	{
		return false;
	}
	*out = (unsigned)n;
	return true;
}

const char *kp_etsi_parse_key_request(const char *body, size_t len,
									  const char *query,
									  const kp_etsi_limits_t *limits,
									  kp_etsi_key_req_t *req)
{
	const char *err = NULL;
	skip_error_t jerr = {};
	json_object *obj;
	int n;

	*req = (kp_etsi_key_req_t){
		.number = 1,
		.size = limits->key_size,
	};
	if (!body || !len)
	{
		return key_request_query(query, limits, req);
	}
	obj = skip_json_parse_object(body, len, KP_ETSI_BODY_MAX, REQ_MAX_DEPTH,
								 &jerr);
	if (!obj)
	{
		return "request is not a JSON object";
	}
	if (!int_member(obj, "number", &req->number))
	{
		err = "number must be an integer";
	}
	else if (!int_member(obj, "size", &req->size))
	{
		err = "size must be an integer";
	}
	else if ((n = array_member(obj, "extension_mandatory")) != 0)
	{
		err = n < 0 ? "extension_mandatory must be an array"
					: KP_ETSI_ERR_EXTENSION;
	}
	else if ((n = array_member(obj, "additional_slave_SAE_IDs")) != 0)
	{
		err = n < 0 ? "additional_slave_SAE_IDs must be an array"
					: "additional_slave_SAE_IDs not supported "
					  "(max_SAE_ID_count is 0)";
	}
	else if (array_member(obj, "extension_optional") < 0)
	{	/* its items are ignored, as the spec allows */
		err = "extension_optional must be an array";
	}
	json_object_put(obj);
	return err ?: check_key_request(limits, req);
}

bool kp_etsi_key_id(const char *uuid, size_t len, char *key_id)
{
	size_t i, j = 0;

	if (len != KP_ETSI_UUID_LEN)
	{
		return false;
	}
	for (i = 0; i < len; i++)
	{
		if (i == 8 || i == 13 || i == 18 || i == 23)
		{
			if (uuid[i] != '-')
			{
				return false;
			}
			continue;
		}
		if (!isxdigit((unsigned char)uuid[i]))
		{
			return false;
		}
		key_id[j++] = (char)tolower((unsigned char)uuid[i]);
	}
	key_id[j] = '\0';
	return true;
}

bool kp_etsi_uuid(const char *key_id, char *uuid)
{
	size_t i, j = 0;

	if (strlen(key_id) != KP_ETSI_KEY_ID_HEX)
	{
		return false;
	}
	for (i = 0; i < KP_ETSI_KEY_ID_HEX; i++)
	{
		if (!isxdigit((unsigned char)key_id[i]))
		{
			return false;
		}
		if (i == 8 || i == 12 || i == 16 || i == 20)
		{
			uuid[j++] = '-';
		}
		uuid[j++] = (char)tolower((unsigned char)key_id[i]);
	}
	uuid[j] = '\0';
	return true;
}

static const char *key_ids_query(const char *query,
								 char ids[][KP_ETSI_KEY_ID_HEX + 1],
								 size_t *count)
{
	static const char *const names[] = { "key_ID" };
	const char *value, *err = NULL;
	struct evkeyvalq params;

	if (!parse_query(query, &params, names, &value, 1))
	{
		err = "unknown, repeated or malformed query parameter";
	}
	else if (!value)
	{
		err = "key_ID missing";
	}
	else if (!kp_etsi_key_id(value, strlen(value), ids[0]))
	{
		err = "invalid key_ID";
	}
	evhttp_clear_headers(&params);
	*count = err ? 0 : 1;
	return err;
}

/**
 * One entry of key_IDs: {"key_ID": ...} or a bare string.
 */
static bool key_id_entry(json_object *entry, char *key_id)
{
	const char *value;
	size_t len;

	if (json_object_is_type(entry, json_type_string))
	{
		value = json_object_get_string(entry);
		len = (size_t)json_object_get_string_len(entry);
	}
	else if (json_object_is_type(entry, json_type_object))
	{
		value = skip_json_get_string(entry, "key_ID", &len, NULL);
	}
	else
	{
		value = NULL;
	}
	return value && kp_etsi_key_id(value, len, key_id);
}

const char *kp_etsi_parse_key_ids(const char *body, size_t len,
								  const char *query,
								  char ids[][KP_ETSI_KEY_ID_HEX + 1],
								  size_t max, size_t *count)
{
	static char msg[64];
	const char *err = NULL;
	skip_error_t jerr = {};
	json_object *obj, *array;
	size_t i, n;

	*count = 0;
	if (!body || !len)
	{
		return key_ids_query(query, ids, count);
	}
	obj = skip_json_parse_object(body, len, KP_ETSI_BODY_MAX, REQ_MAX_DEPTH,
								 &jerr);
	if (!obj)
	{
		return "request is not a JSON object";
	}
	if (!json_object_object_get_ex(obj, "key_IDs", &array) ||
		!json_object_is_type(array, json_type_array) ||
		!(n = json_object_array_length(array)))
	{
		err = "key_IDs must be a non-empty array";
	}
	else if (n > max)
	{
		snprintf(msg, sizeof(msg), "at most %zu key_IDs per request", max);
		err = msg;
	}
	else
	{
		for (i = 0; i < n && !err; i++)
		{
			if (!key_id_entry(json_object_array_get_idx(array, i), ids[i]))
			{
				err = "invalid key_ID";
			}
		}
		*count = err ? 0 : n;
	}
	json_object_put(obj);
	return err;
}

json_object *kp_etsi_key_json(const char *uuid, const uint8_t *key,
							  size_t len)
{
	unsigned char b64[4 * ((SKIP_KEY_MAX_BYTES + 2) / 3) + 1];
	json_object *obj;

	EVP_EncodeBlock(b64, key, (int)len);
	obj = json_object_new_object();
	json_object_object_add(obj, "key_ID", json_object_new_string(uuid));
	json_object_object_add(obj, "key", json_object_new_string((char*)b64));
	skip_memwipe(b64, sizeof(b64));
	return obj;
}

json_object *kp_etsi_error_json(const char *message)
{
	json_object *obj = json_object_new_object();

	json_object_object_add(obj, "message", json_object_new_string(message));
	return obj;
}
