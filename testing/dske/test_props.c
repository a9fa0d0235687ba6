/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * Properties of dske_split() and dske_combine() over random k-of-n
 * configurations (n up to 7, m up to 4): every k-subset rebuilds the key; a
 * flipped bit in any word of one share is rejected or outvoted, never a
 * wrong key; k-1 shares plus a guess of the k-th never pass the tag.
 */

#include "dske_tests.h"

#include <dske_hash.h>
#include <dske_shamir.h>

#include <stdlib.h>
#include <string.h>

/** largest n and m tried */
#define PROP_HUBS 7
#define PROP_M 4
#define PROP_WORDS (3 + PROP_M)

/** random configurations per property */
#define CONFIGS 40

/** guesses tried in the k-1 shares property */
#define GUESSES 1000

/** a random split and the shares the receiver decrypts */
typedef struct {
	unsigned k;
	unsigned n;
	size_t m;
	uint32_t x[PROP_HUBS];
	uint32_t selected;
	dske_gf128_t pad[PROP_HUBS][PROP_WORDS];
	dske_gf128_t z[PROP_HUBS][PROP_WORDS];
	/* R_i = Z_i + pad_i */
	dske_gf128_t r[PROP_HUBS][PROP_WORDS];
	dske_gf128_t key[PROP_M];
} config_t;

/** a random number in [0, bound) */
static unsigned below(unsigned bound)
{
	return (unsigned)(test_random() % bound);
}

/**
 * Distinct nonzero coordinates: mostly hub indexes 1..12, sometimes any
 * 32-bit value (the field does not care how large they are).
 */
static void random_coordinates(uint32_t *x, unsigned n)
{
	bool wide = below(4) == 0;
	unsigned i, j;

	for (i = 0; i < n; i++)
	{
		do
		{
			x[i] = wide ? (uint32_t)test_random() : 1 + below(12);
			for (j = 0; j < i && x[j] != x[i]; j++)
			{
			}
		}
		while (!x[i] || j < i);
	}
}

/** a random mask of k among the first n bits */
static uint32_t random_selection(unsigned k, unsigned n)
{
	uint32_t mask = 0;
	unsigned bit, chosen = 0;

	while (chosen < k)
	{
		bit = below(n);
		if (!(mask & (1u << bit)))
		{
			mask |= 1u << bit;
			chosen++;
		}
	}
	return mask;
}

/** split a random secret for k of n hubs (k >= k_min) */
static void config_split(config_t *c, unsigned k_min)
{
	dske_gf128_t *pads[PROP_HUBS], *z[PROP_HUBS];
	size_t i, w;

	memset(c, 0, sizeof(*c));
	c->n = k_min + below(PROP_HUBS - k_min + 1);
	c->k = k_min + below(c->n - k_min + 1);
	c->m = 1 + below(PROP_M);
	random_coordinates(c->x, c->n);
	c->selected = random_selection(c->k, c->n);
	for (i = 0; i < c->n; i++)
	{
		for (w = 0; w < dske_share_words(c->m); w++)
		{
			c->pad[i][w] = test_random_word();
		}
		pads[i] = c->pad[i];
		z[i] = c->z[i];
	}
	ck_assert(dske_split(c->k, c->n, c->m, c->x, pads, c->selected, z,
						 c->key));
	for (i = 0; i < c->n; i++)
	{
		for (w = 0; w < dske_share_words(c->m); w++)
		{
			c->r[i][w] = dske_gf128_add(c->z[i][w], c->pad[i][w]);
		}
	}
}

/**
 * Combine the shares in mask (bits = hubs), in a random order; accepted
 * and liars are translated back to hub bits.
 */
static bool config_combine(config_t *c, uint32_t mask, dske_gf128_t *key,
						   uint32_t *accepted, uint32_t *liars)
{
	dske_share_t shares[PROP_HUBS] = { { 0 } }, tmp;
	size_t hub[PROP_HUBS], count = 0, i, j, swap;
	uint32_t acc_idx = 0, liar_idx = 0;
	bool ok;

	for (i = 0; i < c->n; i++)
	{
		if (mask & (1u << i))
		{
			shares[count] = (dske_share_t){ .x = c->x[i], .r = c->r[i] };
			hub[count++] = i;
		}
	}
	for (i = count; i > 1; i--)
	{
		j = below(i);
		tmp = shares[i - 1];
		shares[i - 1] = shares[j];
		shares[j] = tmp;
		swap = hub[i - 1];
		hub[i - 1] = hub[j];
		hub[j] = swap;
	}
	ok = dske_combine(shares, count, c->k, c->m, key, &acc_idx, &liar_idx);
	*accepted = *liars = 0;
	for (i = 0; i < count; i++)
	{
		if (acc_idx & (1u << i))
		{
			*accepted |= 1u << hub[i];
		}
		if (liar_idx & (1u << i))
		{
			*liars |= 1u << hub[i];
		}
	}
	return ok;
}

/** the lexicographically first k-subset (by coordinate) of the hubs in mask */
static uint32_t first_subset(config_t *c, uint32_t mask)
{
	uint32_t subset = 0;
	unsigned chosen, i, best;

	for (chosen = 0; chosen < c->k; chosen++)
	{
		best = c->n;
		for (i = 0; i < c->n; i++)
		{
			if ((mask & ~subset & (1u << i)) &&
				(best == c->n || c->x[i] < c->x[best]))
			{
				best = i;
			}
		}
		subset |= 1u << best;
	}
	return subset;
}

static void assert_key(config_t *c, const dske_gf128_t *key)
{
	size_t w;

	for (w = 0; w < c->m; w++)
	{
		ck_assert_word_eq(key[w], c->key[w]);
	}
}

/** the next mask of the same number of bits (Gosper's hack) */
static uint32_t next_same_bits(uint32_t v)
{
	uint32_t t = v | (v - 1);

	return (t + 1) | (((~t & -~t) - 1) >> (__builtin_ctz(v) + 1));
}

START_TEST(test_every_subset)
{
	dske_gf128_t key[PROP_M];
	uint32_t accepted, liars, mask, all;
	config_t c;
	int i;

	for (i = 0; i < CONFIGS; i++)
	{
		config_split(&c, 1);
		all = (1u << c.n) - 1;
		for (mask = (1u << c.k) - 1; mask <= all; mask = next_same_bits(mask))
		{
			memset(key, 0, sizeof(key));
			ck_assert_msg(config_combine(&c, mask, key, &accepted, &liars),
						  "%u-of-%u, m %zu, subset %#x", c.k, c.n, c.m, mask);
			assert_key(&c, key);
			ck_assert_int_eq(accepted, mask);
			ck_assert_int_eq(liars, 0);
		}
		/* all n: the first subset wins, nobody lies */
		ck_assert(config_combine(&c, all, key, &accepted, &liars));
		assert_key(&c, key);
		ck_assert_int_eq(accepted, first_subset(&c, all));
		ck_assert_int_eq(liars, 0);
	}
}
END_TEST

/*
 * What the sender sends: zero for the selected hubs but eps in the d word
 * of the selected hub with the highest coordinate.
 */
START_TEST(test_selected_shares)
{
	uint32_t adjusted;
	config_t c;
	size_t w;
	unsigned i;
	int trial;

	for (trial = 0; trial < CONFIGS; trial++)
	{
		config_split(&c, 1);
		adjusted = c.n;
		for (i = 0; i < c.n; i++)
		{
			if ((c.selected & (1u << i)) &&
				(adjusted == c.n || c.x[i] > c.x[adjusted]))
			{
				adjusted = i;
			}
		}
		for (i = 0; i < c.n; i++)
		{
			if (!(c.selected & (1u << i)))
			{
				continue;
			}
			for (w = 0; w < dske_share_words(c.m); w++)
			{
				if (i != adjusted || w != 1)
				{
					ck_assert(dske_gf128_is_zero(c.z[i][w]));
				}
			}
		}
	}
}
END_TEST

/* z may be the pads themselves */
START_TEST(test_split_in_place)
{
	dske_gf128_t *pads[PROP_HUBS], key[PROP_M];
	dske_gf128_t copy[PROP_HUBS][PROP_WORDS];
	config_t c;
	size_t i, w;
	int trial;

	for (trial = 0; trial < CONFIGS; trial++)
	{
		config_split(&c, 1);
		memcpy(copy, c.pad, sizeof(copy));
		for (i = 0; i < c.n; i++)
		{
			pads[i] = copy[i];
		}
		ck_assert(dske_split(c.k, c.n, c.m, c.x, pads, c.selected, pads, key));
		assert_key(&c, key);
		for (i = 0; i < c.n; i++)
		{
			for (w = 0; w < dske_share_words(c.m); w++)
			{
				ck_assert_word_eq(copy[i][w], c.z[i][w]);
			}
		}
	}
}
END_TEST

/** flip one bit of a word */
static void flip(dske_gf128_t *w, unsigned bit)
{
	if (bit < 64)
	{
		w->lo ^= (uint64_t)1 << bit;
	}
	else
	{
		w->hi ^= (uint64_t)1 << (bit - 64);
	}
}

/*
 * One hub lies by a single bit in one word: every k-subset with it fails
 * the tag; all n shares still give the right key (and name the liar) when
 * the others are at least k, and fail otherwise.
 */
START_TEST(test_flipped_bit)
{
	dske_gf128_t key[PROP_M];
	uint32_t accepted, liars, mask, all;
	unsigned bad, bits[5] = { 0, 63, 64, 127, 0 }, b;
	config_t c;
	size_t w;
	int trial;

	for (trial = 0; trial < CONFIGS; trial++)
	{
		config_split(&c, 1);
		all = (1u << c.n) - 1;
		bad = below(c.n);
		bits[4] = below(128);
		for (w = 0; w < dske_share_words(c.m); w++)
		{
			for (b = 0; b < countof(bits); b++)
			{
				flip(&c.r[bad][w], bits[b]);
				for (mask = (1u << c.k) - 1; mask <= all;
					 mask = next_same_bits(mask))
				{
					if (mask & (1u << bad))
					{
						memset(key, 0, sizeof(key));
						ck_assert_msg(!config_combine(&c, mask, key, &accepted,
													  &liars),
									  "%u-of-%u, m %zu, word %zu bit %u",
									  c.k, c.n, c.m, w, bits[b]);
						ck_assert(dske_gf128_is_zero(key[0]));
						ck_assert_int_eq(accepted, 0);
					}
				}
				if (c.n > c.k)
				{
					ck_assert(config_combine(&c, all, key, &accepted, &liars));
					assert_key(&c, key);
					ck_assert(!(accepted & (1u << bad)));
					ck_assert_int_eq(liars, 1u << bad);
				}
				else
				{
					ck_assert(!config_combine(&c, all, key, &accepted,
											  &liars));
				}
				flip(&c.r[bad][w], bits[b]);
			}
		}
	}
}
END_TEST

/*
 * k-1 true shares and a random guess of the k-th (at a real hub's
 * coordinate, or at a fresh one) never pass the tag.
 */
START_TEST(test_guess)
{
	dske_gf128_t key[PROP_M], guess[PROP_WORDS];
	dske_share_t shares[PROP_HUBS];
	uint32_t accepted, liars, mask;
	unsigned i, j, count, target;
	config_t c;
	size_t w;
	int trial;

	for (trial = 0; trial < GUESSES; trial++)
	{
		config_split(&c, 1);
		mask = random_selection(c.k - 1, c.n);
		count = 0;
		for (i = 0; i < c.n; i++)
		{
			if (mask & (1u << i))
			{
				shares[count++] = (dske_share_t){ .x = c.x[i], .r = c.r[i] };
			}
		}
		for (w = 0; w < dske_share_words(c.m); w++)
		{
			guess[w] = test_random_word();
		}
		/* a hub not among the k-1, or a coordinate no hub has */
		do
		{
			target = below(c.n);
		}
		while (mask & (1u << target));
		shares[count].x = c.x[target];
		if (trial % 2)
		{
			do
			{
				shares[count].x = (uint32_t)test_random();
				for (j = 0; j < c.n && c.x[j] != shares[count].x; j++)
				{
				}
			}
			while (!shares[count].x || j < c.n);
		}
		shares[count++].r = guess;
		memset(key, 0, sizeof(key));
		ck_assert(!dske_combine(shares, count, c.k, c.m, key, &accepted,
								&liars));
		ck_assert(dske_gf128_is_zero(key[0]));
	}
}
END_TEST

/*
 * The same guess property at the tag: any k shares whose interpolation
 * is off by a random delta in every word fail (the receiver never accepts
 * a secret it cannot validate).
 */
START_TEST(test_random_shares)
{
	dske_gf128_t key[PROP_M], r[PROP_HUBS][PROP_WORDS];
	dske_share_t shares[PROP_HUBS];
	unsigned i, n;
	size_t w, m;
	int trial;

	for (trial = 0; trial < GUESSES; trial++)
	{
		n = 1 + below(PROP_HUBS);
		m = 1 + below(PROP_M);
		for (i = 0; i < n; i++)
		{
			shares[i].x = i + 1;
			shares[i].r = r[i];
			for (w = 0; w < dske_share_words(m); w++)
			{
				r[i][w] = test_random_word();
			}
		}
		ck_assert(!dske_combine(shares, n, 1 + below(n), m, key, NULL, NULL));
	}
}
END_TEST

Suite *props_suite(void)
{
	Suite *s = suite_create("dske_properties");
	TCase *tc = tcase_create("k-of-n");

	/* many interpolations; slower under sanitizers */
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_every_subset);
	tcase_add_test(tc, test_selected_shares);
	tcase_add_test(tc, test_split_in_place);
	tcase_add_test(tc, test_flipped_bit);
	tcase_add_test(tc, test_guess);
	tcase_add_test(tc, test_random_shares);
	suite_add_tcase(s, tc);
	return s;
}
