/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * The fail-fast rule for a KP that hangs: the gate's logic with the time
 * passed in, and a KP profile against a server that never answers.
 */

#include "plugin_tests.h"

#include <skip_kp.h>
#include <skip_kp_gate.h>

#include <test_support.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

START_TEST(test_open_until_no_answer)
{
	skip_kp_gate_t *gate = skip_kp_gate_create(TRUE);
	uint64_t since = 0;

	ck_assert(gate->admit(gate, 100, &since));
	/* answers, errors and refused connections keep it open */
	ck_assert(!gate->key_result(gate, 110, SKIP_OK));
	ck_assert(!gate->key_result(gate, 120, SKIP_ERR_NOT_FOUND));
	ck_assert(!gate->key_result(gate, 130, SKIP_ERR_CONNECT));
	ck_assert(!gate->check_result(gate, 140, SKIP_ERR_UNAVAILABLE));
	ck_assert(gate->admit(gate, 150, &since));
	ck_assert_int_eq(gate->reopens_at(gate), 0);
	/* no answer in time closes it, once */
	ck_assert(gate->key_result(gate, 1000, SKIP_ERR_TIMEOUT));
	ck_assert(!gate->key_result(gate, 1010, SKIP_ERR_TIMEOUT));
	ck_assert(!gate->admit(gate, 1020, &since));
	ck_assert_int_eq(since, 1000);
	ck_assert_int_eq(gate->reopens_at(gate), 1000 + SKIP_KP_GATE_HOLD_MIN_MS);
	gate->destroy(gate);
}
END_TEST

START_TEST(test_reopens_after_check_and_hold)
{
	skip_kp_gate_t *gate = skip_kp_gate_create(TRUE);
	uint64_t since;

	ck_assert(gate->key_result(gate, 1000, SKIP_ERR_TIMEOUT));
	/* the hold time alone does not open it */
	ck_assert(!gate->admit(gate, 5000, &since));
	/* a health check that gets no answer keeps it closed */
	ck_assert(!gate->check_result(gate, 5100, SKIP_ERR_TIMEOUT));
	ck_assert(!gate->admit(gate, 5200, &since));
	/* an answered one opens it */
	ck_assert(!gate->check_result(gate, 5300, SKIP_OK));
	ck_assert(gate->admit(gate, 5400, &since));
	gate->destroy(gate);
}
END_TEST

START_TEST(test_hold_doubles_while_hanging_on_keys)
{
	skip_kp_gate_t *gate = skip_kp_gate_create(TRUE);
	uint64_t since, now = 1000;
	u_int hold = SKIP_KP_GATE_HOLD_MIN_MS;
	int i;

	/* a KP that answers health checks but hangs on keys: each closing
	 * holds twice as long, up to the maximum */
	for (i = 0; i < 10; i++)
	{
		ck_assert(gate->key_result(gate, now, SKIP_ERR_TIMEOUT));
		ck_assert_int_eq(gate->reopens_at(gate), now + hold);
		ck_assert(!gate->check_result(gate, now + 1, SKIP_OK));
		ck_assert(!gate->admit(gate, now + hold - 1, &since));
		ck_assert(gate->admit(gate, now + hold, &since));
		now += hold;
		hold = min(hold * 2, SKIP_KP_GATE_HOLD_MAX_MS);
	}
	ck_assert_int_eq(hold, SKIP_KP_GATE_HOLD_MAX_MS);
	/* a key delivered again: the next hang is held briefly */
	ck_assert(!gate->key_result(gate, now, SKIP_OK));
	ck_assert(gate->key_result(gate, now + 10, SKIP_ERR_TIMEOUT));
	ck_assert_int_eq(gate->reopens_at(gate),
					 now + 10 + SKIP_KP_GATE_HOLD_MIN_MS);
	gate->destroy(gate);
}
END_TEST

START_TEST(test_disabled_never_closes)
{
	skip_kp_gate_t *gate = skip_kp_gate_create(FALSE);
	uint64_t since;

	ck_assert(!gate->key_result(gate, 1000, SKIP_ERR_TIMEOUT));
	ck_assert(!gate->check_result(gate, 1100, SKIP_ERR_TIMEOUT));
	ck_assert(gate->admit(gate, 1200, &since));
	ck_assert_int_eq(gate->reopens_at(gate), 0);
	gate->destroy(gate);
}
END_TEST

/**
 * A profile "hang" for the hanging server, with tiny time budgets.
 */
static skip_kp_t *hanging_profile(unsigned port, char *psk_file, bool fail_fast)
{
	char url[64];
	FILE *file;

	file = fopen(psk_file, "w");
	ck_assert(file);
	fprintf(file, "%064d\n", 7);
	fclose(file);
	snprintf(url, sizeof(url), "https://127.0.0.1:%u", port);
	lib->settings->set_str(lib->settings, "charon.plugins.skip.kp.hang.url",
						   url);
	lib->settings->set_str(lib->settings,
						   "charon.plugins.skip.kp.hang.psk_identity", "gw");
	lib->settings->set_str(lib->settings,
						   "charon.plugins.skip.kp.hang.psk_file", psk_file);
	lib->settings->set_str(lib->settings,
						   "charon.plugins.skip.kp.hang.timeout", "0.05");
	lib->settings->set_str(lib->settings,
						   "charon.plugins.skip.kp.hang.connect_timeout",
						   "0.05");
	lib->settings->set_bool(lib->settings,
							"charon.plugins.skip.kp.hang.fail_fast", fail_fast);
	return skip_kp_create("hang");
}

/**
 * Ask the hanging KP for a key twice (the first request, or the refresh
 * thread's health check, gets no answer); whether the second request was
 * refused without asking.
 */
static bool second_request_refused(bool fail_fast)
{
	char psk_file[] = "/tmp/skip-plugin-test-psk-XXXXXX";
	skip_error_t err = {};
	skip_key_t *key = NULL;
	skip_kp_t *kp;
	unsigned port;
	int fd, i;

	/* a KP that hangs: it never accepts, reads or answers */
	fd = test_listen(&port);
	close(mkstemp(psk_file));
	kp = hanging_profile(port, psk_file, fail_fast);
	ck_assert(kp);
	for (i = 0; i < 2; i++)
	{
		ck_assert(kp->get_key(kp, "Bob", 0, &key, &err) == SKIP_ERR_TIMEOUT);
		ck_assert(!key);
	}
	kp->destroy(kp);
	unlink(psk_file);
	close(fd);
	return strstr(err.detail, "not asked") != NULL;
}

START_TEST(test_hung_kp_not_asked_again)
{
	ck_assert(second_request_refused(TRUE));
}
END_TEST

START_TEST(test_hung_kp_asked_again_without_fail_fast)
{
	ck_assert(!second_request_refused(FALSE));
}
END_TEST

Suite *kp_gate_suite(void)
{
	Suite *s = suite_create("kp_gate");
	TCase *tc = tcase_create("gate");

	tcase_add_test(tc, test_open_until_no_answer);
	tcase_add_test(tc, test_reopens_after_check_and_hold);
	tcase_add_test(tc, test_hold_doubles_while_hanging_on_keys);
	tcase_add_test(tc, test_disabled_never_closes);
	suite_add_tcase(s, tc);
	tc = tcase_create("hung KP");
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, test_hung_kp_not_asked_again);
	tcase_add_test(tc, test_hung_kp_asked_again_without_fail_fast);
	suite_add_tcase(s, tc);
	return s;
}
