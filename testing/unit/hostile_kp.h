/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * A hostile "KP" for tests of the SKIP client: a TLS server (certificate
 * mode) in a thread that reads one request per connection (request line,
 * headers, body) and answers it with scripted
 * raw bytes: truncated, chunked, oversized, garbage, or dripping slowly.
 */

#ifndef HOSTILE_KP_H_
#define HOSTILE_KP_H_

#include <stdbool.h>
#include <stddef.h>

typedef struct hostile_kp_t hostile_kp_t;

/**
 * What the server sends after reading the request headers.
 */
typedef struct {
	/** raw bytes (HTTP status line, headers, body) */
	const char *data;
	/** length of data */
	size_t len;
	/** send the data in pieces of this size, 0 for all at once */
	size_t piece;
	/** pause between pieces (ms) */
	unsigned pause_ms;
	/** close the connection right after (else wait for the client) */
	bool close;
} hostile_answer_t;

/**
 * Start the server on a free loopback port with a certificate and key.
 *
 * @param cert		server certificate (PEM), SAN 127.0.0.1
 * @param key		its private key (PEM)
 * @param answer	what to send, must outlive the server
 */
hostile_kp_t *hostile_kp_start(const char *cert, const char *key,
							   const hostile_answer_t *answer);

/**
 * Start the server with a script of answers: request n (counting from 0)
 * gets answers[n], requests beyond the script get its last answer.
 *
 * @param count		number of answers, at least 1
 */
hostile_kp_t *hostile_kp_start_script(const char *cert, const char *key,
									  const hostile_answer_t *answers,
									  int count);

/**
 * https://127.0.0.1:PORT of the server.
 */
const char *hostile_kp_url(hostile_kp_t *this);

/**
 * Number of requests the server read (answered or not).
 */
int hostile_kp_requests(hostile_kp_t *this);

/**
 * Request line of the last request read ("GET /path HTTP/1.1").
 */
const char *hostile_kp_request_line(hostile_kp_t *this);

/**
 * Require a client certificate issued by the given CA (mutual TLS); call
 * before the first connection.
 */
void hostile_kp_require_client_cert(hostile_kp_t *this, const char *ca);

/**
 * Common name of the last client certificate verified, "" if none.
 */
const char *hostile_kp_client_cn(hostile_kp_t *this);

/**
 * Body of the last request read (as announced by Content-Length), "" if
 * it had none.
 */
const char *hostile_kp_request_body(hostile_kp_t *this);

/**
 * Stop the server and free it.
 */
void hostile_kp_stop(hostile_kp_t *this);

#endif /* HOSTILE_KP_H_ */
