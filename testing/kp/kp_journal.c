/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "kp_journal.h"
#include "kp_log.h"

#include <dske_file.h>
#include <dske_le.h>
#include <skip_key.h>
#include <skip_validate.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/sha.h>

#define JOURNAL_NAME "keys.journal"
#define JOURNAL_TMP "keys.journal.tmp"
#define LOCK_NAME "lock"

/** file header: magic and format version */
static const char file_magic[16] = "SKIP-KP-JRNL\0\0\0\1";

/** record header: magic, state, reserved, body length (LE) */
#define REC_MAGIC 0x4b
#define REC_LIVE 0x01
#define REC_HEADER 8
#define REC_DIGEST SHA256_DIGEST_LENGTH
/** body: expires (8), origin (1 + n), keyId (1 + n), key (2 + n) */
#define BODY_MIN (8 + 1 + 1 + 1 + 2 + 2 + 1)
#define BODY_MAX (8 + 1 + SKIP_SYSTEM_ID_MAX + 1 + SKIP_KEY_ID_MAX_HEX + 2 + \
				  SKIP_KEY_MAX_BYTES)
#define REC_MAX (REC_HEADER + BODY_MAX + REC_DIGEST)

/** rewrites are written in chunks of this size */
#define REWRITE_BUF (64 * 1024)

struct kp_journal_t {
	/** the directory, its fd, the journal and the lock file */
	char *dir;
	int dir_fd;
	int fd;
	int lock_fd;
	/** end of the journal, where the next record goes */
	off_t end;
	/** bytes of live and of wiped records */
	uint64_t live;
	uint64_t dead;
	/** rewrite in progress: the new file, its end and a write buffer */
	int new_fd;
	off_t new_end;
	uint8_t *buf;
	size_t buf_len;
	uint64_t new_live;
	/** a rename into the directory is not known to be on disk yet: the
	 *  directory is synced before anything else is promised durable */
	bool dir_unsynced;
	/** test: the next directory sync fails */
	bool fail_dir_sync;
	/** written since the last commit, and where the file ended then */
	bool dirty;
	off_t synced_end;
	/** test: the next commit fails */
	bool fail_commit;
};

/**
 * The digest covers the record's magic, length and body, not its state.
 */
static bool digest(const uint8_t *rec, size_t body_len, uint8_t *out)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	bool ok;

	ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) &&
		 EVP_DigestUpdate(ctx, rec, 1) &&
		 EVP_DigestUpdate(ctx, rec + 4, 4 + body_len) &&
		 EVP_DigestFinal_ex(ctx, out, NULL);
	EVP_MD_CTX_free(ctx);
	return ok;
}

/**
 * Encode a record into out (REC_MAX bytes); returns its size, 0 if the
 * values do not fit.
 */
static size_t encode(const kp_journal_record_t *rec, uint8_t *out)
{
	size_t olen = strlen(rec->origin), klen = strlen(rec->key_id), body;
	uint8_t *p = out + REC_HEADER;

	if (!olen || olen > SKIP_SYSTEM_ID_MAX || !klen ||
		klen > SKIP_KEY_ID_MAX_HEX || !rec->len ||
		rec->len > SKIP_KEY_MAX_BYTES)
	{
		return 0;
	}
	dske_put_le(p, rec->expires, 8);
	p += 8;
	*p++ = (uint8_t)olen;
	memcpy(p, rec->origin, olen);
	p += olen;
	*p++ = (uint8_t)klen;
	memcpy(p, rec->key_id, klen);
	p += klen;
	dske_put_le(p, rec->len, 2);
	p += 2;
	memcpy(p, rec->key, rec->len);
	p += rec->len;
	body = p - out - REC_HEADER;
	out[0] = REC_MAGIC;
	out[1] = REC_LIVE;
	out[2] = out[3] = 0;
	dske_put_le(out + 4, body, 4);
	if (!digest(out, body, p))
	{
		return 0;
	}
	return REC_HEADER + body + REC_DIGEST;
}

/**
 * Decode a body (digest checked by the caller) into rec; origin and key_id
 * point into names (SKIP_SYSTEM_ID_MAX + SKIP_KEY_ID_MAX_HEX + 2 bytes),
 * the key into key.
 */
static bool decode(const uint8_t *body, size_t len, kp_journal_record_t *rec,
				   char *names, uint8_t *key)
{
	const uint8_t *p = body, *end = body + len;
	size_t olen, klen;

	if (len < BODY_MIN)
	{
		return false;
	}
	rec->expires = dske_get_le(p, 8);
	p += 8;
	olen = *p++;
	if (!olen || p + olen + 1 > end)
	{
		return false;
	}
	memcpy(names, p, olen);
	names[olen] = '\0';
	p += olen;
	klen = *p++;
	if (!klen || p + klen + 2 > end)
	{
		return false;
	}
	memcpy(names + olen + 1, p, klen);
	names[olen + 1 + klen] = '\0';
	p += klen;
	rec->len = dske_get_le(p, 2);
	p += 2;
	if (!rec->len || rec->len > SKIP_KEY_MAX_BYTES || p + rec->len != end)
	{
		return false;
	}
	memcpy(key, p, rec->len);
	rec->origin = names;
	rec->key_id = names + olen + 1;
	rec->key = key;
	return skip_system_id_valid(rec->origin, olen) &&
		   skip_key_id_valid(rec->key_id, klen);
}

/**
 * The directory must be ours and private: keys are kept there.
 */
static bool open_dir(kp_journal_t *journal, const char *dir, char *err,
					 size_t errlen)
{
	struct stat st;

	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
	{
		snprintf(err, errlen, "cannot create %s: %m", dir);
		return false;
	}
	journal->dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC |
						   O_NOFOLLOW);
	if (journal->dir_fd < 0 || fstat(journal->dir_fd, &st) != 0)
	{
		snprintf(err, errlen, "cannot open %s: %m", dir);
		return false;
	}
	if (st.st_uid != geteuid() || (st.st_mode & 077))
	{
		snprintf(err, errlen, "%s must belong to us and not be accessible by "
				 "group or others (chmod 700)", dir);
		return false;
	}
	journal->lock_fd = openat(journal->dir_fd, LOCK_NAME,
							  O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (journal->lock_fd < 0 || flock(journal->lock_fd, LOCK_EX | LOCK_NB))
	{
		snprintf(err, errlen, "%s is in use by another skip-kp", dir);
		return false;
	}
	/* a rewrite interrupted by a crash */
	unlinkat(journal->dir_fd, JOURNAL_TMP, 0);
	return true;
}

/**
 * Read all records, hand the live ones to load, cut off a torn tail.
 */
static bool load_records(kp_journal_t *journal, uint64_t now,
						 kp_journal_load_t load, void *ctx, char *err,
						 size_t errlen)
{
	char names[SKIP_SYSTEM_ID_MAX + SKIP_KEY_ID_MAX_HEX + 2];
	uint8_t rec[REC_MAX], key[SKIP_KEY_MAX_BYTES], sum[REC_DIGEST];
	kp_journal_record_t decoded;
	struct stat st;
	off_t offset = sizeof(file_magic);
	size_t body, total;
	bool ok = true;

	if (fstat(journal->fd, &st) != 0)
	{
		snprintf(err, errlen, "cannot stat journal: %m");
		return false;
	}
	if (st.st_size < (off_t)sizeof(file_magic))
	{	/* new, or torn while it was created */
		if (ftruncate(journal->fd, 0) != 0 ||
			!dske_pwrite_all(journal->fd, file_magic, sizeof(file_magic),
							 0) ||
			fdatasync(journal->fd) != 0)
		{
			snprintf(err, errlen, "cannot write journal: %m");
			return false;
		}
		journal->end = journal->synced_end = sizeof(file_magic);
		return true;
	}
	if (!dske_pread_all(journal->fd, rec, sizeof(file_magic), 0) ||
		memcmp(rec, file_magic, sizeof(file_magic)) != 0)
	{
		snprintf(err, errlen, "%s is not a skip-kp journal", JOURNAL_NAME);
		return false;
	}
	while (ok && offset + REC_HEADER <= st.st_size)
	{
		if (!dske_pread_all(journal->fd, rec, REC_HEADER, offset))
		{
			snprintf(err, errlen, "cannot read journal: %m");
			ok = false;
			break;
		}
		body = dske_get_le(rec + 4, 4);
		total = REC_HEADER + body + REC_DIGEST;
		if (rec[0] != REC_MAGIC || body < BODY_MIN || body > BODY_MAX ||
			offset + (off_t)total > st.st_size)
		{	/* a record torn while it was appended: the end */
			break;
		}
		if (!dske_pread_all(journal->fd, rec + REC_HEADER,
							total - REC_HEADER, offset + REC_HEADER))
		{
			snprintf(err, errlen, "cannot read journal: %m");
			ok = false;
			break;
		}
		if (rec[1] == REC_LIVE && digest(rec, body, sum) &&
			memcmp(sum, rec + REC_HEADER + body, REC_DIGEST) == 0 &&
			decode(rec + REC_HEADER, body, &decoded, names, key) &&
			decoded.expires > now)
		{
			journal->live += total;
			ok = load(ctx, &decoded, offset);
		}
		else
		{	/* wiped, expired, or torn while it was wiped */
			journal->dead += total;
		}
		offset += total;
	}
	skip_memwipe(rec, sizeof(rec));
	skip_memwipe(key, sizeof(key));
	if (ok && offset != st.st_size &&
		(ftruncate(journal->fd, offset) != 0 || fdatasync(journal->fd) != 0))
	{
		snprintf(err, errlen, "cannot truncate journal: %m");
		ok = false;
	}
	journal->end = journal->synced_end = offset;
	return ok;
}

kp_journal_t *kp_journal_open(const char *dir, uint64_t now,
							  kp_journal_load_t load, void *ctx,
							  char *err, size_t errlen)
{
	kp_journal_t *journal;

	journal = calloc(1, sizeof(*journal));
	if (!journal)
	{
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	journal->dir_fd = journal->fd = journal->lock_fd = journal->new_fd = -1;
	journal->dir = strdup(dir);
	if (!journal->dir || !open_dir(journal, dir, err, errlen))
	{
		kp_journal_close(journal);
		return NULL;
	}
	journal->fd = openat(journal->dir_fd, JOURNAL_NAME,
						 O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (journal->fd < 0)
	{
		snprintf(err, errlen, "cannot open %s/%s: %m", dir, JOURNAL_NAME);
		kp_journal_close(journal);
		return NULL;
	}
	if (!load_records(journal, now, load, ctx, err, errlen))
	{
		kp_journal_close(journal);
		return NULL;
	}
	return journal;
}

/**
 * Sync the directory, so that a rename in it survives a crash.
 */
static bool sync_dir(kp_journal_t *journal)
{
	if (journal->fail_dir_sync)
	{
		journal->fail_dir_sync = false;
		errno = EIO;
		return false;
	}
	if (fsync(journal->dir_fd) != 0)
	{
		return false;
	}
	journal->dir_unsynced = false;
	return true;
}

/**
 * Before a write is promised durable, the journal's name must point to
 * the file it goes to on disk too: were the rename lost in a crash, the
 * old journal would come back without the keys stored since and with the
 * keys delivered since live again.
 */
static bool dir_synced(kp_journal_t *journal)
{
	if (journal->dir_unsynced && !sync_dir(journal))
	{
		kp_log(KP_LOG_ERROR, "cannot sync %s after replacing the key "
			   "journal: %m", journal->dir);
		return false;
	}
	return true;
}

bool kp_journal_append(kp_journal_t *journal, const kp_journal_record_t *recs,
					   size_t count, off_t *offsets)
{
	uint8_t *buf;
	size_t i, len = 0, size;
	bool ok = true;

	buf = malloc(count * REC_MAX);
	if (!buf)
	{
		return false;
	}
	for (i = 0; ok && i < count; i++)
	{
		size = encode(&recs[i], buf + len);
		offsets[i] = journal->end + (off_t)len;
		len += size;
		ok = size != 0;
	}
	/* one write for the batch; the sync comes with kp_journal_commit() */
	ok = ok && dske_pwrite_all(journal->fd, buf, len, journal->end);
	skip_memwipe(buf, len);
	free(buf);
	if (!ok)
	{	/* whatever reached the file is cut off again (or torn) */
		if (ftruncate(journal->fd, journal->end) != 0)
		{
			/* the next load discards it as a torn record */
		}
		return false;
	}
	journal->end += (off_t)len;
	journal->live += len;
	journal->dirty = true;
	return true;
}

bool kp_journal_wipe(kp_journal_t *journal, off_t offset)
{
	uint8_t header[REC_HEADER], *zeros;
	size_t body, total;
	bool ok;

	if (!dske_pread_all(journal->fd, header, sizeof(header), offset) ||
		header[0] != REC_MAGIC)
	{
		return false;
	}
	body = dske_get_le(header + 4, 4);
	if (body < BODY_MIN || body > BODY_MAX)
	{
		return false;
	}
	total = REC_HEADER + body + REC_DIGEST;
	zeros = calloc(1, total);
	if (!zeros)
	{
		return false;
	}
	/* state, body and digest become zeros in one write; magic and length
	 * are written unchanged. However the write tears, the record is either
	 * untouched or never loaded again (state or digest no longer match) */
	memcpy(zeros, header, REC_HEADER);
	zeros[1] = 0;
	ok = dske_pwrite_all(journal->fd, zeros + 1, total - 1, offset + 1);
	free(zeros);
	if (header[1] == REC_LIVE)
	{
		journal->live -= total;
		journal->dead += total;
	}
	journal->dirty = true;
	return ok;
}

bool kp_journal_commit(kp_journal_t *journal)
{
	bool ok;

	if (!journal->dirty && !journal->dir_unsynced)
	{
		return true;
	}
	ok = dir_synced(journal);
	if (ok && journal->fail_commit)
	{
		journal->fail_commit = false;
		errno = EIO;
		ok = false;
	}
	ok = ok && fdatasync(journal->fd) == 0;
	if (!ok)
	{	/* records appended since the last commit are not stored: cut them
		 * off (a crash may have kept part of them: the next load discards
		 * what is torn, and nobody was told they are stored) */
		uint64_t cut = (uint64_t)(journal->end - journal->synced_end);

		journal->live = journal->live > cut ? journal->live - cut : 0;
		journal->end = journal->synced_end;
		if (ftruncate(journal->fd, journal->end) != 0)
		{
			kp_log(KP_LOG_ERROR, "cannot cut off unsynced keys in the "
				   "journal: %m");
		}
	}
	journal->synced_end = journal->end;
	journal->dirty = false;
	return ok;
}

void kp_journal_fail_commit(kp_journal_t *journal)
{
	journal->fail_commit = true;
}

void kp_journal_usage(kp_journal_t *journal, uint64_t *live, uint64_t *dead)
{
	*live = journal->live;
	*dead = journal->dead;
}

static bool flush_buf(kp_journal_t *journal)
{
	bool ok;

	ok = dske_pwrite_all(journal->new_fd, journal->buf, journal->buf_len,
						 journal->new_end);
	skip_memwipe(journal->buf, journal->buf_len);
	journal->new_end += (off_t)journal->buf_len;
	journal->buf_len = 0;
	return ok;
}

bool kp_journal_rewrite_begin(kp_journal_t *journal)
{
	journal->buf = malloc(REWRITE_BUF);
	journal->new_fd = openat(journal->dir_fd, JOURNAL_TMP,
							 O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC |
							 O_NOFOLLOW, 0600);
	if (!journal->buf || journal->new_fd < 0)
	{
		kp_journal_rewrite_end(journal, false);
		return false;
	}
	memcpy(journal->buf, file_magic, sizeof(file_magic));
	journal->buf_len = sizeof(file_magic);
	journal->new_end = 0;
	journal->new_live = 0;
	return true;
}

bool kp_journal_rewrite_add(kp_journal_t *journal,
							const kp_journal_record_t *rec, off_t *offset)
{
	size_t size;

	if (journal->buf_len + REC_MAX > REWRITE_BUF && !flush_buf(journal))
	{
		return false;
	}
	size = encode(rec, journal->buf + journal->buf_len);
	if (!size)
	{
		return false;
	}
	*offset = journal->new_end + (off_t)journal->buf_len;
	journal->buf_len += size;
	journal->new_live += size;
	return true;
}

bool kp_journal_rewrite_end(kp_journal_t *journal, bool commit)
{
	bool renamed = false;

	if (commit)
	{	/* the new file is complete on disk before it replaces the old */
		renamed = flush_buf(journal) && fdatasync(journal->new_fd) == 0 &&
				  renameat(journal->dir_fd, JOURNAL_TMP, journal->dir_fd,
						   JOURNAL_NAME) == 0;
	}
	if (journal->buf)
	{
		skip_memwipe(journal->buf, journal->buf_len);
		free(journal->buf);
		journal->buf = NULL;
		journal->buf_len = 0;
	}
	if (!renamed)
	{
		if (journal->new_fd >= 0)
		{
			close(journal->new_fd);
			unlinkat(journal->dir_fd, JOURNAL_TMP, 0);
		}
		journal->new_fd = -1;
		return false;
	}
	/* once renamed, the new file is the journal whatever else fails: the
	 * old one is unlinked, and what is written to it is lost at the next
	 * start (wipes undone, appended keys gone) */
	close(journal->fd);
	journal->fd = journal->new_fd;
	journal->new_fd = -1;
	journal->end = journal->synced_end = journal->new_end;
	journal->dirty = false;
	journal->live = journal->new_live;
	journal->dead = 0;
	journal->dir_unsynced = true;
	if (!sync_dir(journal))
	{
		kp_log(KP_LOG_ERROR, "cannot sync %s after replacing the key "
			   "journal: %m; retrying before the next write", journal->dir);
	}
	return true;
}

void kp_journal_fail_dir_sync(kp_journal_t *journal)
{
	journal->fail_dir_sync = true;
}

void kp_journal_close(kp_journal_t *journal)
{
	if (!journal)
	{
		return;
	}
	if (journal->new_fd >= 0)
	{
		kp_journal_rewrite_end(journal, false);
	}
	if (journal->fd >= 0)
	{
		close(journal->fd);
	}
	if (journal->lock_fd >= 0)
	{
		close(journal->lock_fd);
	}
	if (journal->dir_fd >= 0)
	{
		close(journal->dir_fd);
	}
	free(journal->dir);
	free(journal);
}
