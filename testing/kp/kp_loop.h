/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * The events the main loops of the reference KP and the Security Hub run
 * beside their connections: a periodic expiry, and SIGINT and SIGTERM,
 * which end the loop.
 */

#ifndef KP_LOOP_H_
#define KP_LOOP_H_

#include <stdbool.h>

#include <event2/event.h>

typedef struct {
	/** calls expire every interval */
	struct event *expire;
	/** end the loop */
	struct event *sigint, *sigterm;
} kp_loop_t;

/**
 * Add the events to a base.
 *
 * @param loop		zeroed before; freed with kp_loop_free() in any case
 * @param seconds	how often expire is called
 * @param expire	wipes what expired, called with arg
 * @return			false if an event cannot be added
 */
bool kp_loop_add(kp_loop_t *loop, struct event_base *base, long seconds,
				 event_callback_fn expire, void *arg);

/**
 * Free the events (before their base).
 */
void kp_loop_free(kp_loop_t *loop);

#endif /* KP_LOOP_H_ */
