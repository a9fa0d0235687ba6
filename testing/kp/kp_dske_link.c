/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "kp_dske_link.h"
#include "kp_log.h"

#include <skip_key.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <time.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>

/** a hub answers within this time, or the connection is given up (s) */
#define LINK_TIMEOUT_S 2
/** after a connection failed, the hub counts as down this long (ms) */
#define LINK_DOWN_MS 1000

/**
 * A request waiting for its answer.
 */
typedef struct request_t {
	TAILQ_ENTRY(request_t) next;
	kp_dske_answer_t answer;
	void *ctx;
} request_t;

TAILQ_HEAD(request_queue_t, request_t);

struct kp_dske_link_t {
	struct event_base *base;
	const kp_hub_t *hub;
	dske_pair_t *pair;
	/** the connection, NULL if none */
	struct bufferevent *bev;
	/** requests sent on it, oldest first */
	struct request_queue_t waiting;
	/** when the last connection failed (monotonic ms), 0 if it did not */
	int64_t failed_at;
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/**
 * Close the connection and fail the requests sent on it.
 */
static void fail_all(kp_dske_link_t *link, const char *why)
{
	struct request_queue_t failed;
	request_t *request;
	char reason[256];

	snprintf(reason, sizeof(reason), "hub '%s' at %s:%u: %s", link->hub->name,
			 link->hub->host, link->hub->port, why);
	if (link->bev)
	{
		bufferevent_free(link->bev);
		link->bev = NULL;
	}
	/* callbacks may send again: on a new connection */
	TAILQ_INIT(&failed);
	TAILQ_CONCAT(&failed, &link->waiting, next);
	if (!TAILQ_EMPTY(&failed))
	{
		kp_log(KP_LOG_ERROR, "DSKE: %s", reason);
		link->failed_at = now_ms();
	}
	while ((request = TAILQ_FIRST(&failed)))
	{
		TAILQ_REMOVE(&failed, request, next);
		request->answer(request->ctx, NULL, NULL, 0, reason);
		free(request);
	}
}

/**
 * One frame from the hub: it must authenticate before anything is read.
 * Returns false if the connection must be closed (why set).
 */
static bool handle_frame(kp_dske_link_t *link, const uint8_t *frame,
						 size_t len, const char **why)
{
	dske_frame_header_t hdr;
	uint32_t key_id;
	const uint8_t *key;
	request_t *request;
	uint8_t *plain;
	dske_msg_t *msg;
	bool decoded;

	key = link->pair->get_wrap_key(link->pair, &key_id);
	if (!dske_frame_header(frame, len, &hdr) || hdr.salt != DSKE_DIR_TO_CLIENT
		|| hdr.sender_id != link->pair->get_hub_id(link->pair) ||
		hdr.wrap_key_id != key_id)
	{
		*why = "malformed frame, or not from this hub";
		return false;
	}
	request = TAILQ_FIRST(&link->waiting);
	if (!request)
	{
		*why = "answer without a request";
		return false;
	}
	plain = malloc(hdr.ct_len + 1);
	msg = malloc(sizeof(*msg));
	if (!plain || !msg)
	{
		free(plain);
		free(msg);
		*why = "out of memory";
		return false;
	}
	if (!dske_frame_open(key, frame, len, plain))
	{
		*why = "frame does not authenticate";
	}
	else if (!link->pair->accept_counter(link->pair, hdr.counter))
	{
		*why = "frame counter not increasing (replayed frame)";
	}
	else
	{
		*why = NULL;
	}
	if (!*why)
	{
		link->failed_at = 0;
		TAILQ_REMOVE(&link->waiting, request, next);
		if (TAILQ_EMPTY(&link->waiting))
		{	/* idle: the hub closes it when it wants */
			bufferevent_set_timeouts(link->bev, NULL, NULL);
		}
		decoded = dske_msg_decode(plain, hdr.ct_len, msg);
		request->answer(request->ctx, decoded ? msg : NULL, plain,
						hdr.ct_len, decoded ? NULL : "malformed message");
		free(request);
		dske_msg_wipe(msg);
	}
	skip_memwipe(plain, hdr.ct_len);
	free(plain);
	free(msg);
	return *why == NULL;
}

static void read_cb(struct bufferevent *bev, void *arg)
{
	kp_dske_link_t *link = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	uint8_t prefix[DSKE_FRAME_PREFIX_LEN], *frame;
	const char *why = NULL;
	uint32_t len;

	while (link->bev == bev &&
		   evbuffer_get_length(in) >= DSKE_FRAME_PREFIX_LEN)
	{
		evbuffer_copyout(in, prefix, sizeof(prefix));
		len = prefix[0] | prefix[1] << 8 | prefix[2] << 16 |
			  (uint32_t)prefix[3] << 24;
		if (len < dske_frame_len(0) || len > DSKE_FRAME_MAX)
		{
			fail_all(link, "invalid frame length");
			return;
		}
		if (evbuffer_get_length(in) < DSKE_FRAME_PREFIX_LEN + len)
		{
			return;
		}
		evbuffer_drain(in, DSKE_FRAME_PREFIX_LEN);
		frame = evbuffer_pullup(in, len);
		if (!frame || !handle_frame(link, frame, len, &why))
		{
			fail_all(link, why ?: "out of memory");
			return;
		}
		if (link->bev == bev)
		{
			evbuffer_drain(in, len);
		}
	}
}

static void event_cb(struct bufferevent *bev, short what, void *arg)
{
	kp_dske_link_t *link = arg;
	char why[128];
	int one = 1;

	if (what & BEV_EVENT_CONNECTED)
	{
		setsockopt(bufferevent_getfd(bev), IPPROTO_TCP, TCP_NODELAY, &one,
				   sizeof(one));
		return;
	}
	if (what & BEV_EVENT_TIMEOUT)
	{
		snprintf(why, sizeof(why), "no answer within %d s", LINK_TIMEOUT_S);
	}
	else if (what & BEV_EVENT_EOF)
	{
		snprintf(why, sizeof(why), "connection closed by the hub");
	}
	else
	{
		snprintf(why, sizeof(why), "%s", evutil_socket_error_to_string(
											EVUTIL_SOCKET_ERROR()));
	}
	if (TAILQ_EMPTY(&link->waiting))
	{	/* an idle connection closed: reconnect on the next request */
		bufferevent_free(link->bev);
		link->bev = NULL;
		return;
	}
	fail_all(link, why);
}

static bool ensure_connection(kp_dske_link_t *link)
{
	if (link->bev)
	{
		return true;
	}
	link->bev = bufferevent_socket_new(link->base, -1, BEV_OPT_CLOSE_ON_FREE);
	if (!link->bev)
	{
		return false;
	}
	bufferevent_setcb(link->bev, read_cb, NULL, event_cb, link);
	if (bufferevent_enable(link->bev, EV_READ | EV_WRITE) != 0 ||
		bufferevent_socket_connect_hostname(link->bev, NULL, AF_UNSPEC,
											link->hub->host,
											(int)link->hub->port) != 0)
	{	/* the event callback may have freed it already */
		if (link->bev)
		{
			bufferevent_free(link->bev);
			link->bev = NULL;
		}
		return false;
	}
	return link->bev != NULL;
}

bool kp_dske_link_send(kp_dske_link_t *link, const dske_msg_t *msg,
					   dske_gf128_t c, dske_gf128_t d,
					   kp_dske_answer_t answer, void *ctx)
{
	struct timeval timeout = { .tv_sec = LINK_TIMEOUT_S };
	uint8_t plain[DSKE_MSG_MAX_LEN], *frame = NULL;
	size_t len, frame_len = 0;
	uint32_t key_id;
	const uint8_t *key;
	uint64_t counter;
	request_t *request;
	bool ok = false;

	len = dske_msg_encode(msg, c, d, plain, sizeof(plain));
	request = calloc(1, sizeof(*request));
	if (len)
	{
		frame_len = dske_frame_len(len);
		frame = malloc(DSKE_FRAME_PREFIX_LEN + frame_len);
	}
	key = link->pair->get_wrap_key(link->pair, &key_id);
	if (request && frame && !ensure_connection(link))
	{	/* refused at once, as the event callback would report it */
		kp_log(KP_LOG_ERROR, "DSKE: hub '%s' at %s:%u: cannot connect",
			   link->hub->name, link->hub->host, link->hub->port);
		link->failed_at = now_ms();
	}
	else if (request && frame &&
		link->pair->next_counter(link->pair, &counter) &&
		dske_frame_seal(key, key_id, link->pair->get_client_id(link->pair),
						DSKE_DIR_TO_HUB, counter, plain, len,
						frame + DSKE_FRAME_PREFIX_LEN, frame_len))
	{
		frame[0] = frame_len & 0xff;
		frame[1] = (frame_len >> 8) & 0xff;
		frame[2] = (frame_len >> 16) & 0xff;
		frame[3] = (frame_len >> 24) & 0xff;
		ok = bufferevent_write(link->bev, frame,
							   DSKE_FRAME_PREFIX_LEN + frame_len) == 0;
	}
	if (ok)
	{
		if (TAILQ_EMPTY(&link->waiting))
		{	/* the first request waiting: its time starts now */
			bufferevent_set_timeouts(link->bev, &timeout, &timeout);
		}
		request->answer = answer;
		request->ctx = ctx;
		TAILQ_INSERT_TAIL(&link->waiting, request, next);
	}
	else
	{
		free(request);
	}
	skip_memwipe(plain, sizeof(plain));
	if (frame)
	{
		skip_memwipe(frame, DSKE_FRAME_PREFIX_LEN + frame_len);
		free(frame);
	}
	return ok;
}

bool kp_dske_link_down(kp_dske_link_t *link)
{
	return link->failed_at && now_ms() - link->failed_at < LINK_DOWN_MS;
}

kp_dske_link_t *kp_dske_link_create(struct event_base *base,
									const kp_hub_t *hub, dske_pair_t *pair)
{
	kp_dske_link_t *link = calloc(1, sizeof(*link));

	if (!link)
	{
		return NULL;
	}
	link->base = base;
	link->hub = hub;
	link->pair = pair;
	TAILQ_INIT(&link->waiting);
	return link;
}

void kp_dske_link_destroy(kp_dske_link_t *link)
{
	if (link)
	{
		fail_all(link, "shutting down");
		free(link);
	}
}
