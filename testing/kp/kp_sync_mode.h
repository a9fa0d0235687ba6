/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * The seam between the KP's APIs and the ways keys are synchronized with a
 * peer KP (docs/kp.md): each peer entry has one synchronization mode, the
 * direct link (kp_sync.h) or DSKE through Security Hubs (kp_sync_dske.h).
 * The APIs (kp_api.c, kp_etsi.c) and the key pool only ever call
 * kp_sync_make() and kp_sync_pull(): they never know which mode made a key.
 */

#ifndef KP_SYNC_MODE_H_
#define KP_SYNC_MODE_H_

#include "kp.h"
#include "kp_sync.h"
#include "kp_sync_msg.h"

/**
 * A new key, owned by the caller until its done callback ran.
 */
typedef struct {
	/** keyId (kp_sync_new_key_id()), set by the caller */
	char key_id[SKIP_KEY_ID_MAX_HEX + 1];
	/** the key, filled in by the mode before done reports success */
	uint8_t key[KP_SYNC_KEY_MAX];
	/** length of the key in bytes, set by the caller */
	size_t len;
	/** ETSI 014 keys: the SAE that made it and the one it is for, both
	 *  empty for SKIP keys */
	char master[KP_SAE_ID_MAX + 1];
	char slave[KP_SAE_ID_MAX + 1];
	/** on failure, the HTTP status the API answers (0: 500), set by the
	 *  mode: 503 if the key is unavailable for now (hubs down, PSRD used
	 *  up) */
	unsigned status;
} kp_sync_new_t;

/**
 * Outcome of a pull.
 */
typedef enum {
	/** the key is in the store now */
	KP_PULL_OK,
	/** no such key (the direct mode always says so: its peer pushes) */
	KP_PULL_NOT_FOUND,
	/** the key could not be fetched: reason says why */
	KP_PULL_FAILED,
} kp_pull_result_t;

/**
 * Outcome of kp_sync_pull().
 *
 * @param ctx		context given to kp_sync_pull()
 * @param reason	why, if KP_PULL_FAILED
 */
typedef void (*kp_sync_pulled_t)(void *ctx, kp_pull_result_t result,
								 const char *reason);

typedef struct kp_sync_mode_t kp_sync_mode_t;

/**
 * How keys are synchronized with one peer entry.
 */
struct kp_sync_mode_t {

	/**
	 * Make a new key shared with the peer's KP; done is called exactly
	 * once (perhaps before this returns) and reports success only once the
	 * peer can have the key.
	 *
	 * @param target	system the key is shared with
	 * @param key		keyId and length in, key out (valid until done)
	 */
	void (*make)(kp_sync_mode_t *this, const char *target,
				 kp_sync_new_t *key, kp_sync_done_t done, void *ctx);

	/**
	 * Fetch a key the store lacks into the store; done is called exactly
	 * once (perhaps before this returns).
	 *
	 * @param key_id	keyId (valid, any case)
	 */
	void (*pull)(kp_sync_mode_t *this, const char *key_id,
				 kp_sync_pulled_t done, void *ctx);

	/**
	 * Fail what is under way and free the mode.
	 */
	void (*destroy)(kp_sync_mode_t *this);
};

/**
 * The direct link as a mode (kp_sync_direct.c).
 */
kp_sync_mode_t *kp_sync_direct_create(kp_t *kp, kp_peer_t *peer);

/**
 * Set up the mode of every peer entry (after kp_sync_init()).
 */
bool kp_sync_modes_init(kp_t *kp);

/**
 * Free the modes (before kp_sync_deinit()).
 */
void kp_sync_modes_deinit(kp_t *kp);

/**
 * A fresh keyId: a random UUIDv4 as 32 lowercase hex digits (DSKE uses it
 * as the secret ID, ETSI 014 shows it as a UUID).
 *
 * @return			false if the random number generator failed
 */
bool kp_sync_new_key_id(char hex[SKIP_KEY_ID_MAX_HEX + 1]);

/**
 * Make a new key shared with a peer entry (kp_sync_mode_t.make).
 */
void kp_sync_make(kp_t *kp, kp_peer_t *peer, const char *target,
				  kp_sync_new_t *key, kp_sync_done_t done, void *ctx);

/**
 * Fetch a key of a peer entry the store lacks (kp_sync_mode_t.pull).
 */
void kp_sync_pull(kp_t *kp, kp_peer_t *peer, const char *key_id,
				  kp_sync_pulled_t done, void *ctx);

#endif /* KP_SYNC_MODE_H_ */
