/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "skip_request.h"

#include <stdarg.h>
#include <time.h>

/** first pause before repeating a request that may succeed later */
#define RETRY_DELAY_MS 50
/** longest pause between two attempts */
#define RETRY_DELAY_MAX_MS 250

static void request_log(skip_log_t log, void *log_ctx, int level,
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

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long long ms)
{
	struct timespec ts = {
		.tv_sec = ms / 1000,
		.tv_nsec = (ms % 1000) * 1000000,
	};

	nanosleep(&ts, NULL);
}

/**
 * Whether a failed attempt may be repeated.
 *
 * @param req		the request
 * @param status	result of the attempt
 * @param code		HTTP status of the answer, 0 if there was none
 * @param sent		whether the request went out
 */
static bool may_retry(const skip_request_t *req, skip_status_t status,
					  long code, bool sent)
{
	if (req->kind == SKIP_REQUEST_PLAIN)
	{
		return skip_status_retryable(status);
	}
	if (code)
	{	/* a complete answer: the source did not hand out the key */
		return status == req->wait_status || skip_status_retryable(status);
	}
	/* no answer: repeat only what never reached the source */
	return !sent && skip_status_retryable(status);
}

skip_status_t skip_request(skip_http_t *http, const skip_request_t *req,
						   unsigned budget_ms, skip_log_t log, void *log_ctx,
						   skip_http_response_t *response, skip_error_t *err)
{
	const char *method = req->body ? "POST" : "GET";
	long long start = now_ms();
	long long deadline = start + budget_ms;
	long long remaining, delay = RETRY_DELAY_MS;
	skip_http_mode_t mode;
	skip_status_t status;
	unsigned timeout;
	int attempt;
	long code;

	mode = req->kind == SKIP_REQUEST_ONCE ? SKIP_HTTP_ONCE
										  : SKIP_HTTP_REPEATABLE;
	for (attempt = 1; ; attempt++)
	{
		remaining = deadline - now_ms();
		timeout = remaining > 0 ? (unsigned)remaining : 1;
		code = 0;
		if (req->body)
		{
			status = http->post(http, req->target, req->body, req->len,
								timeout, mode, response, err);
		}
		else
		{
			status = http->get(http, req->target, timeout, mode, response,
							   err);
		}
		if (status == SKIP_OK)
		{
			if (response->code == 200)
			{
				request_log(log, log_ctx, 2, "%s %s%s: 200 in %lld ms", method,
							http->get_url(http), req->target, now_ms() - start);
				return SKIP_OK;
			}
			status = req->map(method, req->target, response, err);
			code = response->code;
			skip_http_response_clear(response);
		}
		if (!may_retry(req, status, code, response->sent))
		{
			if (req->kind == SKIP_REQUEST_ONCE && !code && response->sent)
			{
				request_log(log, log_ctx, 1, "%s %s%s: %s after the request "
							"went out, not repeated (the key source may have "
							"handed out the key)", method, http->get_url(http),
							req->target, skip_status_name(status));
			}
			return status;
		}
		remaining = deadline - now_ms();
		if (remaining <= delay)
		{
			return status;
		}
		request_log(log, log_ctx, 2, "%s %s%s failed (%s), attempt %d, "
					"retrying in %lld ms", method, http->get_url(http),
					req->target, skip_status_name(status), attempt, delay);
		sleep_ms(delay);
		delay = delay * 2 > RETRY_DELAY_MAX_MS ? RETRY_DELAY_MAX_MS : delay * 2;
	}
}
