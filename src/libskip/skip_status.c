/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "skip_status.h"
#include "skip_validate.h"

#include <stdarg.h>
#include <stdio.h>

const char *skip_status_name(skip_status_t status)
{
	switch (status)
	{
		case SKIP_OK:
			return "ok";
		case SKIP_ERR_INVALID_ARG:
			return "invalid argument";
		case SKIP_ERR_CONNECT:
			return "KP unreachable";
		case SKIP_ERR_TIMEOUT:
			return "KP timeout";
		case SKIP_ERR_TLS:
			return "TLS failure";
		case SKIP_ERR_BAD_REQUEST:
			return "KP refused request (400)";
		case SKIP_ERR_FORBIDDEN:
			return "KP refused client";
		case SKIP_ERR_NOT_FOUND:
			return "KP unknown path (404)";
		case SKIP_ERR_METHOD:
			return "KP refused method (405)";
		case SKIP_ERR_SERVER:
			return "KP internal error (500)";
		case SKIP_ERR_UNAVAILABLE:
			return "KP unavailable (503)";
		case SKIP_ERR_HTTP:
			return "unexpected HTTP status";
		case SKIP_ERR_PROTOCOL:
			return "invalid KP response";
		case SKIP_ERR_NOMEM:
			return "out of memory";
		case SKIP_ERR_INTERNAL:
			return "internal error";
	}
	return "unknown error";
}

bool skip_status_retryable(skip_status_t status)
{
	switch (status)
	{
		case SKIP_ERR_CONNECT:
		case SKIP_ERR_SERVER:
		case SKIP_ERR_UNAVAILABLE:
			return true;
		default:
			return false;
	}
}

skip_status_t skip_status_from_http(long code)
{
	switch (code)
	{
		case 200:
			return SKIP_OK;
		case 400:
			return SKIP_ERR_BAD_REQUEST;
		case 401:
		case 403:
			return SKIP_ERR_FORBIDDEN;
		case 404:
			return SKIP_ERR_NOT_FOUND;
		case 405:
			return SKIP_ERR_METHOD;
		case 500:
			return SKIP_ERR_SERVER;
		case 503:
			return SKIP_ERR_UNAVAILABLE;
		default:
			return SKIP_ERR_HTTP;
	}
}

skip_status_t skip_error_set(skip_error_t *err, skip_status_t status,
							 long http_code, const char *fmt, ...)
{
	va_list args;

	if (err)
	{
		err->status = status;
		err->http_code = http_code;
		va_start(args, fmt);
		vsnprintf(err->detail, sizeof(err->detail), fmt, args);
		va_end(args);
		/* details may quote what a KP sent: keep them printable */
		skip_sanitize_printable(err->detail);
	}
	return status;
}
