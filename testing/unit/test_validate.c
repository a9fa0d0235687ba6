/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * skip_validate.h: system IDs, keyIds, printable strings, remoteSystemID
 * globs, hex encoding and sanitizing of log strings.
 */

#include "test_suites.h"

#include <skip_validate.h>

#include <stdio.h>
#include <string.h>

/** a buffer of len copies of c, NUL-terminated */
static char *repeat(char *buf, char c, size_t len)
{
	memset(buf, c, len);
	buf[len] = '\0';
	return buf;
}

/* --- system IDs ---------------------------------------------------------- */

typedef struct {
	const char *name;
	const char *s;
	size_t len;
	bool valid;
} string_case_t;

static const string_case_t system_ids[] = {
	{ "draft example",		LIT("Alice"),				true },
	{ "glob example",		LIT("KP_ALICE_LOC1"),		true },
	{ "one character",		LIT("a"),					true },
	{ "punctuation",		LIT("kp-1.example.com:443"),	true },
	{ "visible extremes",	LIT("!~"),					true },
	/* the draft types system IDs as plain strings: any byte but NUL */
	{ "space inside",		LIT("Al ice"),				true },
	{ "leading space",		LIT(" Alice"),				true },
	{ "only a space",		LIT(" "),					true },
	{ "trailing newline",	LIT("Alice\n"),				true },
	{ "tab",				LIT("Al\tice"),				true },
	{ "control char",		LIT("Al\x01ice"),			true },
	{ "DEL",				LIT("Alice\x7f"),			true },
	{ "0x80",				LIT("Alice\x80"),			true },
	{ "UTF-8",				LIT("Al\xc3\xa9"),			true },
	{ "0xff",				LIT("\xff"),				true },
	{ "quote, backslash",	LIT("a'b\\c"),				true },
	{ "CRLF",				LIT("Bob\r\nX-Evil:1"),		true },
	{ "empty",				LIT(""),					false },
	{ "embedded NUL",		LIT("Al\0ice"),				false },
	{ "NUL at end",			LIT("Alice\0"),				false },
	{ "only NUL",			LIT("\0"),					false },
};

START_TEST(test_system_id)
{
	const string_case_t *c = &system_ids[_i];

	ck_assert_msg(skip_system_id_valid(c->s, c->len) == c->valid,
				  "system ID '%s': expected %s", c->name,
				  c->valid ? "valid" : "invalid");
	/* a glob is valid on the same terms */
	ck_assert_msg(skip_glob_valid(c->s, c->len) == c->valid,
				  "glob '%s': expected %s", c->name,
				  c->valid ? "valid" : "invalid");
}
END_TEST

START_TEST(test_system_id_bounds)
{
	char buf[SKIP_SYSTEM_ID_MAX + 2];

	repeat(buf, 'x', SKIP_SYSTEM_ID_MAX + 1);
	ck_assert(skip_system_id_valid(buf, SKIP_SYSTEM_ID_MAX));
	ck_assert(!skip_system_id_valid(buf, SKIP_SYSTEM_ID_MAX + 1));
	ck_assert(skip_glob_valid(buf, SKIP_SYSTEM_ID_MAX));
	ck_assert(!skip_glob_valid(buf, SKIP_SYSTEM_ID_MAX + 1));
	/* the draft requires at least 32 bytes */
	ck_assert(skip_system_id_valid(buf, 32));
	ck_assert(!skip_system_id_valid(NULL, 5));
	ck_assert(!skip_system_id_valid(buf, 0));
	/* only len bytes are looked at */
	ck_assert(skip_system_id_valid("Alice\0Bob", 5));
	ck_assert(!skip_system_id_valid("Alice\0Bob", 6));
	/* every byte but NUL, the longest ID */
	for (int i = 0; i < SKIP_SYSTEM_ID_MAX; i++)
	{
		buf[i] = (char)(i + 1);
	}
	ck_assert(skip_system_id_valid(buf, SKIP_SYSTEM_ID_MAX));
	ck_assert(skip_glob_valid(buf, SKIP_SYSTEM_ID_MAX));
}
END_TEST

/* --- keyIds -------------------------------------------------------------- */

static const string_case_t key_ids[] = {
	{ "draft example",	LIT("1726e9AE76234FB1dd1283d4dca1911e1f93864d70f3069e"),
																	true },
	{ "128 bit",		LIT("00112233445566778899aabbccddeeff"),	true },
	{ "two digits",		LIT("00"),									true },
	{ "upper case",		LIT("ABCDEF"),								true },
	{ "mixed case",		LIT("aBcD09"),								true },
	{ "empty",			LIT(""),									false },
	{ "one digit",		LIT("a"),									false },
	{ "odd length",		LIT("abc"),									false },
	{ "non-hex g",		LIT("0g"),									false },
	{ "0x prefix",		LIT("0x12"),								false },
	{ "negative",		LIT("-1"),									false },
	{ "path traversal",	LIT("../../etc/passwd"),					false },
	{ "dot dot slash",	LIT("ab../cd"),								false },
	{ "encoded slash",	LIT("ab%2fcd"),								false },
	{ "space",			LIT("ab cd0"),								false },
	{ "trailing newline", LIT("abcd\n"),							false },
	{ "query string",	LIT("ab?x=1"),								false },
	{ "embedded NUL",	LIT("ab\0c"),								false },
	{ "non-ASCII",		LIT("ab\xc3\xa9"),							false },
};

START_TEST(test_key_id)
{
	const string_case_t *c = &key_ids[_i];

	ck_assert_msg(skip_key_id_valid(c->s, c->len) == c->valid,
				  "keyId '%s': expected %s", c->name,
				  c->valid ? "valid" : "invalid");
}
END_TEST

START_TEST(test_key_id_bounds)
{
	char buf[SKIP_KEY_ID_MAX_HEX + 3];

	repeat(buf, 'f', SKIP_KEY_ID_MAX_HEX + 2);
	ck_assert(skip_key_id_valid(buf, SKIP_KEY_ID_MAX_HEX));
	ck_assert(!skip_key_id_valid(buf, SKIP_KEY_ID_MAX_HEX - 1));
	ck_assert(!skip_key_id_valid(buf, SKIP_KEY_ID_MAX_HEX + 1));
	ck_assert(!skip_key_id_valid(buf, SKIP_KEY_ID_MAX_HEX + 2));
	ck_assert(!skip_key_id_valid(NULL, 2));
	/* only len bytes are looked at */
	ck_assert(skip_key_id_valid("abcd/", 4));
}
END_TEST

/* --- printable ----------------------------------------------------------- */

typedef struct {
	const char *name;
	const char *s;
	size_t len;
	size_t max;
	bool valid;
} printable_case_t;

static const printable_case_t printables[] = {
	{ "words",			LIT("key not found"),	64,	true },
	{ "empty",			LIT(""),				64,	true },
	{ "space",			LIT(" "),				64,	true },
	{ "tilde",			LIT("~"),				64,	true },
	{ "exactly max",	LIT("12345678"),		8,	true },
	{ "over max",		LIT("123456789"),		8,	false },
	{ "tab",			LIT("a\tb"),			64,	false },
	{ "newline",		LIT("a\n"),				64,	false },
	{ "escape",			LIT("\x1b[31m"),		64,	false },
	{ "DEL",			LIT("\x7f"),			64,	false },
	{ "0x80",			LIT("\x80"),			64,	false },
	{ "UTF-8",			LIT("caf\xc3\xa9"),		64,	false },
	{ "embedded NUL",	LIT("a\0b"),			64,	false },
};

START_TEST(test_printable)
{
	const printable_case_t *c = &printables[_i];

	ck_assert_msg(skip_printable(c->s, c->len, c->max) == c->valid,
				  "printable '%s': expected %s", c->name,
				  c->valid ? "valid" : "invalid");
}
END_TEST

START_TEST(test_printable_null)
{
	ck_assert(!skip_printable(NULL, 0, 10));
}
END_TEST

/* --- globs --------------------------------------------------------------- */

typedef struct {
	const char *pattern;
	const char *id;
	bool match;
} glob_case_t;

static const glob_case_t globs[] = {
	/* the draft's example */
	{ "KP_*_LOC1",	"KP_ALICE_LOC1",	true },
	{ "KP_*_LOC1",	"KP_BOB_LOC1",		true },
	{ "KP_*_LOC1",	"KP__LOC1",			true },
	{ "KP_*_LOC1",	"KP_ALICE_LOC2",	false },
	{ "KP_*_LOC1",	"XKP_ALICE_LOC1",	false },
	{ "KP_*_LOC1",	"KP_ALICE_LOC1X",	false },
	/* literal entries */
	{ "Bob",		"Bob",				true },
	{ "Bob",		"bob",				false },
	{ "Bob",		"Bo",				false },
	{ "Bob",		"Bobby",			false },
	/* * */
	{ "*",			"anything",			true },
	{ "*",			"a",				true },
	{ "*LOC1",		"LOC1",				true },
	{ "KP*",		"KP",				true },
	{ "a*b*c",		"aXXbYYc",			true },
	{ "a*b*c",		"aXXcYYb",			false },
	{ "a*",			"a/b",				true },	/* no FNM_PATHNAME */
	{ "*",			".hidden",			true },	/* no FNM_PERIOD */
	/* ? */
	{ "B?b",		"Bob",				true },
	{ "B?b",		"B_b",				true },
	{ "B?b",		"Bb",				false },
	{ "B?b",		"Boob",				false },
	{ "??",			"ab",				true },
	{ "??",			"abc",				false },
	/* [list] */
	{ "KP[12]",		"KP1",				true },
	{ "KP[12]",		"KP2",				true },
	{ "KP[12]",		"KP3",				false },
	{ "KP[12]",		"KP12",				false },
	{ "KP[a-c]",	"KPb",				true },
	{ "KP[a-c]",	"KPd",				false },
	/* [!list] */
	{ "KP[!12]",	"KP3",				true },
	{ "KP[!12]",	"KP1",				false },
	{ "KP[!12]",	"KP",				false },
	{ "KP[!a-c]",	"KPd",				true },
	{ "KP[!a-c]",	"KPa",				false },
	/* escaped metacharacters are literal */
	{ "KP\\*",		"KP*",				true },
	{ "KP\\*",		"KPX",				false },
	/* combinations */
	{ "KP_[AB]*_LOC?",	"KP_ALICE_LOC1",	true },
	{ "KP_[AB]*_LOC?",	"KP_CAROL_LOC1",	false },
	{ "KP_[AB]*_LOC?",	"KP_BOB_LOC12",		false },
};

START_TEST(test_glob_match)
{
	const glob_case_t *c = &globs[_i];

	ck_assert_msg(skip_glob_match(c->pattern, c->id) == c->match,
				  "glob '%s' vs '%s': expected %s", c->pattern, c->id,
				  c->match ? "match" : "no match");
}
END_TEST

/* --- hex ----------------------------------------------------------------- */

typedef struct {
	const char *hex;
	const uint8_t *bytes;
	size_t len;
} hex_case_t;

static const hex_case_t hex_valid[] = {
	{ "00",			(const uint8_t[]){ 0x00 },						1 },
	{ "ff",			(const uint8_t[]){ 0xff },						1 },
	{ "FF",			(const uint8_t[]){ 0xff },						1 },
	{ "00ff10",		(const uint8_t[]){ 0x00, 0xff, 0x10 },			3 },
	{ "ABcd",		(const uint8_t[]){ 0xab, 0xcd },				2 },
	{ "0123456789abcdef",
		(const uint8_t[]){ 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef },
																	8 },
	{ "1726e9AE76234FB1dd1283d4dca1911e1f93864d70f3069e",
		(const uint8_t[]){ 0x17, 0x26, 0xe9, 0xae, 0x76, 0x23, 0x4f, 0xb1,
						   0xdd, 0x12, 0x83, 0xd4, 0xdc, 0xa1, 0x91, 0x1e,
						   0x1f, 0x93, 0x86, 0x4d, 0x70, 0xf3, 0x06, 0x9e },
																	24 },
};

START_TEST(test_hex_decode_valid)
{
	const hex_case_t *c = &hex_valid[_i];
	uint8_t out[64];

	memset(out, 0x5a, sizeof(out));
	ck_assert(skip_hex_decode(c->hex, strlen(c->hex), out));
	ck_assert_mem_eq(out, c->bytes, c->len);
	/* nothing is written past len/2 bytes */
	ck_assert_uint_eq(out[c->len], 0x5a);
}
END_TEST

static const char *hex_invalid[] = {
	"0",		/* odd */
	"abc",		/* odd */
	"0g",
	"g0",
	"zz",
	"0x",
	" 0",
	"0 ",
	"-1",
	"ab\n0",
	"..",
	"%2",
	"a\xc3",
};

START_TEST(test_hex_decode_invalid)
{
	uint8_t out[16];

	ck_assert_msg(!skip_hex_decode(hex_invalid[_i], strlen(hex_invalid[_i]),
								   out), "'%s' decoded", hex_invalid[_i]);
}
END_TEST

START_TEST(test_hex_decode_empty)
{
	uint8_t out[1] = { 0x5a };

	ck_assert(skip_hex_decode("", 0, out));
	ck_assert_uint_eq(out[0], 0x5a);
	/* only len digits are looked at */
	ck_assert(skip_hex_decode("abzz", 2, out));
	ck_assert_uint_eq(out[0], 0xab);
}
END_TEST

START_TEST(test_hex_encode)
{
	char out[2 * 3 + 2];

	memset(out, 'X', sizeof(out));
	skip_hex_encode((const uint8_t[]){ 0xab, 0x01, 0xf0 }, 3, out);
	ck_assert_str_eq(out, "ab01f0");

	skip_hex_encode((const uint8_t[]){ 0 }, 0, out);
	ck_assert_str_eq(out, "");
}
END_TEST

START_TEST(test_hex_round_trip)
{
	uint8_t bytes[256], back[256];
	char hex[2 * 256 + 1], upper[2 * 256 + 1];
	size_t i;

	for (i = 0; i < sizeof(bytes); i++)
	{
		bytes[i] = (uint8_t)(255 - i);
	}
	skip_hex_encode(bytes, sizeof(bytes), hex);
	ck_assert_uint_eq(strlen(hex), 2 * sizeof(bytes));
	/* lowercase only */
	ck_assert_uint_eq(strspn(hex, "0123456789abcdef"), 2 * sizeof(bytes));

	memset(back, 0, sizeof(back));
	ck_assert(skip_hex_decode(hex, strlen(hex), back));
	ck_assert_mem_eq(back, bytes, sizeof(bytes));

	for (i = 0; hex[i]; i++)
	{
		upper[i] = (hex[i] >= 'a' && hex[i] <= 'f') ? hex[i] - 'a' + 'A'
													: hex[i];
	}
	upper[i] = '\0';
	memset(back, 0, sizeof(back));
	ck_assert(skip_hex_decode(upper, strlen(upper), back));
	ck_assert_mem_eq(back, bytes, sizeof(bytes));
}
END_TEST

/* --- sanitize ------------------------------------------------------------ */

typedef struct {
	const char *in;
	const char *out;
} sanitize_case_t;

static const sanitize_case_t sanitize[] = {
	{ "plain text ~!",		"plain text ~!" },
	{ "",					"" },
	{ "a\tb\nc",			"a?b?c" },
	{ "\x1b[31mred",		"?[31mred" },
	{ "\x7f\x80\xff",		"???" },
	{ "caf\xc3\xa9",		"caf??" },
	{ "\x01",				"?" },
};

START_TEST(test_sanitize)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "%s", sanitize[_i].in);
	skip_sanitize_printable(buf);
	ck_assert_str_eq(buf, sanitize[_i].out);
}
END_TEST

/* --- escape ------------------------------------------------------------- */

typedef struct {
	const char *name;
	const char *in;
	size_t outlen;
	const char *out;
} escape_case_t;

static const escape_case_t escapes[] = {
	{ "plain",			"Alice",			64,	"Alice" },
	{ "space, glob",	"KP *[0-9]?",		64,	"KP *[0-9]?" },
	{ "empty",			"",					64,	"" },
	{ "NULL",			NULL,				64,	"" },
	{ "newline",		"Bob\r\nX: 1",		64,	"Bob\\x0d\\x0aX: 1" },
	{ "quote",			"it's",				64,	"it\\x27s" },
	{ "backslash",		"a\\b",				64,	"a\\x5cb" },
	{ "UTF-8",			"Al\xc3\xa9",		64,	"Al\\xc3\\xa9" },
	{ "DEL, 0x01",		"\x7f\x01",			64,	"\\x7f\\x01" },
	{ "ANSI escape",	"\x1b[2J",			64,	"\\x1b[2J" },
	{ "fits exactly",	"abc",				4,	"abc" },
	{ "cut",			"abcdef",			4,	"abc" },
	{ "one byte",		"abc",				1,	"" },
	{ "escape fits",	"a\n",				6,	"a\\x0a" },
	{ "escape cut",		"a\n",				5,	"a" },
	{ "escape cut 2",	"a\nb",				4,	"a" },
	{ "after escape",	"\nb",				6,	"\\x0ab" },
};

START_TEST(test_escape)
{
	const escape_case_t *c = &escapes[_i];
	char out[80];
	size_t len;

	memset(out, 'X', sizeof(out));
	len = skip_escape(c->in, out, c->outlen);
	ck_assert_msg(strcmp(out, c->out) == 0, "%s: '%s' instead of '%s'",
				  c->name, out, c->out);
	ck_assert_uint_eq(len, strlen(c->out));
	/* nothing written past outlen */
	ck_assert_uint_eq(out[c->outlen], 'X');
}
END_TEST

START_TEST(test_escape_bounds)
{
	char id[SKIP_SYSTEM_ID_MAX + 1], out[SKIP_SYSTEM_ID_LOG_MAX + 1];
	size_t i;

	/* no room: nothing written */
	out[0] = 'X';
	ck_assert_uint_eq(skip_escape("abc", out, 0), 0);
	ck_assert_uint_eq(out[0], 'X');

	/* the longest system ID of bytes to escape fits SKIP_SYSTEM_ID_LOG_MAX */
	memset(id, 0xff, SKIP_SYSTEM_ID_MAX);
	id[SKIP_SYSTEM_ID_MAX] = '\0';
	memset(out, 'X', sizeof(out));
	ck_assert_uint_eq(skip_escape(id, out, SKIP_SYSTEM_ID_LOG_MAX),
					  4 * SKIP_SYSTEM_ID_MAX);
	ck_assert_uint_eq(out[SKIP_SYSTEM_ID_LOG_MAX], 'X');
	ck_assert(skip_printable(out, strlen(out), SKIP_SYSTEM_ID_LOG_MAX));

	/* every byte: printable, no quote or backslash left bare */
	for (i = 0; i < SKIP_SYSTEM_ID_MAX; i++)
	{
		id[i] = (char)(i + 1);
	}
	skip_escape(id, out, SKIP_SYSTEM_ID_LOG_MAX);
	ck_assert(skip_printable(out, strlen(out), SKIP_SYSTEM_ID_LOG_MAX));
	ck_assert_ptr_null(strchr(out, '\''));
	for (i = 0; out[i]; i++)
	{
		if (out[i] == '\\')
		{
			ck_assert_uint_eq(out[i + 1], 'x');
		}
	}
}
END_TEST

Suite *validate_suite(void)
{
	Suite *s = suite_create("validate");
	TCase *tc;

	tc = tcase_create("system_id");
	tcase_add_loop_test(tc, test_system_id, 0, countof(system_ids));
	tcase_add_test(tc, test_system_id_bounds);
	suite_add_tcase(s, tc);

	tc = tcase_create("key_id");
	tcase_add_loop_test(tc, test_key_id, 0, countof(key_ids));
	tcase_add_test(tc, test_key_id_bounds);
	suite_add_tcase(s, tc);

	tc = tcase_create("printable");
	tcase_add_loop_test(tc, test_printable, 0, countof(printables));
	tcase_add_test(tc, test_printable_null);
	suite_add_tcase(s, tc);

	tc = tcase_create("glob");
	tcase_add_loop_test(tc, test_glob_match, 0, countof(globs));
	suite_add_tcase(s, tc);

	tc = tcase_create("hex");
	tcase_add_loop_test(tc, test_hex_decode_valid, 0, countof(hex_valid));
	tcase_add_loop_test(tc, test_hex_decode_invalid, 0, countof(hex_invalid));
	tcase_add_test(tc, test_hex_decode_empty);
	tcase_add_test(tc, test_hex_encode);
	tcase_add_test(tc, test_hex_round_trip);
	suite_add_tcase(s, tc);

	tc = tcase_create("escape");
	tcase_add_loop_test(tc, test_escape, 0, countof(escapes));
	tcase_add_test(tc, test_escape_bounds);
	suite_add_tcase(s, tc);

	tc = tcase_create("sanitize");
	tcase_add_loop_test(tc, test_sanitize, 0, countof(sanitize));
	suite_add_tcase(s, tc);

	return s;
}
