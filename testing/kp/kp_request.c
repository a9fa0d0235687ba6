/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "kp_request.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#define STR(x) #x
#define XSTR(x) STR(x)

kp_req_route_t kp_request_route(const char *path)
{
	if (strcmp(path, "/capabilities") == 0)
	{
		return KP_REQ_CAPABILITIES;
	}
	if (strcmp(path, "/key") == 0)
	{
		return KP_REQ_KEY;
	}
	if (strncmp(path, "/key/", 5) == 0)
	{
		return KP_REQ_KEY_BY_ID;
	}
	if (strcmp(path, "/entropy") == 0)
	{
		return KP_REQ_ENTROPY;
	}
	return KP_REQ_UNKNOWN;
}

/**
 * Parse a query string: only the allowed parameters, each at most once.
 */
static bool parse_query(const char *raw, struct evkeyvalq *params,
						const char *const allowed[])
{
	struct evkeyval *param, *other;
	bool valid;
	size_t i;

	TAILQ_INIT(params);
	/* decoded values are C strings: a NUL byte would cut one short */
	valid = !raw || (!strcasestr(raw, "%00") &&
					 evhttp_parse_query_str(raw, params) == 0);
	TAILQ_FOREACH(param, params, next)
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
		valid = valid && known;
	}
	return valid;
}

/**
 * Parse an optional size in bits: decimal digits only, a multiple of 8
 * in [min, KP_MAX_BITS]. Anything else is a size we cannot serve.
 */
static bool parse_bits(const char *value, unsigned min, unsigned *bits)
{
	unsigned parsed = 0;
	size_t i;

	if (!value)
	{
		*bits = KP_DEFAULT_BITS;
		return true;
	}
	for (i = 0; value[i]; i++)
	{
		if (!isdigit((unsigned char)value[i]) || i >= 5)
		{
			return false;
		}
		parsed = parsed * 10 + (unsigned)(value[i] - '0');
	}
	if (!i || parsed < min || parsed > KP_MAX_BITS || parsed % 8)
	{
		return false;
	}
	*bits = parsed;
	return true;
}

/**
 * The remoteSystemID of a key request.
 */
static const char *parse_remote(struct evkeyvalq *params, kp_req_t *req)
{
	const char *remote;

	remote = evhttp_find_header(params, "remoteSystemID");
	if (!remote)
	{
		return "remoteSystemID missing";
	}
	if (!skip_system_id_valid(remote, strlen(remote)))
	{
		return "invalid remoteSystemID";
	}
	strcpy(req->remote, remote);
	return NULL;
}

/**
 * The keyId segment of /key/{keyId}, as it was percent-encoded: a decoded
 * NUL or '/' makes it a malformed keyId.
 */
static bool parse_key_id(const char *segment, kp_req_t *req)
{
	size_t len;
	char *key_id;
	bool valid;

	key_id = evhttp_uridecode(segment, 0, &len);
	valid = key_id && strlen(key_id) == len && skip_key_id_valid(key_id, len);
	if (valid)
	{
		strcpy(req->key_id, key_id);
	}
	free(key_id);
	return valid;
}

void kp_request_parse(const char *path, const char *query, kp_req_t *req)
{
	static const char *const none[] = { NULL };
	static const char *const key[] = { "remoteSystemID", "size", NULL };
	static const char *const key_by_id[] = { "remoteSystemID", NULL };
	static const char *const entropy[] = { "minentropy", NULL };
	struct evkeyvalq params;

	memset(req, 0, sizeof(*req));
	req->route = kp_request_route(path);
	TAILQ_INIT(&params);
	switch (req->route)
	{
		case KP_REQ_UNKNOWN:
			break;
		case KP_REQ_CAPABILITIES:
			if (!parse_query(query, &params, none))
			{
				req->error = "invalid query";
			}
			break;
		case KP_REQ_KEY:
			if (!parse_query(query, &params, key))
			{
				req->error = "invalid query";
			}
			else if (!(req->error = parse_remote(&params, req)) &&
					 !parse_bits(evhttp_find_header(&params, "size"),
								 KP_MIN_KEY_BITS, &req->bits))
			{
				req->error = "size must be a multiple of 8 from "
							 XSTR(KP_MIN_KEY_BITS) " to " XSTR(KP_MAX_BITS);
			}
			break;
		case KP_REQ_KEY_BY_ID:
			if (!parse_key_id(path + 5, req))
			{
				req->error = "malformed keyId";
			}
			else if (!parse_query(query, &params, key_by_id))
			{
				req->error = "invalid query";
			}
			else
			{
				req->error = parse_remote(&params, req);
			}
			break;
		case KP_REQ_ENTROPY:
			if (!parse_query(query, &params, entropy) ||
				!parse_bits(evhttp_find_header(&params, "minentropy"),
							KP_MIN_ENTROPY_BITS, &req->bits))
			{
				req->error = "minentropy must be a multiple of 8 from "
							 XSTR(KP_MIN_ENTROPY_BITS) " to " XSTR(KP_MAX_BITS);
			}
			break;
	}
	evhttp_clear_headers(&params);
}
