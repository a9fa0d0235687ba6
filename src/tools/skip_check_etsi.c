/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * skip-client check for ETSI GS QKD 014 KMEs (status, enc_keys, dec_keys).
 *
 * Spends three keys of the KME (four if it serves several per request):
 * the first is taken by the second identity, the others expire.
 */

#include "skip_check.h"

#include <skip_etsi_json.h>
#include <skip_json.h>
#include <skip_validate.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/crypto.h>

typedef struct {
	check_t *c;
	const skip_check_opts_t *opts;
	skip_http_t *http;
	unsigned timeout_ms;
	/** path of the peer SAE, escaped */
	char *peer;
	/** key size asked for, bits */
	unsigned bits;
} etsi_ctx_t;

/** the spec's key_ID: "UUID format", 8-4-4-4-12 hex digits */
static bool is_uuid(const char *s)
{
	static const char *form = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
	size_t i;

	if (strlen(s) != strlen(form))
	{
		return false;
	}
	for (i = 0; form[i]; i++)
	{
		if (form[i] == '-' ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
		{
			return false;
		}
	}
	return true;
}

static void key_id_log(const char *key_id, char *out, size_t len)
{
	skip_escape(key_id, out, len);
}

static void fail_answer(etsi_ctx_t *ctx, const char *name, skip_status_t status,
						skip_http_response_t *resp, skip_error_t *err)
{
	char what[400];

	check_describe(status, resp, err, true, what, sizeof(what));
	check_row(ctx->c, CHECK_FAIL, name, "expected HTTP 200, got %s", what);
}

/**
 * Status: schema, and the IDs it names (returns it for the key size and
 * the keys per request).
 */
static skip_etsi_status_t *check_status(etsi_ctx_t *ctx)
{
	const skip_kp_config_t *config = &ctx->opts->config;
	skip_etsi_status_t *st = NULL;
	skip_http_response_t resp;
	skip_error_t err = {};
	skip_status_t status;
	char target[1200], a[SKIP_SYSTEM_ID_LOG_MAX], b[SKIP_SYSTEM_ID_LOG_MAX];
	char c[SKIP_SYSTEM_ID_LOG_MAX];

	snprintf(target, sizeof(target), "/api/v1/keys/%s/status", ctx->peer);
	status = ctx->http->get(ctx->http, target, ctx->timeout_ms,
							SKIP_HTTP_REPEATABLE, &resp, &err);
	if (status != SKIP_OK || resp.code != 200)
	{
		fail_answer(ctx, "status.status", status, &resp, &err);
		check_row(ctx->c, CHECK_SKIP, "status.schema", "no status");
		check_row(ctx->c, CHECK_SKIP, "status.ids", "no status");
		skip_http_response_clear(&resp);
		return NULL;
	}
	check_row(ctx->c, CHECK_PASS, "status.status", "HTTP 200");
	if (!check_is_json_type(resp.content_type))
	{
		skip_escape(resp.content_type, a, sizeof(a));
		check_row(ctx->c, CHECK_FAIL, "status.schema", "Content-Type '%s', "
				  "not application/json", a);
	}
	else if (skip_etsi_json_parse_status(resp.body, resp.len, &st,
										 &err) != SKIP_OK)
	{
		check_row(ctx->c, CHECK_FAIL, "status.schema", "%s", err.detail);
	}
	else
	{
		check_row(ctx->c, CHECK_PASS, "status.schema", "key_size %lld, "
				  "stored_key_count %lld, max_key_per_request %lld, sizes "
				  "%lld-%lld", (long long)st->key_size,
				  (long long)st->stored_key_count,
				  (long long)st->max_key_per_request,
				  (long long)st->min_key_size, (long long)st->max_key_size);
	}
	skip_http_response_clear(&resp);
	if (!st)
	{
		check_row(ctx->c, CHECK_SKIP, "status.ids", "no valid status");
		return NULL;
	}
	skip_escape(st->master_sae_id, a, sizeof(a));
	skip_escape(st->slave_sae_id, b, sizeof(b));
	skip_escape(st->source_kme_id, c, sizeof(c));
	if (strcmp(st->master_sae_id, config->sae_id) != 0)
	{
		check_row(ctx->c, CHECK_FAIL, "status.ids", "master_SAE_ID '%s' is "
				  "not our SAE ID", a);
	}
	else if (strcmp(st->slave_sae_id, ctx->opts->peer) != 0)
	{
		check_row(ctx->c, CHECK_FAIL, "status.ids", "slave_SAE_ID '%s' is "
				  "not the peer asked for", b);
	}
	else if (config->kme_id && strcmp(st->source_kme_id, config->kme_id) != 0)
	{
		check_row(ctx->c, CHECK_FAIL, "status.ids", "source_KME_ID '%s' is "
				  "not --kme-id", c);
	}
	else
	{
		check_row(ctx->c, CHECK_PASS, "status.ids", "master_SAE_ID '%s', "
				  "slave_SAE_ID '%s', source_KME_ID '%s'", a, b, c);
	}
	return st;
}

/**
 * enc_keys with one key, POST or GET form; a row, the key on success.
 */
static skip_key_t *check_enc_one(etsi_ctx_t *ctx, const char *name, bool post)
{
	skip_http_response_t resp;
	skip_key_t *key = NULL;
	skip_error_t err = {};
	skip_status_t status;
	char target[1200], *body, id[4 * SKIP_ETSI_KEY_ID_MAX + 1];
	size_t len;

	if (post)
	{
		snprintf(target, sizeof(target), "/api/v1/keys/%s/enc_keys",
				 ctx->peer);
		body = skip_etsi_json_key_request(ctx->bits, &len);
		if (!body)
		{
			check_row(ctx->c, CHECK_FAIL, name, "out of memory");
			return NULL;
		}
		status = ctx->http->post(ctx->http, target, body, len,
								 ctx->timeout_ms, SKIP_HTTP_ONCE, &resp, &err);
		free(body);
	}
	else
	{
		snprintf(target, sizeof(target), "/api/v1/keys/%s/enc_keys?number=1"
				 "&size=%u", ctx->peer, ctx->bits);
		status = ctx->http->get(ctx->http, target, ctx->timeout_ms,
								SKIP_HTTP_ONCE, &resp, &err);
	}
	if (status != SKIP_OK || resp.code != 200)
	{
		fail_answer(ctx, name, status, &resp, &err);
	}
	else if (skip_etsi_json_parse_keys(resp.body, resp.len, ctx->bits, NULL,
									   &key, &err) != SKIP_OK)
	{
		check_row(ctx->c, CHECK_FAIL, name, "%s", err.detail);
	}
	else
	{
		key_id_log(key->key_id, id, sizeof(id));
		if (!is_uuid(key->key_id))
		{
			check_row(ctx->c, CHECK_FAIL, name, "key_ID '%s' is not in UUID "
					  "format", id);
		}
		else
		{
			check_row(ctx->c, CHECK_PASS, name, "key_ID %s, %zu bit key "
					  "(base64)", id, key->key_len * 8);
		}
	}
	skip_http_response_clear(&resp);
	return key;
}

/**
 * enc_keys for two keys, if the KME serves more than one per request.
 */
static void check_enc_number(etsi_ctx_t *ctx, skip_etsi_status_t *st)
{
	const char *name = "enc-keys.number-2";
	skip_http_response_t resp;
	skip_error_t err = {};
	skip_status_t status;
	json_object *obj = NULL, *keys, *entry, *member;
	char target[1200], body[64], id[2][4 * SKIP_ETSI_KEY_ID_MAX + 1];
	uint8_t *bytes;
	size_t len, i, count;
	const char *str;

	if (!st || st->max_key_per_request < 2)
	{
		check_row(ctx->c, CHECK_SKIP, name, st ? "max_key_per_request < 2"
				  : "no valid status");
		return;
	}
	snprintf(target, sizeof(target), "/api/v1/keys/%s/enc_keys", ctx->peer);
	/* no secret in it: the request body is built here */
	snprintf(body, sizeof(body), "{\"number\":2,\"size\":%u}", ctx->bits);
	status = ctx->http->post(ctx->http, target, body, strlen(body),
							 ctx->timeout_ms, SKIP_HTTP_ONCE, &resp, &err);
	if (status != SKIP_OK || resp.code != 200)
	{
		fail_answer(ctx, name, status, &resp, &err);
		skip_http_response_clear(&resp);
		return;
	}
	obj = skip_json_parse_nested(resp.body, resp.len, SKIP_JSON_BODY_MAX, 8,
								 &err);
	skip_http_response_clear(&resp);
	if (!obj)
	{
		check_row(ctx->c, CHECK_FAIL, name, "%s", err.detail);
		return;
	}
	if (!json_object_object_get_ex(obj, "keys", &keys) ||
		!json_object_is_type(keys, json_type_array) ||
		(count = json_object_array_length(keys)) != 2)
	{
		check_row(ctx->c, CHECK_FAIL, name, "\"keys\" is not an array of "
				  "2 keys");
		skip_json_put_wiped(obj);
		return;
	}
	bytes = malloc(SKIP_BASE64_MAX / 4 * 3);
	for (i = 0; bytes && i < count; i++)
	{
		entry = json_object_array_get_idx(keys, i);
		str = json_object_is_type(entry, json_type_object)
			  ? skip_json_get_string(entry, "key_ID", &len, &err) : NULL;
		if (!str || !skip_etsi_key_id_valid(str, len))
		{
			check_row(ctx->c, CHECK_FAIL, name, "key %zu: no valid key_ID",
					  i);
			break;
		}
		key_id_log(str, id[i], sizeof(id[i]));
		if (!json_object_object_get_ex(entry, "key", &member) ||
			!json_object_is_type(member, json_type_string) ||
			!skip_base64_decode(json_object_get_string(member),
								(size_t)json_object_get_string_len(member),
								bytes, &len) || len * 8 != ctx->bits)
		{
			check_row(ctx->c, CHECK_FAIL, name, "key %zu (key_ID %s): not "
					  "base64 of %u bit", i, id[i], ctx->bits);
			break;
		}
	}
	if (bytes)
	{
		skip_memwipe(bytes, SKIP_BASE64_MAX / 4 * 3);
		free(bytes);
	}
	if (i == count)
	{
		if (strcmp(id[0], id[1]) == 0)
		{
			check_row(ctx->c, CHECK_FAIL, name, "both keys have key_ID %s",
					  id[0]);
		}
		else
		{
			check_row(ctx->c, CHECK_PASS, name, "key_IDs %s, %s, %u bit each",
					  id[0], id[1], ctx->bits);
		}
	}
	skip_json_put_wiped(obj);
}

static void check_bad_size(etsi_ctx_t *ctx)
{
	skip_http_response_t resp;
	skip_error_t err = {};
	skip_status_t status;
	char target[1200], *body;
	size_t len;

	snprintf(target, sizeof(target), "/api/v1/keys/%s/enc_keys", ctx->peer);
	body = skip_etsi_json_key_request(ctx->bits + 1, &len);
	if (!body)
	{
		check_row(ctx->c, CHECK_FAIL, "enc-keys.size-not-multiple-of-8",
				  "out of memory");
		return;
	}
	status = ctx->http->post(ctx->http, target, body, len, ctx->timeout_ms,
							 SKIP_HTTP_ONCE, &resp, &err);
	free(body);
	check_expect_code(ctx->c, "enc-keys.size-not-multiple-of-8", status,
					  &resp, &err, 400, true, true);
	skip_http_response_clear(&resp);
}

/**
 * dec_keys for a key_ID with the given client and master SAE.
 */
static skip_status_t dec_keys(etsi_ctx_t *ctx, skip_http_t *http,
							  const char *master, const char *key_id,
							  skip_http_response_t *resp, skip_error_t *err)
{
	skip_status_t status;
	char target[1200], *escaped, *body;
	size_t len;

	escaped = skip_http_escape(master, err);
	body = skip_etsi_json_key_ids_request(key_id, &len);
	if (!escaped || !body)
	{
		free(escaped);
		free(body);
		memset(resp, 0, sizeof(*resp));
		return skip_error_set(err, SKIP_ERR_NOMEM, 0, "out of memory");
	}
	snprintf(target, sizeof(target), "/api/v1/keys/%s/dec_keys", escaped);
	status = http->post(http, target, body, len, ctx->timeout_ms,
						SKIP_HTTP_ONCE, resp, err);
	free(escaped);
	free(body);
	return status;
}

/**
 * dec_keys by the wrong SAE (401, the key stays), by the slave SAE (the
 * same key), and again (400).
 */
static void check_dec(etsi_ctx_t *ctx, skip_key_t *key)
{
	const skip_check_opts_t *opts = ctx->opts;
	skip_kp_config_t wrong;
	skip_http_response_t resp;
	skip_key_t *copy = NULL;
	skip_error_t err = {};
	skip_status_t status;
	skip_http_t *http;
	char id[4 * SKIP_ETSI_KEY_ID_MAX + 1];
	const char *rows[] = { "dec-keys.wrong-sae", "dec-keys.slave-once",
						   "dec-keys.slave-twice" };
	size_t i;

	if (!opts->have_second || !key)
	{
		for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		{
			check_row(ctx->c, CHECK_SKIP, rows[i], !key ? "no key from "
					  "enc-keys.post" : "needs --second-cert/--second-key "
					  "(the slave SAE's certificate)");
		}
		return;
	}
	key_id_log(key->key_id, id, sizeof(id));

	/* our own certificate at the slave's KME: not the slave SAE */
	wrong = opts->config;
	wrong.url = opts->second.url;
	http = skip_http_create(&wrong, &err);
	if (!http)
	{
		check_row(ctx->c, CHECK_FAIL, rows[0], "%s", err.detail);
	}
	else
	{
		status = dec_keys(ctx, http, opts->config.sae_id, key->key_id, &resp,
						  &err);
		if (status == SKIP_OK && resp.code == 200)
		{
			check_row(ctx->c, CHECK_FAIL, rows[0], "key_ID %s delivered to "
					  "the master SAE (HTTP 200)", id);
		}
		else
		{
			check_expect_code(ctx->c, rows[0], status, &resp, &err, 401, true,
							  false);
		}
		skip_http_response_clear(&resp);
		http->destroy(http);
	}

	http = skip_http_create(&opts->second, &err);
	if (!http)
	{
		check_row(ctx->c, CHECK_FAIL, rows[1], "second identity: %s",
				  err.detail);
		return;
	}
	status = dec_keys(ctx, http, opts->config.sae_id, key->key_id, &resp,
					  &err);
	if (status != SKIP_OK || resp.code != 200)
	{
		fail_answer(ctx, rows[1], status, &resp, &err);
	}
	else if (skip_etsi_json_parse_keys(resp.body, resp.len, 0, key->key_id,
									   &copy, &err) != SKIP_OK)
	{
		check_row(ctx->c, CHECK_FAIL, rows[1], "%s", err.detail);
	}
	else if (copy->key_len != key->key_len ||
			 CRYPTO_memcmp(copy->key, key->key, key->key_len) != 0)
	{
		check_row(ctx->c, CHECK_FAIL, rows[1], "key_ID %s: the slave SAE got "
				  "another key than the master (%zu bit)", id,
				  copy->key_len * 8);
	}
	else
	{
		check_row(ctx->c, CHECK_PASS, rows[1], "key_ID %s: HTTP 200, the "
				  "same %zu bit key", id, copy->key_len * 8);
	}
	skip_key_destroy(copy);
	skip_http_response_clear(&resp);

	status = dec_keys(ctx, http, opts->config.sae_id, key->key_id, &resp,
					  &err);
	if (status == SKIP_OK && resp.code == 200)
	{
		check_row(ctx->c, CHECK_FAIL, rows[2], "key_ID %s delivered a second "
				  "time (HTTP 200)", id);
	}
	else
	{
		check_expect_code(ctx->c, rows[2], status, &resp, &err, 400, true,
						  true);
	}
	skip_http_response_clear(&resp);
	http->destroy(http);
}

static void check_unknown(etsi_ctx_t *ctx)
{
	skip_http_response_t resp;
	skip_error_t err = {};
	skip_status_t status;

	/* a UUID no KME made: version nibble 0, all zeros but the last */
	status = dec_keys(ctx, ctx->http, ctx->opts->peer,
					  "00000000-0000-0000-0000-5c1bc4ec0001", &resp, &err);
	check_expect_code(ctx->c, "dec-keys.unknown-key-id", status, &resp, &err,
					  400, true, true);
	skip_http_response_clear(&resp);
}

static void check_unauthenticated(etsi_ctx_t *ctx)
{
	const char *name = "unauthenticated";
	skip_kp_config_t anon = ctx->opts->config;
	skip_http_response_t resp;
	skip_error_t err = {};
	skip_status_t status;
	skip_http_t *http;
	char target[1200];

	anon.cert_file = anon.key_file = NULL;
	http = skip_http_create(&anon, &err);
	if (!http)
	{
		check_row(ctx->c, CHECK_FAIL, name, "%s", err.detail);
		return;
	}
	snprintf(target, sizeof(target), "/api/v1/keys/%s/status", ctx->peer);
	status = http->get(http, target, ctx->timeout_ms, SKIP_HTTP_ONCE, &resp,
					   &err);
	if (status == SKIP_ERR_TLS)
	{
		check_row(ctx->c, CHECK_PASS, name, "refused in the TLS handshake");
	}
	else
	{
		check_expect_code(ctx->c, name, status, &resp, &err, 401, true,
						  false);
	}
	skip_http_response_clear(&resp);
	http->destroy(http);
}

void skip_check_etsi(check_t *c, const skip_check_opts_t *opts)
{
	etsi_ctx_t ctx = {
		.c = c,
		.opts = opts,
		.timeout_ms = opts->config.timeout_ms ?: SKIP_DEFAULT_TIMEOUT_MS,
		.bits = 256,
	};
	skip_etsi_status_t *st;
	skip_key_t *key, *other;
	skip_error_t err = {};

	check_tls(c, &opts->config, true);
	if (!opts->peer)
	{
		check_row(c, CHECK_SKIP, "etsi", "needs the peer's SAE ID: --peer "
				  "or --remote-sae-id");
		return;
	}
	ctx.http = skip_http_create(&opts->config, &err);
	ctx.peer = skip_http_escape(opts->peer, &err);
	if (!ctx.http || !ctx.peer)
	{
		check_row(c, CHECK_FAIL, "setup", "%s", err.detail);
		if (ctx.http)
		{
			ctx.http->destroy(ctx.http);
		}
		free(ctx.peer);
		return;
	}
	st = check_status(&ctx);
	if (st && st->key_size % 8 == 0 && st->key_size >= 128 &&
		st->key_size <= SKIP_KEY_MAX_BYTES * 8)
	{
		ctx.bits = (unsigned)st->key_size;
	}
	key = check_enc_one(&ctx, "enc-keys.post", true);
	other = check_enc_one(&ctx, "enc-keys.get", false);
	skip_key_destroy(other);
	check_enc_number(&ctx, st);
	check_bad_size(&ctx);
	check_dec(&ctx, key);
	check_unknown(&ctx);
	check_unauthenticated(&ctx);

	skip_key_destroy(key);
	skip_etsi_status_destroy(st);
	free(ctx.peer);
	ctx.http->destroy(ctx.http);
}
