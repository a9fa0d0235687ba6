/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dske_hash.h"

/*
 * Horner from the last word down: ((z_L*c + z_{L-1})*c + ... + z_1)*c + d.
 * The work depends on count only, never on the words or the key.
 */
dske_gf128_t dske_hash(dske_gf128_t c, dske_gf128_t d,
					   const dske_gf128_t *z, size_t count)
{
	dske_gf128_t acc = { 0, 0 };

	while (count--)
	{
		acc = dske_gf128_mul(dske_gf128_add(acc, z[count]), c);
	}
	return dske_gf128_add(acc, d);
}

dske_gf128_t dske_hash_bytes(dske_gf128_t c, dske_gf128_t d,
							 const uint8_t *bytes, size_t count)
{
	dske_gf128_t acc = { 0, 0 }, word = { 0, 0 };

	while (count--)
	{
		word = dske_gf128_load(bytes + count * DSKE_WORD_LEN);
		acc = dske_gf128_mul(dske_gf128_add(acc, word), c);
	}
	dske_gf128_wipe(&word, 1);
	return dske_gf128_add(acc, d);
}

dske_gf128_t dske_secret_tag(const dske_gf128_t *s, size_t words)
{
	if (words < 3)
	{
		/* not a secret (no e word): a nonzero tag, so it never validates */
		return dske_gf128_from_uint(1);
	}
	return dske_hash(s[0], s[1], s + 2, words - 2);
}
