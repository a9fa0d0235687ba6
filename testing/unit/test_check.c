/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * skip-client check against the reference KP pair (both protocols, PSK
 * and certificate modes: every row PASS) and against broken KPs: the
 * reference KP with planted faults and the hostile KP, each fault showing
 * up as the FAIL row it should.
 */

#include "test_suites.h"
#include "kp_fixture.h"
#include "hostile_kp.h"

#include <json-c/json.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

static kp_fixture_t fx;

/** output of the last run */
static char out[32768];

static void setup(void)
{
	kp_fixture_setup(&fx);
}

static void teardown(void)
{
	kp_fixture_teardown(&fx);
}

/**
 * Run skip-client with the given arguments (no quoting needed: paths of
 * the fixture have no spaces), keep stdout, return the exit status.
 */
static int run(const char *args)
{
	const char *client = getenv("SKIP_CLIENT") ?: "src/tools/skip-client";
	char cmd[4096];
	size_t len = 0, n;
	FILE *pipe;
	int status;

	snprintf(cmd, sizeof(cmd), "%s %s 2>/dev/null", client, args);
	pipe = popen(cmd, "r");
	ck_assert_ptr_nonnull(pipe);
	while (len < sizeof(out) - 1 &&
		   (n = fread(out + len, 1, sizeof(out) - 1 - len, pipe)) > 0)
	{
		len += n;
	}
	out[len] = '\0';
	status = pclose(pipe);
	ck_assert_msg(WIFEXITED(status), "skip-client died:\n%s", out);
	return WEXITSTATUS(status);
}

/** whether the table has the row with this result */
static bool has_row(const char *result, const char *name)
{
	char line[128];
	const char *p;

	snprintf(line, sizeof(line), "%s  %s ", result, name);
	for (p = out; p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
	{
		if (strncmp(p, line, strlen(line)) == 0)
		{
			return true;
		}
	}
	return false;
}

/** number of lines starting with a result */
static int rows(const char *result)
{
	const char *p;
	int n = 0;

	for (p = out; p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
	{
		n += strncmp(p, result, 4) == 0;
	}
	return n;
}

/** arguments of the SKIP check of Alice with gw-a, gw-b at Bob second */
static const char *skip_args(bool psk)
{
	static char args[2048];

	if (psk)
	{
		snprintf(args, sizeof(args), "--url %s --psk-identity gw-a "
				 "--psk-file %s --second-url %s --second-identity gw-b "
				 "--second-psk-file %s", kp_fixture_url(&fx, KP_ALICE),
				 kp_fixture_path(&fx, "gw-a.psk"),
				 kp_fixture_url(&fx, KP_BOB),
				 kp_fixture_path(&fx, "gw-b.psk"));
	}
	else
	{
		snprintf(args, sizeof(args), "--url %s --ca %s --cert %s --key %s "
				 "--second-url %s --second-cert %s --second-key %s",
				 kp_fixture_url(&fx, KP_ALICE),
				 kp_fixture_path(&fx, "ca.pem"),
				 kp_fixture_path(&fx, "gw-a.pem"),
				 kp_fixture_path(&fx, "gw-a.key"),
				 kp_fixture_url(&fx, KP_BOB),
				 kp_fixture_path(&fx, "gw-b.pem"),
				 kp_fixture_path(&fx, "gw-b.key"));
	}
	return args;
}

static const char *etsi_args(void)
{
	static char args[2048];

	snprintf(args, sizeof(args), "--protocol etsi014 --url %s --ca %s "
			 "--cert %s --key %s --sae-id sae-a --peer sae-b --second-url %s "
			 "--second-cert %s --second-key %s",
			 kp_fixture_url(&fx, KP_ALICE), kp_fixture_path(&fx, "ca.pem"),
			 kp_fixture_path(&fx, "gw-a.pem"),
			 kp_fixture_path(&fx, "gw-a.key"), kp_fixture_url(&fx, KP_BOB),
			 kp_fixture_path(&fx, "gw-b.pem"),
			 kp_fixture_path(&fx, "gw-b.key"));
	return args;
}

#define SAES "--sae", "sae-a,Alice,cert:/CN=gw-a", "--sae", \
	"sae-b,Bob,cert:/CN=gw-b"

/* --- the reference pair: all PASS ---------------------------------------- */

START_TEST(test_skip_conformant)
{
	char args[2200];

	kp_fixture_start(&fx, KP_ALICE, NULL);
	kp_fixture_start(&fx, KP_BOB, NULL);
	snprintf(args, sizeof(args), "%s check", skip_args(_i == 0));
	ck_assert_msg(run(args) == 0, "%s", out);
	ck_assert_int_eq(rows("FAIL"), 0);
	ck_assert_int_eq(rows("SKIP"), 0);
	ck_assert_int_ge(rows("PASS"), 20);
	ck_assert_msg(has_row("PASS", "key-by-id.second-identity-once"), "%s",
				  out);
	ck_assert_msg(strstr(out, " failed, 0 ") || strstr(out, "0 failed"),
				  "%s", out);
}
END_TEST

START_TEST(test_skip_json)
{
	json_object *obj, *member;
	char args[2200];

	kp_fixture_start(&fx, KP_ALICE, NULL);
	kp_fixture_start(&fx, KP_BOB, NULL);
	snprintf(args, sizeof(args), "%s --json check", skip_args(true));
	ck_assert_msg(run(args) == 0, "%s", out);
	obj = json_tokener_parse(out);
	ck_assert_ptr_nonnull(obj);
	ck_assert(json_object_object_get_ex(obj, "failed", &member));
	ck_assert_int_eq(json_object_get_int(member), 0);
	ck_assert(json_object_object_get_ex(obj, "checks", &member));
	ck_assert_int_ge(json_object_array_length(member), 20);
	json_object_put(obj);
}
END_TEST

START_TEST(test_skip_without_second)
{
	char args[2200];

	kp_fixture_start(&fx, KP_ALICE, NULL);
	kp_fixture_start(&fx, KP_BOB, NULL);
	snprintf(args, sizeof(args), "--url %s --psk-identity gw-a --psk-file %s "
			 "check", kp_fixture_url(&fx, KP_ALICE),
			 kp_fixture_path(&fx, "gw-a.psk"));
	ck_assert_msg(run(args) == 0, "%s", out);
	ck_assert_msg(has_row("SKIP", "key-by-id.second-identity-once"), "%s",
				  out);
	ck_assert_int_eq(rows("FAIL"), 0);
}
END_TEST

START_TEST(test_etsi_conformant)
{
	char args[2200];

	kp_fixture_start(&fx, KP_ALICE, SAES, NULL);
	kp_fixture_start(&fx, KP_BOB, SAES, NULL);
	snprintf(args, sizeof(args), "%s check", etsi_args());
	ck_assert_msg(run(args) == 0, "%s", out);
	ck_assert_int_eq(rows("FAIL"), 0);
	ck_assert_int_eq(rows("SKIP"), 0);
	ck_assert_msg(has_row("PASS", "dec-keys.slave-once"), "%s", out);
	ck_assert_msg(has_row("PASS", "dec-keys.wrong-sae"), "%s", out);
}
END_TEST

/* --- planted faults: each shows up as its FAIL row ------------------------ */

static const struct {
	/** the KP the fault is planted in */
	kp_side_t side;
	/** fault specification */
	const char *faults;
	/** ETSI check, else SKIP (PSK mode) */
	bool etsi;
	/** the row that must fail */
	const char *row;
} faults[] = {
	{ KP_ALICE, "status=500,path=/capabilities", false,
	  "capabilities.status" },
	{ KP_ALICE, "status=500,path=/key,count=1", false, "key.default" },
	{ KP_ALICE, "drop,path=/key/", false, "key-by-id.unknown" },
	{ KP_ALICE, "status=503,path=/entropy", false, "entropy" },
	{ KP_BOB, "wrong-key", false, "key-by-id.second-identity-once" },
	{ KP_BOB, "empty,path=/key/", false, "key-by-id.second-identity-once" },
	{ KP_ALICE, "status=503,path=/api/v1/keys/sae-b/status", true,
	  "status.status" },
	{ KP_ALICE, "status=503,path=/api/v1/keys/sae-b/enc_keys,count=1", true,
	  "enc-keys.post" },
	{ KP_BOB, "wrong-key", true, "dec-keys.slave-once" },
};

START_TEST(test_planted_fault)
{
	char args[2200];

	kp_fixture_start(&fx, faults[_i].side, SAES, "--test-mode",
					 "--test-faults", faults[_i].faults, NULL);
	kp_fixture_start(&fx, !faults[_i].side, SAES, NULL);
	snprintf(args, sizeof(args), "%s check",
			 faults[_i].etsi ? etsi_args() : skip_args(true));
	ck_assert_msg(run(args) == 1, "fault '%s': %s", faults[_i].faults, out);
	ck_assert_msg(has_row("FAIL", faults[_i].row), "fault '%s' did not fail "
				  "%s:\n%s", faults[_i].faults, faults[_i].row, out);
}
END_TEST

/* --- the hostile KP: a server that answers everything alike --------------- */

START_TEST(test_hostile)
{
	static const char caps[] =
		"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
		"Connection: close\r\nContent-Length: 95\r\n\r\n"
		"{\"entropy\":false,\"key\":true,\"algorithm\":\"x\","
		"\"localSystemID\":\"Eve\",\"remoteSystemID\":[\"Bob\"]}    ";
	hostile_answer_t answer = { caps, sizeof(caps) - 1, 0, 0, true };
	hostile_kp_t *server;
	char args[2200];

	ck_assert_int_eq(strlen(strstr(caps, "\r\n\r\n") + 4), 95);
	/* the server writes to probes that closed their connection */
	signal(SIGPIPE, SIG_IGN);
	server = hostile_kp_start(kp_fixture_path(&fx, "kp-a.pem"),
							  kp_fixture_path(&fx, "kp-a.key"), &answer);
	snprintf(args, sizeof(args), "--url %s --ca %s check",
			 hostile_kp_url(server), kp_fixture_path(&fx, "ca.pem"));
	ck_assert_msg(run(args) == 1, "%s", out);
	/* a 1.2 suite outside Table 1 accepted, JSON sent as text, 200 for
	 * everything */
	ck_assert_msg(has_row("FAIL", "tls.tls12-other-suite-refused"), "%s",
				  out);
	ck_assert_msg(has_row("FAIL", "capabilities.content-type"), "%s", out);
	ck_assert_msg(has_row("PASS", "capabilities.schema"), "%s", out);
	ck_assert_msg(has_row("FAIL", "key.default"), "%s", out);
	ck_assert_msg(has_row("FAIL", "path.unknown"), "%s", out);
	ck_assert_msg(has_row("FAIL", "method.post"), "%s", out);
	ck_assert_msg(has_row("SKIP", "entropy"), "%s", out);
	hostile_kp_stop(server);
}
END_TEST

Suite *check_suite(void)
{
	Suite *s = suite_create("skip-client check");
	TCase *tc;

	tc = tcase_create("reference pair");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_skip_conformant, 0, 2);
	tcase_add_test(tc, test_skip_json);
	tcase_add_test(tc, test_skip_without_second);
	tcase_add_test(tc, test_etsi_conformant);
	suite_add_tcase(s, tc);

	tc = tcase_create("broken KPs");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_planted_fault, 0, countof(faults));
	tcase_add_test(tc, test_hostile);
	suite_add_tcase(s, tc);
	return s;
}
