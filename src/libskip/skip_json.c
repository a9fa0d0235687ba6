/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "skip_json.h"
#include "skip_validate.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

/** nesting deeper than any SKIP answer needs is refused */
#define JSON_MAX_DEPTH 4

/**
 * Wipe every string in a JSON value (recursively), without releasing it.
 */
static void wipe_strings(json_object *obj)
{
	size_t i;

	switch (json_object_get_type(obj))
	{
		case json_type_string:
			skip_memwipe((char*)json_object_get_string(obj),
						 (size_t)json_object_get_string_len(obj));
			break;
		case json_type_array:
			for (i = 0; i < json_object_array_length(obj); i++)
			{
				wipe_strings(json_object_array_get_idx(obj, i));
			}
			break;
		case json_type_object:
		{
			json_object_object_foreach(obj, name, value)
			{
				(void)name;
				wipe_strings(value);
			}
			break;
		}
		default:
			break;
	}
}

/**
 * Wipe what json-c's tokener keeps: its token buffer holds the last string
 * parsed, and after an error its stack holds the values parsed so far;
 * either may be a hex-encoded key. json_tokener_free() releases them
 * without wiping.
 */
static void tokener_wipe(struct json_tokener *tok)
{
#ifdef HAVE_JSON_TOKENER_PB
	int i;

	if (tok->pb && tok->pb->buf)
	{
		skip_memwipe(tok->pb->buf, tok->pb->size);
	}
	for (i = 0; tok->stack && i <= tok->depth && i < tok->max_depth; i++)
	{
		wipe_strings(tok->stack[i].current);
	}
#else
	(void)tok;
#endif
}

/**
 * Count the members of the top-level object in text json-c already accepted
 * as valid JSON. json-c keeps the last of duplicate members silently; a KP
 * answer with two keyIds or two keys is refused instead, so the members are
 * counted here and compared with what json-c kept.
 */
static int count_members(const char *body, size_t len)
{
	bool want_key = false;
	int depth = 0, count = 0;
	size_t i;

	for (i = 0; i < len; i++)
	{
		switch (body[i])
		{
			case '"':
				if (depth == 1 && want_key)
				{
					count++;
					want_key = false;
				}
				for (i++; i < len && body[i] != '"'; i++)
				{
					if (body[i] == '\\')
					{	/* skip the escaped character */
						i++;
					}
				}
				break;
			case '{':
			case '[':
				want_key = ++depth == 1;
				break;
			case '}':
			case ']':
				depth--;
				break;
			case ',':
				want_key = depth == 1;
				break;
			default:
				break;
		}
	}
	return count;
}

/**
 * Count the members of all objects, at every depth, in text json-c already
 * accepted as valid JSON nested at most SKIP_JSON_DEPTH_MAX deep.
 */
static size_t count_all_members(const char *body, size_t len)
{
	bool object[SKIP_JSON_DEPTH_MAX + 2] = {};
	bool want_key = false;
	size_t i, count = 0;
	int depth = 0;

	for (i = 0; i < len; i++)
	{
		switch (body[i])
		{
			case '"':
				if (want_key)
				{
					count++;
					want_key = false;
				}
				for (i++; i < len && body[i] != '"'; i++)
				{
					if (body[i] == '\\')
					{	/* skip the escaped character */
						i++;
					}
				}
				break;
			case '{':
			case '[':
				if (depth <= SKIP_JSON_DEPTH_MAX)
				{
					object[++depth] = body[i] == '{';
				}
				want_key = body[i] == '{';
				break;
			case '}':
			case ']':
				depth = depth > 0 ? depth - 1 : 0;
				want_key = false;
				break;
			case ',':
				want_key = object[depth];
				break;
			default:
				break;
		}
	}
	return count;
}

/**
 * Count the members json-c kept, at every depth.
 */
static size_t count_tree_members(json_object *obj)
{
	size_t i, count = 0;

	switch (json_object_get_type(obj))
	{
		case json_type_array:
			for (i = 0; i < json_object_array_length(obj); i++)
			{
				count += count_tree_members(json_object_array_get_idx(obj, i));
			}
			break;
		case json_type_object:
		{
			json_object_object_foreach(obj, name, value)
			{
				(void)name;
				count += 1 + count_tree_members(value);
			}
			break;
		}
		default:
			break;
	}
	return count;
}

json_object *skip_json_parse_nested(const char *body, size_t len,
									size_t max_len, int max_depth,
									skip_error_t *err)
{
	json_object *obj;

	if (max_depth > SKIP_JSON_DEPTH_MAX)
	{
		max_depth = SKIP_JSON_DEPTH_MAX;
	}
	obj = skip_json_parse_object(body, len, max_len, max_depth, err);
	/* a duplicate anywhere: json-c kept fewer members than the text has */
	if (obj && count_all_members(body, len) != count_tree_members(obj))
	{
		skip_error_set(err, SKIP_ERR_PROTOCOL, 0, "duplicate field in JSON "
					   "object");
		skip_json_put_wiped(obj);
		return NULL;
	}
	return obj;
}

json_object *skip_json_parse_object(const char *body, size_t len,
									size_t max_len, int max_depth,
									skip_error_t *err)
{
	struct json_tokener *tok;
	json_object *obj;
	enum json_tokener_error jerr;
	size_t end;

	if (!body || len == 0)
	{
		skip_error_set(err, SKIP_ERR_PROTOCOL, 0, "empty response body");
		return NULL;
	}
	if (len > max_len)
	{
		skip_error_set(err, SKIP_ERR_PROTOCOL, 0,
					   "JSON body too large (%zu bytes)", len);
		return NULL;
	}
	if (memchr(body, '\0', len))
	{
		skip_error_set(err, SKIP_ERR_PROTOCOL, 0, "NUL byte in JSON body");
		return NULL;
	}
	tok = json_tokener_new_ex(max_depth);
	if (!tok)
	{
		skip_error_set(err, SKIP_ERR_NOMEM, 0, "out of memory");
		return NULL;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	obj = json_tokener_parse_ex(tok, body, (int)len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	tokener_wipe(tok);
	json_tokener_free(tok);

	if (!obj || jerr != json_tokener_success)
	{
		skip_error_set(err, SKIP_ERR_PROTOCOL, 0, "malformed JSON: %s",
					   jerr == json_tokener_continue ? "truncated"
					   : json_tokener_error_desc(jerr));
		skip_json_put_wiped(obj);
		return NULL;
	}
	for (; end < len; end++)
	{
		if (!strchr(" \t\r\n", body[end]))
		{
			skip_error_set(err, SKIP_ERR_PROTOCOL, 0,
						   "trailing data after JSON object");
			skip_json_put_wiped(obj);
			return NULL;
		}
	}
	if (!json_object_is_type(obj, json_type_object))
	{
		skip_error_set(err, SKIP_ERR_PROTOCOL, 0, "JSON body is not an object");
		skip_json_put_wiped(obj);
		return NULL;
	}
	/* json-c already freed the values of duplicates it replaced, without
	 * wiping them; nothing can be done about that copy here */
	if (count_members(body, len) != json_object_object_length(obj))
	{
		skip_error_set(err, SKIP_ERR_PROTOCOL, 0, "duplicate field in JSON "
					   "object");
		skip_json_put_wiped(obj);
		return NULL;
	}
	return obj;
}

/**
 * Parse a KP answer.
 */
static json_object *parse_object(const char *body, size_t len,
								 skip_error_t *err)
{
	return skip_json_parse_object(body, len, SKIP_JSON_BODY_MAX,
								  JSON_MAX_DEPTH, err);
}

void skip_json_put_wiped(json_object *obj)
{
	wipe_strings(obj);
	json_object_put(obj);
}

char *skip_json_to_secret_string(json_object *obj, size_t *len)
{
	const char *text;
	char *copy;

	text = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN);
	*len = strlen(text);
	copy = malloc(*len ? *len : 1);
	if (copy)
	{
		memcpy(copy, text, *len);
	}
	/* json-c's serialization buffer */
	skip_memwipe((char*)text, *len);
	skip_json_put_wiped(obj);
	return copy;
}

/**
 * Look up a member of the given type.
 */
static json_object *get_member(json_object *obj, const char *name,
							   json_type type, skip_error_t *err)
{
	json_object *member;

	if (!json_object_object_get_ex(obj, name, &member))
	{
		skip_error_set(err, SKIP_ERR_PROTOCOL, 0, "missing field '%s'", name);
		return NULL;
	}
	if (!json_object_is_type(member, type))
	{
		skip_error_set(err, SKIP_ERR_PROTOCOL, 0, "field '%s' is not a %s",
					   name, json_type_to_name(type));
		return NULL;
	}
	return member;
}

const char *skip_json_get_string(json_object *obj, const char *name,
								 size_t *len, skip_error_t *err)
{
	json_object *member;
	const char *str;

	member = get_member(obj, name, json_type_string, err);
	if (!member)
	{
		return NULL;
	}
	str = json_object_get_string(member);
	*len = (size_t)json_object_get_string_len(member);
	if (strlen(str) != *len)
	{
		skip_error_set(err, SKIP_ERR_PROTOCOL, 0,
					   "NUL character in field '%s'", name);
		return NULL;
	}
	return str;
}

/**
 * Decode a hex string field into a new buffer of len/2 bytes.
 */
static uint8_t *decode_hex_field(const char *name, const char *hex, size_t len,
								 size_t max_bytes, skip_error_t *err)
{
	uint8_t *bytes;

	if (len < 2 || len % 2 || len / 2 > max_bytes)
	{
		skip_error_set(err, SKIP_ERR_PROTOCOL, 0,
					   "field '%s' has an invalid length (%zu hex digits)",
					   name, len);
		return NULL;
	}
	bytes = malloc(len / 2);
	if (!bytes)
	{
		skip_error_set(err, SKIP_ERR_NOMEM, 0, "out of memory");
		return NULL;
	}
	if (!skip_hex_decode(hex, len, bytes))
	{
		skip_memwipe(bytes, len / 2);
		free(bytes);
		skip_error_set(err, SKIP_ERR_PROTOCOL, 0,
					   "field '%s' is not hex-encoded", name);
		return NULL;
	}
	return bytes;
}

/**
 * Copy a validated system ID / glob string.
 */
static char *dup_system_id(const char *name, const char *str, size_t len,
						   skip_error_t *err)
{
	char *copy;

	if (!skip_system_id_valid(str, len))
	{
		skip_error_set(err, SKIP_ERR_PROTOCOL, 0,
					   "field '%s' is not a valid system ID", name);
		return NULL;
	}
	copy = strndup(str, len);
	if (!copy)
	{
		skip_error_set(err, SKIP_ERR_NOMEM, 0, "out of memory");
	}
	return copy;
}

static void json_log(skip_log_t log, void *log_ctx, int level,
					 const char *fmt, ...)
{
	va_list args;

	if (log)
	{
		va_start(args, fmt);
		log(log_ctx, level, fmt, args);
		va_end(args);
	}
}

/**
 * Why a remoteSystemID entry is unusable, NULL if it is usable.
 */
static const char *unusable_entry(json_object *entry)
{
	const char *str;
	size_t len;

	if (!json_object_is_type(entry, json_type_string))
	{
		return "not a string";
	}
	str = json_object_get_string(entry);
	len = (size_t)json_object_get_string_len(entry);
	if (!len)
	{
		return "empty";
	}
	if (strlen(str) != len)
	{
		return "contains NUL";
	}
	if (!skip_glob_valid(str, len))
	{
		return "too long";
	}
	return NULL;
}

/**
 * The remoteSystemID globs. The draft types them as strings and says
 * nothing about what a client does with one it cannot use: such an entry
 * is left out (and logged) instead of discarding the KP's whole answer.
 */
static skip_status_t parse_remote_system_ids(json_object *obj,
											 skip_capabilities_t *caps,
											 skip_log_t log, void *log_ctx,
											 skip_error_t *err)
{
	char escaped[SKIP_SYSTEM_ID_LOG_MAX];
	json_object *array, *entry;
	const char *reason;
	size_t i, count;

	array = get_member(obj, "remoteSystemID", json_type_array, err);
	if (!array)
	{
		return SKIP_ERR_PROTOCOL;
	}
	count = json_object_array_length(array);
	if (count == 0 || count > SKIP_REMOTE_SYSTEM_IDS_MAX)
	{
		return skip_error_set(err, SKIP_ERR_PROTOCOL, 0,
							  "field 'remoteSystemID' has %zu entries", count);
	}
	caps->remote_system_ids = calloc(count, sizeof(char*));
	if (!caps->remote_system_ids)
	{
		return skip_error_set(err, SKIP_ERR_NOMEM, 0, "out of memory");
	}
	for (i = 0; i < count; i++)
	{
		entry = json_object_array_get_idx(array, i);
		reason = unusable_entry(entry);
		if (reason)
		{
			/* escapes up to a NUL; a long entry is cut in the log line */
			skip_escape(json_object_is_type(entry, json_type_string)
						? json_object_get_string(entry) : "", escaped,
						sizeof(escaped));
			json_log(log, log_ctx, 1, "KP capabilities: ignoring "
					 "remoteSystemID entry %zu '%s': %s", i, escaped, reason);
			continue;
		}
		caps->remote_system_ids[caps->remote_system_id_count] = strndup(
									json_object_get_string(entry),
									(size_t)json_object_get_string_len(entry));
		if (!caps->remote_system_ids[caps->remote_system_id_count])
		{
			return skip_error_set(err, SKIP_ERR_NOMEM, 0, "out of memory");
		}
		caps->remote_system_id_count++;
	}
	if (!caps->remote_system_id_count)
	{
		return skip_error_set(err, SKIP_ERR_PROTOCOL, 0, "field "
							  "'remoteSystemID' has no usable entry");
	}
	return SKIP_OK;
}

skip_status_t skip_json_parse_capabilities(const char *body, size_t len,
										   skip_log_t log, void *log_ctx,
										   skip_capabilities_t **out,
										   skip_error_t *err)
{
	skip_capabilities_t *caps;
	json_object *obj, *member;
	skip_status_t status = SKIP_ERR_PROTOCOL;
	const char *str;
	size_t str_len;

	obj = parse_object(body, len, err);
	if (!obj)
	{
		return err ? err->status : SKIP_ERR_PROTOCOL;
	}
	caps = calloc(1, sizeof(*caps));
	if (!caps)
	{
		json_object_put(obj);
		return skip_error_set(err, SKIP_ERR_NOMEM, 0, "out of memory");
	}
	member = get_member(obj, "entropy", json_type_boolean, err);
	if (!member)
	{
		goto out;
	}
	caps->entropy = json_object_get_boolean(member);
	member = get_member(obj, "key", json_type_boolean, err);
	if (!member)
	{
		goto out;
	}
	caps->key = json_object_get_boolean(member);

	str = skip_json_get_string(obj, "algorithm", &str_len, err);
	if (!str)
	{
		goto out;
	}
	if (!skip_printable(str, str_len, SKIP_ALGORITHM_MAX))
	{
		skip_error_set(err, SKIP_ERR_PROTOCOL, 0,
					   "field 'algorithm' is not printable or too long");
		goto out;
	}
	caps->algorithm = strndup(str, str_len);
	if (!caps->algorithm)
	{
		status = skip_error_set(err, SKIP_ERR_NOMEM, 0, "out of memory");
		goto out;
	}

	str = skip_json_get_string(obj, "localSystemID", &str_len, err);
	if (!str)
	{
		goto out;
	}
	caps->local_system_id = dup_system_id("localSystemID", str, str_len, err);
	if (!caps->local_system_id)
	{
		status = err ? err->status : SKIP_ERR_PROTOCOL;
		goto out;
	}
	status = parse_remote_system_ids(obj, caps, log, log_ctx, err);

out:
	json_object_put(obj);
	if (status != SKIP_OK)
	{
		skip_capabilities_destroy(caps);
		return status;
	}
	*out = caps;
	return SKIP_OK;
}

skip_status_t skip_json_parse_key(const char *body, size_t len,
								  unsigned key_bits, const char *key_id,
								  skip_key_t **out, skip_error_t *err)
{
	skip_key_t *key = NULL;
	json_object *obj;
	skip_status_t status = SKIP_ERR_PROTOCOL;
	const char *id, *hex = NULL;
	size_t id_len, hex_len = 0;

	obj = parse_object(body, len, err);
	if (!obj)
	{
		return err ? err->status : SKIP_ERR_PROTOCOL;
	}
	id = skip_json_get_string(obj, "keyId", &id_len, err);
	if (!id)
	{
		goto out;
	}
	if (!skip_key_id_valid(id, id_len))
	{
		skip_error_set(err, SKIP_ERR_PROTOCOL, 0,
					   "field 'keyId' is not an even-length hex string of at "
					   "most %d digits", SKIP_KEY_ID_MAX_HEX);
		goto out;
	}
	/* hex is case-insensitive: a KP may echo the keyId in another case
	 * than it was asked for (e.g. one that came as raw bytes, hex-encoded
	 * here in lowercase) */
	if (key_id && strcasecmp(key_id, id) != 0)
	{
		skip_error_set(err, SKIP_ERR_PROTOCOL, 0,
					   "KP answered with keyId %s instead of %s", id, key_id);
		goto out;
	}
	hex = skip_json_get_string(obj, "key", &hex_len, err);
	if (!hex)
	{
		goto out;
	}
	if (key_bits && hex_len * 4 != key_bits)
	{
		skip_error_set(err, SKIP_ERR_PROTOCOL, 0,
					   "key has %zu bits, expected %u", hex_len * 4, key_bits);
		goto out;
	}
	key = calloc(1, sizeof(*key));
	if (!key)
	{
		status = skip_error_set(err, SKIP_ERR_NOMEM, 0, "out of memory");
		goto out;
	}
	key->key = decode_hex_field("key", hex, hex_len, SKIP_KEY_MAX_BYTES, err);
	if (!key->key)
	{
		status = err ? err->status : SKIP_ERR_PROTOCOL;
		goto out;
	}
	key->key_len = hex_len / 2;
	if (skip_all_zero(key->key, key->key_len))
	{
		skip_error_set(err, SKIP_ERR_PROTOCOL, 0, "key is all zeros");
		goto out;
	}
	memcpy(key->key_id, id, id_len);
	key->key_id[id_len] = '\0';
	status = SKIP_OK;

out:
	/* json-c's copy of the hex-encoded key */
	skip_json_put_wiped(obj);
	if (status != SKIP_OK)
	{
		skip_key_destroy(key);
		return status;
	}
	*out = key;
	return SKIP_OK;
}

skip_status_t skip_json_parse_entropy(const char *body, size_t len,
									  unsigned min_bits,
									  skip_entropy_t **out, skip_error_t *err)
{
	skip_entropy_t *entropy = NULL;
	json_object *obj, *member;
	skip_status_t status = SKIP_ERR_PROTOCOL;
	const char *hex = NULL;
	size_t hex_len = 0;
	int64_t bits;

	obj = parse_object(body, len, err);
	if (!obj)
	{
		return err ? err->status : SKIP_ERR_PROTOCOL;
	}
	hex = skip_json_get_string(obj, "randomStr", &hex_len, err);
	if (!hex)
	{
		goto out;
	}
	member = get_member(obj, "minentropy", json_type_int, err);
	if (!member)
	{
		goto out;
	}
	bits = json_object_get_int64(member);
	if (bits <= 0 || (uint64_t)bits > (uint64_t)hex_len * 4)
	{
		skip_error_set(err, SKIP_ERR_PROTOCOL, 0,
					   "minentropy %lld does not fit a randomStr of %zu bits",
					   (long long)bits, hex_len * 4);
		goto out;
	}
	if (min_bits && bits < min_bits)
	{
		skip_error_set(err, SKIP_ERR_PROTOCOL, 0,
					   "KP delivered %lld bits of entropy, requested %u",
					   (long long)bits, min_bits);
		goto out;
	}
	entropy = calloc(1, sizeof(*entropy));
	if (!entropy)
	{
		status = skip_error_set(err, SKIP_ERR_NOMEM, 0, "out of memory");
		goto out;
	}
	entropy->random = decode_hex_field("randomStr", hex, hex_len,
									   SKIP_ENTROPY_MAX_BYTES, err);
	if (!entropy->random)
	{
		status = err ? err->status : SKIP_ERR_PROTOCOL;
		goto out;
	}
	entropy->len = hex_len / 2;
	entropy->min_entropy = (unsigned)bits;
	status = SKIP_OK;

out:
	skip_json_put_wiped(obj);
	if (status != SKIP_OK)
	{
		skip_entropy_destroy(entropy);
		return status;
	}
	*out = entropy;
	return SKIP_OK;
}

void skip_json_error_message(const char *body, size_t len, char *out,
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
	obj = parse_object(body, len, NULL);
	if (!obj)
	{
		return;
	}
	msg = skip_json_get_string(obj, "message", &msg_len, NULL);
	if (msg && skip_printable(msg, msg_len, out_len - 1))
	{
		memcpy(out, msg, msg_len);
		out[msg_len] = '\0';
	}
	json_object_put(obj);
}
