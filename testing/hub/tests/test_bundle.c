/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * skip-hub bundle: the layout, both sides identical, IDs, modes.
 */

#include "hubt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

static void teardown(void)
{
	hubt_cleanup();
}

static void assert_mode(const char *path, mode_t mode)
{
	struct stat st;

	ck_assert_msg(stat(path, &st) == 0, "%s missing", path);
	ck_assert_msg((st.st_mode & 0777) == mode, "%s is %o", path,
				  st.st_mode & 0777);
}

START_TEST(test_layout)
{
	static const char *const files[] = {
		"pair.conf", "clients", "wrap.key", "table0", "table1",
	};
	const char *hubs[] = { "h1", "h2", "h3" }, *clients[] = { "kp-a", "kp-b" };
	const char *bundle = hubt_tmpdir();
	char a[512], b[512], cmd[1200];
	dske_pair_t *pair, *other;
	uint64_t id, hub_ids[3];
	size_t h, c, f;
	struct stat st;

	hubt_bundle(bundle, "h1,h2,h3", "kp-a,kp-b", 50);
	for (h = 0; h < 3; h++)
	{
		snprintf(a, sizeof(a), "%s/%s", bundle, hubs[h]);
		assert_mode(a, 0700);
		for (c = 0; c < 2; c++)
		{
			snprintf(a, sizeof(a), "%s/%s/clients/%s", bundle, hubs[h],
					 clients[c]);
			snprintf(b, sizeof(b), "%s/%s/hubs/%s", bundle, clients[c],
					 hubs[h]);
			assert_mode(a, 0700);
			assert_mode(b, 0700);
			for (f = 0; f < sizeof(files) / sizeof(files[0]); f++)
			{
				snprintf(cmd, sizeof(cmd), "cmp -s '%s/%s' '%s/%s'", a,
						 files[f], b, files[f]);
				ck_assert_msg(system(cmd) == 0, "%s", cmd);
				snprintf(cmd, sizeof(cmd), "%s/%s", a, files[f]);
				assert_mode(cmd, 0600);
			}
			snprintf(cmd, sizeof(cmd), "%s/table0", a);
			ck_assert_int_eq(stat(cmd, &st), 0);
			ck_assert_int_eq(st.st_size, 50 * 16);
			pair = dske_pair_open(b, DSKE_SIDE_CLIENT, cmd, sizeof(cmd));
			ck_assert_msg(pair, "%s", cmd);
			ck_assert_str_eq(pair->get_client_name(pair), clients[c]);
			ck_assert_str_eq(pair->get_hub_name(pair), hubs[h]);
			/* the clients file knows every client of the hub */
			ck_assert(pair->lookup_client(pair, clients[c], &id));
			ck_assert_uint_eq(id, pair->get_client_id(pair));
			ck_assert(pair->lookup_client(pair, clients[!c], &id));
			ck_assert_uint_ne(id, pair->get_client_id(pair));
			ck_assert(!pair->lookup_client(pair, hubs[h], &id));
			if (c == 0)
			{
				hub_ids[h] = pair->get_hub_id(pair);
			}
			ck_assert_uint_eq(pair->get_hub_id(pair), hub_ids[h]);
			/* the other side of the pair */
			other = dske_pair_open(a, DSKE_SIDE_HUB, cmd, sizeof(cmd));
			ck_assert_msg(other, "%s", cmd);
			ck_assert_uint_eq(other->get_client_id(other),
							  pair->get_client_id(pair));
			other->destroy(other);
			pair->destroy(pair);
		}
	}
	ck_assert_uint_ne(hub_ids[0], hub_ids[1]);
	ck_assert_uint_ne(hub_ids[1], hub_ids[2]);
	/* pairs of one client at different hubs do not share PSRD */
	snprintf(cmd, sizeof(cmd), "cmp -s '%s/kp-a/hubs/h1/table0' "
			 "'%s/kp-a/hubs/h2/table0'", bundle, bundle);
	ck_assert(system(cmd) != 0);
}
END_TEST

/**
 * Run skip-hub bundle with arguments; its exit status.
 */
static int bundle_status(const char *args)
{
	char cmd[1024];
	int status;

	snprintf(cmd, sizeof(cmd), "'%s' bundle %s 2>/dev/null >/dev/null",
			 hubt_binary(), args);
	status = system(cmd);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

START_TEST(test_refused)
{
	const char *bundle = hubt_tmpdir();
	char args[512];

	hubt_bundle(bundle, "h1", "kp-a", 1);
	ck_assert_int_eq(bundle_status("--hubs h1 --clients kp-a --words 10"), 2);
	snprintf(args, sizeof(args), "--hubs h1 --clients h1 --words 1 --out "
			 "%s/x", bundle);
	ck_assert_int_eq(bundle_status(args), 2);
	snprintf(args, sizeof(args), "--hubs h/1 --clients kp-a --words 1 "
			 "--out %s/x", bundle);
	ck_assert_int_eq(bundle_status(args), 2);
	snprintf(args, sizeof(args), "--hubs h1 --clients kp-a --words 0 "
			 "--out %s/x", bundle);
	ck_assert_int_eq(bundle_status(args), 2);
	/* never over an existing bundle */
	snprintf(args, sizeof(args), "--hubs h1 --clients kp-a --words 1 "
			 "--out %s", bundle);
	ck_assert_int_eq(bundle_status(args), 1);
}
END_TEST

Suite *hubt_bundle_suite(void)
{
	Suite *s = suite_create("hub bundle");
	TCase *tc;

	tc = tcase_create("bundle");
	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_layout);
	tcase_add_test(tc, test_refused);
	suite_add_tcase(s, tc);
	return s;
}
