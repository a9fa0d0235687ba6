/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * TLS modes of the draft's Table 1: TLS 1.3 with TLS_AES_256_GCM_SHA384
 * (certificates and external PSK), TLS 1.2 certificate suites and DHE-PSK
 * suites, each selectable; nothing else is negotiated.
 */

#include "kpt.h"

#include <string.h>

static kpt_kp_t kps[2];

/** TLS 1.2 only, on the client */
#define TLS12_ONLY (CURL_SSLVERSION_TLSv1_2 | CURL_SSLVERSION_MAX_TLSv1_2)
/** TLS 1.2 or 1.3, on the client */
#define TLS12_13 (CURL_SSLVERSION_TLSv1_2 | CURL_SSLVERSION_MAX_TLSv1_3)

/**
 * Alice with extra options, Bob standard.
 */
static void start_pair(const char *const extra[])
{
	int i;

	kpt_pair_init(kps);
	for (i = 0; extra[i]; i++)
	{
		kpt_kp_arg(&kps[0], "%s", extra[i]);
	}
	kpt_kp_start(&kps[0]);
	kpt_kp_start(&kps[1]);
}

/**
 * A client of Alice in a mode, with TLS versions and TLS 1.2 suites.
 */
static void client(kpt_client_t *c, kpt_mode_t mode, long version,
				   const char *ciphers)
{
	kpt_client_gw(c, &kps[0], 0, mode);
	c->ssl_version = version;
	c->ciphers = ciphers;
}

/**
 * The whole flow over the given client: capabilities, a key, Bob gets
 * the same key; asserts the TLS version and suite of Alice's answers.
 */
static void assert_works(kpt_client_t *c, const char *version,
						 const char *cipher)
{
	kpt_client_t bob;
	kpt_resp_t resp;
	char key_id[200], key[200];

	kpt_request(c, &resp, "GET", "/capabilities");
	ck_assert_msg(resp.code == 200, "%s: %s", cipher,
				  curl_easy_strerror(resp.result));
	ck_assert_str_eq(resp.tls_version, version);
	ck_assert_str_eq(resp.cipher, cipher);
	kpt_resp_clear(&resp);
	kpt_request(c, &resp, "GET", "/key?remoteSystemID=Bob");
	ck_assert_int_eq(resp.code, 200);
	strcpy(key_id, kpt_json_str(&resp, "keyId"));
	strcpy(key, kpt_json_str(&resp, "key"));
	kpt_resp_clear(&resp);
	kpt_request(c, &resp, "GET", "/entropy?minentropy=128");
	ck_assert_int_eq(resp.code, 200);
	kpt_resp_clear(&resp);

	kpt_client_gw(&bob, &kps[1], 1, c->mode);
	kpt_expect_key(&bob, key, "/key/%s?remoteSystemID=Alice", key_id);
	kpt_client_free(&bob);
}

static void assert_refused(kpt_client_t *c)
{
	kpt_resp_t resp;

	kpt_request(c, &resp, "GET", "/capabilities");
	ck_assert_msg(resp.result != CURLE_OK && resp.code == 0,
				  "handshake succeeded: %s %s", resp.tls_version, resp.cipher);
	kpt_resp_clear(&resp);
}

/**
 * assert_works() over a new client of Alice offering the given TLS
 * versions and suites.
 */
static void works(kpt_mode_t mode, long versions, const char *offered,
				  const char *version, const char *cipher)
{
	kpt_client_t c;

	client(&c, mode, versions, offered);
	assert_works(&c, version, cipher);
	kpt_client_free(&c);
}

/**
 * assert_refused() over a new client of Alice offering the given TLS
 * versions and suites.
 */
static void refused(kpt_mode_t mode, long versions, const char *offered)
{
	kpt_client_t c;

	client(&c, mode, versions, offered);
	assert_refused(&c);
	kpt_client_free(&c);
}

START_TEST(test_tls13_default)
{
	static const char *const extra[] = { NULL };
	kpt_client_t c;

	start_pair(extra);
	/* both modes, TLS 1.3, the one suite */
	works(KPT_PSK, 0, NULL, "TLSv1.3", "TLS_AES_256_GCM_SHA384");
	works(KPT_CERT, 0, NULL, "TLSv1.3", "TLS_AES_256_GCM_SHA384");
	/* a client offering both versions still gets TLS 1.3 */
	works(KPT_PSK, TLS12_13, NULL, "TLSv1.3", "TLS_AES_256_GCM_SHA384");

	/* no TLS 1.2 by default */
	refused(KPT_PSK, TLS12_ONLY, NULL);
	refused(KPT_CERT, TLS12_ONLY, NULL);
	/* no other TLS 1.3 suite */
	client(&c, KPT_CERT, 0, NULL);
	c.tls13_ciphers = "TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256";
	assert_refused(&c);
	kpt_client_free(&c);
	client(&c, KPT_PSK, 0, NULL);
	c.tls13_ciphers = "TLS_AES_128_GCM_SHA256";
	assert_refused(&c);
	kpt_client_free(&c);
	kpt_pair_free(kps);
}
END_TEST

/**
 * TLS 1.2 only: each DHE-PSK suite and each certificate suite (ECDSA and
 * RSA certificates).
 */
START_TEST(test_tls12_suites)
{
	static const char *const extra[] = {
		"--tls-versions", "1.2", "--cert", NULL, "--key", NULL, NULL,
	};
	const char *args[7];
	kpt_client_t c;

	memcpy(args, extra, sizeof(args));
	args[3] = kpt_path("kp-a-rsa.pem");
	args[5] = kpt_path("kp-a-rsa.key");
	start_pair(args);

	works(KPT_PSK, TLS12_ONLY, "DHE-PSK-AES256-CBC-SHA384",
		  "TLSv1.2", "DHE-PSK-AES256-CBC-SHA384");
	works(KPT_PSK, TLS12_ONLY, "DHE-PSK-AES256-CBC-SHA",
		  "TLSv1.2", "DHE-PSK-AES256-CBC-SHA");
	works(KPT_CERT, TLS12_ONLY, "ECDHE-ECDSA-AES256-GCM-SHA384",
		  "TLSv1.2", "ECDHE-ECDSA-AES256-GCM-SHA384");
	works(KPT_CERT, TLS12_ONLY, "AES256-SHA256", "TLSv1.2", "AES256-SHA256");
	/* a client offering TLS 1.3 too gets TLS 1.2 here */
	works(KPT_PSK, TLS12_13, NULL, "TLSv1.2", "DHE-PSK-AES256-CBC-SHA384");

	/* TLS 1.3 only clients are refused */
	refused(KPT_PSK, 0, NULL);
	/* suites outside the draft are refused, though the certificates fit */
	refused(KPT_CERT, TLS12_ONLY, "ECDHE-RSA-AES128-GCM-SHA256");
	refused(KPT_CERT, TLS12_ONLY, "ECDHE-ECDSA-AES128-GCM-SHA256");
	refused(KPT_PSK, TLS12_ONLY, "PSK-AES256-CBC-SHA384");
	/* a wrong PSK fails in TLS 1.2 as well */
	kpt_client_psk(&c, kps[0].port, "gw-a", "other.psk");
	c.ssl_version = TLS12_ONLY;
	assert_refused(&c);
	kpt_client_free(&c);
	kpt_pair_free(kps);
}
END_TEST

/**
 * --tls12-ciphers selects suites: the others are refused.
 */
START_TEST(test_tls12_selection)
{
	static const char *const extra[] = {
		"--tls-versions", "1.2-1.3", "--tls12-ciphers",
		"DHE-PSK-AES256-CBC-SHA:ECDHE-ECDSA-AES256-GCM-SHA384", NULL,
	};

	start_pair(extra);
	works(KPT_PSK, TLS12_ONLY, "DHE-PSK-AES256-CBC-SHA",
		  "TLSv1.2", "DHE-PSK-AES256-CBC-SHA");
	works(KPT_CERT, TLS12_ONLY, "ECDHE-ECDSA-AES256-GCM-SHA384",
		  "TLSv1.2", "ECDHE-ECDSA-AES256-GCM-SHA384");
	refused(KPT_PSK, TLS12_ONLY, "DHE-PSK-AES256-CBC-SHA384");
	/* TLS 1.3 is on as well, and preferred */
	works(KPT_PSK, TLS12_13, NULL, "TLSv1.3", "TLS_AES_256_GCM_SHA384");
	works(KPT_CERT, 0, NULL, "TLSv1.3", "TLS_AES_256_GCM_SHA384");
	kpt_pair_free(kps);
}
END_TEST

/**
 * The first slice's --tls12 still means TLS 1.2 and 1.3, all draft suites.
 */
START_TEST(test_tls12_legacy_option)
{
	static const char *const extra[] = { "--tls12", NULL };

	start_pair(extra);
	works(KPT_PSK, TLS12_ONLY, "DHE-PSK-AES256-CBC-SHA384",
		  "TLSv1.2", "DHE-PSK-AES256-CBC-SHA384");
	works(KPT_CERT, TLS12_ONLY, "ECDHE-ECDSA-AES256-GCM-SHA384",
		  "TLSv1.2", "ECDHE-ECDSA-AES256-GCM-SHA384");
	works(KPT_PSK, 0, NULL, "TLSv1.3", "TLS_AES_256_GCM_SHA384");
	kpt_pair_free(kps);
}
END_TEST

/**
 * Versions and suites outside the draft cannot be configured.
 */
START_TEST(test_tls_options_invalid)
{
	static const char *const bad[][2] = {
		{ "--tls-versions", "1.1" },
		{ "--tls-versions", "1.3-1.2" },
		{ "--tls12-ciphers", "AES128-SHA" },
		{ "--tls12-ciphers", "DHE-PSK-AES256-CBC-SHA:RC4-SHA" },
		{ "--tls12-ciphers", "" },
		{ "--tls12-ciphers", "ALL" },
	};
	kpt_kp_t kp[2];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
	{
		kpt_pair_init(kp);
		kpt_kp_arg(&kp[0], "%s", bad[i][0]);
		kpt_kp_arg(&kp[0], "%s", bad[i][1]);
		ck_assert_int_eq(kpt_kp_run(&kp[0]), 2);
		kpt_pair_free(kp);
	}
}
END_TEST

Suite *kpt_tls_suite(void)
{
	Suite *s = suite_create("TLS modes");
	TCase *tc;

	tc = tcase_create("Table 1");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_tls13_default);
	tcase_add_test(tc, test_tls12_suites);
	tcase_add_test(tc, test_tls12_selection);
	tcase_add_test(tc, test_tls12_legacy_option);
	tcase_add_test(tc, test_tls_options_invalid);
	suite_add_tcase(s, tc);
	return s;
}
