/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * Helpers shared by libdske's tests.
 */

#include "dske_tests.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

dske_gf128_t word_hex(const char *hex)
{
	dske_gf128_t a;

	ck_assert_msg(dske_gf128_from_hex(hex, &a), "bad test word %s", hex);
	return a;
}

void ck_assert_bytes_hex(const uint8_t *bytes, size_t len, const char *hex)
{
	char got[2 * len + 1];
	size_t i;

	for (i = 0; i < len; i++)
	{
		snprintf(got + 2 * i, 3, "%02x", bytes[i]);
	}
	ck_assert_str_eq(got, hex);
}

dske_gf128_t tv_psrd(char side, unsigned hub, unsigned w)
{
	uint8_t digest[SHA256_DIGEST_LENGTH];
	char label[64];
	int len;

	len = snprintf(label, sizeof(label), "DSKE-TV|%c|%u|%u", side, hub, w);
	SHA256((const uint8_t *)label, (size_t)len, digest);
	return dske_gf128_load(digest);
}

/** state of the generator, 0 until seeded */
static uint64_t state;
static bool seeded;

uint64_t test_random(void)
{
	const char *env;
	uint64_t z;

	if (!seeded)
	{
		env = getenv("DSKE_TEST_SEED");
		state = env ? strtoull(env, NULL, 0) : 0x5eed0d5ce2026ULL;
		fprintf(stderr, "DSKE_TEST_SEED=%#" PRIx64 "\n", state);
		seeded = true;
	}
	z = (state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

dske_gf128_t test_random_word(void)
{
	dske_gf128_t a;

	a.lo = test_random();
	a.hi = test_random();
	return a;
}
