/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * Fault injection (test mode only): latency, forced status codes, dropped
 * connections, wrong keys; empty pools and store errors are used by the
 * conformance tests for 503 and 500.
 */

#include "kpt.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

static kpt_kp_t kps[2];

static long get(kpt_client_t *c, const char *path, long *ms)
{
	kpt_resp_t resp;

	kpt_request(c, &resp, "GET", "%s", path);
	if (ms)
	{
		*ms = resp.ms;
	}
	kpt_resp_clear(&resp);
	return resp.code;
}

START_TEST(test_test_mode_only)
{
	kpt_kp_t kp[2];
	kpt_client_t c;
	kpt_resp_t resp;

	kpt_pair_init(kp);
	/* kpt_pair_init() adds --test-mode: start without it */
	free(kp[0].argv[--kp[0].argc]);
	kp[0].argv[kp[0].argc] = NULL;
	kpt_kp_start(&kp[0]);
	ck_assert(!kpt_log_has(&kp[0], "TEST MODE"));
	kpt_client_gw(&c, &kp[0], 0, KPT_CERT);
	kpt_request_body(&c, &resp, "POST", "status=500", "/test/faults");
	kpt_assert_error(&resp, 404, "unknown path");
	kpt_resp_clear(&resp);
	ck_assert_int_eq(get(&c, "/entropy", NULL), 200);
	kpt_client_free(&c);
	kpt_kp_stop(&kp[0], SIGTERM);

	kpt_kp_arg(&kp[0], "--test-faults");
	kpt_kp_arg(&kp[0], "status=500");
	ck_assert_int_eq(kpt_kp_run(&kp[0]), 2);
	kpt_pair_free(kp);
}
END_TEST

START_TEST(test_latency)
{
	kpt_client_t c;
	long ms;

	kpt_pair_start(kps);
	ck_assert(kpt_log_has(&kps[0], "TEST MODE"));
	kpt_client_gw(&c, &kps[0], 0, KPT_PSK);
	kpt_faults(&kps[0], "latency=600");
	ck_assert_int_eq(get(&c, "/capabilities", &ms), 200);
	ck_assert_int_ge(ms, 580);
	ck_assert_int_eq(get(&c, "/key?remoteSystemID=Bob", &ms), 200);
	ck_assert_int_ge(ms, 580);
	kpt_faults(&kps[0], "latency=600,path=/entropy");
	ck_assert_int_eq(get(&c, "/capabilities", &ms), 200);
	ck_assert_int_lt(ms, 500);
	ck_assert_int_eq(get(&c, "/entropy", &ms), 200);
	ck_assert_int_ge(ms, 580);
	kpt_faults(&kps[0], "");
	ck_assert_int_eq(get(&c, "/entropy", &ms), 200);
	ck_assert_int_lt(ms, 500);
	kpt_client_free(&c);
	kpt_pair_free(kps);
}
END_TEST

START_TEST(test_status)
{
	kpt_client_t c;

	kpt_pair_start(kps);
	kpt_client_gw(&c, &kps[0], 0, KPT_CERT);
	kpt_faults(&kps[0], "status=503,path=/key");
	kpt_expect_error(&c, 503, "injected fault", "/key?remoteSystemID=Bob");
	kpt_expect_error(&c, 503, "injected fault",
					 "/key/00112233445566778899aabbccddeeff?remoteSystemID=Bob");
	ck_assert_int_eq(get(&c, "/entropy", NULL), 200);
	ck_assert(!kpt_log_has(&kps[1], "stored key"));

	/* only the next two requests */
	kpt_faults(&kps[0], "status=500,count=2");
	ck_assert_int_eq(get(&c, "/capabilities", NULL), 500);
	ck_assert_int_eq(get(&c, "/entropy", NULL), 500);
	ck_assert_int_eq(get(&c, "/capabilities", NULL), 200);
	ck_assert_int_eq(get(&c, "/key?remoteSystemID=Bob", NULL), 200);
	kpt_client_free(&c);
	kpt_pair_free(kps);
}
END_TEST

START_TEST(test_drop)
{
	kpt_client_t c;
	kpt_resp_t resp;

	kpt_pair_start(kps);
	kpt_client_gw(&c, &kps[0], 0, KPT_PSK);
	kpt_faults(&kps[0], "drop,count=1");
	kpt_request(&c, &resp, "GET", "/capabilities");
	ck_assert_int_ne(resp.result, CURLE_OK);
	ck_assert_int_eq(resp.code, 0);
	kpt_resp_clear(&resp);
	ck_assert(kpt_log_has(&kps[0], "dropping the connection"));
	ck_assert_int_eq(get(&c, "/capabilities", NULL), 200);
	/* a dropped key request leaves no key at the client's side */
	kpt_faults(&kps[0], "drop,path=/key");
	kpt_request(&c, &resp, "GET", "/key?remoteSystemID=Bob");
	ck_assert_int_eq(resp.code, 0);
	kpt_resp_clear(&resp);
	ck_assert_int_eq(get(&c, "/entropy", NULL), 200);
	kpt_client_free(&c);
	kpt_pair_free(kps);
}
END_TEST

/**
 * The two sides get different keys (an IKE_SA with them must fail).
 */
START_TEST(test_wrong_key)
{
	kpt_client_t alice, bob;
	kpt_resp_t resp;
	char key_id[200], key[200];
	size_t last;

	kpt_pair_start(kps);
	kpt_client_gw(&alice, &kps[0], 0, KPT_PSK);
	kpt_client_gw(&bob, &kps[1], 1, KPT_PSK);
	kpt_faults(&kps[0], "wrong-key");
	kpt_get_key(&alice, "Bob", key_id, key);
	kpt_request(&bob, &resp, "GET", "/key/%s?remoteSystemID=Alice", key_id);
	ck_assert_int_eq(resp.code, 200);
	ck_assert_str_ne(kpt_json_str(&resp, "key"), key);
	last = strlen(key) - 1;
	ck_assert_int_eq(strncmp(kpt_json_str(&resp, "key"), key, last), 0);
	kpt_resp_clear(&resp);
	ck_assert(kpt_log_has(&kps[0], "(corrupted: test)"));

	/* and on the fetching side */
	kpt_faults(&kps[0], "");
	kpt_faults(&kps[1], "wrong-key,count=1");
	kpt_get_key(&alice, "Bob", key_id, key);
	kpt_request(&bob, &resp, "GET", "/key/%s?remoteSystemID=Alice", key_id);
	ck_assert_int_eq(resp.code, 200);
	ck_assert_str_ne(kpt_json_str(&resp, "key"), key);
	kpt_resp_clear(&resp);
	kpt_get_key(&alice, "Bob", key_id, key);
	kpt_expect_key(&bob, key, "/key/%s?remoteSystemID=Alice", key_id);
	kpt_client_free(&alice);
	kpt_client_free(&bob);
	kpt_pair_free(kps);
}
END_TEST

/**
 * Asynchronous synchronization (sync-delay): Alice's KP answers at once,
 * Bob's KP does not know the key until the delay is over, then hands it
 * out once.
 */
START_TEST(test_sync_delay)
{
	kpt_client_t alice, bob;
	char key_id[200], key[200];
	long ms;

	kpt_pair_start(kps);
	kpt_client_gw(&alice, &kps[0], 0, KPT_PSK);
	kpt_client_gw(&bob, &kps[1], 1, KPT_PSK);
	kpt_faults(&kps[0], "sync-delay=800");
	kpt_get_key(&alice, "Bob", key_id, key);
	kpt_expect_error(&bob, 400, "key not found",
					 "/key/%s?remoteSystemID=Alice", key_id);
	test_sleep_ms(1300);
	kpt_expect_key(&bob, key, "/key/%s?remoteSystemID=Alice", key_id);
	kpt_expect_error(&bob, 400, "key not found",
					 "/key/%s?remoteSystemID=Alice", key_id);
	ck_assert(kpt_log_has(&kps[0], "synchronized with 'Bob' after its "
						  "delivery"));

	/* the default again: the peer has the key before the encryptor */
	kpt_faults(&kps[0], "");
	kpt_get_key(&alice, "Bob", key_id, key);
	kpt_expect_key(&bob, key, "/key/%s?remoteSystemID=Alice", key_id);

	/* the answer does not wait for the peer, even one that is down */
	kpt_kp_stop(&kps[1], SIGTERM);
	kpt_faults(&kps[0], "sync-delay=200");
	ck_assert_int_eq(get(&alice, "/key?remoteSystemID=Bob", &ms), 200);
	test_sleep_ms(800);
	ck_assert(kpt_log_has(&kps[0], "not synchronized after its delivery"));
	kpt_client_free(&alice);
	kpt_client_free(&bob);
	kpt_pair_free(kps);
}
END_TEST

START_TEST(test_command_line_faults)
{
	kpt_client_t c;

	kpt_pair_init(kps);
	kpt_kp_arg(&kps[0], "--test-faults");
	kpt_kp_arg(&kps[0], "status=503,path=/entropy");
	kpt_kp_start(&kps[0]);
	kpt_client_gw(&c, &kps[0], 0, KPT_PSK);
	ck_assert_int_eq(get(&c, "/entropy", NULL), 503);
	ck_assert_int_eq(get(&c, "/capabilities", NULL), 200);
	kpt_client_free(&c);
	kpt_pair_free(kps);
}
END_TEST

START_TEST(test_invalid_faults)
{
	static const char *invalid[] = {
		"bogus", "latency=abc", "latency=0", "status=200", "status=600",
		"path=key", "count=0", "drop=1", "latency=100,,nope",
		"sync-delay=0", "sync-delay", "sync-delay=60001",
	};
	kpt_client_t c;
	kpt_resp_t resp;
	size_t i;

	kpt_pair_start(kps);
	kpt_client_gw(&c, &kps[0], 0, KPT_CERT);
	for (i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++)
	{
		kpt_request_body(&c, &resp, "POST", invalid[i], "/test/faults");
		kpt_assert_error(&resp, 400, "invalid fault");
		kpt_resp_clear(&resp);
	}
	kpt_expect_error(&c, 405, "only POST", "/test/faults");
	ck_assert_int_eq(get(&c, "/entropy", NULL), 200);
	kpt_client_free(&c);
	kpt_pair_free(kps);
}
END_TEST

Suite *kpt_faults_suite(void)
{
	Suite *s = suite_create("fault injection");
	TCase *tc;

	tc = tcase_create("test mode");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_test_mode_only);
	tcase_add_test(tc, test_latency);
	tcase_add_test(tc, test_status);
	tcase_add_test(tc, test_drop);
	tcase_add_test(tc, test_wrong_key);
	tcase_add_test(tc, test_sync_delay);
	tcase_add_test(tc, test_command_line_faults);
	tcase_add_test(tc, test_invalid_faults);
	suite_add_tcase(s, tc);
	return s;
}
