/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * Operation: the config file, option errors, logs without secrets.
 */

#include "kpt.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

static kpt_kp_t kps[2];

static const char *write_file(const char *name, const char *content)
{
	const char *path = kpt_path(name);
	FILE *file;

	file = fopen(path, "w");
	ck_assert_ptr_nonnull(file);
	fputs(content, file);
	fclose(file);
	return path;
}

/**
 * Alice from a config file (Bob as usual): the options of the command
 * line, with comments, blank lines, flags; later options override.
 */
START_TEST(test_config_file)
{
	char config[4096];
	kpt_client_t c, bob;
	kpt_resp_t resp;
	char key_id[200], key[200];
	unsigned port, other_port;

	kpt_pair_init(kps);
	port = kps[0].port;
	snprintf(config, sizeof(config),
		"# Alice, the KP of gateway A\n"
		"system-id = Alice\n"
		"\n"
		"listen = 127.0.0.1:%u\n"
		"sync-listen=127.0.0.1:%u\n"
		"   peer = Bob,127.0.0.1:%u,%s   \n"
		"client-psk = gw-a:%s\n"
		"cert = %s\n"
		"key = %s\n"
		"ca = %s\n"
		"algorithm = QKD simulated by RAND_priv_bytes\n"
		"allow = psk:gw-a,Bob\n"
		"tls12\n"
		"key-ttl = 60\n"
		"max-connections = 50\n"
		"request-timeout = 5\n"
		"test-mode = yes\n"
		"verbose\n",
		kps[0].port, kps[0].sync_port, kps[1].sync_port,
		kpt_path("kp-sync.psk"), kpt_path("gw-a.psk"), kpt_path("kp-a.pem"),
		kpt_path("kp-a.key"), kpt_path("ca.pem"));
	write_file("alice.conf", config);
	kpt_kp_free(&kps[0]);
	kpt_kp_init(&kps[0], "Alice");
	kpt_kp_arg(&kps[0], "--config");
	kpt_kp_arg(&kps[0], "%s", kpt_path("alice.conf"));
	/* the config file's port */
	kps[0].port = port;
	kpt_kp_start(&kps[0]);
	kpt_kp_start(&kps[1]);

	kpt_client_gw(&c, &kps[0], 0, KPT_PSK);
	kpt_request(&c, &resp, "GET", "/capabilities");
	ck_assert_int_eq(resp.code, 200);
	ck_assert_str_eq(kpt_json_str(&resp, "localSystemID"), "Alice");
	ck_assert_str_eq(kpt_json_str(&resp, "algorithm"),
					 "QKD simulated by RAND_priv_bytes");
	kpt_resp_clear(&resp);
	kpt_get_key(&c, "Bob", key_id, key);
	kpt_client_free(&c);
	kpt_client_gw(&bob, &kps[1], 1, KPT_PSK);
	kpt_expect_key(&bob, key, "/key/%s?remoteSystemID=Alice", key_id);
	kpt_client_free(&bob);
	/* tls12 from the file, and verbose */
	kpt_client_gw(&c, &kps[0], 0, KPT_PSK);
	c.ssl_version = CURL_SSLVERSION_TLSv1_2 | CURL_SSLVERSION_MAX_TLSv1_2;
	kpt_request(&c, &resp, "GET", "/entropy");
	ck_assert_int_eq(resp.code, 200);
	ck_assert_str_eq(resp.tls_version, "TLSv1.2");
	kpt_resp_clear(&resp);
	kpt_client_free(&c);
	ck_assert(kpt_log_has(&kps[0], "[debug]"));
	kpt_kp_stop(&kps[0], SIGTERM);

	/* options after --config override it */
	other_port = test_free_port();
	kpt_kp_arg(&kps[0], "--listen");
	kpt_kp_arg(&kps[0], "127.0.0.1:%u", other_port);
	kps[0].port = other_port;
	kpt_kp_start(&kps[0]);
	kpt_client_gw(&c, &kps[0], 0, KPT_PSK);
	kpt_request(&c, &resp, "GET", "/capabilities");
	ck_assert_int_eq(resp.code, 200);
	kpt_resp_clear(&resp);
	kpt_client_free(&c);
	kpt_pair_free(kps);
}
END_TEST

/**
 * Errors in a config file name the line; the KP does not start.
 */
START_TEST(test_config_errors)
{
	static const char *files[][2] = {
		{ "system-id = Alice\nfoo = bar\n", "unknown option 'foo'" },
		{ "system-id = Alice\n\nconfig = /dev/null\n", "cannot include" },
		{ "system-id =\n", "wants a value" },
		{ "tls12 = no\n", "is a flag" },
		{ "help\n", "unknown option 'help'" },
		{ "system-id = Alice\nkey-ttl = soon\n", "key-ttl" },
	};
	kpt_kp_t kp;
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
	{
		write_file("bad.conf", files[i][0]);
		kpt_kp_init(&kp, "Alice");
		kpt_kp_arg(&kp, "--config");
		kpt_kp_arg(&kp, "%s", kpt_path("bad.conf"));
		ck_assert_int_eq(kpt_kp_run(&kp), 2);
		ck_assert_msg(kpt_log_has(&kp, files[i][1]), "'%s' not logged",
					  files[i][1]);
		ck_assert(kpt_log_has(&kp, "bad.conf, line"));
		kpt_kp_free(&kp);
	}
	kpt_kp_init(&kp, "Alice");
	kpt_kp_arg(&kp, "--config");
	kpt_kp_arg(&kp, "%s", kpt_path("does-not-exist.conf"));
	ck_assert_int_eq(kpt_kp_run(&kp), 2);
	ck_assert(kpt_log_has(&kp, "cannot open config file"));
	kpt_kp_free(&kp);
}
END_TEST

/** 256 bytes: one more than a system ID may have */
#define SID64 "XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"
#define LONG_SID SID64 SID64 SID64 SID64

/**
 * Invalid options stop the KP with status 2; --help is 0.
 */
START_TEST(test_option_errors)
{
	static const char *bad[][2] = {
		{ "--max-connections", "0" },
		{ "--max-connections", "many" },
		{ "--request-timeout", "-1" },
		{ "--key-ttl", "0" },
		{ "--allow", "psk:gw-a" },
		{ "--allow", "gw-a,Bob" },
		/* a system ID longer than 255 bytes */
		{ "--allow", "psk:gw-a," LONG_SID },
		{ "--peer", "Bob,127.0.0.1,x" },
		{ "--peer", "Carol,127.0.0.1:9,/dev/null,gw-a" },
		{ "--cert", "/nonexistent.pem" },
		{ "--client-psk", "gw-a:/nonexistent.psk" },
		{ "--client-psk", "gw-a:/dev/null" },
		{ "--test-faults", "bogus" },
		{ "--listen", "localhost" },
		{ "--system-id", LONG_SID },
	};
	kpt_kp_t kp[2];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
	{
		kpt_pair_init(kp);
		kpt_kp_arg(&kp[0], "%s", bad[i][0]);
		kpt_kp_arg(&kp[0], "%s", bad[i][1]);
		ck_assert_msg(kpt_kp_run(&kp[0]) == 2, "%s %s", bad[i][0], bad[i][1]);
		kpt_pair_free(kp);
	}
	kpt_kp_init(&kp[0], "Alice");
	kpt_kp_arg(&kp[0], "--help");
	ck_assert_int_eq(kpt_kp_run(&kp[0]), 0);
	ck_assert(kpt_log_has(&kp[0], "--state-dir"));
	kpt_kp_free(&kp[0]);
}
END_TEST

/**
 * PSKs never appear in the logs, neither do keys (see the conformance
 * tests) at the most verbose level.
 */
START_TEST(test_no_secrets_logged)
{
	static const char *psks[] = { "gw-a.psk", "gw-b.psk", "kp-sync.psk" };
	kpt_client_t c;
	kpt_resp_t resp;
	char key_id[200], key[200], psk[200];
	FILE *file;
	size_t i;

	kpt_pair_init(kps);
	kpt_kp_arg(&kps[0], "-v");
	kpt_kp_arg(&kps[1], "-v");
	kpt_kp_start(&kps[0]);
	kpt_kp_start(&kps[1]);
	kpt_client_gw(&c, &kps[0], 0, KPT_PSK);
	kpt_get_key(&c, "Bob", key_id, key);
	kpt_client_free(&c);
	kpt_client_gw(&c, &kps[1], 1, KPT_CERT);
	kpt_request(&c, &resp, "GET", "/key/%s?remoteSystemID=Alice", key_id);
	ck_assert_int_eq(resp.code, 200);
	kpt_resp_clear(&resp);
	kpt_client_free(&c);
	kpt_kp_stop(&kps[0], SIGTERM);
	kpt_kp_stop(&kps[1], SIGTERM);

	ck_assert(kpt_log_has(&kps[1], key_id));
	ck_assert(!kpt_log_has(&kps[0], key));
	ck_assert(!kpt_log_has(&kps[1], key));
	for (i = 0; i < sizeof(psks) / sizeof(psks[0]); i++)
	{
		file = fopen(kpt_path(psks[i]), "r");
		ck_assert_ptr_nonnull(file);
		ck_assert_ptr_nonnull(fgets(psk, sizeof(psk), file));
		fclose(file);
		psk[strcspn(psk, "\n")] = '\0';
		ck_assert(!kpt_log_has(&kps[0], psk));
		ck_assert(!kpt_log_has(&kps[1], psk));
	}
	kpt_pair_free(kps);
}
END_TEST

Suite *kpt_config_suite(void)
{
	Suite *s = suite_create("operation");
	TCase *tc;

	tc = tcase_create("config file, options, logs");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_config_file);
	tcase_add_test(tc, test_config_errors);
	tcase_add_test(tc, test_option_errors);
	tcase_add_test(tc, test_no_secrets_logged);
	suite_add_tcase(s, tc);
	return s;
}
