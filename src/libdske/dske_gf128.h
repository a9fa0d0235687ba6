/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dske_gf128 dske_gf128
 * @{ @ingroup libdske
 *
 * The field GF(2^128) with modulus 1 + x + x^2 + x^7 + x^128 that DSKE
 * shares and tags live in (docs/dske.md, "Field"). A word's least
 * significant bit is the coefficient of x^0; on the wire a word is 16 bytes
 * little-endian (byte 0 carries x^0..x^7, bit 0 = x^0). This follows the
 * draft's rule for '||', not its erratum.
 */

#ifndef DSKE_GF128_H_
#define DSKE_GF128_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** bytes of a word on the wire */
#define DSKE_WORD_LEN 16

/**
 * One field element: lo = x^0..x^63 (wire bytes 0-7), hi = x^64..x^127
 * (wire bytes 8-15).
 */
typedef struct {
	uint64_t lo;
	uint64_t hi;
} dske_gf128_t;

/** a + b */
dske_gf128_t dske_gf128_add(dske_gf128_t a, dske_gf128_t b);

/**
 * a * b, in constant time (no branch or memory access depends on a or b):
 * used on hash keys and share words.
 */
dske_gf128_t dske_gf128_mul(dske_gf128_t a, dske_gf128_t b);

/**
 * a^-1, variable time: only for Lagrange coefficients of public
 * coordinates. The inverse of 0 is 0.
 */
dske_gf128_t dske_gf128_inv(dske_gf128_t a);

/** true if a == b, in constant time */
bool dske_gf128_equal(dske_gf128_t a, dske_gf128_t b);

/** true if a == 0, in constant time */
bool dske_gf128_is_zero(dske_gf128_t a);

/** the word of a small integer (x coordinates): v as lo, 0 as hi */
dske_gf128_t dske_gf128_from_uint(uint64_t v);

/** read a word from its 16 wire bytes (little-endian) */
dske_gf128_t dske_gf128_load(const uint8_t bytes[DSKE_WORD_LEN]);

/** write a word as its 16 wire bytes (little-endian) */
void dske_gf128_store(dske_gf128_t a, uint8_t bytes[DSKE_WORD_LEN]);

/**
 * Parse the notes' "F_" notation: 32 hex digits, most significant first
 * (tests and tools; '_' separators are skipped).
 *
 * @return			false if not exactly 32 hex digits
 */
bool dske_gf128_from_hex(const char *hex, dske_gf128_t *a);

/**
 * Print a word in "F_" notation: 32 lowercase hex digits, most significant
 * first, NUL-terminated.
 */
void dske_gf128_to_hex(dske_gf128_t a, char hex[33]);

/** overwrite words in a way the compiler does not optimize away */
void dske_gf128_wipe(dske_gf128_t *words, size_t count);

#endif /** DSKE_GF128_H_ @}*/
