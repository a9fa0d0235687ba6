/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * SKIP conformance (draft §3-4): every method of Table 2, size and
 * minentropy, the capabilities of Figure 3, the status codes of Tables 3, 7
 * and 9 with their JSON error bodies. Every test runs in both TLS modes
 * (loop index: KPT_PSK, KPT_CERT).
 */

#include "kpt.h"

#include <ctype.h>
#include <signal.h>
#include <string.h>

static kpt_kp_t kps[2];

static void start_pair(void)
{
	kpt_pair_start(kps);
}

static void stop_pair(void)
{
	kpt_pair_free(kps);
}

static bool is_hex(const char *s, size_t len, bool upper_only)
{
	size_t i;

	if (strlen(s) != len)
	{
		return false;
	}
	for (i = 0; i < len; i++)
	{
		if (!isxdigit((unsigned char)s[i]) ||
			(upper_only && islower((unsigned char)s[i])))
		{
			return false;
		}
	}
	return true;
}

/**
 * Neither KP's log may show a secret (either case).
 */
static void assert_not_logged(const char *hex)
{
	char upper[2100];
	size_t i;

	for (i = 0; i < sizeof(upper) - 1 && hex[i]; i++)
	{
		upper[i] = (char)toupper((unsigned char)hex[i]);
	}
	upper[i] = '\0';
	for (i = 0; i < 2; i++)
	{
		ck_assert_msg(!kpt_log_has(&kps[i], hex), "secret in %s", kps[i].log);
		ck_assert_msg(!kpt_log_has(&kps[i], upper), "secret in %s",
					  kps[i].log);
	}
}

START_TEST(test_capabilities)
{
	kpt_client_t alice;
	kpt_resp_t resp;
	json_object *value;

	kpt_client_gw(&alice, &kps[0], 0, _i);
	kpt_request(&alice, &resp, "GET", "/capabilities");
	ck_assert_int_eq(resp.result, CURLE_OK);
	ck_assert_int_eq(resp.code, 200);
	ck_assert_str_eq(resp.content_type, "application/json");
	ck_assert_ptr_nonnull(resp.json);
	/* exactly the fields of Figure 3, with their types */
	ck_assert_int_eq(json_object_object_length(resp.json), 5);
	ck_assert(json_object_object_get_ex(resp.json, "entropy", &value));
	ck_assert(json_object_is_type(value, json_type_boolean));
	ck_assert(json_object_get_boolean(value));
	ck_assert(json_object_object_get_ex(resp.json, "key", &value));
	ck_assert(json_object_is_type(value, json_type_boolean));
	ck_assert(json_object_get_boolean(value));
	ck_assert_ptr_nonnull(kpt_json_str(&resp, "algorithm"));
	ck_assert_str_eq(kpt_json_str(&resp, "localSystemID"), "Alice");
	ck_assert(json_object_object_get_ex(resp.json, "remoteSystemID", &value));
	ck_assert(json_object_is_type(value, json_type_array));
	ck_assert_int_eq(json_object_array_length(value), 1);
	ck_assert_str_eq(json_object_get_string(
						json_object_array_get_idx(value, 0)), "Bob");
	/* the draft requires TLS 1.3 with this suite in both modes */
	ck_assert_str_eq(resp.tls_version, "TLSv1.3");
	ck_assert_str_eq(resp.cipher, "TLS_AES_256_GCM_SHA384");
	kpt_resp_clear(&resp);
	kpt_client_free(&alice);
}
END_TEST

/**
 * Methods 2 and 4: a new key at Alice, the same key by keyId at Bob, once.
 */
START_TEST(test_key_roundtrip)
{
	kpt_client_t alice, bob;
	kpt_resp_t resp;
	char key_id[200], key[2100], upper[200];
	size_t i;

	kpt_client_gw(&alice, &kps[0], 0, _i);
	kpt_client_gw(&bob, &kps[1], 1, _i);
	kpt_request(&alice, &resp, "GET", "/key?remoteSystemID=Bob");
	ck_assert_int_eq(resp.code, 200);
	ck_assert_str_eq(resp.content_type, "application/json");
	ck_assert_int_eq(json_object_object_length(resp.json), 2);
	strcpy(key_id, kpt_json_str(&resp, "keyId"));
	strcpy(key, kpt_json_str(&resp, "key"));
	kpt_resp_clear(&resp);
	/* 128-bit keyId, 256-bit key by default */
	ck_assert(is_hex(key_id, 32, false));
	ck_assert(is_hex(key, 64, false));

	/* the keyId's case does not matter; the answer has it as issued */
	for (i = 0; key_id[i]; i++)
	{
		upper[i] = (char)toupper((unsigned char)key_id[i]);
	}
	upper[i] = '\0';
	kpt_request(&bob, &resp, "GET", "/key/%s?remoteSystemID=Alice", upper);
	ck_assert_int_eq(resp.code, 200);
	ck_assert_int_eq(json_object_object_length(resp.json), 2);
	ck_assert_str_eq(kpt_json_str(&resp, "keyId"), key_id);
	ck_assert_str_eq(kpt_json_str(&resp, "key"), key);
	kpt_resp_clear(&resp);

	/* zeroized after delivery: never twice */
	kpt_expect_error(&bob, 400, "key not found",
					 "/key/%s?remoteSystemID=Alice", key_id);
	/* Alice made it and never stored it: Alice has no key by this keyId */
	kpt_expect_error(&alice, 400, "key not found",
					 "/key/%s?remoteSystemID=Bob", key_id);
	ck_assert(kpt_log_has(&kps[0], "delivered new key"));
	ck_assert(kpt_log_has(&kps[1], "stored key"));
	ck_assert(kpt_log_has(&kps[1], "delivered key"));
	assert_not_logged(key);
	kpt_client_free(&alice);
	kpt_client_free(&bob);
}
END_TEST

/**
 * Method 3: key sizes the KP serves, on both sides.
 */
START_TEST(test_key_size)
{
	static const unsigned sizes[] = { 128, 136, 256, 512, 1024, 4096 };
	kpt_client_t alice, bob;
	kpt_resp_t resp;
	char key_id[200], key[2100];
	size_t i;

	kpt_client_gw(&alice, &kps[0], 0, _i);
	kpt_client_gw(&bob, &kps[1], 1, _i);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
	{
		kpt_request(&alice, &resp, "GET", "/key?remoteSystemID=Bob&size=%u",
					sizes[i]);
		ck_assert_int_eq(resp.code, 200);
		strcpy(key_id, kpt_json_str(&resp, "keyId"));
		strcpy(key, kpt_json_str(&resp, "key"));
		kpt_resp_clear(&resp);
		ck_assert(is_hex(key, sizes[i] / 4, false));
		ck_assert(is_hex(key_id, 32, false));
		kpt_expect_key(&bob, key, "/key/%s?remoteSystemID=Alice", key_id);
		assert_not_logged(key);
	}
	kpt_client_free(&alice);
	kpt_client_free(&bob);
}
END_TEST

/**
 * Sizes the KP cannot serve are refused with 400, and no key is made.
 */
START_TEST(test_key_size_invalid)
{
	static const char *sizes[] = {
		"0", "7", "8", "64", "120", "129", "4104", "8192", "99999", "123456",
		"-256", "%2B256", "abc", "", "256%20", "0x100", "256.0", "1e3",
	};
	kpt_client_t alice;
	size_t i;

	kpt_client_gw(&alice, &kps[0], 0, _i);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
	{
		kpt_expect_error(&alice, 400, "size",
						 "/key?remoteSystemID=Bob&size=%s", sizes[i]);
	}
	kpt_expect_error(&alice, 400, NULL,
					 "/key?remoteSystemID=Bob&size=256&size=512");
	ck_assert(!kpt_log_has(&kps[0], "delivered new key"));
	ck_assert(!kpt_log_has(&kps[1], "stored key"));
	kpt_client_free(&alice);
}
END_TEST

/**
 * Methods 5 and 6.
 */
START_TEST(test_entropy)
{
	static const unsigned bits[] = { 8, 128, 256, 1000, 4096 };
	kpt_client_t alice;
	kpt_resp_t resp;
	json_object *value;
	char first[100];
	size_t i;

	kpt_client_gw(&alice, &kps[0], 0, _i);
	kpt_request(&alice, &resp, "GET", "/entropy");
	ck_assert_int_eq(resp.code, 200);
	ck_assert_str_eq(resp.content_type, "application/json");
	ck_assert_int_eq(json_object_object_length(resp.json), 2);
	ck_assert(is_hex(kpt_json_str(&resp, "randomStr"), 64, true));
	ck_assert(json_object_object_get_ex(resp.json, "minentropy", &value));
	ck_assert(json_object_is_type(value, json_type_int));
	ck_assert_int_eq(json_object_get_int(value), 256);
	strcpy(first, kpt_json_str(&resp, "randomStr"));
	kpt_resp_clear(&resp);
	assert_not_logged(first);

	for (i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
	{
		kpt_request(&alice, &resp, "GET", "/entropy?minentropy=%u", bits[i]);
		ck_assert_int_eq(resp.code, 200);
		ck_assert(is_hex(kpt_json_str(&resp, "randomStr"), bits[i] / 4,
						 true));
		ck_assert(json_object_object_get_ex(resp.json, "minentropy", &value));
		ck_assert_int_eq(json_object_get_int(value), bits[i]);
		ck_assert_str_ne(kpt_json_str(&resp, "randomStr"), first);
		kpt_resp_clear(&resp);
	}
	kpt_client_free(&alice);
}
END_TEST

START_TEST(test_entropy_invalid)
{
	static const char *bits[] = {
		"0", "4", "12", "4104", "65536", "abc", "", "-8", "%2B8", "8%20",
	};
	kpt_client_t alice;
	size_t i;

	kpt_client_gw(&alice, &kps[0], 0, _i);
	for (i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
	{
		kpt_expect_error(&alice, 400, "minentropy",
						 "/entropy?minentropy=%s", bits[i]);
	}
	kpt_expect_error(&alice, 400, NULL, "/entropy?size=256");
	kpt_expect_error(&alice, 400, NULL, "/entropy?minentropy=8&minentropy=8");
	kpt_client_free(&alice);
}
END_TEST

/**
 * Table 7: malformed keyIds and unknown keys are 400.
 */
START_TEST(test_key_id_invalid)
{
	static const char *malformed[] = {
		"xyz", "abc", "0g", "00112233445566778899aabbccddeef", "%2500",
		"00%2F11", "..", "00112233%20", "",
		"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
		"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff00",
	};
	kpt_client_t bob;
	size_t i;

	kpt_client_gw(&bob, &kps[1], 1, _i);
	for (i = 0; i < sizeof(malformed) / sizeof(malformed[0]); i++)
	{
		kpt_expect_error(&bob, 400, "malformed keyId",
						 "/key/%s?remoteSystemID=Alice", malformed[i]);
	}
	/* well-formed but unknown; also the draft's 192-bit example form */
	kpt_expect_error(&bob, 400, "key not found",
					 "/key/%s?remoteSystemID=Alice", "00112233445566778899aabbccddeeff");
	kpt_expect_error(&bob, 400, "key not found",
					 "/key/%s?remoteSystemID=Alice", "1726e9AE76234FB1dd1283d4dca1911e1f93864d70f3069e");
	/* percent-encoded digits are digits */
	kpt_expect_error(&bob, 400, "key not found",
					 "/key/%s?remoteSystemID=Alice", "%30%30112233445566778899aabbccddeeff");
	kpt_client_free(&bob);
}
END_TEST

/**
 * remoteSystemID: missing, invalid, unknown (400) on both key methods;
 * other query parameters are refused.
 */
/** 64 bytes of a system ID */
#define SID64 "XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"

START_TEST(test_remote_invalid)
{
	static const char *paths[] = {
		"/key?remoteSystemID=Eve",
		"/key?remoteSystemID=Bob%26size%3D256",
		"/key/00112233445566778899aabbccddeeff?remoteSystemID=Eve",
		/* system IDs are plain strings: any byte but NUL (SKIP draft) */
		"/key?remoteSystemID=B%20ob",
		"/key?remoteSystemID=B%01ob",
		"/key/00112233445566778899aabbccddeeff?remoteSystemID=%7F",
	};
	static const char *invalid[] = {
		"/key?remoteSystemID=",
		/* 256 bytes, one more than a system ID may have */
		"/key?remoteSystemID=" SID64 SID64 SID64 SID64,
	};
	static const char *bad_query[] = {
		"/key",
		"/key?size=256",
		"/key?remoteSystemID=Bob&foo=1",
		"/key?remoteSystemID=Bob&remoteSystemID=Eve",
		/* no parameter has a NUL byte */
		"/key?remoteSystemID=B%00ob",
		"/key/00112233445566778899aabbccddeeff?remoteSystemID=%00",
		"/key/00112233445566778899aabbccddeeff",
		"/key/00112233445566778899aabbccddeeff?remoteSystemID=Alice&size=256",
		"/capabilities?x=1",
	};
	kpt_client_t alice;
	size_t i;

	kpt_client_gw(&alice, &kps[0], 0, _i);
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
	{
		kpt_expect_error(&alice, 400, "unknown remote system", "%s", paths[i]);
	}
	for (i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++)
	{
		kpt_expect_error(&alice, 400, "invalid remoteSystemID",
						 "%s", invalid[i]);
	}
	for (i = 0; i < sizeof(bad_query) / sizeof(bad_query[0]); i++)
	{
		kpt_expect_error(&alice, 400, NULL, "%s", bad_query[i]);
	}
	ck_assert(!kpt_log_has(&kps[1], "stored key"));
	kpt_client_free(&alice);
}
END_TEST

/**
 * Table 3: 404 for paths outside Table 2 (whatever the method).
 */
START_TEST(test_unknown_path)
{
	static const char *paths[] = {
		"/", "/nothing", "/capabilities/", "/keys", "/entropy/256",
		"/Key?remoteSystemID=Bob", "/capabilities/x", "/sync/v2/keys",
		"/test/faultsx",
	};
	kpt_client_t alice;
	kpt_resp_t resp;
	size_t i;

	kpt_client_gw(&alice, &kps[0], 0, _i);
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
	{
		kpt_expect_error(&alice, 404, "unknown path", "%s", paths[i]);
		kpt_request(&alice, &resp, "POST", "%s", paths[i]);
		kpt_assert_error(&resp, 404, "unknown path");
		kpt_resp_clear(&resp);
	}
	kpt_client_free(&alice);
}
END_TEST

/**
 * Table 3: 405 for every method but GET on the paths of Table 2.
 */
START_TEST(test_method)
{
	static const char *methods[] = {
		"POST", "PUT", "DELETE", "OPTIONS", "PATCH",
	};
	static const char *paths[] = {
		"/capabilities", "/key?remoteSystemID=Bob",
		"/key/00112233445566778899aabbccddeeff?remoteSystemID=Bob",
		"/entropy",
	};
	kpt_client_t alice;
	kpt_resp_t resp;
	size_t i, j;

	kpt_client_gw(&alice, &kps[0], 0, _i);
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
	{
		for (j = 0; j < sizeof(methods) / sizeof(methods[0]); j++)
		{
			kpt_request(&alice, &resp, methods[j], "%s", paths[i]);
			kpt_assert_error(&resp, 405, "only GET");
			kpt_resp_clear(&resp);
		}
	}
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
	{	/* HEAD has no body, but the status */
		kpt_request(&alice, &resp, "HEAD", "%s", paths[i]);
		ck_assert_int_eq(resp.code, 405);
		kpt_resp_clear(&resp);
	}
	/* no key was made by any of them */
	ck_assert(!kpt_log_has(&kps[1], "stored key"));
	kpt_client_free(&alice);
}
END_TEST

/**
 * Clients that did not authenticate get nothing: 403 without a client
 * certificate, or a failed handshake with an unknown PSK.
 */
START_TEST(test_unauthenticated)
{
	kpt_client_t client;
	kpt_resp_t resp;

	if (_i == KPT_CERT)
	{
		kpt_client_cert(&client, kps[0].port, "ca.pem", NULL, NULL);
		kpt_expect_error(&client, 403, "not authenticated",
						 "/key?remoteSystemID=Bob");
		kpt_client_free(&client);
		/* a certificate of another CA does not even get a handshake */
		kpt_client_cert(&client, kps[0].port, "ca.pem", "rogue.pem",
						"rogue.key");
		kpt_request(&client, &resp, "GET", "/capabilities");
		ck_assert_int_ne(resp.result, CURLE_OK);
		ck_assert_int_eq(resp.code, 0);
	}
	else
	{
		/* known identity, wrong key */
		kpt_client_psk(&client, kps[0].port, "gw-a", "other.psk");
		kpt_request(&client, &resp, "GET", "/capabilities");
		ck_assert_int_ne(resp.result, CURLE_OK);
		ck_assert_int_eq(resp.code, 0);
		kpt_client_free(&client);
		/* unknown identity: the KP falls back to its certificate, which a
		 * PSK client refuses */
		kpt_client_psk(&client, kps[0].port, "nobody", "gw-a.psk");
		kpt_request(&client, &resp, "GET", "/capabilities");
		ck_assert_int_ne(resp.result, CURLE_OK);
		ck_assert_int_eq(resp.code, 0);
		kpt_client_free(&client);
		/* Bob's encryptor at Alice's KP */
		kpt_client_psk(&client, kps[0].port, "gw-b", "gw-b.psk");
		kpt_request(&client, &resp, "GET", "/capabilities");
		ck_assert_int_ne(resp.result, CURLE_OK);
	}
	kpt_client_free(&client);
	ck_assert(!kpt_log_has(&kps[1], "stored key"));
}
END_TEST

/**
 * Table 7, 500: the key cannot be synchronized (peer KP down), and the
 * KP cannot zeroize a key.
 */
START_TEST(test_server_error)
{
	kpt_client_t alice, bob;
	char key_id[200], key[2100];

	kpt_client_gw(&alice, &kps[0], 0, _i);
	kpt_client_gw(&bob, &kps[1], 1, _i);

	/* Bob's store fails: Bob refuses the key, Alice answers 500 */
	kpt_faults(&kps[1], "store-error");
	kpt_expect_error(&alice, 500, "synchronization failed",
					 "/key?remoteSystemID=Bob");
	kpt_faults(&kps[1], "");

	/* a stored key that cannot be zeroized is not delivered */
	kpt_get_key(&alice, "Bob", key_id, key);
	kpt_faults(&kps[1], "store-error");
	kpt_expect_error(&bob, 500, "zeroize",
					 "/key/%s?remoteSystemID=Alice", key_id);
	kpt_faults(&kps[1], "");
	kpt_expect_error(&bob, 400, "key not found",
					 "/key/%s?remoteSystemID=Alice", key_id);

	/* Bob's KP is down: no key anywhere */
	kpt_kp_stop(&kps[1], SIGTERM);
	kpt_expect_error(&alice, 500, "synchronization failed",
					 "/key?remoteSystemID=Bob");
	/* and it works again once Bob is back */
	kpt_kp_start(&kps[1]);
	kpt_get_key(&alice, "Bob", key_id, key);
	kpt_expect_key(&bob, key, "/key/%s?remoteSystemID=Alice", key_id);
	kpt_client_free(&alice);
	kpt_client_free(&bob);
}
END_TEST

/**
 * Table 9, 503: no entropy; and an empty key pool (503 for a new key, 400
 * for a keyId, the key staying stored).
 */
START_TEST(test_unavailable)
{
	kpt_client_t alice, bob;
	char key_id[200], key[2100];

	kpt_client_gw(&alice, &kps[0], 0, _i);
	kpt_client_gw(&bob, &kps[1], 1, _i);
	kpt_get_key(&alice, "Bob", key_id, key);

	kpt_faults(&kps[0], "empty");
	kpt_expect_error(&alice, 503, "no entropy", "/entropy");
	kpt_expect_error(&alice, 503, "no entropy", "/entropy?minentropy=128");
	kpt_expect_error(&alice, 503, "no key", "/key?remoteSystemID=Bob");
	/* validation comes first */
	kpt_expect_error(&alice, 400, NULL, "/entropy?minentropy=7");

	kpt_faults(&kps[1], "empty");
	kpt_expect_error(&bob, 400, "key not found",
					 "/key/%s?remoteSystemID=Alice", key_id);
	kpt_faults(&kps[1], "");
	kpt_expect_key(&bob, key, "/key/%s?remoteSystemID=Alice", key_id);
	kpt_client_free(&alice);
	kpt_client_free(&bob);
}
END_TEST

/**
 * Many requests on one connection (keep-alive), and a new connection per
 * request, give the same answers.
 */
START_TEST(test_keep_alive)
{
	kpt_client_t alice;
	kpt_resp_t resp;
	long connects;
	int i;

	kpt_client_gw(&alice, &kps[0], 0, _i);
	for (i = 0; i < 20; i++)
	{
		kpt_request(&alice, &resp, "GET", "/key?remoteSystemID=Bob");
		ck_assert_int_eq(resp.code, 200);
		kpt_resp_clear(&resp);
		curl_easy_getinfo(alice.curl, CURLINFO_NUM_CONNECTS, &connects);
		ck_assert_int_eq(connects, i == 0);
	}
	alice.fresh = true;
	for (i = 0; i < 5; i++)
	{
		kpt_request(&alice, &resp, "GET", "/entropy");
		ck_assert_int_eq(resp.code, 200);
		kpt_resp_clear(&resp);
		curl_easy_getinfo(alice.curl, CURLINFO_NUM_CONNECTS, &connects);
		ck_assert_int_eq(connects, 1);
	}
	ck_assert_int_eq(kpt_log_count(&kps[1], "stored key"), 20);
	kpt_client_free(&alice);
}
END_TEST

Suite *kpt_api_suite(void)
{
	Suite *s = suite_create("SKIP API conformance");
	TCase *tc;

	tc = tcase_create("methods, parameters, status codes (PSK, cert)");
	tcase_add_checked_fixture(tc, start_pair, stop_pair);
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_capabilities, KPT_PSK, KPT_CERT + 1);
	tcase_add_loop_test(tc, test_key_roundtrip, KPT_PSK, KPT_CERT + 1);
	tcase_add_loop_test(tc, test_key_size, KPT_PSK, KPT_CERT + 1);
	tcase_add_loop_test(tc, test_key_size_invalid, KPT_PSK, KPT_CERT + 1);
	tcase_add_loop_test(tc, test_entropy, KPT_PSK, KPT_CERT + 1);
	tcase_add_loop_test(tc, test_entropy_invalid, KPT_PSK, KPT_CERT + 1);
	tcase_add_loop_test(tc, test_key_id_invalid, KPT_PSK, KPT_CERT + 1);
	tcase_add_loop_test(tc, test_remote_invalid, KPT_PSK, KPT_CERT + 1);
	tcase_add_loop_test(tc, test_unknown_path, KPT_PSK, KPT_CERT + 1);
	tcase_add_loop_test(tc, test_method, KPT_PSK, KPT_CERT + 1);
	tcase_add_loop_test(tc, test_unauthenticated, KPT_PSK, KPT_CERT + 1);
	tcase_add_loop_test(tc, test_server_error, KPT_PSK, KPT_CERT + 1);
	tcase_add_loop_test(tc, test_unavailable, KPT_PSK, KPT_CERT + 1);
	tcase_add_loop_test(tc, test_keep_alive, KPT_PSK, KPT_CERT + 1);
	suite_add_tcase(s, tc);
	return s;
}
