/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * HTTP helpers of the Key Provider on top of libevent's evhttp: TLS
 * listeners, JSON answers, bodies that hold keys (wiped after use).
 */

#ifndef KP_HTTP_H_
#define KP_HTTP_H_

#include <stdbool.h>
#include <stddef.h>

#include <event2/event.h>
#include <event2/http.h>
#include <json-c/json.h>
#include <openssl/ssl.h>

/** largest request header block accepted */
#define KP_HTTP_HEADERS_MAX 8192

typedef struct kp_http_server_t kp_http_server_t;

/**
 * What one client may cost an HTTPS server.
 */
typedef struct {
	/** connections at once; further ones wait in the listen backlog */
	unsigned max_connections;
	/** seconds a connection may take to complete a request (TLS handshake
	 *  and request, or the next request after an answer); also the idle,
	 *  read and write timeout */
	unsigned timeout_s;
	/** largest request body */
	size_t max_body;
} kp_http_limits_t;

/**
 * Create an HTTPS server on host:port with the given TLS context; every
 * request goes to cb. Logs and returns NULL on error.
 */
kp_http_server_t *kp_http_server_create(struct event_base *base, SSL_CTX *ctx,
										const char *host, unsigned port,
										const kp_http_limits_t *limits,
										void (*cb)(struct evhttp_request *req,
												   void *arg),
										void *arg);

/**
 * Number of client connections open.
 */
unsigned kp_http_server_connections(kp_http_server_t *server);

/**
 * Close all connections and the listener, free the server (NULL accepted).
 */
void kp_http_server_destroy(kp_http_server_t *server);

/**
 * A request is being worked on: its connection's deadline waits until the
 * answer is sent (with one of the kp_http_send_* functions).
 */
void kp_http_begin(struct evhttp_request *req);

/**
 * Close the connection of a request without answering (fault injection).
 */
void kp_http_drop(struct evhttp_request *req);

/**
 * Send the request just made on an established client connection at once,
 * in one piece (one TLS record, one write), not after the next epoll.
 */
void kp_http_send_request_now(struct evhttp_connection *conn);

/**
 * Create a client connection to host:port over TLS with the given context.
 */
struct evhttp_connection *kp_http_connect(struct event_base *base,
										  SSL_CTX *ctx, const char *host,
										  unsigned port);

/**
 * Answer with a JSON body; takes ownership of obj.
 */
void kp_http_send_json(struct evhttp_request *req, int code, json_object *obj);

/**
 * Answer with a JSON body holding key material: every copy of it is
 * wiped, the serialized body once libevent has sent it. Takes ownership.
 */
void kp_http_send_secret(struct evhttp_request *req, int code,
						 json_object *obj);

/**
 * Add a JSON body holding key material to an outgoing request or reply
 * buffer, wiped once sent. Takes ownership of obj.
 */
bool kp_http_add_secret(struct evbuffer *buf, json_object *obj);

/**
 * Answer with an error: {"status": code, "message": "..."}.
 */
void kp_http_send_error(struct evhttp_request *req, int code,
						const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/**
 * Take the request body (at most max bytes) into a new NUL-terminated
 * buffer and wipe libevent's copy. Wipe and free the buffer after use.
 *
 * @return			body, NULL if it is larger than max or memory is short
 */
char *kp_http_take_body(struct evhttp_request *req, size_t max, size_t *len);

/**
 * The authenticated TLS identity of the client of a request
 * ("psk:<identity>" or "cert:<subject>").
 *
 * @return			false if the client is not authenticated
 */
bool kp_http_client(struct evhttp_request *req, char *buf, size_t len);

/**
 * Build a JSON key object {"keyId": ..., "key": <hex>}.
 */
json_object *kp_http_key_json(const char *key_id, const uint8_t *key,
							  size_t len);

#endif /* KP_HTTP_H_ */
