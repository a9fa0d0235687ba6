/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dske_msg.h"
#include "dske_hash.h"
#include "dske_le.h"

#include <string.h>

#include <openssl/crypto.h>

/** byte offsets of the fixed header's words */
#define W0 0
#define W1 16
#define W2 32
#define W3 48
#define W4 64
#define BODY (DSKE_MSG_HEADER_WORDS * DSKE_WORD_LEN)

/** the shortest message: the header and its tag */
#define MSG_MIN_LEN (BODY + DSKE_WORD_LEN)

/** words of PSRD a message carrying m key words spends: MAC key and pad */
#define PSRD_COUNT(m) (2 + 3 + (uint32_t)(m))

static bool carries_share(int type)
{
	return type == DSKE_SHARE_UPLOAD || type == DSKE_KEY_INSTRUCTION;
}

static size_t words_of(size_t bytes)
{
	return (bytes + DSKE_WORD_LEN - 1) / DSKE_WORD_LEN;
}

size_t dske_msg_words(const dske_msg_t *msg)
{
	size_t words;

	words = DSKE_MSG_HEADER_WORDS + words_of(msg->recipient_count * 8) +
			words_of(msg->aad_len);
	if (carries_share(msg->type))
	{
		words += dske_share_words(msg->m);
	}
	return words;
}

/**
 * Whether all len bytes are zero (padding, reserved bytes).
 */
static bool all_zero(const uint8_t *p, size_t len)
{
	uint8_t acc = 0;
	size_t i;

	for (i = 0; i < len; i++)
	{
		acc |= p[i];
	}
	return acc == 0;
}

/**
 * Recipients are hub-assigned client IDs: nonzero, each named once.
 */
static bool recipients_valid(const dske_msg_t *msg)
{
	size_t i, j;

	for (i = 0; i < msg->recipient_count; i++)
	{
		if (!msg->recipients[i])
		{
			return false;
		}
		for (j = 0; j < i; j++)
		{
			if (msg->recipients[j] == msg->recipients[i])
			{
				return false;
			}
		}
	}
	return true;
}

/**
 * An ERROR's reason ends up in log lines: printable ASCII only.
 */
static bool reason_valid(const dske_msg_t *msg)
{
	uint32_t i;

	for (i = 0; i < msg->aad_len; i++)
	{
		if (msg->aad[i] < 0x20 || msg->aad[i] > 0x7e)
		{
			return false;
		}
	}
	return true;
}

/**
 * The rules a message obeys whichever way it goes (encode and decode).
 */
static bool msg_valid(const dske_msg_t *msg)
{
	if (msg->type < DSKE_SHARE_UPLOAD || msg->type > DSKE_ERROR ||
		msg->aad_len > DSKE_MAX_AAD)
	{
		return false;
	}
	if (carries_share(msg->type))
	{
		return msg->k >= 1 && msg->k <= msg->n && msg->n <= DSKE_MAX_HUBS &&
			   msg->m >= 1 && msg->m <= DSKE_MAX_KEY_WORDS &&
			   msg->recipient_count >= 1 &&
			   msg->recipient_count <= DSKE_MAX_RECIPIENTS &&
			   recipients_valid(msg) &&
			   msg->psrd_count == PSRD_COUNT(msg->m) &&
			   msg->psrd_table == (msg->type == DSKE_SHARE_UPLOAD ?
								   DSKE_TABLE_CLIENT : DSKE_TABLE_HUB) &&
			   msg->x != 0 && msg->sender_id && msg->hub_id;
	}
	/* header-only: protected by the AEAD layer alone, no PSRD spent */
	if (msg->k || msg->n || msg->m || msg->recipient_count ||
		msg->psrd_start || msg->psrd_count || msg->psrd_table)
	{
		return false;
	}
	if (msg->type == DSKE_ERROR)
	{	/* an ERROR echoes W1, which may be zero if the request was
		 * unreadable */
		return msg->x != 0 && reason_valid(msg);
	}
	return msg->x == 0 && msg->aad_len == 0 && msg->sender_id &&
		   msg->hub_id;
}

size_t dske_msg_encode(const dske_msg_t *msg, dske_gf128_t c, dske_gf128_t d,
					   uint8_t *out, size_t out_len)
{
	size_t words, len, i;
	uint8_t *p;

	if (!msg_valid(msg))
	{
		return 0;
	}
	words = dske_msg_words(msg);
	len = DSKE_WORD_LEN * (words + 1);
	if (len > out_len)
	{
		return 0;
	}
	memset(out, 0, len);
	out[W0] = DSKE_MSG_VERSION;
	out[W0 + 1] = (uint8_t)msg->type;
	out[W0 + 2] = msg->k;
	out[W0 + 3] = msg->n;
	dske_put_le(out + W0 + 4, msg->m, 2);
	dske_put_le(out + W0 + 6, msg->recipient_count, 2);
	dske_put_le(out + W0 + 8, words, 4);
	dske_put_le(out + W0 + 12, msg->aad_len, 4);
	dske_put_le(out + W1, msg->sender_id, 8);
	dske_put_le(out + W1 + 8, msg->hub_id, 8);
	memcpy(out + W2, msg->secret_id, DSKE_SECRET_ID_LEN);
	dske_put_le(out + W3, msg->psrd_start, 8);
	dske_put_le(out + W3 + 8, msg->psrd_count, 4);
	dske_put_le(out + W3 + 12, msg->psrd_table, 2);
	dske_put_le(out + W4, msg->x, 4);
	p = out + BODY;
	for (i = 0; i < msg->recipient_count; i++)
	{
		dske_put_le(p + 8 * i, msg->recipients[i], 8);
	}
	p += DSKE_WORD_LEN * words_of(msg->recipient_count * 8);
	memcpy(p, msg->aad, msg->aad_len);
	p += DSKE_WORD_LEN * words_of(msg->aad_len);
	if (carries_share(msg->type))
	{
		for (i = 0; i < dske_share_words(msg->m); i++)
		{
			dske_gf128_store(msg->z[i], p);
			p += DSKE_WORD_LEN;
		}
		dske_gf128_store(dske_hash_bytes(c, d, out, words), p);
	}
	return len;
}

bool dske_msg_decode(const uint8_t *buf, size_t len, dske_msg_t *msg)
{
	const uint8_t *p;
	size_t i, words;

	memset(msg, 0, sizeof(*msg));
	if (len < MSG_MIN_LEN || len > DSKE_MSG_MAX_LEN || len % DSKE_WORD_LEN ||
		buf[W0] != DSKE_MSG_VERSION)
	{
		return false;
	}
	words = len / DSKE_WORD_LEN - 1;
	msg->type = buf[W0 + 1];
	msg->k = buf[W0 + 2];
	msg->n = buf[W0 + 3];
	msg->m = dske_get_le(buf + W0 + 4, 2);
	msg->recipient_count = dske_get_le(buf + W0 + 6, 2);
	msg->aad_len = dske_get_le(buf + W0 + 12, 4);
	msg->sender_id = dske_get_le(buf + W1, 8);
	msg->hub_id = dske_get_le(buf + W1 + 8, 8);
	memcpy(msg->secret_id, buf + W2, DSKE_SECRET_ID_LEN);
	msg->psrd_start = dske_get_le(buf + W3, 8);
	msg->psrd_count = dske_get_le(buf + W3 + 8, 4);
	msg->psrd_table = dske_get_le(buf + W3 + 12, 2);
	msg->x = dske_get_le(buf + W4, 4);
	/* the bounds first: they size what is read below */
	if (dske_get_le(buf + W0 + 8, 4) != words ||
		msg->recipient_count > DSKE_MAX_RECIPIENTS ||
		msg->aad_len > DSKE_MAX_AAD || msg->m > DSKE_MAX_KEY_WORDS ||
		!all_zero(buf + W3 + 14, 2) || !all_zero(buf + W4 + 4, 12) ||
		dske_msg_words(msg) != words)
	{
		return false;
	}
	p = buf + BODY;
	for (i = 0; i < msg->recipient_count; i++)
	{
		msg->recipients[i] = dske_get_le(p + 8 * i, 8);
	}
	if (!all_zero(p + 8 * msg->recipient_count,
				  DSKE_WORD_LEN * words_of(msg->recipient_count * 8) -
				  8 * msg->recipient_count))
	{
		return false;
	}
	p += DSKE_WORD_LEN * words_of(msg->recipient_count * 8);
	memcpy(msg->aad, p, msg->aad_len);
	if (!all_zero(p + msg->aad_len,
				  DSKE_WORD_LEN * words_of(msg->aad_len) - msg->aad_len))
	{
		return false;
	}
	p += DSKE_WORD_LEN * words_of(msg->aad_len);
	if (carries_share(msg->type))
	{
		for (i = 0; i < dske_share_words(msg->m); i++)
		{
			msg->z[i] = dske_gf128_load(p);
			p += DSKE_WORD_LEN;
		}
	}
	else if (!all_zero(p, DSKE_WORD_LEN))
	{	/* header-only messages have an all-zero tag */
		return false;
	}
	if (!msg_valid(msg))
	{
		dske_msg_wipe(msg);
		return false;
	}
	return true;
}

bool dske_msg_verify(const uint8_t *buf, size_t len, dske_gf128_t c,
					 dske_gf128_t d)
{
	size_t words;

	if (len < MSG_MIN_LEN || len % DSKE_WORD_LEN)
	{
		return false;
	}
	words = len / DSKE_WORD_LEN - 1;
	return dske_gf128_equal(dske_hash_bytes(c, d, buf, words),
							dske_gf128_load(buf + DSKE_WORD_LEN * words));
}

void dske_msg_wipe(dske_msg_t *msg)
{
	OPENSSL_cleanse(msg->z, sizeof(msg->z));
	OPENSSL_cleanse(msg->aad, sizeof(msg->aad));
}

const char *dske_msg_type_name(int type)
{
	static const char *const names[] = {
		[DSKE_SHARE_UPLOAD] = "SHARE_UPLOAD",
		[DSKE_KEY_INSTRUCTION] = "KEY_INSTRUCTION",
		[DSKE_INSTR_REQUEST] = "INSTR_REQUEST",
		[DSKE_ACK] = "ACK",
		[DSKE_ERROR] = "ERROR",
	};

	if (type < DSKE_SHARE_UPLOAD || type > DSKE_ERROR)
	{
		return "unknown";
	}
	return names[type];
}

const char *dske_error_name(int code)
{
	static const char *const names[] = {
		[DSKE_ERR_UNKNOWN] = "unknown secret",
		[DSKE_ERR_BAD_MESSAGE] = "bad message",
		[DSKE_ERR_TAG] = "tag mismatch",
		[DSKE_ERR_PSRD] = "PSRD range refused",
		[DSKE_ERR_NOT_RECIPIENT] = "not a recipient",
		[DSKE_ERR_EXHAUSTED] = "PSRD exhausted",
		[DSKE_ERR_DUPLICATE] = "duplicate secret",
		[DSKE_ERR_DELIVERED] = "already delivered",
	};

	if (code < DSKE_ERR_UNKNOWN || code > DSKE_ERR_DELIVERED)
	{
		return "unknown";
	}
	return names[code];
}
