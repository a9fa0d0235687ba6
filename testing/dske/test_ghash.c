/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * An independent oracle for the field: GCM's GHASH multiplies in the same
 * field (same modulus), with each block's bits in reflected order. The GCM
 * block of a word is its little-endian bytes with each byte bit-reversed.
 * AES-GCM tags computed here with dske_gf128_mul() and dske_hash() must
 * equal the ones OpenSSL computes, for random keys.
 */

#include "dske_tests.h"

#include <dske_hash.h>

#include <string.h>

#include <openssl/evp.h>

/** keys tried */
#define ORACLE_KEYS 20

/** a byte with its bits in reverse order */
static uint8_t reverse_bits(uint8_t in)
{
	uint8_t out = 0;
	int bit;

	for (bit = 0; bit < 8; bit++)
	{
		out |= ((in >> bit) & 1) << (7 - bit);
	}
	return out;
}

/** a GCM block as a word */
static dske_gf128_t from_block(const uint8_t block[16])
{
	uint8_t bytes[16];
	int i;

	for (i = 0; i < 16; i++)
	{
		bytes[i] = reverse_bits(block[i]);
	}
	return dske_gf128_load(bytes);
}

/** a word as a GCM block */
static void to_block(dske_gf128_t a, uint8_t block[16])
{
	int i;

	dske_gf128_store(a, block);
	for (i = 0; i < 16; i++)
	{
		block[i] = reverse_bits(block[i]);
	}
}

/** one AES-128 block encryption */
static void aes_block(const uint8_t key[16], const uint8_t in[16],
					  uint8_t out[16])
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int len;

	ck_assert(ctx);
	ck_assert(EVP_EncryptInit_ex(ctx, EVP_aes_128_ecb(), NULL, key, NULL));
	EVP_CIPHER_CTX_set_padding(ctx, 0);
	ck_assert(EVP_EncryptUpdate(ctx, out, &len, in, 16) && len == 16);
	EVP_CIPHER_CTX_free(ctx);
}

/**
 * One random AES-128-GCM encryption by OpenSSL of 2 blocks with 1 block of
 * AAD: what GHASH covers and the tag.
 */
typedef struct {
	uint8_t key[16];
	uint8_t iv[12];
	uint8_t aad[16];
	uint8_t ct[32];
	uint8_t tag[16];
} gcm_case_t;

static void random_bytes(uint8_t *buf, size_t len)
{
	uint64_t r = 0;
	size_t i;

	for (i = 0; i < len; i++)
	{
		if (i % 8 == 0)
		{
			r = test_random();
		}
		buf[i] = (uint8_t)(r >> (8 * (i % 8)));
	}
}

static void openssl_gcm(gcm_case_t *c)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	uint8_t pt[32];
	int len;

	random_bytes(c->key, sizeof(c->key));
	random_bytes(c->iv, sizeof(c->iv));
	random_bytes(c->aad, sizeof(c->aad));
	random_bytes(pt, sizeof(pt));
	ck_assert(ctx);
	ck_assert(EVP_EncryptInit_ex(ctx, EVP_aes_128_gcm(), NULL, c->key,
								 c->iv));
	ck_assert(EVP_EncryptUpdate(ctx, NULL, &len, c->aad, sizeof(c->aad)));
	ck_assert(EVP_EncryptUpdate(ctx, c->ct, &len, pt, sizeof(pt)) &&
			  len == sizeof(pt));
	ck_assert(EVP_EncryptFinal_ex(ctx, c->ct + len, &len));
	ck_assert(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, c->tag));
	EVP_CIPHER_CTX_free(ctx);
}

/**
 * GHASH's inputs as words, in GCM order: AAD, C1, C2, lengths; and
 * H = AES(0), E(J0) = AES(IV || 1).
 */
static void ghash_inputs(const gcm_case_t *c, dske_gf128_t blocks[4],
						 dske_gf128_t *h, uint8_t ej0[16])
{
	uint8_t zero[16] = { 0 }, j0[16] = { 0 }, hb[16];
	uint8_t lengths[16] = { 0 };

	aes_block(c->key, zero, hb);
	*h = from_block(hb);
	memcpy(j0, c->iv, 12);
	j0[15] = 1;
	aes_block(c->key, j0, ej0);
	/* 64-bit big-endian bit lengths of AAD (128) and ciphertext (256) */
	lengths[7] = 0x80;
	lengths[14] = 0x01;
	blocks[0] = from_block(c->aad);
	blocks[1] = from_block(c->ct);
	blocks[2] = from_block(c->ct + 16);
	blocks[3] = from_block(lengths);
}

/** the tag from GHASH's result: E(J0) xor the block of x */
static void gcm_tag(dske_gf128_t x, const uint8_t ej0[16], uint8_t tag[16])
{
	int i;

	to_block(x, tag);
	for (i = 0; i < 16; i++)
	{
		tag[i] ^= ej0[i];
	}
}

/**
 * For random keys: the tag recomputed with ghash(H, AAD, C1, C2, lengths)
 * equals OpenSSL's.
 */
static void check_oracle(dske_gf128_t (*ghash)(dske_gf128_t h,
											   const dske_gf128_t blocks[4]))
{
	dske_gf128_t blocks[4], h;
	uint8_t ej0[16], tag[16];
	gcm_case_t c;
	int key;

	for (key = 0; key < ORACLE_KEYS; key++)
	{
		openssl_gcm(&c);
		ghash_inputs(&c, blocks, &h, ej0);
		gcm_tag(ghash(h, blocks), ej0, tag);
		ck_assert_mem_eq(tag, c.tag, sizeof(tag));
	}
}

/** GHASH as GCM defines it: X = (X + B_i) * H for each block */
static dske_gf128_t ghash_mul(dske_gf128_t h, const dske_gf128_t blocks[4])
{
	dske_gf128_t x = dske_gf128_from_uint(0);
	int i;

	for (i = 0; i < 4; i++)
	{
		x = dske_gf128_mul(dske_gf128_add(x, blocks[i]), h);
	}
	return x;
}

/** GHASH = sum B_i H^(n-i+1): our hash with c = H, d = 0, blocks reversed */
static dske_gf128_t ghash_hash(dske_gf128_t h, const dske_gf128_t blocks[4])
{
	dske_gf128_t reversed[4];
	int i;

	for (i = 0; i < 4; i++)
	{
		reversed[i] = blocks[3 - i];
	}
	return dske_hash(h, dske_gf128_from_uint(0), reversed, 4);
}

START_TEST(test_ghash_mul)
{
	check_oracle(ghash_mul);
}
END_TEST

START_TEST(test_ghash_hash)
{
	check_oracle(ghash_hash);
}
END_TEST

Suite *ghash_suite(void)
{
	Suite *s = suite_create("dske_ghash_oracle");
	TCase *tc = tcase_create("openssl");

	tcase_add_test(tc, test_ghash_mul);
	tcase_add_test(tc, test_ghash_hash);
	suite_add_tcase(s, tc);
	return s;
}
