/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "kp_http.h"
#include "kp_log.h"
#include "kp_tls.h"

#include <skip_json.h>
#include <skip_key.h>
#include <skip_validate.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/bufferevent_struct.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>

/**
 * An HTTPS server with a bound on connections and a deadline per request.
 * evhttp (2.1) has neither: connections are counted through their SSL
 * objects (created in the bufferevent callback, freed with the connection)
 * and cut off by shutting their socket down, which evhttp then handles as
 * a failed connection.
 */
typedef struct conn_t conn_t;

struct kp_http_server_t {
	struct event_base *base;
	struct evhttp *http;
	SSL_CTX *ctx;
	/** the listener, disabled while max connections are open */
	struct evconnlistener *listener;
	kp_http_limits_t limits;
	/** connections open */
	unsigned connections;
	/** set once the server is destroyed: the last connection frees it */
	bool closing;
	/** connections answered in this turn of the loop, and the event that
	 *  sends their answers */
	TAILQ_HEAD(, conn_t) answered;
	struct event *send;
};

/**
 * A client connection, attached to its SSL object (freed with it).
 */
struct conn_t {
	kp_http_server_t *server;
	struct bufferevent *bev;
	/** closes the connection if no request completes in time */
	struct event *deadline;
	/** in server->answered */
	bool queued;
	TAILQ_ENTRY(conn_t) next;
};

/** SSL ex_data index of conn_t */
static int conn_index = -1;

/**
 * The SSL object of a connection is freed: the connection is gone.
 */
static void conn_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx,
					  long argl, void *argp)
{
	conn_t *conn = ptr;
	kp_http_server_t *server;

	if (!conn)
	{
		return;
	}
	server = conn->server;
	if (conn->deadline)
	{
		event_free(conn->deadline);
	}
	if (conn->queued)
	{
		TAILQ_REMOVE(&server->answered, conn, next);
	}
	free(conn);
	if (server->closing)
	{	/* libevent may finalize connections after the server is gone */
		if (--server->connections == 0)
		{
			free(server);
		}
		return;
	}
	if (server->connections-- == server->limits.max_connections)
	{
		evconnlistener_enable(server->listener);
	}
}

/**
 * The client did not complete a request in time: shut the socket down,
 * evhttp then sees the connection fail and frees it. Slow clients (one
 * byte at a time) are cut off as well as silent ones.
 */
static void deadline_cb(evutil_socket_t unused, short what, void *arg)
{
	conn_t *conn = arg;
	evutil_socket_t fd = bufferevent_getfd(conn->bev);

	kp_log(KP_LOG_DEBUG, "closing a connection that did not complete a "
		   "request within %u s", conn->server->limits.timeout_s);
	if (fd >= 0)
	{
		shutdown(fd, SHUT_RDWR);
	}
}

static void conn_arm(conn_t *conn)
{
	struct timeval tv = { .tv_sec = conn->server->limits.timeout_s };

	evtimer_add(conn->deadline, &tv);
}

static struct bufferevent *accept_bev(struct event_base *base, void *arg)
{
	kp_http_server_t *server = arg;
	struct bufferevent *bev;
	conn_t *conn;
	SSL *ssl;

	ssl = SSL_new(server->ctx);
	if (!ssl)
	{	/* out of memory: evhttp falls back to plain TCP, where every
		 * request is refused for want of an authenticated TLS client */
		return NULL;
	}
	conn = calloc(1, sizeof(*conn));
	if (conn && !SSL_set_ex_data(ssl, conn_index, conn))
	{
		free(conn);
		conn = NULL;
	}
	if (conn)
	{	/* counted from here, uncounted again by conn_free() */
		conn->server = server;
		conn->deadline = evtimer_new(base, deadline_cb, conn);
		if (++server->connections == server->limits.max_connections)
		{	/* further clients wait in the kernel's backlog */
			evconnlistener_disable(server->listener);
			kp_log(KP_LOG_INFO, "%u connections open, not accepting more "
				   "for now", server->connections);
		}
	}
	bev = bufferevent_openssl_socket_new(base, -1, ssl,
										 BUFFEREVENT_SSL_ACCEPTING,
										 BEV_OPT_CLOSE_ON_FREE);
	if (!bev)
	{	/* frees conn through conn_free() */
		SSL_free(ssl);
		return NULL;
	}
	if (conn)
	{
		conn->bev = bev;
		if (conn->deadline)
		{
			conn_arm(conn);
		}
	}
	return bev;
}

static conn_t *get_conn(struct evhttp_request *req)
{
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);
	struct bufferevent *bev;
	SSL *ssl;

	bev = evcon ? evhttp_connection_get_bufferevent(evcon) : NULL;
	ssl = bev ? bufferevent_openssl_get_ssl(bev) : NULL;
	return ssl ? SSL_get_ex_data(ssl, conn_index) : NULL;
}

void kp_http_begin(struct evhttp_request *req)
{
	conn_t *conn = get_conn(req);

	if (conn && conn->deadline)
	{
		evtimer_del(conn->deadline);
	}
}

static void wipe_reference(const void *data, size_t len, void *extra)
{
	(void)extra;
	skip_memwipe((void*)data, len);
	free((void*)data);
}

/**
 * Send what waits in the output of a connection now, as one piece: evhttp
 * queues the header and the body of a message as two, which the TLS layer
 * would send as two records in two write(2)s, and only once epoll reports
 * the socket writable in the next turn of the loop. The joined copy is
 * wiped when sent, as keys in messages are.
 */
static void send_now(struct bufferevent *bev)
{
	struct evbuffer *out = bufferevent_get_output(bev);
	size_t len = evbuffer_get_length(out);
	uint8_t *joined;

	if (!len)
	{
		return;
	}
	joined = evbuffer_peek(out, -1, NULL, NULL, 0) > 1 ? malloc(len) : NULL;
	/* draining wipes the body if it was a secret (wipe_reference()) */
	if (joined && (evbuffer_remove(out, joined, len) != (int)len ||
				   evbuffer_add_reference(out, joined, len, wipe_reference,
										  NULL) != 0))
	{	/* cannot happen with a buffer we just emptied */
		wipe_reference(joined, len, NULL);
		kp_log(KP_LOG_ERROR, "cannot send a message, closing");
		shutdown(bufferevent_getfd(bev), SHUT_RDWR);
		return;
	}
	/* write now rather than after epoll reported the socket writable (it
	 * mostly is; if not, the write waits for it as usual) */
	event_active(&bev->ev_write, EV_WRITE, 1);
}

/**
 * Send the answers of this turn of the loop, each in one piece.
 */
static void send_answers(evutil_socket_t unused, short what, void *arg)
{
	kp_http_server_t *server = arg;
	conn_t *conn;

	while ((conn = TAILQ_FIRST(&server->answered)))
	{
		TAILQ_REMOVE(&server->answered, conn, next);
		conn->queued = false;
		send_now(conn->bev);
	}
}

/**
 * An answer is about to be queued: the client has a new deadline for its
 * next request, and the answer is sent once this turn's requests are done.
 */
static void answered(struct evhttp_request *req)
{
	conn_t *conn = get_conn(req);

	if (!conn)
	{
		return;
	}
	if (conn->deadline)
	{
		conn_arm(conn);
	}
	if (!conn->queued && conn->server->send && conn->bev)
	{
		conn->queued = true;
		TAILQ_INSERT_TAIL(&conn->server->answered, conn, next);
		event_active(conn->server->send, EV_TIMEOUT, 0);
	}
}

static void drop_cb(evutil_socket_t unused, short what, void *arg)
{
	evhttp_connection_free(arg);
}

void kp_http_drop(struct evhttp_request *req)
{
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);
	struct timeval now = {};

	/* not from within the request callback: evhttp still uses evcon */
	if (evcon && event_base_once(evhttp_connection_get_base(evcon), -1,
								 EV_TIMEOUT, drop_cb, evcon, &now) == 0)
	{
		return;
	}
	evhttp_send_error(req, 500, NULL);
}

kp_http_server_t *kp_http_server_create(struct event_base *base, SSL_CTX *ctx,
										const char *host, unsigned port,
										const kp_http_limits_t *limits,
										void (*cb)(struct evhttp_request *req,
												   void *arg),
										void *arg)
{
	struct evhttp_bound_socket *handle;
	kp_http_server_t *server;
	int one = 1;

	if (conn_index < 0)
	{
		conn_index = SSL_get_ex_new_index(0, NULL, NULL, NULL, conn_free);
	}
	server = calloc(1, sizeof(*server));
	if (!server || conn_index < 0)
	{
		free(server);
		return NULL;
	}
	server->base = base;
	server->ctx = ctx;
	server->limits = *limits;
	TAILQ_INIT(&server->answered);
	server->send = event_new(base, -1, 0, send_answers, server);
	server->http = evhttp_new(base);
	if (!server->http || !server->send)
	{
		if (server->http)
		{
			evhttp_free(server->http);
		}
		if (server->send)
		{
			event_free(server->send);
		}
		free(server);
		return NULL;
	}
	evhttp_set_bevcb(server->http, accept_bev, server);
	evhttp_set_gencb(server->http, cb, arg);
	evhttp_set_max_headers_size(server->http, KP_HTTP_HEADERS_MAX);
	evhttp_set_max_body_size(server->http, (ev_ssize_t)limits->max_body);
	evhttp_set_timeout(server->http, (int)limits->timeout_s);
	/* a client sending too large a body gets its 413 before the close (the
	 * deadline still bounds the time it may keep sending) */
	evhttp_set_flags(server->http, EVHTTP_SERVER_LINGERING_CLOSE);
	/* every method reaches the handlers, which answer 405 as SKIP wants */
	evhttp_set_allowed_methods(server->http, EVHTTP_REQ_GET |
		EVHTTP_REQ_POST | EVHTTP_REQ_HEAD | EVHTTP_REQ_PUT |
		EVHTTP_REQ_DELETE | EVHTTP_REQ_OPTIONS | EVHTTP_REQ_TRACE |
		EVHTTP_REQ_CONNECT | EVHTTP_REQ_PATCH);
	handle = evhttp_bind_socket_with_handle(server->http, host,
											(ev_uint16_t)port);
	if (!handle)
	{
		kp_log(KP_LOG_ERROR, "cannot listen on %s:%u: %m", host, port);
		kp_http_server_destroy(server);
		return NULL;
	}
	server->listener = evhttp_bound_socket_get_listener(handle);
	/* accepted sockets inherit it; without, each answer waits ~40 ms */
	setsockopt(evhttp_bound_socket_get_fd(handle), IPPROTO_TCP, TCP_NODELAY,
			   &one, sizeof(one));
	return server;
}

unsigned kp_http_server_connections(kp_http_server_t *server)
{
	return server->connections;
}

void kp_http_server_destroy(kp_http_server_t *server)
{
	if (server)
	{
		server->closing = true;
		/* answers not sent yet are not sent; connections still queued
		 * leave the list when they are freed */
		if (server->send)
		{
			event_free(server->send);
			server->send = NULL;
		}
		if (server->http)
		{
			evhttp_free(server->http);
		}
		/* else the last connection freed frees it */
		if (!server->connections)
		{
			free(server);
		}
	}
}

struct evhttp_connection *kp_http_connect(struct event_base *base,
										  SSL_CTX *ctx, const char *host,
										  unsigned port)
{
	struct bufferevent *bev;
	SSL *ssl;

	ssl = SSL_new(ctx);
	if (!ssl)
	{
		return NULL;
	}
	bev = bufferevent_openssl_socket_new(base, -1, ssl,
										 BUFFEREVENT_SSL_CONNECTING,
										 BEV_OPT_CLOSE_ON_FREE |
										 BEV_OPT_DEFER_CALLBACKS);
	if (!bev)
	{
		SSL_free(ssl);
		return NULL;
	}
	bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
	return evhttp_connection_base_bufferevent_new(base, NULL, bev, host,
												  (ev_uint16_t)port);
}

void kp_http_send_request_now(struct evhttp_connection *conn)
{
	send_now(evhttp_connection_get_bufferevent(conn));
}

static void set_json_header(struct evhttp_request *req)
{
	evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
					  "application/json");
}

void kp_http_send_json(struct evhttp_request *req, int code, json_object *obj)
{
	struct evbuffer *buf;
	const char *body;

	if (evhttp_request_get_command(req) == EVHTTP_REQ_HEAD)
	{	/* evhttp 2.1 would send a body after all, and the next answer on
		 * the connection would come after it */
		answered(req);
		evhttp_send_reply(req, code, NULL, NULL);
		json_object_put(obj);
		return;
	}
	buf = evbuffer_new();

	body = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN);
	if (buf)
	{
		evbuffer_add(buf, body, strlen(body));
		set_json_header(req);
		answered(req);
		evhttp_send_reply(req, code, NULL, buf);
		evbuffer_free(buf);
	}
	else
	{
		answered(req);
		evhttp_send_error(req, 500, NULL);
	}
	json_object_put(obj);
}

bool kp_http_add_secret(struct evbuffer *buf, json_object *obj)
{
	size_t len;
	char *text;

	text = skip_json_to_secret_string(obj, &len);
	if (!text)
	{
		return false;
	}
	if (evbuffer_add_reference(buf, text, len, wipe_reference, NULL) != 0)
	{
		wipe_reference(text, len, NULL);
		return false;
	}
	return true;
}

void kp_http_send_secret(struct evhttp_request *req, int code,
						 json_object *obj)
{
	struct evbuffer *buf = evbuffer_new();

	if (!buf || !kp_http_add_secret(buf, obj))
	{
		if (buf)
		{
			evbuffer_free(buf);
		}
		else
		{
			skip_json_put_wiped(obj);
		}
		kp_http_send_error(req, 500, "out of memory");
		return;
	}
	set_json_header(req);
	answered(req);
	evhttp_send_reply(req, code, NULL, buf);
	evbuffer_free(buf);
}

void kp_http_send_error(struct evhttp_request *req, int code,
						const char *fmt, ...)
{
	char message[256];
	json_object *obj;
	va_list args;

	va_start(args, fmt);
	vsnprintf(message, sizeof(message), fmt, args);
	va_end(args);
	skip_sanitize_printable(message);

	obj = json_object_new_object();
	json_object_object_add(obj, "status", json_object_new_int(code));
	json_object_object_add(obj, "message", json_object_new_string(message));
	kp_http_send_json(req, code, obj);
}

char *kp_http_take_body(struct evhttp_request *req, size_t max, size_t *len)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	size_t n = evbuffer_get_length(in);
	unsigned char *data;
	char *body = NULL;

	*len = 0;
	data = n ? evbuffer_pullup(in, -1) : NULL;
	if (n <= max)
	{
		body = malloc(n + 1);
	}
	if (body)
	{
		if (n)
		{
			memcpy(body, data, n);
		}
		body[n] = '\0';
		*len = n;
	}
	if (data)
	{
		skip_memwipe(data, n);
	}
	evbuffer_drain(in, n);
	return body;
}

bool kp_http_client(struct evhttp_request *req, char *buf, size_t len)
{
	struct evhttp_connection *conn = evhttp_request_get_connection(req);
	struct bufferevent *bev;
	SSL *ssl;

	bev = conn ? evhttp_connection_get_bufferevent(conn) : NULL;
	ssl = bev ? bufferevent_openssl_get_ssl(bev) : NULL;
	return ssl && kp_tls_client_identity(ssl, buf, len);
}

json_object *kp_http_key_json(const char *key_id, const uint8_t *key,
							  size_t len)
{
	char hex[2 * SKIP_KEY_MAX_BYTES + 1];
	json_object *obj;

	skip_hex_encode(key, len, hex);
	obj = json_object_new_object();
	json_object_object_add(obj, "keyId", json_object_new_string(key_id));
	json_object_object_add(obj, "key", json_object_new_string(hex));
	skip_memwipe(hex, sizeof(hex));
	return obj;
}
