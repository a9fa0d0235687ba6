/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * dske_hash.h: the polynomial hash against the notes' vectors.
 */

#include "dske_tests.h"

#include <dske_hash.h>

#define C "11111111222222223333333344444444"
#define D "55555555666666667777777788888888"

/** the notes' y1, y2, y3 and a zero word */
static void hash_words(dske_gf128_t y[4])
{
	y[0] = word_hex("0123456789abcdeffedcba9876543210");
	y[1] = word_hex("deadbeef0000000000000000cafef00d");
	y[2] = word_hex("00000000000000000000000000000001");
	y[3] = dske_gf128_from_uint(0);
}

START_TEST(test_hash_vectors)
{
	dske_gf128_t c = word_hex(C), d = word_hex(D), y[4];

	hash_words(y);
	ck_assert_word(dske_hash(c, d, y, 3), "0c4badadf99dcf8cba783885e87d494f");
	ck_assert_word(dske_hash(c, d, y, 1), "6283789d438077bbaa8884a2e6618e06");
	ck_assert_word(dske_hash(c, d, NULL, 0), D);
	/* a zero word appended changes nothing: lengths must be explicit */
	ck_assert_word(dske_hash(c, d, y, 4), "0c4badadf99dcf8cba783885e87d494f");
}
END_TEST

START_TEST(test_hash_definition)
{
	dske_gf128_t c = word_hex(C), d = word_hex(D), y[4], sum, power;
	size_t i;

	/* d + sum c^i * z_i, term by term, against the Horner form */
	hash_words(y);
	y[3] = test_random_word();
	sum = d;
	power = c;
	for (i = 0; i < 4; i++)
	{
		sum = dske_gf128_add(sum, dske_gf128_mul(power, y[i]));
		power = dske_gf128_mul(power, c);
	}
	ck_assert_word_eq(dske_hash(c, d, y, 4), sum);
}
END_TEST

START_TEST(test_hash_bytes)
{
	dske_gf128_t c = word_hex(C), d = word_hex(D), y[4];
	uint8_t bytes[4 * DSKE_WORD_LEN];
	size_t i;

	hash_words(y);
	for (i = 0; i < 4; i++)
	{
		dske_gf128_store(y[i], bytes + i * DSKE_WORD_LEN);
	}
	ck_assert_word(dske_hash_bytes(c, d, bytes, 3),
				   "0c4badadf99dcf8cba783885e87d494f");
	ck_assert_word(dske_hash_bytes(c, d, bytes, 1),
				   "6283789d438077bbaa8884a2e6618e06");
	ck_assert_word(dske_hash_bytes(c, d, bytes, 0), D);
	ck_assert_word(dske_hash_bytes(c, d, bytes, 4),
				   "0c4badadf99dcf8cba783885e87d494f");
}
END_TEST

START_TEST(test_secret_tag)
{
	dske_gf128_t s[6], expected;

	/* sigma(c, d, e, y1, y2) is h(c, d, e, y1, y2) */
	s[0] = word_hex(C);
	s[1] = word_hex(D);
	hash_words(s + 2);
	ck_assert_word(dske_secret_tag(s, 5), "0c4badadf99dcf8cba783885e87d494f");

	/* d chosen as c*e + c^2*y1 + c^3*y2 gives sigma = 0 */
	expected = dske_hash(s[0], dske_gf128_from_uint(0), s + 2, 3);
	s[1] = expected;
	ck_assert(dske_gf128_is_zero(dske_secret_tag(s, 5)));

	/* too short to be a secret: never valid */
	s[0] = s[1] = s[2] = dske_gf128_from_uint(0);
	ck_assert(!dske_gf128_is_zero(dske_secret_tag(s, 2)));
	ck_assert(dske_gf128_is_zero(dske_secret_tag(s, 3)));
}
END_TEST

Suite *hash_suite(void)
{
	Suite *s = suite_create("dske_hash");
	TCase *tc = tcase_create("hash");

	tcase_add_test(tc, test_hash_vectors);
	tcase_add_test(tc, test_hash_definition);
	tcase_add_test(tc, test_hash_bytes);
	tcase_add_test(tc, test_secret_tag);
	suite_add_tcase(s, tc);
	return s;
}
