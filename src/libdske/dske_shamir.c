/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dske_shamir.h"
#include "dske_hash.h"

/** index of the d word in a secret or share (c, d, e, y1..ym) */
#define WORD_D 1

/** words of the largest secret */
#define MAX_WORDS (3 + DSKE_MAX_KEY_WORDS)

/**
 * Coordinates are usable as Shamir points: nonzero and pairwise distinct.
 */
static bool valid_coordinates(const uint32_t *x, size_t count)
{
	size_t i, j;

	for (i = 0; i < count; i++)
	{
		if (!x[i])
		{
			return false;
		}
		for (j = 0; j < i; j++)
		{
			if (x[i] == x[j])
			{
				return false;
			}
		}
	}
	return true;
}

/**
 * The Lagrange basis polynomial of point j among x[0..count-1], evaluated
 * at point: prod over i != j of (point - x_i) / (x_j - x_i), where minus is
 * plus in characteristic 2. Coordinates are public, so variable time.
 */
static dske_gf128_t lagrange_at(const uint32_t *x, size_t count, size_t j,
								uint32_t point)
{
	dske_gf128_t num = dske_gf128_from_uint(1), den = num;
	size_t i;

	for (i = 0; i < count; i++)
	{
		if (i != j)
		{
			num = dske_gf128_mul(num, dske_gf128_from_uint(point ^ x[i]));
			den = dske_gf128_mul(den, dske_gf128_from_uint(x[j] ^ x[i]));
		}
	}
	return dske_gf128_mul(num, dske_gf128_inv(den));
}

dske_gf128_t dske_lagrange_at_zero(const uint32_t *x, size_t count, size_t j)
{
	if (!x || j >= count)
	{
		return dske_gf128_from_uint(0);
	}
	return lagrange_at(x, count, j, 0);
}

/**
 * Evaluate, word by word, the polynomial of degree < count through the
 * points (x[t], r[t]) at point: out[w] = sum_t L_t(point) * r[t][w].
 */
static void interpolate(const uint32_t *x, const dske_gf128_t *const *r,
						size_t count, uint32_t point, size_t words,
						dske_gf128_t *out)
{
	dske_gf128_t l;
	size_t t, w;

	for (w = 0; w < words; w++)
	{
		out[w] = dske_gf128_from_uint(0);
	}
	for (t = 0; t < count; t++)
	{
		l = lagrange_at(x, count, t, point);
		for (w = 0; w < words; w++)
		{
			out[w] = dske_gf128_add(out[w], dske_gf128_mul(l, r[t][w]));
		}
	}
}

/** number of bits set */
static unsigned bits_set(uint32_t mask)
{
	unsigned count = 0;

	for (; mask; mask &= mask - 1)
	{
		count++;
	}
	return count;
}

/**
 * Parameters of dske_split() are usable.
 */
static bool split_valid(unsigned k, unsigned n, size_t m, const uint32_t *x,
						dske_gf128_t *const *pads, uint32_t selected,
						dske_gf128_t *const *z, const dske_gf128_t *key)
{
	uint32_t all;
	unsigned i;

	if (!x || !pads || !z || !key || k < 1 || k > n || n > DSKE_MAX_HUBS ||
		m < 1 || m > DSKE_MAX_KEY_WORDS || !valid_coordinates(x, n))
	{
		return false;
	}
	all = n == 32 ? UINT32_MAX : ((uint32_t)1 << n) - 1;
	if ((selected & ~all) || bits_set(selected) != k)
	{
		return false;
	}
	for (i = 0; i < n; i++)
	{
		if (!pads[i] || !z[i])
		{
			return false;
		}
	}
	return true;
}

/*
 * The selected shares are their pads, so the secret is their interpolation
 * at 0. Its tag sigma is linear in d with coefficient 1, so adding
 * eps = sigma / L_j(0) to share j's d word adds sigma to S.d and zeroes the
 * tag; as interpolation is linear, the unselected shares are the unadjusted
 * polynomial's values plus L_j(x_i) * eps in their d word. Unselected
 * encrypted shares are written before the selected ones, so z may be the
 * pads themselves (in place).
 */
bool dske_split(unsigned k, unsigned n, size_t m, const uint32_t *x,
				dske_gf128_t *const *pads, uint32_t selected,
				dske_gf128_t *const *z, dske_gf128_t *key)
{
	const dske_gf128_t *sel_r[DSKE_MAX_HUBS];
	uint32_t sel_x[DSKE_MAX_HUBS];
	dske_gf128_t s[MAX_WORDS], r[MAX_WORDS], sigma, eps, l;
	size_t words = dske_share_words(m), w, adjusted = 0;
	unsigned i, t = 0;

	if (!split_valid(k, n, m, x, pads, selected, z, key))
	{
		return false;
	}
	for (i = 0; i < n; i++)
	{
		if (selected & ((uint32_t)1 << i))
		{
			if (!t || x[i] > sel_x[adjusted])
			{
				adjusted = t;
			}
			sel_x[t] = x[i];
			sel_r[t++] = pads[i];
		}
	}
	interpolate(sel_x, sel_r, k, 0, words, s);
	sigma = dske_secret_tag(s, words);
	eps = dske_gf128_mul(sigma,
					dske_gf128_inv(lagrange_at(sel_x, k, adjusted, 0)));
	s[WORD_D] = dske_gf128_add(s[WORD_D], sigma);

	for (i = 0; i < n; i++)
	{
		if (!(selected & ((uint32_t)1 << i)))
		{
			interpolate(sel_x, sel_r, k, x[i], words, r);
			l = lagrange_at(sel_x, k, adjusted, x[i]);
			r[WORD_D] = dske_gf128_add(r[WORD_D], dske_gf128_mul(l, eps));
			for (w = 0; w < words; w++)
			{
				z[i][w] = dske_gf128_add(r[w], pads[i][w]);
			}
		}
	}
	for (i = 0; i < n; i++)
	{
		if (selected & ((uint32_t)1 << i))
		{
			for (w = 0; w < words; w++)
			{
				z[i][w] = dske_gf128_from_uint(0);
			}
			if (x[i] == sel_x[adjusted])
			{
				z[i][WORD_D] = eps;
			}
		}
	}
	for (w = 0; w < m; w++)
	{
		key[w] = s[3 + w];
	}
	dske_gf128_wipe(s, words);
	dske_gf128_wipe(r, words);
	dske_gf128_wipe(&sigma, 1);
	dske_gf128_wipe(&eps, 1);
	return true;
}

/**
 * Parameters of dske_combine() are usable.
 */
static bool combine_valid(const dske_share_t *shares, size_t count,
						  unsigned k, size_t m, const dske_gf128_t *key)
{
	uint32_t x[DSKE_MAX_HUBS];
	size_t i;

	if (!shares || !key || k < 1 || count < k || count > DSKE_MAX_HUBS ||
		m < 1 || m > DSKE_MAX_KEY_WORDS)
	{
		return false;
	}
	for (i = 0; i < count; i++)
	{
		if (!shares[i].r)
		{
			return false;
		}
		x[i] = shares[i].x;
	}
	return valid_coordinates(x, count);
}

/**
 * Share indexes ordered by coordinate (insertion sort, count is small).
 */
static void order_by_x(const dske_share_t *shares, size_t count,
					   size_t *order)
{
	size_t i, j, v;

	for (i = 0; i < count; i++)
	{
		v = i;
		for (j = i; j > 0 && shares[order[j - 1]].x > shares[v].x; j--)
		{
			order[j] = order[j - 1];
		}
		order[j] = v;
	}
}

/**
 * Advance pos[0..k-1] (increasing positions < count) to the next k-subset
 * in lexicographic order; false after the last.
 */
static bool next_subset(size_t *pos, unsigned k, size_t count)
{
	unsigned i = k;

	while (i--)
	{
		if (pos[i] < count - k + i)
		{
			pos[i]++;
			for (i++; i < k; i++)
			{
				pos[i] = pos[i - 1] + 1;
			}
			return true;
		}
	}
	return false;
}

/**
 * Mask of the shares outside subset that are not on the polynomial through
 * sub_x/sub_r.
 */
static uint32_t find_liars(const dske_share_t *shares, size_t count,
						   uint32_t subset, const uint32_t *sub_x,
						   const dske_gf128_t *const *sub_r, unsigned k,
						   size_t words)
{
	dske_gf128_t r[MAX_WORDS];
	uint32_t liars = 0;
	bool same;
	size_t i, w;

	for (i = 0; i < count; i++)
	{
		if (subset & ((uint32_t)1 << i))
		{
			continue;
		}
		interpolate(sub_x, sub_r, k, shares[i].x, words, r);
		same = true;
		for (w = 0; w < words; w++)
		{
			same &= dske_gf128_equal(r[w], shares[i].r[w]);
		}
		if (!same)
		{
			liars |= (uint32_t)1 << i;
		}
	}
	dske_gf128_wipe(r, words);
	return liars;
}

bool dske_combine(const dske_share_t *shares, size_t count, unsigned k,
				  size_t m, dske_gf128_t *key, uint32_t *accepted,
				  uint32_t *liars)
{
	const dske_gf128_t *sub_r[DSKE_MAX_HUBS];
	uint32_t sub_x[DSKE_MAX_HUBS], subset = 0;
	size_t order[DSKE_MAX_HUBS], pos[DSKE_MAX_HUBS];
	dske_gf128_t s[MAX_WORDS];
	size_t words = dske_share_words(m), w;
	bool found = false;
	unsigned t;

	if (accepted)
	{
		*accepted = 0;
	}
	if (liars)
	{
		*liars = 0;
	}
	if (!combine_valid(shares, count, k, m, key))
	{
		return false;
	}
	order_by_x(shares, count, order);
	for (t = 0; t < k; t++)
	{
		pos[t] = t;
	}
	do
	{
		subset = 0;
		for (t = 0; t < k; t++)
		{
			sub_x[t] = shares[order[pos[t]]].x;
			sub_r[t] = shares[order[pos[t]]].r;
			subset |= (uint32_t)1 << order[pos[t]];
		}
		interpolate(sub_x, sub_r, k, 0, words, s);
		found = dske_gf128_is_zero(dske_secret_tag(s, words));
	}
	while (!found && next_subset(pos, k, count));

	if (found)
	{
		for (w = 0; w < m; w++)
		{
			key[w] = s[3 + w];
		}
		if (accepted)
		{
			*accepted = subset;
		}
		if (liars)
		{
			*liars = find_liars(shares, count, subset, sub_x, sub_r, k,
								words);
		}
	}
	dske_gf128_wipe(s, words);
	return found;
}
