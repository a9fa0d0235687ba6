/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * Group commit of the durable store: requests that arrive together share
 * one disk sync, none is answered before it ran, and a failed sync fails
 * every request waiting for it. Many clients at once, then kill -9: every
 * key answered is still there or delivered, none is handed out twice.
 */

#include "kpt.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#define CLIENTS 16
#define KEYS_PER_CLIENT 6
#define KEYS (CLIENTS * KEYS_PER_CLIENT)

static kpt_kp_t kps[2];

typedef struct {
	char id[64];
	char key[128];
	/** status of the fetch at Bob, 0 if not fetched */
	long fetched;
} made_t;

static made_t made[KEYS];

static void start_pair(void)
{
	kpt_pair_init(kps);
	kpt_kp_arg(&kps[1], "--state-dir");
	kpt_kp_arg(&kps[1], "%s/state", kpt_tmpdir("group"));
	kpt_kp_arg(&kps[1], "-v");
	kpt_kp_start(&kps[0]);
	kpt_kp_start(&kps[1]);
}

/**
 * One client of Alice making its share of the keys.
 */
static void *make_keys(void *arg)
{
	made_t *mine = arg;
	kpt_client_t c;
	kpt_resp_t resp;
	int i;

	kpt_client_gw(&c, &kps[0], 0, KPT_PSK);
	c.timeout_ms = 20000;
	for (i = 0; i < KEYS_PER_CLIENT; i++)
	{
		kpt_request(&c, &resp, "GET", "/key?remoteSystemID=Bob");
		if (resp.code == 200)
		{
			snprintf(mine[i].id, sizeof(mine[i].id), "%s",
					 kpt_json_str(&resp, "keyId"));
			snprintf(mine[i].key, sizeof(mine[i].key), "%s",
					 kpt_json_str(&resp, "key"));
		}
		kpt_resp_clear(&resp);
	}
	kpt_client_free(&c);
	return NULL;
}

/**
 * One client of Bob fetching the keys of one of Alice's clients (every
 * second key, or all of them); fetched records what it answered.
 */
static void *fetch_keys(void *arg)
{
	made_t *mine = arg;
	kpt_client_t c;
	kpt_resp_t resp;
	int i;

	kpt_client_gw(&c, &kps[1], 1, KPT_PSK);
	c.timeout_ms = 20000;
	for (i = 0; i < KEYS_PER_CLIENT; i++)
	{
		kpt_request(&c, &resp, "GET", "/key/%s?remoteSystemID=Alice",
					mine[i].id);
		mine[i].fetched = resp.code;
		if (resp.code == 200)
		{	/* a key answered is the key Alice's encryptor got */
			mine[i].fetched = strcmp(kpt_json_str(&resp, "key"),
									 mine[i].key) == 0 ? 200 : -1;
		}
		kpt_resp_clear(&resp);
	}
	kpt_client_free(&c);
	return NULL;
}

static void in_threads(void *(*fn)(void *))
{
	pthread_t threads[CLIENTS];
	int i;

	for (i = 0; i < CLIENTS; i++)
	{
		ck_assert_int_eq(pthread_create(&threads[i], NULL, fn,
										&made[i * KEYS_PER_CLIENT]), 0);
	}
	for (i = 0; i < CLIENTS; i++)
	{
		pthread_join(threads[i], NULL);
	}
}

/**
 * Bob no longer has a key.
 */
static void expect_gone(const char *id)
{
	kpt_client_t c;

	kpt_client_gw(&c, &kps[1], 1, KPT_PSK);
	kpt_expect_error(&c, 400, "key not found", "/key/%s?remoteSystemID=Alice",
					 id);
	kpt_client_free(&c);
}

/**
 * Did Bob sync more than one request at once?
 */
static bool grouped(void)
{
	char line[64];
	int n;

	for (n = 2; n <= CLIENTS; n++)
	{
		snprintf(line, sizeof(line), "group commit: %d request(s)", n);
		if (kpt_log_has(&kps[1], line))
		{
			return true;
		}
	}
	return false;
}

static void make_all(void)
{
	int i;

	memset(made, 0, sizeof(made));
	in_threads(make_keys);
	for (i = 0; i < KEYS; i++)
	{
		ck_assert_msg(made[i].id[0], "key %d not made", i);
	}
}

/**
 * Many encryptors at once on both sides, then kill -9 of Bob: every key
 * Bob answered is gone, every other one is still there, once.
 */
START_TEST(test_concurrent_kill9)
{
	int i;

	start_pair();
	make_all();
	/* Bob's encryptors fetch them, all at once */
	in_threads(fetch_keys);
	for (i = 0; i < KEYS; i++)
	{
		ck_assert_msg(made[i].fetched == 200, "key %d: %ld", i,
					  made[i].fetched);
	}
	ck_assert_msg(grouped(), "no group commit synced several requests");

	/* all fetched: gone, also after kill -9 */
	kpt_kp_stop(&kps[1], SIGKILL);
	kpt_kp_start(&kps[1]);
	for (i = 0; i < KEYS; i++)
	{
		expect_gone(made[i].id);
	}

	/* new keys, killed while nobody fetched them: all there, once */
	make_all();
	kpt_kp_stop(&kps[1], SIGKILL);
	kpt_kp_start(&kps[1]);
	in_threads(fetch_keys);
	for (i = 0; i < KEYS; i++)
	{
		ck_assert_msg(made[i].fetched == 200, "key %d after kill -9: %ld", i,
					  made[i].fetched);
	}
	in_threads(fetch_keys);
	for (i = 0; i < KEYS; i++)
	{
		ck_assert_msg(made[i].fetched == 400, "key %d twice: %ld", i,
					  made[i].fetched);
	}
	kpt_pair_free(kps);
}
END_TEST

/**
 * A failed sync fails every request of its group: none is answered with
 * a key, and those keys are gone (also after kill -9); requests of later
 * groups succeed.
 */
START_TEST(test_commit_error_fails_group)
{
	char line[128];
	int i, failed = 0, ok = 0, n;
	bool logged = false;

	start_pair();
	make_all();
	kpt_faults(&kps[1], "commit-error");
	in_threads(fetch_keys);
	for (i = 0; i < KEYS; i++)
	{
		ck_assert_msg(made[i].fetched == 200 || made[i].fetched == 500,
					  "key %d: %ld", i, made[i].fetched);
		failed += made[i].fetched == 500;
		ok += made[i].fetched == 200;
	}
	ck_assert_int_ge(failed, 1);
	ck_assert_int_eq(failed + ok, KEYS);
	/* the failed commit failed exactly the requests that got 500 */
	for (n = 1; n <= KEYS && !logged; n++)
	{
		snprintf(line, sizeof(line), "failing %d request(s)", n);
		logged = kpt_log_has(&kps[1], line);
	}
	ck_assert_int_eq(n - 1, failed);
	ck_assert_int_eq(kpt_log_count(&kps[1], "cannot sync the key journal"),
					 1);

	kpt_kp_stop(&kps[1], SIGKILL);
	kpt_kp_start(&kps[1]);
	for (i = 0; i < KEYS; i++)
	{
		expect_gone(made[i].id);
	}

	/* keys from the peer in a failed group: the peer is told 500, Alice's
	 * encryptor gets no key, and Bob does not keep it */
	kpt_faults(&kps[1], "commit-error");
	{
		kpt_client_t c;

		kpt_client_gw(&c, &kps[0], 0, KPT_PSK);
		kpt_expect_error(&c, 500, "key synchronization failed",
						 "/key?remoteSystemID=Bob");
		kpt_client_free(&c);
	}
	ck_assert(kpt_log_has(&kps[1], "dropped 1 key(s) not synced"));
	kpt_kp_stop(&kps[1], SIGKILL);
	kpt_kp_start(&kps[1]);
	ck_assert(kpt_log_has(&kps[1], "0 key(s) waiting"));
	kpt_pair_free(kps);
}
END_TEST

Suite *kpt_group_commit_suite(void)
{
	Suite *s = suite_create("group commit");
	TCase *tc;

	tc = tcase_create("many requests, one sync");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_concurrent_kill9);
	tcase_add_test(tc, test_commit_error_fails_group);
	suite_add_tcase(s, tc);
	return s;
}
