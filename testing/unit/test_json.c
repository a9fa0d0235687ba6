/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * skip_json.h: the parsers of the KP's answers (SKIP draft, Figures 3-8)
 * with valid answers, the draft's examples and a corpus of malformed ones,
 * skip_capabilities_allows() and skip_json_error_message().
 *
 * Every body is handed to the parsers in a heap buffer of exactly its
 * length, without a terminating NUL, so that memory checkers catch reads
 * past the end.
 */

#include "test_suites.h"

#include <skip_json.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- bodies -------------------------------------------------------------- */

/** a JSON string */
#define Q(s) "\"" s "\""

/** the draft's examples (Figures 4, 6 and 8) */
#define DRAFT_KEY_ID "1726e9AE76234FB1dd1283d4dca1911e1f93864d70f3069e"
#define DRAFT_KEY_ID_LOWER "1726e9ae76234fb1dd1283d4dca1911e1f93864d70f3069e"
#define DRAFT_KEY \
	"ad229dfb8a276e74c1f3b6c09349a69fb2fed73c541270663f0e5cbbfb031670"
#define DRAFT_RANDOM \
	"AD229DFB8A276E74C1F3B6C09349A69FB2FED73C541270663F0E5CBBFB031670"

/** the bytes of DRAFT_KEY and DRAFT_RANDOM */
static const uint8_t draft_key[32] = {
	0xad, 0x22, 0x9d, 0xfb, 0x8a, 0x27, 0x6e, 0x74,
	0xc1, 0xf3, 0xb6, 0xc0, 0x93, 0x49, 0xa6, 0x9f,
	0xb2, 0xfe, 0xd7, 0x3c, 0x54, 0x12, 0x70, 0x66,
	0x3f, 0x0e, 0x5c, 0xbb, 0xfb, 0x03, 0x16, 0x70,
};

#define CAPS(e, k, a, l, r) \
	"{\"entropy\":" e ",\"key\":" k ",\"algorithm\":" a \
	",\"localSystemID\":" l ",\"remoteSystemID\":" r "}"
#define CAPS_FIELDS \
	"\"entropy\":true,\"key\":true,\"algorithm\":\"PRF\"," \
	"\"localSystemID\":\"Alice\",\"remoteSystemID\":[\"Bob\",\"Eve\"]"
#define CAPS_OK "{" CAPS_FIELDS "}"
#define CAPS_R(r) CAPS("true", "true", Q("PRF"), Q("Alice"), r)
#define CAPS_L(l) CAPS("true", "true", Q("PRF"), l, "[\"Bob\"]")
#define CAPS_A(a) CAPS("true", "true", a, Q("Alice"), "[\"Bob\"]")

#define KEY(id, key) "{\"keyId\":" id ",\"key\":" key "}"
#define KEY_OK KEY(Q(DRAFT_KEY_ID), Q(DRAFT_KEY))
#define KEY_I(id) KEY(id, Q(DRAFT_KEY))
#define KEY_K(key) KEY(Q(DRAFT_KEY_ID), key)

#define ENTROPY(r, m) "{\"randomStr\":" r ",\"minentropy\":" m "}"
#define ENTROPY_OK ENTROPY(Q(DRAFT_RANDOM), "256")
#define ENTROPY_R(r) ENTROPY(r, "8")
#define ENTROPY_M(m) ENTROPY(Q(DRAFT_RANDOM), m)

/** length of a string literal */
#define SLEN(s) (sizeof(s) - 1)

/** 16 levels of arrays, deeper than any SKIP answer */
#define DEEP "[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]"

/**
 * A body: a literal, or prefix + n times fill + suffix.
 */
typedef struct {
	const char *lit;
	size_t lit_len;
	const char *prefix;
	const char *fill;
	size_t n;
	const char *suffix;
} body_t;

#define B_LIT(s) { .lit = (s), .lit_len = SLEN(s) }
#define B_FILL(p, f, count, s) \
	{ .prefix = (p), .fill = (f), .n = (count), .suffix = (s) }

/**
 * Build a body in a heap buffer of exactly its length (at least one byte
 * is allocated, so that empty bodies have a valid pointer too).
 */
static char *body_build(const body_t *b, size_t *len)
{
	size_t plen, flen, slen, i;
	char *buf, *pos;

	if (b->lit)
	{
		*len = b->lit_len;
		buf = malloc(*len ? *len : 1);
		ck_assert_ptr_nonnull(buf);
		memcpy(buf, b->lit, *len);
		return buf;
	}
	plen = strlen(b->prefix);
	flen = strlen(b->fill);
	slen = strlen(b->suffix);
	*len = plen + b->n * flen + slen;
	buf = pos = malloc(*len);
	ck_assert_ptr_nonnull(buf);
	memcpy(pos, b->prefix, plen);
	pos += plen;
	for (i = 0; i < b->n; i++, pos += flen)
	{
		memcpy(pos, b->fill, flen);
	}
	memcpy(pos, b->suffix, slen);
	return buf;
}

/** bytes 1, 2, 3, ... (never all zero) as lowercase hex in a new string */
static char *counting_hex(size_t bytes)
{
	char *hex = malloc(2 * bytes + 1);
	size_t i;

	ck_assert_ptr_nonnull(hex);
	for (i = 0; i < bytes; i++)
	{
		snprintf(hex + 2 * i, 3, "%02x", (unsigned)((i + 1) & 0xff));
	}
	hex[2 * bytes] = '\0';
	return hex;
}

static void assert_counting_bytes(const uint8_t *bytes, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
	{
		ck_assert_uint_eq(bytes[i], (i + 1) & 0xff);
	}
}

/* --- parsers, run the same way for every test ---------------------------- */

typedef enum {
	P_CAPS,
	P_KEY,
	P_ENTROPY,
} parser_t;

typedef struct {
	skip_capabilities_t *caps;
	skip_key_t *key;
	skip_entropy_t *entropy;
} parsed_t;

static skip_status_t run_parser(parser_t parser, const char *body, size_t len,
								unsigned bits, const char *key_id,
								parsed_t *out, skip_error_t *err)
{
	switch (parser)
	{
		case P_CAPS:
			return skip_json_parse_capabilities(body, len, NULL, NULL,
												&out->caps, err);
		case P_KEY:
			return skip_json_parse_key(body, len, bits, key_id, &out->key,
									   err);
		case P_ENTROPY:
			return skip_json_parse_entropy(body, len, bits, &out->entropy,
										   err);
	}
	ck_abort_msg("unknown parser %d", parser);
	return SKIP_ERR_INTERNAL;
}

static void parsed_destroy(parsed_t *out)
{
	skip_capabilities_destroy(out->caps);
	skip_key_destroy(out->key);
	skip_entropy_destroy(out->entropy);
	memset(out, 0, sizeof(*out));
}

/** the parsed key has exactly this keyId and these bytes */
static void assert_key(parsed_t *out, const char *key_id, const uint8_t *key,
					   size_t len)
{
	ck_assert_str_eq(out->key->key_id, key_id);
	ck_assert_uint_eq(out->key->key_len, len);
	ck_assert_mem_eq(out->key->key, key, len);
}

/** parse a literal body that must be accepted */
static skip_status_t parse_ok(parser_t parser, const char *lit, size_t len,
							  unsigned bits, const char *key_id,
							  parsed_t *out)
{
	body_t b = { .lit = lit, .lit_len = len };
	skip_error_t err = { .status = SKIP_ERR_INTERNAL };
	skip_status_t status;
	char *body;

	memset(out, 0, sizeof(*out));
	body = body_build(&b, &len);
	status = run_parser(parser, body, len, bits, key_id, out, &err);
	free(body);
	ck_assert_msg(status == SKIP_OK, "refused: %s (%s)",
				  skip_status_name(status), err.detail);
	return status;
}

/* --- capabilities -------------------------------------------------------- */

START_TEST(test_caps_draft_example)
{
	parsed_t out;

	parse_ok(P_CAPS, LIT(CAPS_OK), 0, NULL, &out);
	ck_assert(out.caps->entropy);
	ck_assert(out.caps->key);
	ck_assert_str_eq(out.caps->algorithm, "PRF");
	ck_assert_str_eq(out.caps->local_system_id, "Alice");
	ck_assert_uint_eq(out.caps->remote_system_id_count, 2);
	ck_assert_str_eq(out.caps->remote_system_ids[0], "Bob");
	ck_assert_str_eq(out.caps->remote_system_ids[1], "Eve");
	parsed_destroy(&out);
}
END_TEST

START_TEST(test_caps_variants)
{
	static const char body[] =
		"\r\n\t {\n"
		"  \"vendor\": {\"name\": \"x\", \"v\": [1, 2]},\n"
		"  \"remoteSystemID\": [\"KP_*_LOC1\", \"Car?l\", \"Z[0-9]\","
		" \"Y[!0-9]\", \"Bob\"],\n"
		"  \"localSystemID\": \"KP_ALICE_LOC1\",\n"
		"  \"algorithm\": \"QKD BB84 + HMAC-SHA256\",\n"
		"  \"key\": false,\n"
		"  \"entropy\": false,\n"
		"  \"comment\": null\n"
		"}\n ";
	static const char *remote[] = {
		"KP_*_LOC1", "Car?l", "Z[0-9]", "Y[!0-9]", "Bob",
	};
	parsed_t out;
	size_t i;

	parse_ok(P_CAPS, LIT(body), 0, NULL, &out);
	ck_assert(!out.caps->entropy);
	ck_assert(!out.caps->key);
	ck_assert_str_eq(out.caps->algorithm, "QKD BB84 + HMAC-SHA256");
	ck_assert_str_eq(out.caps->local_system_id, "KP_ALICE_LOC1");
	ck_assert_uint_eq(out.caps->remote_system_id_count, countof(remote));
	for (i = 0; i < countof(remote); i++)
	{
		ck_assert_str_eq(out.caps->remote_system_ids[i], remote[i]);
	}
	parsed_destroy(&out);

	/* the booleans are independent */
	parse_ok(P_CAPS, LIT(CAPS("false", "true", Q("PRF"), Q("Alice"),
							  "[\"Bob\"]")), 0, NULL, &out);
	ck_assert(!out.caps->entropy);
	ck_assert(out.caps->key);
	parsed_destroy(&out);
	parse_ok(P_CAPS, LIT(CAPS("true", "false", Q("PRF"), Q("Alice"),
							  "[\"Bob\"]")), 0, NULL, &out);
	ck_assert(out.caps->entropy);
	ck_assert(!out.caps->key);
	parsed_destroy(&out);
}
END_TEST

/** the longest values the parser accepts */
static const body_t caps_limits[] = {
	B_FILL("{\"entropy\":true,\"key\":true,\"algorithm\":\"PRF\","
		   "\"localSystemID\":\"", "x", SKIP_SYSTEM_ID_MAX,
		   "\",\"remoteSystemID\":[\"Bob\"]}"),
	B_FILL("{\"entropy\":true,\"key\":true,\"algorithm\":\"PRF\","
		   "\"localSystemID\":\"Alice\",\"remoteSystemID\":[\"Bob\",\"",
		   "y", SKIP_SYSTEM_ID_MAX, "\"]}"),
	B_FILL("{\"entropy\":true,\"key\":true,\"algorithm\":\"", "a",
		   SKIP_ALGORITHM_MAX,
		   "\",\"localSystemID\":\"Alice\",\"remoteSystemID\":[\"Bob\"]}"),
	B_FILL("{\"entropy\":true,\"key\":true,\"algorithm\":\"PRF\","
		   "\"localSystemID\":\"Alice\",\"remoteSystemID\":[\"Bob\"",
		   ",\"Bob\"", SKIP_REMOTE_SYSTEM_IDS_MAX - 1, "]}"),
	B_FILL(CAPS_OK, " ", SKIP_JSON_BODY_MAX - SLEN(CAPS_OK), ""),
};

START_TEST(test_caps_limits)
{
	skip_error_t err = {};
	parsed_t out = {};
	skip_status_t status;
	size_t len;
	char *body;

	body = body_build(&caps_limits[_i], &len);
	status = skip_json_parse_capabilities(body, len, NULL, NULL, &out.caps,
										  &err);
	free(body);
	ck_assert_msg(status == SKIP_OK, "refused: %s", err.detail);
	switch (_i)
	{
		case 0:
			ck_assert_uint_eq(strlen(out.caps->local_system_id),
							  SKIP_SYSTEM_ID_MAX);
			break;
		case 1:
			ck_assert_uint_eq(out.caps->remote_system_id_count, 2);
			ck_assert_uint_eq(strlen(out.caps->remote_system_ids[1]),
							  SKIP_SYSTEM_ID_MAX);
			break;
		case 2:
			ck_assert_uint_eq(strlen(out.caps->algorithm),
							  SKIP_ALGORITHM_MAX);
			break;
		case 3:
			ck_assert_uint_eq(out.caps->remote_system_id_count,
							  SKIP_REMOTE_SYSTEM_IDS_MAX);
			ck_assert_str_eq(out.caps->remote_system_ids[
						SKIP_REMOTE_SYSTEM_IDS_MAX - 1], "Bob");
			break;
		default:
			ck_assert_str_eq(out.caps->local_system_id, "Alice");
			break;
	}
	parsed_destroy(&out);
}
END_TEST

typedef struct {
	const char *id;
	bool allowed;
} allows_case_t;

static const allows_case_t allows[] = {
	{ "KP_ALICE_LOC1",	true },		/* KP_*_LOC1 */
	{ "KP_BOB_LOC1",	true },
	{ "KP_BOB_LOC2",	false },
	{ "Carol",			true },		/* Car?l */
	{ "Carl",			false },
	{ "Z7",				true },		/* Z[0-9] */
	{ "Za",				false },
	{ "Z77",			false },
	{ "Ya",				true },		/* Y[!0-9] */
	{ "Y7",				false },
	{ "Bob",			true },		/* Bob */
	{ "bob",			false },
	{ "Bobby",			false },
	{ "Mallory",		false },
};

START_TEST(test_caps_allows)
{
	static const char body[] = CAPS_R("[\"KP_*_LOC1\",\"Car?l\",\"Z[0-9]\","
									  "\"Y[!0-9]\",\"Bob\"]");
	parsed_t out;

	parse_ok(P_CAPS, LIT(body), 0, NULL, &out);
	ck_assert_msg(skip_capabilities_allows(out.caps, allows[_i].id) ==
				  allows[_i].allowed, "'%s' should %sbe allowed",
				  allows[_i].id, allows[_i].allowed ? "" : "not ");
	parsed_destroy(&out);
}
END_TEST

/**
 * What the draft leaves open is accepted: system IDs are strings of any
 * bytes but NUL, and a remoteSystemID entry the client cannot use is left
 * out (and logged) instead of refusing the whole answer.
 */
typedef struct {
	const char *name;
	body_t body;
	/** localSystemID expected */
	const char *local;
	/** remoteSystemID entries expected, NULL-terminated */
	const char *remote[3];
	/** log lines expected (one per entry left out) */
	int logged;
	/** a log line must contain this */
	const char *log_has;
} lenient_case_t;

#define LENIENT(n_, s, l_, ...) \
	{ .name = (n_), .body = B_LIT(s), .local = (l_), .remote = { __VA_ARGS__ } }
#define LENIENT_LOG(n_, s, count, has, ...) \
	{ .name = (n_), .body = B_LIT(s), .local = "Alice", \
	  .remote = { __VA_ARGS__ }, .logged = (count), .log_has = (has) }

static const lenient_case_t lenient[] = {
	LENIENT("space in localSystemID", CAPS_L(Q("Al ice")), "Al ice", "Bob"),
	LENIENT("UTF-8 localSystemID", CAPS_L(Q("Al\xc3\xa9")), "Al\xc3\xa9",
			"Bob"),
	LENIENT("escaped non-ASCII localSystemID", CAPS_L(Q("Al\\u00e9")),
			"Al\xc3\xa9", "Bob"),
	LENIENT("control character in localSystemID", CAPS_L(Q("Al\\u0001ice")),
			"Al\x01ice", "Bob"),
	LENIENT("tab in localSystemID", CAPS_L(Q("Al\\tice")), "Al\tice", "Bob"),
	LENIENT("newline in localSystemID", CAPS_L(Q("Alice\\n")), "Alice\n",
			"Bob"),
	LENIENT("DEL in localSystemID", CAPS_L(Q("Alice\\u007f")), "Alice\x7f",
			"Bob"),
	LENIENT("UTF-8 remoteSystemID", CAPS_R("[\"B\xc3\xb6" "b\"]"), "Alice",
			"B\xc3\xb6" "b"),
	LENIENT("escaped non-ASCII remoteSystemID",
			CAPS_R("[\"Bob\",\"\\u00c9ve\"]"), "Alice", "Bob", "\xc3\x89ve"),
	LENIENT("space in remoteSystemID", CAPS_R("[\"Bob\",\"E ve\"]"), "Alice",
			"Bob", "E ve"),
	LENIENT("newline in remoteSystemID", CAPS_R("[\"Bob\\n\"]"), "Alice",
			"Bob\n"),
	LENIENT_LOG("empty remoteSystemID entry", CAPS_R("[\"Bob\",\"\"]"), 1,
				"entry 1 '': empty", "Bob"),
	LENIENT_LOG("null remoteSystemID entry", CAPS_R("[null,\"Bob\"]"), 1,
				"entry 0 '': not a string", "Bob"),
	LENIENT_LOG("\\u0000 in remoteSystemID entry",
				CAPS_R("[\"Bob\",\"E'v\\\\e\\u0000x\",\"Eve\"]"), 1,
				"entry 1 'E\\x27v\\x5ce': contains NUL", "Bob", "Eve"),
	LENIENT_LOG("several unusable entries",
				CAPS_R("[7,\"Bob\",{},[\"x\"],true,\"\"]"), 5, "entry 5",
				"Bob"),
};

typedef struct {
	int count;
	char last[2048];
	bool printable;
} log_capture_t;

static void capture_log(void *ctx, int level, const char *fmt, va_list args)
{
	log_capture_t *capture = ctx;
	char line[2048];

	vsnprintf(line, sizeof(line), fmt, args);
	capture->count++;
	capture->printable &= skip_printable(line, strlen(line), sizeof(line));
	if (strstr(line, "remoteSystemID"))
	{
		strcpy(capture->last, line);
	}
}

START_TEST(test_caps_lenient)
{
	const lenient_case_t *c = &lenient[_i];
	log_capture_t capture = { .printable = true };
	skip_error_t err = {};
	skip_capabilities_t *caps = NULL;
	char *body;
	size_t len, i;

	body = body_build(&c->body, &len);
	ck_assert_msg(skip_json_parse_capabilities(body, len, capture_log,
											   &capture, &caps, &err) == SKIP_OK,
				  "%s: refused: %s", c->name, err.detail);
	free(body);
	ck_assert_str_eq(caps->local_system_id, c->local);
	for (i = 0; i < countof(c->remote) && c->remote[i]; i++)
	{
		ck_assert_uint_gt(caps->remote_system_id_count, i);
		ck_assert_str_eq(caps->remote_system_ids[i], c->remote[i]);
	}
	ck_assert_uint_eq(caps->remote_system_id_count, i);
	ck_assert_msg(capture.count == c->logged, "%s: %d log lines", c->name,
				  capture.count);
	ck_assert_msg(capture.printable, "%s: log line not printable", c->name);
	ck_assert_msg(!c->log_has || strstr(capture.last, c->log_has),
				  "%s: '%s' lacks '%s'", c->name, capture.last, c->log_has);
	skip_capabilities_destroy(caps);
}
END_TEST

/**
 * An entry longer than SKIP_SYSTEM_ID_MAX is left out; the log line shows
 * a bounded part of it.
 */
START_TEST(test_caps_lenient_long_entry)
{
	static const body_t b = B_FILL("{\"entropy\":true,\"key\":true,"
		"\"algorithm\":\"PRF\",\"localSystemID\":\"Alice\","
		"\"remoteSystemID\":[\"Bob\",\"", "\\u0001", 2 * SKIP_SYSTEM_ID_MAX,
		"\"]}");
	log_capture_t capture = { .printable = true };
	skip_capabilities_t *caps = NULL;
	skip_error_t err = {};
	char *body;
	size_t len;

	body = body_build(&b, &len);
	ck_assert_msg(skip_json_parse_capabilities(body, len, capture_log,
											   &capture, &caps, &err) == SKIP_OK,
				  "refused: %s", err.detail);
	free(body);
	ck_assert_uint_eq(caps->remote_system_id_count, 1);
	ck_assert_str_eq(caps->remote_system_ids[0], "Bob");
	ck_assert_int_eq(capture.count, 1);
	ck_assert(capture.printable);
	ck_assert_ptr_nonnull(strstr(capture.last, "too long"));
	ck_assert_ptr_nonnull(strstr(capture.last, "'\\x01\\x01"));
	ck_assert_uint_lt(strlen(capture.last), SKIP_SYSTEM_ID_LOG_MAX + 100);
	skip_capabilities_destroy(caps);
}
END_TEST

/* --- keys ---------------------------------------------------------------- */

/** key size checked or not, keyId expected or not */
static const struct {
	unsigned bits;
	const char *key_id;
} key_args[] = {
	{ 256,	NULL },
	{ 0,	NULL },
	{ 256,	DRAFT_KEY_ID },
	{ 0,	DRAFT_KEY_ID },
};

START_TEST(test_key_draft_example)
{
	parsed_t out;

	parse_ok(P_KEY, LIT(KEY_OK), key_args[_i].bits, key_args[_i].key_id, &out);
	/* exactly as sent, upper case kept */
	assert_key(&out, DRAFT_KEY_ID, draft_key, sizeof(draft_key));
	parsed_destroy(&out);
}
END_TEST

START_TEST(test_key_upper_case)
{
	static const char body[] = KEY(Q("00112233445566778899AABBCCDDEEFF"),
								   Q(DRAFT_RANDOM));
	parsed_t out;

	parse_ok(P_KEY, LIT(body), 256, "00112233445566778899AABBCCDDEEFF", &out);
	assert_key(&out, "00112233445566778899AABBCCDDEEFF", draft_key, sizeof(draft_key));
	parsed_destroy(&out);
}
END_TEST

/**
 * A KP may echo the keyId in another case than it was asked for (hex is
 * case-insensitive); the keyId is kept as the KP sent it.
 */
START_TEST(test_key_id_echo_case)
{
	static const char body[] = KEY(Q("00112233445566778899AABBCCDDEEFF"),
								   Q(DRAFT_RANDOM));
	static const char body_lower[] = KEY(Q(DRAFT_KEY_ID_LOWER),
										 Q(DRAFT_RANDOM));
	parsed_t out;

	parse_ok(P_KEY, LIT(body), 256, "00112233445566778899aabbccddeeff", &out);
	assert_key(&out, "00112233445566778899AABBCCDDEEFF", draft_key,
			   sizeof(draft_key));
	parsed_destroy(&out);
	parse_ok(P_KEY, LIT(body_lower), 256, DRAFT_KEY_ID, &out);
	assert_key(&out, DRAFT_KEY_ID_LOWER, draft_key, sizeof(draft_key));
	parsed_destroy(&out);
}
END_TEST

START_TEST(test_key_variants)
{
	static const char body[] =
		" {\"key\" : \"00000000000000000000000000000001\",\n"
		"  \"expires\": 3600, \"meta\": {\"a\": [1]},\n"
		"  \"keyId\" : \"ab\"}\r\n";
	static const uint8_t expected[16] = { [15] = 0x01 };
	parsed_t out;

	/* field order, extra fields, white space, leading zero bytes */
	parse_ok(P_KEY, LIT(body), 128, "ab", &out);
	assert_key(&out, "ab", expected, sizeof(expected));
	parsed_destroy(&out);
}
END_TEST

/** key sizes in bytes, each parsed with and without the size expected */
static const size_t key_sizes[] = {
	1, 16, 32, 48, 64, 512, SKIP_KEY_MAX_BYTES,
};

START_TEST(test_key_sizes)
{
	size_t bytes = key_sizes[_i / 2];
	unsigned bits = _i % 2 ? bytes * 8 : 0;
	char *hex, *body;
	parsed_t out;
	int len;

	hex = counting_hex(bytes);
	/* the keyId is the start of the key, up to the longest (128 digits) */
	len = asprintf(&body, "{\"keyId\":\"%.*s\",\"key\":\"%s\"}",
				   SKIP_KEY_ID_MAX_HEX, hex, hex);
	ck_assert_int_gt(len, 0);
	free(hex);
	parse_ok(P_KEY, body, len, bits, NULL, &out);
	free(body);
	ck_assert_uint_eq(out.key->key_len, bytes);
	assert_counting_bytes(out.key->key, bytes);
	ck_assert_uint_eq(strlen(out.key->key_id),
					  2 * bytes < SKIP_KEY_ID_MAX_HEX ? 2 * bytes
													  : SKIP_KEY_ID_MAX_HEX);
	parsed_destroy(&out);
}
END_TEST

/* --- entropy ------------------------------------------------------------- */

/** entropy requested: the KP's default, exactly or less than delivered */
static const unsigned entropy_bits[] = { 0, 256, 128, 1 };

START_TEST(test_entropy_draft_example)
{
	parsed_t out;

	parse_ok(P_ENTROPY, LIT(ENTROPY_OK), entropy_bits[_i], NULL, &out);
	ck_assert_uint_eq(out.entropy->len, sizeof(draft_key));
	ck_assert_mem_eq(out.entropy->random, draft_key, sizeof(draft_key));
	ck_assert_uint_eq(out.entropy->min_entropy, 256);
	parsed_destroy(&out);
}
END_TEST

START_TEST(test_entropy_variants)
{
	static const char less[] =
		"{\"minentropy\":128,\"source\":\"qrng\","
		"\"randomStr\":\"" DRAFT_KEY "\"}";
	static const char one[] = ENTROPY(Q("01"), "1");
	parsed_t out;

	/* fewer bits of entropy than random bits */
	parse_ok(P_ENTROPY, LIT(less), 128, NULL, &out);
	ck_assert_uint_eq(out.entropy->min_entropy, 128);
	ck_assert_uint_eq(out.entropy->len, sizeof(draft_key));
	ck_assert_mem_eq(out.entropy->random, draft_key, sizeof(draft_key));
	parsed_destroy(&out);

	parse_ok(P_ENTROPY, LIT(one), 0, NULL, &out);
	ck_assert_uint_eq(out.entropy->min_entropy, 1);
	ck_assert_uint_eq(out.entropy->len, 1);
	ck_assert_uint_eq(out.entropy->random[0], 0x01);
	parsed_destroy(&out);
}
END_TEST

START_TEST(test_entropy_max)
{
	char *hex, *body;
	parsed_t out;
	int len;

	hex = counting_hex(SKIP_ENTROPY_MAX_BYTES);
	len = asprintf(&body, "{\"randomStr\":\"%s\",\"minentropy\":%d}", hex,
				   SKIP_ENTROPY_MAX_BYTES * 8);
	ck_assert_int_gt(len, 0);
	free(hex);
	parse_ok(P_ENTROPY, body, len, SKIP_ENTROPY_MAX_BYTES * 8, NULL, &out);
	free(body);
	ck_assert_uint_eq(out.entropy->len, SKIP_ENTROPY_MAX_BYTES);
	ck_assert_uint_eq(out.entropy->min_entropy, SKIP_ENTROPY_MAX_BYTES * 8);
	assert_counting_bytes(out.entropy->random, SKIP_ENTROPY_MAX_BYTES);
	parsed_destroy(&out);
}
END_TEST

/* --- malformed answers --------------------------------------------------- */

typedef struct {
	const char *name;
	parser_t parser;
	body_t body;
	/** key_bits or min_bits */
	unsigned bits;
	/** keyId expected */
	const char *key_id;
} bad_case_t;

/**
 * Run the parser of a case on its body.
 */
static skip_status_t run_case(const bad_case_t *c, parsed_t *out,
							  skip_error_t *err)
{
	skip_status_t status;
	size_t len;
	char *body;

	body = body_build(&c->body, &len);
	status = run_parser(c->parser, body, len, c->bits, c->key_id, out, err);
	free(body);
	return status;
}

#define BAD(p, n_, s) { .name = (n_), .parser = (p), .body = B_LIT(s) }
#define BAD_ARGS(p, n_, s, b_, id_) \
	{ .name = (n_), .parser = (p), .body = B_LIT(s), .bits = (b_), \
	  .key_id = (id_) }
#define BAD_FILL(p, n_, pre, f, count, suf) \
	{ .name = (n_), .parser = (p), .body = B_FILL(pre, f, count, suf) }

static const bad_case_t bad[] = {
	/* capabilities: the body */
	BAD(P_CAPS, "caps: empty body", ""),
	BAD(P_CAPS, "caps: one byte", "{"),
	BAD(P_CAPS, "caps: one space", " "),
	BAD_FILL(P_CAPS, "caps: body over SKIP_JSON_BODY_MAX", CAPS_OK, " ",
			 SKIP_JSON_BODY_MAX + 1 - SLEN(CAPS_OK), ""),
	BAD(P_CAPS, "caps: NUL byte after the object", CAPS_OK "\0"),
	BAD(P_CAPS, "caps: NUL byte in a string", CAPS_L("\"Al\0ice\"")),
	BAD(P_CAPS, "caps: not JSON", "Internal Server Error"),
	BAD(P_CAPS, "caps: HTML", "<html><body>502</body></html>"),
	BAD(P_CAPS, "caps: truncated", "{\"entropy\":true,\"key\":true,"
		"\"algorithm\":\"PRF\",\"localSys"),
	BAD(P_CAPS, "caps: closing brace missing", "{" CAPS_FIELDS),
	BAD(P_CAPS, "caps: trailing garbage", CAPS_OK "x"),
	BAD(P_CAPS, "caps: trailing garbage after space", CAPS_OK " \n;"),
	BAD(P_CAPS, "caps: second object", CAPS_OK "{}"),
	BAD(P_CAPS, "caps: trailing comma", "{" CAPS_FIELDS ",}"),
	BAD(P_CAPS, "caps: invalid literal", CAPS("True", "true", Q("PRF"),
											  Q("Alice"), "[\"Bob\"]")),
	BAD(P_CAPS, "caps: top-level array", "[" CAPS_OK "]"),
	BAD(P_CAPS, "caps: top-level string", Q("Alice")),
	BAD(P_CAPS, "caps: top-level number", "42 "),
	BAD(P_CAPS, "caps: top-level null", "null "),
	BAD(P_CAPS, "caps: nesting too deep", "{\"x\":" DEEP "," CAPS_FIELDS "}"),
	BAD(P_CAPS, "caps: remoteSystemID nested too deep",
		CAPS_R("[[[[[[\"Bob\"]]]]]]")),
	/* capabilities: missing fields */
	BAD(P_CAPS, "caps: no entropy", "{\"key\":true,\"algorithm\":\"PRF\","
		"\"localSystemID\":\"Alice\",\"remoteSystemID\":[\"Bob\"]}"),
	BAD(P_CAPS, "caps: no key", "{\"entropy\":true,\"algorithm\":\"PRF\","
		"\"localSystemID\":\"Alice\",\"remoteSystemID\":[\"Bob\"]}"),
	BAD(P_CAPS, "caps: no algorithm", "{\"entropy\":true,\"key\":true,"
		"\"localSystemID\":\"Alice\",\"remoteSystemID\":[\"Bob\"]}"),
	BAD(P_CAPS, "caps: no localSystemID", "{\"entropy\":true,\"key\":true,"
		"\"algorithm\":\"PRF\",\"remoteSystemID\":[\"Bob\"]}"),
	BAD(P_CAPS, "caps: no remoteSystemID", "{\"entropy\":true,\"key\":true,"
		"\"algorithm\":\"PRF\",\"localSystemID\":\"Alice\"}"),
	BAD(P_CAPS, "caps: empty object", "{}"),
	BAD(P_CAPS, "caps: field names in other case",
		"{\"Entropy\":true,\"Key\":true,\"Algorithm\":\"PRF\","
		"\"LocalSystemID\":\"Alice\",\"RemoteSystemID\":[\"Bob\"]}"),
	/* capabilities: wrong types */
	BAD(P_CAPS, "caps: entropy string", CAPS(Q("true"), "true", Q("PRF"),
											 Q("Alice"), "[\"Bob\"]")),
	BAD(P_CAPS, "caps: entropy number", CAPS("1", "true", Q("PRF"),
											 Q("Alice"), "[\"Bob\"]")),
	BAD(P_CAPS, "caps: entropy null", CAPS("null", "true", Q("PRF"),
										   Q("Alice"), "[\"Bob\"]")),
	BAD(P_CAPS, "caps: entropy array", CAPS("[true]", "true", Q("PRF"),
											Q("Alice"), "[\"Bob\"]")),
	BAD(P_CAPS, "caps: entropy object", CAPS("{}", "true", Q("PRF"),
											 Q("Alice"), "[\"Bob\"]")),
	BAD(P_CAPS, "caps: key string", CAPS("true", Q("yes"), Q("PRF"),
										 Q("Alice"), "[\"Bob\"]")),
	BAD(P_CAPS, "caps: key number", CAPS("true", "0", Q("PRF"),
										 Q("Alice"), "[\"Bob\"]")),
	BAD(P_CAPS, "caps: key null", CAPS("true", "null", Q("PRF"),
									   Q("Alice"), "[\"Bob\"]")),
	BAD(P_CAPS, "caps: algorithm number", CAPS_A("1")),
	BAD(P_CAPS, "caps: algorithm boolean", CAPS_A("true")),
	BAD(P_CAPS, "caps: algorithm null", CAPS_A("null")),
	BAD(P_CAPS, "caps: algorithm array", CAPS_A("[\"PRF\"]")),
	BAD(P_CAPS, "caps: algorithm object", CAPS_A("{\"name\":\"PRF\"}")),
	BAD(P_CAPS, "caps: localSystemID number", CAPS_L("42")),
	BAD(P_CAPS, "caps: localSystemID boolean", CAPS_L("false")),
	BAD(P_CAPS, "caps: localSystemID null", CAPS_L("null")),
	BAD(P_CAPS, "caps: localSystemID array", CAPS_L("[\"Alice\"]")),
	BAD(P_CAPS, "caps: localSystemID object", CAPS_L("{}")),
	BAD(P_CAPS, "caps: remoteSystemID string", CAPS_R(Q("Bob"))),
	BAD(P_CAPS, "caps: remoteSystemID number", CAPS_R("7")),
	BAD(P_CAPS, "caps: remoteSystemID boolean", CAPS_R("true")),
	BAD(P_CAPS, "caps: remoteSystemID null", CAPS_R("null")),
	BAD(P_CAPS, "caps: remoteSystemID object", CAPS_R("{\"0\":\"Bob\"}")),
	BAD(P_CAPS, "caps: remoteSystemID entry number", CAPS_R("[1]")),
	BAD(P_CAPS, "caps: remoteSystemID entry boolean", CAPS_R("[true]")),
	BAD(P_CAPS, "caps: remoteSystemID entry array", CAPS_R("[[\"Bob\"]]")),
	BAD(P_CAPS, "caps: remoteSystemID entry object", CAPS_R("[{}]")),
	/* capabilities: values */
	BAD(P_CAPS, "caps: \\u0000 in localSystemID", CAPS_L(Q("Al\\u0000ice"))),
	BAD(P_CAPS, "caps: \\u0000 at end of localSystemID",
		CAPS_L(Q("Alice\\u0000"))),
	BAD(P_CAPS, "caps: \\u0000 in algorithm", CAPS_A(Q("PRF\\u0000"))),
	BAD(P_CAPS, "caps: empty localSystemID", CAPS_L(Q(""))),
	BAD_FILL(P_CAPS, "caps: localSystemID over 255",
			 "{\"entropy\":true,\"key\":true,\"algorithm\":\"PRF\","
			 "\"localSystemID\":\"", "x", SKIP_SYSTEM_ID_MAX + 1,
			 "\",\"remoteSystemID\":[\"Bob\"]}"),
	BAD(P_CAPS, "caps: empty remoteSystemID array", CAPS_R("[]")),
	BAD(P_CAPS, "caps: no usable remoteSystemID entry",
		CAPS_R("[\"\",null,\"a\\u0000\",7]")),
	BAD_FILL(P_CAPS, "caps: only remoteSystemID entry over 255",
			 "{\"entropy\":true,\"key\":true,\"algorithm\":\"PRF\","
			 "\"localSystemID\":\"Alice\",\"remoteSystemID\":[\"",
			 "y", SKIP_SYSTEM_ID_MAX + 1, "\"]}"),
	BAD_FILL(P_CAPS, "caps: too many remoteSystemID entries",
			 "{\"entropy\":true,\"key\":true,\"algorithm\":\"PRF\","
			 "\"localSystemID\":\"Alice\",\"remoteSystemID\":[\"Bob\"",
			 ",\"Bob\"", SKIP_REMOTE_SYSTEM_IDS_MAX, "]}"),
	BAD(P_CAPS, "caps: newline in algorithm", CAPS_A(Q("PR\\nF"))),
	BAD(P_CAPS, "caps: escape sequence in algorithm",
		CAPS_A(Q("\\u001b[31mPRF"))),
	BAD(P_CAPS, "caps: non-ASCII algorithm", CAPS_A(Q("PR\\u00c9F"))),
	BAD_FILL(P_CAPS, "caps: algorithm over 255",
			 "{\"entropy\":true,\"key\":true,\"algorithm\":\"", "a",
			 SKIP_ALGORITHM_MAX + 1,
			 "\",\"localSystemID\":\"Alice\",\"remoteSystemID\":[\"Bob\"]}"),

	/* key: the body */
	BAD(P_KEY, "key: empty body", ""),
	BAD(P_KEY, "key: one byte", "x"),
	BAD_FILL(P_KEY, "key: body over SKIP_JSON_BODY_MAX", KEY_OK, "\n",
			 SKIP_JSON_BODY_MAX + 1 - SLEN(KEY_OK), ""),
	BAD(P_KEY, "key: NUL byte after the object", KEY_OK "\0"),
	BAD(P_KEY, "key: NUL byte in the key", KEY_K("\"ad22\0" "9dfb\"")),
	BAD(P_KEY, "key: truncated", "{\"keyId\":\"" DRAFT_KEY_ID "\",\"key\":\"ad"),
	BAD(P_KEY, "key: closing brace missing",
		"{\"keyId\":\"" DRAFT_KEY_ID "\",\"key\":\"" DRAFT_KEY "\""),
	BAD(P_KEY, "key: trailing garbage", KEY_OK ","),
	BAD(P_KEY, "key: second object", KEY_OK KEY_OK),
	BAD(P_KEY, "key: duplicate keyId", "{\"keyId\":" Q(DRAFT_KEY_ID) ","
		"\"keyId\":\"00ff\",\"key\":" Q(DRAFT_KEY) "}"),
	BAD(P_KEY, "key: duplicate key", "{\"keyId\":" Q(DRAFT_KEY_ID) ","
		"\"key\":" Q(DRAFT_KEY) ",\"key\":" Q(DRAFT_KEY) "}"),
	BAD(P_KEY, "key: duplicate key, escaped name", "{\"keyId\":"
		Q(DRAFT_KEY_ID) ",\"key\":" Q(DRAFT_KEY) ",\"k\\u0065y\":"
		Q(DRAFT_KEY) "}"),
	BAD(P_KEY, "key: duplicate unknown field", "{\"x\":1,\"x\":{\"y\":[\"}\"]},"
		"\"keyId\":" Q(DRAFT_KEY_ID) ",\"key\":" Q(DRAFT_KEY) "}"),
	BAD(P_KEY, "key: top-level array", "[" KEY_OK "]"),
	BAD(P_KEY, "key: top-level string", Q(DRAFT_KEY)),
	BAD(P_KEY, "key: nesting too deep",
		"{\"x\":{\"y\":{\"z\":{\"w\":{}}}},\"keyId\":\"" DRAFT_KEY_ID
		"\",\"key\":\"" DRAFT_KEY "\"}"),
	/* key: keyId */
	BAD(P_KEY, "key: no keyId", "{\"key\":\"" DRAFT_KEY "\"}"),
	BAD(P_KEY, "key: keyId number", KEY_I("1726")),
	BAD(P_KEY, "key: keyId float", KEY_I("17.26")),
	BAD(P_KEY, "key: keyId null", KEY_I("null")),
	BAD(P_KEY, "key: keyId boolean", KEY_I("true")),
	BAD(P_KEY, "key: keyId array", KEY_I("[\"abcd\"]")),
	BAD(P_KEY, "key: keyId object", KEY_I("{\"id\":\"abcd\"}")),
	BAD(P_KEY, "key: empty keyId", KEY_I(Q(""))),
	BAD(P_KEY, "key: odd-length keyId", KEY_I(Q("abc"))),
	BAD(P_KEY, "key: one-digit keyId", KEY_I(Q("a"))),
	BAD(P_KEY, "key: non-hex keyId",
		KEY_I(Q("1726e9AE76234FB1dd1283d4dca1911e1f93864d70f306zz"))),
	BAD(P_KEY, "key: 0x keyId", KEY_I(Q("0x1726e9AE"))),
	BAD(P_KEY, "key: keyId with ../", KEY_I(Q("../../etc/passwd"))),
	BAD(P_KEY, "key: keyId with ../ inside", KEY_I(Q("1726../e9AE"))),
	BAD(P_KEY, "key: keyId with escaped /", KEY_I(Q("1726..\\/..\\/e9"))),
	BAD(P_KEY, "key: keyId with %2f", KEY_I(Q("1726%2fe9"))),
	BAD(P_KEY, "key: keyId with %2F..%2F", KEY_I(Q("..%2F..%2Fetc"))),
	BAD(P_KEY, "key: keyId with space", KEY_I(Q("1726 e9AE"))),
	BAD(P_KEY, "key: keyId with query", KEY_I(Q("1726?x=1"))),
	BAD(P_KEY, "key: keyId with CRLF", KEY_I(Q("1726\\r\\nX: y"))),
	BAD(P_KEY, "key: \\u0000 in keyId", KEY_I(Q("1726\\u0000e9AE"))),
	BAD(P_KEY, "key: \\u0000 at end of keyId", KEY_I(Q("1726e9\\u0000"))),
	BAD(P_KEY, "key: UTF-8 keyId", KEY_I(Q("1726\xc3\xa9"))),
	BAD_FILL(P_KEY, "key: keyId over 128 hex digits", "{\"keyId\":\"", "a",
			 SKIP_KEY_ID_MAX_HEX + 2, "\",\"key\":\"" DRAFT_KEY "\"}"),
	/* key: key */
	BAD(P_KEY, "key: no key", "{\"keyId\":\"" DRAFT_KEY_ID "\"}"),
	BAD(P_KEY, "key: key number", KEY_K("1234")),
	BAD(P_KEY, "key: key null", KEY_K("null")),
	BAD(P_KEY, "key: key boolean", KEY_K("false")),
	BAD(P_KEY, "key: key array", KEY_K("[\"" DRAFT_KEY "\"]")),
	BAD(P_KEY, "key: key object", KEY_K("{\"hex\":\"" DRAFT_KEY "\"}")),
	BAD(P_KEY, "key: empty key", KEY_K(Q(""))),
	BAD(P_KEY, "key: odd-length key", KEY_K(Q(DRAFT_KEY "0"))),
	BAD(P_KEY, "key: one-digit key", KEY_K(Q("a"))),
	BAD(P_KEY, "key: non-hex key", KEY_K(Q(
		"ad229dfb8a276e74c1f3b6c09349a69fb2fed73c541270663f0e5cbbfb0316zz"))),
	BAD(P_KEY, "key: key with space", KEY_K(Q(
		"ad229dfb 8a276e74c1f3b6c09349a69fb2fed73c541270663f0e5cbbfb03167"))),
	BAD(P_KEY, "key: 0x key", KEY_K(Q("0x" DRAFT_KEY))),
	BAD(P_KEY, "key: base64 key",
		KEY_K(Q("rSKd+4onbnTB87bAk0mmn7L+1zxUEnBmPw5cu/sDFnA="))),
	BAD(P_KEY, "key: \\u0000 in key", KEY_K(Q("ad22\\u00009dfb"))),
	BAD(P_KEY, "key: UTF-8 key", KEY_K(Q("ad22\xc3\xa9"))),
	BAD_FILL(P_KEY, "key: key over SKIP_KEY_MAX_BYTES",
			 "{\"keyId\":\"ab\",\"key\":\"", "12", SKIP_KEY_MAX_BYTES + 1,
			 "\"}"),
	BAD_ARGS(P_KEY, "key: 128-bit key, 256 expected",
			 KEY_K(Q("00112233445566778899aabbccddeeff")), 256, NULL),
	BAD_ARGS(P_KEY, "key: 512-bit key, 256 expected",
			 KEY_K(Q(DRAFT_KEY DRAFT_KEY)), 256, NULL),
	BAD_ARGS(P_KEY, "key: 264-bit key, 256 expected",
			 KEY_K(Q(DRAFT_KEY "ff")), 256, NULL),
	BAD_ARGS(P_KEY, "key: 256-bit key, 128 expected", KEY_OK, 128, NULL),
	BAD_ARGS(P_KEY, "key: 256-bit key, 257 expected", KEY_OK, 257, NULL),
	BAD_ARGS(P_KEY, "key: all zeros, 256 expected", KEY_K(Q(
		"0000000000000000000000000000000000000000000000000000000000000000")),
		256, NULL),
	BAD(P_KEY, "key: all zeros, any size", KEY_K(Q("00"))),
	BAD(P_KEY, "key: all zeros, 64 bit", KEY_K(Q("0000000000000000"))),
	/* key: keyId expected */
	BAD_ARGS(P_KEY, "key: other keyId", KEY_OK, 0,
			 "00112233445566778899aabbccddeeff"),
	BAD_ARGS(P_KEY, "key: keyId is a prefix of the expected one", KEY_I(
			 Q("1726e9AE")), 256, DRAFT_KEY_ID),
	BAD_ARGS(P_KEY, "key: expected keyId is a prefix", KEY_OK, 256,
			 "1726e9AE"),
	BAD_ARGS(P_KEY, "key: expected keyId is longer", KEY_OK, 256,
			 DRAFT_KEY_ID "00"),

	/* entropy: the body */
	BAD(P_ENTROPY, "entropy: empty body", ""),
	BAD(P_ENTROPY, "entropy: one byte", "1"),
	BAD_FILL(P_ENTROPY, "entropy: body over SKIP_JSON_BODY_MAX", ENTROPY_OK,
			 "\t", SKIP_JSON_BODY_MAX + 1 - SLEN(ENTROPY_OK), ""),
	BAD(P_ENTROPY, "entropy: NUL byte after the object", ENTROPY_OK "\0"),
	BAD(P_ENTROPY, "entropy: NUL byte in the string",
		ENTROPY_R("\"AD22\0" "9DFB\"")),
	BAD(P_ENTROPY, "entropy: truncated", "{\"randomStr\":\"AD229DFB\","
		"\"minentropy\":2"),
	BAD(P_ENTROPY, "entropy: trailing garbage", ENTROPY_OK "]"),
	BAD(P_ENTROPY, "entropy: top-level array", "[" ENTROPY_OK "]"),
	BAD(P_ENTROPY, "entropy: top-level number", "256\n"),
	BAD(P_ENTROPY, "entropy: nesting too deep",
		"{\"x\":" DEEP ",\"randomStr\":\"" DRAFT_RANDOM "\",\"minentropy\":8}"),
	/* entropy: randomStr */
	BAD(P_ENTROPY, "entropy: no randomStr", "{\"minentropy\":256}"),
	BAD(P_ENTROPY, "entropy: randomStr number", ENTROPY_R("1234")),
	BAD(P_ENTROPY, "entropy: randomStr null", ENTROPY_R("null")),
	BAD(P_ENTROPY, "entropy: randomStr boolean", ENTROPY_R("true")),
	BAD(P_ENTROPY, "entropy: randomStr array", ENTROPY_R("[\"AD22\"]")),
	BAD(P_ENTROPY, "entropy: randomStr object", ENTROPY_R("{}")),
	BAD(P_ENTROPY, "entropy: empty randomStr", ENTROPY(Q(""), "1")),
	BAD(P_ENTROPY, "entropy: odd-length randomStr", ENTROPY_R(Q("AD2"))),
	BAD(P_ENTROPY, "entropy: non-hex randomStr", ENTROPY_R(Q("AD22XY"))),
	BAD(P_ENTROPY, "entropy: randomStr with space", ENTROPY_R(Q("AD 229"))),
	BAD(P_ENTROPY, "entropy: \\u0000 in randomStr",
		ENTROPY_R(Q("AD22\\u00009DFB"))),
	BAD_FILL(P_ENTROPY, "entropy: randomStr over SKIP_ENTROPY_MAX_BYTES",
			 "{\"minentropy\":256,\"randomStr\":\"", "a5",
			 SKIP_ENTROPY_MAX_BYTES + 1, "\"}"),
	/* entropy: minentropy */
	BAD(P_ENTROPY, "entropy: no minentropy",
		"{\"randomStr\":\"" DRAFT_RANDOM "\"}"),
	BAD(P_ENTROPY, "entropy: minentropy string", ENTROPY_M(Q("256"))),
	BAD(P_ENTROPY, "entropy: minentropy float", ENTROPY_M("256.0")),
	BAD(P_ENTROPY, "entropy: minentropy exponent", ENTROPY_M("2.56e2")),
	BAD(P_ENTROPY, "entropy: minentropy boolean", ENTROPY_M("true")),
	BAD(P_ENTROPY, "entropy: minentropy null", ENTROPY_M("null")),
	BAD(P_ENTROPY, "entropy: minentropy array", ENTROPY_M("[256]")),
	BAD(P_ENTROPY, "entropy: minentropy object", ENTROPY_M("{}")),
	BAD(P_ENTROPY, "entropy: huge minentropy",
		ENTROPY_M("99999999999999999999999")),
	BAD(P_ENTROPY, "entropy: huge negative minentropy",
		ENTROPY_M("-99999999999999999999999")),
	BAD(P_ENTROPY, "entropy: minentropy 2^64", ENTROPY_M("18446744073709551616")),
	BAD(P_ENTROPY, "entropy: minentropy 2^32 + 256", ENTROPY_M("4294967552")),
	BAD(P_ENTROPY, "entropy: zero minentropy", ENTROPY_M("0")),
	BAD(P_ENTROPY, "entropy: minentropy -1", ENTROPY_M("-1")),
	BAD(P_ENTROPY, "entropy: minentropy -256", ENTROPY_M("-256")),
	BAD(P_ENTROPY, "entropy: minentropy above the random bits",
		ENTROPY_M("257")),
	BAD_ARGS(P_ENTROPY, "entropy: less than requested", ENTROPY_OK, 512,
			 NULL),
	BAD_ARGS(P_ENTROPY, "entropy: minentropy below request",
			 ENTROPY(Q(DRAFT_RANDOM), "128"), 256, NULL),
};

/**
 * The bodies the corpus breaks are valid as they are.
 */
static const bad_case_t good_bases[] = {
	BAD(P_CAPS, "caps", CAPS_OK),
	BAD(P_CAPS, "caps with one remote", CAPS_R("[\"Bob\"]")),
	BAD(P_KEY, "key", KEY_OK),
	BAD_ARGS(P_KEY, "key with bits and keyId", KEY_OK, 256, DRAFT_KEY_ID),
	BAD(P_ENTROPY, "entropy", ENTROPY_OK),
	BAD_ARGS(P_ENTROPY, "entropy with bits", ENTROPY_OK, 256, NULL),
	BAD(P_ENTROPY, "entropy with 8 bits", ENTROPY_R(Q(DRAFT_RANDOM))),
	BAD(P_CAPS, "caps with extension at depth 3",
		"{\"x\":{\"y\":[1]}," CAPS_FIELDS "}"),
};

START_TEST(test_good_bases)
{
	const bad_case_t *c = &good_bases[_i];
	skip_error_t err = {};
	parsed_t out = {};
	skip_status_t status;

	status = run_case(c, &out, &err);
	ck_assert_msg(status == SKIP_OK, "%s: refused: %s", c->name, err.detail);
	parsed_destroy(&out);
}
END_TEST

START_TEST(test_bad_input)
{
	const bad_case_t *c = &bad[_i];
	skip_error_t err = { .status = SKIP_OK };
	parsed_t out = {};
	skip_status_t status;

	status = run_case(c, &out, &err);
	if (out.caps || out.key || out.entropy)
	{
		parsed_destroy(&out);
		ck_abort_msg("%s: accepted (status %s)", c->name,
					 skip_status_name(status));
	}
	ck_assert_msg(status == SKIP_ERR_PROTOCOL, "%s: status %s", c->name,
				  skip_status_name(status));
	ck_assert_msg(err.status == SKIP_ERR_PROTOCOL, "%s: err.status %s",
				  c->name, skip_status_name(err.status));
	ck_assert_msg(err.detail[0], "%s: no detail", c->name);
	ck_assert_msg(skip_printable(err.detail, strlen(err.detail),
								 SKIP_ERROR_DETAIL_LEN - 1),
				  "%s: detail not printable", c->name);
	/* never any key material in errors */
	ck_assert_msg(!strcasestr(err.detail, "ad229dfb"),
				  "%s: key in detail: %s", c->name, err.detail);
}
END_TEST

START_TEST(test_bad_input_no_err)
{
	const bad_case_t *c = &bad[_i];
	parsed_t out = {};
	skip_status_t status;

	status = run_case(c, &out, NULL);
	if (out.caps || out.key || out.entropy)
	{
		parsed_destroy(&out);
		ck_abort_msg("%s: accepted without err", c->name);
	}
	ck_assert_msg(status == SKIP_ERR_PROTOCOL, "%s: status %s", c->name,
				  skip_status_name(status));
}
END_TEST

/* --- error messages ------------------------------------------------------ */

typedef struct {
	const char *name;
	const char *body;
	size_t len;
	size_t out_len;
	const char *expected;
} message_case_t;

#define MSG(n_, s, out_len_, expected_) \
	{ (n_), LIT(s), (out_len_), (expected_) }

static const message_case_t messages[] = {
	MSG("plain",		"{\"message\":\"key not found\"}",	64,	"key not found"),
	MSG("with others",	"{\"error\":400,\"message\":\"bad keyId\","
						"\"path\":\"/key/zz\"}",			64,	"bad keyId"),
	MSG("escapes",		"{\"message\":\"say \\\"hi\\\" \\/ \\u0041\"}",
															64,	"say \"hi\" / A"),
	MSG("exactly fits",	"{\"message\":\"1234567\"}",		8,	"1234567"),
	MSG("empty",		"{\"message\":\"\"}",				64,	""),
	MSG("too long",		"{\"message\":\"12345678\"}",		8,	""),
	MSG("tab",			"{\"message\":\"a\\tb\"}",			64,	""),
	MSG("newline",		"{\"message\":\"a\\nFAKE LOG LINE\"}", 64, ""),
	MSG("escape seq",	"{\"message\":\"\\u001b[2J\"}",		64,	""),
	MSG("non-ASCII",	"{\"message\":\"caf\\u00e9\"}",		64,	""),
	MSG("UTF-8",		"{\"message\":\"caf\xc3\xa9\"}",	64,	""),
	MSG("\\u0000",		"{\"message\":\"ok\\u0000bad\"}",	64,	""),
	MSG("number",		"{\"message\":42}",					64,	""),
	MSG("boolean",		"{\"message\":true}",				64,	""),
	MSG("null",			"{\"message\":null}",				64,	""),
	MSG("array",		"{\"message\":[\"x\"]}",			64,	""),
	MSG("object",		"{\"message\":{\"text\":\"x\"}}",	64,	""),
	MSG("missing",		"{\"msg\":\"x\"}",					64,	""),
	MSG("not JSON",		"Internal Server Error",			64,	""),
	MSG("top-level string", "\"message\"",					64,	""),
	MSG("trailing data", "{\"message\":\"x\"} y",			64,	""),
	MSG("empty body",	"",									64,	""),
	MSG("NUL in body",	"{\"message\":\"x\"}\0",			64,	""),
};

START_TEST(test_error_message)
{
	const message_case_t *c = &messages[_i];
	body_t b = { .lit = c->body, .lit_len = c->len };
	char out[80], *body;
	size_t len;

	ck_assert_uint_lt(c->out_len, sizeof(out));
	memset(out, 'X', sizeof(out));
	body = body_build(&b, &len);
	skip_json_error_message(body, len, out, c->out_len);
	free(body);
	ck_assert_msg(strcmp(out, c->expected) == 0, "%s: '%s' instead of '%s'",
				  c->name, out, c->expected);
	/* nothing written past out_len */
	ck_assert_uint_eq(out[c->out_len], 'X');
}
END_TEST

START_TEST(test_error_message_no_room)
{
	static const char body[] = "{\"message\":\"x\"}";
	char out[4];

	memset(out, 'X', sizeof(out));
	skip_json_error_message(body, SLEN(body), out, 0);
	ck_assert_uint_eq(out[0], 'X');

	skip_json_error_message(body, SLEN(body), out, 1);
	ck_assert_uint_eq(out[0], '\0');
	ck_assert_uint_eq(out[1], 'X');
}
END_TEST

Suite *json_suite(void)
{
	Suite *s = suite_create("json");
	TCase *tc;

	tc = tcase_create("capabilities");
	tcase_add_test(tc, test_caps_draft_example);
	tcase_add_test(tc, test_caps_variants);
	tcase_add_loop_test(tc, test_caps_limits, 0, countof(caps_limits));
	tcase_add_loop_test(tc, test_caps_allows, 0, countof(allows));
	tcase_add_loop_test(tc, test_caps_lenient, 0, countof(lenient));
	tcase_add_test(tc, test_caps_lenient_long_entry);
	suite_add_tcase(s, tc);

	tc = tcase_create("key");
	tcase_add_loop_test(tc, test_key_draft_example, 0, countof(key_args));
	tcase_add_test(tc, test_key_upper_case);
	tcase_add_test(tc, test_key_id_echo_case);
	tcase_add_test(tc, test_key_variants);
	tcase_add_loop_test(tc, test_key_sizes, 0, 2 * countof(key_sizes));
	suite_add_tcase(s, tc);

	tc = tcase_create("entropy");
	tcase_add_loop_test(tc, test_entropy_draft_example, 0,
						countof(entropy_bits));
	tcase_add_test(tc, test_entropy_variants);
	tcase_add_test(tc, test_entropy_max);
	suite_add_tcase(s, tc);

	tc = tcase_create("bad_input");
	tcase_add_loop_test(tc, test_good_bases, 0, countof(good_bases));
	tcase_add_loop_test(tc, test_bad_input, 0, countof(bad));
	tcase_add_loop_test(tc, test_bad_input_no_err, 0, countof(bad));
	suite_add_tcase(s, tc);

	tc = tcase_create("error_message");
	tcase_add_loop_test(tc, test_error_message, 0, countof(messages));
	tcase_add_test(tc, test_error_message_no_room);
	suite_add_tcase(s, tc);

	return s;
}
