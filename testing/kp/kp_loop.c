/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "kp_loop.h"
#include "kp_log.h"

#include <signal.h>

static void stop(evutil_socket_t sig, short what, void *arg)
{
	struct event_base *base = arg;

	kp_log(KP_LOG_INFO, "signal %d, shutting down", (int)sig);
	event_base_loopexit(base, NULL);
}

bool kp_loop_add(kp_loop_t *loop, struct event_base *base, long seconds,
				 event_callback_fn expire, void *arg)
{
	struct timeval interval = { .tv_sec = seconds };

	loop->expire = event_new(base, -1, EV_PERSIST, expire, arg);
	loop->sigint = evsignal_new(base, SIGINT, stop, base);
	loop->sigterm = evsignal_new(base, SIGTERM, stop, base);
	return loop->expire && loop->sigint && loop->sigterm &&
		   !event_add(loop->expire, &interval) &&
		   !event_add(loop->sigint, NULL) && !event_add(loop->sigterm, NULL);
}

static void free_event(struct event *event)
{
	if (event)
	{
		event_free(event);
	}
}

void kp_loop_free(kp_loop_t *loop)
{
	free_event(loop->expire);
	free_event(loop->sigint);
	free_event(loop->sigterm);
}
