/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * The keys kept ready for initiators (prefetch): at most one fetch per
 * IKE_SA that asked, the maximum age, the bound on peers; the time is
 * passed in.
 */

#include "plugin_tests.h"

#include <skip_kp_prefetch.h>

#define MAX_AGE 60000

static skip_key_t *key_of(const char *key_id)
{
	skip_key_t *key;

	key = calloc(1, sizeof(*key));
	snprintf(key->key_id, sizeof(key->key_id), "%s", key_id);
	key->key = calloc(1, 32);
	key->key_len = 32;
	return key;
}

/**
 * Run the background fetch for the next peer that wants a key, which must
 * be the given one.
 */
static void fetch(skip_kp_prefetch_t *prefetch, const char *peer,
				  const char *key_id, uint64_t now)
{
	char next[SKIP_SYSTEM_ID_MAX + 1];

	ck_assert(prefetch->next(prefetch, next));
	ck_assert_str_eq(next, peer);
	prefetch->put(prefetch, next, key_of(key_id), now);
}

/**
 * An IKE_SA takes the key kept ready for a peer, which must have keyId
 * key_id.
 */
static void take_ready(skip_kp_prefetch_t *prefetch, const char *peer,
					   const char *key_id, uint64_t now)
{
	skip_key_t *key;

	key = prefetch->take(prefetch, peer, now);
	ck_assert(key);
	ck_assert_str_eq(key->key_id, key_id);
	skip_key_destroy(key);
}

static void assert_counts(skip_kp_prefetch_t *prefetch, u_int ready,
						  uint64_t used, uint64_t discarded)
{
	uint64_t u, d;
	u_int r;

	prefetch->counts(prefetch, &r, &u, &d);
	ck_assert_int_eq(r, ready);
	ck_assert_int_eq(u, used);
	ck_assert_int_eq(d, discarded);
}

START_TEST(test_one_fetch_per_request)
{
	skip_kp_prefetch_t *prefetch = skip_kp_prefetch_create(MAX_AGE, "p");
	char peer[SKIP_SYSTEM_ID_MAX + 1];

	/* nothing is fetched before an IKE_SA asked */
	ck_assert(!prefetch->next(prefetch, peer));
	/* the first IKE_SA finds none (it fetches itself), one is fetched */
	ck_assert(!prefetch->take(prefetch, "Bob", 100));
	fetch(prefetch, "Bob", "01", 200);
	ck_assert(!prefetch->next(prefetch, peer));
	assert_counts(prefetch, 1, 0, 0);
	/* the next takes it and asks for one replacement */
	take_ready(prefetch, "Bob", "01", 300);
	assert_counts(prefetch, 0, 1, 0);
	fetch(prefetch, "Bob", "02", 400);
	ck_assert(!prefetch->next(prefetch, peer));
	/* other peers have their own */
	ck_assert(!prefetch->take(prefetch, "Carol", 500));
	fetch(prefetch, "Carol", "03", 600);
	take_ready(prefetch, "Bob", "02", 700);
	assert_counts(prefetch, 1, 2, 0);
	prefetch->destroy(prefetch);
}
END_TEST

START_TEST(test_no_second_fetch_while_fetching)
{
	skip_kp_prefetch_t *prefetch = skip_kp_prefetch_create(MAX_AGE, "p");
	char peer[SKIP_SYSTEM_ID_MAX + 1];

	ck_assert(!prefetch->take(prefetch, "Bob", 100));
	ck_assert(prefetch->next(prefetch, peer));
	/* more IKE_SAs while the fetch is under way: no further fetch */
	ck_assert(!prefetch->take(prefetch, "Bob", 110));
	ck_assert(!prefetch->take(prefetch, "Bob", 120));
	ck_assert(!prefetch->next(prefetch, peer));
	prefetch->put(prefetch, "Bob", key_of("01"), 130);
	/* one key kept, none fetched while it waits */
	ck_assert(!prefetch->next(prefetch, peer));
	take_ready(prefetch, "Bob", "01", 140);
	ck_assert(prefetch->next(prefetch, peer));
	/* a failed fetch is not repeated until an IKE_SA asks again */
	prefetch->failed(prefetch, "Bob");
	ck_assert(!prefetch->next(prefetch, peer));
	ck_assert(!prefetch->take(prefetch, "Bob", 150));
	ck_assert(prefetch->next(prefetch, peer));
	prefetch->destroy(prefetch);
}
END_TEST

START_TEST(test_max_age)
{
	skip_kp_prefetch_t *prefetch = skip_kp_prefetch_create(MAX_AGE, "p");
	char peer[SKIP_SYSTEM_ID_MAX + 1];

	ck_assert(!prefetch->take(prefetch, "Bob", 0));
	fetch(prefetch, "Bob", "01", 1000);
	ck_assert_int_eq(prefetch->expire(prefetch, 2000), 1000 + MAX_AGE + 1);
	/* too old when taken: wiped, counted, and one fetched for the next */
	ck_assert(!prefetch->take(prefetch, "Bob", 1000 + MAX_AGE + 1));
	assert_counts(prefetch, 0, 0, 1);
	fetch(prefetch, "Bob", "02", 70000);
	/* too old while kept: wiped, not replaced until an IKE_SA asks */
	ck_assert_int_eq(prefetch->expire(prefetch, 70000 + MAX_AGE),
					 70000 + MAX_AGE + 1);
	ck_assert_int_eq(prefetch->expire(prefetch, 70000 + MAX_AGE + 1), 0);
	assert_counts(prefetch, 0, 0, 2);
	ck_assert(!prefetch->next(prefetch, peer));
	prefetch->destroy(prefetch);
}
END_TEST

START_TEST(test_bounded_peers)
{
	skip_kp_prefetch_t *prefetch = skip_kp_prefetch_create(MAX_AGE, "p");
	char name[16];
	int i;

	for (i = 0; i < SKIP_KP_PREFETCH_PEERS; i++)
	{
		snprintf(name, sizeof(name), "peer-%d", i);
		ck_assert(!prefetch->take(prefetch, name, 100 + i));
		fetch(prefetch, name, "01", 200);
	}
	assert_counts(prefetch, SKIP_KP_PREFETCH_PEERS, 0, 0);
	/* one more peer: the one asked for longest ago makes room */
	ck_assert(!prefetch->take(prefetch, "peer-new", 300));
	assert_counts(prefetch, SKIP_KP_PREFETCH_PEERS - 1, 0, 1);
	take_ready(prefetch, "peer-1", "01", 400);
	/* peer-0 lost its key, and now takes the place of peer-2 */
	ck_assert(!prefetch->take(prefetch, "peer-0", 500));
	assert_counts(prefetch, SKIP_KP_PREFETCH_PEERS - 3, 1, 2);
	prefetch->destroy(prefetch);
}
END_TEST

Suite *kp_prefetch_suite(void)
{
	Suite *s = suite_create("kp_prefetch");
	TCase *tc = tcase_create("prefetch");

	tcase_add_test(tc, test_one_fetch_per_request);
	tcase_add_test(tc, test_no_second_fetch_while_fetching);
	tcase_add_test(tc, test_max_age);
	tcase_add_test(tc, test_bounded_peers);
	suite_add_tcase(s, tc);
	return s;
}
