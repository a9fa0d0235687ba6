/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * Constant time, checked by valgrind (check-ct.sh runs this under it): the
 * secret inputs are marked undefined, so memcheck reports every branch and
 * every memory address that depends on them. The multiply, the hash, the
 * secret tag, the comparisons and the sender's whole split must pass without
 * a report. (The receiver's combine branches on whether the tag is zero,
 * which is its public outcome; its interpolation is the split's code.)
 * Exits 77 (skipped) where valgrind's client requests are not available.
 */

#include <dske_hash.h>
#include <dske_shamir.h>

#include <stdio.h>
#include <string.h>

#if defined(__has_include)
# if __has_include(<valgrind/memcheck.h>)
#  include <valgrind/memcheck.h>
#  define HAVE_MEMCHECK
# endif
#endif

#define HUBS 5
#define K 3
#define M 2
#define WORDS (3 + M)

#ifdef HAVE_MEMCHECK

/** mark data secret: memcheck treats it as undefined */
#define SECRET(p, len) VALGRIND_MAKE_MEM_UNDEFINED((p), (len))

/** mark a result public again before it is printed */
#define PUBLIC(p, len) VALGRIND_MAKE_MEM_DEFINED((p), (len))

/** arbitrary but initialized words */
static void fill(dske_gf128_t *w, size_t count, uint64_t seed)
{
	size_t i;

	for (i = 0; i < count; i++)
	{
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		w[i].lo = seed;
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		w[i].hi = seed;
	}
}

int main(void)
{
	static const uint32_t x[HUBS] = { 1, 2, 3, 4, 5 };
	dske_gf128_t a[2], z[8], s[WORDS], out[4], key[M];
	dske_gf128_t pad[HUBS][WORDS], share[HUBS][WORDS];
	dske_gf128_t *pads[HUBS], *shares[HUBS];
	uint8_t bytes[4 * DSKE_WORD_LEN], wire[DSKE_WORD_LEN];
	bool flags[3];
	char hex[33];
	size_t i;

	fill(a, 2, 1);
	fill(z, 8, 2);
	fill(s, WORDS, 3);
	fill(&pad[0][0], HUBS * WORDS, 4);
	memset(bytes, 0xa5, sizeof(bytes));
	for (i = 0; i < HUBS; i++)
	{
		pads[i] = pad[i];
		shares[i] = share[i];
	}
	SECRET(a, sizeof(a));
	SECRET(z, sizeof(z));
	SECRET(s, sizeof(s));
	SECRET(pad, sizeof(pad));
	SECRET(bytes, sizeof(bytes));

	out[0] = dske_gf128_mul(a[0], a[1]);
	out[1] = dske_hash(a[0], a[1], z, 8);
	out[2] = dske_hash_bytes(a[0], a[1], bytes, 4);
	out[3] = dske_secret_tag(s, WORDS);
	dske_gf128_store(dske_gf128_load(bytes), wire);
	flags[0] = dske_gf128_equal(out[0], out[1]);
	flags[1] = dske_gf128_is_zero(out[2]);
	/* the sender's split with secret pads: hubs 1, 3 and 5 selected */
	flags[2] = dske_split(K, HUBS, M, x, pads, 0x15, shares, key);

	PUBLIC(out, sizeof(out));
	PUBLIC(flags, sizeof(flags));
	PUBLIC(key, sizeof(key));
	PUBLIC(wire, sizeof(wire));
	dske_gf128_to_hex(dske_gf128_add(out[3], key[0]), hex);
	printf("%s %d %d %d %02x\n", hex, flags[0], flags[1], flags[2], wire[0]);
	return VALGRIND_COUNT_ERRORS ? 1 : 0;
}

#else /* HAVE_MEMCHECK */

int main(void)
{
	printf("valgrind/memcheck.h not available\n");
	return 77;
}

#endif /* HAVE_MEMCHECK */
