/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dske_shamir dske_shamir
 * @{ @ingroup libdske
 *
 * Shamir secret sharing per word over GF(2^128) as DSKE uses it
 * (docs/dske.md, "Sender" and "Receiver"): a secret of 3+m words
 * S = (c, d, e, y1..ym) whose secret tag h(c, d, e, y) is forced to zero by
 * the sender and checked by the receiver; the key is y1..ym. Every word of
 * one share uses the same coordinate x, the hub's configured index.
 *
 * Deterministic: the caller supplies the PSRD pad words and the choice of
 * the k selected hubs (at random), so the known-answer tests reproduce the
 * notes' worked example.
 */

#ifndef DSKE_SHAMIR_H_
#define DSKE_SHAMIR_H_

#include "dske_gf128.h"

/** most hubs a secret is shared over (a bit per hub in masks below) */
#define DSKE_MAX_HUBS 32

/** most key words m */
#define DSKE_MAX_KEY_WORDS 64

/**
 * Words of one share or of the secret: 3 + m (c, d, e, y1..ym).
 */
static inline size_t dske_share_words(size_t m)
{
	return 3 + m;
}

/**
 * Split a secret the way DSKE's sender does (notes §6):
 * the k selected hubs' shares are their pad words, the secret S is their
 * interpolation at 0, the selected share with the highest coordinate gets
 * eps = sigma * L_j(0)^-1 added to its d word so that sigma(S) = 0, the
 * other n-k shares are the polynomial evaluated at their coordinates; each
 * encrypted share is Z_i = R_i + pad_i (all zero for selected hubs but the
 * adjusted one).
 *
 * @param k			threshold, 1 <= k <= n
 * @param n			number of hubs, n <= DSKE_MAX_HUBS
 * @param m			key words, 1 <= m <= DSKE_MAX_KEY_WORDS
 * @param x			n distinct nonzero coordinates (hub indexes)
 * @param pads		n arrays of 3+m pad words (PSRD words 2..4+m of each
 *					hub's range)
 * @param selected	bit i set: hub i (index into x) is one of the k
 *					selected; exactly k bits among the first n
 * @param z			n arrays of 3+m words, receive the encrypted shares
 *					(may be the pads arrays themselves: split in place)
 * @param key		m words, receives the key y1..ym
 * @return			false on invalid parameters (nothing written)
 */
bool dske_split(unsigned k, unsigned n, size_t m, const uint32_t *x,
				dske_gf128_t *const *pads, uint32_t selected,
				dske_gf128_t *const *z, dske_gf128_t *key);

/**
 * One decrypted share as the receiver holds it.
 */
typedef struct {
	/** coordinate (the hub's index), nonzero */
	uint32_t x;
	/** 3+m words R_i = Z_i + pad_i */
	const dske_gf128_t *r;
} dske_share_t;

/**
 * Rebuild a secret from shares (notes §8, steps 5-8): tries the k-subsets
 * of the shares in lexicographic order of their coordinates and accepts
 * the first whose interpolation at 0 has secret tag 0. Shares that are not
 * on the accepted polynomial are reported (a lying hub), not fatal.
 * Temporaries are wiped. At most C(count, k) subsets are tried (each an
 * interpolation of 3+m words), so callers bound count by the hubs they
 * know. A wrong share passes the tag with probability at most
 * (m+1)/2^128 per subset.
 *
 * @param shares	count shares with distinct nonzero coordinates (any
 *					order)
 * @param count		number of shares, <= DSKE_MAX_HUBS
 * @param k			threshold, >= 1
 * @param m			key words
 * @param key		m words, receives y1..ym on success
 * @param accepted	if not NULL, receives the mask (bit = index into
 *					shares) of the accepted subset
 * @param liars		if not NULL, receives the mask of shares off the
 *					accepted polynomial
 * @return			false if count < k, parameters are invalid, or no
 *					subset passes the tag (key untouched, never an
 *					unvalidated secret)
 */
bool dske_combine(const dske_share_t *shares, size_t count, unsigned k,
				  size_t m, dske_gf128_t *key, uint32_t *accepted,
				  uint32_t *liars);

/**
 * Lagrange coefficient L_j(0) for the points x[0..count-1] (public,
 * variable time), exported for tests and the sender.
 */
dske_gf128_t dske_lagrange_at_zero(const uint32_t *x, size_t count, size_t j);

#endif /** DSKE_SHAMIR_H_ @}*/
