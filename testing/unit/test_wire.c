/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * skip_wire.h: the data of the USE_PPK and PPK_IDENTITY notifies, as an
 * unauthenticated IKE peer may send them.
 */

#include "test_suites.h"

#include <skip_wire.h>

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *wire_name(skip_wire_t w)
{
	switch (w)
	{
		case SKIP_WIRE_EMPTY:
			return "empty";
		case SKIP_WIRE_VALID:
			return "valid";
		case SKIP_WIRE_INVALID:
			return "invalid";
	}
	return "?";
}

/**
 * Notify data: a literal, or n copies of fill after a type byte (if any).
 */
typedef struct {
	const char *name;
	const char *data;
	size_t len;
	char fill;
	size_t n;
	skip_wire_t expected;
} wire_case_t;

#define W(n_, s, e_) { .name = (n_), .data = (s), .len = sizeof(s) - 1, \
					   .expected = (e_) }
#define W_FILL(n_, prefix, c, count, e_) \
	{ .name = (n_), .data = (prefix), .len = sizeof(prefix) - 1, \
	  .fill = (c), .n = (count), .expected = (e_) }

/** the data in a heap buffer of exactly its length */
static uint8_t *wire_build(const wire_case_t *c, size_t *len)
{
	uint8_t *buf;

	*len = c->len + c->n;
	buf = malloc(*len ? *len : 1);
	ck_assert_ptr_nonnull(buf);
	memcpy(buf, c->data, c->len);
	memset(buf + c->len, c->fill, c->n);
	return buf;
}

/* --- USE_PPK ------------------------------------------------------------- */

static const wire_case_t use_ppk[] = {
	W("empty",				"",						SKIP_WIRE_EMPTY),
	W("draft example",		"Alice",				SKIP_WIRE_VALID),
	W("glob-like ID",		"KP_ALICE_LOC1",		SKIP_WIRE_VALID),
	W("one character",		"a",					SKIP_WIRE_VALID),
	W("punctuation",		"kp-a.example:443/x",	SKIP_WIRE_VALID),
	W_FILL("255 bytes",		"",	'x', SKIP_SYSTEM_ID_MAX, SKIP_WIRE_VALID),
	W_FILL("256 bytes",		"",	'x', SKIP_SYSTEM_ID_MAX + 1,
							SKIP_WIRE_INVALID),
	W_FILL("1000 bytes",	"",	'x', 1000,			SKIP_WIRE_INVALID),
	/* system IDs are strings of any bytes but NUL */
	W("space",				"Al ice",				SKIP_WIRE_VALID),
	W("only a space",		" ",					SKIP_WIRE_VALID),
	W("control character",	"Al\x01ice",			SKIP_WIRE_VALID),
	W("newline",			"Alice\n",				SKIP_WIRE_VALID),
	W("escape sequence",	"\x1b[2JAlice",			SKIP_WIRE_VALID),
	W("DEL",				"Alice\x7f",			SKIP_WIRE_VALID),
	W("0x80",				"Alice\x80",			SKIP_WIRE_VALID),
	W("UTF-8",				"Al\xc3\xa9",			SKIP_WIRE_VALID),
	W("0xff",				"\xff",					SKIP_WIRE_VALID),
	W_FILL("255 bytes 0xff", "",	'\xff', SKIP_SYSTEM_ID_MAX,
							SKIP_WIRE_VALID),
	W_FILL("256 bytes 0xff", "",	'\xff', SKIP_SYSTEM_ID_MAX + 1,
							SKIP_WIRE_INVALID),
	W("NUL inside",			"Al\0ice",				SKIP_WIRE_INVALID),
	W("NUL at end",			"Alice\0",				SKIP_WIRE_INVALID),
	W("only NUL",			"\0",					SKIP_WIRE_INVALID),
};

START_TEST(test_use_ppk)
{
	const wire_case_t *c = &use_ppk[_i];
	char sid[SKIP_SYSTEM_ID_MAX + 1];
	skip_wire_t result;
	uint8_t *data;
	size_t len;

	memset(sid, 'Z', sizeof(sid));
	data = wire_build(c, &len);
	result = skip_wire_parse_use_ppk(data, len, sid);
	ck_assert_msg(result == c->expected, "%s: %s instead of %s", c->name,
				  wire_name(result), wire_name(c->expected));
	if (result == SKIP_WIRE_VALID)
	{
		/* copied exactly and NUL-terminated */
		ck_assert_uint_eq(strnlen(sid, sizeof(sid)), len);
		ck_assert_mem_eq(sid, data, len);
	}
	free(data);
}
END_TEST

/* --- PPK_IDENTITY -------------------------------------------------------- */

/** how a PPK_IDENTITY case is read */
enum { TEXT, RAW };

static const struct {
	wire_case_t w;
	/** form of a valid keyId */
	int form;
} ppk_identity[] = {
	{ W("empty",			"",						SKIP_WIRE_EMPTY) },
	{ W("two digits",		"\x02" "ab",			SKIP_WIRE_VALID), TEXT },
	{ W("128 bit keyId",	"\x02" "00112233445566778899aabbccddeeff",
													SKIP_WIRE_VALID), TEXT },
	{ W("draft keyId",		"\x02" "1726e9AE76234FB1dd1283d4dca1911e1f93864d70f3069e",
													SKIP_WIRE_VALID), TEXT },
	{ W_FILL("128 hex digits", "\x02", 'f', SKIP_KEY_ID_MAX_HEX,
													SKIP_WIRE_VALID), TEXT },
	{ W_FILL("129 hex digits", "\x02", 'f', SKIP_KEY_ID_MAX_HEX + 1,
													SKIP_WIRE_INVALID) },
	{ W_FILL("130 hex digits", "\x02", 'f', SKIP_KEY_ID_MAX_HEX + 2,
													SKIP_WIRE_INVALID) },
	{ W("type byte only",	"\x02",					SKIP_WIRE_INVALID) },
	{ W("PPK_ID_OPAQUE",	"\x01" "abcd",			SKIP_WIRE_INVALID) },
	{ W("type 0",			"\x00" "abcd",			SKIP_WIRE_INVALID) },
	{ W("type 3",			"\x03" "abcd",			SKIP_WIRE_INVALID) },
	{ W("type 0xff",		"\xff" "abcd",			SKIP_WIRE_INVALID) },
	{ W("type as ASCII '2'", "2abcd",				SKIP_WIRE_INVALID) },
	{ W("no type byte",		"abcd",					SKIP_WIRE_INVALID) },
	/* anything else after the type byte is the keyId's raw bytes */
	{ W("raw 128 bit keyId", "\x02" "\x00\x11\x22\x33\x44\x55\x66\x77"
							"\x88\x99\xaa\xbb\xcc\xdd\xee\xff",
													SKIP_WIRE_VALID), RAW },
	{ W("raw one byte",		"\x02" "\x00",			SKIP_WIRE_VALID), RAW },
	{ W_FILL("raw 64 bytes", "\x02", '\xff', SKIP_KEY_ID_MAX_RAW,
													SKIP_WIRE_VALID), RAW },
	{ W_FILL("raw 65 bytes", "\x02", '\xff', SKIP_KEY_ID_MAX_RAW + 1,
													SKIP_WIRE_INVALID) },
	{ W_FILL("65 bytes, not hex", "\x02", 'z', SKIP_KEY_ID_MAX_RAW + 1,
													SKIP_WIRE_INVALID) },
	{ W("odd length",		"\x02" "abc",			SKIP_WIRE_VALID), RAW },
	{ W("one digit",		"\x02" "a",				SKIP_WIRE_VALID), RAW },
	{ W("non-hex",			"\x02" "zz",			SKIP_WIRE_VALID), RAW },
	{ W("0x prefix",		"\x02" "0xab",			SKIP_WIRE_VALID), RAW },
	{ W("space",			"\x02" "ab cd0",		SKIP_WIRE_VALID), RAW },
	{ W("path traversal",	"\x02" "../../etc/",	SKIP_WIRE_VALID), RAW },
	{ W("encoded slash",	"\x02" "ab%2f",			SKIP_WIRE_VALID), RAW },
	{ W("NUL inside",		"\x02" "ab\0d",			SKIP_WIRE_VALID), RAW },
	{ W("NUL at end",		"\x02" "abc\0",			SKIP_WIRE_VALID), RAW },
	{ W("non-ASCII",		"\x02" "ab\xc3\xa9",	SKIP_WIRE_VALID), RAW },
	{ W("type byte twice",	"\x02\x02" "ab",		SKIP_WIRE_VALID), RAW },
};

START_TEST(test_ppk_identity)
{
	const wire_case_t *c = &ppk_identity[_i].w;
	char key_id[SKIP_KEY_ID_MAX_HEX + 1], hex[SKIP_KEY_ID_MAX_HEX + 1];
	skip_wire_t result;
	uint8_t *data;
	size_t len;
	bool raw = true;

	memset(key_id, 'Z', sizeof(key_id));
	data = wire_build(c, &len);
	result = skip_wire_parse_ppk_identity_ex(data, len, key_id, &raw);
	ck_assert_msg(result == c->expected, "%s: %s instead of %s", c->name,
				  wire_name(result), wire_name(c->expected));
	if (result == SKIP_WIRE_VALID && ppk_identity[_i].form == TEXT)
	{
		/* the keyId after the type byte, case kept, NUL-terminated */
		ck_assert_msg(!raw, "%s: reported raw", c->name);
		ck_assert_uint_eq(strnlen(key_id, sizeof(key_id)), len - 1);
		ck_assert_mem_eq(key_id, data + 1, len - 1);
	}
	else if (result == SKIP_WIRE_VALID)
	{
		/* the bytes after the type byte, hex-encoded in lowercase */
		ck_assert_msg(raw, "%s: not reported raw", c->name);
		skip_hex_encode(data + 1, len - 1, hex);
		ck_assert_str_eq(key_id, hex);
		ck_assert(skip_key_id_valid(key_id, strlen(key_id)));
	}
	else
	{
		ck_assert(!raw);
	}
	/* the plain variant reads the same */
	memset(hex, 'Z', sizeof(hex));
	ck_assert_int_eq(skip_wire_parse_ppk_identity(data, len, hex), result);
	if (result == SKIP_WIRE_VALID)
	{
		ck_assert_str_eq(hex, key_id);
	}
	free(data);
}
END_TEST

/* --- building PPK_IDENTITY ----------------------------------------------- */

static const char *build_valid[] = {
	"ab",
	"00",
	"00112233445566778899aabbccddeeff",
	"1726e9AE76234FB1dd1283d4dca1911e1f93864d70f3069e",
	"ABCDEF0123456789",
	/* 128 hex digits */
	"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
};

START_TEST(test_build_round_trip)
{
	const char *key_id = build_valid[_i];
	uint8_t out[SKIP_PPK_IDENTITY_MAX];
	char parsed[SKIP_KEY_ID_MAX_HEX + 1];
	size_t len;

	len = skip_wire_build_ppk_identity(key_id, out);
	ck_assert_uint_eq(len, 1 + strlen(key_id));
	ck_assert_uint_eq(out[0], SKIP_PPK_ID_FIXED);
	ck_assert_uint_eq(out[0], 2);
	ck_assert_mem_eq(out + 1, key_id, strlen(key_id));

	ck_assert_int_eq(skip_wire_parse_ppk_identity(out, len, parsed),
					 SKIP_WIRE_VALID);
	ck_assert_str_eq(parsed, key_id);
}
END_TEST

static const char *build_invalid[] = {
	"",
	"a",
	"abc",
	"zz",
	"0xab",
	"ab cd0",
	"../../",
	"ab%2f",
	"ab\n",
	"ab\xc3\xa9",
	/* 129 and 130 hex digits */
	"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0",
	"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef01",
};

START_TEST(test_build_invalid)
{
	uint8_t out[SKIP_PPK_IDENTITY_MAX];

	ck_assert_msg(skip_wire_build_ppk_identity(build_invalid[_i], out) == 0,
				  "built PPK_IDENTITY for '%s'", build_invalid[_i]);
}
END_TEST

START_TEST(test_build_very_long)
{
	uint8_t out[SKIP_PPK_IDENTITY_MAX];
	char key_id[4097];

	memset(key_id, 'a', sizeof(key_id) - 1);
	key_id[sizeof(key_id) - 1] = '\0';
	ck_assert_uint_eq(skip_wire_build_ppk_identity(key_id, out), 0);
}
END_TEST

/* --- building PPK_IDENTITY with raw bytes ------------------------------- */

START_TEST(test_build_raw_round_trip)
{
	static const char *key_ids[] = {
		"00112233445566778899aabbccddeeff",
		/* upper case comes back in lowercase: hex is case-insensitive */
		"1726e9AE76234FB1dd1283d4dca1911e1f93864d70f3069e",
		"ff",
		"00",
		/* 128 hex digits, 64 bytes */
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	};
	uint8_t out[SKIP_PPK_IDENTITY_MAX], bytes[SKIP_KEY_ID_MAX_RAW];
	char parsed[SKIP_KEY_ID_MAX_HEX + 1];
	const char *key_id;
	size_t len, i;
	bool raw;

	for (i = 0; i < countof(key_ids); i++)
	{
		key_id = key_ids[i];
		len = skip_wire_build_ppk_identity_raw(key_id, out);
		ck_assert_uint_eq(len, 1 + strlen(key_id) / 2);
		ck_assert_uint_eq(out[0], SKIP_PPK_ID_FIXED);
		ck_assert(skip_hex_decode(key_id, strlen(key_id), bytes));
		ck_assert_mem_eq(out + 1, bytes, len - 1);

		ck_assert_int_eq(skip_wire_parse_ppk_identity_ex(out, len, parsed,
														 &raw), SKIP_WIRE_VALID);
		ck_assert(raw);
		ck_assert_int_eq(strcasecmp(parsed, key_id), 0);
		ck_assert_uint_eq(strlen(parsed), strlen(key_id));
	}
}
END_TEST

START_TEST(test_build_raw_invalid)
{
	uint8_t out[SKIP_PPK_IDENTITY_MAX];
	size_t i;

	for (i = 0; i < countof(build_invalid); i++)
	{
		ck_assert_msg(skip_wire_build_ppk_identity_raw(build_invalid[i],
													   out) == 0,
					  "built raw PPK_IDENTITY for '%s'", build_invalid[i]);
	}
	/* bytes that read as a keyId text ("01" and "aB") are refused: the
	 * peer would take them for the text form */
	ck_assert_uint_eq(skip_wire_build_ppk_identity_raw("3031", out), 0);
	ck_assert_uint_eq(skip_wire_build_ppk_identity_raw("6142", out), 0);
	/* an odd number of hex digit bytes is no keyId text */
	ck_assert_uint_eq(skip_wire_build_ppk_identity_raw("303132", out), 4);
}
END_TEST

/**
 * A key source whose key IDs are UUID text (ETSI GS QKD 014): its rule
 * decides what is text, byte-exact both ways.
 */
static bool uuid_rule(void *ctx, const char *s, size_t len)
{
	size_t i;

	(*(int*)ctx)++;
	if (len != 36)
	{
		return false;
	}
	for (i = 0; i < len; i++)
	{
		if ((i == 8 || i == 13 || i == 18 || i == 23) ? s[i] != '-'
													  : !isxdigit(s[i]))
		{
			return false;
		}
	}
	return true;
}

START_TEST(test_key_id_rule)
{
	static const char uuid[] = "0F1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
	uint8_t data[SKIP_PPK_IDENTITY_MAX], other[SKIP_PPK_IDENTITY_MAX];
	char key_id[SKIP_KEY_ID_MAX_HEX + 1];
	bool raw = true;
	int calls = 0;
	size_t len;

	len = skip_wire_build_ppk_identity_rule(uuid, uuid_rule, &calls, data);
	ck_assert_uint_eq(len, 1 + strlen(uuid));
	ck_assert_int_eq(data[0], SKIP_PPK_ID_FIXED);
	/* SKIP's rule does not take it as text */
	ck_assert_uint_eq(skip_wire_build_ppk_identity(uuid, other), 0);
	ck_assert_int_eq(skip_wire_parse_ppk_identity_rule(data, len, uuid_rule,
								&calls, key_id, &raw), SKIP_WIRE_VALID);
	ck_assert_str_eq(key_id, uuid);
	ck_assert(!raw);
	ck_assert_int_ge(calls, 2);
	/* what the rule refuses is taken as raw bytes */
	data[5] = 'x';
	ck_assert_int_eq(skip_wire_parse_ppk_identity_rule(data, len, uuid_rule,
								&calls, key_id, &raw), SKIP_WIRE_VALID);
	ck_assert(raw);
	ck_assert_uint_eq(strlen(key_id), 2 * strlen(uuid));
	ck_assert_uint_eq(skip_wire_build_ppk_identity_rule("abc", uuid_rule,
													   &calls, data), 0);
}
END_TEST

Suite *wire_suite(void)
{
	Suite *s = suite_create("wire");
	TCase *tc;

	tc = tcase_create("use_ppk");
	tcase_add_loop_test(tc, test_use_ppk, 0, countof(use_ppk));
	suite_add_tcase(s, tc);

	tc = tcase_create("ppk_identity");
	tcase_add_loop_test(tc, test_ppk_identity, 0, countof(ppk_identity));
	tcase_add_loop_test(tc, test_build_round_trip, 0, countof(build_valid));
	tcase_add_loop_test(tc, test_build_invalid, 0, countof(build_invalid));
	tcase_add_test(tc, test_build_very_long);
	tcase_add_test(tc, test_build_raw_round_trip);
	tcase_add_test(tc, test_build_raw_invalid);
	tcase_add_test(tc, test_key_id_rule);
	suite_add_tcase(s, tc);

	return s;
}
