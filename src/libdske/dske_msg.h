/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dske_msg dske_msg
 * @{ @ingroup libdske
 *
 * DSKE inner messages between a client (KP) and a Security Hub, in the
 * project's binary, word-aligned encoding (docs/dske.md, "Messages";
 * notes §10 and §10a): L words, then a tag word T = h(P0, P1, W0..W(L-1))
 * keyed by the message's PSRD range's first two words. Header-only
 * messages (INSTR_REQUEST, ACK, ERROR) carry an all-zero tag.
 *
 * Layout, all integers little-endian:
 *  W0  version(1)=1, type(1), k(1), n(1), m(u16), r(u16), L(u32), aad_len(u32)
 *  W1  sender client ID at this hub (u64) || hub ID (u64)
 *  W2  secret ID (16 bytes, a UUIDv4 in network order)
 *  W3  PSRD start (u64, words) || count (u32) = 5+m || table (u16) || 0 (u16)
 *  W4  x_i (u32, rest zero); for ERROR the error code
 *  then ceil(r/2) words of recipient IDs (u64 each, zero padded),
 *  ceil(aad_len/16) words of AAD (zero padded), 3+m words of Z.
 */

#ifndef DSKE_MSG_H_
#define DSKE_MSG_H_

#include "dske_gf128.h"
#include "dske_shamir.h"

/** message version in W0 */
#define DSKE_MSG_VERSION 1
/** length of a secret ID */
#define DSKE_SECRET_ID_LEN 16
/** most recipients of one secret */
#define DSKE_MAX_RECIPIENTS 16
/** most bytes of AAD */
#define DSKE_MAX_AAD 1024
/** words of the fixed header W0..W4 */
#define DSKE_MSG_HEADER_WORDS 5
/** largest encoded message in bytes, tag included */
#define DSKE_MSG_MAX_LEN (DSKE_WORD_LEN * (DSKE_MSG_HEADER_WORDS + \
	DSKE_MAX_RECIPIENTS / 2 + DSKE_MAX_AAD / DSKE_WORD_LEN + \
	3 + DSKE_MAX_KEY_WORDS + 1))

/**
 * Message types (W0 byte 1).
 */
typedef enum {
	DSKE_SHARE_UPLOAD = 1,
	DSKE_KEY_INSTRUCTION = 2,
	DSKE_INSTR_REQUEST = 3,
	DSKE_ACK = 4,
	DSKE_ERROR = 5,
} dske_msg_type_t;

/**
 * Error codes of an ERROR message (W4).
 */
typedef enum {
	DSKE_ERR_UNKNOWN = 1,		/* unknown secret ID, or not yet */
	DSKE_ERR_BAD_MESSAGE = 2,
	DSKE_ERR_TAG = 3,
	DSKE_ERR_PSRD = 4,			/* range out of bounds or already used */
	DSKE_ERR_NOT_RECIPIENT = 5,
	DSKE_ERR_EXHAUSTED = 6,		/* the hub's PSRD for this client is used up */
	DSKE_ERR_DUPLICATE = 7,
	DSKE_ERR_DELIVERED = 8,
} dske_error_t;

/**
 * PSRD tables of a client-hub pair: each side draws from its own.
 */
typedef enum {
	/** allocated by the client (its uploads) */
	DSKE_TABLE_CLIENT = 0,
	/** allocated by the hub (its key instructions) */
	DSKE_TABLE_HUB = 1,
} dske_table_t;

/**
 * A decoded message. For header-only types k = n = m = r = 0, the PSRD
 * range is zero, and aad holds an ERROR's ASCII reason.
 */
typedef struct {
	dske_msg_type_t type;
	uint8_t k;
	uint8_t n;
	uint16_t m;
	/** W1: the sender's client ID as this hub assigned it, the hub's ID */
	uint64_t sender_id;
	uint64_t hub_id;
	/** W2 */
	uint8_t secret_id[DSKE_SECRET_ID_LEN];
	/** W3 */
	uint64_t psrd_start;
	uint32_t psrd_count;
	uint16_t psrd_table;
	/** W4: coordinate x_i, or the error code of an ERROR */
	uint32_t x;
	/** recipients' client IDs as this hub assigned them */
	uint16_t recipient_count;
	uint64_t recipients[DSKE_MAX_RECIPIENTS];
	/** application AAD (not hidden from the hub) */
	uint32_t aad_len;
	uint8_t aad[DSKE_MAX_AAD];
	/** 3+m words of the (encrypted) share */
	dske_gf128_t z[3 + DSKE_MAX_KEY_WORDS];
} dske_msg_t;

/**
 * Number of words L of a message before its tag.
 */
size_t dske_msg_words(const dske_msg_t *msg);

/**
 * Encode a message and append its tag: keyed by (c, d) for
 * SHARE_UPLOAD and KEY_INSTRUCTION, all zero for the other types (c and d
 * ignored).
 *
 * @param out		receives 16 * (L + 1) bytes
 * @param out_len	size of out
 * @return			bytes written, 0 if msg is invalid or out too small
 */
size_t dske_msg_encode(const dske_msg_t *msg, dske_gf128_t c, dske_gf128_t d,
					   uint8_t *out, size_t out_len);

/**
 * Decode a message, checking its structure only: version, type, lengths
 * (len = 16 * (L + 1) with L matching r, aad_len and m), zero padding and
 * reserved bytes, bounds (r, aad_len, m, k <= n), W3's count = 5+m for
 * messages carrying a share, an all-zero tag for header-only types.
 * The tag of a message carrying a share is NOT checked here: its key is
 * in the PSRD range the header names (dske_msg_verify()).
 *
 * @return			false if malformed (msg contents undefined)
 */
bool dske_msg_decode(const uint8_t *buf, size_t len, dske_msg_t *msg);

/**
 * Check the tag of a message carrying a share, in constant time.
 *
 * @param buf		the message as received (len bytes, decoded before)
 * @param c, d		the range's first two PSRD words
 */
bool dske_msg_verify(const uint8_t *buf, size_t len, dske_gf128_t c,
					 dske_gf128_t d);

/**
 * Wipe a message's share words and AAD.
 */
void dske_msg_wipe(dske_msg_t *msg);

/**
 * Name of a message type, or "unknown", for log lines.
 */
const char *dske_msg_type_name(int type);

/**
 * Name of an error code, or "unknown", for log lines.
 */
const char *dske_error_name(int code);

#endif /** DSKE_MSG_H_ @}*/
