/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * The check suites of libdske's tests and the helpers they share.
 */

#ifndef DSKE_TESTS_H_
#define DSKE_TESTS_H_

#include <check.h>

#include <dske_gf128.h>

/** number of entries of a static array */
#define countof(array) (sizeof(array) / sizeof((array)[0]))

/** a word given in the notes' "F_" notation (32 hex digits), asserted */
dske_gf128_t word_hex(const char *hex);

/** assert that a word equals the one given in "F_" notation */
#define ck_assert_word(a, hex) do { \
	char _got[33]; \
	dske_gf128_to_hex((a), _got); \
	ck_assert_str_eq(_got, (hex)); \
} while (0)

/** assert that two words are equal */
#define ck_assert_word_eq(a, b) do { \
	char _a[33], _b[33]; \
	dske_gf128_to_hex((a), _a); \
	dske_gf128_to_hex((b), _b); \
	ck_assert_str_eq(_a, _b); \
} while (0)

/** assert that bytes equal the given lowercase hex string */
void ck_assert_bytes_hex(const uint8_t *bytes, size_t len, const char *hex);

/**
 * Test vector PSRD of the notes' worked example: word w of side 'A' or 'B'
 * with hub i is the first 16 bytes of SHA-256("DSKE-TV|S|i|w"), read
 * little-endian.
 */
dske_gf128_t tv_psrd(char side, unsigned hub, unsigned w);

/**
 * Deterministic pseudo-random numbers for the property and oracle tests
 * (splitmix64), seeded from DSKE_TEST_SEED if set; the seed is printed so a
 * failure can be replayed.
 */
uint64_t test_random(void);

/** a pseudo-random word */
dske_gf128_t test_random_word(void);

Suite *gf128_suite(void);
Suite *ghash_suite(void);
Suite *hash_suite(void);
Suite *shamir_suite(void);
Suite *example_suite(void);
Suite *props_suite(void);

#endif /* DSKE_TESTS_H_ */
