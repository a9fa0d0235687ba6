/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dske_frame.h"
#include "dske_le.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

/** header offsets: magic, key ID, sender, nonce (salt, counter), ct_len */
#define OFF_KEY_ID 4
#define OFF_SENDER 8
#define OFF_NONCE 16
#define OFF_COUNTER 20
#define OFF_CT_LEN 28
#define NONCE_LEN 12

/** most plaintext in one frame */
#define PLAIN_MAX (DSKE_FRAME_MAX - DSKE_FRAME_HEADER_LEN - DSKE_FRAME_TAG_LEN)

/**
 * AES-256-GCM over a frame: the header is the AAD and holds the nonce.
 * Encrypts in into out (len bytes) and writes or checks the tag.
 */
static bool gcm(bool encrypt, const uint8_t key[DSKE_WRAP_KEY_LEN],
				const uint8_t *header, const uint8_t *in, size_t len,
				uint8_t *out, uint8_t *tag)
{
	EVP_CIPHER_CTX *ctx;
	int outl, finl;
	bool ok;

	ctx = EVP_CIPHER_CTX_new();
	if (!ctx)
	{
		return false;
	}
	ok = EVP_CipherInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL,
						   encrypt) == 1 &&
		 EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, NONCE_LEN,
							 NULL) == 1 &&
		 EVP_CipherInit_ex(ctx, NULL, NULL, key, header + OFF_NONCE,
						   encrypt) == 1 &&
		 (encrypt || EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG,
										 DSKE_FRAME_TAG_LEN, tag) == 1) &&
		 EVP_CipherUpdate(ctx, NULL, &outl, header,
						  DSKE_FRAME_HEADER_LEN) == 1 &&
		 EVP_CipherUpdate(ctx, out, &outl, in, (int)len) == 1 &&
		 EVP_CipherFinal_ex(ctx, out + outl, &finl) == 1 &&
		 (!encrypt || EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG,
										  DSKE_FRAME_TAG_LEN, tag) == 1);
	EVP_CIPHER_CTX_free(ctx);
	return ok;
}

bool dske_frame_seal(const uint8_t key[DSKE_WRAP_KEY_LEN],
					 uint32_t wrap_key_id, uint64_t sender_id, dske_dir_t dir,
					 uint64_t counter, const uint8_t *plain, size_t len,
					 uint8_t *out, size_t out_len)
{
	if (len > PLAIN_MAX || out_len < dske_frame_len(len) || !counter ||
		(dir != DSKE_DIR_TO_HUB && dir != DSKE_DIR_TO_CLIENT))
	{
		return false;
	}
	memcpy(out, DSKE_FRAME_MAGIC, 4);
	dske_put_le(out + OFF_KEY_ID, wrap_key_id, 4);
	dske_put_le(out + OFF_SENDER, sender_id, 8);
	dske_put_le(out + OFF_NONCE, dir, 4);
	dske_put_le(out + OFF_COUNTER, counter, 8);
	dske_put_le(out + OFF_CT_LEN, len, 4);
	if (!gcm(true, key, out, plain, len, out + DSKE_FRAME_HEADER_LEN,
			 out + DSKE_FRAME_HEADER_LEN + len))
	{
		OPENSSL_cleanse(out, dske_frame_len(len));
		return false;
	}
	return true;
}

bool dske_frame_header(const uint8_t *frame, size_t len,
					   dske_frame_header_t *hdr)
{
	if (len < dske_frame_len(0) || len > DSKE_FRAME_MAX ||
		memcmp(frame, DSKE_FRAME_MAGIC, 4) != 0)
	{
		return false;
	}
	hdr->wrap_key_id = dske_get_le(frame + OFF_KEY_ID, 4);
	hdr->sender_id = dske_get_le(frame + OFF_SENDER, 8);
	hdr->salt = dske_get_le(frame + OFF_NONCE, 4);
	hdr->counter = dske_get_le(frame + OFF_COUNTER, 8);
	hdr->ct_len = dske_get_le(frame + OFF_CT_LEN, 4);
	/* counters start at 1 */
	return hdr->salt <= DSKE_DIR_TO_CLIENT && hdr->counter &&
		   hdr->ct_len <= PLAIN_MAX && dske_frame_len(hdr->ct_len) == len;
}

bool dske_frame_open(const uint8_t key[DSKE_WRAP_KEY_LEN],
					 const uint8_t *frame, size_t len, uint8_t *plain)
{
	dske_frame_header_t hdr;
	uint8_t tag[DSKE_FRAME_TAG_LEN];

	if (!dske_frame_header(frame, len, &hdr))
	{
		return false;
	}
	memcpy(tag, frame + DSKE_FRAME_HEADER_LEN + hdr.ct_len, sizeof(tag));
	if (!gcm(false, key, frame, frame + DSKE_FRAME_HEADER_LEN, hdr.ct_len,
			 plain, tag))
	{	/* nothing unauthenticated leaves */
		OPENSSL_cleanse(plain, hdr.ct_len);
		return false;
	}
	return true;
}
