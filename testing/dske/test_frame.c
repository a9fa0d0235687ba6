/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * DSKE's AEAD frames: layout, round trips and every rejection.
 */

#include "wire_tests.h"

#include <dske_frame.h>

#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

static const uint8_t key[DSKE_WRAP_KEY_LEN] = {
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
	17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32,
};

static const uint8_t plain[] = "a DSKE message, in a frame";

/** a sealed frame of plain */
static uint8_t frame[DSKE_FRAME_HEADER_LEN + sizeof(plain) +
					 DSKE_FRAME_TAG_LEN];

static void seal(void)
{
	ck_assert(dske_frame_seal(key, DSKE_WRAP_KEY_ID_INITIAL,
							  0x1122334455667788ULL, DSKE_DIR_TO_CLIENT, 42,
							  plain, sizeof(plain), frame, sizeof(frame)));
}

START_TEST(test_layout)
{
	static const uint8_t header[] = {
		'D', 'S', 'K', '1',
		1, 0, 0, 0,
		0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11,
		1, 0, 0, 0,
		42, 0, 0, 0, 0, 0, 0, 0,
		sizeof(plain), 0, 0, 0,
	};
	uint8_t out[sizeof(plain)], tag[DSKE_FRAME_TAG_LEN];
	dske_frame_header_t hdr;
	EVP_CIPHER_CTX *ctx;
	int len;

	seal();
	ck_assert_mem_eq(frame, header, sizeof(header));
	ck_assert(dske_frame_header(frame, sizeof(frame), &hdr));
	ck_assert_uint_eq(hdr.wrap_key_id, 1);
	ck_assert_uint_eq(hdr.sender_id, 0x1122334455667788ULL);
	ck_assert_uint_eq(hdr.salt, DSKE_DIR_TO_CLIENT);
	ck_assert_uint_eq(hdr.counter, 42);
	ck_assert_uint_eq(hdr.ct_len, sizeof(plain));
	/* plain AES-256-GCM, nonce = header bytes 16..27, AAD = header */
	ctx = EVP_CIPHER_CTX_new();
	ck_assert(EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL));
	ck_assert(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, 12, NULL));
	ck_assert(EVP_DecryptInit_ex(ctx, NULL, NULL, key, header + 16));
	ck_assert(EVP_DecryptUpdate(ctx, NULL, &len, header, sizeof(header)));
	ck_assert(EVP_DecryptUpdate(ctx, out, &len, frame + 32, sizeof(plain)));
	memcpy(tag, frame + 32 + sizeof(plain), sizeof(tag));
	ck_assert(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16, tag));
	ck_assert(EVP_DecryptFinal_ex(ctx, out + len, &len));
	EVP_CIPHER_CTX_free(ctx);
	ck_assert_mem_eq(out, plain, sizeof(plain));
}
END_TEST

START_TEST(test_round_trip)
{
	static const size_t sizes[] = {
		0, 1, 16, 96, 2320,
		DSKE_FRAME_MAX - DSKE_FRAME_HEADER_LEN - DSKE_FRAME_TAG_LEN,
	};
	dske_frame_header_t hdr;
	uint8_t *in, *out, *back;
	size_t i, len;

	in = malloc(DSKE_FRAME_MAX);
	out = malloc(DSKE_FRAME_MAX);
	back = malloc(DSKE_FRAME_MAX);
	for (i = 0; i < DSKE_FRAME_MAX; i++)
	{
		in[i] = (uint8_t)(i * 7);
	}
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
	{
		len = dske_frame_len(sizes[i]);
		ck_assert(dske_frame_seal(key, 7, 99, DSKE_DIR_TO_HUB, i + 1, in,
								  sizes[i], out, len));
		ck_assert(dske_frame_header(out, len, &hdr));
		ck_assert_uint_eq(hdr.salt, DSKE_DIR_TO_HUB);
		ck_assert_uint_eq(hdr.wrap_key_id, 7);
		ck_assert_uint_eq(hdr.ct_len, sizes[i]);
		ck_assert(dske_frame_open(key, out, len, back));
		ck_assert_mem_eq(back, in, sizes[i]);
	}
	/* one byte more than a frame may carry, and too small a buffer */
	len = DSKE_FRAME_MAX - DSKE_FRAME_HEADER_LEN - DSKE_FRAME_TAG_LEN + 1;
	ck_assert(!dske_frame_seal(key, 1, 1, DSKE_DIR_TO_HUB, 1, in, len, out,
							   DSKE_FRAME_MAX));
	ck_assert(!dske_frame_seal(key, 1, 1, DSKE_DIR_TO_HUB, 1, in, 10, out,
							   dske_frame_len(10) - 1));
	/* counters start at 1; two directions only */
	ck_assert(!dske_frame_seal(key, 1, 1, DSKE_DIR_TO_HUB, 0, in, 10, out,
							   DSKE_FRAME_MAX));
	ck_assert(!dske_frame_seal(key, 1, 1, 2, 1, in, 10, out, DSKE_FRAME_MAX));
	free(in);
	free(out);
	free(back);
}
END_TEST

START_TEST(test_header_rejects)
{
	dske_frame_header_t hdr;
	uint8_t copy[sizeof(frame) + 1];

	seal();
	memcpy(copy, frame, sizeof(frame));
	copy[3] = '2';
	ck_assert(!dske_frame_header(copy, sizeof(frame), &hdr));
	memcpy(copy, frame, sizeof(frame));
	copy[16] = 2;
	ck_assert(!dske_frame_header(copy, sizeof(frame), &hdr));
	memcpy(copy, frame, sizeof(frame));
	copy[19] = 0x80;
	ck_assert(!dske_frame_header(copy, sizeof(frame), &hdr));
	/* counter 0 */
	memcpy(copy, frame, sizeof(frame));
	copy[20] = 0;
	ck_assert(!dske_frame_header(copy, sizeof(frame), &hdr));
	/* length: ct_len against the frame's size, either way */
	ck_assert(!dske_frame_header(frame, sizeof(frame) - 1, &hdr));
	memcpy(copy, frame, sizeof(frame));
	copy[sizeof(frame)] = 0;
	ck_assert(!dske_frame_header(copy, sizeof(frame) + 1, &hdr));
	memcpy(copy, frame, sizeof(frame));
	copy[28]++;
	ck_assert(!dske_frame_header(copy, sizeof(frame), &hdr));
	memcpy(copy, frame, sizeof(frame));
	copy[31] = 0x80;
	ck_assert(!dske_frame_header(copy, sizeof(frame), &hdr));
	ck_assert(!dske_frame_header(frame, DSKE_FRAME_HEADER_LEN, &hdr));
	ck_assert(!dske_frame_header(frame, 0, &hdr));
	ck_assert(dske_frame_header(frame, sizeof(frame), &hdr));
}
END_TEST

START_TEST(test_header_too_long)
{
	dske_frame_header_t hdr;
	uint8_t *big;
	size_t len = DSKE_FRAME_MAX + 16;

	big = calloc(1, len);
	memcpy(big, frame, DSKE_FRAME_HEADER_LEN);
	big[28] = (uint8_t)(len - DSKE_FRAME_HEADER_LEN - DSKE_FRAME_TAG_LEN);
	big[29] = (uint8_t)((len - DSKE_FRAME_HEADER_LEN -
						 DSKE_FRAME_TAG_LEN) >> 8);
	big[30] = (uint8_t)((len - DSKE_FRAME_HEADER_LEN -
						 DSKE_FRAME_TAG_LEN) >> 16);
	big[31] = 0;
	ck_assert(!dske_frame_header(big, len, &hdr));
	free(big);
}
END_TEST

START_TEST(test_open_rejects)
{
	uint8_t copy[sizeof(frame)], out[sizeof(plain)], other[DSKE_WRAP_KEY_LEN];
	size_t bit;

	seal();
	/* wrong key: nothing comes out */
	memcpy(other, key, sizeof(other));
	other[31] ^= 1;
	memset(out, 0xee, sizeof(out));
	ck_assert(!dske_frame_open(other, frame, sizeof(frame), out));
	for (bit = 0; bit < sizeof(out); bit++)
	{
		ck_assert_uint_eq(out[bit], 0);
	}
	/* any flipped bit, in the header, the ciphertext or the tag */
	for (bit = 0; bit < 8 * sizeof(frame); bit++)
	{
		memcpy(copy, frame, sizeof(frame));
		copy[bit / 8] ^= 1 << (bit % 8);
		ck_assert_msg(!dske_frame_open(key, copy, sizeof(copy), out),
					  "bit %zu flipped", bit);
	}
	ck_assert(!dske_frame_open(key, frame, sizeof(frame) - 1, out));
	ck_assert(dske_frame_open(key, frame, sizeof(frame), out));
	ck_assert_mem_eq(out, plain, sizeof(plain));
}
END_TEST

Suite *frame_suite(void)
{
	Suite *s = suite_create("dske_frame");
	TCase *tc;

	tc = tcase_create("frames");
	tcase_add_test(tc, test_layout);
	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_header_rejects);
	tcase_add_test(tc, test_header_too_long);
	tcase_add_test(tc, test_open_rejects);
	suite_add_tcase(s, tc);
	return s;
}
