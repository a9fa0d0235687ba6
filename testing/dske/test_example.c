/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * The notes' worked example (docs/dske.md): m = 1, n = 3, k = 2, x_i = i,
 * Alice selects hubs 1 and 2 and adjusts hub 2's share; Bob rebuilds from
 * every pair, and a bit-flipped share 3 is rejected or outvoted. Every value
 * printed in the example is checked.
 */

#include "dske_tests.h"

#include <dske_hash.h>
#include <dske_shamir.h>

#include <stdio.h>
#include <string.h>

#define HUBS 3
#define M 1
#define WORDS 4
/** PSRD words per hub: 2 MAC words + the share's */
#define PSRD_WORDS (2 + WORDS)

/** the example's PSRD tables, words 0..5 per hub */
static const char *const psrd_a[HUBS][PSRD_WORDS] = {
	{ "d9b7cd0dce2626bd3eae5d0d5ab78bec", "c83e447857cfe2893c25313a4fc8683e",
	  "344b70acb55cd86b74fd5691600f3758", "57c13a84b947a62624eabe61d810b8ce",
	  "8286150a4f43d44f55986a50fbf66cd8", "d65930f8c486685f14a530f74561e3aa" },
	{ "db84e2eb03bff40d4992a1ce4888c554", "df80bf650ee1681d4e037d6fde176612",
	  "15862549602be87eb88dece3c6c0a786", "cbecba81c0aa01ccf34c21ba8446b101",
	  "3a0097a59a9a494ac3abda39a3be8618", "636089572bcb7d7e17131bfeb68fd8b0" },
	{ "cbd5a74325bf701f5c43eba5fed2edec", "d2acc29481683a9c94bd400fdeff057b",
	  "4b0e0584e03ebc3e8259eb82c7e17a80", "da2b849f4932845d717580f595313de4",
	  "6f096348c77a5ded3a73d6614a0fe4f3", "e2dcaea6884149ee068e4fae4731e8be" },
};

static const char *const psrd_b[HUBS][PSRD_WORDS] = {
	{ "d4e65dcd98f78dadc28d82e00009ce6a", "4151f398c459f37a09c85c3063a1ab31",
	  "55f6808603a53a85a8ad45f037750d74", "91105c73b55e07b01fed1e5c347db406",
	  "acf5a64ffbd0e9e02c6f4d80ca554b14", "854d8ceed3093c27ebe3db89d0b29ab6" },
	{ "99b5c1a71bab6d6d0c54ef4e57c68d5b", "59b4bdec7ef5571d22d6ed744e4787d4",
	  "add07f1db122527ba7ac653b060a9bef", "1a94d4534104496c6aea27f78983193c",
	  "ffb4434aad16c4d49da77925449a4bb0", "24249bcdb0fc41c3f46c64090d3d4d05" },
	{ "65100660ce404a44fdc21d024dac98d9", "411e535f65b8ab558ca157b450c350c8",
	  "d5fe6c1f89a23239ea13c2806ac95afe", "248557e68bb6bf63a73da4cd7eff07f3",
	  "50bf4a6d680cb136f9c7e51b3a831dd8", "352ffa8aa2ea0f1707e086a33c33fa71" },
};

#define ZERO "00000000000000000000000000000000"
#define EPS "38a40dafdf965c769be08aa0abb1f20f"
#define SIGMA "179c049ab572342d895f86606690ae05"
#define FINAL_D "344641e2db6ef0ade0d74d488ab2118e"
#define KEY "454e586261bd64bfea3729f0143bf521"
#define KEY_BYTES "21f53b14f02937eabf64bd6162584e45"

static const char *const secret_before[WORDS] = {
	"2b0fbc0ff98e379830d2c0bf024a4712", "23da45786e1cc4806988cb28ec22bf8b",
	"15046b6f03f4a0b3d876fa77cc31cae5", KEY,
};

static const char *const r3[WORDS] = {
	"0ac2e9ea2cf9078dfca27acda485d7cc", "90cfcc487d150b31ac9158337d55ea4e",
	"ad82e9c0d62d3db64e454a1e94792025", "f077e1cd8ef0719ee98102f9e7d5ce3b",
};

static const char *const z_a[HUBS][WORDS] = {
	{ ZERO, ZERO, ZERO, ZERO },
	{ ZERO, EPS, ZERO, ZERO },
	{ "41ccec6eccc7bbb37efb914f6364ad4c", "4ae448d734278f6cdde4d8c6e864d7aa",
	  "c28b8a881157605b74369c7fde76c4d6", "12ab4f6b06b13870ef0f4d57a0e42685" },
};

static const char *const z_b[HUBS][WORDS] = {
	{ "61bdf02ab6f9e2eedc501361577a3a2c", "c6d166f70c19a1963b07a03dec6d0cc8",
	  "2e73b345b4933daf79f727d031a327cc", "5314bc16178f5478ff46eb7e95d3791c" },
	{ "b8565a54d109ba051f2189d8c0ca3c69", "e9dc637d5e3814d602468ceda6745a32",
	  "c5b4d4ef378c8d9e5e0ca31ce724cda8", "4744129a9b373cbde37f7ff7bbb295b5" },
	{ "df3c85f5a55b35b416b1b84dce4c8d32", "b44a9baef6a3b4520bacfcfe03aaedbd",
	  "fd3da3adbe218c80b782af05aefa3dfd", "c5581b472c1a7e89ee61845adbe6344a" },
};

/**
 * Both sides of the example: PSRD, Alice's split, the shares the hubs
 * hold, what Bob receives and decrypts.
 */
typedef struct {
	dske_gf128_t pa[HUBS][PSRD_WORDS];
	dske_gf128_t pb[HUBS][PSRD_WORDS];
	/* Alice's encrypted shares */
	dske_gf128_t za[HUBS][WORDS];
	dske_gf128_t key[M];
	/* what hub i stores, R_i = Z_A,i + pad_A,i */
	dske_gf128_t r[HUBS][WORDS];
	/* Bob's encrypted shares Z_B,i = R_i + pad_B,i and his decryption */
	dske_gf128_t zb[HUBS][WORDS];
	dske_gf128_t rb[HUBS][WORDS];
} example_t;

static const uint32_t coordinates[HUBS] = { 1, 2, 3 };

/** Alice selects hubs 1 and 2 (bits 0 and 1) */
#define SELECTED 0x3

/** run the example up to Bob's decrypted shares */
static void example_run(example_t *ex)
{
	dske_gf128_t *pads[HUBS], *z[HUBS];
	size_t i, w;

	for (i = 0; i < HUBS; i++)
	{
		for (w = 0; w < PSRD_WORDS; w++)
		{
			ex->pa[i][w] = tv_psrd('A', i + 1, w);
			ex->pb[i][w] = tv_psrd('B', i + 1, w);
		}
		pads[i] = &ex->pa[i][2];
		z[i] = ex->za[i];
	}
	ck_assert(dske_split(2, HUBS, M, coordinates, pads, SELECTED, z,
						 ex->key));
	for (i = 0; i < HUBS; i++)
	{
		for (w = 0; w < WORDS; w++)
		{
			ex->r[i][w] = dske_gf128_add(ex->za[i][w], ex->pa[i][2 + w]);
			ex->zb[i][w] = dske_gf128_add(ex->r[i][w], ex->pb[i][2 + w]);
			ex->rb[i][w] = dske_gf128_add(ex->zb[i][w], ex->pb[i][2 + w]);
		}
	}
}

START_TEST(test_psrd_derivation)
{
	size_t i, w;

	for (i = 0; i < HUBS; i++)
	{
		for (w = 0; w < PSRD_WORDS; w++)
		{
			ck_assert_word(tv_psrd('A', i + 1, w), psrd_a[i][w]);
			ck_assert_word(tv_psrd('B', i + 1, w), psrd_b[i][w]);
		}
	}
}
END_TEST

/* the secret of the selected pads and its adjustment, step by step */
START_TEST(test_adjustment)
{
	dske_gf128_t s[WORDS], l[2], sigma, eps;
	uint32_t x[2] = { 1, 2 };
	size_t w;

	l[0] = dske_lagrange_at_zero(x, 2, 0);
	l[1] = dske_lagrange_at_zero(x, 2, 1);
	ck_assert_word(l[1], "ffffffffffffffffffffffffffffff82");
	for (w = 0; w < WORDS; w++)
	{
		s[w] = dske_gf128_add(
				dske_gf128_mul(l[0], tv_psrd('A', 1, 2 + w)),
				dske_gf128_mul(l[1], tv_psrd('A', 2, 2 + w)));
		ck_assert_word(s[w], secret_before[w]);
	}
	sigma = dske_secret_tag(s, WORDS);
	ck_assert_word(sigma, SIGMA);
	eps = dske_gf128_mul(sigma, dske_gf128_inv(l[1]));
	ck_assert_word(eps, EPS);
	s[1] = dske_gf128_add(s[1], sigma);
	ck_assert_word(s[1], FINAL_D);
	ck_assert(dske_gf128_is_zero(dske_secret_tag(s, WORDS)));
}
END_TEST

START_TEST(test_alice)
{
	example_t ex;
	uint8_t bytes[DSKE_WORD_LEN];
	size_t i, w;

	example_run(&ex);
	for (i = 0; i < HUBS; i++)
	{
		for (w = 0; w < WORDS; w++)
		{
			ck_assert_word(ex.za[i][w], z_a[i][w]);
		}
	}
	for (w = 0; w < WORDS; w++)
	{
		ck_assert_word(ex.r[2][w], r3[w]);
	}
	/* hub 2 holds its pad with the adjusted d: the final secret's d */
	ck_assert_word(ex.key[0], KEY);
	dske_gf128_store(ex.key[0], bytes);
	ck_assert_bytes_hex(bytes, sizeof(bytes), KEY_BYTES);
}
END_TEST

START_TEST(test_final_secret)
{
	dske_gf128_t s[WORDS], l[2];
	uint32_t x[2] = { 1, 2 };
	example_t ex;
	size_t w;

	/* the stored shares of hubs 1 and 2 interpolate to the final secret */
	example_run(&ex);
	l[0] = dske_lagrange_at_zero(x, 2, 0);
	l[1] = dske_lagrange_at_zero(x, 2, 1);
	for (w = 0; w < WORDS; w++)
	{
		s[w] = dske_gf128_add(dske_gf128_mul(l[0], ex.r[0][w]),
							  dske_gf128_mul(l[1], ex.r[1][w]));
	}
	ck_assert_word(s[0], secret_before[0]);
	ck_assert_word(s[1], FINAL_D);
	ck_assert_word(s[2], secret_before[2]);
	ck_assert_word(s[3], KEY);
	ck_assert(dske_gf128_is_zero(dske_secret_tag(s, WORDS)));
}
END_TEST

START_TEST(test_bob_shares)
{
	example_t ex;
	size_t i, w;

	example_run(&ex);
	for (i = 0; i < HUBS; i++)
	{
		for (w = 0; w < WORDS; w++)
		{
			ck_assert_word(ex.zb[i][w], z_b[i][w]);
		}
	}
}
END_TEST

/** Bob combines the decrypted shares of the hubs in mask */
static bool bob_combine(example_t *ex, uint32_t mask, dske_gf128_t *key,
						uint32_t *accepted, uint32_t *liars)
{
	dske_share_t shares[HUBS];
	size_t i, count = 0;

	for (i = 0; i < HUBS; i++)
	{
		if (mask & (1u << i))
		{
			shares[count].x = coordinates[i];
			shares[count++].r = ex->rb[i];
		}
	}
	return dske_combine(shares, count, 2, M, key, accepted, liars);
}

/** the pairs, as masks of hubs */
static const uint32_t pair_masks[] = { 0x3, 0x5, 0x6 };

START_TEST(test_bob_pairs)
{
	dske_gf128_t key[M] = { { 0, 0 } };
	uint32_t accepted, liars;
	example_t ex;

	example_run(&ex);
	ck_assert(bob_combine(&ex, pair_masks[_i], key, &accepted, &liars));
	ck_assert_word(key[0], KEY);
	ck_assert_int_eq(accepted, 0x3);
	ck_assert_int_eq(liars, 0);
}
END_TEST

START_TEST(test_bob_all)
{
	dske_gf128_t key[M] = { { 0, 0 } };
	uint32_t accepted, liars;
	example_t ex;

	example_run(&ex);
	ck_assert(bob_combine(&ex, 0x7, key, &accepted, &liars));
	ck_assert_word(key[0], KEY);
	/* the first pair in coordinate order, nobody off the polynomial */
	ck_assert_int_eq(accepted, 0x3);
	ck_assert_int_eq(liars, 0);
}
END_TEST

/** sigma of the pair {i, 3} with share 3 as Bob holds it */
static dske_gf128_t pair_sigma(example_t *ex, size_t i)
{
	dske_gf128_t s[WORDS], l[2];
	uint32_t x[2] = { coordinates[i], 3 };
	size_t w;

	l[0] = dske_lagrange_at_zero(x, 2, 0);
	l[1] = dske_lagrange_at_zero(x, 2, 1);
	for (w = 0; w < WORDS; w++)
	{
		s[w] = dske_gf128_add(dske_gf128_mul(l[0], ex->rb[i][w]),
							  dske_gf128_mul(l[1], ex->rb[2][w]));
	}
	return dske_secret_tag(s, WORDS);
}

/* share 3 with y1's bit 0 flipped (a lying hub 3) */
START_TEST(test_bob_flipped)
{
	dske_gf128_t key[M] = { { 0, 0 } };
	uint32_t accepted, liars;
	char hex[33];
	example_t ex;

	example_run(&ex);
	ex.rb[2][3].lo ^= 1;

	dske_gf128_to_hex(pair_sigma(&ex, 0), hex);
	ck_assert(!strncmp(hex, "1d2dbd06", 8) && !strcmp(hex + 28, "b365"));
	ck_assert(!bob_combine(&ex, 0x5, key, &accepted, &liars));
	ck_assert(dske_gf128_is_zero(key[0]));
	ck_assert_int_eq(accepted, 0);

	dske_gf128_to_hex(pair_sigma(&ex, 1), hex);
	ck_assert(!strncmp(hex, "74b6f418", 8) && !strcmp(hex + 28, "cd94"));
	ck_assert(!bob_combine(&ex, 0x6, key, &accepted, &liars));
	ck_assert(dske_gf128_is_zero(key[0]));

	ck_assert(bob_combine(&ex, 0x3, key, &accepted, &liars));
	ck_assert_word(key[0], KEY);

	/* all three: {1,2} wins, hub 3 is reported */
	key[0] = dske_gf128_from_uint(0);
	ck_assert(bob_combine(&ex, 0x7, key, &accepted, &liars));
	ck_assert_word(key[0], KEY);
	ck_assert_int_eq(accepted, 0x3);
	ck_assert_int_eq(liars, 0x4);
}
END_TEST

/* the message tag over the example's SHARE_UPLOAD to hub 3 (wire bytes) */
START_TEST(test_message_tag)
{
	static const char *const header[] = {
		"01010203010001000a00000000000000", "0a000000000000000300000000000000",
		"00112233445566778899aabbccddeeff", "00000000000000000600000000000000",
		"03000000000000000000000000000000", "0b000000000000000000000000000000",
	};
	uint8_t msg[10 * DSKE_WORD_LEN], tag[DSKE_WORD_LEN];
	dske_gf128_t t;
	example_t ex;
	size_t i, j;
	unsigned v;

	example_run(&ex);
	for (i = 0; i < countof(header); i++)
	{
		for (j = 0; j < DSKE_WORD_LEN; j++)
		{
			ck_assert(sscanf(header[i] + 2 * j, "%2x", &v) == 1);
			msg[i * DSKE_WORD_LEN + j] = (uint8_t)v;
		}
	}
	for (i = 0; i < WORDS; i++)
	{
		dske_gf128_store(ex.za[2][i], msg + (6 + i) * DSKE_WORD_LEN);
	}
	t = dske_hash_bytes(ex.pa[2][0], ex.pa[2][1], msg, 10);
	ck_assert_word(t, "e5c364d5aba0c377887eb29d9c1bc403");
	dske_gf128_store(t, tag);
	ck_assert_bytes_hex(tag, sizeof(tag), "03c41b9c9db27e8877c3a0abd564c3e5");
}
END_TEST

Suite *example_suite(void)
{
	Suite *s = suite_create("dske_example");
	TCase *tc = tcase_create("alice");

	tcase_add_test(tc, test_psrd_derivation);
	tcase_add_test(tc, test_adjustment);
	tcase_add_test(tc, test_alice);
	tcase_add_test(tc, test_final_secret);
	suite_add_tcase(s, tc);

	tc = tcase_create("bob");
	tcase_add_test(tc, test_bob_shares);
	tcase_add_loop_test(tc, test_bob_pairs, 0, countof(pair_masks));
	tcase_add_test(tc, test_bob_all);
	tcase_add_test(tc, test_bob_flipped);
	tcase_add_test(tc, test_message_tag);
	suite_add_tcase(s, tc);
	return s;
}
