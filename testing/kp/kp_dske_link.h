/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * The connection of a DSKE client (this KP) to one Security Hub (docs/kp.md
 * "DSKE"): plain TCP carrying AEAD frames, each preceded by its length
 * (u32 LE), one answer per request and in order. Requests are sealed and
 * queued at once (the counter of each frame is persisted by the pair
 * before it leaves); answers must come from the hub, authenticate, and
 * carry a counter greater than any before. Anything else closes the
 * connection and fails every request on it; the next request connects
 * again.
 */

#ifndef KP_DSKE_LINK_H_
#define KP_DSKE_LINK_H_

#include "kp_config.h"

#include <dske_msg.h>
#include <dske_pair.h>

#include <event2/event.h>

typedef struct kp_dske_link_t kp_dske_link_t;

/**
 * The hub's answer to a request, or why there is none.
 *
 * @param ctx		context given to kp_dske_link_send()
 * @param msg		the decoded answer, NULL on error
 * @param raw		the answer as received, for its tag (len bytes)
 * @param error		why there is no answer, if msg is NULL
 */
typedef void (*kp_dske_answer_t)(void *ctx, const dske_msg_t *msg,
								 const uint8_t *raw, size_t len,
								 const char *error);

/**
 * Create the link to a hub (it connects on the first request).
 *
 * @param hub		the hub's configuration
 * @param pair		our pair with the hub (not owned)
 */
kp_dske_link_t *kp_dske_link_create(struct event_base *base,
									const kp_hub_t *hub, dske_pair_t *pair);

/**
 * Send a message; answer is called exactly once, later.
 *
 * @param c, d		the message's tag key (ignored for header-only types)
 * @return			false if it could not be sent (answer is not called)
 */
bool kp_dske_link_send(kp_dske_link_t *link, const dske_msg_t *msg,
					   dske_gf128_t c, dske_gf128_t d,
					   kp_dske_answer_t answer, void *ctx);

/**
 * Whether the last connection to the hub failed less than a second ago,
 * without an answer since: a sender spends no PSRD on it then.
 */
bool kp_dske_link_down(kp_dske_link_t *link);

/**
 * Fail the requests under way and free the link.
 */
void kp_dske_link_destroy(kp_dske_link_t *link);

#endif /* KP_DSKE_LINK_H_ */
