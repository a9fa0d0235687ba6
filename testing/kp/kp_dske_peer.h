/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * What the DSKE mode knows about one peer entry, shared by its sending
 * (kp_dske_send.c) and receiving (kp_dske_recv.c) halves.
 */

#ifndef KP_DSKE_PEER_H_
#define KP_DSKE_PEER_H_

#include "kp_sync_mode.h"
#include "kp_dske_hubs.h"

#include <dske_msg.h>

/** prefix of the AAD of a key an ETSI 014 SAE made: "etsi014 MASTER SLAVE" */
#define KP_DSKE_AAD_ETSI "etsi014 "

typedef struct {
	kp_sync_mode_t public;
	kp_t *kp;
	kp_peer_t *peer;
	/** key words */
	size_t m;
	/** the peer's client ID at each hub (kp->hubs order) */
	uint64_t peer_ids[DSKE_MAX_HUBS];
} kp_dske_peer_t;

/**
 * Make a key and share it through the hubs (kp_sync_mode_t.make).
 */
void kp_dske_send(kp_dske_peer_t *this, const char *target,
				  kp_sync_new_t *key, kp_sync_done_t done, void *ctx);

/**
 * Rebuild a key from the hubs' instructions into the store
 * (kp_sync_mode_t.pull).
 */
void kp_dske_receive(kp_dske_peer_t *this, const char *key_id,
					 kp_sync_pulled_t done, void *ctx);

/**
 * Append a reason to a list of reasons ("; " separated, truncated).
 */
void kp_dske_add_reason(char *list, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/**
 * Describe a hub's ERROR answer.
 */
void kp_dske_error_text(const dske_msg_t *msg, char *buf, size_t size);

#endif /* KP_DSKE_PEER_H_ */
