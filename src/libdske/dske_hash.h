/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dske_hash dske_hash
 * @{ @ingroup libdske
 *
 * The draft's polynomial hash h(c, d, z1..zL) = d + sum c^i * z_i, the one
 * function behind message tags (keyed by a PSRD range's first two words)
 * and the secret tag (keyed by the secret's first words c, d, e).
 */

#ifndef DSKE_HASH_H_
#define DSKE_HASH_H_

#include "dske_gf128.h"

/**
 * h(c, d, z[0..count-1]) = d + c*z[0] + c^2*z[1] + ... (Horner form), in
 * constant time for a given count.
 */
dske_gf128_t dske_hash(dske_gf128_t c, dske_gf128_t d,
					   const dske_gf128_t *z, size_t count);

/**
 * The same over words given as wire bytes (count * 16 bytes), as a
 * message tag is computed over a received message.
 */
dske_gf128_t dske_hash_bytes(dske_gf128_t c, dske_gf128_t d,
							 const uint8_t *bytes, size_t count);

/**
 * The secret tag sigma = h(c, d, e, y1..ym) of a secret of 3+m words
 * (s[0] = c, s[1] = d, s[2] = e, s[3..] = y): sigma = d + c*e +
 * sum c^(i+1) * y_i. A valid secret has sigma = 0.
 */
dske_gf128_t dske_secret_tag(const dske_gf128_t *s, size_t words);

#endif /** DSKE_HASH_H_ @}*/
