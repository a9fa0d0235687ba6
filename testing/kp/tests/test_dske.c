/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * DSKE synchronization (docs/kp.md "DSKE"): Alice and Bob share keys
 * through three Security Hubs (skip-hub) with k = 2. A key needs two hubs on each
 * side; a lying hub is outvoted or the key refused, never a wrong key; a
 * replayed instruction is refused; PSRD runs out with a clear error; the
 * PSRD state survives kill -9.
 */

#include "kpt_hub.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

#define HUBS 3
/** PSRD words per table: plenty */
#define WORDS 4096

static kpt_kp_t kps[2];
static kpt_hub_t hubs[HUBS];

/**
 * Alice and Bob with the DSKE options for all hubs, k = 2 (not started).
 */
static void init(uint64_t words)
{
	kpt_pair_init_peers(kps, NULL, NULL);
	kpt_hubs_init(hubs, HUBS, words, kps, 2);
	kpt_hub_kp_args(&kps[0], hubs, HUBS, "kp-alice", "Bob", "kp-bob", 2);
	kpt_hub_kp_args(&kps[1], hubs, HUBS, "kp-bob", "Alice", "kp-alice", 2);
}

/**
 * Start the hubs (the first one with a fault) and the KPs of init().
 */
static void run_all(kpt_hub_fault_t first)
{
	size_t i;

	for (i = 0; i < HUBS; i++)
	{
		kpt_hub_start(&hubs[i], i ? KPT_HUB_HONEST : first);
	}
	kpt_kp_start(&kps[0]);
	kpt_kp_start(&kps[1]);
}

/**
 * init() and run_all().
 */
static void start(kpt_hub_fault_t first)
{
	init(WORDS);
	run_all(first);
}

static void stop(void)
{
	size_t i;

	kpt_pair_free(kps);
	for (i = 0; i < HUBS; i++)
	{
		kpt_kp_free(&hubs[i].proc);
	}
}

/**
 * A key from Alice, fetched by Bob: the same bytes; once only.
 */
static void share_key(char *key_id, char *key)
{
	kpt_client_t a, b;

	kpt_client_gw(&a, &kps[0], 0, KPT_PSK);
	kpt_client_gw(&b, &kps[1], 1, KPT_PSK);
	kpt_get_key(&a, "Bob", key_id, key);
	kpt_expect_key(&b, key, "/key/%s?remoteSystemID=Alice", key_id);
	kpt_expect_error(&b, 400, "key not found", "/key/%s?remoteSystemID=Alice",
					 key_id);
	kpt_client_free(&a);
	kpt_client_free(&b);
}

START_TEST(test_dske_key)
{
	char key_id[200], key[200], other_id[200], other[200];
	kpt_client_t b;

	start(KPT_HUB_HONEST);
	share_key(key_id, key);
	/* the secret ID is a UUIDv4 */
	ck_assert_int_eq(strlen(key_id), 32);
	ck_assert_int_eq(key_id[12], '4');
	ck_assert_int_eq(strlen(key), 64);
	ck_assert(kpt_log_has(&kps[0], "acknowledged by"));
	ck_assert(kpt_log_has(&kps[1], "rebuilt from its DSKE hubs"));
	ck_assert(kpt_log_has(&kps[0], "PSRD words"));
	/* keyIds are logged, keys never */
	ck_assert(kpt_log_has(&kps[1], key_id));
	ck_assert(!kpt_log_has(&kps[0], key));
	ck_assert(!kpt_log_has(&kps[1], key));
	share_key(other_id, other);
	ck_assert_str_ne(key, other);
	/* a keyId no hub knows */
	kpt_client_gw(&b, &kps[1], 1, KPT_PSK);
	kpt_expect_error(&b, 400, "key not found", "/key/%s?remoteSystemID=Alice",
					 "0123456789abcdef0123456789abcdef");
	kpt_client_free(&b);
	/* keys the other way round */
	kpt_client_gw(&b, &kps[1], 1, KPT_PSK);
	kpt_get_key(&b, "Alice", key_id, key);
	kpt_client_free(&b);
	kpt_client_gw(&b, &kps[0], 0, KPT_PSK);
	kpt_expect_key(&b, key, "/key/%s?remoteSystemID=Bob", key_id);
	kpt_client_free(&b);
	stop();
}
END_TEST

START_TEST(test_dske_one_hub_down)
{
	char key_id[200], key[200];

	init(WORDS);
	kpt_hub_start(&hubs[0], KPT_HUB_HONEST);
	kpt_hub_start(&hubs[2], KPT_HUB_HONEST);
	kpt_kp_start(&kps[0]);
	kpt_kp_start(&kps[1]);
	share_key(key_id, key);
	ck_assert(kpt_log_has(&kps[0], "hub 'hub2'"));
	stop();
}
END_TEST

/**
 * Two hubs down: Alice cannot make a key, and Bob cannot rebuild one made
 * before; both say why.
 */
START_TEST(test_dske_two_hubs_down)
{
	char key_id[200], key[200];
	kpt_client_t a, b;

	start(KPT_HUB_HONEST);
	kpt_client_gw(&a, &kps[0], 0, KPT_PSK);
	kpt_client_gw(&b, &kps[1], 1, KPT_PSK);
	kpt_get_key(&a, "Bob", key_id, key);
	kpt_hub_stop(&hubs[1]);
	kpt_hub_stop(&hubs[2]);
	kpt_expect_error(&a, 503, "2 of 3 DSKE hubs failed, 2 needed",
					 "/key?remoteSystemID=Bob");
	ck_assert(kpt_log_has(&kps[0], "hub 'hub2' at 127.0.0.1"));
	/* at once again: the hubs that are down cost the one up no PSRD */
	kpt_expect_error(&a, 503, "2 of 3 DSKE hubs failed, 2 needed",
					 "/key?remoteSystemID=Bob");
	ck_assert(kpt_log_has(&kps[0], "down, its connection failed less than "
						  "a second ago"));
	kpt_expect_error(&b, 503, "key not available",
					 "/key/%s?remoteSystemID=Alice", key_id);
	ck_assert(!kpt_log_has(&kps[1], "delivered key"));
	kpt_client_free(&a);
	kpt_client_free(&b);
	stop();
}
END_TEST

/**
 * A hub that lies about its shares (its messages authenticate): outvoted
 * while two honest hubs remain, else no key, never a wrong one.
 */
START_TEST(test_dske_corrupt)
{
	char key_id[200], key[200];
	kpt_client_t a, b;

	start(KPT_HUB_CORRUPT);
	share_key(key_id, key);
	kpt_client_gw(&a, &kps[0], 0, KPT_PSK);
	kpt_client_gw(&b, &kps[1], 1, KPT_PSK);
	kpt_get_key(&a, "Bob", key_id, key);
	/* the liar and one honest hub left: no 2 shares pass the tag */
	kpt_hub_stop(&hubs[2]);
	kpt_expect_error(&b, 503, "key not available",
					 "/key/%s?remoteSystemID=Alice", key_id);
	ck_assert(kpt_log_has(&kps[1], "pass the secret tag"));
	kpt_client_free(&a);
	kpt_client_free(&b);
	stop();
}
END_TEST

/**
 * Two keys with hub 1 replaying: its answer for the second is refused as
 * the log says, the keys come from the other two.
 */
static void two_keys_replayed(kpt_hub_fault_t fault, const char *refusal)
{
	char key_id[200], key[200];

	start(fault);
	share_key(key_id, key);
	share_key(key_id, key);
	ck_assert_msg(kpt_log_has(&kps[1], refusal), "no '%s'", refusal);
	stop();
}

/**
 * A hub answering with an old key instruction in a new frame.
 */
START_TEST(test_dske_replay)
{
	two_keys_replayed(KPT_HUB_REPLAY, "key instruction of hub 'hub1'");
}
END_TEST

/**
 * A hub resending its previous frame as it was: the frame's counter does
 * not increase, the connection is closed.
 */
START_TEST(test_dske_replay_frame)
{
	two_keys_replayed(KPT_HUB_REPLAY_FRAME, "frame counter not increasing");
}
END_TEST

/**
 * A hub that never answers: the other two make and deliver the key, and
 * the hung hub's requests fail after their time.
 */
START_TEST(test_dske_hang)
{
	char key_id[200], key[200];
	int i;

	start(KPT_HUB_HANG);
	share_key(key_id, key);
	for (i = 0; i < 400 && !kpt_log_has(&kps[0], "no answer within"); i++)
	{
		test_sleep_ms(10);
	}
	ck_assert(kpt_log_has(&kps[0], "hub 'hub1' at 127.0.0.1"));
	ck_assert(kpt_log_has(&kps[0], "no answer within 2 s"));
	/* and the next key still comes */
	share_key(key_id, key);
	stop();
}
END_TEST

/**
 * PSRD for one 256-bit key per hub (7 words): the second fails clearly.
 */
START_TEST(test_dske_exhausted)
{
	char key_id[200], key[200];
	kpt_client_t a;

	init(7);
	run_all(KPT_HUB_HONEST);
	share_key(key_id, key);
	kpt_client_gw(&a, &kps[0], 0, KPT_PSK);
	kpt_expect_error(&a, 503, "PSRD exhausted at 3 of 3 DSKE hubs",
					 "/key?remoteSystemID=Bob");
	kpt_client_free(&a);
	ck_assert(kpt_log_has(&kps[0], "no PSRD left to send through hub"));
	stop();
}
END_TEST

/**
 * kill -9: the PSRD already spent stays spent (the hubs would refuse a
 * reused range), and a key made while Bob was down is still his to fetch,
 * after the hubs were killed too.
 */
START_TEST(test_dske_kill9)
{
	char key_id[200], key[200];
	kpt_client_t a, b;

	init(WORDS);
	kpt_kp_arg(&kps[1], "--state-dir");
	kpt_kp_arg(&kps[1], "%s", kpt_tmpdir("state"));
	run_all(KPT_HUB_HONEST);
	share_key(key_id, key);
	kpt_kp_stop(&kps[0], SIGKILL);
	kpt_kp_stop(&kps[1], SIGKILL);
	kpt_kp_start(&kps[0]);
	kpt_client_gw(&a, &kps[0], 0, KPT_PSK);
	kpt_get_key(&a, "Bob", key_id, key);
	kpt_client_free(&a);
	ck_assert(!kpt_log_has(&kps[0], "refused the share"));
	/* the hubs keep what they acknowledged */
	for (size_t i = 0; i < HUBS; i++)
	{
		kpt_hub_stop(&hubs[i]);
		kpt_hub_start(&hubs[i], KPT_HUB_HONEST);
	}
	kpt_kp_start(&kps[1]);
	kpt_client_gw(&b, &kps[1], 1, KPT_PSK);
	kpt_expect_key(&b, key, "/key/%s?remoteSystemID=Alice", key_id);
	kpt_client_free(&b);
	stop();
}
END_TEST

/**
 * The key pool of a DSKE peer fills through the hubs; its keys reach Bob.
 */
START_TEST(test_dske_pool)
{
	char key_id[200], key[200];
	int i;

	init(WORDS);
	kpt_kp_arg(&kps[0], "--key-pool");
	kpt_kp_arg(&kps[0], "4");
	run_all(KPT_HUB_HONEST);
	for (i = 0; i < 300 && kpt_log_count(&kps[0], "acknowledged by") < 4; i++)
	{
		test_sleep_ms(10);
	}
	ck_assert_int_eq(kpt_log_count(&kps[0], "acknowledged by"), 4);
	share_key(key_id, key);
	ck_assert(kpt_log_has(&kps[0], "(pre-synchronized)"));
	stop();
}
END_TEST

/**
 * The first key of an ETSI 014 key container: key_ID and key.
 */
static void etsi_key(kpt_resp_t *resp, char *id, char *key)
{
	json_object *array, *first, *value;

	ck_assert_msg(resp->code == 200, "%s: %ld %s", resp->what, resp->code,
				  resp->body);
	ck_assert(json_object_object_get_ex(resp->json, "keys", &array));
	first = json_object_array_get_idx(array, 0);
	ck_assert(json_object_object_get_ex(first, "key_ID", &value));
	strcpy(id, json_object_get_string(value));
	ck_assert(json_object_object_get_ex(first, "key", &value));
	strcpy(key, json_object_get_string(value));
	kpt_resp_clear(resp);
}

/**
 * ETSI 014 through the hubs: Bob rebuilds the key on dec_keys and binds it
 * to the slave SAE (another SAE behind Bob may not take it).
 */
START_TEST(test_dske_etsi)
{
	char id[100], key[200], id2[100], key2[200];
	kpt_client_t a, b;
	kpt_resp_t resp;

	init(WORDS);
	kpt_kp_arg(&kps[0], "--sae");
	kpt_kp_arg(&kps[0], "sae-a,Alice,cert:/CN=gw-a");
	kpt_kp_arg(&kps[0], "--sae");
	kpt_kp_arg(&kps[0], "sae-b,Bob");
	kpt_kp_arg(&kps[1], "--sae");
	kpt_kp_arg(&kps[1], "sae-a,Alice");
	kpt_kp_arg(&kps[1], "--sae");
	kpt_kp_arg(&kps[1], "sae-b,Bob,cert:/CN=gw-b");
	run_all(KPT_HUB_HONEST);
	kpt_client_gw(&a, &kps[0], 0, KPT_CERT);
	kpt_client_gw(&b, &kps[1], 1, KPT_CERT);
	kpt_request(&a, &resp, "GET", "/api/v1/keys/sae-b/enc_keys");
	etsi_key(&resp, id, key);
	kpt_request(&b, &resp, "GET", "/api/v1/keys/sae-a/dec_keys?key_ID=%s",
				id);
	etsi_key(&resp, id2, key2);
	ck_assert_str_eq(id, id2);
	ck_assert_str_eq(key, key2);
	kpt_request(&b, &resp, "GET", "/api/v1/keys/sae-a/dec_keys?key_ID=%s",
				id);
	ck_assert_int_eq(resp.code, 400);
	kpt_resp_clear(&resp);
	kpt_client_free(&a);
	kpt_client_free(&b);
	stop();
}
END_TEST

/**
 * Invalid DSKE options stop the KP with a clear message.
 */
START_TEST(test_dske_options)
{
	static const char *bad[][3] = {
		{ "--dske-peer", "Bob,kp-bob,1", "would trust a single hub" },
		{ "--dske-peer", "Bob,kp-bob,4", "needs at least 4 --dske-hub" },
		{ "--dske-peer", "B*,kp-bob,2", "no glob" },
		{ "--dske-peer", "Bob,kp/bob,2", "invalid client name" },
		{ "--dske-peer", "Bob,kp-bob", "wants ID,CLIENT,K" },
		{ "--dske-hub", "hub9,127.0.0.1:1,1,/tmp", "this index is" },
		{ "--dske-hub", "hub1,127.0.0.1:1,9,/tmp", "this name is" },
		{ "--dske-hub", "hub9,127.0.0.1:1,0,/tmp", "invalid index" },
		{ "--dske-hub", "hub9,127.0.0.1:1,33,/tmp", "invalid index" },
		{ "--dske-hub", "hub9,nowhere,9,/tmp", "invalid address" },
		{ "--dske-key-size", "200", "multiple of 128" },
	};
	kpt_kp_t kp[2];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
	{
		kpt_hubs_init(hubs, HUBS, 16, NULL, 0);
		kpt_pair_init_peers(kp, NULL, NULL);
		kpt_hub_kp_args(&kp[0], hubs, HUBS, "kp-alice", "Carol", "kp-bob", 2);
		kpt_kp_arg(&kp[0], "%s", bad[i][0]);
		kpt_kp_arg(&kp[0], "%s", bad[i][1]);
		ck_assert_msg(kpt_kp_run(&kp[0]) == 2, "%s %s", bad[i][0], bad[i][1]);
		ck_assert_msg(kpt_log_has(&kp[0], bad[i][2]), "%s %s: no '%s'",
					  bad[i][0], bad[i][1], bad[i][2]);
		kpt_pair_free(kp);
	}
	/* a peer the hubs do not know, a pair directory that is none */
	kpt_hubs_init(hubs, HUBS, 16, NULL, 0);
	kpt_pair_init_peers(kp, NULL, NULL);
	kpt_hub_kp_args(&kp[0], hubs, HUBS, "kp-alice", "Bob", "kp-carol", 2);
	ck_assert_int_ne(kpt_kp_run(&kp[0]), 0);
	ck_assert(kpt_log_has(&kp[0], "hub 'hub1' knows no client 'kp-carol'"));
	kpt_pair_free(kp);
	kpt_pair_init_peers(kp, NULL, NULL);
	kpt_kp_arg(&kp[0], "--dske-hub");
	kpt_kp_arg(&kp[0], "hub1,127.0.0.1:1,1,%s", kpt_tmpdir("empty"));
	kpt_kp_arg(&kp[0], "--dske-hub");
	kpt_kp_arg(&kp[0], "hub2,127.0.0.1:1,2,%s", kpt_tmpdir("empty"));
	kpt_kp_arg(&kp[0], "--dske-peer");
	kpt_kp_arg(&kp[0], "Bob,kp-bob,2");
	ck_assert_int_ne(kpt_kp_run(&kp[0]), 0);
	ck_assert(kpt_log_has(&kp[0], "--dske-hub hub1"));
	kpt_pair_free(kp);
}
END_TEST

Suite *kpt_dske_suite(void)
{
	Suite *s = suite_create("DSKE");
	TCase *tc;

	tc = tcase_create("three hubs, k = 2");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_dske_key);
	tcase_add_test(tc, test_dske_one_hub_down);
	tcase_add_test(tc, test_dske_two_hubs_down);
	tcase_add_test(tc, test_dske_corrupt);
	tcase_add_test(tc, test_dske_replay);
	tcase_add_test(tc, test_dske_replay_frame);
	tcase_add_test(tc, test_dske_hang);
	tcase_add_test(tc, test_dske_exhausted);
	tcase_add_test(tc, test_dske_kill9);
	tcase_add_test(tc, test_dske_etsi);
	tcase_add_test(tc, test_dske_pool);
	tcase_add_test(tc, test_dske_options);
	suite_add_tcase(s, tc);
	return s;
}
