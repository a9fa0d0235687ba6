/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * The SKIP client against a hostile KP: truncated, chunked, oversized and
 * malformed HTTP answers, garbage, slow answers. Every one must be refused
 * with a clear error within the budget, or (for the valid variants)
 * accepted.
 */

#include "hostile_kp.h"
#include "kp_fixture.h"
#include "test_support.h"
#include "test_suites.h"

#include <skip_client.h>
#include <skip_tls.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define KEY_ID "00112233445566778899aabbccddeeff"
#define KEY_HEX "ad229dfb8a276e74c1f3b6c09349a69fb2fed73c541270663f0e5cbbfb031670"
#define BODY "{\"keyId\":\"" KEY_ID "\",\"key\":\"" KEY_HEX "\"}"
#define BODY_LEN "117"
#define OK_HEAD "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
#define ANSWER(s) .data = (s), .len = sizeof(s) - 1

/** budget of the client in these tests */
#define BUDGET_MS 1500

/** the client asks for a new key, or for the key of KEY_ID */
enum { NEW_KEY, KEY_BY_ID };

typedef struct {
	const char *name;
	hostile_answer_t answer;
	int method;
	skip_status_t expected;
	/** substring of the error detail, NULL for any */
	const char *detail;
} hostile_case_t;

static char *big_header, *big_body;

static const hostile_case_t cases[] = {
	{ "valid answer",
	  { ANSWER(OK_HEAD "Content-Length: " BODY_LEN "\r\n\r\n" BODY) },
	  NEW_KEY, SKIP_OK, NULL },
	{ "valid, chunked",
	  { ANSWER(OK_HEAD "Transfer-Encoding: chunked\r\n\r\n"
			   "10\r\n{\"keyId\":\"001122\r\n"
			   "65\r\n33445566778899aabbccddeeff\",\"key\":\"" KEY_HEX "\"}\r\n"
			   "0\r\n\r\n") },
	  NEW_KEY, SKIP_OK, NULL },
	{ "valid, HTTP/1.0 body until close",
	  { ANSWER("HTTP/1.0 200 OK\r\n\r\n" BODY), .close = true },
	  NEW_KEY, SKIP_OK, NULL },
	{ "valid, dripping within the budget",
	  { ANSWER(OK_HEAD "Content-Length: " BODY_LEN "\r\n\r\n" BODY),
		.piece = 40, .pause_ms = 100 },
	  NEW_KEY, SKIP_OK, NULL },
	{ "truncated body",
	  { ANSWER(OK_HEAD "Content-Length: 500\r\n\r\n" BODY), .close = true },
	  NEW_KEY, SKIP_ERR_CONNECT, "closed" },
	{ "truncated chunked body",
	  { ANSWER(OK_HEAD "Transfer-Encoding: chunked\r\n\r\n100\r\n" BODY),
		.close = true },
	  NEW_KEY, SKIP_ERR_CONNECT, NULL },
	{ "malformed chunk size",
	  { ANSWER(OK_HEAD "Transfer-Encoding: chunked\r\n\r\nzz\r\n" BODY
			   "\r\n0\r\n\r\n"), .close = true },
	  NEW_KEY, SKIP_ERR_CONNECT, "chunked" },
	{ "not HTTP",
	  { ANSWER("SSH-2.0-OpenSSH_9.2\r\n"), .close = true },
	  NEW_KEY, SKIP_ERR_PROTOCOL, NULL },
	{ "HTML instead of JSON",
	  { ANSWER(OK_HEAD "Content-Length: 27\r\n\r\n<html><b>Welcome</b></html>"),
		.close = true },
	  NEW_KEY, SKIP_ERR_PROTOCOL, "JSON" },
	{ "empty body",
	  { ANSWER(OK_HEAD "Content-Length: 0\r\n\r\n") },
	  NEW_KEY, SKIP_ERR_PROTOCOL, "empty" },
	{ "redirect is not followed",
	  { ANSWER("HTTP/1.1 302 Found\r\nLocation: https://127.0.0.1:1/key\r\n"
			   "Content-Length: 0\r\n\r\n") },
	  NEW_KEY, SKIP_ERR_HTTP, "302" },
	{ "another keyId than asked for",
	  { ANSWER(OK_HEAD "Content-Length: " BODY_LEN "\r\n\r\n"
			   "{\"keyId\":\"ffeeddccbbaa99887766554433221100\",\"key\":\""
			   KEY_HEX "\"}") },
	  KEY_BY_ID, SKIP_ERR_PROTOCOL, "instead of" },
	{ "headers but no body",
	  { ANSWER(OK_HEAD "Content-Length: " BODY_LEN "\r\n\r\n") },
	  NEW_KEY, SKIP_ERR_TIMEOUT, NULL },
	{ "dripping beyond the budget",
	  { ANSWER(OK_HEAD "Content-Length: " BODY_LEN "\r\n\r\n" BODY),
		.piece = 1, .pause_ms = 100 },
	  NEW_KEY, SKIP_ERR_TIMEOUT, NULL },
	/* filled in by setup(): */
	{ "body over 64 KiB", {}, NEW_KEY, SKIP_ERR_PROTOCOL, "exceeds" },
	{ "header block over 100 KiB", {}, NEW_KEY, SKIP_ERR_PROTOCOL, NULL },
};

static kp_fixture_t fx;
static hostile_case_t big_cases[2];

static void setup(void)
{
	size_t n = 70 * 1024;
	char *p;

	kp_fixture_setup(&fx);
	/* an answer whose body exceeds what the client accepts */
	big_body = malloc(n + 128);
	p = big_body + sprintf(big_body, OK_HEAD "Content-Length: %zu\r\n\r\n", n);
	memset(p, ' ', n);
	p[n] = '\0';
	big_cases[0] = cases[countof(cases) - 2];
	big_cases[0].answer = (hostile_answer_t){ .data = big_body,
											  .len = strlen(big_body) };
	/* a header block larger than libcurl accepts (100 KiB) */
	n = 150 * 1024;
	big_header = malloc(n + 256);
	p = big_header + sprintf(big_header, OK_HEAD "X-Filler: ");
	memset(p, 'x', n);
	strcpy(p + n, "\r\nContent-Length: " BODY_LEN "\r\n\r\n" BODY);
	big_cases[1] = cases[countof(cases) - 1];
	big_cases[1].answer = (hostile_answer_t){ .data = big_header,
											  .len = strlen(big_header) };
}

static void teardown(void)
{
	kp_fixture_teardown(&fx);
	free(big_body);
	free(big_header);
}


START_TEST(test_hostile)
{
	const hostile_case_t *c = &cases[_i];
	skip_kp_config_t config = {
		.auth = SKIP_AUTH_CERT,
		.timeout_ms = BUDGET_MS,
	};
	skip_error_t err = {};
	skip_client_t *client;
	skip_key_t *key = NULL;
	skip_status_t status;
	hostile_kp_t *server;
	long long start;

	if (_i >= (int)countof(cases) - 2)
	{
		c = &big_cases[_i - (countof(cases) - 2)];
	}
	server = hostile_kp_start(kp_fixture_path(&fx, "kp-a.pem"),
							  kp_fixture_path(&fx, "kp-a.key"), &c->answer);
	config.url = hostile_kp_url(server);
	config.ca_file = kp_fixture_path(&fx, "ca.pem");
	client = skip_client_create(&config, &err);
	ck_assert_msg(client, "%s", err.detail);

	start = test_now_ms();
	if (c->method == NEW_KEY)
	{
		status = client->get_key(client, "Bob", 0, 0, &key, &err);
	}
	else
	{
		status = client->get_key_by_id(client, KEY_ID, "Alice", 0, &key, &err);
	}
	ck_assert_msg(status == c->expected, "%s: %s (%s) instead of %s", c->name,
				  skip_status_name(status), err.detail,
				  skip_status_name(c->expected));
	ck_assert_int_le(test_now_ms() - start, BUDGET_MS + 700);
	if (status == SKIP_OK)
	{
		ck_assert_str_eq(key->key_id, KEY_ID);
		ck_assert_uint_eq(key->key_len, 32);
		skip_key_destroy(key);
	}
	else
	{
		ck_assert_ptr_null(key);
		ck_assert_msg(err.detail[0], "%s: no error detail", c->name);
		ck_assert_msg(!c->detail || strstr(err.detail, c->detail),
					  "%s: '%s' lacks '%s'", c->name, err.detail, c->detail);
	}
	client->destroy(client);
	hostile_kp_stop(server);
}
END_TEST

/** complete answers, each on its own connection */
#define CLOSE_HEAD "Connection: close\r\n"
#define KEY_ANSWER { ANSWER(OK_HEAD CLOSE_HEAD "Content-Length: " BODY_LEN \
						   "\r\n\r\n" BODY), .close = true }
#define NOT_FOUND_ANSWER { ANSWER("HTTP/1.1 400 Bad Request\r\n" CLOSE_HEAD \
						"Content-Type: application/json\r\n\r\n" \
						"{\"message\":\"key not found\"}"), .close = true }
#define UNAVAILABLE_ANSWER { ANSWER("HTTP/1.1 503 Service Unavailable\r\n" \
						CLOSE_HEAD "Content-Length: 0\r\n\r\n"), .close = true }
/** the request is read, then the connection closed without an answer */
#define CLOSED_ANSWER { .data = "", .len = 0, .close = true }
/** the answer is cut off */
#define TRUNCATED_ANSWER { ANSWER(OK_HEAD CLOSE_HEAD "Content-Length: 500" \
						"\r\n\r\n" BODY), .close = true }

/**
 * Run a scripted KP and ask it once for a key (by keyId or a new one).
 *
 * @param requests	receives the number of requests the KP read
 * @param elapsed	receives the duration of the call (ms)
 */
static skip_status_t scripted(const hostile_answer_t *answers, int count,
							  int method, skip_error_t *err, int *requests,
							  long long *elapsed)
{
	skip_kp_config_t config = {
		.auth = SKIP_AUTH_CERT,
		.timeout_ms = BUDGET_MS,
	};
	skip_client_t *client;
	skip_key_t *key = NULL;
	skip_status_t status;
	hostile_kp_t *server;
	long long start;

	server = hostile_kp_start_script(kp_fixture_path(&fx, "kp-a.pem"),
									 kp_fixture_path(&fx, "kp-a.key"),
									 answers, count);
	config.url = hostile_kp_url(server);
	config.ca_file = kp_fixture_path(&fx, "ca.pem");
	client = skip_client_create(&config, err);
	ck_assert_msg(client, "%s", err->detail);
	start = test_now_ms();
	if (method == NEW_KEY)
	{
		status = client->get_key(client, "Bob", 0, 0, &key, err);
	}
	else
	{
		status = client->get_key_by_id(client, KEY_ID, "Alice", 0, &key, err);
	}
	*elapsed = test_now_ms() - start;
	if (status == SKIP_OK)
	{
		ck_assert_str_eq(key->key_id, KEY_ID);
		skip_key_destroy(key);
	}
	else
	{
		ck_assert_ptr_null(key);
	}
	client->destroy(client);
	*requests = hostile_kp_requests(server);
	hostile_kp_stop(server);
	return status;
}

/**
 * A KP that synchronizes asynchronously may not have the key yet when the
 * keyId arrives: "not found" is asked again, with backoff.
 */
START_TEST(test_by_id_waits_for_key)
{
	static const hostile_answer_t answers[] = {
		NOT_FOUND_ANSWER, NOT_FOUND_ANSWER, KEY_ANSWER,
	};
	skip_error_t err = {};
	long long elapsed;
	int requests;

	ck_assert_msg(scripted(answers, countof(answers), KEY_BY_ID, &err,
						   &requests, &elapsed) == SKIP_OK, "%s", err.detail);
	ck_assert_int_eq(requests, 3);
	/* 50 + 100 ms of backoff */
	ck_assert_int_ge(elapsed, 150);
}
END_TEST

/**
 * A key that never arrives costs the budget, not more; the backoff is
 * capped, so the KP is asked several times.
 */
START_TEST(test_by_id_not_found_within_budget)
{
	static const hostile_answer_t answers[] = { NOT_FOUND_ANSWER };
	skip_error_t err = {};
	long long elapsed;
	int requests;

	ck_assert_int_eq(scripted(answers, countof(answers), KEY_BY_ID, &err,
							  &requests, &elapsed), SKIP_ERR_BAD_REQUEST);
	ck_assert_int_eq(err.http_code, 400);
	ck_assert_ptr_nonnull(strstr(err.detail, "key not found"));
	ck_assert_int_ge(requests, 5);
	ck_assert_int_ge(elapsed, BUDGET_MS - 300);
	ck_assert_int_le(elapsed, BUDGET_MS + 300);
}
END_TEST

/**
 * What is asked again and what is not, after one answer: a by-keyId request
 * that the KP may have answered (connection closed after the request, body
 * cut off) never, since the KP may have wiped the key; a complete 5xx, or a
 * new key whose answer was lost, yes; for a new key, 400 stays final.
 */
static const struct {
	const char *name;
	hostile_answer_t first;
	int method;
	skip_status_t status;
	int requests;
} retry_cases[] = {
	{ "new key, 400 final", NOT_FOUND_ANSWER, NEW_KEY, SKIP_ERR_BAD_REQUEST, 1 },
	{ "by keyId, 503 then key", UNAVAILABLE_ANSWER, KEY_BY_ID, SKIP_OK, 2 },
	{ "by keyId, closed after the request", CLOSED_ANSWER, KEY_BY_ID,
	  SKIP_ERR_CONNECT, 1 },
	{ "by keyId, body cut off", TRUNCATED_ANSWER, KEY_BY_ID,
	  SKIP_ERR_CONNECT, 1 },
	{ "new key, closed: asked again", CLOSED_ANSWER, NEW_KEY, SKIP_OK, 2 },
};

START_TEST(test_retry_once)
{
	hostile_answer_t answers[] = { retry_cases[_i].first, KEY_ANSWER };
	skip_error_t err = {};
	skip_status_t status;
	long long elapsed;
	int requests;

	status = scripted(answers, countof(answers), retry_cases[_i].method, &err,
					  &requests, &elapsed);
	ck_assert_msg(status == retry_cases[_i].status, "%s: %s (%s)",
				  retry_cases[_i].name, skip_status_name(status), err.detail);
	ck_assert_msg(requests == retry_cases[_i].requests, "%s: %d requests",
				  retry_cases[_i].name, requests);
}
END_TEST

/**
 * System IDs are strings of any bytes but NUL: every byte but the unreserved
 * characters of RFC 3986 is percent-encoded in the query.
 */
START_TEST(test_system_id_url_encoding)
{
	static const hostile_answer_t answers[] = { KEY_ANSWER };
	skip_kp_config_t config = {
		.auth = SKIP_AUTH_CERT,
		.timeout_ms = BUDGET_MS,
	};
	char remote[SKIP_SYSTEM_ID_MAX + 1], expected[4096], *p;
	skip_error_t err = {};
	skip_client_t *client;
	skip_key_t *key = NULL;
	hostile_kp_t *server;
	int i;

	/* every byte but NUL, once: 255 bytes */
	for (i = 0; i < SKIP_SYSTEM_ID_MAX; i++)
	{
		remote[i] = (char)(i + 1);
	}
	remote[SKIP_SYSTEM_ID_MAX] = '\0';
	p = expected + sprintf(expected, "GET /key/%s?remoteSystemID=", KEY_ID);
	for (i = 1; i <= SKIP_SYSTEM_ID_MAX; i++)
	{
		if ((i >= 'a' && i <= 'z') || (i >= 'A' && i <= 'Z') ||
			(i >= '0' && i <= '9') || strchr("-._~", i))
		{
			*p++ = (char)i;
		}
		else
		{
			p += sprintf(p, "%%%02X", i);
		}
	}
	strcpy(p, " HTTP/1.1");

	server = hostile_kp_start_script(kp_fixture_path(&fx, "kp-a.pem"),
									 kp_fixture_path(&fx, "kp-a.key"),
									 answers, countof(answers));
	config.url = hostile_kp_url(server);
	config.ca_file = kp_fixture_path(&fx, "ca.pem");
	client = skip_client_create(&config, &err);
	ck_assert_msg(client, "%s", err.detail);
	ck_assert_msg(client->get_key_by_id(client, KEY_ID, remote, 0, &key,
										&err) == SKIP_OK, "%s", err.detail);
	skip_key_destroy(key);
	ck_assert_str_eq(hostile_kp_request_line(server), expected);
	client->destroy(client);
	hostile_kp_stop(server);
}
END_TEST

/**
 * Certificate mode trusts only the configured CA: without one the client
 * is refused instead of trusting the system's CA store.
 */
START_TEST(test_cert_mode_needs_ca)
{
	skip_kp_config_t config = {
		.url = "https://127.0.0.1:1",
		.auth = SKIP_AUTH_CERT,
	};
	skip_error_t err = {};

	ck_assert_ptr_null(skip_client_create(&config, &err));
	ck_assert_int_eq(err.status, SKIP_ERR_INVALID_ARG);
	ck_assert_msg(strstr(err.detail, "needs a CA file"), "%s", err.detail);
	config.ca_file = "";
	ck_assert_ptr_null(skip_client_create(&config, &err));
	ck_assert_msg(strstr(err.detail, "needs a CA file"), "%s", err.detail);
}
END_TEST

static int ctx_seen;
static bool ctx_cleanses;

static void ctx_hook(SSL_CTX *ctx)
{
	ctx_seen++;
	ctx_cleanses = SSL_CTX_get_options(ctx) & SSL_OP_CLEANSE_PLAINTEXT;
}

/**
 * OpenSSL wipes decrypted records (key bodies) in both TLS modes.
 */
START_TEST(test_cleanse_plaintext)
{
	static const hostile_answer_t answers[] = { KEY_ANSWER };
	skip_psk_t psk = { .identity = "gw-a", .len = SKIP_PSK_MIN };
	skip_kp_config_t config = {
		.timeout_ms = BUDGET_MS,
	};
	skip_error_t err = {};
	skip_client_t *client;
	skip_key_t *key = NULL;
	hostile_kp_t *server;

	memset(psk.key, 0x42, psk.len);
	server = hostile_kp_start_script(kp_fixture_path(&fx, "kp-a.pem"),
									 kp_fixture_path(&fx, "kp-a.key"),
									 answers, countof(answers));
	skip_tls_client_ctx_hook = ctx_hook;

	config.url = hostile_kp_url(server);
	config.auth = _i ? SKIP_AUTH_PSK : SKIP_AUTH_CERT;
	config.ca_file = _i ? NULL : kp_fixture_path(&fx, "ca.pem");
	config.psk = _i ? &psk : NULL;
	client = skip_client_create(&config, &err);
	ck_assert_msg(client, "%s", err.detail);
	ctx_seen = 0;
	ctx_cleanses = false;
	/* in PSK mode the certificate server is refused, after the set-up */
	ck_assert_int_eq(client->get_key(client, "Bob", 0, 0, &key, &err),
					 _i ? SKIP_ERR_TLS : SKIP_OK);
	skip_key_destroy(key);
	ck_assert_int_ge(ctx_seen, 1);
	ck_assert(ctx_cleanses);
	skip_tls_client_ctx_hook = NULL;
	client->destroy(client);
	hostile_kp_stop(server);
	skip_memwipe(&psk, sizeof(psk));
}
END_TEST

Suite *hostile_suite(void)
{
	Suite *s = suite_create("hostile KP");
	TCase *tc;

	tc = tcase_create("HTTP answers");
	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 15);
	tcase_add_loop_test(tc, test_hostile, 0, countof(cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("retries");
	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 15);
	tcase_add_test(tc, test_by_id_waits_for_key);
	tcase_add_test(tc, test_by_id_not_found_within_budget);
	tcase_add_loop_test(tc, test_retry_once, 0, countof(retry_cases));
	tcase_add_test(tc, test_system_id_url_encoding);
	suite_add_tcase(s, tc);

	tc = tcase_create("TLS settings");
	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 15);
	tcase_add_test(tc, test_cert_mode_needs_ca);
	tcase_add_loop_test(tc, test_cleanse_plaintext, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}
