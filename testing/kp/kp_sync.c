/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "kp_sync.h"
#include "kp_sync_msg.h"
#include "kp_log.h"

#include <skip_json.h>
#include <skip_key.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <event2/bufferevent.h>

#include <event2/buffer.h>
#include <event2/keyvalq_struct.h>

/** budget of one message to a peer (connect, send, answer), seconds */
#define SYNC_TIMEOUT_S 2
/** an idle connection to a peer is closed after this time, seconds (the
 *  peer's own idle timeout is longer, so we are the side that closes) */
#define SYNC_IDLE_S 20
/** most keys waiting for one peer entry */
#define SYNC_QUEUE_MAX 10000

/**
 * A key waiting to be delivered.
 */
typedef struct push_t {
	TAILQ_ENTRY(push_t) next;
	char target[SKIP_SYSTEM_ID_MAX + 1];
	kp_sync_key_t key;
	kp_sync_done_t done;
	void *ctx;
} push_t;

TAILQ_HEAD(push_queue_t, push_t);

/**
 * Everything about delivering keys to one peer entry.
 */
typedef struct {
	kp_t *kp;
	kp_peer_t *peer;
	SSL_CTX *ctx;
	/** persistent connection, NULL if none */
	struct evhttp_connection *conn;
	/** messages answered on conn */
	unsigned answered;
	/** keys waiting, and the keys of the message in flight */
	struct push_queue_t queue;
	size_t queued;
	struct push_queue_t batch;
	bool in_flight;
	/** the message in flight went on a connection used before */
	bool reused;
	/** the message in flight is a resend on a fresh connection */
	bool resent;
	/** sends the next message, after the current event's pushes queued */
	struct event *kick;
	/** closes an idle connection */
	struct event *idle;
} link_t;

struct kp_sync_t {
	link_t *links;
	size_t count;
};

static link_t *get_link(kp_t *kp, kp_peer_t *peer)
{
	return &kp->sync->links[peer - kp->config->peers];
}

static void free_conn_cb(evutil_socket_t unused, short what, void *arg)
{
	evhttp_connection_free(arg);
}

/**
 * Forget the connection; it is freed from the event loop, not from within
 * one of its own callbacks.
 */
static void drop_conn(link_t *link)
{
	struct timeval now = {};

	if (link->conn)
	{
		evhttp_connection_set_closecb(link->conn, NULL, NULL);
		if (event_base_once(link->kp->base, -1, EV_TIMEOUT, free_conn_cb,
							link->conn, &now) != 0)
		{
			kp_log(KP_LOG_ERROR, "cannot free a sync connection");
		}
		link->conn = NULL;
		link->answered = 0;
	}
}

/**
 * The peer closed our idle connection (restart, its idle timeout).
 */
static void conn_closed(struct evhttp_connection *conn, void *arg)
{
	link_t *link = arg;

	if (conn == link->conn)
	{
		drop_conn(link);
	}
}

static void finish(struct push_queue_t *queue, bool ok, const char *reason,
				   unsigned ttl)
{
	push_t *push;

	while ((push = TAILQ_FIRST(queue)))
	{
		TAILQ_REMOVE(queue, push, next);
		push->done(push->ctx, ok, reason, ttl);
		skip_memwipe(push, sizeof(*push));
		free(push);
	}
}

static bool send_batch(link_t *link);

/**
 * How long the peer keeps the keys it stored: what it says, at most what
 * we asked for.
 */
static unsigned answered_ttl(link_t *link, struct evhttp_request *req)
{
	struct evbuffer *body = evhttp_request_get_input_buffer(req);
	unsigned ttl = link->kp->config->key_ttl;
	json_object *obj, *value;
	char buf[256];
	ev_ssize_t len;

	len = evbuffer_copyout(body, buf, sizeof(buf) - 1);
	buf[len > 0 ? len : 0] = '\0';
	obj = json_tokener_parse(buf);
	if (obj && json_object_object_get_ex(obj, "ttl", &value) &&
		json_object_is_type(value, json_type_int) &&
		json_object_get_int64(value) > 0 &&
		json_object_get_int64(value) < ttl)
	{
		ttl = (unsigned)json_object_get_int64(value);
	}
	json_object_put(obj);
	return ttl;
}

static void push_done(struct evhttp_request *req, void *arg)
{
	link_t *link = arg;
	struct evbuffer *body;
	char reason[256], message[128] = "";
	int code;

	link->in_flight = false;
	code = req ? evhttp_request_get_response_code(req) : 0;
	if (code == 201)
	{
		link->answered++;
		link->resent = false;
		finish(&link->batch, true, NULL, answered_ttl(link, req));
		event_active(link->kick, EV_TIMEOUT, 0);
		return;
	}
	if (!code)
	{
		/* the connection is gone by now either way (its close callback
		 * may have run first) */
		bool stale = link->reused && !link->resent;

		drop_conn(link);
		if (stale)
		{	/* the peer closed the idle connection as we used it: once more
			 * on a fresh one (the peer refuses keyIds it already has, so a
			 * message that did arrive is not stored twice) */
			link->resent = true;
			kp_log(KP_LOG_DEBUG, "sync connection to '%s' lost, resending",
				   link->peer->system_id);
			if (send_batch(link))
			{
				return;
			}
		}
		snprintf(reason, sizeof(reason), "peer KP '%s' at %s:%u not "
				 "reachable or TLS failed", link->peer->system_id,
				 link->peer->host, link->peer->port);
		link->resent = false;
		finish(&link->batch, false, reason, 0);
		/* the keys waiting would fail the same way, but only after the
		 * budget again: fail them now */
		finish(&link->queue, false, reason, 0);
		link->queued = 0;
		return;
	}
	body = evhttp_request_get_input_buffer(req);
	if (evbuffer_get_length(body))
	{
		skip_json_error_message((char*)evbuffer_pullup(body, -1),
								evbuffer_get_length(body), message,
								sizeof(message));
	}
	snprintf(reason, sizeof(reason), "peer KP '%s' answered %d%s%s",
			 link->peer->system_id, code, *message ? ": " : "", message);
	link->resent = false;
	finish(&link->batch, false, reason, 0);
	event_active(link->kick, EV_TIMEOUT, 0);
}

/**
 * Headers and body may leave in two writes: without this, the second waits
 * for the peer's delayed ACK (~40 ms per message).
 */
static void nodelay(struct evhttp_connection *conn)
{
	evutil_socket_t fd;
	int one = 1;

	fd = bufferevent_getfd(evhttp_connection_get_bufferevent(conn));
	if (fd >= 0)
	{
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	}
}

static bool ensure_conn(link_t *link)
{
	if (link->conn)
	{
		return true;
	}
	link->conn = kp_http_connect(link->kp->base, link->ctx, link->peer->host,
								 link->peer->port);
	if (!link->conn)
	{
		return false;
	}
	evhttp_connection_set_timeout(link->conn, SYNC_TIMEOUT_S);
	evhttp_connection_set_closecb(link->conn, conn_closed, link);
	link->answered = 0;
	return true;
}

/**
 * Send the keys of link->batch in one message.
 */
static bool send_batch(link_t *link)
{
	const kp_sync_key_t *keys[KP_SYNC_BATCH_MAX];
	struct evhttp_request *req;
	struct evkeyvalq *headers;
	push_t *push;
	char host[300];
	size_t count = 0;

	TAILQ_FOREACH(push, &link->batch, next)
	{
		keys[count++] = &push->key;
	}
	if (!ensure_conn(link))
	{
		return false;
	}
	link->reused = link->answered > 0;
	req = evhttp_request_new(push_done, link);
	if (!req)
	{
		return false;
	}
	headers = evhttp_request_get_output_headers(req);
	snprintf(host, sizeof(host), "%s:%u", link->peer->host, link->peer->port);
	evhttp_add_header(headers, "Host", host);
	evhttp_add_header(headers, "Content-Type", "application/json");
	if (!kp_sync_msg_encode(evhttp_request_get_output_buffer(req),
							link->kp->config->system_id,
							TAILQ_FIRST(&link->batch)->target,
							link->kp->config->key_ttl, keys, count))
	{
		evhttp_request_free(req);
		return false;
	}
	if (evhttp_make_request(link->conn, req, EVHTTP_REQ_POST,
							KP_SYNC_PATH) != 0)
	{	/* evhttp_make_request frees req on failure */
		drop_conn(link);
		return false;
	}
	link->in_flight = true;
	evtimer_del(link->idle);
	nodelay(link->conn);
	if (link->reused)
	{	/* connected: one record, now (a new connection sends it once up) */
		kp_http_send_request_now(link->conn);
	}
	return true;
}

/**
 * Send the next message: the waiting keys for the same target as the
 * first one, in order.
 */
static void kick_cb(evutil_socket_t unused, short what, void *arg)
{
	link_t *link = arg;
	struct timeval idle = { .tv_sec = SYNC_IDLE_S };
	push_t *push;
	size_t count = 0;

	if (link->in_flight)
	{
		return;
	}
	while ((push = TAILQ_FIRST(&link->queue)) && count < KP_SYNC_BATCH_MAX &&
		   (!count || strcmp(push->target,
							 TAILQ_FIRST(&link->batch)->target) == 0))
	{
		TAILQ_REMOVE(&link->queue, push, next);
		TAILQ_INSERT_TAIL(&link->batch, push, next);
		link->queued--;
		count++;
	}
	if (!count)
	{
		if (link->conn)
		{
			evtimer_add(link->idle, &idle);
		}
		return;
	}
	if (!send_batch(link))
	{
		finish(&link->batch, false, "cannot send to peer KP", 0);
		event_active(link->kick, EV_TIMEOUT, 0);
	}
}

static void idle_cb(evutil_socket_t unused, short what, void *arg)
{
	link_t *link = arg;

	if (!link->in_flight)
	{
		drop_conn(link);
	}
}

void kp_sync_push(kp_t *kp, kp_peer_t *peer, const char *target,
				  const char *key_id, const uint8_t *key, size_t len,
				  kp_sync_done_t done, void *ctx)
{
	kp_sync_push_sae(kp, peer, target, key_id, key, len, NULL, NULL, done,
					 ctx);
}

void kp_sync_push_sae(kp_t *kp, kp_peer_t *peer, const char *target,
					  const char *key_id, const uint8_t *key, size_t len,
					  const char *master, const char *slave,
					  kp_sync_done_t done, void *ctx)
{
	link_t *link = get_link(kp, peer);
	push_t *push;

	if (peer->sync != KP_SYNC_DIRECT)
	{
		done(ctx, false, "keys for this peer are made through its Security "
			 "Hubs", 0);
		return;
	}
	push = calloc(1, sizeof(*push));
	if (!push || len > sizeof(push->key.key))
	{
		free(push);
		push = NULL;
	}
	else
	{
		snprintf(push->target, sizeof(push->target), "%s", target);
		snprintf(push->key.key_id, sizeof(push->key.key_id), "%s", key_id);
		memcpy(push->key.key, key, len);
		push->key.len = len;
		if (master && slave)
		{
			snprintf(push->key.master, sizeof(push->key.master), "%s",
					 master);
			snprintf(push->key.slave, sizeof(push->key.slave), "%s", slave);
		}
		push->done = done;
		push->ctx = ctx;
	}
	if (!push || link->queued >= SYNC_QUEUE_MAX)
	{
		if (push)
		{
			skip_memwipe(push, sizeof(*push));
			free(push);
		}
		done(ctx, false, "too many keys waiting for the peer KP", 0);
		return;
	}
	TAILQ_INSERT_TAIL(&link->queue, push, next);
	link->queued++;
	/* runs once the other events of this loop iteration queued their keys */
	event_active(link->kick, EV_TIMEOUT, 0);
}

bool kp_sync_init(kp_t *kp)
{
	kp_config_t *config = kp->config;
	link_t *link;
	size_t i;

	kp->sync = calloc(1, sizeof(kp_sync_t));
	if (!kp->sync)
	{
		return false;
	}
	kp->sync->links = calloc(config->peer_count, sizeof(link_t));
	if (!kp->sync->links)
	{
		return false;
	}
	kp->sync->count = config->peer_count;
	for (i = 0; i < config->peer_count; i++)
	{
		link = &kp->sync->links[i];
		link->kp = kp;
		link->peer = &config->peers[i];
		TAILQ_INIT(&link->queue);
		TAILQ_INIT(&link->batch);
		if (link->peer->sync != KP_SYNC_DIRECT)
		{	/* no link: kp_sync_push_sae() refuses such peers */
			continue;
		}
		link->ctx = kp_tls_psk_client_create(&config->peers[i].psk);
		link->kick = event_new(kp->base, -1, 0, kick_cb, link);
		link->idle = evtimer_new(kp->base, idle_cb, link);
		if (!link->ctx || !link->kick || !link->idle)
		{
			return false;
		}
	}
	return true;
}

void kp_sync_deinit(kp_t *kp)
{
	link_t *link;
	size_t i;

	if (!kp->sync)
	{
		return;
	}
	for (i = 0; kp->sync->links && i < kp->sync->count; i++)
	{
		link = &kp->sync->links[i];
		if (link->conn)
		{	/* frees the request in flight without calling push_done */
			evhttp_connection_set_closecb(link->conn, NULL, NULL);
			evhttp_connection_free(link->conn);
		}
		finish(&link->batch, false, "shutting down", 0);
		finish(&link->queue, false, "shutting down", 0);
		if (link->kick)
		{
			event_free(link->kick);
		}
		if (link->idle)
		{
			event_free(link->idle);
		}
		if (link->ctx)
		{
			SSL_CTX_free(link->ctx);
		}
	}
	free(kp->sync->links);
	free(kp->sync);
	kp->sync = NULL;
}
