/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dske_pair.h"
#include "dske_file.h"
#include "dske_le.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#define CONF_NAME "pair.conf"
#define CLIENTS_NAME "clients"
#define KEY_NAME "wrap.key"
#define STATE_NAME "state"
#define STATE_TMP "state.tmp"

/** largest pair.conf and clients file we read */
#define CONF_MAX 4096
#define CLIENTS_MAX (1024 * 1024)

/**
 * The state file is a log: a 16-byte header, then 32-byte records
 * type (1) || 0 (7) || a (u64) || b (u64) || SHA-256(first 24 bytes)[0..8].
 * A record torn by a crash fails its digest and ends the log.
 */
static const char state_magic[16] = "DSKE-PAIR-STATE\1";
#define REC_LEN 32
#define REC_DIGEST 8

typedef enum {
	/** own words handed out up to a (from the previous cursor) */
	REC_CURSOR = 1,
	/** a range of the other table taken: start a, count b */
	REC_CLAIM = 2,
	/** counters reserved for sending up to a / last accepted: a */
	REC_SENT = 3,
	REC_RECEIVED = 4,
	/** what a compaction keeps: consumed ranges and the cursor, whose
	 *  words were wiped before (not wiped again when loaded) */
	REC_CONSUMED = 5,
	REC_BASE_CURSOR = 6,
} rec_type_t;

/** records appended before the log is compacted */
#define COMPACT_RECORDS 4096
/** most disjoint consumed ranges of the other table: a client that
 *  scatters its ranges beyond this is refused, not served with an
 *  unbounded state */
#define RANGES_MAX 65536
/** counters reserved for sending with one sync */
#define COUNTER_BLOCK 1024
/** words read or wiped at once */
#define CHUNK_WORDS 256

typedef struct {
	uint64_t start;
	uint64_t end;
} range_t;

typedef struct {
	char name[DSKE_PAIR_NAME_MAX + 1];
	uint64_t id;
} client_entry_t;

typedef struct private_dske_pair_t private_dske_pair_t;

struct private_dske_pair_t {

	/** public interface */
	dske_pair_t public;

	/** the pair's directory (locked while open) */
	int dir_fd;
	/** our table and the other side's, sizes in words */
	int own_fd;
	uint64_t own_words;
	int other_fd;
	uint64_t other_words;
	/** the state log, its end and records since the last compaction */
	int state_fd;
	off_t state_end;
	unsigned records;
	/** a compaction's rename is not yet known to be on disk */
	bool dir_unsynced;
	/** next own word to hand out */
	uint64_t cursor;
	/** last counter sent, counters reserved for sending (on disk), last
	 *  counter accepted */
	uint64_t sent;
	uint64_t reserved;
	uint64_t received;
	/** consumed ranges of the other table, sorted, disjoint, merged */
	range_t *ranges;
	size_t range_count;
	size_t range_size;
	/** wrap key */
	uint8_t wrap_key[DSKE_WRAP_KEY_LEN];
	uint32_t wrap_key_id;
	/** pair.conf */
	char client[DSKE_PAIR_NAME_MAX + 1];
	uint64_t client_id;
	char hub[DSKE_PAIR_NAME_MAX + 1];
	uint64_t hub_id;
	/** the hub's clients */
	client_entry_t *clients;
	size_t client_count;
};

bool dske_pair_name_valid(const char *name)
{
	size_t i, len = strlen(name);

	if (!len || len > DSKE_PAIR_NAME_MAX)
	{
		return false;
	}
	for (i = 0; i < len; i++)
	{
		if (!isalnum((unsigned char)name[i]) && !strchr("._-", name[i]))
		{
			return false;
		}
	}
	/* never "." or "..": names become directory names in bundles */
	return strcmp(name, ".") != 0 && strcmp(name, "..") != 0;
}

static void rec_digest(const uint8_t *rec, uint8_t out[REC_DIGEST])
{
	uint8_t md[EVP_MAX_MD_SIZE];

	if (EVP_Digest(rec, REC_LEN - REC_DIGEST, md, NULL, EVP_sha256(),
				   NULL) != 1)
	{	/* a record that never loads: the append is refused below */
		memset(md, 0, sizeof(md));
	}
	memcpy(out, md, REC_DIGEST);
}

static void rec_encode(uint8_t rec[REC_LEN], rec_type_t type, uint64_t a,
					   uint64_t b)
{
	memset(rec, 0, REC_LEN);
	rec[0] = (uint8_t)type;
	dske_put_le(rec + 8, a, 8);
	dske_put_le(rec + 16, b, 8);
	rec_digest(rec, rec + REC_LEN - REC_DIGEST);
}

static bool sync_dir(private_dske_pair_t *this)
{
	if (fsync(this->dir_fd) != 0)
	{
		return false;
	}
	this->dir_unsynced = false;
	return true;
}

/**
 * Rewrite the log with what it must remember: cursor, counters and the
 * consumed ranges; it replaces the old log atomically.
 */
static bool compact(private_dske_pair_t *this)
{
	uint8_t rec[REC_LEN];
	off_t end = sizeof(state_magic);
	size_t i;
	bool ok;
	int fd;

	fd = openat(this->dir_fd, STATE_TMP, O_RDWR | O_CREAT | O_TRUNC |
				O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
	{
		return false;
	}
	ok = dske_pwrite_all(fd, state_magic, sizeof(state_magic), 0);
	rec_encode(rec, REC_BASE_CURSOR, this->cursor, 0);
	ok = ok && dske_pwrite_all(fd, rec, REC_LEN, end);
	end += REC_LEN;
	rec_encode(rec, REC_SENT, this->reserved, 0);
	ok = ok && dske_pwrite_all(fd, rec, REC_LEN, end);
	end += REC_LEN;
	rec_encode(rec, REC_RECEIVED, this->received, 0);
	ok = ok && dske_pwrite_all(fd, rec, REC_LEN, end);
	end += REC_LEN;
	for (i = 0; ok && i < this->range_count; i++)
	{
		rec_encode(rec, REC_CONSUMED, this->ranges[i].start,
				   this->ranges[i].end - this->ranges[i].start);
		ok = dske_pwrite_all(fd, rec, REC_LEN, end);
		end += REC_LEN;
	}
	ok = ok && fsync(fd) == 0 &&
		 renameat(this->dir_fd, STATE_TMP, this->dir_fd, STATE_NAME) == 0;
	if (!ok)
	{
		close(fd);
		unlinkat(this->dir_fd, STATE_TMP, 0);
		return false;
	}
	close(this->state_fd);
	this->state_fd = fd;
	this->state_end = end;
	this->records = 0;
	/* retried before the next append if it fails: until the rename is on
	 * disk, the old log might come back */
	this->dir_unsynced = true;
	sync_dir(this);
	return true;
}

/**
 * Append a record and sync it: once this returns true, it survives a
 * crash.
 */
static bool append(private_dske_pair_t *this, rec_type_t type, uint64_t a,
				   uint64_t b)
{
	uint8_t rec[REC_LEN];

	if (this->dir_unsynced && !sync_dir(this))
	{
		return false;
	}
	rec_encode(rec, type, a, b);
	if (!dske_pwrite_all(this->state_fd, rec, REC_LEN, this->state_end) ||
		fdatasync(this->state_fd) != 0)
	{	/* cut off again, or torn: the next load ignores it */
		if (ftruncate(this->state_fd, this->state_end) != 0)
		{
			/* the digest keeps a torn record from loading */
		}
		return false;
	}
	this->state_end += REC_LEN;
	this->records++;
	return true;
}

/**
 * Compact a long log, once what it records is applied in memory (the log
 * stays as it is if this fails).
 */
static void maybe_compact(private_dske_pair_t *this)
{
	if (this->records >= COMPACT_RECORDS)
	{
		compact(this);
	}
}

/**
 * Overwrite words of a table with zeros and sync them: used PSRD is
 * destroyed before anything depends on it being gone.
 */
static bool wipe_words(int fd, uint64_t start, uint64_t count)
{
	static const uint8_t zeros[CHUNK_WORDS * DSKE_WORD_LEN];
	uint64_t n;

	while (count)
	{
		n = count < CHUNK_WORDS ? count : CHUNK_WORDS;
		if (!dske_pwrite_all(fd, zeros, n * DSKE_WORD_LEN,
							 (off_t)(start * DSKE_WORD_LEN)))
		{
			return false;
		}
		start += n;
		count -= n;
	}
	return fdatasync(fd) == 0;
}

/**
 * Read words of a table.
 */
static bool read_words(int fd, uint64_t start, uint32_t count,
					   dske_gf128_t *words)
{
	uint8_t buf[CHUNK_WORDS * DSKE_WORD_LEN];
	uint32_t i, n, done = 0;
	bool ok = true;

	while (ok && done < count)
	{
		n = count - done < CHUNK_WORDS ? count - done : CHUNK_WORDS;
		ok = dske_pread_all(fd, buf, n * DSKE_WORD_LEN,
							(off_t)((start + done) * DSKE_WORD_LEN));
		for (i = 0; ok && i < n; i++)
		{
			words[done + i] = dske_gf128_load(buf + i * DSKE_WORD_LEN);
		}
		done += n;
	}
	OPENSSL_cleanse(buf, sizeof(buf));
	return ok;
}

static bool overlaps(private_dske_pair_t *this, uint64_t start, uint64_t end)
{
	size_t i;

	for (i = 0; i < this->range_count; i++)
	{
		if (this->ranges[i].start < end && start < this->ranges[i].end)
		{
			return true;
		}
	}
	return false;
}

/**
 * Make room for one more consumed range (before it is recorded on disk,
 * so that recording it in memory cannot fail afterwards).
 */
static bool reserve_range(private_dske_pair_t *this)
{
	range_t *ranges;
	size_t size;

	if (this->range_count < this->range_size)
	{
		return true;
	}
	if (this->range_count >= RANGES_MAX)
	{
		return false;
	}
	size = this->range_size ? 2 * this->range_size : 16;
	ranges = realloc(this->ranges, size * sizeof(range_t));
	if (!ranges)
	{
		return false;
	}
	this->ranges = ranges;
	this->range_size = size;
	return true;
}

/**
 * Add a consumed range (disjoint from the others, room reserved), merging
 * neighbours.
 */
static void add_range(private_dske_pair_t *this, uint64_t start, uint64_t end)
{
	range_t *ranges = this->ranges;
	size_t i, pos = 0;

	while (pos < this->range_count && this->ranges[pos].start < start)
	{
		pos++;
	}
	if (pos > 0 && this->ranges[pos - 1].end == start)
	{
		this->ranges[pos - 1].end = end;
		if (pos < this->range_count && this->ranges[pos].start == end)
		{
			this->ranges[pos - 1].end = this->ranges[pos].end;
			memmove(&this->ranges[pos], &this->ranges[pos + 1],
					(this->range_count - pos - 1) * sizeof(range_t));
			this->range_count--;
		}
		return;
	}
	if (pos < this->range_count && this->ranges[pos].start == end)
	{
		this->ranges[pos].start = start;
		return;
	}
	for (i = this->range_count; i > pos; i--)
	{
		ranges[i] = ranges[i - 1];
	}
	ranges[pos] = (range_t){ .start = start, .end = end };
	this->range_count++;
}

static bool allocate(dske_pair_t *public, uint32_t count, uint64_t *start,
					 dske_gf128_t *words)
{
	private_dske_pair_t *this = (private_dske_pair_t*)public;
	uint64_t from = this->cursor;

	if (!count || count > this->own_words - this->cursor ||
		!read_words(this->own_fd, from, count, words))
	{
		return false;
	}
	/* durably past them before anyone sees them, then gone from disk */
	if (!append(this, REC_CURSOR, from + count, 0))
	{
		OPENSSL_cleanse(words, count * sizeof(*words));
		return false;
	}
	this->cursor = from + count;
	maybe_compact(this);
	if (!wipe_words(this->own_fd, from, count))
	{
		OPENSSL_cleanse(words, count * sizeof(*words));
		return false;
	}
	*start = from;
	return true;
}

static bool claim(dske_pair_t *public, uint64_t start, uint32_t count,
				  dske_gf128_t *words)
{
	private_dske_pair_t *this = (private_dske_pair_t*)public;
	uint64_t end = start + count;

	if (!count || start >= this->other_words ||
		count > this->other_words - start || overlaps(this, start, end) ||
		!reserve_range(this))
	{
		return false;
	}
	/* consumed on disk first: whatever happens next, never again */
	if (!append(this, REC_CLAIM, start, count))
	{
		return false;
	}
	add_range(this, start, end);
	maybe_compact(this);
	if (!read_words(this->other_fd, start, count, words))
	{
		OPENSSL_cleanse(words, count * sizeof(*words));
		return false;
	}
	if (!wipe_words(this->other_fd, start, count))
	{
		OPENSSL_cleanse(words, count * sizeof(*words));
		return false;
	}
	return true;
}

static uint64_t remaining(dske_pair_t *public)
{
	private_dske_pair_t *this = (private_dske_pair_t*)public;

	return this->own_words - this->cursor;
}

static bool next_counter(dske_pair_t *public, uint64_t *counter)
{
	private_dske_pair_t *this = (private_dske_pair_t*)public;
	uint64_t reserved;

	if (this->sent == UINT64_MAX)
	{
		return false;
	}
	if (this->sent == this->reserved)
	{	/* one sync for a block of frames: a crash skips what is left */
		reserved = this->sent + COUNTER_BLOCK < this->sent ?
				   UINT64_MAX : this->sent + COUNTER_BLOCK;
		if (!append(this, REC_SENT, reserved, 0))
		{
			return false;
		}
		this->reserved = reserved;
	}
	*counter = ++this->sent;
	maybe_compact(this);
	return true;
}

static bool accept_counter(dske_pair_t *public, uint64_t counter)
{
	private_dske_pair_t *this = (private_dske_pair_t*)public;

	if (counter <= this->received ||
		!append(this, REC_RECEIVED, counter, 0))
	{
		return false;
	}
	this->received = counter;
	maybe_compact(this);
	return true;
}

static const uint8_t *get_wrap_key(dske_pair_t *public, uint32_t *wrap_key_id)
{
	private_dske_pair_t *this = (private_dske_pair_t*)public;

	if (wrap_key_id)
	{
		*wrap_key_id = this->wrap_key_id;
	}
	return this->wrap_key;
}

static uint64_t get_client_id(dske_pair_t *public)
{
	private_dske_pair_t *this = (private_dske_pair_t*)public;

	return this->client_id;
}

static uint64_t get_hub_id(dske_pair_t *public)
{
	private_dske_pair_t *this = (private_dske_pair_t*)public;

	return this->hub_id;
}

static const char *get_client_name(dske_pair_t *public)
{
	private_dske_pair_t *this = (private_dske_pair_t*)public;

	return this->client;
}

static const char *get_hub_name(dske_pair_t *public)
{
	private_dske_pair_t *this = (private_dske_pair_t*)public;

	return this->hub;
}

static bool lookup_client(dske_pair_t *public, const char *name, uint64_t *id)
{
	private_dske_pair_t *this = (private_dske_pair_t*)public;
	size_t i;

	for (i = 0; i < this->client_count; i++)
	{
		if (strcmp(this->clients[i].name, name) == 0)
		{
			*id = this->clients[i].id;
			return true;
		}
	}
	return false;
}

static void destroy(dske_pair_t *public)
{
	private_dske_pair_t *this = (private_dske_pair_t*)public;

	if (this->own_fd >= 0)
	{
		close(this->own_fd);
	}
	if (this->other_fd >= 0)
	{
		close(this->other_fd);
	}
	if (this->state_fd >= 0)
	{
		close(this->state_fd);
	}
	if (this->dir_fd >= 0)
	{	/* releases the lock */
		close(this->dir_fd);
	}
	free(this->ranges);
	free(this->clients);
	OPENSSL_cleanse(this, sizeof(*this));
	free(this);
}

/**
 * Open a file of the pair: a regular file of ours that neither group nor
 * others may access (PSRD and keys are in there).
 */
static int open_private(int dir_fd, const char *name, int flags,
						struct stat *st, char *err, size_t err_len)
{
	int fd;

	fd = openat(dir_fd, name, flags | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
	{
		snprintf(err, err_len, "cannot open %s: %s", name, strerror(errno));
		return -1;
	}
	if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode))
	{
		snprintf(err, err_len, "%s is not a regular file", name);
		close(fd);
		return -1;
	}
	if (st->st_uid != geteuid() || (st->st_mode & 077))
	{
		snprintf(err, err_len, "%s must belong to us and be mode 0600 (not "
				 "accessible by group or others)", name);
		close(fd);
		return -1;
	}
	return fd;
}

/**
 * Read a small text file of the pair (NUL-terminated in buf).
 */
static bool read_text(int dir_fd, const char *name, char *buf, size_t size,
					  char *err, size_t err_len)
{
	struct stat st;
	bool ok;
	int fd;

	fd = open_private(dir_fd, name, O_RDONLY, &st, err, err_len);
	if (fd < 0)
	{
		return false;
	}
	ok = st.st_size >= 0 && (size_t)st.st_size < size &&
		 dske_pread_all(fd, buf, st.st_size, 0);
	close(fd);
	if (!ok)
	{
		snprintf(err, err_len, "cannot read %s (at most %zu bytes)", name,
				 size - 1);
		return false;
	}
	buf[st.st_size] = '\0';
	if (strlen(buf) != (size_t)st.st_size)
	{
		snprintf(err, err_len, "%s is not text", name);
		return false;
	}
	return true;
}

/**
 * A nonzero u64 in decimal.
 */
static bool parse_id(const char *text, uint64_t *id)
{
	unsigned long long value;
	char *end;

	if (!isdigit((unsigned char)*text))
	{
		return false;
	}
	errno = 0;
	value = strtoull(text, &end, 10);
	if (errno || *end || !value)
	{
		return false;
	}
	*id = value;
	return true;
}

static bool set_name(char *field, const char *value)
{
	if (*field || !dske_pair_name_valid(value))
	{
		return false;
	}
	strcpy(field, value);
	return true;
}

static bool set_id(uint64_t *field, const char *value)
{
	return !*field && parse_id(value, field);
}

/**
 * One "name = value" line of pair.conf.
 */
static bool conf_line(private_dske_pair_t *this, char *line, bool *key_id_set)
{
	char *name, *value;
	uint64_t key_id = 0;

	if (!dske_conf_line(line, &name, &value))
	{
		return true;
	}
	if (!value)
	{
		return false;
	}
	if (strcmp(name, "client") == 0)
	{
		return set_name(this->client, value);
	}
	if (strcmp(name, "hub") == 0)
	{
		return set_name(this->hub, value);
	}
	if (strcmp(name, "client_id") == 0)
	{
		return set_id(&this->client_id, value);
	}
	if (strcmp(name, "hub_id") == 0)
	{
		return set_id(&this->hub_id, value);
	}
	if (strcmp(name, "wrap_key_id") == 0 && !*key_id_set &&
		parse_id(value, &key_id) && key_id <= UINT32_MAX)
	{
		this->wrap_key_id = (uint32_t)key_id;
		*key_id_set = true;
		return true;
	}
	return false;
}

static bool load_conf(private_dske_pair_t *this, char *err, size_t err_len)
{
	char buf[CONF_MAX], *line, *save = NULL;
	unsigned number = 0;
	bool key_id_set = false;

	if (!read_text(this->dir_fd, CONF_NAME, buf, sizeof(buf), err, err_len))
	{
		return false;
	}
	this->wrap_key_id = DSKE_WRAP_KEY_ID_INITIAL;
	for (line = strtok_r(buf, "\n", &save); line;
		 line = strtok_r(NULL, "\n", &save))
	{
		number++;
		if (!conf_line(this, line, &key_id_set))
		{
			snprintf(err, err_len, CONF_NAME " line %u: invalid, unknown or "
					 "repeated setting", number);
			return false;
		}
	}
	if (!*this->client || !*this->hub || !this->client_id || !this->hub_id)
	{
		snprintf(err, err_len, CONF_NAME " must set client, client_id, hub "
				 "and hub_id");
		return false;
	}
	return true;
}

/**
 * One "NAME ID" line of the clients file.
 */
static bool clients_line(private_dske_pair_t *this, char *line)
{
	char *name, *id, *extra, *save = NULL;
	client_entry_t *clients;
	uint64_t value, ignored;

	name = strtok_r(line, " \t\r", &save);
	if (!name || *name == '#')
	{
		return true;
	}
	id = strtok_r(NULL, " \t\r", &save);
	extra = strtok_r(NULL, " \t\r", &save);
	if (!id || extra || !dske_pair_name_valid(name) || !parse_id(id, &value) ||
		lookup_client(&this->public, name, &ignored))
	{
		return false;
	}
	clients = realloc(this->clients,
					  (this->client_count + 1) * sizeof(*clients));
	if (!clients)
	{
		return false;
	}
	this->clients = clients;
	strcpy(clients[this->client_count].name, name);
	clients[this->client_count].id = value;
	this->client_count++;
	return true;
}

static bool load_clients(private_dske_pair_t *this, char *err, size_t err_len)
{
	char *buf, *line, *save = NULL;
	unsigned number = 0;
	bool ok;

	buf = malloc(CLIENTS_MAX);
	if (!buf)
	{
		snprintf(err, err_len, "out of memory");
		return false;
	}
	ok = read_text(this->dir_fd, CLIENTS_NAME, buf, CLIENTS_MAX, err,
				   err_len);
	for (line = ok ? strtok_r(buf, "\n", &save) : NULL; ok && line;
		 line = strtok_r(NULL, "\n", &save))
	{
		number++;
		if (!clients_line(this, line))
		{
			snprintf(err, err_len, CLIENTS_NAME " line %u: want \"NAME ID\" "
					 "(a new name, a nonzero ID)", number);
			ok = false;
		}
	}
	free(buf);
	return ok;
}

static bool load_key(private_dske_pair_t *this, char *err, size_t err_len)
{
	struct stat st;
	bool ok;
	int fd;

	fd = open_private(this->dir_fd, KEY_NAME, O_RDONLY, &st, err, err_len);
	if (fd < 0)
	{
		return false;
	}
	ok = st.st_size == DSKE_WRAP_KEY_LEN &&
		 dske_pread_all(fd, this->wrap_key, DSKE_WRAP_KEY_LEN, 0);
	close(fd);
	if (!ok)
	{
		snprintf(err, err_len, KEY_NAME " must hold %d bytes",
				 DSKE_WRAP_KEY_LEN);
	}
	return ok;
}

static int open_table(private_dske_pair_t *this, int table, uint64_t *words,
					  char *err, size_t err_len)
{
	char name[8];
	struct stat st;
	int fd;

	snprintf(name, sizeof(name), "table%d", table);
	fd = open_private(this->dir_fd, name, O_RDWR, &st, err, err_len);
	if (fd >= 0 && st.st_size % DSKE_WORD_LEN)
	{
		snprintf(err, err_len, "%s is not a whole number of %d-byte words",
				 name, DSKE_WORD_LEN);
		close(fd);
		return -1;
	}
	*words = st.st_size / DSKE_WORD_LEN;
	return fd;
}

/**
 * Apply a record of the log; last_cursor and last_claim receive the ranges
 * of the last fresh records (their wipe may have been cut short).
 */
static bool replay(private_dske_pair_t *this, const uint8_t *rec,
				   range_t *last_cursor, range_t *last_claim)
{
	uint64_t a = dske_get_le(rec + 8, 8), b = dske_get_le(rec + 16, 8);

	switch (rec[0])
	{
		case REC_CURSOR:
		case REC_BASE_CURSOR:
			if (a < this->cursor || a > this->own_words)
			{
				return false;
			}
			if (rec[0] == REC_CURSOR)
			{
				*last_cursor = (range_t){ .start = this->cursor, .end = a };
			}
			this->cursor = a;
			return true;
		case REC_CLAIM:
		case REC_CONSUMED:
			if (!b || a >= this->other_words || b > this->other_words - a ||
				overlaps(this, a, a + b) || !reserve_range(this))
			{
				return false;
			}
			add_range(this, a, a + b);
			if (rec[0] == REC_CLAIM)
			{
				*last_claim = (range_t){ .start = a, .end = a + b };
			}
			return true;
		case REC_SENT:
			if (a < this->reserved)
			{
				return false;
			}
			/* whatever was sent from a block before, the next is above */
			this->sent = this->reserved = a;
			return true;
		case REC_RECEIVED:
			if (a < this->received)
			{
				return false;
			}
			this->received = a;
			return true;
		default:
			return false;
	}
}

/**
 * Open the state log (creating it), load it, finish the wipes a crash may
 * have cut short and compact it.
 */
static bool load_state(private_dske_pair_t *this, char *err, size_t err_len)
{
	uint8_t rec[REC_LEN], digest[REC_DIGEST];
	range_t last_cursor = {}, last_claim = {};
	struct stat st;
	off_t offset = sizeof(state_magic);
	bool fresh = false;

	/* a compaction cut short by a crash */
	unlinkat(this->dir_fd, STATE_TMP, 0);
	this->state_fd = open_private(this->dir_fd, STATE_NAME, O_RDWR | O_CREAT,
								  &st, err, err_len);
	if (this->state_fd < 0)
	{
		return false;
	}
	if (st.st_size < (off_t)sizeof(state_magic))
	{	/* new, or torn while it was created */
		this->state_end = sizeof(state_magic);
		if (!compact(this))
		{
			snprintf(err, err_len, "cannot write " STATE_NAME ": %s",
					 strerror(errno));
			return false;
		}
		return true;
	}
	if (!dske_pread_all(this->state_fd, rec, sizeof(state_magic), 0) ||
		memcmp(rec, state_magic, sizeof(state_magic)) != 0)
	{
		snprintf(err, err_len, STATE_NAME " is no DSKE pair state");
		return false;
	}
	while (offset + REC_LEN <= st.st_size)
	{
		if (!dske_pread_all(this->state_fd, rec, REC_LEN, offset))
		{
			snprintf(err, err_len, "cannot read " STATE_NAME);
			return false;
		}
		rec_digest(rec, digest);
		if (memcmp(digest, rec + REC_LEN - REC_DIGEST, REC_DIGEST) != 0)
		{	/* torn by a crash while it was appended: the end */
			break;
		}
		if (!replay(this, rec, &last_cursor, &last_claim))
		{
			snprintf(err, err_len, STATE_NAME " record at %lld does not fit "
					 "the tables", (long long)offset);
			return false;
		}
		fresh = fresh || rec[0] == REC_CURSOR || rec[0] == REC_CLAIM;
		offset += REC_LEN;
	}
	this->state_end = offset;
	/* words handed out or claimed just before a crash may not have been
	 * overwritten yet: do it again (all earlier ones completed) */
	if (!wipe_words(this->own_fd, last_cursor.start,
					last_cursor.end - last_cursor.start) ||
		!wipe_words(this->other_fd, last_claim.start,
					last_claim.end - last_claim.start))
	{
		snprintf(err, err_len, "cannot overwrite used PSRD: %s",
				 strerror(errno));
		return false;
	}
	if ((fresh || offset != st.st_size) && !compact(this))
	{
		snprintf(err, err_len, "cannot rewrite " STATE_NAME ": %s",
				 strerror(errno));
		return false;
	}
	return true;
}

/**
 * The directory: ours, private, and not in use by another process.
 */
static bool open_dir(private_dske_pair_t *this, const char *dir, char *err,
					 size_t err_len)
{
	struct stat st;

	this->dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (this->dir_fd < 0 || fstat(this->dir_fd, &st) != 0)
	{
		snprintf(err, err_len, "cannot open %s: %s", dir, strerror(errno));
		return false;
	}
	if (st.st_uid != geteuid() || (st.st_mode & 077))
	{
		snprintf(err, err_len, "%s must belong to us and be mode 0700 (not "
				 "accessible by group or others)", dir);
		return false;
	}
	if (flock(this->dir_fd, LOCK_EX | LOCK_NB) != 0)
	{
		snprintf(err, err_len, "%s is in use", dir);
		return false;
	}
	return true;
}

dske_pair_t *dske_pair_open(const char *dir, dske_side_t side,
							char *err, size_t err_len)
{
	private_dske_pair_t *this;
	uint64_t words0 = 0, words1 = 0;
	int fd0 = -1, fd1 = -1;
	bool ok;

	this = calloc(1, sizeof(*this));
	if (!this)
	{
		snprintf(err, err_len, "out of memory");
		return NULL;
	}
	this->public = (dske_pair_t){
		.allocate = allocate,
		.claim = claim,
		.remaining = remaining,
		.next_counter = next_counter,
		.accept_counter = accept_counter,
		.get_wrap_key = get_wrap_key,
		.get_client_id = get_client_id,
		.get_hub_id = get_hub_id,
		.get_client_name = get_client_name,
		.get_hub_name = get_hub_name,
		.lookup_client = lookup_client,
		.destroy = destroy,
	};
	this->dir_fd = this->own_fd = this->other_fd = this->state_fd = -1;
	ok = open_dir(this, dir, err, err_len) &&
		 load_conf(this, err, err_len) &&
		 load_clients(this, err, err_len) &&
		 load_key(this, err, err_len) &&
		 (fd0 = open_table(this, 0, &words0, err, err_len)) >= 0 &&
		 (fd1 = open_table(this, 1, &words1, err, err_len)) >= 0;
	if (ok)
	{	/* each side allocates from its own table */
		this->own_fd = side == DSKE_SIDE_CLIENT ? fd0 : fd1;
		this->own_words = side == DSKE_SIDE_CLIENT ? words0 : words1;
		this->other_fd = side == DSKE_SIDE_CLIENT ? fd1 : fd0;
		this->other_words = side == DSKE_SIDE_CLIENT ? words1 : words0;
		ok = load_state(this, err, err_len);
	}
	else
	{
		if (fd0 >= 0)
		{
			close(fd0);
		}
		if (fd1 >= 0)
		{
			close(fd1);
		}
	}
	if (!ok)
	{
		destroy(&this->public);
		return NULL;
	}
	return &this->public;
}

/**
 * Create a file of a new pair, mode 0600 whatever the umask.
 *
 * @return			its descriptor, -1 if it cannot be created
 */
static int create_new(int dir_fd, const char *name)
{
	int fd;

	fd = openat(dir_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC |
				O_NOFOLLOW, 0600);
	if (fd >= 0 && fchmod(fd, 0600) != 0)
	{
		close(fd);
		return -1;
	}
	return fd;
}

/**
 * Create a file of a new pair with its content, synced.
 */
static bool write_new(int dir_fd, const char *name, const void *data,
					  size_t len)
{
	bool ok;
	int fd;

	fd = create_new(dir_fd, name);
	if (fd < 0)
	{
		return false;
	}
	ok = dske_pwrite_all(fd, data, len, 0) && fsync(fd) == 0;
	close(fd);
	return ok;
}

/**
 * A table of fresh random words.
 */
static bool write_table(int dir_fd, const char *name, uint64_t words)
{
	uint8_t buf[CHUNK_WORDS * DSKE_WORD_LEN];
	uint64_t done = 0, n;
	bool ok = true;
	int fd;

	fd = create_new(dir_fd, name);
	if (fd < 0)
	{
		return false;
	}
	while (ok && done < words)
	{
		n = words - done < CHUNK_WORDS ? words - done : CHUNK_WORDS;
		ok = RAND_priv_bytes(buf, (int)(n * DSKE_WORD_LEN)) == 1 &&
			 dske_pwrite_all(fd, buf, n * DSKE_WORD_LEN,
							 (off_t)(done * DSKE_WORD_LEN));
		done += n;
	}
	OPENSSL_cleanse(buf, sizeof(buf));
	ok = ok && fsync(fd) == 0;
	close(fd);
	return ok;
}

bool dske_pair_generate(const char *dir, const char *client,
						uint64_t client_id, const char *hub, uint64_t hub_id,
						uint64_t words, char *err, size_t err_len)
{
	uint8_t key[DSKE_WRAP_KEY_LEN];
	char text[512];
	int dir_fd, len;
	bool ok;

	if (!dske_pair_name_valid(client) || !dske_pair_name_valid(hub) ||
		!client_id || !hub_id || !words ||
		words > (uint64_t)INT64_MAX / DSKE_WORD_LEN)
	{
		snprintf(err, err_len, "invalid names, IDs or table size");
		return false;
	}
	if (mkdir(dir, 0700) != 0)
	{
		snprintf(err, err_len, "cannot create %s: %s", dir, strerror(errno));
		return false;
	}
	dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (dir_fd < 0 || fchmod(dir_fd, 0700) != 0)
	{
		snprintf(err, err_len, "cannot open %s: %s", dir, strerror(errno));
		if (dir_fd >= 0)
		{
			close(dir_fd);
		}
		return false;
	}
	len = snprintf(text, sizeof(text), "client = %s\nclient_id = %llu\n"
				   "hub = %s\nhub_id = %llu\nwrap_key_id = %d\n", client,
				   (unsigned long long)client_id, hub,
				   (unsigned long long)hub_id, DSKE_WRAP_KEY_ID_INITIAL);
	ok = write_new(dir_fd, CONF_NAME, text, len);
	len = snprintf(text, sizeof(text), "%s %llu\n", client,
				   (unsigned long long)client_id);
	ok = ok && write_new(dir_fd, CLIENTS_NAME, text, len);
	ok = ok && RAND_priv_bytes(key, sizeof(key)) == 1 &&
		 write_new(dir_fd, KEY_NAME, key, sizeof(key));
	OPENSSL_cleanse(key, sizeof(key));
	ok = ok && write_table(dir_fd, "table0", words) &&
		 write_table(dir_fd, "table1", words) && fsync(dir_fd) == 0;
	if (!ok)
	{
		snprintf(err, err_len, "cannot write the pair in %s: %s", dir,
				 strerror(errno));
	}
	close(dir_fd);
	return ok;
}
