/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * DSKE Security Hubs for the KP's tests: skip-hub processes (testing/hub)
 * on free loopback ports with a fresh registration bundle, and the faults
 * the tests need: a hub that corrupts the shares it relays (its messages
 * authenticate: a lying hub), one that answers with its previous key
 * instruction again (a replay), one that never answers.
 */

#ifndef KPT_HUB_H_
#define KPT_HUB_H_

#include "kpt.h"

#include <stdint.h>

/** most hubs of a test */
#define KPT_HUBS_MAX 5

typedef enum {
	KPT_HUB_HONEST,
	/** flip a bit of every relayed share before tagging it */
	KPT_HUB_CORRUPT,
	/** answer a request with the previous key instruction again */
	KPT_HUB_REPLAY,
	/** the same, resending the previous frame as it was */
	KPT_HUB_REPLAY_FRAME,
	/** read requests, never answer */
	KPT_HUB_HANG,
} kpt_hub_fault_t;

/**
 * A hub.
 */
typedef struct {
	/** name ("hub1"...), index (1...) and port */
	char name[16];
	unsigned index;
	unsigned port;
	/** its side of the bundle (OUT/HUB) */
	char dir[400];
	/** its process (the KP kit runs it) */
	kpt_kp_t proc;
} kpt_hub_t;

/**
 * Path of the skip-hub binary ($SKIP_HUB, or beside skip-kp's directory).
 */
const char *kpt_hub_binary(void);

/**
 * Make count hubs and their bundle (skip-hub bundle) for the clients
 * "kp-alice" and "kp-bob".
 *
 * @param words		PSRD words per table
 * @param kps		KPs whose ports the hubs must not get, or NULL
 * @param kp_count	number of kps
 */
void kpt_hubs_init(kpt_hub_t *hubs, size_t count, uint64_t words,
				   const kpt_kp_t *kps, size_t kp_count);

/**
 * The pair directory of a client with a hub (rotating static buffers).
 */
const char *kpt_hub_client_dir(kpt_hub_t *hub, const char *client);

/**
 * Start a hub with a fault (waits until it accepts connections).
 */
void kpt_hub_start(kpt_hub_t *hub, kpt_hub_fault_t fault);

/**
 * Stop a hub (SIGKILL) and wait for it.
 */
void kpt_hub_stop(kpt_hub_t *hub);

/**
 * Add the DSKE options of a KP: our hubs, and the peer (its system ID and
 * its client name), threshold k.
 */
void kpt_hub_kp_args(kpt_kp_t *kp, kpt_hub_t *hubs, size_t count,
					 const char *client, const char *peer,
					 const char *peer_client, unsigned k);

#endif /* KPT_HUB_H_ */
