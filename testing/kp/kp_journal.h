/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * The durable part of the key store: an append-only journal file of key
 * records in a private directory (see docs/kp.md for the format).
 *
 * - A batch of records is appended with one write; kp_journal_commit()
 *   then syncs everything written since the last commit with one
 *   fdatasync() (group commit), before the peer KP is told the keys are
 *   stored.
 * - A delivered or expired key is wiped in place: its record is
 *   overwritten with zeros (and committed, for deliveries, before the key
 *   is sent), so a key can never be loaded again once it was handed out.
 * - Each record carries a SHA-256 digest: a record torn by a crash is
 *   never loaded; a torn tail is cut off.
 * - At start, and when most of the file is wiped records, the live records
 *   are rewritten to a new file that atomically replaces the old one.
 */

#ifndef KP_JOURNAL_H_
#define KP_JOURNAL_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct kp_journal_t kp_journal_t;

/**
 * A key record.
 */
typedef struct {
	/** system ID of the KP that made the key */
	const char *origin;
	/** keyId, as its KP issued it (hex, either case) */
	const char *key_id;
	/** key bytes */
	const uint8_t *key;
	size_t len;
	/** when the key expires (seconds since the epoch) */
	uint64_t expires;
} kp_journal_record_t;

/**
 * Called for every live record found when the journal is opened.
 *
 * @param offset	where the record is (for kp_journal_wipe())
 * @return			false to abort loading
 */
typedef bool (*kp_journal_load_t)(void *ctx, const kp_journal_record_t *rec,
								  off_t offset);

/**
 * Open (or create) the journal in dir and load its live, unexpired records.
 * dir is created with mode 0700 if missing and must not be accessible by
 * group or others; a lock keeps a second KP out.
 *
 * @param now		current time, records expired by then are dropped
 * @param err		receives the reason on failure
 * @return			journal, NULL on error
 */
kp_journal_t *kp_journal_open(const char *dir, uint64_t now,
							  kp_journal_load_t load, void *ctx,
							  char *err, size_t errlen);

/**
 * Append records (durable with the next kp_journal_commit()).
 *
 * @param offsets	receives the offset of each record
 * @return			false on I/O error (nothing may be considered stored)
 */
bool kp_journal_append(kp_journal_t *journal, const kp_journal_record_t *recs,
					   size_t count, off_t *offsets);

/**
 * Overwrite a record with zeros (on disk with the next kp_journal_commit()).
 *
 * @return			false on I/O error
 */
bool kp_journal_wipe(kp_journal_t *journal, off_t offset);

/**
 * Sync what was appended and wiped since the last commit, with one
 * fdatasync() (and first the directory, after a rewrite). If that fails,
 * the records appended since the last commit are cut off again: none of
 * them may be considered stored, and none of the keys wiped since may be
 * handed out.
 *
 * @return			false on I/O error
 */
bool kp_journal_commit(kp_journal_t *journal);

/**
 * Test only (fault injection): make the next commit fail.
 */
void kp_journal_fail_commit(kp_journal_t *journal);

/**
 * Bytes of live records and of wiped ones (for compaction decisions).
 */
void kp_journal_usage(kp_journal_t *journal, uint64_t *live, uint64_t *dead);

/**
 * Start rewriting the journal with the live records only.
 */
bool kp_journal_rewrite_begin(kp_journal_t *journal);

/**
 * Add a live record to the new journal.
 */
bool kp_journal_rewrite_add(kp_journal_t *journal,
							const kp_journal_record_t *rec, off_t *offset);

/**
 * Sync the new journal and atomically replace the old one with it (or
 * abort and keep the old one). Once the new file has replaced the old one
 * it is the journal, even if the directory could not be synced: that sync
 * is then retried before the next commit, which fails if it fails again.
 *
 * @return			true if the new file is the journal now (offsets of
 *					kp_journal_rewrite_add() apply)
 */
bool kp_journal_rewrite_end(kp_journal_t *journal, bool commit);

/**
 * Test only (fault injection): make the next directory sync fail, as
 * after a rename when the disk reports an error.
 */
void kp_journal_fail_dir_sync(kp_journal_t *journal);

/**
 * Close the journal (records stay).
 */
void kp_journal_close(kp_journal_t *journal);

#endif /* KP_JOURNAL_H_ */
