/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * What a SKIP API request asks for, from its path and query as evhttp
 * hands them over (still percent-encoded): the method of the draft's
 * Table 2 and its validated parameters. Everything a client sends passes
 * through here before it reaches a log line, the store or a peer KP.
 */

#ifndef KP_REQUEST_H_
#define KP_REQUEST_H_

#include <skip_validate.h>

#include <stdbool.h>

/** default key and entropy size (bits) */
#define KP_DEFAULT_BITS 256
/** sizes a client may request (bits) */
#define KP_MIN_KEY_BITS 128
#define KP_MIN_ENTROPY_BITS 8
#define KP_MAX_BITS 4096

/**
 * The methods of the SKIP API.
 */
typedef enum {
	/** not a path of the API: 404 */
	KP_REQ_UNKNOWN,
	/** GET /capabilities */
	KP_REQ_CAPABILITIES,
	/** GET /key?remoteSystemID=...[&size=...] */
	KP_REQ_KEY,
	/** GET /key/{keyId}?remoteSystemID=... */
	KP_REQ_KEY_BY_ID,
	/** GET /entropy[?minentropy=...] */
	KP_REQ_ENTROPY,
} kp_req_route_t;

/**
 * A parsed request.
 */
typedef struct {
	/** the method */
	kp_req_route_t route;
	/** NULL if the request is well-formed, else why not (answered 400) */
	const char *error;
	/** KP_REQ_KEY_BY_ID: the keyId */
	char key_id[SKIP_KEY_ID_MAX_HEX + 1];
	/** KP_REQ_KEY, KP_REQ_KEY_BY_ID: the remoteSystemID */
	char remote[SKIP_SYSTEM_ID_MAX + 1];
	/** KP_REQ_KEY: key size, KP_REQ_ENTROPY: minentropy (bits) */
	unsigned bits;
} kp_req_t;

/**
 * The method a path names.
 */
kp_req_route_t kp_request_route(const char *path);

/**
 * Parse a request of the SKIP API.
 *
 * @param path		path, percent-encoded
 * @param query		query string, percent-encoded, NULL if none
 * @param req		receives the method and parameters
 */
void kp_request_parse(const char *path, const char *query, kp_req_t *req);

#endif /* KP_REQUEST_H_ */
