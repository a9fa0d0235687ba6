/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * skip_etsi_json.h: the ETSI GS QKD 014 bodies (Status, Key container,
 * Error, Key request, Key IDs) with the spec's examples, what real KMEs send
 * (etsi-qkd-014-notes §5) and a named corpus of malformed answers; the
 * key_ID rule and the base64 decoder behind them.
 *
 * Every body is handed to the parsers in a heap buffer of exactly its
 * length, without a terminating NUL, so that memory checkers catch reads
 * past the end.
 */

#include "test_suites.h"

#include <skip_etsi_json.h>
#include <skip_json.h>
#include <skip_validate.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/** a JSON string */
#define Q(s) "\"" s "\""

#define UUID "bc490419-7d60-487f-adc1-4ddcc177c139"
/** the 256 bit key of the SKIP draft's example, base64 */
#define KEY_B64 "rSKd+4onbnTB87bAk0mmn7L+1zxUEnBmPw5cu/sDFnA="

static const uint8_t key_bytes[32] = {
	0xad, 0x22, 0x9d, 0xfb, 0x8a, 0x27, 0x6e, 0x74,
	0xc1, 0xf3, 0xb6, 0xc0, 0x93, 0x49, 0xa6, 0x9f,
	0xb2, 0xfe, 0xd7, 0x3c, 0x54, 0x12, 0x70, 0x66,
	0x3f, 0x0e, 0x5c, 0xbb, 0xfb, 0x03, 0x16, 0x70,
};

#define KEYS(id, key) "{\"keys\":[{\"key_ID\":" id ",\"key\":" key "}]}"
#define KEYS_OK KEYS(Q(UUID), Q(KEY_B64))

#define STATUS(ids, sizes) "{" ids "," sizes "}"
#define STATUS_IDS \
	"\"source_KME_ID\":\"AAAABBBBCCCCDDDD\",\"target_KME_ID\":" \
	"\"EEEEFFFFGGGGHHHH\",\"master_SAE_ID\":\"IIIIJJJJKKKKLLLL\"," \
	"\"slave_SAE_ID\":\"MMMMNNNNOOOOPPPP\""
#define STATUS_SIZES \
	"\"key_size\":352,\"stored_key_count\":25000,\"max_key_count\":100000," \
	"\"max_key_per_request\":128,\"max_key_size\":1024,\"min_key_size\":64," \
	"\"max_SAE_ID_count\":0"
/** the spec's example (§6.1) */
#define STATUS_OK STATUS(STATUS_IDS, STATUS_SIZES)

/** a copy of a body without terminating NUL */
static char *body_copy(const char *body, size_t len)
{
	char *copy = malloc(len ? len : 1);

	ck_assert_ptr_nonnull(copy);
	memcpy(copy, body, len);
	return copy;
}

static skip_status_t parse_keys(const char *body, size_t len, unsigned bits,
								const char *key_id, skip_key_t **key,
								skip_error_t *err)
{
	char *copy = body_copy(body, len);
	skip_status_t status;

	*key = NULL;
	status = skip_etsi_json_parse_keys(copy, len, bits, key_id, key, err);
	free(copy);
	return status;
}

static skip_status_t parse_status(const char *body, size_t len,
								  skip_etsi_status_t **out, skip_error_t *err)
{
	char *copy = body_copy(body, len);
	skip_status_t status;

	*out = NULL;
	status = skip_etsi_json_parse_status(copy, len, out, err);
	free(copy);
	return status;
}

/* --- status -------------------------------------------------------------- */

START_TEST(test_status_example)
{
	skip_etsi_status_t *status;
	skip_error_t err = {};

	ck_assert_msg(parse_status(LIT(STATUS_OK), &status, &err) == SKIP_OK,
				  "%s", err.detail);
	ck_assert_str_eq(status->source_kme_id, "AAAABBBBCCCCDDDD");
	ck_assert_str_eq(status->target_kme_id, "EEEEFFFFGGGGHHHH");
	ck_assert_str_eq(status->master_sae_id, "IIIIJJJJKKKKLLLL");
	ck_assert_str_eq(status->slave_sae_id, "MMMMNNNNOOOOPPPP");
	ck_assert_int_eq(status->key_size, 352);
	ck_assert_int_eq(status->stored_key_count, 25000);
	ck_assert_int_eq(status->max_key_count, 100000);
	ck_assert_int_eq(status->max_key_per_request, 128);
	ck_assert_int_eq(status->max_key_size, 1024);
	ck_assert_int_eq(status->min_key_size, 64);
	ck_assert_int_eq(status->max_sae_id_count, 0);
	skip_etsi_status_destroy(status);
}
END_TEST

/** answers real KMEs send that must be accepted */
static const struct {
	const char *name;
	const char *body;
	size_t len;
	const char *master;
} good_status[] = {
	{ "status_extension object",
	  LIT("{" STATUS_IDS "," STATUS_SIZES ",\"status_extension\":"
		  "{\"xyz_a\":[1,2]}}"), "IIIIJJJJKKKKLLLL" },
	{ "integer-like string IDs (qkd_kme_server)",
	  LIT(STATUS("\"source_KME_ID\":\"1\",\"target_KME_ID\":\"2\","
				 "\"master_SAE_ID\":\"1\",\"slave_SAE_ID\":\"2\"",
				 STATUS_SIZES)), "1" },
	{ "integer IDs",
	  LIT(STATUS("\"source_KME_ID\":\"1\",\"target_KME_ID\":\"2\","
				 "\"master_SAE_ID\":9223372036854775807,\"slave_SAE_ID\":2",
				 STATUS_SIZES)), "9223372036854775807" },
	{ "unknown members ignored",
	  LIT("{\"vendor\":{\"a\":\"b\"}," STATUS_IDS "," STATUS_SIZES "}"),
	  "IIIIJJJJKKKKLLLL" },
	{ "key_size at the limits",
	  LIT(STATUS(STATUS_IDS, "\"key_size\":256,\"stored_key_count\":0,"
				 "\"max_key_count\":0,\"max_key_per_request\":1,"
				 "\"max_key_size\":256,\"min_key_size\":256,"
				 "\"max_SAE_ID_count\":0")), "IIIIJJJJKKKKLLLL" },
};

START_TEST(test_status_good)
{
	skip_etsi_status_t *status;
	skip_error_t err = {};

	ck_assert_msg(parse_status(good_status[_i].body, good_status[_i].len,
							   &status, &err) == SKIP_OK, "%s: %s",
				  good_status[_i].name, err.detail);
	ck_assert_str_eq(status->master_sae_id, good_status[_i].master);
	skip_etsi_status_destroy(status);
}
END_TEST

#define SIZES_WITH(k) \
	"\"key_size\":" k ",\"stored_key_count\":1,\"max_key_count\":2," \
	"\"max_key_per_request\":1,\"max_key_size\":1024,\"min_key_size\":64," \
	"\"max_SAE_ID_count\":0"

static const struct {
	const char *name;
	const char *body;
	size_t len;
	const char *detail;
} bad_status[] = {
	{ "empty", LIT(""), "empty" },
	{ "not an object", LIT("[]"), "not an object" },
	{ "missing source_KME_ID",
	  LIT("{\"target_KME_ID\":\"E\",\"master_SAE_ID\":\"I\","
		  "\"slave_SAE_ID\":\"M\"," STATUS_SIZES "}"), "source_KME_ID" },
	{ "missing max_SAE_ID_count",
	  LIT("{" STATUS_IDS ",\"key_size\":352,\"stored_key_count\":25000,"
		  "\"max_key_count\":100000,\"max_key_per_request\":128,"
		  "\"max_key_size\":1024,\"min_key_size\":64}"), "max_SAE_ID_count" },
	{ "ID a boolean",
	  LIT(STATUS("\"source_KME_ID\":true,\"target_KME_ID\":\"E\","
				 "\"master_SAE_ID\":\"I\",\"slave_SAE_ID\":\"M\"",
				 STATUS_SIZES)), "not a string" },
	{ "ID negative integer",
	  LIT(STATUS("\"source_KME_ID\":-1,\"target_KME_ID\":\"E\","
				 "\"master_SAE_ID\":\"I\",\"slave_SAE_ID\":\"M\"",
				 STATUS_SIZES)), "not a string" },
	{ "ID empty",
	  LIT(STATUS("\"source_KME_ID\":\"\",\"target_KME_ID\":\"E\","
				 "\"master_SAE_ID\":\"I\",\"slave_SAE_ID\":\"M\"",
				 STATUS_SIZES)), "empty" },
	{ "ID with NUL",
	  LIT(STATUS("\"source_KME_ID\":\"A\\u0000B\",\"target_KME_ID\":\"E\","
				 "\"master_SAE_ID\":\"I\",\"slave_SAE_ID\":\"M\"",
				 STATUS_SIZES)), "NUL" },
	{ "key_size a string", LIT(STATUS(STATUS_IDS, SIZES_WITH("\"352\""))),
	  "key_size" },
	{ "key_size a float", LIT(STATUS(STATUS_IDS, SIZES_WITH("352.0"))),
	  "key_size" },
	{ "key_size negative", LIT(STATUS(STATUS_IDS, SIZES_WITH("-352"))),
	  "negative" },
	{ "key_size zero", LIT(STATUS(STATUS_IDS, SIZES_WITH("0"))), "sizes" },
	{ "key_size above max", LIT(STATUS(STATUS_IDS, SIZES_WITH("2048"))),
	  "sizes" },
	{ "key_size below min", LIT(STATUS(STATUS_IDS, SIZES_WITH("32"))),
	  "sizes" },
	{ "status_extension an array",
	  LIT("{" STATUS_IDS "," STATUS_SIZES ",\"status_extension\":[]}"),
	  "status_extension" },
	{ "duplicate member",
	  LIT("{" STATUS_IDS "," STATUS_SIZES ",\"stored_key_count\":1}"),
	  "duplicate" },
	{ "duplicate member in status_extension",
	  LIT("{" STATUS_IDS "," STATUS_SIZES ",\"status_extension\":"
		  "{\"a\":1,\"a\":2}}"), "duplicate" },
	{ "trailing data", LIT(STATUS_OK "x"), "JSON" },
	{ "truncated", LIT("{" STATUS_IDS), "malformed" },
};

START_TEST(test_status_bad)
{
	skip_etsi_status_t *status;
	skip_error_t err = {};

	ck_assert_msg(parse_status(bad_status[_i].body, bad_status[_i].len,
							   &status, &err) == SKIP_ERR_PROTOCOL,
				  "%s accepted", bad_status[_i].name);
	ck_assert_ptr_null(status);
	ck_assert_msg(strstr(err.detail, bad_status[_i].detail), "%s: '%s' lacks "
				  "'%s'", bad_status[_i].name, err.detail,
				  bad_status[_i].detail);
	/* without an error buffer too */
	ck_assert_int_eq(parse_status(bad_status[_i].body, bad_status[_i].len,
								  &status, NULL), SKIP_ERR_PROTOCOL);
}
END_TEST

/* --- key container ------------------------------------------------------- */

START_TEST(test_keys_example)
{
	skip_error_t err = {};
	skip_key_t *key;

	ck_assert_msg(parse_keys(LIT(KEYS_OK), 256, NULL, &key, &err) == SKIP_OK,
				  "%s", err.detail);
	ck_assert_str_eq(key->key_id, UUID);
	ck_assert_uint_eq(key->key_len, 32);
	ck_assert_mem_eq(key->key, key_bytes, 32);
	skip_key_destroy(key);
}
END_TEST

/** key containers that must be accepted, with the key_ID they carry */
static const struct {
	const char *name;
	const char *body;
	size_t len;
	unsigned bits;
	const char *key_id;
} good_keys[] = {
	{ "the spec's shape with extensions",
	  LIT("{\"keys\":[{\"key_ID\":" Q(UUID) ",\"key_ID_extension\":{},"
		  "\"key\":" Q(KEY_B64) ",\"key_extension\":{\"xyz\":[1]}}],"
		  "\"key_container_extension\":{}}"), 256, UUID },
	{ "any size asked (responder)", LIT(KEYS_OK), 0, UUID },
	{ "non-RFC 4122 UUID (version nibble d)",
	  LIT(KEYS(Q("8c4e0f6e-1b2a-d3c4-9e8f-0a1b2c3d4e5f"), Q(KEY_B64))), 256,
	  "8c4e0f6e-1b2a-d3c4-9e8f-0a1b2c3d4e5f" },
	{ "all-f UUID (arnika's mock)",
	  LIT(KEYS(Q("ffffffff-ffff-ffff-ffff-ffffffffffff"), Q(KEY_B64))), 256,
	  "ffffffff-ffff-ffff-ffff-ffffffffffff" },
	{ "upper-case UUID kept as it is",
	  LIT(KEYS(Q("BC490419-7D60-487F-ADC1-4DDCC177C139"), Q(KEY_B64))), 256,
	  "BC490419-7D60-487F-ADC1-4DDCC177C139" },
	{ "integer-like key_ID", LIT(KEYS(Q("42"), Q(KEY_B64))), 256, "42" },
	{ "opaque key_ID with slash and quote",
	  LIT(KEYS(Q("a/b\\\"c'd"), Q(KEY_B64))), 256, "a/b\"c'd" },
	{ "128 bit key", LIT(KEYS(Q(UUID), Q("rSKd+4onbnTB87bAk0mmnw=="))), 128,
	  UUID },
	{ "248 bit key, one '='",
	  LIT(KEYS(Q(UUID), Q("rSKd+4onbnTB87bAk0mmn7L+1zxUEnBmPw5cu/sDFg=="))),
	  248, UUID },
	{ "240 bit key, no padding",
	  LIT(KEYS(Q(UUID), Q("rSKd+4onbnTB87bAk0mmn7L+1zxUEnBmPw5cu/sD"))), 240,
	  UUID },
	{ "escaped slash in base64",
	  LIT(KEYS(Q(UUID), Q("rSKd+4onbnTB87bAk0mmn7L+1zxUEnBmPw5cu\\/sDFnA="))),
	  256, UUID },
};

START_TEST(test_keys_good)
{
	skip_error_t err = {};
	skip_key_t *key;

	ck_assert_msg(parse_keys(good_keys[_i].body, good_keys[_i].len,
							 good_keys[_i].bits, NULL, &key, &err) == SKIP_OK,
				  "%s: %s", good_keys[_i].name, err.detail);
	ck_assert_str_eq(key->key_id, good_keys[_i].key_id);
	ck_assert_mem_eq(key->key, key_bytes, key->key_len);
	skip_key_destroy(key);
	/* the key_ID asked for, byte-exact */
	ck_assert_msg(parse_keys(good_keys[_i].body, good_keys[_i].len,
							 good_keys[_i].bits, good_keys[_i].key_id, &key,
							 &err) == SKIP_OK, "%s: %s", good_keys[_i].name,
				  err.detail);
	skip_key_destroy(key);
}
END_TEST

static const struct {
	const char *name;
	const char *body;
	size_t len;
	unsigned bits;
	const char *key_id;
	const char *detail;
} bad_keys[] = {
	{ "empty", LIT(""), 256, NULL, "empty" },
	{ "keys missing", LIT("{\"key\":" Q(KEY_B64) "}"), 256, NULL,
	  "missing field 'keys'" },
	{ "keys an object (dske-python enc_keys)",
	  LIT("{\"keys\":{\"key_ID\":" Q(UUID) ",\"key\":" Q(KEY_B64) "}}"), 256,
	  NULL, "not an array" },
	{ "keys empty", LIT("{\"keys\":[]}"), 256, NULL, "0 keys" },
	{ "two keys",
	  LIT("{\"keys\":[{\"key_ID\":\"a\",\"key\":" Q(KEY_B64) "},"
		  "{\"key_ID\":\"b\",\"key\":" Q(KEY_B64) "}]}"), 256, NULL,
	  "2 keys" },
	{ "entry a string", LIT("{\"keys\":[" Q(UUID) "]}"), 256, NULL,
	  "not an object" },
	{ "key_ID missing", LIT("{\"keys\":[{\"key\":" Q(KEY_B64) "}]}"), 256,
	  NULL, "key_ID" },
	{ "key_ID an integer", LIT(KEYS("42", Q(KEY_B64))), 256, NULL, "key_ID" },
	{ "key_ID empty", LIT(KEYS(Q(""), Q(KEY_B64))), 256, NULL, "key_ID" },
	{ "key_ID with space", LIT(KEYS(Q("a b"), Q(KEY_B64))), 256, NULL,
	  "key_ID" },
	{ "key_ID with control character", LIT(KEYS(Q("a\\tb"), Q(KEY_B64))),
	  256, NULL, "key_ID" },
	{ "key_ID with UTF-8", LIT(KEYS(Q("caf\xc3\xa9"), Q(KEY_B64))), 256,
	  NULL, "key_ID" },
	{ "key_ID with NUL", LIT(KEYS(Q("a\\u0000b"), Q(KEY_B64))), 256, NULL,
	  "NUL" },
	{ "key_ID of 129 bytes",
	  LIT(KEYS(Q("0123456789abcdef0123456789abcdef0123456789abcdef0123456789"
				 "abcdef0123456789abcdef0123456789abcdef0123456789abcdef01234"
				 "56789abcdef0"), Q(KEY_B64))), 256, NULL, "key_ID" },
	{ "another key_ID than asked for", LIT(KEYS_OK), 256,
	  "bc490419-7d60-487f-adc1-4ddcc177c13a", "instead of" },
	{ "key_ID in another case than asked for", LIT(KEYS_OK), 256,
	  "BC490419-7D60-487F-ADC1-4DDCC177C139", "instead of" },
	{ "key_ID a prefix of the one asked for", LIT(KEYS_OK), 256,
	  UUID "0", "instead of" },
	{ "key missing", LIT("{\"keys\":[{\"key_ID\":" Q(UUID) "}]}"), 256, NULL,
	  "missing field 'key'" },
	{ "key an array", LIT(KEYS(Q(UUID), "[1]")), 256, NULL, "'key'" },
	{ "key empty", LIT(KEYS(Q(UUID), Q(""))), 256, NULL, "length" },
	{ "wrong key length (128 bits for 256)",
	  LIT(KEYS(Q(UUID), Q("rSKd+4onbnTB87bAk0mmnw=="))), 256, NULL,
	  "128 bits, expected 256" },
	{ "bytes, not bits (size/8 delivered)",
	  LIT(KEYS(Q(UUID), Q("rSKd+w=="))), 256, NULL, "expected 256" },
	{ "too short for any size", LIT(KEYS(Q(UUID), Q("rSKd+4onbnTB87bA"))), 0,
	  NULL, "need 128" },
	{ "base64 without padding",
	  LIT(KEYS(Q(UUID), Q("rSKd+4onbnTB87bAk0mmn7L+1zxUEnBmPw5cu/sDFnA"))),
	  256, NULL, "base64" },
	{ "base64url alphabet",
	  LIT(KEYS(Q(UUID), Q("rSKd-4onbnTB87bAk0mmn7L-1zxUEnBmPw5cu_sDFnA="))),
	  256, NULL, "base64" },
	{ "base64 with line break",
	  LIT(KEYS(Q(UUID), Q("rSKd+4onbnTB87bAk0mmn7L+\\n1zxUEnBmPw5cu/sDFnA="))),
	  256, NULL, "base64" },
	{ "base64 with space",
	  LIT(KEYS(Q(UUID), Q("rSKd+4onbnTB87bAk0mmn7L+ zxUEnBmPw5cu/sDFnA="))),
	  256, NULL, "base64" },
	{ "padding in the middle",
	  LIT(KEYS(Q(UUID), Q("rSKd+4on=nTB87bAk0mmn7L+1zxUEnBmPw5cu/sDFnA="))),
	  256, NULL, "base64" },
	{ "three '='",
	  LIT(KEYS(Q(UUID), Q("rSKd+4onbnTB87bAk0mmn7L+1zxUEnBmPw5cu/s==="))),
	  256, NULL, "base64" },
	{ "non-zero bits under the padding",
	  LIT(KEYS(Q(UUID), Q("rSKd+4onbnTB87bAk0mmn7L+1zxUEnBmPw5cu/sDFnB="))),
	  256, NULL, "base64" },
	{ "hex instead of base64",
	  LIT(KEYS(Q(UUID), Q("ad229dfb8a276e74c1f3b6c09349a69fb2fed73c54127066"
						  "3f0e5cbbfb031670"))), 256, NULL, "expected 256" },
	{ "all-zero key",
	  LIT(KEYS(Q(UUID), Q("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="))),
	  256, NULL, "zeros" },
	{ "duplicate key in the entry",
	  LIT("{\"keys\":[{\"key_ID\":" Q(UUID) ",\"key\":" Q(KEY_B64)
		  ",\"key\":\"AAAA\"}]}"), 256, NULL, "duplicate" },
	{ "duplicate key_ID in the entry",
	  LIT("{\"keys\":[{\"key_ID\":\"x\",\"key_ID\":" Q(UUID) ",\"key\":"
		  Q(KEY_B64) "}]}"), 256, NULL, "duplicate" },
	{ "duplicate keys",
	  LIT("{\"keys\":[],\"keys\":[{\"key_ID\":" Q(UUID) ",\"key\":"
		  Q(KEY_B64) "}]}"), 256, NULL, "duplicate" },
	{ "key_extension a string",
	  LIT("{\"keys\":[{\"key_ID\":" Q(UUID) ",\"key\":" Q(KEY_B64)
		  ",\"key_extension\":\"x\"}]}"), 256, NULL, "key_extension" },
	{ "key_container_extension an array",
	  LIT("{\"keys\":[{\"key_ID\":" Q(UUID) ",\"key\":" Q(KEY_B64)
		  "}],\"key_container_extension\":[]}"), 256, NULL,
	  "key_container_extension" },
	{ "nested too deep",
	  LIT("{\"keys\":[{\"key_ID\":" Q(UUID) ",\"key\":" Q(KEY_B64)
		  ",\"key_extension\":{\"a\":[[[[[[[[1]]]]]]]]}}]}"), 256, NULL,
	  "malformed" },
	{ "trailing garbage", LIT(KEYS_OK "}"), 256, NULL, "JSON" },
	{ "NUL byte", LIT(KEYS_OK "\0"), 256, NULL, "NUL" },
};

START_TEST(test_keys_bad)
{
	skip_error_t err = {};
	skip_key_t *key;

	ck_assert_msg(parse_keys(bad_keys[_i].body, bad_keys[_i].len,
							 bad_keys[_i].bits, bad_keys[_i].key_id, &key,
							 &err) == SKIP_ERR_PROTOCOL, "%s accepted",
				  bad_keys[_i].name);
	ck_assert_ptr_null(key);
	ck_assert_msg(strstr(err.detail, bad_keys[_i].detail), "%s: '%s' lacks "
				  "'%s'", bad_keys[_i].name, err.detail, bad_keys[_i].detail);
	ck_assert_int_eq(parse_keys(bad_keys[_i].body, bad_keys[_i].len,
								bad_keys[_i].bits, bad_keys[_i].key_id, &key,
								NULL), SKIP_ERR_PROTOCOL);
}
END_TEST

/** an answer over the size limit, of valid JSON */
START_TEST(test_keys_oversized)
{
	size_t n = SKIP_JSON_BODY_MAX + 1;
	skip_error_t err = {};
	skip_key_t *key;
	char *body;

	body = malloc(n);
	ck_assert_ptr_nonnull(body);
	memset(body, ' ', n);
	memcpy(body, KEYS_OK, strlen(KEYS_OK));
	ck_assert_int_eq(parse_keys(body, n, 256, NULL, &key, &err),
					 SKIP_ERR_PROTOCOL);
	ck_assert_msg(strstr(err.detail, "too large"), "%s", err.detail);
	free(body);
}
END_TEST

/* --- errors -------------------------------------------------------------- */

static const struct {
	const char *name;
	const char *body;
	size_t len;
	const char *message;
	bool not_found;
} messages[] = {
	{ "spec: not found",
	  LIT("{\"message\":\"one or more keys specified are not found on KME\"}"),
	  "one or more keys specified are not found on KME", true },
	{ "spec: with details",
	  LIT("{\"message\":\"size shall be a multiple of 8\",\"details\":"
		  "[{\"size\":\"250\"}]}"), "size shall be a multiple of 8", false },
	{ "FastAPI detail", LIT("{\"detail\":\"Key not found\"}"),
	  "Key not found", true },
	{ "FastAPI 422 detail list",
	  LIT("{\"detail\":[{\"loc\":[\"body\",\"size\"],\"msg\":\"value is not a "
		  "valid integer\",\"type\":\"type_error.integer\"}]}"),
	  "value is not a valid integer", false },
	{ "message before detail",
	  LIT("{\"detail\":\"d\",\"message\":\"m\"}"), "m", false },
	{ "control characters escaped",
	  LIT("{\"message\":\"a\\nb\\u001b[31m'\\\\\"}"),
	  "a\\x0ab\\x1b[31m\\x27\\x5c", false },
	{ "message not a string", LIT("{\"message\":42}"), "", false },
	{ "message with NUL", LIT("{\"message\":\"a\\u0000b\"}"), "", false },
	{ "not JSON", LIT("<html>503</html>"), "", false },
	{ "empty", LIT(""), "", false },
	{ "duplicate message",
	  LIT("{\"message\":\"a\",\"message\":\"b\"}"), "", false },
};

START_TEST(test_error_message)
{
	char out[128], *copy;

	copy = body_copy(messages[_i].body, messages[_i].len);
	skip_etsi_json_error_message(copy, messages[_i].len, out, sizeof(out));
	free(copy);
	ck_assert_msg(strcmp(out, messages[_i].message) == 0, "%s: '%s'",
				  messages[_i].name, out);
	ck_assert_int_eq(skip_etsi_json_not_found(out), messages[_i].not_found);
}
END_TEST

/** long messages are cut to the buffer, never overflowing it */
START_TEST(test_error_message_bounded)
{
	char body[1200], out[16];
	size_t len;

	len = (size_t)snprintf(body, sizeof(body), "{\"message\":\"%01000d\"}", 7);
	memset(out, 'x', sizeof(out));
	skip_etsi_json_error_message(body, len, out, sizeof(out));
	ck_assert_uint_eq(strlen(out), sizeof(out) - 1);
	skip_etsi_json_error_message(body, len, out, 1);
	ck_assert_str_eq(out, "");
	skip_etsi_json_error_message(NULL, 0, out, sizeof(out));
	ck_assert_str_eq(out, "");
}
END_TEST

/* --- requests ------------------------------------------------------------ */

START_TEST(test_requests)
{
	size_t len;
	char *body;

	body = skip_etsi_json_key_request(256, &len);
	ck_assert_int_eq(len, strlen("{\"number\":1,\"size\":256}"));
	ck_assert_mem_eq(body, "{\"number\":1,\"size\":256}", len);
	free(body);
	body = skip_etsi_json_key_request(0, &len);
	ck_assert_int_eq(len, strlen("{\"number\":1}"));
	ck_assert_mem_eq(body, "{\"number\":1}", len);
	free(body);
	body = skip_etsi_json_key_ids_request(UUID, &len);
	ck_assert_int_eq(len, strlen("{\"key_IDs\":[{\"key_ID\":\"" UUID "\"}]}"));
	ck_assert_mem_eq(body, "{\"key_IDs\":[{\"key_ID\":\"" UUID "\"}]}", len);
	free(body);
	/* opaque IDs are JSON-escaped, '/' is left as it is */
	body = skip_etsi_json_key_ids_request("a/b\"c\\d", &len);
	ck_assert_int_eq(len, strlen("{\"key_IDs\":[{\"key_ID\":\"a/b\\\"c\\\\d\"}]}"));
	ck_assert_mem_eq(body, "{\"key_IDs\":[{\"key_ID\":\"a/b\\\"c\\\\d\"}]}",
					 len);
	free(body);
}
END_TEST

/* --- key_ID rule and base64 ---------------------------------------------- */

START_TEST(test_key_id_rule)
{
	char id[SKIP_ETSI_KEY_ID_MAX + 1];

	ck_assert(skip_etsi_key_id_valid(LIT(UUID)));
	ck_assert(skip_etsi_key_id_valid(LIT("1")));
	ck_assert(skip_etsi_key_id_valid(LIT("!~")));
	ck_assert(!skip_etsi_key_id_valid(LIT("")));
	ck_assert(!skip_etsi_key_id_valid(NULL, 0));
	ck_assert(!skip_etsi_key_id_valid(LIT(" x")));
	ck_assert(!skip_etsi_key_id_valid(LIT("x\x7f")));
	ck_assert(!skip_etsi_key_id_valid(LIT("a\0b")));
	ck_assert(!skip_etsi_key_id_valid(LIT("\xc3\xa9")));
	memset(id, 'k', sizeof(id));
	ck_assert(skip_etsi_key_id_valid(id, SKIP_ETSI_KEY_ID_MAX));
	ck_assert(!skip_etsi_key_id_valid(id, SKIP_ETSI_KEY_ID_MAX + 1));
}
END_TEST

static const struct {
	const char *in;
	const char *out;
	size_t len;
} base64[] = {
	{ "AA==", "\0", 1 },
	{ "AAE=", "\0\1", 2 },
	{ "AAEC", "\0\1\2", 3 },
	{ "/+/+", "\xff\xef\xfe", 3 },
	{ "", NULL, 0 },
	{ "A", NULL, 0 },
	{ "AA=", NULL, 0 },
	{ "A===", NULL, 0 },
	{ "====", NULL, 0 },
	{ "AB==", NULL, 0 },
	{ "AAF=", NULL, 0 },
	{ "AA=A", NULL, 0 },
	{ "AA\nA", NULL, 0 },
	{ " AAA", NULL, 0 },
	{ "AA-_", NULL, 0 },
};

START_TEST(test_base64)
{
	uint8_t out[8];
	size_t len = 99;

	ck_assert_msg(skip_base64_decode(base64[_i].in, strlen(base64[_i].in),
									 out, &len) == !!base64[_i].out, "'%s'",
				  base64[_i].in);
	if (base64[_i].out)
	{
		ck_assert_uint_eq(len, base64[_i].len);
		ck_assert_mem_eq(out, base64[_i].out, len);
	}
}
END_TEST

Suite *etsi_json_suite(void)
{
	Suite *s = suite_create("ETSI 014 JSON");
	TCase *tc;

	tc = tcase_create("status");
	tcase_add_test(tc, test_status_example);
	tcase_add_loop_test(tc, test_status_good, 0, countof(good_status));
	tcase_add_loop_test(tc, test_status_bad, 0, countof(bad_status));
	suite_add_tcase(s, tc);

	tc = tcase_create("key container");
	tcase_add_test(tc, test_keys_example);
	tcase_add_loop_test(tc, test_keys_good, 0, countof(good_keys));
	tcase_add_loop_test(tc, test_keys_bad, 0, countof(bad_keys));
	tcase_add_test(tc, test_keys_oversized);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors and requests");
	tcase_add_loop_test(tc, test_error_message, 0, countof(messages));
	tcase_add_test(tc, test_error_message_bounded);
	tcase_add_test(tc, test_requests);
	suite_add_tcase(s, tc);

	tc = tcase_create("key_ID and base64");
	tcase_add_test(tc, test_key_id_rule);
	tcase_add_loop_test(tc, test_base64, 0, countof(base64));
	suite_add_tcase(s, tc);
	return s;
}
