/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * Client-hub pairs: both sides of one generated pair, words handed out and
 * claimed once, across crashes (a child process that exits without closing
 * the pair), counters, and the files' modes.
 */

#include "wire_tests.h"

#include <dske_pair.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/** words per table of the test pair */
#define WORDS 64

static char top[64], client_dir[128], hub_dir[128];

static const char *path(const char *dir, const char *name)
{
	static char buf[4][256];
	static int next;

	next = (next + 1) % 4;
	snprintf(buf[next], sizeof(buf[next]), "%s/%s", dir, name);
	return buf[next];
}

static void run(const char *fmt, const char *a, const char *b)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), fmt, a, b);
	ck_assert_msg(system(cmd) == 0, "%s", cmd);
}

/**
 * A generated pair, copied for the other side as a bundle would be.
 */
static void setup(void)
{
	char err[256];

	snprintf(top, sizeof(top), "/tmp/dske-pair-XXXXXX");
	ck_assert(mkdtemp(top));
	snprintf(client_dir, sizeof(client_dir), "%s/client", top);
	snprintf(hub_dir, sizeof(hub_dir), "%s/hub", top);
	ck_assert_msg(dske_pair_generate(client_dir, "kp-a", 1001, "hub-1", 77,
									 WORDS, err, sizeof(err)), "%s", err);
	run("cp -a %s %s", client_dir, hub_dir);
}

static void teardown(void)
{
	run("rm -rf %s%s", top, "");
}

static dske_pair_t *open_side(const char *dir, dske_side_t side)
{
	dske_pair_t *pair;
	char err[256];

	pair = dske_pair_open(dir, side, err, sizeof(err));
	ck_assert_msg(pair, "%s: %s", dir, err);
	return pair;
}

/**
 * Opening fails, and says so with needle.
 */
static void open_fails(const char *dir, const char *needle)
{
	char err[256] = "";

	ck_assert(!dske_pair_open(dir, DSKE_SIDE_CLIENT, err, sizeof(err)));
	ck_assert_msg(strstr(err, needle), "'%s' does not say '%s'", err, needle);
}

/**
 * Words start..start+count of a table file as they are on disk.
 */
static void read_table(const char *dir, const char *table, uint64_t start,
					   size_t count, uint8_t *out)
{
	FILE *file = fopen(path(dir, table), "r");

	ck_assert(file);
	ck_assert_int_eq(fseek(file, (long)start * 16, SEEK_SET), 0);
	ck_assert_uint_eq(fread(out, 16, count, file), count);
	fclose(file);
}

static void assert_zero(const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
	{
		ck_assert_msg(p[i] == 0, "byte %zu not wiped", i);
	}
}

static void assert_words(const dske_gf128_t *words, const uint8_t *bytes,
						 size_t count)
{
	size_t i;

	for (i = 0; i < count; i++)
	{
		ck_assert(dske_gf128_equal(words[i], dske_gf128_load(bytes + 16 * i)));
	}
}

START_TEST(test_generate)
{
	struct stat st;
	const char *names[] = { "pair.conf", "clients", "wrap.key", "table0",
							"table1" };
	uint8_t a[32], b[32];
	char err[256];
	size_t i;

	ck_assert_int_eq(stat(client_dir, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0700);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
	{
		ck_assert_int_eq(stat(path(client_dir, names[i]), &st), 0);
		ck_assert_int_eq(st.st_mode & 0777, 0600);
	}
	ck_assert_int_eq(stat(path(client_dir, "table0"), &st), 0);
	ck_assert_int_eq(st.st_size, WORDS * 16);
	/* random, and the tables differ */
	read_table(client_dir, "table0", 0, 2, a);
	read_table(client_dir, "table1", 0, 2, b);
	ck_assert(memcmp(a, b, sizeof(a)) != 0);
	/* never over an existing pair */
	ck_assert(!dske_pair_generate(client_dir, "kp-a", 1001, "hub-1", 77,
								  WORDS, err, sizeof(err)));
	ck_assert(!dske_pair_generate(path(top, "x"), "kp/a", 1, "hub-1", 77,
								  WORDS, err, sizeof(err)));
	ck_assert(!dske_pair_generate(path(top, "x"), "kp-a", 0, "hub-1", 77,
								  WORDS, err, sizeof(err)));
	ck_assert(!dske_pair_generate(path(top, "x"), "kp-a", 1, "hub-1", 77,
								  0, err, sizeof(err)));
}
END_TEST

START_TEST(test_identity)
{
	dske_pair_t *client, *hub;
	uint32_t id_c, id_h;
	uint64_t id;

	client = open_side(client_dir, DSKE_SIDE_CLIENT);
	hub = open_side(hub_dir, DSKE_SIDE_HUB);
	ck_assert_uint_eq(client->get_client_id(client), 1001);
	ck_assert_uint_eq(hub->get_client_id(hub), 1001);
	ck_assert_uint_eq(client->get_hub_id(client), 77);
	ck_assert_str_eq(client->get_client_name(client), "kp-a");
	ck_assert_str_eq(hub->get_hub_name(hub), "hub-1");
	ck_assert_mem_eq(client->get_wrap_key(client, &id_c),
					 hub->get_wrap_key(hub, &id_h), DSKE_WRAP_KEY_LEN);
	ck_assert_uint_eq(id_c, DSKE_WRAP_KEY_ID_INITIAL);
	ck_assert_uint_eq(id_h, DSKE_WRAP_KEY_ID_INITIAL);
	ck_assert(client->lookup_client(client, "kp-a", &id));
	ck_assert_uint_eq(id, 1001);
	ck_assert(!client->lookup_client(client, "kp-b", &id));
	ck_assert_uint_eq(client->remaining(client), WORDS);
	ck_assert_uint_eq(hub->remaining(hub), WORDS);
	client->destroy(client);
	hub->destroy(hub);
}
END_TEST

START_TEST(test_clients_file)
{
	dske_pair_t *pair;
	uint64_t id;
	FILE *file;

	file = fopen(path(client_dir, "clients"), "w");
	fputs("kp-a 1001\n# a comment\nkp-b 18446744073709551615\n\nkp.c 5\n",
		  file);
	fclose(file);
	pair = open_side(client_dir, DSKE_SIDE_CLIENT);
	ck_assert(pair->lookup_client(pair, "kp-b", &id));
	ck_assert_uint_eq(id, 18446744073709551615ULL);
	ck_assert(pair->lookup_client(pair, "kp.c", &id));
	ck_assert_uint_eq(id, 5);
	pair->destroy(pair);

	file = fopen(path(client_dir, "clients"), "w");
	fputs("kp-a 1001\nkp-a 1002\n", file);
	fclose(file);
	open_fails(client_dir, "clients line 2");
	file = fopen(path(client_dir, "clients"), "w");
	fputs("kp-a 0\n", file);
	fclose(file);
	open_fails(client_dir, "clients line 1");
	file = fopen(path(client_dir, "clients"), "w");
	fputs("kp-a 1 2\n", file);
	fclose(file);
	open_fails(client_dir, "clients line 1");
	unlink(path(client_dir, "clients"));
	open_fails(client_dir, "clients");
}
END_TEST

START_TEST(test_allocate_claim)
{
	dske_gf128_t words[WORDS], theirs[WORDS];
	uint8_t disk[WORDS * 16];
	dske_pair_t *client, *hub;
	uint64_t start;

	read_table(client_dir, "table0", 0, 12, disk);
	client = open_side(client_dir, DSKE_SIDE_CLIENT);
	hub = open_side(hub_dir, DSKE_SIDE_HUB);
	/* the client's upload range, claimed by the hub */
	ck_assert(client->allocate(client, 6, &start, words));
	ck_assert_uint_eq(start, 0);
	assert_words(words, disk, 6);
	ck_assert(hub->claim(hub, start, 6, theirs));
	assert_words(theirs, disk, 6);
	ck_assert(client->allocate(client, 6, &start, words));
	ck_assert_uint_eq(start, 6);
	assert_words(words, disk + 6 * 16, 6);
	ck_assert_uint_eq(client->remaining(client), WORDS - 12);
	/* used words are gone from both disks */
	read_table(client_dir, "table0", 0, 12, disk);
	assert_zero(disk, 12 * 16);
	read_table(hub_dir, "table0", 0, 6, disk);
	assert_zero(disk, 6 * 16);
	/* replays, overlaps, out of bounds */
	ck_assert(!hub->claim(hub, 0, 6, theirs));
	ck_assert(!hub->claim(hub, 5, 6, theirs));
	ck_assert(!hub->claim(hub, 3, 1, theirs));
	ck_assert(!hub->claim(hub, WORDS - 5, 6, theirs));
	ck_assert(!hub->claim(hub, WORDS, 1, theirs));
	ck_assert(!hub->claim(hub, UINT64_MAX - 2, 6, theirs));
	ck_assert(!hub->claim(hub, 6, 0, theirs));
	/* out of order is fine, once */
	ck_assert(hub->claim(hub, 20, 6, theirs));
	ck_assert(hub->claim(hub, 6, 6, theirs));
	ck_assert(!hub->claim(hub, 19, 2, theirs));
	ck_assert(hub->claim(hub, WORDS - 6, 6, theirs));
	/* the other direction: the hub's table 1 */
	read_table(hub_dir, "table1", 0, 7, disk);
	ck_assert(hub->allocate(hub, 7, &start, words));
	ck_assert_uint_eq(start, 0);
	ck_assert(client->claim(client, start, 7, theirs));
	assert_words(theirs, disk, 7);
	assert_words(words, disk, 7);
	ck_assert(!client->claim(client, start, 7, theirs));
	client->destroy(client);
	hub->destroy(hub);
}
END_TEST

START_TEST(test_exhaustion)
{
	dske_gf128_t words[WORDS];
	dske_pair_t *client;
	uint64_t start;

	client = open_side(client_dir, DSKE_SIDE_CLIENT);
	ck_assert(!client->allocate(client, WORDS + 1, &start, words));
	ck_assert(!client->allocate(client, 0, &start, words));
	ck_assert(client->allocate(client, WORDS - 5, &start, words));
	ck_assert(!client->allocate(client, 6, &start, words));
	/* nothing was taken by the refusal */
	ck_assert_uint_eq(client->remaining(client), 5);
	ck_assert(client->allocate(client, 5, &start, words));
	ck_assert_uint_eq(start, WORDS - 5);
	ck_assert_uint_eq(client->remaining(client), 0);
	ck_assert(!client->allocate(client, 1, &start, words));
	client->destroy(client);
	client = open_side(client_dir, DSKE_SIDE_CLIENT);
	ck_assert_uint_eq(client->remaining(client), 0);
	ck_assert(!client->allocate(client, 1, &start, words));
	client->destroy(client);
}
END_TEST

START_TEST(test_counters)
{
	dske_pair_t *pair;
	uint64_t counter;

	pair = open_side(client_dir, DSKE_SIDE_CLIENT);
	ck_assert(pair->next_counter(pair, &counter));
	ck_assert_uint_eq(counter, 1);
	ck_assert(pair->next_counter(pair, &counter));
	ck_assert_uint_eq(counter, 2);
	ck_assert(!pair->accept_counter(pair, 0));
	ck_assert(pair->accept_counter(pair, 1));
	ck_assert(!pair->accept_counter(pair, 1));
	ck_assert(pair->accept_counter(pair, 5));
	ck_assert(!pair->accept_counter(pair, 4));
	ck_assert(!pair->accept_counter(pair, 5));
	pair->destroy(pair);
	pair = open_side(client_dir, DSKE_SIDE_CLIENT);
	ck_assert(pair->next_counter(pair, &counter));
	ck_assert_uint_eq(counter, 3);
	ck_assert(!pair->accept_counter(pair, 5));
	ck_assert(pair->accept_counter(pair, 6));
	pair->destroy(pair);
}
END_TEST

/**
 * What a child does before it dies (kill -9: nothing is closed).
 */
static void crash_child(void)
{
	dske_gf128_t words[16];
	dske_pair_t *pair;
	uint64_t start, counter;
	char err[256];

	pair = dske_pair_open(client_dir, DSKE_SIDE_CLIENT, err, sizeof(err));
	if (!pair || !pair->allocate(pair, 6, &start, words) ||
		!pair->allocate(pair, 6, &start, words) ||
		!pair->next_counter(pair, &counter) ||
		!pair->next_counter(pair, &counter) ||
		!pair->next_counter(pair, &counter) ||
		!pair->claim(pair, 10, 7, words) ||
		!pair->accept_counter(pair, 9))
	{
		_exit(1);
	}
	_exit(0);
}

START_TEST(test_crash)
{
	dske_gf128_t words[16];
	dske_pair_t *pair;
	uint64_t start, counter;
	int status;
	pid_t pid;

	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
	{
		crash_child();
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	pair = open_side(client_dir, DSKE_SIDE_CLIENT);
	ck_assert_uint_eq(pair->remaining(pair), WORDS - 12);
	ck_assert(pair->allocate(pair, 6, &start, words));
	ck_assert_uint_eq(start, 12);
	ck_assert(pair->next_counter(pair, &counter));
	ck_assert_uint_eq(counter, 4);
	ck_assert(!pair->claim(pair, 10, 7, words));
	ck_assert(!pair->claim(pair, 16, 1, words));
	ck_assert(pair->claim(pair, 17, 1, words));
	ck_assert(!pair->accept_counter(pair, 9));
	ck_assert(pair->accept_counter(pair, 10));
	pair->destroy(pair);
}
END_TEST

START_TEST(test_torn_state)
{
	dske_gf128_t words[16];
	dske_pair_t *pair;
	uint64_t start;
	FILE *file;

	pair = open_side(client_dir, DSKE_SIDE_CLIENT);
	ck_assert(pair->allocate(pair, 6, &start, words));
	pair->destroy(pair);
	/* half a record, as a crash while appending leaves it */
	file = fopen(path(client_dir, "state"), "a");
	fwrite("\x01\0\0\0\0\0\0\0\x40\0\0\0\0\0\0", 1, 15, file);
	fclose(file);
	pair = open_side(client_dir, DSKE_SIDE_CLIENT);
	ck_assert_uint_eq(pair->remaining(pair), WORDS - 6);
	pair->destroy(pair);
	/* not a state file at all */
	file = fopen(path(client_dir, "state"), "w");
	fputs("garbage garbage garbage", file);
	fclose(file);
	open_fails(client_dir, "state");
}
END_TEST

START_TEST(test_in_use)
{
	dske_pair_t *pair;

	pair = open_side(client_dir, DSKE_SIDE_CLIENT);
	open_fails(client_dir, "in use");
	pair->destroy(pair);
	pair = open_side(client_dir, DSKE_SIDE_CLIENT);
	pair->destroy(pair);
}
END_TEST

START_TEST(test_modes)
{
	const char *names[] = { "pair.conf", "clients", "wrap.key", "table0",
							"table1", "state" };
	dske_pair_t *pair;
	size_t i;

	pair = open_side(client_dir, DSKE_SIDE_CLIENT);
	pair->destroy(pair);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
	{
		ck_assert_int_eq(chmod(path(client_dir, names[i]), 0640), 0);
		open_fails(client_dir, names[i]);
		ck_assert_int_eq(chmod(path(client_dir, names[i]), 0604), 0);
		open_fails(client_dir, "mode 0600");
		ck_assert_int_eq(chmod(path(client_dir, names[i]), 0600), 0);
	}
	ck_assert_int_eq(chmod(client_dir, 0750), 0);
	open_fails(client_dir, "mode 0700");
	ck_assert_int_eq(chmod(client_dir, 0700), 0);
	/* no symbolic links to files elsewhere */
	ck_assert_int_eq(rename(path(client_dir, "wrap.key"),
							path(top, "wrap.key")), 0);
	ck_assert_int_eq(symlink(path(top, "wrap.key"),
							 path(client_dir, "wrap.key")), 0);
	open_fails(client_dir, "wrap.key");
}
END_TEST

static void write_file(const char *name, const char *content, size_t len)
{
	int fd;

	fd = open(path(client_dir, name), O_WRONLY | O_TRUNC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, content, len), (ssize_t)len);
	close(fd);
}

START_TEST(test_malformed)
{
	write_file("wrap.key", "0123456789abcdef0123456789abcde", 31);
	open_fails(client_dir, "wrap.key");
	run("cp -a %s/wrap.key %s/wrap.key", hub_dir, client_dir);
	ck_assert_int_eq(truncate(path(client_dir, "table1"), WORDS * 16 - 1), 0);
	open_fails(client_dir, "table1");
	run("cp -a %s/table1 %s/table1", hub_dir, client_dir);
	write_file("pair.conf", "client = kp-a\nclient_id = 1\nhub = h\n", 36);
	open_fails(client_dir, "hub_id");
	write_file("pair.conf", "client = kp-a\nclient_id = 0\nhub = h\n"
			   "hub_id = 2\n", 47);
	open_fails(client_dir, "line 2");
	write_file("pair.conf", "client = kp/a\nclient_id = 1\nhub = h\n"
			   "hub_id = 2\n", 47);
	open_fails(client_dir, "line 1");
	write_file("pair.conf", "client = kp-a\nclient_id = 1\nhub = h\n"
			   "hub_id = 2\ncolour = blue\n", 61);
	open_fails(client_dir, "line 5");
	write_file("pair.conf", "client = kp-a\nclient_id = 1\nhub = h\n"
			   "hub_id = 2\nhub_id = 3\n", 58);
	open_fails(client_dir, "line 5");
	write_file("pair.conf", "client = kp-a\nclient_id = 1\nhub = h\n"
			   "hub_id = 2\n", 47);
	run("rm %s/table0%s", client_dir, "");
	open_fails(client_dir, "table0");
}
END_TEST

START_TEST(test_names)
{
	ck_assert(dske_pair_name_valid("kp-a"));
	ck_assert(dske_pair_name_valid("Hub_1.example"));
	ck_assert(dske_pair_name_valid("..."));
	ck_assert(!dske_pair_name_valid(""));
	ck_assert(!dske_pair_name_valid("."));
	ck_assert(!dske_pair_name_valid(".."));
	ck_assert(!dske_pair_name_valid("a/b"));
	ck_assert(!dske_pair_name_valid("a b"));
	ck_assert(dske_pair_name_valid(
		"0123456789012345678901234567890123456789012345678901234567890123"));
	ck_assert(!dske_pair_name_valid(
		"01234567890123456789012345678901234567890123456789012345678901234"));
}
END_TEST

Suite *pair_suite(void)
{
	Suite *s = suite_create("dske_pair");
	TCase *tc;

	tc = tcase_create("pairs");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_generate);
	tcase_add_test(tc, test_identity);
	tcase_add_test(tc, test_clients_file);
	tcase_add_test(tc, test_allocate_claim);
	tcase_add_test(tc, test_exhaustion);
	tcase_add_test(tc, test_counters);
	tcase_add_test(tc, test_crash);
	tcase_add_test(tc, test_torn_state);
	tcase_add_test(tc, test_in_use);
	tcase_add_test(tc, test_modes);
	tcase_add_test(tc, test_malformed);
	tcase_add_test(tc, test_names);
	suite_add_tcase(s, tc);
	return s;
}
