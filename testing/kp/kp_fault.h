/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * Fault injection for tests (only with --test-mode): a KP that answers
 * late, with a forced status, not at all, from an empty key pool, with a
 * wrong key, or with a store that cannot write or wipe.
 *
 * A fault specification is a comma-separated list of:
 *   latency=MS      answer MS milliseconds late
 *   status=CODE     answer CODE (400-599) instead
 *   drop            close the connection without an answer
 *   empty           no keys or entropy: /key and /entropy 503,
 *                   /key/{keyId} 400 (the key stays stored)
 *   wrong-key       deliver a key that differs from the peer's
 *   sync-delay=MS   GET /key answers at once and the new key goes to the
 *                   peer KP only MS milliseconds later (asynchronous KPs)
 *   store-error     the key store cannot write or wipe: keys from peers
 *                   are refused, /key/{keyId} answers 500
 *   dir-sync-error  the state directory cannot be synced once, right after
 *                   the next compaction renamed the new journal into place
 *   commit-error    the next group commit of the key store fails: every
 *                   request waiting for it fails
 *   path=PREFIX     only requests whose path starts with PREFIX
 *   count=N         only the next N matching requests
 * An empty specification clears all faults.
 */

#ifndef KP_FAULT_H_
#define KP_FAULT_H_

#include <stdbool.h>
#include <stddef.h>

/** longest latency and sync-delay, in milliseconds */
#define KP_FAULT_DELAY_MAX_MS 60000

typedef struct {
	/** answer this many milliseconds late */
	unsigned latency_ms;
	/** answer with this status instead, 0 for none */
	int status;
	/** close without answering */
	bool drop;
	/** no keys, no entropy */
	bool empty;
	/** deliver a corrupted key */
	bool wrong_key;
	/** synchronize new keys this many milliseconds after their delivery,
	 *  0 to deliver them once the peer stored them */
	unsigned sync_delay_ms;
	/** the store fails (not limited by path or count) */
	bool store_error;
	/** the next directory sync after a journal rename fails (applied when
	 *  set, not limited by path or count) */
	bool dir_sync_error;
	/** the next group commit of the store fails (applied when set, not
	 *  limited by path or count) */
	bool commit_error;
	/** requests this applies to: path prefix, "" for all */
	char path[64];
	/** requests left, 0 for no limit */
	unsigned count;
	/** whether any request fault is set */
	bool active;
} kp_faults_t;

/**
 * Parse a fault specification.
 *
 * @param err		receives the reason on failure
 * @return			false if the specification is invalid
 */
bool kp_faults_parse(const char *spec, kp_faults_t *faults, char *err,
					 size_t errlen);

/**
 * The faults to apply to a request for path (and count it).
 *
 * @param out		receives the faults
 * @return			true if any fault applies
 */
bool kp_faults_match(kp_faults_t *faults, const char *path, kp_faults_t *out);

#endif /* KP_FAULT_H_ */
