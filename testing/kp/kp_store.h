/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * Keys a peer KP synchronized to us, waiting for our encryptor to fetch
 * them by keyId. Each key is delivered at most once and wiped on delivery
 * or expiry. With a state directory the keys are also kept in a journal
 * (kp_journal.h): stored durably before the peer is told, wiped on disk
 * before they are handed out, so that a restart (even kill -9) loses no
 * stored key and never serves one twice.
 *
 * Disk syncs are group commits: kp_store_put() and kp_store_take() write
 * at once, and kp_store_synced() tells, after the other requests of the
 * same event loop iteration wrote theirs, whether one sync for all of
 * them succeeded. Only then may the peer be told its keys are stored, or
 * a taken key be handed out.
 */

#ifndef KP_STORE_H_
#define KP_STORE_H_

#include <skip_validate.h>

#include <event2/event.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/** most keys held at once */
#define KP_STORE_MAX 100000

typedef struct kp_store_t kp_store_t;

typedef enum {
	KP_STORE_OK,
	/** a key with this keyId from this origin is already stored */
	KP_STORE_EXISTS,
	/** the store would hold more than KP_STORE_MAX keys */
	KP_STORE_FULL,
	/** out of memory or invalid values */
	KP_STORE_NOMEM,
	/** no such key */
	KP_STORE_NOT_FOUND,
	/** the key could not be written, or wiped on disk */
	KP_STORE_IO,
} kp_store_result_t;

/**
 * A key to store.
 */
typedef struct {
	/** valid keyId (matched case-insensitively) */
	const char *key_id;
	/** key bytes, at most SKIP_KEY_MAX_BYTES */
	const uint8_t *key;
	size_t len;
} kp_store_key_t;

/**
 * Outcome of a group commit.
 *
 * @param ok		true if everything written before it is on disk; false
 *					if the sync failed: keys stored since the previous
 *					commit are gone again, keys taken since must not be
 *					handed out
 */
typedef void (*kp_store_synced_t)(void *ctx, bool ok);

/**
 * Create a store whose keys expire after ttl seconds (at least, at most a
 * second more); with a state directory, load the keys kept there.
 *
 * @param base		event loop running the group commits
 * @param dir		state directory, NULL to keep keys in memory only
 * @param err		receives the reason on failure
 * @return			store, NULL on error
 */
kp_store_t *kp_store_create(struct event_base *base, unsigned ttl,
							const char *dir, char *err, size_t errlen);

/**
 * Rewrite the journal with the live keys only, if it holds others (done
 * once at start, after the faults of a test are set).
 */
void kp_store_compact(kp_store_t *store);

/**
 * Store keys (copied), all or none; with a journal they are durable once
 * kp_store_synced() says so (and dropped again if that sync fails).
 *
 * @param origin	system ID of the KP that made the keys
 * @param ttl		seconds until they expire, 0 for the store's TTL
 */
kp_store_result_t kp_store_put(kp_store_t *store, const char *origin,
							   const kp_store_key_t *keys, size_t count,
							   unsigned ttl);

/**
 * Remove a key to hand it out. It is wiped on disk first: hand it out
 * only once kp_store_synced() says so. KP_STORE_IO means the wipe failed,
 * and the key is gone without being handed out.
 *
 * @param origin	system ID of the KP that made the key
 * @param key_id	keyId, in any case
 * @param key		receives the key (SKIP_KEY_MAX_BYTES), wipe it after use
 * @param len		receives the length of key
 * @param issued	receives the keyId as its KP issued it (in its case,
 *					SKIP_KEY_ID_MAX_HEX + 1 bytes), for the answer
 */
kp_store_result_t kp_store_take(kp_store_t *store, const char *origin,
								const char *key_id, uint8_t *key, size_t *len,
								char *issued);

/**
 * Wipe keys whose time is up.
 *
 * @param now		current time (seconds since the epoch)
 * @return			number of keys wiped
 */
size_t kp_store_expire(kp_store_t *store, time_t now);

/**
 * Call done once what was stored and taken so far is on disk: after the
 * other requests of this event loop iteration, with one sync for all of
 * them. Without a journal done is called before this returns.
 */
void kp_store_synced(kp_store_t *store, kp_store_synced_t done, void *ctx);

/**
 * Number of keys held.
 */
size_t kp_store_count(kp_store_t *store);

/**
 * Whether keys are kept on disk.
 */
bool kp_store_durable(kp_store_t *store);

/**
 * Fault injection: make every write and wipe fail.
 */
void kp_store_set_failing(kp_store_t *store, bool failing);

/**
 * Fault injection: make the directory sync after the next rename of the
 * journal (compaction) fail once.
 */
void kp_store_fail_dir_sync(kp_store_t *store);

/**
 * Fault injection: make the next group commit fail.
 */
void kp_store_fail_commit(kp_store_t *store);

/**
 * Wipe all keys from memory (the journal keeps them) and free the store.
 */
void kp_store_destroy(kp_store_t *store);

#endif /* KP_STORE_H_ */
