/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * libFuzzer target: a KP's GET /entropy answer, with and without a
 * requested minimum (first input byte).
 */

#include <skip_json.h>

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	skip_entropy_t *entropy = NULL;
	skip_error_t err = {};
	unsigned bits;

	if (size < 1)
	{
		return 0;
	}
	bits = (data[0] & 1) ? 128 : 0;
	if (skip_json_parse_entropy((const char*)data + 1, size - 1, bits,
								&entropy, &err) != SKIP_OK)
	{
		if (entropy || !err.detail[0])
		{
			abort();
		}
		return 0;
	}
	if (!entropy->len || entropy->len > SKIP_ENTROPY_MAX_BYTES ||
		!entropy->min_entropy || entropy->min_entropy > entropy->len * 8 ||
		entropy->min_entropy < bits)
	{
		abort();
	}
	skip_entropy_destroy(entropy);
	return 0;
}
