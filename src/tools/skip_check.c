/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * skip-client check for SKIP KPs (the draft's Table 2 and status codes).
 *
 * Spends two keys of the KP (default size and 512 bit); with a second
 * identity the first of them is taken by it, as the peer's encryptor would.
 */

#include "skip_check.h"

#include <skip_client.h>
#include <skip_json.h>
#include <skip_validate.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

typedef struct {
	check_t *c;
	const skip_check_opts_t *opts;
	skip_http_t *http;
	unsigned timeout_ms;
	/** first remoteSystemID entry the capabilities' parser left out */
	char dropped[600];
} skip_ctx_t;

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

static skip_status_t get(skip_ctx_t *ctx, skip_http_t *http,
						 const char *target, skip_http_mode_t mode,
						 skip_http_response_t *resp, skip_error_t *err)
{
	return http->get(http, target, ctx->timeout_ms, mode, resp, err);
}

static void caps_log(void *user, int level, const char *fmt, va_list args)
{
	skip_ctx_t *ctx = user;

	if (!ctx->dropped[0])
	{
		vsnprintf(ctx->dropped, sizeof(ctx->dropped), fmt, args);
	}
}

/**
 * Whether a Content-Type is JSON; a FAIL row otherwise.
 */
static bool is_json(skip_ctx_t *ctx, const char *name,
					  const skip_http_response_t *resp)
{
	char type[sizeof(resp->content_type) * 4];

	if (check_is_json_type(resp->content_type))
	{
		return true;
	}
	skip_escape(resp->content_type, type, sizeof(type));
	check_row(ctx->c, CHECK_FAIL, name, "Content-Type '%s', not "
			  "application/json", type);
	return false;
}

/**
 * Every remoteSystemID entry a string and a usable glob (the parser logs
 * the first it leaves out).
 */
static void check_remote_ids(skip_ctx_t *ctx, const skip_capabilities_t *caps)
{
	if (ctx->dropped[0])
	{	/* the parser's log line escapes the entry */
		check_row(ctx->c, CHECK_FAIL, "capabilities.remote-system-ids",
				  "%s", ctx->dropped);
		return;
	}
	check_row(ctx->c, CHECK_PASS, "capabilities.remote-system-ids",
			  "%zu entries, all strings and usable globs",
			  caps->remote_system_id_count);
}

static skip_capabilities_t *check_capabilities(skip_ctx_t *ctx)
{
	skip_http_response_t resp;
	skip_capabilities_t *caps = NULL;
	skip_error_t err = {};
	skip_status_t status;
	skip_sid_log_t sid;
	char what[400];
	const char *rows[] = { "capabilities.content-type",
		"capabilities.schema", "capabilities.local-system-id",
		"capabilities.remote-system-ids" };
	size_t i;

	status = get(ctx, ctx->http, "/capabilities", SKIP_HTTP_REPEATABLE,
				 &resp, &err);
	if (status != SKIP_OK || resp.code != 200)
	{
		check_describe(status, &resp, &err, false, what, sizeof(what));
		check_row(ctx->c, CHECK_FAIL, "capabilities.status", "expected HTTP "
				  "200, got %s", what);
		for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		{
			check_row(ctx->c, CHECK_SKIP, rows[i], "no capabilities");
		}
		skip_http_response_clear(&resp);
		return NULL;
	}
	check_row(ctx->c, CHECK_PASS, "capabilities.status", "HTTP 200");
	if (is_json(ctx, "capabilities.content-type", &resp))
	{
		check_row(ctx->c, CHECK_PASS, "capabilities.content-type",
				  "application/json");
	}
	status = skip_json_parse_capabilities(resp.body, resp.len, caps_log, ctx,
										  &caps, &err);
	skip_http_response_clear(&resp);
	if (status != SKIP_OK)
	{
		check_row(ctx->c, CHECK_FAIL, "capabilities.schema", "%s",
				  err.detail);
		check_row(ctx->c, CHECK_SKIP, "capabilities.local-system-id",
				  "no valid capabilities");
		check_row(ctx->c, CHECK_SKIP, "capabilities.remote-system-ids",
				  "no valid capabilities");
		return NULL;
	}
	check_row(ctx->c, CHECK_PASS, "capabilities.schema", "entropy %s, key "
			  "%s, algorithm '%s'", caps->entropy ? "true" : "false",
			  caps->key ? "true" : "false", caps->algorithm);
	/* the parser took it: 1 to 255 bytes, no NUL */
	check_row(ctx->c, CHECK_PASS, "capabilities.local-system-id", "'%s'",
			  skip_sid_log(caps->local_system_id, &sid));
	check_remote_ids(ctx, caps);
	return caps;
}

/**
 * The remote system to ask keys for: --peer, else the first capability
 * entry without glob characters.
 */
static const char *pick_remote(skip_ctx_t *ctx, skip_capabilities_t *caps)
{
	size_t i;

	if (ctx->opts->peer)
	{
		return ctx->opts->peer;
	}
	for (i = 0; caps && i < caps->remote_system_id_count; i++)
	{
		if (!strpbrk(caps->remote_system_ids[i], "*?["))
		{
			return caps->remote_system_ids[i];
		}
	}
	return NULL;
}

/**
 * GET /key for a remote system and a size (0: the default, 256 expected);
 * a row for the answer. Returns the key on success.
 */
static skip_key_t *check_new_key(skip_ctx_t *ctx, const char *name,
								 const char *remote, unsigned bits)
{
	skip_http_response_t resp;
	skip_key_t *key = NULL;
	skip_error_t err = {};
	skip_status_t status;
	char target[1100], what[400], *escaped;
	unsigned expected = bits ? bits : SKIP_DEFAULT_KEY_BITS;
	size_t id_bits;

	escaped = skip_http_escape(remote, &err);
	if (!escaped)
	{
		check_row(ctx->c, CHECK_FAIL, name, "%s", err.detail);
		return NULL;
	}
	if (bits)
	{
		snprintf(target, sizeof(target), "/key?remoteSystemID=%s&size=%u",
				 escaped, bits);
	}
	else
	{
		snprintf(target, sizeof(target), "/key?remoteSystemID=%s", escaped);
	}
	free(escaped);
	status = get(ctx, ctx->http, target, SKIP_HTTP_ONCE, &resp, &err);
	if (status != SKIP_OK || resp.code != 200)
	{
		check_describe(status, &resp, &err, false, what, sizeof(what));
		check_row(ctx->c, CHECK_FAIL, name, "expected HTTP 200, got %s", what);
		skip_http_response_clear(&resp);
		return NULL;
	}
	if (!is_json(ctx, name, &resp))
	{
		skip_http_response_clear(&resp);
		return NULL;
	}
	status = skip_json_parse_key(resp.body, resp.len, 0, NULL, &key, &err);
	skip_http_response_clear(&resp);
	if (status != SKIP_OK)
	{
		check_row(ctx->c, CHECK_FAIL, name, "%s", err.detail);
		return NULL;
	}
	/* the parser checked the keyId: hex, 2 to 128 digits */
	id_bits = strlen(key->key_id) * 4;
	if (id_bits < 128)
	{
		check_row(ctx->c, CHECK_FAIL, name, "keyId %s has %zu bit, the "
				  "draft mandates 128", key->key_id, id_bits);
	}
	else if (key->key_len * 8 != expected)
	{
		check_row(ctx->c, CHECK_FAIL, name, "keyId %s: %zu bit key, "
				  "expected %u", key->key_id, key->key_len * 8, expected);
	}
	else
	{
		check_row(ctx->c, CHECK_PASS, name, "keyId %s (%zu bit), %zu bit key",
				  key->key_id, id_bits, key->key_len * 8);
		return key;
	}
	skip_key_destroy(key);
	return NULL;
}

/**
 * GET a target that must be refused with a code and a JSON error body.
 */
static void expect(skip_ctx_t *ctx, const char *name, const char *method,
				   const char *target, long code)
{
	skip_http_response_t resp;
	skip_error_t err = {};
	skip_status_t status;

	if (method)
	{
		status = ctx->http->request(ctx->http, method, target, NULL, 0,
									ctx->timeout_ms, &resp, &err);
	}
	else
	{
		status = get(ctx, ctx->http, target, SKIP_HTTP_ONCE, &resp, &err);
	}
	check_expect_code(ctx->c, name, status, &resp, &err, code, false, true);
	skip_http_response_clear(&resp);
}

/**
 * The second identity fetches a key by keyId: once (the same key), and a
 * second time (400).
 */
static void check_second(skip_ctx_t *ctx, skip_key_t *key, const char *local)
{
	skip_http_response_t resp;
	skip_key_t *copy = NULL;
	skip_error_t err = {};
	skip_status_t status;
	skip_http_t *http;
	char target[1200], what[400], *escaped;
	int i;

	if (!ctx->opts->have_second)
	{
		check_row(ctx->c, CHECK_SKIP, "key-by-id.second-identity-once",
				  "needs --second-identity (the peer's encryptor)");
		check_row(ctx->c, CHECK_SKIP, "key-by-id.second-identity-twice",
				  "needs --second-identity (the peer's encryptor)");
		return;
	}
	if (!key || !local)
	{
		check_row(ctx->c, CHECK_SKIP, "key-by-id.second-identity-once",
				  "no key from key.default or no localSystemID");
		check_row(ctx->c, CHECK_SKIP, "key-by-id.second-identity-twice",
				  "no key from key.default or no localSystemID");
		return;
	}
	http = skip_http_create(&ctx->opts->second, &err);
	escaped = skip_http_escape(local, &err);
	if (!http || !escaped)
	{
		check_row(ctx->c, CHECK_FAIL, "key-by-id.second-identity-once",
				  "second identity: %s", err.detail);
		if (http)
		{
			http->destroy(http);
		}
		free(escaped);
		return;
	}
	snprintf(target, sizeof(target), "/key/%s?remoteSystemID=%s",
			 key->key_id, escaped);
	free(escaped);
	/* an asynchronous KP pair may need a moment to get the key across */
	for (i = 0; i < 4; i++)
	{
		status = get(ctx, http, target, SKIP_HTTP_ONCE, &resp, &err);
		if (status != SKIP_OK || resp.code != 400 || i == 3)
		{
			break;
		}
		skip_http_response_clear(&resp);
		sleep_ms(250);
	}
	if (status != SKIP_OK || resp.code != 200)
	{
		check_describe(status, &resp, &err, false, what, sizeof(what));
		check_row(ctx->c, CHECK_FAIL, "key-by-id.second-identity-once",
				  "keyId %s: expected HTTP 200, got %s", key->key_id, what);
	}
	else if (!is_json(ctx, "key-by-id.second-identity-once", &resp))
	{
	}
	else if (skip_json_parse_key(resp.body, resp.len, 0, key->key_id, &copy,
								 &err) != SKIP_OK)
	{
		check_row(ctx->c, CHECK_FAIL, "key-by-id.second-identity-once", "%s",
				  err.detail);
	}
	else if (copy->key_len != key->key_len ||
			 CRYPTO_memcmp(copy->key, key->key, key->key_len) != 0)
	{
		check_row(ctx->c, CHECK_FAIL, "key-by-id.second-identity-once",
				  "keyId %s: the second identity got another key than the "
				  "first (%zu bit)", key->key_id, copy->key_len * 8);
	}
	else
	{
		check_row(ctx->c, CHECK_PASS, "key-by-id.second-identity-once",
				  "keyId %s: HTTP 200, the same %zu bit key", key->key_id,
				  copy->key_len * 8);
	}
	skip_key_destroy(copy);
	skip_http_response_clear(&resp);

	status = get(ctx, http, target, SKIP_HTTP_ONCE, &resp, &err);
	if (status == SKIP_OK && resp.code == 200)
	{
		check_row(ctx->c, CHECK_FAIL, "key-by-id.second-identity-twice",
				  "keyId %s delivered a second time (HTTP 200)", key->key_id);
	}
	else
	{
		check_expect_code(ctx->c, "key-by-id.second-identity-twice", status,
						  &resp, &err, 400, false, true);
	}
	skip_http_response_clear(&resp);
	http->destroy(http);
}

static void check_entropy(skip_ctx_t *ctx, skip_capabilities_t *caps)
{
	skip_http_response_t resp;
	skip_entropy_t *entropy;
	skip_error_t err = {};
	skip_status_t status;
	char what[400];

	if (!caps || !caps->entropy)
	{
		check_row(ctx->c, CHECK_SKIP, "entropy", caps ? "the capabilities "
				  "say entropy: false" : "no capabilities");
		return;
	}
	status = get(ctx, ctx->http, "/entropy?minentropy=256",
				 SKIP_HTTP_REPEATABLE, &resp, &err);
	if (status != SKIP_OK || resp.code != 200)
	{
		check_describe(status, &resp, &err, false, what, sizeof(what));
		check_row(ctx->c, CHECK_FAIL, "entropy", "expected HTTP 200, got %s",
				  what);
	}
	else if (is_json(ctx, "entropy", &resp))
	{
		if (skip_json_parse_entropy(resp.body, resp.len, 256, &entropy,
									&err) != SKIP_OK)
		{
			check_row(ctx->c, CHECK_FAIL, "entropy", "%s", err.detail);
		}
		else
		{
			check_row(ctx->c, CHECK_PASS, "entropy", "%zu bytes, minentropy "
					  "%u", entropy->len, entropy->min_entropy);
			skip_entropy_destroy(entropy);
		}
	}
	skip_http_response_clear(&resp);
}

void skip_check_skip(check_t *c, const skip_check_opts_t *opts)
{
	skip_ctx_t ctx = {
		.c = c,
		.opts = opts,
		.timeout_ms = opts->config.timeout_ms ?: SKIP_DEFAULT_TIMEOUT_MS,
	};
	skip_capabilities_t *caps;
	skip_key_t *key = NULL, *big;
	skip_error_t err = {};
	const char *remote;
	char target[1200], *escaped = NULL;
	uint8_t random[16];
	char unknown[33];

	check_tls(c, &opts->config, false);
	ctx.http = skip_http_create(&opts->config, &err);
	if (!ctx.http)
	{
		check_row(c, CHECK_FAIL, "setup", "%s", err.detail);
		return;
	}
	caps = check_capabilities(&ctx);
	remote = pick_remote(&ctx, caps);
	if (remote)
	{
		escaped = skip_http_escape(remote, &err);
	}
	if (!escaped)
	{
		static const char *rows[] = { "key.default", "key.size-512",
			"key.bad-size", "key-by-id.own-key", "key-by-id.unknown",
			"key-by-id.malformed" };
		size_t i;

		for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		{
			check_row(c, CHECK_SKIP, rows[i], "no remote system ID without "
					  "glob characters in the capabilities; give --peer");
		}
	}
	else
	{
		key = check_new_key(&ctx, "key.default", remote, 0);
		big = check_new_key(&ctx, "key.size-512", remote, 512);
		skip_key_destroy(big);
		snprintf(target, sizeof(target), "/key?remoteSystemID=%s&size=abc",
				 escaped);
		expect(&ctx, "key.bad-size", NULL, target, 400);
		if (key)
		{	/* the key is meant for the peer's encryptor, not for us */
			snprintf(target, sizeof(target), "/key/%s?remoteSystemID=%s",
					 key->key_id, escaped);
			expect(&ctx, "key-by-id.own-key", NULL, target, 400);
		}
		else
		{
			check_row(c, CHECK_SKIP, "key-by-id.own-key", "no key from "
					  "key.default");
		}
		if (RAND_bytes(random, sizeof(random)) != 1)
		{
			check_row(c, CHECK_FAIL, "key-by-id.unknown", "no random keyId");
		}
		else
		{
			skip_hex_encode(random, sizeof(random), unknown);
			snprintf(target, sizeof(target), "/key/%s?remoteSystemID=%s",
					 unknown, escaped);
			expect(&ctx, "key-by-id.unknown", NULL, target, 400);
		}
		snprintf(target, sizeof(target), "/key/not-a-keyId?remoteSystemID=%s",
				 escaped);
		expect(&ctx, "key-by-id.malformed", NULL, target, 400);
	}
	check_second(&ctx, key, caps ? caps->local_system_id : NULL);
	expect(&ctx, "path.unknown", NULL, "/skip-check/no-such-path", 404);
	expect(&ctx, "method.post", "POST", "/capabilities", 405);
	expect(&ctx, "method.delete", "DELETE", "/capabilities", 405);
	check_entropy(&ctx, caps);

	skip_key_destroy(key);
	skip_capabilities_destroy(caps);
	free(escaped);
	ctx.http->destroy(ctx.http);
}
