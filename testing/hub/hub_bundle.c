/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "hub_bundle.h"

#include <dske_pair.h>
#include <dske_shamir.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

/** most clients of one bundle */
#define CLIENTS_MAX 1024
/** files of a pair directory, copied to the other side */
static const char *const pair_files[] = {
	"pair.conf", "clients", "wrap.key", "table0", "table1",
};
#define COPY_CHUNK (64 * 1024)

typedef struct {
	char *names[CLIENTS_MAX];
	size_t count;
} names_t;

static void usage(FILE *out)
{
	fprintf(out, "usage: skip-hub bundle --hubs NAME[,NAME..] "
			"--clients NAME[,NAME..] --words N --out DIR\n");
}

static bool split_names(const char *option, const char *arg, names_t *names,
						size_t max)
{
	char *copy = strdup(arg), *name, *save = NULL;
	bool ok = copy != NULL;

	for (name = copy ? strtok_r(copy, ",", &save) : NULL; ok && name;
		 name = strtok_r(NULL, ",", &save))
	{
		if (!dske_pair_name_valid(name) || names->count >= max)
		{
			fprintf(stderr, "--%s: invalid name '%s' or more than %zu "
					"names\n", option, name, max);
			ok = false;
		}
		else
		{
			names->names[names->count] = strdup(name);
			ok = names->names[names->count++] != NULL;
		}
	}
	free(copy);
	return ok && names->count;
}

static void free_names(names_t *names)
{
	size_t i;

	for (i = 0; i < names->count; i++)
	{
		free(names->names[i]);
	}
}

/**
 * Hubs and clients each get DIR/NAME: no name may be used twice.
 */
static bool names_unique(names_t *hubs, names_t *clients)
{
	char *all[DSKE_MAX_HUBS + CLIENTS_MAX];
	size_t i, j, n = 0;

	for (i = 0; i < hubs->count; i++)
	{
		all[n++] = hubs->names[i];
	}
	for (i = 0; i < clients->count; i++)
	{
		all[n++] = clients->names[i];
	}
	for (i = 0; i < n; i++)
	{
		for (j = 0; j < i; j++)
		{
			if (strcmp(all[i], all[j]) == 0)
			{
				fprintf(stderr, "name '%s' given twice\n", all[i]);
				return false;
			}
		}
	}
	return true;
}

/**
 * A random nonzero ID, distinct from the others given.
 */
static bool new_id(const uint64_t *taken, size_t count, uint64_t *id)
{
	size_t i;

	do
	{
		if (RAND_bytes((uint8_t*)id, sizeof(*id)) != 1)
		{
			return false;
		}
		for (i = 0; i < count && taken[i] != *id; i++)
		{
		}
	}
	while (!*id || i < count);
	return true;
}

static bool make_dir(const char *path)
{
	if (mkdir(path, 0700) != 0 || chmod(path, 0700) != 0)
	{
		fprintf(stderr, "cannot create %s: %m\n", path);
		return false;
	}
	return true;
}

/**
 * Copy a file of a pair (mode 0600, synced).
 */
static bool copy_file(const char *from, const char *to)
{
	uint8_t *buf;
	ssize_t n = 0, w;
	bool ok;
	int in, out;

	in = open(from, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
			   0600);
	buf = malloc(COPY_CHUNK);
	ok = in >= 0 && out >= 0 && buf && fchmod(out, 0600) == 0;
	while (ok && (n = read(in, buf, COPY_CHUNK)) > 0)
	{
		for (w = 0; ok && w < n; )
		{
			ssize_t done = write(out, buf + w, n - w);

			ok = done > 0;
			w += done > 0 ? done : 0;
		}
	}
	ok = ok && n == 0 && fsync(out) == 0;
	if (buf)
	{
		OPENSSL_cleanse(buf, COPY_CHUNK);
	}
	free(buf);
	if (in >= 0)
	{
		close(in);
	}
	if (out >= 0)
	{
		close(out);
	}
	if (!ok)
	{
		fprintf(stderr, "cannot copy %s to %s: %m\n", from, to);
	}
	return ok;
}

static bool write_text(const char *path, const char *text)
{
	size_t len = strlen(text);
	bool ok;
	int fd;

	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOFOLLOW);
	ok = fd >= 0 && write(fd, text, len) == (ssize_t)len && fsync(fd) == 0;
	if (fd >= 0)
	{
		close(fd);
	}
	if (!ok)
	{
		fprintf(stderr, "cannot write %s: %m\n", path);
	}
	return ok;
}

/**
 * One hub's pairs with all clients, both sides, and its clients file in
 * every one of them.
 */
static bool make_hub(const char *out, const char *hub, names_t *clients,
					 uint64_t words)
{
	uint64_t hub_id, ids[CLIENTS_MAX];
	char hub_side[4096], client_side[4096], from[4200], to[4200], err[256];
	char *text = NULL;
	size_t i, j, len = 0;
	bool ok;

	snprintf(hub_side, sizeof(hub_side), "%s/%s/clients", out, hub);
	ok = new_id(NULL, 0, &hub_id) && make_dir(hub_side);
	for (i = 0; ok && i < clients->count; i++)
	{
		snprintf(hub_side, sizeof(hub_side), "%s/%s/clients/%s", out, hub,
				 clients->names[i]);
		snprintf(client_side, sizeof(client_side), "%s/%s/hubs/%s", out,
				 clients->names[i], hub);
		ok = new_id(ids, i, &ids[i]);
		if (ok && !dske_pair_generate(hub_side, clients->names[i], ids[i],
									  hub, hub_id, words, err, sizeof(err)))
		{
			fprintf(stderr, "%s\n", err);
			ok = false;
		}
		ok = ok && make_dir(client_side);
		for (j = 0; ok && j < sizeof(pair_files) / sizeof(pair_files[0]); j++)
		{
			snprintf(from, sizeof(from), "%s/%s", hub_side, pair_files[j]);
			snprintf(to, sizeof(to), "%s/%s", client_side, pair_files[j]);
			ok = copy_file(from, to);
		}
	}
	text = ok ? malloc(clients->count * (DSKE_PAIR_NAME_MAX + 24) + 1) : NULL;
	for (i = 0; text && i < clients->count; i++)
	{
		len += sprintf(text + len, "%s %llu\n", clients->names[i],
					   (unsigned long long)ids[i]);
	}
	ok = ok && text;
	for (i = 0; ok && i < clients->count; i++)
	{
		snprintf(to, sizeof(to), "%s/%s/clients/%s/clients", out, hub,
				 clients->names[i]);
		ok = write_text(to, text);
		snprintf(to, sizeof(to), "%s/%s/hubs/%s/clients", out,
				 clients->names[i], hub);
		ok = ok && write_text(to, text);
	}
	free(text);
	if (ok)
	{
		printf("hub %s (ID %llu): %zu client(s), %llu words (%llu bytes) "
			   "per table, one table each way\n", hub,
			   (unsigned long long)hub_id, clients->count,
			   (unsigned long long)words,
			   (unsigned long long)words * DSKE_WORD_LEN);
	}
	return ok;
}

static bool make_bundle(const char *out, names_t *hubs, names_t *clients,
						uint64_t words)
{
	char path[4096];
	size_t i;
	bool ok;

	ok = (mkdir(out, 0700) == 0 || errno == EEXIST);
	if (!ok)
	{
		fprintf(stderr, "cannot create %s: %m\n", out);
	}
	for (i = 0; ok && i < hubs->count; i++)
	{
		snprintf(path, sizeof(path), "%s/%s", out, hubs->names[i]);
		ok = make_dir(path);
	}
	for (i = 0; ok && i < clients->count; i++)
	{
		snprintf(path, sizeof(path), "%s/%s", out, clients->names[i]);
		ok = make_dir(path);
		snprintf(path, sizeof(path), "%s/%s/hubs", out, clients->names[i]);
		ok = ok && make_dir(path);
	}
	for (i = 0; ok && i < hubs->count; i++)
	{
		ok = make_hub(out, hubs->names[i], clients, words);
	}
	return ok;
}

int hub_bundle_main(int argc, char *argv[])
{
	static const struct option options[] = {
		{ "hubs", required_argument, NULL, 'H' },
		{ "clients", required_argument, NULL, 'C' },
		{ "words", required_argument, NULL, 'w' },
		{ "out", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	names_t hubs = {}, clients = {};
	unsigned long long words = 0;
	const char *out = NULL;
	char *end;
	int opt, status = 2;

	umask(077);
	while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1)
	{
		switch (opt)
		{
			case 'H':
				if (!split_names("hubs", optarg, &hubs, DSKE_MAX_HUBS))
				{
					goto out;
				}
				continue;
			case 'C':
				if (!split_names("clients", optarg, &clients, CLIENTS_MAX))
				{
					goto out;
				}
				continue;
			case 'w':
				errno = 0;
				words = strtoull(optarg, &end, 10);
				if (!isdigit((unsigned char)*optarg) || errno || *end ||
					!words || words > (1ULL << 40))
				{
					fprintf(stderr, "--words: invalid value '%s'\n", optarg);
					goto out;
				}
				continue;
			case 'o':
				out = optarg;
				continue;
			case 'h':
				usage(stdout);
				status = 0;
				goto out;
			default:
				usage(stderr);
				goto out;
		}
	}
	if (optind != argc || !hubs.count || !clients.count || !words || !out)
	{
		usage(stderr);
		goto out;
	}
	if (names_unique(&hubs, &clients))
	{
		status = make_bundle(out, &hubs, &clients, words) ? 0 : 1;
	}
out:
	free_names(&hubs);
	free_names(&clients);
	return status;
}
