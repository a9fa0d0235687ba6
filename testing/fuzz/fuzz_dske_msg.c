/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * libFuzzer target: what a Security Hub or a DSKE client reads from the
 * network. The input is tried as an AEAD frame (header, then opened with a
 * fixed key: only valid frames sealed with it get through) and as an inner
 * message; a decoded message must encode back to the same bytes.
 */

#include <dske_frame.h>
#include <dske_msg.h>

#include <stdlib.h>
#include <string.h>

static const uint8_t key[DSKE_WRAP_KEY_LEN] = "fuzz-fuzz-fuzz-fuzz-fuzz-fuzz-!";

static void message(const uint8_t *data, size_t size)
{
	static uint8_t out[DSKE_MSG_MAX_LEN];
	dske_gf128_t c = dske_gf128_from_uint(3), d = dske_gf128_from_uint(5);
	dske_msg_t msg;
	size_t len;

	if (!dske_msg_decode(data, size, &msg))
	{
		return;
	}
	if (size > DSKE_MSG_MAX_LEN || size % DSKE_WORD_LEN ||
		size != DSKE_WORD_LEN * (dske_msg_words(&msg) + 1))
	{
		abort();
	}
	len = dske_msg_encode(&msg, c, d, out, sizeof(out));
	/* everything but the tag of a message carrying a share round trips */
	if (len != size || memcmp(out, data, size - DSKE_WORD_LEN) != 0 ||
		((msg.type == DSKE_SHARE_UPLOAD || msg.type == DSKE_KEY_INSTRUCTION) ?
		 !dske_msg_verify(out, len, c, d) :
		 memcmp(out, data, size) != 0))
	{
		abort();
	}
	dske_msg_verify(data, size, c, d);
	dske_msg_wipe(&msg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	dske_frame_header_t hdr;
	uint8_t *plain;

	if (dske_frame_header(data, size, &hdr))
	{
		if (size != dske_frame_len(hdr.ct_len) || size > DSKE_FRAME_MAX)
		{
			abort();
		}
		plain = malloc(hdr.ct_len + 1);
		if (plain && dske_frame_open(key, data, size, plain))
		{
			message(plain, hdr.ct_len);
		}
		free(plain);
	}
	message(data, size);
	return 0;
}
