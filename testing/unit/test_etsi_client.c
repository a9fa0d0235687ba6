/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * The ETSI GS QKD 014 client against a scripted KME (hostile_kp): the
 * request lines and bodies it sends (POST bodies of objects, GET forms,
 * percent-encoding), the status as capabilities, the mapping of the status
 * codes real KMEs answer with, what is asked again and what not, and the
 * settings it refuses.
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

#define UUID "bc490419-7d60-487f-adc1-4ddcc177c139"
#define KEY_B64 "rSKd+4onbnTB87bAk0mmn7L+1zxUEnBmPw5cu/sDFnA="
#define ANSWER(s) .data = (s), .len = sizeof(s) - 1, .close = true
#define HEAD(code) "HTTP/1.1 " code "\r\nConnection: close\r\n" \
	"Content-Type: application/json\r\n\r\n"

#define KEY_ANSWER { ANSWER(HEAD("200 OK") "{\"keys\":[{\"key_ID\":\"" UUID \
						"\",\"key\":\"" KEY_B64 "\"}]}") }
#define NOT_FOUND_404 { ANSWER(HEAD("404 Not Found") \
						"{\"detail\":\"Key not found\"}") }
#define NOT_FOUND_400 { ANSWER(HEAD("400 Bad Request") "{\"message\":\"one " \
						"or more keys specified are not found on KME\"}") }
#define SIZE_400 { ANSWER(HEAD("400 Bad Request") \
						"{\"message\":\"size shall be a multiple of 8\"}") }
#define FASTAPI_422 { ANSWER(HEAD("422 Unprocessable Entity") "{\"detail\":" \
						"[{\"loc\":[\"body\"],\"msg\":\"field required\"}]}") }
#define UNAUTHORIZED { ANSWER("HTTP/1.1 401 Unauthorized\r\nConnection: " \
						"close\r\nContent-Length: 0\r\n\r\n") }
#define UNAVAILABLE { ANSWER(HEAD("503 Service Unavailable") \
						"{\"message\":\"no keys\"}") }
#define GATEWAY_TIMEOUT { ANSWER(HEAD("504 Gateway Timeout") "") }
#define CLOSED { .data = "", .len = 0, .close = true }
#define STATUS_ANSWER(stored) { ANSWER(HEAD("200 OK") \
	"{\"source_KME_ID\":\"KME-A\",\"target_KME_ID\":\"KME-B\"," \
	"\"master_SAE_ID\":\"Alice\",\"slave_SAE_ID\":\"Bob\",\"key_size\":256," \
	"\"stored_key_count\":" stored ",\"max_key_count\":1000," \
	"\"max_key_per_request\":1,\"max_key_size\":1024,\"min_key_size\":64," \
	"\"max_SAE_ID_count\":0}") }

/** budget of the client in these tests */
#define BUDGET_MS 1200

static kp_fixture_t fx;

static void setup(void)
{
	kp_fixture_setup(&fx);
}

static void teardown(void)
{
	kp_fixture_teardown(&fx);
}

/** log lines of level 1, joined */
static char logged[4096];

static void log_cb(void *ctx, int level, const char *fmt, va_list args)
{
	size_t len = strlen(logged);

	(void)ctx;
	if (level == 1 && len < sizeof(logged) - 2)
	{
		vsnprintf(logged + len, sizeof(logged) - len - 1, fmt, args);
		strcat(logged, "\n");
	}
}

/** a complete ETSI configuration for a server */
static skip_kp_config_t etsi_config(hostile_kp_t *server)
{
	static const char *remotes[] = { "Bob", "Alice", "SAE 1/\xc3\xbc" };
	skip_kp_config_t config = {
		.protocol = SKIP_PROTOCOL_ETSI014,
		.url = server ? hostile_kp_url(server) : "https://127.0.0.1:1",
		.auth = SKIP_AUTH_CERT,
		.ca_file = kp_fixture_path(&fx, "ca.pem"),
		.cert_file = kp_fixture_path(&fx, "gw-a.pem"),
		.key_file = kp_fixture_path(&fx, "gw-a.key"),
		.timeout_ms = BUDGET_MS,
		.sae_id = "Alice",
		.remote_sae_ids = remotes,
		.remote_sae_id_count = countof(remotes),
		.log = log_cb,
	};
	return config;
}

/**
 * A client for a configuration that must be accepted.
 */
static skip_client_t *create(const skip_kp_config_t *config)
{
	skip_error_t err = {};
	skip_client_t *client;

	client = skip_source_create(config, &err);
	ck_assert_msg(client, "%s", err.detail);
	return client;
}

static hostile_kp_t *start(const hostile_answer_t *answers, int count)
{
	return hostile_kp_start_script(kp_fixture_path(&fx, "kp-a.pem"),
								   kp_fixture_path(&fx, "kp-a.key"),
								   answers, count);
}

/* --- what goes on the wire ----------------------------------------------- */

enum { ENC, DEC };

static const struct {
	const char *name;
	int method;
	bool get;
	const char *remote;
	unsigned bits;
	const char *key_id;
	const char *line;
	const char *body;
} wire[] = {
	{ "enc_keys POST", ENC, false, "Bob", 256, NULL,
	  "POST /api/v1/keys/Bob/enc_keys HTTP/1.1",
	  "{\"number\":1,\"size\":256}" },
	{ "enc_keys POST, default size", ENC, false, "Bob", 0, NULL,
	  "POST /api/v1/keys/Bob/enc_keys HTTP/1.1", "{\"number\":1}" },
	{ "enc_keys GET", ENC, true, "Bob", 256, NULL,
	  "GET /api/v1/keys/Bob/enc_keys?number=1&size=256 HTTP/1.1", "" },
	{ "enc_keys GET, default size", ENC, true, "Bob", 0, NULL,
	  "GET /api/v1/keys/Bob/enc_keys?number=1 HTTP/1.1", "" },
	{ "dec_keys POST", DEC, false, "Alice", 0, UUID,
	  "POST /api/v1/keys/Alice/dec_keys HTTP/1.1",
	  "{\"key_IDs\":[{\"key_ID\":\"" UUID "\"}]}" },
	{ "dec_keys GET", DEC, true, "Alice", 0, UUID,
	  "GET /api/v1/keys/Alice/dec_keys?key_ID=" UUID " HTTP/1.1", "" },
	{ "enc_keys POST, SAE ID percent-encoded", ENC, false, "SAE 1/\xc3\xbc",
	  256, NULL, "POST /api/v1/keys/SAE%201%2F%C3%BC/enc_keys HTTP/1.1",
	  "{\"number\":1,\"size\":256}" },
	{ "dec_keys GET, IDs percent-encoded", DEC, true, "SAE 1/\xc3\xbc", 0,
	  "a/b?c&d=e#f%",
	  "GET /api/v1/keys/SAE%201%2F%C3%BC/dec_keys?key_ID=a%2Fb%3Fc%26d%3De"
	  "%23f%25 HTTP/1.1", "" },
	{ "dec_keys POST, opaque key_ID JSON-escaped", DEC, false, "Alice", 0,
	  "a\"b\\c", "POST /api/v1/keys/Alice/dec_keys HTTP/1.1",
	  "{\"key_IDs\":[{\"key_ID\":\"a\\\"b\\\\c\"}]}" },
};

START_TEST(test_wire)
{
	hostile_answer_t answers[] = { KEY_ANSWER };
	char answer[512];
	skip_kp_config_t config;
	skip_error_t err = {};
	skip_client_t *client;
	skip_key_t *key = NULL;
	skip_status_t status;
	hostile_kp_t *server;

	/* the answer carries the key_ID asked for */
	snprintf(answer, sizeof(answer), HEAD("200 OK") "{\"keys\":[{\"key_ID\":"
			 "\"%s\",\"key\":\"" KEY_B64 "\"}]}",
			 !wire[_i].key_id ? UUID : strcmp(wire[_i].key_id, "a\"b\\c") == 0
			 ? "a\\\"b\\\\c" : wire[_i].key_id);
	answers[0].data = answer;
	answers[0].len = strlen(answer);
	server = start(answers, countof(answers));
	config = etsi_config(server);
	config.etsi_get = wire[_i].get;
	client = create(&config);
	if (wire[_i].method == ENC)
	{
		status = client->get_key(client, wire[_i].remote, wire[_i].bits, 0,
								 &key, &err);
	}
	else
	{
		status = client->get_key_by_id(client, wire[_i].key_id,
									   wire[_i].remote, 0, &key, &err);
	}
	ck_assert_msg(status == SKIP_OK, "%s: %s", wire[_i].name, err.detail);
	ck_assert_str_eq(hostile_kp_request_line(server), wire[_i].line);
	ck_assert_str_eq(hostile_kp_request_body(server), wire[_i].body);
	ck_assert_str_eq(key->key_id, wire[_i].key_id ?: UUID);
	ck_assert_uint_eq(key->key_len, 32);
	skip_key_destroy(key);
	client->destroy(client);
	hostile_kp_stop(server);
}
END_TEST

/** the SAE authenticates with its certificate: mutual TLS */
START_TEST(test_mutual_tls)
{
	hostile_answer_t answers[] = { KEY_ANSWER };
	skip_kp_config_t config;
	skip_error_t err = {};
	skip_client_t *client;
	skip_key_t *key = NULL;
	hostile_kp_t *server;

	server = start(answers, countof(answers));
	hostile_kp_require_client_cert(server, kp_fixture_path(&fx, "ca.pem"));
	config = etsi_config(server);
	client = create(&config);
	ck_assert_msg(client->get_key(client, "Bob", 256, 0, &key, &err) ==
				  SKIP_OK, "%s", err.detail);
	ck_assert_str_eq(hostile_kp_client_cn(server), "gw-a");
	skip_key_destroy(key);
	client->destroy(client);
	hostile_kp_stop(server);
}
END_TEST

/* --- status as capabilities ---------------------------------------------- */

START_TEST(test_status)
{
	hostile_answer_t answers[] = { STATUS_ANSWER("900") };
	skip_capabilities_t *caps;
	skip_kp_config_t config;
	skip_error_t err = {};
	skip_client_t *client;
	hostile_kp_t *server;

	server = start(answers, countof(answers));
	config = etsi_config(server);
	config.kme_id = "KME-A";
	client = create(&config);
	logged[0] = '\0';
	ck_assert_msg(client->get_capabilities(client, &caps, &err) == SKIP_OK,
				  "%s", err.detail);
	ck_assert_str_eq(hostile_kp_request_line(server),
					 "GET /api/v1/keys/Bob/status HTTP/1.1");
	ck_assert_str_eq(caps->local_system_id, "Alice");
	ck_assert(caps->key);
	ck_assert(!caps->entropy);
	ck_assert_uint_eq(caps->remote_system_id_count, 3);
	ck_assert_str_eq(caps->remote_system_ids[0], "Bob");
	ck_assert_msg(strstr(caps->algorithm, "KME-A") &&
				  strstr(caps->algorithm, "KME-B") &&
				  strstr(caps->algorithm, "900/1000"), "%s", caps->algorithm);
	ck_assert_msg(!logged[0], "%s", logged);
	skip_capabilities_destroy(caps);
	client->destroy(client);
	hostile_kp_stop(server);
}
END_TEST

/** few keys left: an operator sees it */
START_TEST(test_status_low)
{
	hostile_answer_t answers[] = { STATUS_ANSWER("99") };
	skip_capabilities_t *caps;
	skip_kp_config_t config;
	skip_error_t err = {};
	skip_client_t *client;
	hostile_kp_t *server;

	server = start(answers, countof(answers));
	config = etsi_config(server);
	client = create(&config);
	logged[0] = '\0';
	ck_assert_msg(client->get_capabilities(client, &caps, &err) == SKIP_OK,
				  "%s", err.detail);
	ck_assert_msg(strstr(logged, "only 99 of 1000 keys"), "%s", logged);
	skip_capabilities_destroy(caps);
	client->destroy(client);
	hostile_kp_stop(server);
}
END_TEST

START_TEST(test_status_wrong_kme)
{
	hostile_answer_t answers[] = { STATUS_ANSWER("900") };
	skip_capabilities_t *caps = NULL;
	skip_kp_config_t config;
	skip_error_t err = {};
	skip_client_t *client;
	hostile_kp_t *server;

	server = start(answers, countof(answers));
	config = etsi_config(server);
	config.kme_id = "KME-X";
	client = create(&config);
	ck_assert_int_eq(client->get_capabilities(client, &caps, &err),
					 SKIP_ERR_PROTOCOL);
	ck_assert_ptr_null(caps);
	ck_assert_msg(strstr(err.detail, "KME-A") && strstr(err.detail, "KME-X"),
				  "%s", err.detail);
	client->destroy(client);
	hostile_kp_stop(server);
}
END_TEST

/** only globs configured: nothing to ask the status of */
START_TEST(test_status_globs_only)
{
	static const char *globs[] = { "gw-*" };
	hostile_answer_t answers[] = { STATUS_ANSWER("900") };
	skip_capabilities_t *caps;
	skip_kp_config_t config;
	skip_error_t err = {};
	skip_client_t *client;
	hostile_kp_t *server;

	server = start(answers, countof(answers));
	config = etsi_config(server);
	config.remote_sae_ids = _i ? NULL : globs;
	config.remote_sae_id_count = _i ? 0 : 1;
	client = create(&config);
	ck_assert_msg(client->get_capabilities(client, &caps, &err) == SKIP_OK,
				  "%s", err.detail);
	ck_assert_int_eq(hostile_kp_requests(server), 0);
	ck_assert_uint_eq(caps->remote_system_id_count, 1);
	ck_assert_str_eq(caps->remote_system_ids[0], _i ? "*" : "gw-*");
	ck_assert(skip_capabilities_allows(caps, "gw-b") );
	skip_capabilities_destroy(caps);
	client->destroy(client);
	hostile_kp_stop(server);
}
END_TEST

/* --- status codes and retries -------------------------------------------- */

static const struct {
	const char *name;
	hostile_answer_t first;
	int method;
	skip_status_t status;
	long http;
	int requests;
	const char *detail;
} codes[] = {
	{ "dec_keys 404, then the key", NOT_FOUND_404, DEC, SKIP_OK, 0, 2, NULL },
	{ "dec_keys 400 not found, then the key", NOT_FOUND_400, DEC, SKIP_OK, 0,
	  2, NULL },
	{ "dec_keys 503, then the key", UNAVAILABLE, DEC, SKIP_OK, 0, 2, NULL },
	{ "dec_keys 504, then the key", GATEWAY_TIMEOUT, DEC, SKIP_OK, 0, 2,
	  NULL },
	{ "dec_keys closed after the request: not repeated", CLOSED, DEC,
	  SKIP_ERR_CONNECT, 0, 1, NULL },
	{ "dec_keys 401: final", UNAUTHORIZED, DEC, SKIP_ERR_FORBIDDEN, 401, 1,
	  "refused this SAE" },
	{ "dec_keys 400 other message: final", SIZE_400, DEC,
	  SKIP_ERR_BAD_REQUEST, 400, 1, "'size shall be a multiple of 8'" },
	{ "enc_keys 503, then the key", UNAVAILABLE, ENC, SKIP_OK, 0, 2, NULL },
	{ "enc_keys closed: asked again", CLOSED, ENC, SKIP_OK, 0, 2, NULL },
	{ "enc_keys 400: final", SIZE_400, ENC, SKIP_ERR_BAD_REQUEST, 400, 1,
	  "multiple of 8" },
	{ "enc_keys 422 (FastAPI): final", FASTAPI_422, ENC, SKIP_ERR_BAD_REQUEST,
	  422, 1, "'field required'" },
	{ "enc_keys 404: final", NOT_FOUND_404, ENC, SKIP_ERR_NOT_FOUND, 404, 1,
	  "'Key not found'" },
	{ "enc_keys 401: final", UNAUTHORIZED, ENC, SKIP_ERR_FORBIDDEN, 401, 1,
	  "refused this SAE" },
	{ "enc_keys hostile message escaped",
	  { ANSWER(HEAD("400 Bad Request") "{\"message\":\"\\u001b[2J\\nfake "
			   "log line\"}") }, ENC, SKIP_ERR_BAD_REQUEST, 400, 1,
	  "\\x1b[2J\\x0afake log line" },
};

START_TEST(test_codes)
{
	hostile_answer_t answers[] = { codes[_i].first, KEY_ANSWER };
	skip_kp_config_t config;
	skip_error_t err = {};
	skip_client_t *client;
	skip_key_t *key = NULL;
	skip_status_t status;
	hostile_kp_t *server;

	server = start(answers, countof(answers));
	config = etsi_config(server);
	client = create(&config);
	if (codes[_i].method == ENC)
	{
		status = client->get_key(client, "Bob", 256, 0, &key, &err);
	}
	else
	{
		status = client->get_key_by_id(client, UUID, "Alice", 0, &key, &err);
	}
	ck_assert_msg(status == codes[_i].status, "%s: %s (%s)", codes[_i].name,
				  skip_status_name(status), err.detail);
	ck_assert_msg(hostile_kp_requests(server) == codes[_i].requests,
				  "%s: %d requests", codes[_i].name,
				  hostile_kp_requests(server));
	if (status == SKIP_OK)
	{
		ck_assert_str_eq(key->key_id, UUID);
		skip_key_destroy(key);
	}
	else
	{
		ck_assert_ptr_null(key);
		ck_assert_int_eq(err.http_code, codes[_i].http);
		ck_assert_msg(!codes[_i].detail || strstr(err.detail,
												  codes[_i].detail),
					  "%s: '%s' lacks '%s'", codes[_i].name, err.detail,
					  codes[_i].detail);
	}
	client->destroy(client);
	hostile_kp_stop(server);
}
END_TEST

/** a key that never arrives costs the budget, asked with backoff */
START_TEST(test_not_found_within_budget)
{
	hostile_answer_t answers[] = { NOT_FOUND_404 };
	skip_kp_config_t config;
	skip_error_t err = {};
	skip_client_t *client;
	skip_key_t *key = NULL;
	hostile_kp_t *server;
	long long start_ms, elapsed;

	server = start(answers, countof(answers));
	config = etsi_config(server);
	client = create(&config);
	start_ms = test_now_ms();
	ck_assert_int_eq(client->get_key_by_id(client, UUID, "Alice", 0, &key,
										   &err), SKIP_ERR_NOT_FOUND);
	elapsed = test_now_ms() - start_ms;
	ck_assert_int_eq(err.http_code, 404);
	ck_assert_msg(strstr(err.detail, "not found"), "%s", err.detail);
	ck_assert_int_ge(hostile_kp_requests(server), 4);
	ck_assert_int_ge(elapsed, BUDGET_MS - 300);
	ck_assert_int_le(elapsed, BUDGET_MS + 300);
	client->destroy(client);
	hostile_kp_stop(server);
}
END_TEST

/** an answer with a key of the wrong size or another key_ID is refused */
START_TEST(test_wrong_answers)
{
	hostile_answer_t answers[] = { KEY_ANSWER };
	skip_kp_config_t config;
	skip_error_t err = {};
	skip_client_t *client;
	skip_key_t *key = NULL;
	hostile_kp_t *server;

	server = start(answers, countof(answers));
	config = etsi_config(server);
	client = create(&config);
	ck_assert_int_eq(client->get_key(client, "Bob", 512, 0, &key, &err),
					 SKIP_ERR_PROTOCOL);
	ck_assert_msg(strstr(err.detail, "expected 512"), "%s", err.detail);
	ck_assert_int_eq(client->get_key_by_id(client, UUID "x", "Alice", 0, &key,
										   &err), SKIP_ERR_PROTOCOL);
	ck_assert_msg(strstr(err.detail, "instead of"), "%s", err.detail);
	ck_assert_ptr_null(key);
	/* asked once each: a refused answer is not asked again */
	ck_assert_int_eq(hostile_kp_requests(server), 2);
	client->destroy(client);
	hostile_kp_stop(server);
}
END_TEST

/* --- settings and arguments ---------------------------------------------- */

START_TEST(test_refused_settings)
{
	skip_psk_t psk = { .identity = "gw-a", .len = SKIP_PSK_MIN };
	skip_kp_config_t config;
	skip_error_t err = {};

	config = etsi_config(NULL);
	config.auth = SKIP_AUTH_PSK;
	config.psk = &psk;
	ck_assert_ptr_null(skip_source_create(&config, &err));
	ck_assert_int_eq(err.status, SKIP_ERR_INVALID_ARG);
	ck_assert_msg(strstr(err.detail, "PSK"), "%s", err.detail);

	config = etsi_config(NULL);
	config.sae_id = NULL;
	ck_assert_ptr_null(skip_source_create(&config, &err));
	ck_assert_msg(strstr(err.detail, "sae_id"), "%s", err.detail);
	config.sae_id = "";
	ck_assert_ptr_null(skip_source_create(&config, &err));
	ck_assert_msg(strstr(err.detail, "sae_id"), "%s", err.detail);

	config = etsi_config(NULL);
	config.cert_file = NULL;
	ck_assert_ptr_null(skip_source_create(&config, &err));
	ck_assert_msg(strstr(err.detail, "client certificate"), "%s", err.detail);
	config = etsi_config(NULL);
	config.key_file = NULL;
	ck_assert_ptr_null(skip_source_create(&config, &err));
	config = etsi_config(NULL);
	config.ca_file = NULL;
	ck_assert_ptr_null(skip_source_create(&config, &err));

	config = etsi_config(NULL);
	config.remote_sae_ids = NULL;
	ck_assert_ptr_null(skip_source_create(&config, &err));
	config = etsi_config(NULL);
	config.kme_id = "";
	ck_assert_ptr_null(skip_source_create(&config, &err));
	skip_memwipe(&psk, sizeof(psk));
}
END_TEST

START_TEST(test_refused_arguments)
{
	hostile_answer_t answers[] = { KEY_ANSWER };
	skip_entropy_t *entropy = NULL;
	skip_kp_config_t config;
	skip_error_t err = {};
	skip_client_t *client;
	skip_key_t *key = NULL;
	hostile_kp_t *server;

	server = start(answers, countof(answers));
	config = etsi_config(server);
	client = create(&config);
	/* not among the configured remote SAE IDs */
	ck_assert_int_eq(client->get_key(client, "Eve", 256, 0, &key, &err),
					 SKIP_ERR_INVALID_ARG);
	ck_assert_int_eq(client->get_key(client, "", 256, 0, &key, &err),
					 SKIP_ERR_INVALID_ARG);
	ck_assert_int_eq(client->get_key(client, "Bob", 100, 0, &key, &err),
					 SKIP_ERR_INVALID_ARG);
	ck_assert_int_eq(client->get_key_by_id(client, "a b", "Alice", 0, &key,
										   &err), SKIP_ERR_INVALID_ARG);
	ck_assert_int_eq(client->get_key_by_id(client, "", "Alice", 0, &key,
										   &err), SKIP_ERR_INVALID_ARG);
	ck_assert_int_eq(client->get_entropy(client, 0, &entropy, &err),
					 SKIP_ERR_INVALID_ARG);
	ck_assert_int_eq(hostile_kp_requests(server), 0);
	/* the same rule as the parser's */
	ck_assert(client->key_id_valid(client, LIT(UUID)));
	ck_assert(client->key_id_valid(client, LIT("42")));
	ck_assert(!client->key_id_valid(client, LIT("a b")));
	ck_assert(!client->key_id_valid(client, LIT("")));
	client->destroy(client);
	hostile_kp_stop(server);
}
END_TEST

static char tls13_suites[512];

static void ctx_hook(SSL_CTX *ctx)
{
	STACK_OF(SSL_CIPHER) *ciphers = SSL_CTX_get_ciphers(ctx);
	int i;

	tls13_suites[0] = '\0';
	for (i = 0; i < sk_SSL_CIPHER_num(ciphers); i++)
	{
		strncat(tls13_suites, SSL_CIPHER_get_name(
					sk_SSL_CIPHER_value(ciphers, i)),
				sizeof(tls13_suites) - strlen(tls13_suites) - 2);
		strcat(tls13_suites, ":");
	}
}

/**
 * KMEs are not bound to the SKIP draft's suites: ETSI uses OpenSSL's TLS
 * 1.3 defaults (SKIP only TLS_AES_256_GCM_SHA384) and ECDHE-AEAD in TLS 1.2.
 */
START_TEST(test_tls_suites)
{
	hostile_answer_t answers[] = { KEY_ANSWER };
	skip_kp_config_t config;
	skip_error_t err = {};
	skip_client_t *client;
	skip_key_t *key = NULL;
	hostile_kp_t *server;

	server = start(answers, countof(answers));
	config = etsi_config(server);
	config.allow_tls12 = true;
	if (_i)
	{	/* the SKIP client, for comparison */
		config.protocol = SKIP_PROTOCOL_SKIP;
	}
	client = create(&config);
	skip_tls_client_ctx_hook = ctx_hook;
	if (_i)
	{
		client->get_key(client, "Bob", 0, 0, &key, &err);
	}
	else
	{
		ck_assert_msg(client->get_key(client, "Bob", 256, 0, &key, &err) ==
					  SKIP_OK, "%s", err.detail);
	}
	skip_tls_client_ctx_hook = NULL;
	skip_key_destroy(key);
	ck_assert_ptr_nonnull(strstr(tls13_suites, "TLS_AES_256_GCM_SHA384:"));
	ck_assert_int_eq(!!strstr(tls13_suites, "TLS_AES_128_GCM_SHA256:"), !_i);
	ck_assert_int_eq(!!strstr(tls13_suites, "ECDHE-RSA-AES128-GCM-SHA256:"),
					 !_i);
	ck_assert_ptr_null(strstr(tls13_suites, "-CBC-"));
	ck_assert_ptr_null(strstr(tls13_suites, ":AES128-GCM-SHA256:"));
	client->destroy(client);
	hostile_kp_stop(server);
}
END_TEST

Suite *etsi_client_suite(void)
{
	Suite *s = suite_create("ETSI 014 client");
	TCase *tc;

	tc = tcase_create("requests");
	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 15);
	tcase_add_loop_test(tc, test_wire, 0, countof(wire));
	tcase_add_test(tc, test_mutual_tls);
	tcase_add_test(tc, test_status);
	tcase_add_test(tc, test_status_low);
	tcase_add_test(tc, test_status_wrong_kme);
	tcase_add_loop_test(tc, test_status_globs_only, 0, 2);
	suite_add_tcase(s, tc);

	tc = tcase_create("status codes");
	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 15);
	tcase_add_loop_test(tc, test_codes, 0, countof(codes));
	tcase_add_test(tc, test_not_found_within_budget);
	tcase_add_test(tc, test_wrong_answers);
	suite_add_tcase(s, tc);

	tc = tcase_create("settings");
	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 15);
	tcase_add_test(tc, test_refused_settings);
	tcase_add_test(tc, test_refused_arguments);
	tcase_add_loop_test(tc, test_tls_suites, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}
