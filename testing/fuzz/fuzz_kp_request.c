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
 * it accepts carries only valid system IDs, keyIds and sizes.
 */

#include <kp_request.h>

#include <stdlib.h>
#include <string.h>

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
