/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * dske_shamir.h: Lagrange coefficients and one-word 2-of-3 sharing against
 * the notes' vectors, and the parameters split and combine refuse.
 */

#include "dske_tests.h"

#include <dske_shamir.h>

#include <stdlib.h>
#include <string.h>

#define SECRET "000102030405060708090a0b0c0d0e0f"

/** the notes' shares of s + a1*x at x = 1, 2, 3 */
static const char *const shares_hex[] = {
	"a5a4a7a65e5f5c5d092a4f6c85a6c3e0",
	"4b4a4949b0b1b2b30a4f80c41f5a9556",
	"eeefececeaebe8e90b6cc5a396f158b9",
};

START_TEST(test_shares)
{
	dske_gf128_t s = word_hex(SECRET);
	dske_gf128_t a1 = word_hex("a5a5a5a55a5a5a5a0123456789abcdef");
	unsigned x;

	for (x = 1; x <= 3; x++)
	{
		ck_assert_word(dske_gf128_add(s, dske_gf128_mul(a1,
									  dske_gf128_from_uint(x))),
					   shares_hex[x - 1]);
	}
}
END_TEST

/** a pair of points and L_1(0), L_2(0) */
typedef struct {
	uint32_t x[2];
	const char *l[2];
} pair_t;

static const pair_t pairs[] = {
	{ { 1, 2 }, { "ffffffffffffffffffffffffffffff83",
				  "ffffffffffffffffffffffffffffff82" } },
	{ { 1, 3 }, { "80000000000000000000000000000042",
				  "80000000000000000000000000000043" } },
	{ { 2, 3 }, { "00000000000000000000000000000003",
				  "00000000000000000000000000000002" } },
};

START_TEST(test_lagrange)
{
	const pair_t *p = &pairs[_i];
	dske_gf128_t l0, l1, s;

	l0 = dske_lagrange_at_zero(p->x, 2, 0);
	l1 = dske_lagrange_at_zero(p->x, 2, 1);
	ck_assert_word(l0, p->l[0]);
	ck_assert_word(l1, p->l[1]);
	/* they sum to 1 (the constant polynomial 1 interpolates to 1) */
	ck_assert_word(dske_gf128_add(l0, l1), "00000000000000000000000000000001");
	/* and the pair's shares interpolate back to the secret */
	s = dske_gf128_add(
			dske_gf128_mul(l0, word_hex(shares_hex[p->x[0] - 1])),
			dske_gf128_mul(l1, word_hex(shares_hex[p->x[1] - 1])));
	ck_assert_word(s, SECRET);
	/* out of range */
	ck_assert(dske_gf128_is_zero(dske_lagrange_at_zero(p->x, 2, 2)));
}
END_TEST

/** words of the shares in the parameter tests: m = 1 */
#define M 1
#define WORDS 4

/** n hubs' pads and encrypted shares for the parameter tests */
typedef struct {
	dske_gf128_t pad[DSKE_MAX_HUBS + 1][3 + DSKE_MAX_KEY_WORDS + 1];
	dske_gf128_t z[DSKE_MAX_HUBS + 1][3 + DSKE_MAX_KEY_WORDS + 1];
	dske_gf128_t *pads[DSKE_MAX_HUBS + 1];
	dske_gf128_t *zs[DSKE_MAX_HUBS + 1];
	uint32_t x[DSKE_MAX_HUBS + 1];
	dske_gf128_t key[DSKE_MAX_KEY_WORDS + 1];
} split_fixture_t;

static split_fixture_t *fixture_new(void)
{
	split_fixture_t *f = calloc(1, sizeof(*f));
	size_t i, w;

	ck_assert(f);
	for (i = 0; i <= DSKE_MAX_HUBS; i++)
	{
		for (w = 0; w < countof(f->pad[i]); w++)
		{
			f->pad[i][w] = test_random_word();
		}
		f->pads[i] = f->pad[i];
		f->zs[i] = f->z[i];
		f->x[i] = i + 1;
	}
	return f;
}

/** z and key untouched since fixture_new() (all zero) */
static bool untouched(split_fixture_t *f)
{
	static const dske_gf128_t zero[sizeof(f->z) / sizeof(dske_gf128_t)];

	return !memcmp(f->z, zero, sizeof(f->z)) &&
		   !memcmp(f->key, zero, sizeof(f->key));
}

START_TEST(test_split_invalid)
{
	split_fixture_t *f = fixture_new();
	uint32_t x[3] = { 1, 2, 3 };
	dske_gf128_t *p = f->pads[0];

	/* k out of range */
	ck_assert(!dske_split(0, 3, M, f->x, f->pads, 0, f->zs, f->key));
	ck_assert(!dske_split(4, 3, M, f->x, f->pads, 0xf, f->zs, f->key));
	/* n above the limit */
	ck_assert(!dske_split(2, DSKE_MAX_HUBS + 1, M, f->x, f->pads, 3, f->zs,
						  f->key));
	/* m out of range */
	ck_assert(!dske_split(2, 3, 0, f->x, f->pads, 3, f->zs, f->key));
	ck_assert(!dske_split(2, 3, DSKE_MAX_KEY_WORDS + 1, f->x, f->pads, 3,
						  f->zs, f->key));
	/* selected: not k bits, or a bit beyond n */
	ck_assert(!dske_split(2, 3, M, f->x, f->pads, 1, f->zs, f->key));
	ck_assert(!dske_split(2, 3, M, f->x, f->pads, 7, f->zs, f->key));
	ck_assert(!dske_split(2, 3, M, f->x, f->pads, 9, f->zs, f->key));
	/* coordinates zero or repeated */
	x[1] = 0;
	ck_assert(!dske_split(2, 3, M, x, f->pads, 3, f->zs, f->key));
	x[1] = 3;
	ck_assert(!dske_split(2, 3, M, x, f->pads, 3, f->zs, f->key));
	/* missing arrays */
	ck_assert(!dske_split(2, 3, M, NULL, f->pads, 3, f->zs, f->key));
	ck_assert(!dske_split(2, 3, M, f->x, NULL, 3, f->zs, f->key));
	ck_assert(!dske_split(2, 3, M, f->x, f->pads, 3, NULL, f->key));
	ck_assert(!dske_split(2, 3, M, f->x, f->pads, 3, f->zs, NULL));
	f->pads[0] = NULL;
	ck_assert(!dske_split(2, 3, M, f->x, f->pads, 3, f->zs, f->key));
	f->pads[0] = p;
	ck_assert(untouched(f));

	/* the extremes are fine */
	ck_assert(dske_split(1, 1, M, f->x, f->pads, 1, f->zs, f->key));
	ck_assert(dske_split(2, DSKE_MAX_HUBS, DSKE_MAX_KEY_WORDS, f->x, f->pads,
						 0x80000001, f->zs, f->key));
	free(f);
}
END_TEST

START_TEST(test_combine_invalid)
{
	dske_gf128_t r[3][WORDS], key[M] = { { 0, 0 } };
	dske_share_t shares[DSKE_MAX_HUBS + 1];
	uint32_t accepted = 1, liars = 1;
	size_t i;

	memset(r, 0, sizeof(r));
	for (i = 0; i < countof(shares); i++)
	{
		shares[i].x = i + 1;
		shares[i].r = r[i % 3];
	}
	/* an all-zero secret has tag 0: valid if the parameters are */
	ck_assert(dske_combine(shares, 3, 2, M, key, &accepted, &liars));
	ck_assert_int_eq(accepted, 3);
	ck_assert_int_eq(liars, 0);

	ck_assert(!dske_combine(shares, 3, 0, M, key, &accepted, &liars));
	ck_assert_int_eq(accepted, 0);
	ck_assert_int_eq(liars, 0);
	ck_assert(!dske_combine(shares, 1, 2, M, key, NULL, NULL));
	ck_assert(!dske_combine(shares, DSKE_MAX_HUBS + 1, 2, M, key, NULL,
							NULL));
	ck_assert(!dske_combine(shares, 3, 2, 0, key, NULL, NULL));
	ck_assert(!dske_combine(shares, 3, 2, DSKE_MAX_KEY_WORDS + 1, key, NULL,
							NULL));
	ck_assert(!dske_combine(NULL, 3, 2, M, key, NULL, NULL));
	ck_assert(!dske_combine(shares, 3, 2, M, NULL, NULL, NULL));
	shares[1].x = 0;
	ck_assert(!dske_combine(shares, 3, 2, M, key, NULL, NULL));
	shares[1].x = 3;
	ck_assert(!dske_combine(shares, 3, 2, M, key, NULL, NULL));
	shares[1].x = 2;
	shares[1].r = NULL;
	ck_assert(!dske_combine(shares, 3, 2, M, key, NULL, NULL));
}
END_TEST

Suite *shamir_suite(void)
{
	Suite *s = suite_create("dske_shamir");
	TCase *tc = tcase_create("vectors");

	tcase_add_test(tc, test_shares);
	tcase_add_loop_test(tc, test_lagrange, 0, countof(pairs));
	suite_add_tcase(s, tc);

	tc = tcase_create("parameters");
	tcase_add_test(tc, test_split_invalid);
	tcase_add_test(tc, test_combine_invalid);
	suite_add_tcase(s, tc);
	return s;
}
