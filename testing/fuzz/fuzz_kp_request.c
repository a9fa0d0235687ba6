/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * libFuzzer target: the reference KP's request parser, on the path and
 * query of a request as evhttp hands them over ("PATH\nQUERY"). A request
 * it accepts carries only valid system IDs, keyIds and sizes. The same
 * input goes to the ETSI GS QKD 014 parsers, as query and as POST body: an
 * accepted key request has a number and size in the limits, accepted key
 * IDs are 32 lowercase hex digits.
 */

#include <kp_request.h>
#include <kp_etsi.h>
#include <kp_etsi_json.h>

#include <ctype.h>

#include <stdlib.h>
#include <string.h>

static void check_key_ids(char ids[][KP_ETSI_KEY_ID_HEX + 1], size_t count,
						  size_t max)
{
	size_t i, j;

	if (count > max)
	{
		abort();
	}
	for (i = 0; i < count; i++)
	{
		if (strlen(ids[i]) != KP_ETSI_KEY_ID_HEX)
		{
			abort();
		}
		for (j = 0; j < KP_ETSI_KEY_ID_HEX; j++)
		{
			if (!isxdigit((unsigned char)ids[i][j]) ||
				isupper((unsigned char)ids[i][j]))
			{
				abort();
			}
		}
	}
}

static void check_key_request(const char *err, const kp_etsi_limits_t *limits,
							  const kp_etsi_key_req_t *req)
{
	if (!err && (req->number < 1 || req->number > limits->max_keys ||
				 req->size % 8 || req->size < limits->min_size ||
				 req->size > limits->max_size))
	{
		abort();
	}
}

/**
 * The ETSI parsers on the text as query and as body.
 */
static void fuzz_etsi(const char *path, const char *query, const char *text,
					  size_t len)
{
	kp_etsi_limits_t limits = {
		.key_size = 256, .min_size = 128, .max_size = 4096, .max_keys = 16,
	};
	char ids[16][KP_ETSI_KEY_ID_HEX + 1];
	kp_etsi_key_req_t req;
	const char *err;
	size_t count;

	kp_etsi_route(path);
	err = kp_etsi_parse_key_request(NULL, 0, query, &limits, &req);
	check_key_request(err, &limits, &req);
	err = kp_etsi_parse_key_request(text, len, NULL, &limits, &req);
	check_key_request(err, &limits, &req);
	if (!kp_etsi_parse_key_ids(NULL, 0, query, ids, 16, &count))
	{
		check_key_ids(ids, count, 1);
	}
	if (!kp_etsi_parse_key_ids(text, len, NULL, ids, 16, &count))
	{
		check_key_ids(ids, count, 16);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text, *query;
	kp_req_t req;

	text = strndup((const char*)data, size);
	if (!text)
	{
		return 0;
	}
	query = strchr(text, '\n');
	if (query)
	{
		*query++ = '\0';
	}
	fuzz_etsi(text, query, (const char*)data, size);
	kp_request_parse(text, query, &req);
	if (req.route != kp_request_route(text))
	{
		abort();
	}
	if (!req.error)
	{
		switch (req.route)
		{
			case KP_REQ_KEY_BY_ID:
				if (!skip_key_id_valid(req.key_id, strlen(req.key_id)))
				{
					abort();
				}
				/* fall through */
			case KP_REQ_KEY:
				if (!skip_system_id_valid(req.remote, strlen(req.remote)))
				{
					abort();
				}
				if (req.route == KP_REQ_KEY &&
					(req.bits < KP_MIN_KEY_BITS || req.bits > KP_MAX_BITS ||
					 req.bits % 8))
				{
					abort();
				}
				break;
			case KP_REQ_ENTROPY:
				if (req.bits < KP_MIN_ENTROPY_BITS || req.bits > KP_MAX_BITS ||
					req.bits % 8)
				{
					abort();
				}
				break;
			default:
				break;
		}
	}
	free(text);
	return 0;
}
