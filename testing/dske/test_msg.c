/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * DSKE messages: round trips, the notes' §9 message tag, and every rule of
 * dske_msg_decode() against messages built here byte by byte.
 */

#include "wire_tests.h"

#include <dske_hash.h>
#include <dske_msg.h>

#include <stdio.h>
#include <string.h>

#include <openssl/sha.h>

/** room for any message the tests build, malformed ones included */
#define BUF_LEN 4096

/**
 * PSRD word w of side S ("A" or "B") and hub i of the notes' §9: the first
 * 16 bytes of SHA-256("DSKE-TV|S|i|w"), read little-endian.
 */
static dske_gf128_t tv_word(const char *side, int hub, int word)
{
	uint8_t md[SHA256_DIGEST_LENGTH];
	char text[64];

	snprintf(text, sizeof(text), "DSKE-TV|%s|%d|%d", side, hub, word);
	SHA256((const uint8_t*)text, strlen(text), md);
	return dske_gf128_load(md);
}

static dske_gf128_t f_hex(const char *hex)
{
	dske_gf128_t a;

	ck_assert(dske_gf128_from_hex(hex, &a));
	return a;
}

/**
 * The §9 SHARE_UPLOAD from Alice to SH3.
 */
static void tv_upload(dske_msg_t *msg)
{
	static const char *const z[] = {
		"41ccec6eccc7bbb37efb914f6364ad4c", "4ae448d734278f6cdde4d8c6e864d7aa",
		"c28b8a881157605b74369c7fde76c4d6", "12ab4f6b06b13870ef0f4d57a0e42685",
	};
	int i;

	memset(msg, 0, sizeof(*msg));
	msg->type = DSKE_SHARE_UPLOAD;
	msg->k = 2;
	msg->n = 3;
	msg->m = 1;
	msg->sender_id = 10;
	msg->hub_id = 3;
	wire_hex("00112233445566778899aabbccddeeff", msg->secret_id,
			 DSKE_SECRET_ID_LEN);
	msg->psrd_start = 0;
	msg->psrd_count = 6;
	msg->psrd_table = DSKE_TABLE_CLIENT;
	msg->x = 3;
	msg->recipient_count = 1;
	msg->recipients[0] = 11;
	for (i = 0; i < 4; i++)
	{
		msg->z[i] = f_hex(z[i]);
	}
}

START_TEST(test_tag_vector)
{
	static const char *const w[] = {
		"01010203010001000a00000000000000", "0a000000000000000300000000000000",
		"00112233445566778899aabbccddeeff", "00000000000000000600000000000000",
		"03000000000000000000000000000000", "0b000000000000000000000000000000",
	};
	uint8_t out[BUF_LEN], expected[DSKE_WORD_LEN];
	dske_gf128_t c = tv_word("A", 3, 0), d = tv_word("A", 3, 1), z3;
	dske_msg_t msg;
	size_t len;
	int i;

	/* the derivation itself, against the notes' PA3 */
	ck_assert(dske_gf128_equal(c, f_hex("cbd5a74325bf701f5c43eba5fed2edec")));
	ck_assert(dske_gf128_equal(d, f_hex("d2acc29481683a9c94bd400fdeff057b")));
	tv_upload(&msg);
	ck_assert_uint_eq(dske_msg_words(&msg), 10);
	len = dske_msg_encode(&msg, c, d, out, sizeof(out));
	ck_assert_uint_eq(len, 11 * DSKE_WORD_LEN);
	for (i = 0; i < 6; i++)
	{
		wire_hex(w[i], expected, sizeof(expected));
		ck_assert_mem_eq(out + i * DSKE_WORD_LEN, expected, DSKE_WORD_LEN);
	}
	for (i = 0; i < 4; i++)
	{
		dske_gf128_store(msg.z[i], expected);
		ck_assert_mem_eq(out + (6 + i) * DSKE_WORD_LEN, expected,
						 DSKE_WORD_LEN);
	}
	/* T in F_ notation and as wire bytes */
	ck_assert(dske_gf128_equal(dske_gf128_load(out + 10 * DSKE_WORD_LEN),
							   f_hex("e5c364d5aba0c377887eb29d9c1bc403")));
	wire_hex("03c41b9c9db27e8877c3a0abd564c3e5", expected, sizeof(expected));
	ck_assert_mem_eq(out + 10 * DSKE_WORD_LEN, expected, DSKE_WORD_LEN);
	ck_assert(dske_msg_verify(out, len, c, d));
	/* and the share is Alice's Z_A3 of the worked example */
	z3 = f_hex("41ccec6eccc7bbb37efb914f6364ad4c");
	ck_assert(dske_msg_decode(out, len, &msg));
	ck_assert(dske_gf128_equal(msg.z[0], z3));
}
END_TEST

START_TEST(test_verify_rejects)
{
	dske_gf128_t c = tv_word("A", 3, 0), d = tv_word("A", 3, 1);
	uint8_t out[BUF_LEN];
	dske_msg_t msg;
	size_t len, bit;

	tv_upload(&msg);
	len = dske_msg_encode(&msg, c, d, out, sizeof(out));
	ck_assert(!dske_msg_verify(out, len, d, c));
	ck_assert(!dske_msg_verify(out, len, c, tv_word("A", 3, 2)));
	/* any flipped bit, in the words or the tag */
	for (bit = 0; bit < len * 8; bit++)
	{
		out[bit / 8] ^= 1 << (bit % 8);
		ck_assert_msg(!dske_msg_verify(out, len, c, d), "bit %zu", bit);
		out[bit / 8] ^= 1 << (bit % 8);
	}
	ck_assert(!dske_msg_verify(out, len - 1, c, d));
	ck_assert(!dske_msg_verify(out, 16, c, d));
	ck_assert(dske_msg_verify(out, len, c, d));
}
END_TEST

static void assert_same(const dske_msg_t *a, const dske_msg_t *b)
{
	size_t i;

	ck_assert_int_eq(a->type, b->type);
	ck_assert_uint_eq(a->k, b->k);
	ck_assert_uint_eq(a->n, b->n);
	ck_assert_uint_eq(a->m, b->m);
	ck_assert_uint_eq(a->sender_id, b->sender_id);
	ck_assert_uint_eq(a->hub_id, b->hub_id);
	ck_assert_mem_eq(a->secret_id, b->secret_id, DSKE_SECRET_ID_LEN);
	ck_assert_uint_eq(a->psrd_start, b->psrd_start);
	ck_assert_uint_eq(a->psrd_count, b->psrd_count);
	ck_assert_uint_eq(a->psrd_table, b->psrd_table);
	ck_assert_uint_eq(a->x, b->x);
	ck_assert_uint_eq(a->recipient_count, b->recipient_count);
	for (i = 0; i < a->recipient_count; i++)
	{
		ck_assert_uint_eq(a->recipients[i], b->recipients[i]);
	}
	ck_assert_uint_eq(a->aad_len, b->aad_len);
	ck_assert_mem_eq(a->aad, b->aad, a->aad_len);
	for (i = 0; i < (a->type <= DSKE_KEY_INSTRUCTION ? 3u + a->m : 0u); i++)
	{
		ck_assert(dske_gf128_equal(a->z[i], b->z[i]));
	}
}

static void round_trip(const dske_msg_t *msg, dske_gf128_t c, dske_gf128_t d)
{
	uint8_t out[BUF_LEN];
	dske_msg_t back;
	size_t len;

	len = dske_msg_encode(msg, c, d, out, sizeof(out));
	ck_assert_uint_eq(len, DSKE_WORD_LEN * (dske_msg_words(msg) + 1));
	ck_assert_uint_le(len, DSKE_MSG_MAX_LEN);
	ck_assert(dske_msg_decode(out, len, &back));
	assert_same(msg, &back);
	/* too small a buffer: nothing */
	ck_assert_uint_eq(dske_msg_encode(msg, c, d, out, len - 1), 0);
}

START_TEST(test_round_trip_shares)
{
	dske_gf128_t c = dske_gf128_from_uint(7), d = dske_gf128_from_uint(9);
	dske_msg_t msg;
	size_t i;

	tv_upload(&msg);
	round_trip(&msg, c, d);
	/* an instruction with an odd number of recipients, AAD and m = 2 */
	msg.type = DSKE_KEY_INSTRUCTION;
	msg.psrd_table = DSKE_TABLE_HUB;
	msg.psrd_start = 123456789012ULL;
	msg.m = 2;
	msg.psrd_count = 7;
	msg.recipient_count = 3;
	msg.recipients[1] = 0xffffffffffffffffULL;
	msg.recipients[2] = 12;
	msg.aad_len = 17;
	memcpy(msg.aad, "gw-a\0\x01\xff binary aad", 17);
	for (i = 0; i < 5; i++)
	{
		msg.z[i] = dske_gf128_from_uint(i * 0x0101010101010101ULL + 1);
		msg.z[i].hi = ~msg.z[i].lo;
	}
	round_trip(&msg, c, d);
	/* the largest message */
	msg.m = DSKE_MAX_KEY_WORDS;
	msg.psrd_count = 5 + DSKE_MAX_KEY_WORDS;
	msg.recipient_count = DSKE_MAX_RECIPIENTS;
	for (i = 0; i < DSKE_MAX_RECIPIENTS; i++)
	{
		msg.recipients[i] = 1000 + i;
	}
	msg.aad_len = DSKE_MAX_AAD;
	memset(msg.aad, 'x', DSKE_MAX_AAD);
	msg.k = msg.n = DSKE_MAX_HUBS;
	round_trip(&msg, c, d);
	ck_assert_uint_eq(DSKE_WORD_LEN * (dske_msg_words(&msg) + 1),
					  DSKE_MSG_MAX_LEN);
}
END_TEST

START_TEST(test_round_trip_header_only)
{
	dske_gf128_t c = dske_gf128_from_uint(7), d = dske_gf128_from_uint(9);
	uint8_t out[BUF_LEN], zeros[DSKE_WORD_LEN] = {};
	dske_msg_t msg = {
		.sender_id = 10,
		.hub_id = 3,
	};
	size_t len;

	memset(msg.secret_id, 0xab, DSKE_SECRET_ID_LEN);
	msg.type = DSKE_INSTR_REQUEST;
	round_trip(&msg, c, d);
	len = dske_msg_encode(&msg, c, d, out, sizeof(out));
	ck_assert_uint_eq(len, 6 * DSKE_WORD_LEN);
	/* no PSRD spent: the tag is all zero whatever the key */
	ck_assert_mem_eq(out + 5 * DSKE_WORD_LEN, zeros, DSKE_WORD_LEN);
	msg.type = DSKE_ACK;
	round_trip(&msg, c, d);
	msg.type = DSKE_ERROR;
	msg.x = DSKE_ERR_DELIVERED;
	msg.aad_len = 21;
	memcpy(msg.aad, "already delivered (x)", 21);
	round_trip(&msg, c, d);
	ck_assert_uint_eq(dske_msg_words(&msg), 7);
	/* an ERROR answering an unreadable request echoes no IDs */
	msg.sender_id = msg.hub_id = 0;
	round_trip(&msg, c, d);
}
END_TEST

START_TEST(test_encode_invalid)
{
	dske_gf128_t c = dske_gf128_from_uint(7), d = dske_gf128_from_uint(9);
	uint8_t out[BUF_LEN];
	dske_msg_t msg;

	tv_upload(&msg);
	msg.k = 4;
	ck_assert_uint_eq(dske_msg_encode(&msg, c, d, out, sizeof(out)), 0);
	tv_upload(&msg);
	msg.psrd_count = 5;
	ck_assert_uint_eq(dske_msg_encode(&msg, c, d, out, sizeof(out)), 0);
	tv_upload(&msg);
	msg.recipient_count = DSKE_MAX_RECIPIENTS + 1;
	ck_assert_uint_eq(dske_msg_encode(&msg, c, d, out, sizeof(out)), 0);
	tv_upload(&msg);
	msg.type = DSKE_ACK;
	ck_assert_uint_eq(dske_msg_encode(&msg, c, d, out, sizeof(out)), 0);
}
END_TEST

/**
 * A message written field by field, with no rule enforced, so that each
 * malformed case differs from a valid message in one respect only.
 */
typedef struct {
	uint8_t version, type, k, n;
	uint16_t m, r;
	uint32_t aad_len;
	uint64_t sender, hub;
	uint64_t start;
	uint32_t count;
	uint16_t table;
	uint32_t x;
	uint64_t recipients[DSKE_MAX_RECIPIENTS + 1];
	/** words of Z (3+m for valid messages carrying a share) */
	size_t z_words;
	/** added to the true L written into W0 */
	int l_delta;
	/** zero words added before the tag */
	size_t extra_words;
	/** a byte of the tag */
	uint8_t tag_byte;
} raw_t;

static void put(uint8_t *p, uint64_t value, int bytes)
{
	int i;

	for (i = 0; i < bytes; i++)
	{
		p[i] = (uint8_t)(value >> (8 * i));
	}
}

static size_t raw_encode(const raw_t *raw, uint8_t *out)
{
	size_t rec_words = (raw->r + 1) / 2, aad_words = (raw->aad_len + 15) / 16;
	size_t words, i;
	uint8_t *p;

	words = 5 + rec_words + aad_words + raw->z_words + raw->extra_words;
	ck_assert_uint_le(16 * (words + 1), BUF_LEN);
	memset(out, 0, 16 * (words + 1));
	out[0] = raw->version;
	out[1] = raw->type;
	out[2] = raw->k;
	out[3] = raw->n;
	put(out + 4, raw->m, 2);
	put(out + 6, raw->r, 2);
	put(out + 8, words + raw->l_delta, 4);
	put(out + 12, raw->aad_len, 4);
	put(out + 16, raw->sender, 8);
	put(out + 24, raw->hub, 8);
	memset(out + 32, 0x5a, 16);
	put(out + 48, raw->start, 8);
	put(out + 56, raw->count, 4);
	put(out + 60, raw->table, 2);
	put(out + 64, raw->x, 4);
	p = out + 80;
	for (i = 0; i < raw->r && i <= DSKE_MAX_RECIPIENTS; i++)
	{
		put(p + 8 * i, raw->recipients[i], 8);
	}
	p += 16 * rec_words;
	memset(p, 'a', raw->aad_len);
	p += 16 * aad_words;
	memset(p, 0xc3, 16 * raw->z_words);
	p += 16 * (raw->z_words + raw->extra_words);
	p[15] = raw->tag_byte;
	return 16 * (words + 1);
}

static const raw_t upload = {
	.version = 1, .type = DSKE_SHARE_UPLOAD, .k = 2, .n = 3, .m = 1, .r = 1,
	.sender = 10, .hub = 3, .count = 6, .table = 0, .x = 3,
	.recipients = { 11 }, .z_words = 4, .tag_byte = 0x99,
};

static const raw_t request = {
	.version = 1, .type = DSKE_INSTR_REQUEST, .sender = 10, .hub = 3,
};

static bool decodes(const raw_t *raw)
{
	uint8_t buf[BUF_LEN];
	dske_msg_t msg;

	return dske_msg_decode(buf, raw_encode(raw, buf), &msg);
}

/** the valid message base with one change */
#define MALFORMED(base, change) ({ \
	raw_t raw = base; \
	change; \
	ck_assert_msg(!decodes(&raw), "accepted: %s", #change); \
})

/** the encoding of a valid message with one byte changed */
#define BYTE_MALFORMED(base, offset, value) ({ \
	uint8_t buf_[BUF_LEN]; \
	dske_msg_t msg_; \
	size_t len_ = raw_encode(&(base), buf_); \
	buf_[offset] = value; \
	ck_assert_msg(!dske_msg_decode(buf_, len_, &msg_), \
				  "accepted: byte %s = %s", #offset, #value); \
})

START_TEST(test_decode_valid_raw)
{
	raw_t raw = upload;

	/* the builder agrees with the decoder on valid messages */
	ck_assert(decodes(&upload));
	ck_assert(decodes(&request));
	raw.type = DSKE_KEY_INSTRUCTION;
	raw.table = 1;
	raw.r = 2;
	raw.recipients[1] = 12;
	raw.aad_len = 3;
	ck_assert(decodes(&raw));
	raw = request;
	raw.type = DSKE_ACK;
	ck_assert(decodes(&raw));
	raw.type = DSKE_ERROR;
	raw.x = DSKE_ERR_UNKNOWN;
	raw.aad_len = 20;
	ck_assert(decodes(&raw));
}
END_TEST

START_TEST(test_decode_length)
{
	uint8_t buf[BUF_LEN];
	dske_msg_t msg;
	size_t len;

	len = raw_encode(&upload, buf);
	ck_assert(dske_msg_decode(buf, len, &msg));
	ck_assert(!dske_msg_decode(buf, len - 1, &msg));
	ck_assert(!dske_msg_decode(buf, len - 16, &msg));
	ck_assert(!dske_msg_decode(buf, len + 16, &msg));
	ck_assert(!dske_msg_decode(buf, 16, &msg));
	ck_assert(!dske_msg_decode(buf, 0, &msg));
	len = raw_encode(&request, buf);
	ck_assert(dske_msg_decode(buf, len, &msg));
	ck_assert(!dske_msg_decode(buf, len - 16, &msg));
	/* W0's L against the length, and the length against r, aad, m */
	MALFORMED(upload, raw.l_delta = 1);
	MALFORMED(upload, raw.l_delta = -1);
	MALFORMED(upload, { raw.extra_words = 1; raw.l_delta = 0; });
	MALFORMED(upload, { raw.extra_words = 1; raw.l_delta = -1; });
	MALFORMED(upload, raw.z_words = 3);
	MALFORMED(upload, raw.z_words = 5);
	MALFORMED(request, raw.extra_words = 1);
	/* longer than any message may be */
	MALFORMED(upload, raw.extra_words = 150);
}
END_TEST

START_TEST(test_decode_version_type)
{
	MALFORMED(upload, raw.version = 0);
	MALFORMED(upload, raw.version = 2);
	MALFORMED(request, raw.version = 2);
	MALFORMED(upload, raw.type = 0);
	MALFORMED(upload, raw.type = 6);
	MALFORMED(upload, raw.type = 0xff);
	/* a share upload read as a header-only type */
	MALFORMED(upload, raw.type = DSKE_ACK);
	/* tables belong to their message types */
	MALFORMED(upload, raw.table = 1);
	MALFORMED(upload, { raw.type = DSKE_KEY_INSTRUCTION; raw.table = 0; });
	MALFORMED(upload, raw.table = 2);
}
END_TEST

START_TEST(test_decode_padding)
{
	uint8_t buf[BUF_LEN];
	dske_msg_t msg;
	raw_t raw = upload;
	size_t len;

	/* recipient padding (r odd), W3's and W4's reserved bytes */
	BYTE_MALFORMED(upload, 80 + 8, 1);
	BYTE_MALFORMED(upload, 62, 1);
	BYTE_MALFORMED(upload, 63, 0x80);
	BYTE_MALFORMED(upload, 68, 1);
	BYTE_MALFORMED(upload, 79, 1);
	/* AAD padding */
	raw.aad_len = 3;
	len = raw_encode(&raw, buf);
	ck_assert(dske_msg_decode(buf, len, &msg));
	BYTE_MALFORMED(raw, 96 + 3, 1);
	BYTE_MALFORMED(raw, 96 + 15, 1);
}
END_TEST

START_TEST(test_decode_bounds)
{
	MALFORMED(upload, raw.r = 0);
	MALFORMED(upload, {
		raw.r = DSKE_MAX_RECIPIENTS + 1;
		for (int i = 0; i <= DSKE_MAX_RECIPIENTS; i++)
		{
			raw.recipients[i] = 100 + i;
		}
	});
	MALFORMED(upload, raw.aad_len = DSKE_MAX_AAD + 1);
	MALFORMED(upload, { raw.m = 0; raw.count = 5; raw.z_words = 3; });
	MALFORMED(upload, {
		raw.m = DSKE_MAX_KEY_WORDS + 1;
		raw.count = 5 + raw.m;
		raw.z_words = 3 + raw.m;
	});
	MALFORMED(upload, raw.k = 0);
	MALFORMED(upload, raw.k = 4);
	MALFORMED(upload, raw.n = 0);
	MALFORMED(upload, { raw.n = DSKE_MAX_HUBS + 1; });
	MALFORMED(upload, raw.x = 0);
	MALFORMED(upload, raw.recipients[0] = 0);
	MALFORMED(upload, { raw.r = 2; raw.recipients[1] = 11; });
	MALFORMED(upload, raw.sender = 0);
	MALFORMED(upload, raw.hub = 0);
}
END_TEST

START_TEST(test_decode_count)
{
	MALFORMED(upload, raw.count = 5);
	MALFORMED(upload, raw.count = 7);
	MALFORMED(upload, raw.count = 0);
	MALFORMED(upload, { raw.m = 2; raw.z_words = 5; raw.count = 6; });
}
END_TEST

START_TEST(test_decode_header_only)
{
	int type;

	for (type = DSKE_INSTR_REQUEST; type <= DSKE_ERROR; type++)
	{
		raw_t base = request;

		base.type = type;
		base.x = type == DSKE_ERROR ? DSKE_ERR_TAG : 0;
		ck_assert(decodes(&base));
		/* the tag of a message without PSRD is all zero */
		MALFORMED(base, raw.tag_byte = 1);
		MALFORMED(base, raw.k = 1);
		MALFORMED(base, raw.n = 1);
		MALFORMED(base, { raw.m = 1; });
		MALFORMED(base, { raw.m = 1; raw.z_words = 4; });
		MALFORMED(base, { raw.r = 1; raw.recipients[0] = 11; });
		MALFORMED(base, raw.start = 1);
		MALFORMED(base, raw.count = 6);
		MALFORMED(base, raw.table = 1);
	}
	/* the ones with W1 must name a sender and the hub */
	MALFORMED(request, raw.sender = 0);
	MALFORMED(request, raw.hub = 0);
	/* INSTR_REQUEST and ACK: no W4, no AAD */
	MALFORMED(request, raw.x = 1);
	MALFORMED(request, raw.aad_len = 4);
	MALFORMED(request, { raw.type = DSKE_ACK; raw.aad_len = 4; });
	/* ERROR: a code, and a printable reason */
	MALFORMED(request, raw.type = DSKE_ERROR);
}
END_TEST

START_TEST(test_decode_error_reason)
{
	uint8_t buf[BUF_LEN];
	dske_msg_t msg;
	raw_t raw = request;
	size_t len;

	raw.type = DSKE_ERROR;
	raw.x = DSKE_ERR_PSRD;
	raw.aad_len = 5;
	len = raw_encode(&raw, buf);
	ck_assert(dske_msg_decode(buf, len, &msg));
	ck_assert_uint_eq(msg.x, DSKE_ERR_PSRD);
	ck_assert_mem_eq(msg.aad, "aaaaa", 5);
	buf[96 + 2] = '\n';
	ck_assert(!dske_msg_decode(buf, len, &msg));
	buf[96 + 2] = 0x80;
	ck_assert(!dske_msg_decode(buf, len, &msg));
	ck_assert_str_eq(dske_error_name(DSKE_ERR_TAG), "tag mismatch");
	ck_assert_str_eq(dske_error_name(0), "unknown");
	ck_assert_str_eq(dske_error_name(9), "unknown");
	ck_assert_str_eq(dske_msg_type_name(DSKE_ACK), "ACK");
	ck_assert_str_eq(dske_msg_type_name(6), "unknown");
}
END_TEST

Suite *msg_suite(void)
{
	Suite *s = suite_create("dske_msg");
	TCase *tc;

	tc = tcase_create("vectors");
	tcase_add_test(tc, test_tag_vector);
	tcase_add_test(tc, test_verify_rejects);
	suite_add_tcase(s, tc);

	tc = tcase_create("round trips");
	tcase_add_test(tc, test_round_trip_shares);
	tcase_add_test(tc, test_round_trip_header_only);
	tcase_add_test(tc, test_encode_invalid);
	suite_add_tcase(s, tc);

	tc = tcase_create("malformed");
	tcase_add_test(tc, test_decode_valid_raw);
	tcase_add_test(tc, test_decode_length);
	tcase_add_test(tc, test_decode_version_type);
	tcase_add_test(tc, test_decode_padding);
	tcase_add_test(tc, test_decode_bounds);
	tcase_add_test(tc, test_decode_count);
	tcase_add_test(tc, test_decode_header_only);
	tcase_add_test(tc, test_decode_error_reason);
	suite_add_tcase(s, tc);
	return s;
}
