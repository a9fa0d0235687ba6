/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "hub_store.h"
#include "kp_log.h"

#include <dske_file.h>
#include <dske_le.h>

#include <dirent.h>
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

#define LOCK_NAME "lock"
#define SHARE_SUFFIX ".share"
#define TMP_SUFFIX ".tmp"
/** file name: sender (16 hex), '-', secret ID (32 hex), suffix */
#define NAME_LEN (16 + 1 + 32 + sizeof(SHARE_SUFFIX TMP_SUFFIX))

/**
 * A share file, all integers little-endian:
 *   magic (16) || delivered (u32) || 0 (u32) || expires (u64) ||
 *   sender (u64) || secret ID (16) || k (1) || n (1) || m (u16) ||
 *   x (u32) || r (u16) || 0 (u16) || aad_len (u32) || recipients (r u64) ||
 *   AAD || R (3+m words) || SHA-256 of all before but the delivered field.
 * The delivered field changes in place; everything else is written once.
 */
static const char file_magic[16] = "SKIP-HUB-SHARE\0\1";
#define OFF_DELIVERED 16
#define OFF_FIXED 24
#define FIXED_LEN 48
#define DIGEST_LEN 32
#define FILE_MAX (OFF_FIXED + FIXED_LEN + 8 * DSKE_MAX_RECIPIENTS + \
				  DSKE_MAX_AAD + DSKE_WORD_LEN * (3 + DSKE_MAX_KEY_WORDS) + \
				  DIGEST_LEN)

/** hash buckets of the shares in memory */
#define BUCKETS 4096

struct hub_store_t {
	int dir_fd;
	int lock_fd;
	hub_share_t *buckets[BUCKETS];
	size_t count;
};

static size_t bucket(uint64_t sender, const uint8_t *secret_id)
{
	return (sender ^ dske_get_le(secret_id, 8) ^ dske_get_le(secret_id + 8, 8)) %
		   BUCKETS;
}

static void file_name(const hub_share_t *share, const char *suffix,
					  char name[NAME_LEN])
{
	int i, len;

	len = snprintf(name, NAME_LEN, "%016llx-",
				   (unsigned long long)share->sender);
	for (i = 0; i < DSKE_SECRET_ID_LEN; i++)
	{
		len += snprintf(name + len, NAME_LEN - len, "%02x",
						share->secret_id[i]);
	}
	snprintf(name + len, NAME_LEN - len, "%s", suffix);
}

static bool digest(const uint8_t *buf, size_t len, uint8_t out[DIGEST_LEN])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	bool ok;

	ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) &&
		 EVP_DigestUpdate(ctx, buf, OFF_DELIVERED) &&
		 EVP_DigestUpdate(ctx, buf + OFF_FIXED, len - OFF_FIXED) &&
		 EVP_DigestFinal_ex(ctx, out, NULL);
	EVP_MD_CTX_free(ctx);
	return ok;
}

/**
 * Encode a share into buf (FILE_MAX bytes); returns its size.
 */
static size_t encode(const hub_share_t *share, uint8_t *buf)
{
	uint8_t *p = buf + OFF_FIXED;
	size_t i;

	memset(buf, 0, OFF_FIXED + FIXED_LEN);
	memcpy(buf, file_magic, sizeof(file_magic));
	dske_put_le(buf + OFF_DELIVERED, share->delivered, 4);
	dske_put_le(p, share->expires, 8);
	dske_put_le(p + 8, share->sender, 8);
	memcpy(p + 16, share->secret_id, DSKE_SECRET_ID_LEN);
	p[32] = share->k;
	p[33] = share->n;
	dske_put_le(p + 34, share->m, 2);
	dske_put_le(p + 36, share->x, 4);
	dske_put_le(p + 40, share->recipient_count, 2);
	dske_put_le(p + 44, share->aad_len, 4);
	p += FIXED_LEN;
	for (i = 0; i < share->recipient_count; i++, p += 8)
	{
		dske_put_le(p, share->recipients[i], 8);
	}
	memcpy(p, share->aad, share->aad_len);
	p += share->aad_len;
	for (i = 0; i < dske_share_words(share->m); i++, p += DSKE_WORD_LEN)
	{
		dske_gf128_store(share->r[i], p);
	}
	if (!digest(buf, p - buf, p))
	{
		return 0;
	}
	return p + DIGEST_LEN - buf;
}

/**
 * Decode a share file of len bytes; false if it is not one.
 */
static bool decode(const uint8_t *buf, size_t len, hub_share_t *share)
{
	const uint8_t *p = buf + OFF_FIXED;
	uint8_t sum[DIGEST_LEN];
	size_t i, need;

	if (len < OFF_FIXED + FIXED_LEN + DIGEST_LEN ||
		memcmp(buf, file_magic, sizeof(file_magic)) != 0)
	{
		return false;
	}
	memset(share, 0, sizeof(*share));
	share->delivered = dske_get_le(buf + OFF_DELIVERED, 4);
	share->expires = dske_get_le(p, 8);
	share->sender = dske_get_le(p + 8, 8);
	memcpy(share->secret_id, p + 16, DSKE_SECRET_ID_LEN);
	share->k = p[32];
	share->n = p[33];
	share->m = dske_get_le(p + 34, 2);
	share->x = dske_get_le(p + 36, 4);
	share->recipient_count = dske_get_le(p + 40, 2);
	share->aad_len = dske_get_le(p + 44, 4);
	if (!share->m || share->m > DSKE_MAX_KEY_WORDS ||
		!share->recipient_count ||
		share->recipient_count > DSKE_MAX_RECIPIENTS ||
		share->aad_len > DSKE_MAX_AAD)
	{
		return false;
	}
	need = OFF_FIXED + FIXED_LEN + 8 * share->recipient_count +
		   share->aad_len + DSKE_WORD_LEN * dske_share_words(share->m) +
		   DIGEST_LEN;
	if (len != need || !digest(buf, len - DIGEST_LEN, sum) ||
		CRYPTO_memcmp(sum, buf + len - DIGEST_LEN, DIGEST_LEN) != 0)
	{
		return false;
	}
	p += FIXED_LEN;
	for (i = 0; i < share->recipient_count; i++, p += 8)
	{
		share->recipients[i] = dske_get_le(p, 8);
	}
	memcpy(share->aad, p, share->aad_len);
	p += share->aad_len;
	for (i = 0; i < dske_share_words(share->m); i++, p += DSKE_WORD_LEN)
	{
		share->r[i] = dske_gf128_load(p);
	}
	return true;
}

/**
 * Overwrite a file with zeros, sync it, unlink it and sync the directory:
 * a share that goes leaves nothing behind.
 */
static bool wipe_file(hub_store_t *store, const char *name)
{
	static const uint8_t zeros[FILE_MAX];
	struct stat st;
	bool ok;
	int fd;

	fd = openat(store->dir_fd, name, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
	{
		return false;
	}
	ok = fstat(fd, &st) == 0 && st.st_size <= (off_t)sizeof(zeros) &&
		 dske_pwrite_all(fd, zeros, st.st_size, 0) && fdatasync(fd) == 0;
	close(fd);
	return unlinkat(store->dir_fd, name, 0) == 0 && fsync(store->dir_fd) == 0 &&
		   ok;
}

static void insert(hub_store_t *store, hub_share_t *share)
{
	size_t b = bucket(share->sender, share->secret_id);

	share->next = store->buckets[b];
	store->buckets[b] = share;
	store->count++;
}

/**
 * Take a share out of memory and free it (wiped).
 */
static void forget(hub_store_t *store, hub_share_t *share)
{
	hub_share_t **link = &store->buckets[bucket(share->sender,
												share->secret_id)];

	while (*link && *link != share)
	{
		link = &(*link)->next;
	}
	if (*link)
	{
		*link = share->next;
		store->count--;
	}
	OPENSSL_cleanse(share, sizeof(*share));
	free(share);
}

/**
 * Wipe a share on disk and in memory.
 */
static bool remove_share(hub_store_t *store, hub_share_t *share)
{
	char name[NAME_LEN];
	bool ok;

	file_name(share, SHARE_SUFFIX, name);
	ok = wipe_file(store, name);
	forget(store, share);
	return ok;
}

hub_share_t *hub_store_find(hub_store_t *store, uint64_t sender,
							const uint8_t *secret_id)
{
	hub_share_t *share;

	for (share = store->buckets[bucket(sender, secret_id)]; share;
		 share = share->next)
	{
		if (share->sender == sender &&
			memcmp(share->secret_id, secret_id, DSKE_SECRET_ID_LEN) == 0)
		{
			return share;
		}
	}
	return NULL;
}

bool hub_store_add(hub_store_t *store, const hub_share_t *share)
{
	char name[NAME_LEN], tmp[NAME_LEN];
	hub_share_t *copy;
	uint8_t *buf;
	size_t len;
	bool ok;
	int fd;

	copy = malloc(sizeof(*copy));
	buf = malloc(FILE_MAX);
	if (!copy || !buf)
	{
		free(copy);
		free(buf);
		return false;
	}
	*copy = *share;
	copy->next = NULL;
	file_name(share, SHARE_SUFFIX, name);
	file_name(share, SHARE_SUFFIX TMP_SUFFIX, tmp);
	len = encode(share, buf);
	fd = openat(store->dir_fd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
				O_NOFOLLOW, 0600);
	ok = len && fd >= 0 && dske_pwrite_all(fd, buf, len, 0) &&
		 fdatasync(fd) == 0;
	if (fd >= 0)
	{
		close(fd);
	}
	OPENSSL_cleanse(buf, FILE_MAX);
	free(buf);
	ok = ok && renameat(store->dir_fd, tmp, store->dir_fd, name) == 0 &&
		 fsync(store->dir_fd) == 0;
	if (!ok)
	{
		wipe_file(store, tmp);
		OPENSSL_cleanse(copy, sizeof(*copy));
		free(copy);
		return false;
	}
	insert(store, copy);
	return true;
}

bool hub_store_delivered(hub_store_t *store, hub_share_t *share,
						 unsigned index)
{
	char name[NAME_LEN];
	uint8_t field[4];
	bool ok;
	int fd;

	share->delivered |= 1u << index;
	if (share->delivered == (1u << share->recipient_count) - 1)
	{
		return remove_share(store, share);
	}
	file_name(share, SHARE_SUFFIX, name);
	dske_put_le(field, share->delivered, 4);
	fd = openat(store->dir_fd, name, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	ok = fd >= 0 &&
		 dske_pwrite_all(fd, field, sizeof(field), OFF_DELIVERED) &&
		 fdatasync(fd) == 0;
	if (fd >= 0)
	{
		close(fd);
	}
	return ok;
}

size_t hub_store_expire(hub_store_t *store, uint64_t now)
{
	hub_share_t *share, *next;
	size_t i, wiped = 0;

	for (i = 0; i < BUCKETS; i++)
	{
		for (share = store->buckets[i]; share; share = next)
		{
			next = share->next;
			if (share->expires <= now)
			{
				if (!remove_share(store, share))
				{
					kp_log(KP_LOG_ERROR, "cannot wipe an expired share: %m");
				}
				wiped++;
			}
		}
	}
	return wiped;
}

size_t hub_store_count(hub_store_t *store)
{
	return store->count;
}

/**
 * Load one share file; expired ones and leftovers of a crash are wiped.
 */
static void load_file(hub_store_t *store, const char *name, uint64_t now)
{
	size_t len = strlen(name), slen = strlen(SHARE_SUFFIX);
	hub_share_t *share;
	uint8_t *buf;
	ssize_t n;
	int fd;

	if (len > slen && strcmp(name + len - strlen(TMP_SUFFIX),
							 TMP_SUFFIX) == 0)
	{	/* never acknowledged */
		wipe_file(store, name);
		return;
	}
	if (len <= slen || strcmp(name + len - slen, SHARE_SUFFIX) != 0)
	{
		return;
	}
	share = malloc(sizeof(*share));
	buf = malloc(FILE_MAX + 1);
	fd = openat(store->dir_fd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	n = fd >= 0 && buf ? read(fd, buf, FILE_MAX + 1) : -1;
	if (fd >= 0)
	{
		close(fd);
	}
	if (!share || n < 0 || !decode(buf, n, share))
	{
		kp_log(KP_LOG_ERROR, "share file %s is damaged: left alone", name);
		free(share);
	}
	else if (share->expires <= now)
	{
		wipe_file(store, name);
		OPENSSL_cleanse(share, sizeof(*share));
		free(share);
	}
	else
	{
		insert(store, share);
	}
	if (buf)
	{
		OPENSSL_cleanse(buf, FILE_MAX + 1);
	}
	free(buf);
}

hub_store_t *hub_store_open(const char *dir, uint64_t now, char *err,
							size_t errlen)
{
	hub_store_t *store;
	struct dirent *entry;
	struct stat st;
	DIR *d;
	int fd;

	store = calloc(1, sizeof(*store));
	if (!store)
	{
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	store->dir_fd = store->lock_fd = -1;
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
	{
		snprintf(err, errlen, "cannot create %s: %m", dir);
		goto err;
	}
	store->dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC |
						 O_NOFOLLOW);
	if (store->dir_fd < 0 || fstat(store->dir_fd, &st) != 0)
	{
		snprintf(err, errlen, "cannot open %s: %m", dir);
		goto err;
	}
	if (st.st_uid != geteuid() || (st.st_mode & 077))
	{
		snprintf(err, errlen, "%s must belong to us and not be accessible by "
				 "group or others (chmod 700)", dir);
		goto err;
	}
	store->lock_fd = openat(store->dir_fd, LOCK_NAME, O_RDWR | O_CREAT |
							O_CLOEXEC | O_NOFOLLOW, 0600);
	if (store->lock_fd < 0 || flock(store->lock_fd, LOCK_EX | LOCK_NB) != 0)
	{
		snprintf(err, errlen, "%s is in use by another skip-hub", dir);
		goto err;
	}
	fd = dup(store->dir_fd);
	d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d)
	{
		snprintf(err, errlen, "cannot read %s: %m", dir);
		if (fd >= 0)
		{
			close(fd);
		}
		goto err;
	}
	while ((entry = readdir(d)))
	{
		load_file(store, entry->d_name, now);
	}
	closedir(d);
	return store;

err:
	hub_store_destroy(store);
	return NULL;
}

void hub_store_destroy(hub_store_t *store)
{
	hub_share_t *share, *next;
	size_t i;

	if (!store)
	{
		return;
	}
	for (i = 0; i < BUCKETS; i++)
	{
		for (share = store->buckets[i]; share; share = next)
		{
			next = share->next;
			OPENSSL_cleanse(share, sizeof(*share));
			free(share);
		}
	}
	if (store->lock_fd >= 0)
	{
		close(store->lock_fd);
	}
	if (store->dir_fd >= 0)
	{
		close(store->dir_fd);
	}
	free(store);
}
