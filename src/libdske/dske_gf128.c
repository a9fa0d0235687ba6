/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dske_gf128.h"

#include <openssl/crypto.h>

/** x^128 = 1 + x + x^2 + x^7: what a bit shifted out of x^127 folds into */
#define DSKE_GF128_REDUCE 0x87

dske_gf128_t dske_gf128_add(dske_gf128_t a, dske_gf128_t b)
{
	return (dske_gf128_t){ .lo = a.lo ^ b.lo, .hi = a.hi ^ b.hi };
}

/**
 * All ones if bit is 1, zero if it is 0, without a branch. The empty asm
 * hides from the optimizer that the mask has only two values, so that it
 * cannot turn the masked additions back into a branch on the bit.
 */
static inline uint64_t mask_of(uint64_t bit)
{
	uint64_t mask = (uint64_t)0 - (bit & 1);

#if defined(__GNUC__) || defined(__clang__)
	__asm__("" : "+r"(mask));
#endif
	return mask;
}

/**
 * a * x: shift up one degree and fold x^128 back in, without a branch.
 */
static inline dske_gf128_t times_x(dske_gf128_t a)
{
	uint64_t carry = mask_of(a.hi >> 63);

	a.hi = (a.hi << 1) | (a.lo >> 63);
	a.lo = (a.lo << 1) ^ (carry & DSKE_GF128_REDUCE);
	return a;
}

/*
 * Shift-and-add over all 128 bits of b: every iteration does the same
 * operations whatever the bits are (the bit only selects through a mask), so
 * neither timing nor memory access depends on a hash key or a share word.
 */
dske_gf128_t dske_gf128_mul(dske_gf128_t a, dske_gf128_t b)
{
	dske_gf128_t r = { 0, 0 };
	uint64_t mask;
	int i;

	for (i = 0; i < 64; i++)
	{
		mask = mask_of(b.lo >> i);
		r.lo ^= a.lo & mask;
		r.hi ^= a.hi & mask;
		a = times_x(a);
	}
	for (i = 0; i < 64; i++)
	{
		mask = mask_of(b.hi >> i);
		r.lo ^= a.lo & mask;
		r.hi ^= a.hi & mask;
		a = times_x(a);
	}
	return r;
}

/**
 * A binary polynomial of degree <= 191, for the modulus (degree 128) and
 * the values the inversion derives from it.
 */
typedef struct {
	uint64_t w[3];
} poly_t;

/** true if p = 1 */
static bool poly_is_one(const poly_t *p)
{
	return p->w[0] == 1 && !p->w[1] && !p->w[2];
}

/** degree of p (-1 for 0) */
static int poly_degree(const poly_t *p)
{
	int i;

	for (i = 2; i >= 0; i--)
	{
		if (p->w[i])
		{
			return 64 * i + 63 - __builtin_clzll(p->w[i]);
		}
	}
	return -1;
}

/** p / x for an even p */
static void poly_div_x(poly_t *p)
{
	p->w[0] = (p->w[0] >> 1) | (p->w[1] << 63);
	p->w[1] = (p->w[1] >> 1) | (p->w[2] << 63);
	p->w[2] >>= 1;
}

/** g / x mod the modulus: (g + modulus) / x if g is odd */
static void field_div_x(dske_gf128_t *g)
{
	uint64_t odd = g->lo & 1;

	if (odd)
	{
		g->lo ^= DSKE_GF128_REDUCE;
	}
	g->lo = (g->lo >> 1) | (g->hi << 63);
	/* the modulus' x^128 becomes x^127 */
	g->hi = (g->hi >> 1) | (odd << 63);
}

/*
 * The binary extended Euclidean algorithm (Hankerson, Menezes, Vanstone,
 * Guide to Elliptic Curve Cryptography, algorithm 2.49), keeping
 * a * g1 = u and a * g2 = v modulo the modulus. Variable time: the inverse
 * is only taken of public values (coordinates), where Fermat's 255
 * multiplications made every interpolation slow.
 */
dske_gf128_t dske_gf128_inv(dske_gf128_t a)
{
	poly_t u = { { a.lo, a.hi, 0 } }, v = { { DSKE_GF128_REDUCE, 0, 1 } };
	dske_gf128_t g1 = dske_gf128_from_uint(1), g2 = dske_gf128_from_uint(0);
	int i;

	if (dske_gf128_is_zero(a))
	{
		return a;
	}
	while (!poly_is_one(&u) && !poly_is_one(&v))
	{
		while (!(u.w[0] & 1))
		{
			poly_div_x(&u);
			field_div_x(&g1);
		}
		while (!(v.w[0] & 1))
		{
			poly_div_x(&v);
			field_div_x(&g2);
		}
		if (poly_degree(&u) > poly_degree(&v))
		{
			for (i = 0; i < 3; i++)
			{
				u.w[i] ^= v.w[i];
			}
			g1 = dske_gf128_add(g1, g2);
		}
		else
		{
			for (i = 0; i < 3; i++)
			{
				v.w[i] ^= u.w[i];
			}
			g2 = dske_gf128_add(g2, g1);
		}
	}
	return poly_is_one(&u) ? g1 : g2;
}

bool dske_gf128_is_zero(dske_gf128_t a)
{
	uint64_t v = a.lo | a.hi;

	/* the top bit of v | -v is set iff v != 0 */
	return ((v | ((uint64_t)0 - v)) >> 63) ^ 1;
}

bool dske_gf128_equal(dske_gf128_t a, dske_gf128_t b)
{
	return dske_gf128_is_zero(dske_gf128_add(a, b));
}

dske_gf128_t dske_gf128_from_uint(uint64_t v)
{
	return (dske_gf128_t){ .lo = v, .hi = 0 };
}

/** 8 little-endian bytes as an integer */
static uint64_t load64(const uint8_t *bytes)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
	{
		v = (v << 8) | bytes[i];
	}
	return v;
}

/** an integer as 8 little-endian bytes */
static void store64(uint64_t v, uint8_t *bytes)
{
	int i;

	for (i = 0; i < 8; i++)
	{
		bytes[i] = (uint8_t)(v >> (8 * i));
	}
}

dske_gf128_t dske_gf128_load(const uint8_t bytes[DSKE_WORD_LEN])
{
	return (dske_gf128_t){ .lo = load64(bytes), .hi = load64(bytes + 8) };
}

void dske_gf128_store(dske_gf128_t a, uint8_t bytes[DSKE_WORD_LEN])
{
	store64(a.lo, bytes);
	store64(a.hi, bytes + 8);
}

bool dske_gf128_from_hex(const char *hex, dske_gf128_t *a)
{
	dske_gf128_t v = { 0, 0 };
	int digits = 0, d;

	for (; *hex; hex++)
	{
		if (*hex == '_')
		{
			continue;
		}
		d = OPENSSL_hexchar2int((unsigned char)*hex);
		if (d < 0 || ++digits > 32)
		{
			return false;
		}
		v.hi = (v.hi << 4) | (v.lo >> 60);
		v.lo = (v.lo << 4) | (uint64_t)d;
	}
	if (digits != 32)
	{
		return false;
	}
	*a = v;
	return true;
}

void dske_gf128_to_hex(dske_gf128_t a, char hex[33])
{
	static const char digits[] = "0123456789abcdef";
	int i;

	for (i = 0; i < 16; i++)
	{
		hex[i] = digits[(a.hi >> (60 - 4 * i)) & 0xf];
		hex[16 + i] = digits[(a.lo >> (60 - 4 * i)) & 0xf];
	}
	hex[32] = '\0';
}

void dske_gf128_wipe(dske_gf128_t *words, size_t count)
{
	if (words && count)
	{
		OPENSSL_cleanse(words, count * sizeof(*words));
	}
}
