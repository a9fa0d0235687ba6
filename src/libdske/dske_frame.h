/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dske_frame dske_frame
 * @{ @ingroup libdske
 *
 * The AEAD wrapping layer around DSKE messages (draft §11.6: one-time MAC
 * keys must not be drained by forged messages; notes §10a). A frame is a
 * 32-byte header "DSK1" || wrap_key_id (u32) || sender_id (u64) ||
 * nonce (salt u32 || counter u64) || ct_len (u32), then ct_len bytes of
 * AES-256-GCM ciphertext and its 16-byte tag; the whole header is GCM's
 * AAD. Over TCP each frame is preceded by its length as u32 LE.
 *
 * Counters start at 1 per direction and pair and must strictly increase;
 * checking and persisting them is the caller's (dske_pair_t). A frame
 * failing any check is dropped without touching PSRD.
 */

#ifndef DSKE_FRAME_H_
#define DSKE_FRAME_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DSKE_FRAME_MAGIC "DSK1"
#define DSKE_FRAME_HEADER_LEN 32
#define DSKE_FRAME_TAG_LEN 16
/** largest frame (its TCP length prefix excluded) */
#define DSKE_FRAME_MAX (1024 * 1024)
/** AES-256-GCM key of a client-hub pair */
#define DSKE_WRAP_KEY_LEN 32
/** wrap_key_id of the key delivered at registration */
#define DSKE_WRAP_KEY_ID_INITIAL 1
/** bytes of the TCP length prefix */
#define DSKE_FRAME_PREFIX_LEN 4

/**
 * Direction salts of the nonce.
 */
typedef enum {
	DSKE_DIR_TO_HUB = 0,
	DSKE_DIR_TO_CLIENT = 1,
} dske_dir_t;

/**
 * A frame's header, decoded.
 */
typedef struct {
	uint32_t wrap_key_id;
	/** the client's hub-assigned ID (to hub), or the hub's ID (to client) */
	uint64_t sender_id;
	uint32_t salt;
	uint64_t counter;
	uint32_t ct_len;
} dske_frame_header_t;

/**
 * Bytes of a frame carrying len bytes of plaintext.
 */
static inline size_t dske_frame_len(size_t len)
{
	return DSKE_FRAME_HEADER_LEN + len + DSKE_FRAME_TAG_LEN;
}

/**
 * Seal a message into a frame.
 *
 * @param key		wrap key
 * @param out		receives dske_frame_len(len) bytes
 * @return			false on an OpenSSL error or if out is too small
 */
bool dske_frame_seal(const uint8_t key[DSKE_WRAP_KEY_LEN],
					 uint32_t wrap_key_id, uint64_t sender_id, dske_dir_t dir,
					 uint64_t counter, const uint8_t *plain, size_t len,
					 uint8_t *out, size_t out_len);

/**
 * Decode a frame's header (to find the pair and its key), checking magic,
 * salt range and that len = dske_frame_len(ct_len) <= DSKE_FRAME_MAX.
 */
bool dske_frame_header(const uint8_t *frame, size_t len,
					   dske_frame_header_t *hdr);

/**
 * Authenticate and decrypt a frame whose header was decoded.
 *
 * @param plain		receives hdr.ct_len bytes (wiped if the tag fails)
 * @return			false if the tag does not verify
 */
bool dske_frame_open(const uint8_t key[DSKE_WRAP_KEY_LEN],
					 const uint8_t *frame, size_t len, uint8_t *plain);

#endif /** DSKE_FRAME_H_ @}*/
