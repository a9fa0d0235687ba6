/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * What DSKE's arithmetic costs per key, side by side in one run: field
 * multiplications and inverses, a 2-of-3 split and combine of a 256-bit key
 * (m = 2), and the combine when the first share lies (two subsets tried).
 * Prints operations per second and each figure in multiplications, so that
 * runs on different machines compare by ratio.
 *
 *   dske_bench [SECONDS per figure, default 1]
 */

#include <dske_hash.h>
#include <dske_shamir.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define HUBS 3
#define K 2
#define M 2
#define WORDS (3 + M)

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/** the state every figure works on */
typedef struct {
	dske_gf128_t a, b;
	dske_gf128_t pad[HUBS][WORDS];
	dske_gf128_t z[HUBS][WORDS];
	dske_gf128_t r[HUBS][WORDS];
	dske_gf128_t key[M];
	dske_share_t shares[HUBS];
} bench_t;

static const uint32_t coordinates[HUBS] = { 1, 2, 3 };

static void op_mul(bench_t *b)
{
	b->a = dske_gf128_mul(b->a, b->b);
}

static void op_inv(bench_t *b)
{
	b->a = dske_gf128_inv(dske_gf128_add(b->a, dske_gf128_from_uint(1)));
}

static void op_split(bench_t *b)
{
	dske_gf128_t *pads[HUBS], *z[HUBS];
	int i;

	for (i = 0; i < HUBS; i++)
	{
		pads[i] = b->pad[i];
		z[i] = b->z[i];
	}
	if (!dske_split(K, HUBS, M, coordinates, pads, 0x3, z, b->key))
	{
		abort();
	}
}

static void op_combine(bench_t *b)
{
	if (!dske_combine(b->shares, HUBS, K, M, b->key, NULL, NULL))
	{
		abort();
	}
}

/** operations per second of op over about seconds */
static double rate(void (*op)(bench_t *), bench_t *b, double seconds)
{
	double start = now(), elapsed;
	unsigned long count = 0;
	int i;

	do
	{
		for (i = 0; i < 100; i++)
		{
			op(b);
		}
		count += 100;
		elapsed = now() - start;
	}
	while (elapsed < seconds);
	return count / elapsed;
}

int main(int argc, char *argv[])
{
	double seconds = argc > 1 ? atof(argv[1]) : 1.0, mul, figure;
	bench_t b;
	int i, w;

	memset(&b, 0, sizeof(b));
	b.a = (dske_gf128_t){ 0x0123456789abcdefULL, 0xfedcba9876543210ULL };
	b.b = (dske_gf128_t){ 0xdeadbeefcafef00dULL, 0x1111111122222222ULL };
	for (i = 0; i < HUBS; i++)
	{
		for (w = 0; w < WORDS; w++)
		{
			b.pad[i][w] = (dske_gf128_t){ 0x9e3779b97f4a7c15ULL * (i + 1),
										  0xbf58476d1ce4e5b9ULL * (w + 1) };
		}
	}
	op_split(&b);
	for (i = 0; i < HUBS; i++)
	{
		for (w = 0; w < WORDS; w++)
		{
			b.r[i][w] = dske_gf128_add(b.z[i][w], b.pad[i][w]);
		}
		b.shares[i] = (dske_share_t){ .x = coordinates[i], .r = b.r[i] };
	}

	mul = rate(op_mul, &b, seconds);
	printf("%-36s %12.0f /s\n", "GF(2^128) multiply", mul);
	figure = rate(op_inv, &b, seconds);
	printf("%-36s %12.0f /s  = %6.1f multiplies\n", "inverse (Euclid)", figure,
		   mul / figure);
	figure = rate(op_split, &b, seconds);
	printf("%-36s %12.0f /s  = %6.1f multiplies\n", "split 2-of-3, m = 2", figure,
		   mul / figure);
	figure = rate(op_combine, &b, seconds);
	printf("%-36s %12.0f /s  = %6.1f multiplies\n", "combine 3 shares, m = 2",
		   figure, mul / figure);
	/* hub 1 lies: {1,2} fails, {1,3} fails, {2,3} passes */
	b.r[0][3].lo ^= 1;
	figure = rate(op_combine, &b, seconds);
	printf("%-36s %12.0f /s  = %6.1f multiplies\n",
		   "combine 3 shares, first one lying", figure, mul / figure);
	return 0;
}
