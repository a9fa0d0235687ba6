/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * The hub's TCP listener: clients send frames, each behind its length
 * (u32 LE), and get one answer per frame, in order.
 */

#ifndef HUB_CONN_H_
#define HUB_CONN_H_

#include "hub.h"

/**
 * Start listening on the configured address.
 */
bool hub_conn_init(hub_t *hub);

/**
 * Stop listening (open connections are freed with the event base).
 */
void hub_conn_deinit(hub_t *hub);

#endif /* HUB_CONN_H_ */
