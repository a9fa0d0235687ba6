/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * DSKE as a synchronization mode (docs/kp.md "DSKE"; the DSKE notes §6,
 * §8, §10a): this KP and its peer KP are clients of the same Security
 * Hubs, sharing pre-shared random data (PSRD) with each. A new key is
 * split into one Shamir share per hub, one-time-pad encrypted and MAC'd
 * with that hub's PSRD; any k hubs let the peer rebuild it, fewer learn
 * nothing, and a lying hub is caught by the secret tag. The keyId is the
 * DSKE secret ID.
 *
 * make: the sender answers only once k hubs acknowledged their share.
 * pull: the receiver asks every hub for its key instruction, validates
 * each, rebuilds from k valid shares and stores the key like a
 * synchronized one.
 */

#ifndef KP_SYNC_DSKE_H_
#define KP_SYNC_DSKE_H_

#include "kp_sync_mode.h"

/**
 * The DSKE mode of a peer entry (kp->hubs must be set up): finds the
 * peer's client ID at every hub (logs why not).
 */
kp_sync_mode_t *kp_sync_dske_create(kp_t *kp, kp_peer_t *peer);

#endif /* KP_SYNC_DSKE_H_ */
