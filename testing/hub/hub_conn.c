/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "hub_conn.h"
#include "hub_request.h"
#include "kp_log.h"

#include <dske_le.h>

#include <stdlib.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>

typedef struct {
	hub_t *hub;
	struct bufferevent *bev;
} conn_t;

static void conn_free(conn_t *conn)
{
	conn->hub->connections--;
	bufferevent_free(conn->bev);
	free(conn);
}

/**
 * Handle every complete frame in the input.
 */
static void on_read(struct bufferevent *bev, void *arg)
{
	conn_t *conn = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	uint8_t prefix[DSKE_FRAME_PREFIX_LEN], *frame;
	uint32_t len;

	while (evbuffer_get_length(in) >= sizeof(prefix))
	{
		evbuffer_copyout(in, prefix, sizeof(prefix));
		len = dske_get_le(prefix, sizeof(prefix));
		if (len < dske_frame_len(0) || len > DSKE_FRAME_MAX)
		{
			kp_log(KP_LOG_INFO, "closing a connection: frame length %u",
				   len);
			conn_free(conn);
			return;
		}
		if (evbuffer_get_length(in) < sizeof(prefix) + len)
		{
			return;
		}
		evbuffer_drain(in, sizeof(prefix));
		frame = evbuffer_pullup(in, len);
		if (!frame ||
			!hub_request_frame(conn->hub, frame, len,
							   bufferevent_get_output(bev)))
		{
			conn_free(conn);
			return;
		}
		evbuffer_drain(in, len);
	}
}

static void on_event(struct bufferevent *bev, short what, void *arg)
{
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR | BEV_EVENT_TIMEOUT))
	{
		conn_free(arg);
	}
}

static void on_accept(struct evconnlistener *listener, evutil_socket_t fd,
					  struct sockaddr *addr, int addrlen, void *arg)
{
	hub_t *hub = arg;
	struct timeval idle = { .tv_sec = hub->config->idle_timeout };
	conn_t *conn;

	if (hub->connections >= hub->config->max_connections)
	{
		kp_log(KP_LOG_ERROR, "%u connections: refusing another",
			   hub->connections);
		close(fd);
		return;
	}
	conn = calloc(1, sizeof(*conn));
	if (conn)
	{
		conn->bev = bufferevent_socket_new(hub->base, fd,
										   BEV_OPT_CLOSE_ON_FREE);
	}
	if (!conn || !conn->bev)
	{
		free(conn);
		close(fd);
		return;
	}
	conn->hub = hub;
	hub->connections++;
	bufferevent_setcb(conn->bev, on_read, NULL, on_event, conn);
	bufferevent_set_timeouts(conn->bev, &idle, NULL);
	bufferevent_enable(conn->bev, EV_READ | EV_WRITE);
}

bool hub_conn_init(hub_t *hub)
{
	hub->listener = evconnlistener_new_bind(hub->base, on_accept, hub,
				LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE |
				LEV_OPT_CLOSE_ON_EXEC, 128,
				(struct sockaddr*)&hub->config->listen_addr,
				hub->config->listen_addr_len);
	if (!hub->listener)
	{
		kp_log(KP_LOG_ERROR, "cannot listen on %s: %m", hub->config->listen);
		return false;
	}
	kp_log(KP_LOG_INFO, "listening on %s", hub->config->listen);
	return true;
}

void hub_conn_deinit(hub_t *hub)
{
	if (hub->listener)
	{
		evconnlistener_free(hub->listener);
		hub->listener = NULL;
	}
}
