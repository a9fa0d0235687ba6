/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * dske_gf128.h: the field against the vectors of the notes (docs/dske.md,
 * "Test vectors"), its byte order and its helpers.
 */

#include "dske_tests.h"

#include <string.h>

/** a, b and a op b, all in "F_" notation */
typedef struct {
	const char *a;
	const char *b;
	const char *r;
} triple_t;

static const triple_t products[] = {
	/* the draft's own: x^127 * x = x^128 = 1 + x + x^2 + x^7 */
	{ "80000000000000000000000000000000", "00000000000000000000000000000002",
	  "00000000000000000000000000000087" },
	{ "80000000000000000000000000000000", "80000000000000000000000000000000",
	  "c0000000000000000000000000001067" },
	{ "00000000000000010000000000000000", "00000000000000010000000000000000",
	  "00000000000000000000000000000087" },
	{ "0123456789abcdeffedcba9876543210", "00000000000000000000000000000003",
	  "0365cfa89afc56300365cfa89afc5630" },
	{ "0123456789abcdeffedcba9876543210", "deadbeef0000000000000000cafef00d",
	  "f3d5a077d09925d9f9131a57bb102b67" },
	{ "deadbeef0000000000000000cafef00d", "deadbeef0000000000000000cafef00d",
	  "1c8ff5147087872b504455545500140e" },
	{ "0123456789abcdeffedcba9876543210", "00000000000000000000000000000087",
	  "964a69f269b59670964a69f269b59670" },
	/* identity */
	{ "0123456789abcdeffedcba9876543210", "00000000000000000000000000000001",
	  "0123456789abcdeffedcba9876543210" },
	{ "00000000000000000000000000000001", "deadbeef0000000000000000cafef00d",
	  "deadbeef0000000000000000cafef00d" },
	{ "0123456789abcdeffedcba9876543210", "00000000000000000000000000000000",
	  "00000000000000000000000000000000" },
};

START_TEST(test_mul)
{
	const triple_t *t = &products[_i];
	dske_gf128_t a = word_hex(t->a), b = word_hex(t->b);

	ck_assert_word(dske_gf128_mul(a, b), t->r);
	ck_assert_word(dske_gf128_mul(b, a), t->r);
}
END_TEST

START_TEST(test_add)
{
	/* the draft's F_40...0C + F_60...0A = F_20...06 */
	ck_assert_word(dske_gf128_add(
					word_hex("4000000000000000000000000000000c"),
					word_hex("6000000000000000000000000000000a")),
				   "20000000000000000000000000000006");
	ck_assert_word(dske_gf128_add(
					word_hex("0123456789abcdeffedcba9876543210"),
					word_hex("0123456789abcdeffedcba9876543210")),
				   "00000000000000000000000000000000");
}
END_TEST

/** a and a^-1 */
static const triple_t inverses[] = {
	{ "00000000000000000000000000000001", NULL,
	  "00000000000000000000000000000001" },
	{ "00000000000000000000000000000002", NULL,
	  "80000000000000000000000000000043" },
	{ "00000000000000000000000000000003", NULL,
	  "ffffffffffffffffffffffffffffff82" },
	{ "00000000000000000000000000000087", NULL,
	  "5b021cae93f78d45b021cae93f78d477" },
	{ "0123456789abcdeffedcba9876543210", NULL,
	  "ac20a8a9f088c918e7a4a93e6b40984a" },
	/* by convention */
	{ "00000000000000000000000000000000", NULL,
	  "00000000000000000000000000000000" },
};

START_TEST(test_inv)
{
	const triple_t *t = &inverses[_i];
	dske_gf128_t a = word_hex(t->a), inv;

	inv = dske_gf128_inv(a);
	ck_assert_word(inv, t->r);
	if (!dske_gf128_is_zero(a))
	{
		ck_assert_word(dske_gf128_mul(a, inv),
					   "00000000000000000000000000000001");
		/* and back */
		ck_assert_word(dske_gf128_inv(inv), t->a);
	}
}
END_TEST

/** a^-1 = a^(2^128 - 2) (Fermat), by square-and-multiply */
static dske_gf128_t fermat_inv(dske_gf128_t a)
{
	dske_gf128_t r = dske_gf128_from_uint(1);
	int i;

	/* the exponent is 127 ones and a zero */
	for (i = 0; i < 127; i++)
	{
		r = dske_gf128_mul(dske_gf128_mul(r, r), a);
	}
	return dske_gf128_mul(r, r);
}

/* Euclid's inverse against Fermat's: random words, and small ones */
START_TEST(test_inv_random)
{
	dske_gf128_t a, inv;
	int i;

	for (i = 0; i < 200; i++)
	{
		a = i < 100 ? test_random_word() : dske_gf128_from_uint(i - 99);
		inv = dske_gf128_inv(a);
		ck_assert_word(dske_gf128_mul(a, inv),
					   "00000000000000000000000000000001");
		ck_assert_word_eq(inv, fermat_inv(a));
	}
	/* a single high or low bit */
	for (i = 0; i < 128; i++)
	{
		a = i < 64 ? (dske_gf128_t){ .lo = (uint64_t)1 << i }
				   : (dske_gf128_t){ .hi = (uint64_t)1 << (i - 64) };
		ck_assert_word_eq(dske_gf128_inv(a), fermat_inv(a));
	}
}
END_TEST

/*
 * Field laws on random words: catches a multiply that matches the vectors
 * by accident (e.g. a wrong fold for some bit positions only).
 */
START_TEST(test_mul_laws)
{
	dske_gf128_t a, b, c, x = dske_gf128_from_uint(2), ax;
	int i, bit;

	for (i = 0; i < 50; i++)
	{
		a = test_random_word();
		b = test_random_word();
		c = test_random_word();
		ck_assert_word_eq(dske_gf128_mul(a, b), dske_gf128_mul(b, a));
		ck_assert_word_eq(dske_gf128_mul(dske_gf128_mul(a, b), c),
						  dske_gf128_mul(a, dske_gf128_mul(b, c)));
		ck_assert_word_eq(dske_gf128_mul(a, dske_gf128_add(b, c)),
						  dske_gf128_add(dske_gf128_mul(a, b),
										 dske_gf128_mul(a, c)));
	}
	/* a * x^i by repeated multiplication by x equals a * (the word x^i) */
	a = test_random_word();
	ax = a;
	for (bit = 0; bit < 128; bit++)
	{
		b = bit < 64 ? (dske_gf128_t){ .lo = (uint64_t)1 << bit }
					 : (dske_gf128_t){ .hi = (uint64_t)1 << (bit - 64) };
		ck_assert_word_eq(dske_gf128_mul(a, b), ax);
		ax = dske_gf128_mul(ax, x);
	}
}
END_TEST

START_TEST(test_wire_bytes)
{
	uint8_t bytes[DSKE_WORD_LEN];
	dske_gf128_t a;

	dske_gf128_store(dske_gf128_from_uint(1), bytes);
	ck_assert_bytes_hex(bytes, sizeof(bytes),
						"01000000000000000000000000000000");

	a = word_hex("0123456789abcdeffedcba9876543210");
	dske_gf128_store(a, bytes);
	ck_assert_bytes_hex(bytes, sizeof(bytes),
						"1032547698badcfeefcdab8967452301");
	ck_assert_word_eq(dske_gf128_load(bytes), a);

	/* the draft's erratum: hex_10 || hex_32 || ... reads as ...76543210 */
	memset(bytes, 0, sizeof(bytes));
	bytes[0] = 0x10;
	bytes[1] = 0x32;
	bytes[2] = 0x54;
	bytes[3] = 0x76;
	ck_assert_word(dske_gf128_load(bytes), "00000000000000000000000076543210");

	/* 1 + x^6 + x^7 + x^126 */
	a = word_hex("400000000000000000000000000000c1");
	dske_gf128_store(a, bytes);
	ck_assert_bytes_hex(bytes, sizeof(bytes),
						"c1000000000000000000000000000040");
	ck_assert_int_eq(a.lo, 0xc1);
	ck_assert(a.hi == (uint64_t)1 << 62);
}
END_TEST

START_TEST(test_hex)
{
	dske_gf128_t a;
	char hex[33];

	ck_assert(dske_gf128_from_hex("40000000_00000000_00000000_000000C1", &a));
	dske_gf128_to_hex(a, hex);
	ck_assert_str_eq(hex, "400000000000000000000000000000c1");

	ck_assert(!dske_gf128_from_hex("", &a));
	ck_assert(!dske_gf128_from_hex("0123456789abcdeffedcba987654321", &a));
	ck_assert(!dske_gf128_from_hex("0123456789abcdeffedcba98765432100", &a));
	ck_assert(!dske_gf128_from_hex("0123456789abcdeffedcba987654321g", &a));
	ck_assert(!dske_gf128_from_hex("0123456789abcdef fedcba9876543210", &a));
	ck_assert(!dske_gf128_from_hex("F_0123456789abcdeffedcba9876543210", &a));
}
END_TEST

START_TEST(test_compare)
{
	dske_gf128_t a = word_hex("0123456789abcdeffedcba9876543210"), b;
	int bit;

	ck_assert(dske_gf128_is_zero(dske_gf128_from_uint(0)));
	ck_assert(dske_gf128_equal(a, a));
	for (bit = 0; bit < 128; bit++)
	{
		b = a;
		if (bit < 64)
		{
			b.lo ^= (uint64_t)1 << bit;
		}
		else
		{
			b.hi ^= (uint64_t)1 << (bit - 64);
		}
		ck_assert(!dske_gf128_equal(a, b));
		ck_assert(!dske_gf128_is_zero(dske_gf128_add(a, b)));
	}
}
END_TEST

START_TEST(test_wipe)
{
	dske_gf128_t w[3] = {
		{ 1, 2 }, { 3, 4 }, { 5, 6 },
	};

	dske_gf128_wipe(w, 2);
	ck_assert(dske_gf128_is_zero(w[0]) && dske_gf128_is_zero(w[1]));
	ck_assert_word(w[2], "00000000000000060000000000000005");
	dske_gf128_wipe(NULL, 0);
}
END_TEST

Suite *gf128_suite(void)
{
	Suite *s = suite_create("dske_gf128");
	TCase *tc = tcase_create("field");

	tcase_add_loop_test(tc, test_mul, 0, countof(products));
	tcase_add_test(tc, test_add);
	tcase_add_loop_test(tc, test_inv, 0, countof(inverses));
	tcase_add_test(tc, test_inv_random);
	tcase_add_test(tc, test_mul_laws);
	tcase_add_test(tc, test_wire_bytes);
	tcase_add_test(tc, test_hex);
	tcase_add_test(tc, test_compare);
	tcase_add_test(tc, test_wipe);
	suite_add_tcase(s, tc);
	return s;
}
