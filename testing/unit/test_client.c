/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * The SKIP client against two reference KPs on loopback: every method, both
 * TLS modes, the error paths (wrong PSK, rogue server, unknown keys, peer
 * KP down, nothing listening, a server that never answers).
 */

#include "kp_fixture.h"
#include "test_support.h"
#include "test_suites.h"

#include <skip_client.h>

#include <check.h>
#include <curl/curl.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>


/** budget for the tests' operations */
#define TIMEOUT_MS 1500

/**
 * A client of a KP in PSK mode, with the given identity and PSK file.
 */
static skip_client_t *psk_client(const char *url, const char *identity,
								 const char *psk_file)
{
	skip_kp_config_t config = {
		.url = url,
		.auth = SKIP_AUTH_PSK,
		.timeout_ms = TIMEOUT_MS,
	};
	skip_error_t err = {};
	skip_client_t *client;
	skip_psk_t psk;
	char errbuf[256];

	ck_assert_msg(skip_psk_load(kp_fixture_path(&kp_pair, psk_file), identity,
								&psk, errbuf, sizeof(errbuf)), "%s", errbuf);
	config.psk = &psk;
	client = skip_client_create(&config, &err);
	ck_assert_msg(client, "%s", err.detail);
	return client;
}

static skip_client_t *alice_client(void)
{
	return psk_client(kp_fixture_url(&kp_pair, KP_ALICE), "gw-a", "gw-a.psk");
}

static skip_client_t *bob_client(void)
{
	return psk_client(kp_fixture_url(&kp_pair, KP_BOB), "gw-b", "gw-b.psk");
}

/**
 * A client of Alice's KP in certificate mode.
 */
static skip_client_t *cert_client(const char *ca, const char *cert,
								  const char *key)
{
	skip_kp_config_t config = {
		.url = kp_fixture_url(&kp_pair, KP_ALICE),
		.auth = SKIP_AUTH_CERT,
		.ca_file = kp_fixture_path(&kp_pair, ca),
		.cert_file = cert ? kp_fixture_path(&kp_pair, cert) : NULL,
		.key_file = key ? kp_fixture_path(&kp_pair, key) : NULL,
		.timeout_ms = TIMEOUT_MS,
	};
	skip_error_t err = {};
	skip_client_t *client;

	client = skip_client_create(&config, &err);
	ck_assert_msg(client, "%s", err.detail);
	return client;
}


START_TEST(test_capabilities_psk)
{
	skip_client_t *client = alice_client();
	skip_capabilities_t *caps = NULL;
	skip_error_t err = {};

	ck_assert_int_eq(client->get_capabilities(client, &caps, &err), SKIP_OK);
	ck_assert_str_eq(caps->local_system_id, "Alice");
	ck_assert_uint_eq(caps->remote_system_id_count, 1);
	ck_assert_str_eq(caps->remote_system_ids[0], "Bob");
	ck_assert(caps->key);
	ck_assert(caps->entropy);
	ck_assert(skip_capabilities_allows(caps, "Bob"));
	ck_assert(!skip_capabilities_allows(caps, "Eve"));
	skip_capabilities_destroy(caps);
	client->destroy(client);
}
END_TEST

/**
 * Alice gets a new key for Bob; Bob's encryptor gets the same key by keyId,
 * exactly once.
 */
START_TEST(test_key_roundtrip)
{
	skip_client_t *alice = alice_client(), *bob = bob_client();
	skip_key_t *ka = NULL, *kb = NULL, *again = NULL;
	skip_error_t err = {};

	ck_assert_msg(alice->get_key(alice, "Bob", 0, 0, &ka, &err) == SKIP_OK,
				  "%s", err.detail);
	ck_assert_uint_eq(ka->key_len, 32);
	ck_assert_uint_eq(strlen(ka->key_id), 32);

	ck_assert_msg(bob->get_key_by_id(bob, ka->key_id, "Alice", 0, &kb, &err) ==
				  SKIP_OK, "%s", err.detail);
	ck_assert_str_eq(kb->key_id, ka->key_id);
	ck_assert_uint_eq(kb->key_len, ka->key_len);
	ck_assert_mem_eq(kb->key, ka->key, ka->key_len);

	/* delivered once: the KP zeroized it */
	ck_assert_int_eq(bob->get_key_by_id(bob, ka->key_id, "Alice", 0, &again,
										&err), SKIP_ERR_BAD_REQUEST);
	ck_assert_int_eq(err.http_code, 400);
	ck_assert_ptr_null(again);

	skip_key_destroy(ka);
	skip_key_destroy(kb);
	alice->destroy(alice);
	bob->destroy(bob);
}
END_TEST

START_TEST(test_key_size)
{
	skip_client_t *alice = alice_client();
	skip_key_t *key = NULL;
	skip_error_t err = {};

	ck_assert_int_eq(alice->get_key(alice, "Bob", 512, 0, &key, &err), SKIP_OK);
	ck_assert_uint_eq(key->key_len, 64);
	skip_key_destroy(key);
	key = NULL;
	/* not a multiple of 8: refused before it reaches the KP */
	ck_assert_int_eq(alice->get_key(alice, "Bob", 131, 0, &key, &err),
					 SKIP_ERR_INVALID_ARG);
	ck_assert_ptr_null(key);
	alice->destroy(alice);
}
END_TEST

START_TEST(test_key_unknown_remote)
{
	skip_client_t *alice = alice_client();
	skip_key_t *key = NULL;
	skip_error_t err = {};

	ck_assert_int_eq(alice->get_key(alice, "Eve", 0, 0, &key, &err),
					 SKIP_ERR_BAD_REQUEST);
	ck_assert_ptr_nonnull(strstr(err.detail, "unknown remote system"));
	/* percent-encoded: no query parameter can be smuggled in */
	ck_assert_int_eq(alice->get_key(alice, "Bob&size=256", 0, 0, &key, &err),
					 SKIP_ERR_BAD_REQUEST);
	ck_assert_ptr_nonnull(strstr(err.detail, "unknown remote system"));
	/* any byte but NUL is a system ID, percent-encoded for the KP */
	ck_assert_int_eq(alice->get_key(alice, "B ob\r\n\xff", 0, 0, &key, &err),
					 SKIP_ERR_BAD_REQUEST);
	ck_assert_ptr_nonnull(strstr(err.detail, "unknown remote system"));
	/* invalid system IDs never reach the KP */
	ck_assert_int_eq(alice->get_key(alice, "", 0, 0, &key, &err),
					 SKIP_ERR_INVALID_ARG);
	ck_assert_ptr_null(key);
	alice->destroy(alice);
}
END_TEST

START_TEST(test_key_unknown_key_id)
{
	skip_client_t *bob = bob_client();
	skip_key_t *key = NULL;
	skip_error_t err = {};

	ck_assert_int_eq(bob->get_key_by_id(bob, "00112233445566778899aabbccddeeff",
										"Alice", 0, &key, &err),
					 SKIP_ERR_BAD_REQUEST);
	ck_assert_ptr_nonnull(strstr(err.detail, "key not found"));
	/* malformed keyIds never reach the KP */
	ck_assert_int_eq(bob->get_key_by_id(bob, "../capabilities", "Alice", 0, &key,
										&err), SKIP_ERR_INVALID_ARG);
	ck_assert_int_eq(bob->get_key_by_id(bob, "ab%2f", "Alice", 0, &key, &err),
					 SKIP_ERR_INVALID_ARG);
	ck_assert_ptr_null(key);
	bob->destroy(bob);
}
END_TEST

START_TEST(test_entropy)
{
	skip_client_t *alice = alice_client();
	skip_entropy_t *entropy = NULL;
	skip_error_t err = {};

	ck_assert_int_eq(alice->get_entropy(alice, 0, &entropy, &err), SKIP_OK);
	ck_assert_uint_eq(entropy->len, 32);
	ck_assert_uint_eq(entropy->min_entropy, 256);
	skip_entropy_destroy(entropy);
	ck_assert_int_eq(alice->get_entropy(alice, 128, &entropy, &err), SKIP_OK);
	ck_assert_uint_eq(entropy->len, 16);
	ck_assert_uint_eq(entropy->min_entropy, 128);
	skip_entropy_destroy(entropy);
	alice->destroy(alice);
}
END_TEST

/**
 * The peer KP cannot store the key: no key for the encryptor (500, retried
 * within the budget).
 */
START_TEST(test_key_peer_down)
{
	skip_client_t *alice = alice_client();
	skip_key_t *key = NULL;
	skip_error_t err = {};

	kp_fixture_stop(&kp_pair, KP_BOB);
	ck_assert_int_eq(alice->get_key(alice, "Bob", 0, 0, &key, &err),
					 SKIP_ERR_SERVER);
	ck_assert_int_eq(err.http_code, 500);
	ck_assert_ptr_nonnull(strstr(err.detail, "synchronization failed"));
	ck_assert_ptr_null(key);
	alice->destroy(alice);
}
END_TEST

START_TEST(test_cert_mode)
{
	skip_client_t *client = cert_client("ca.pem", "gw-a.pem", "gw-a.key");
	skip_capabilities_t *caps = NULL;
	skip_key_t *key = NULL;
	skip_error_t err = {};

	ck_assert_msg(client->get_capabilities(client, &caps, &err) == SKIP_OK,
				  "%s", err.detail);
	ck_assert_str_eq(caps->local_system_id, "Alice");
	skip_capabilities_destroy(caps);
	ck_assert_int_eq(client->get_key(client, "Bob", 0, 0, &key, &err), SKIP_OK);
	skip_key_destroy(key);
	client->destroy(client);
}
END_TEST

/**
 * Without a client certificate the KP refuses the client.
 */
START_TEST(test_cert_mode_no_client_cert)
{
	skip_client_t *client = cert_client("ca.pem", NULL, NULL);
	skip_capabilities_t *caps = NULL;
	skip_error_t err = {};

	ck_assert_int_eq(client->get_capabilities(client, &caps, &err),
					 SKIP_ERR_FORBIDDEN);
	ck_assert_int_eq(err.http_code, 403);
	client->destroy(client);
}
END_TEST

/**
 * A KP whose certificate is not issued by the configured CA is refused.
 */
START_TEST(test_cert_mode_wrong_ca)
{
	skip_client_t *client = cert_client("rogue-ca.pem", "gw-a.pem", "gw-a.key");
	skip_capabilities_t *caps = NULL;
	skip_error_t err = {};

	ck_assert_int_eq(client->get_capabilities(client, &caps, &err),
					 SKIP_ERR_TLS);
	client->destroy(client);
}
END_TEST

START_TEST(test_psk_wrong_key)
{
	skip_client_t *client;
	skip_capabilities_t *caps = NULL;
	skip_error_t err = {};

	/* right identity, wrong key */
	client = psk_client(kp_fixture_url(&kp_pair, KP_ALICE), "gw-a", "other.psk");
	ck_assert_int_eq(client->get_capabilities(client, &caps, &err),
					 SKIP_ERR_TLS);
	client->destroy(client);
	/* unknown identity: the KP falls back to its certificate, which a PSK
	 * client refuses */
	client = psk_client(kp_fixture_url(&kp_pair, KP_ALICE), "nobody", "gw-a.psk");
	ck_assert_int_eq(client->get_capabilities(client, &caps, &err),
					 SKIP_ERR_TLS);
	client->destroy(client);
}
END_TEST

/**
 * A server that ignores the PSK and shows a certificate (here even one
 * whose CA a cert-mode client would trust) must not get the PSK client.
 */
START_TEST(test_psk_rogue_server)
{
	skip_client_t *client;
	skip_capabilities_t *caps = NULL;
	skip_error_t err = {};

	/* Bob's KP has a valid certificate but does not know gw-a's PSK */
	client = psk_client(kp_fixture_url(&kp_pair, KP_BOB), "gw-a", "gw-a.psk");
	ck_assert_int_eq(client->get_capabilities(client, &caps, &err),
					 SKIP_ERR_TLS);
	ck_assert_ptr_null(caps);
	client->destroy(client);
}
END_TEST

START_TEST(test_nothing_listening)
{
	char url[64];
	skip_client_t *client;
	skip_capabilities_t *caps = NULL;
	skip_error_t err = {};
	long long start;

	snprintf(url, sizeof(url), "https://127.0.0.1:%u", test_free_port());
	client = psk_client(url, "gw-a", "gw-a.psk");
	start = test_now_ms();
	ck_assert_int_eq(client->get_capabilities(client, &caps, &err),
					 SKIP_ERR_CONNECT);
	/* retried, but within the budget */
	ck_assert_int_le(test_now_ms() - start, TIMEOUT_MS + 500);
	client->destroy(client);
}
END_TEST

/**
 * A server that accepts connections but never answers costs the budget,
 * not more.
 */
START_TEST(test_silent_server)
{
	struct sockaddr_in addr = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	socklen_t len = sizeof(addr);
	skip_client_t *client;
	skip_capabilities_t *caps = NULL;
	skip_key_t *key = NULL;
	skip_error_t err = {};
	long long start, elapsed;
	char url[64];
	int fd;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr*)&addr, sizeof(addr)), 0);
	ck_assert_int_eq(listen(fd, 8), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr*)&addr, &len), 0);
	snprintf(url, sizeof(url), "https://127.0.0.1:%u", ntohs(addr.sin_port));

	client = psk_client(url, "gw-a", "gw-a.psk");
	start = test_now_ms();
	ck_assert_int_eq(client->get_capabilities(client, &caps, &err),
					 SKIP_ERR_TIMEOUT);
	elapsed = test_now_ms() - start;
	ck_assert_int_ge(elapsed, 900);
	ck_assert_int_le(elapsed, TIMEOUT_MS + 500);

	/* a budget for one call overrides the configured one */
	start = test_now_ms();
	ck_assert_int_eq(client->get_key(client, "Bob", 0, 300, &key, &err),
					 SKIP_ERR_TIMEOUT);
	elapsed = test_now_ms() - start;
	ck_assert_int_ge(elapsed, 250);
	ck_assert_int_le(elapsed, 800);
	ck_assert_ptr_null(key);
	client->destroy(client);
	close(fd);
}
END_TEST

static size_t discard(char *data, size_t size, size_t nmemb, void *user)
{
	return size * nmemb;
}

/**
 * The KP's own status codes for requests the client never makes.
 */
static long raw_request(const char *method, const char *path)
{
	char url[128], errbuf[CURL_ERROR_SIZE] = "";
	long code = 0;
	CURL *curl;

	snprintf(url, sizeof(url), "%s%s", kp_fixture_url(&kp_pair, KP_ALICE), path);
	curl = curl_easy_init();
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(curl, CURLOPT_CAINFO, kp_fixture_path(&kp_pair, "ca.pem"));
	curl_easy_setopt(curl, CURLOPT_SSLCERT, kp_fixture_path(&kp_pair, "gw-a.pem"));
	curl_easy_setopt(curl, CURLOPT_SSLKEY, kp_fixture_path(&kp_pair, "gw-a.key"));
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
	ck_assert_msg(curl_easy_perform(curl) == CURLE_OK, "%s", errbuf);
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_cleanup(curl);
	return code;
}

START_TEST(test_kp_status_codes)
{
	ck_assert_int_eq(raw_request("GET", "/capabilities"), 200);
	ck_assert_int_eq(raw_request("GET", "/nothing"), 404);
	ck_assert_int_eq(raw_request("POST", "/capabilities"), 405);
	ck_assert_int_eq(raw_request("DELETE", "/key/00ff"), 405);
	ck_assert_int_eq(raw_request("GET", "/key/xyz?remoteSystemID=Bob"), 400);
	ck_assert_int_eq(raw_request("GET", "/key?remoteSystemID=Bob&size=7"), 400);
	ck_assert_int_eq(raw_request("GET", "/key?remoteSystemID=Bob&foo=1"), 400);
	ck_assert_int_eq(raw_request("GET",
					 "/key?remoteSystemID=Bob&remoteSystemID=Eve"), 400);
	ck_assert_int_eq(raw_request("GET", "/key"), 400);
	ck_assert_int_eq(raw_request("GET", "/entropy?minentropy=0"), 400);
	ck_assert_int_eq(raw_request("GET", "/entropy?minentropy=64"), 200);
}
END_TEST

Suite *client_suite(void)
{
	Suite *s = suite_create("client");
	TCase *tc;

	tc = tcase_create("against reference KPs");
	kp_pair_fixture(tc);
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, test_capabilities_psk);
	tcase_add_test(tc, test_key_roundtrip);
	tcase_add_test(tc, test_key_size);
	tcase_add_test(tc, test_key_unknown_remote);
	tcase_add_test(tc, test_key_unknown_key_id);
	tcase_add_test(tc, test_entropy);
	tcase_add_test(tc, test_key_peer_down);
	tcase_add_test(tc, test_cert_mode);
	tcase_add_test(tc, test_cert_mode_no_client_cert);
	tcase_add_test(tc, test_cert_mode_wrong_ca);
	tcase_add_test(tc, test_psk_wrong_key);
	tcase_add_test(tc, test_psk_rogue_server);
	tcase_add_test(tc, test_nothing_listening);
	tcase_add_test(tc, test_silent_server);
	tcase_add_test(tc, test_kp_status_codes);
	suite_add_tcase(s, tc);
	return s;
}
