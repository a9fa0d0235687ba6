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

#include <skip_key.h>
#include <skip_validate.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/keyvalq_struct.h>

/** idle and read/write timeout of connections: slow clients are cut off */
#define KP_HTTP_TIMEOUT_S 10

static struct bufferevent *accept_bev(struct event_base *base, void *arg)
{
	SSL *ssl = SSL_new(arg);

	if (!ssl)
	{
		return NULL;
	}
	return bufferevent_openssl_socket_new(base, -1, ssl,
										  BUFFEREVENT_SSL_ACCEPTING,
										  BEV_OPT_CLOSE_ON_FREE);
}

struct evhttp *kp_http_listen(struct event_base *base, SSL_CTX *ctx,
							  const char *host, unsigned port)
{
	struct evhttp_bound_socket *handle;
	struct evhttp *http;
	int one = 1;

	http = evhttp_new(base);
	if (!http)
	{
		return NULL;
	}
	evhttp_set_bevcb(http, accept_bev, ctx);
	evhttp_set_max_headers_size(http, KP_HTTP_HEADERS_MAX);
	evhttp_set_max_body_size(http, KP_HTTP_BODY_MAX);
	evhttp_set_timeout(http, KP_HTTP_TIMEOUT_S);
	/* every method reaches the handlers, which answer 405 as SKIP wants */
	evhttp_set_allowed_methods(http, EVHTTP_REQ_GET | EVHTTP_REQ_POST |
		EVHTTP_REQ_HEAD | EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
		EVHTTP_REQ_OPTIONS | EVHTTP_REQ_TRACE | EVHTTP_REQ_CONNECT |
		EVHTTP_REQ_PATCH);
	handle = evhttp_bind_socket_with_handle(http, host, (ev_uint16_t)port);
	if (!handle)
	{
		kp_log(KP_LOG_ERROR, "cannot listen on %s:%u: %m", host, port);
		evhttp_free(http);
		return NULL;
	}
	/* accepted sockets inherit it; without, each answer waits ~40 ms */
	setsockopt(evhttp_bound_socket_get_fd(handle), IPPROTO_TCP, TCP_NODELAY,
			   &one, sizeof(one));
	return http;
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

/**
 * Wipe the string values of a JSON object, then release it.
 */
static void put_wiped(json_object *obj)
{
	json_object_object_foreach(obj, name, value)
	{
		(void)name;
		if (json_object_is_type(value, json_type_string))
		{
			skip_memwipe((char*)json_object_get_string(value),
						 (size_t)json_object_get_string_len(value));
		}
	}
	json_object_put(obj);
}

static void set_json_header(struct evhttp_request *req)
{
	evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
					  "application/json");
}

void kp_http_send_json(struct evhttp_request *req, int code, json_object *obj)
{
	struct evbuffer *buf = evbuffer_new();
	const char *body;

	body = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN);
	if (buf)
	{
		evbuffer_add(buf, body, strlen(body));
		set_json_header(req);
		evhttp_send_reply(req, code, NULL, buf);
		evbuffer_free(buf);
	}
	json_object_put(obj);
}

static void wipe_reference(const void *data, size_t len, void *extra)
{
	(void)extra;
	skip_memwipe((void*)data, len);
	free((void*)data);
}

bool kp_http_add_secret(struct evbuffer *buf, json_object *obj)
{
	const char *body;
	size_t len;
	char *copy;

	body = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN);
	len = strlen(body);
	copy = malloc(len);
	if (copy)
	{
		memcpy(copy, body, len);
	}
	/* json-c's serialization buffer */
	skip_memwipe((char*)body, len);
	put_wiped(obj);
	if (!copy)
	{
		return false;
	}
	if (evbuffer_add_reference(buf, copy, len, wipe_reference, NULL) != 0)
	{
		wipe_reference(copy, len, NULL);
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
			put_wiped(obj);
		}
		kp_http_send_error(req, 500, "out of memory");
		return;
	}
	set_json_header(req);
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

bool kp_http_take_body(struct evhttp_request *req, char *buf, size_t max,
					   size_t *len)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	size_t n = evbuffer_get_length(in);
	unsigned char *data;

	*len = 0;
	if (n == 0)
	{
		return true;
	}
	data = evbuffer_pullup(in, -1);
	if (data && n <= max)
	{
		memcpy(buf, data, n);
		*len = n;
	}
	skip_memwipe(data, n);
	evbuffer_drain(in, n);
	return data && n <= max;
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
