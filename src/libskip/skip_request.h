/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup skip_request skip_request
 * @{ @ingroup libskip
 *
 * One request to a key source, repeated within a time budget where that is
 * safe: the retry rules every protocol's client shares.
 */

#ifndef SKIP_REQUEST_H_
#define SKIP_REQUEST_H_

#include "skip_config.h"
#include "skip_http.h"
#include "skip_status.h"

/**
 * What a request asks for, which decides what may be repeated.
 */
typedef enum {
	/** capabilities, status, entropy, a new key: 5xx answers and lost
	 *  connections are repeated (at worst the source makes a key nobody
	 *  uses) */
	SKIP_REQUEST_PLAIN,
	/** a key by its ID: the source hands it out once, so the request is
	 *  repeated only if the source provably never saw it or answered it
	 *  completely (5xx, or the request's wait status: the key may still be
	 *  on its way from the peer's source) */
	SKIP_REQUEST_ONCE,
} skip_request_kind_t;

/**
 * Map a complete answer other than 200 to a status and fill err (the
 * source's error message escaped, never key material).
 *
 * @param method	"GET" or "POST"
 * @param target	path and query of the request
 * @param response	the answer
 * @param err		receives the reason (may be NULL)
 * @return			status of the answer
 */
typedef skip_status_t (*skip_request_map_t)(const char *method,
											const char *target,
											const skip_http_response_t *response,
											skip_error_t *err);

/**
 * A request and its retry rules.
 */
typedef struct {
	/** path and query, starting with '/', already escaped */
	const char *target;
	/** POST body (JSON), NULL for a GET */
	const char *body;
	/** length of body */
	size_t len;
	/** what the request asks for */
	skip_request_kind_t kind;
	/** SKIP_REQUEST_ONCE: the status of a complete answer meaning "not
	 *  there yet", repeated with backoff (SKIP: 400; ETSI 014: not found) */
	skip_status_t wait_status;
	/** maps answers other than 200 */
	skip_request_map_t map;
} skip_request_t;

/**
 * Send a request until the source answers 200, a final error occurs or the
 * budget is spent; pauses start at 50 ms and double up to 250 ms. On success
 * response holds the body.
 *
 * @param http		connections to the source
 * @param req		the request
 * @param budget_ms	time budget of the whole operation
 * @param log		log callback (may be NULL)
 * @param log_ctx	context passed to log
 * @param response	receives the answer, clear it with
 *					skip_http_response_clear()
 * @param err		receives the reason on failure (may be NULL)
 */
skip_status_t skip_request(skip_http_t *http, const skip_request_t *req,
						   unsigned budget_ms, skip_log_t log, void *log_ctx,
						   skip_http_response_t *response, skip_error_t *err);

#endif /** SKIP_REQUEST_H_ @}*/
