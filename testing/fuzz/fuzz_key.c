/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * libFuzzer target: a KP's GET /key and GET /key/{keyId} answers, with and
 * without an expected size and keyId (chosen by the first input byte).
 */

#include <skip_json.h>
#include <skip_validate.h>

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DRAFT_KEY_ID "1726e9AE76234FB1dd1283d4dca1911e1f93864d70f3069e"

static bool all_zero(const uint8_t *key, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
	{
		if (key[i])
		{
			return false;
		}
	}
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned sizes[] = { 0, 128, 256, 512 };
	skip_key_t *key = NULL;
	skip_error_t err = {};
	const char *key_id;
	unsigned bits;

	if (size < 1)
	{
		return 0;
	}
	bits = sizes[data[0] & 3];
	key_id = data[0] & 4 ? DRAFT_KEY_ID : NULL;
	if (skip_json_parse_key((const char*)data + 1, size - 1, bits, key_id,
							&key, &err) != SKIP_OK)
	{
		if (key || !err.detail[0])
		{
			abort();
		}
		return 0;
	}
	if (!skip_key_id_valid(key->key_id, strlen(key->key_id)) ||
		!key->key_len || key->key_len > SKIP_KEY_MAX_BYTES ||
		(bits && key->key_len * 8 != bits) ||
		(key_id && strcasecmp(key->key_id, key_id) != 0) ||
		all_zero(key->key, key->key_len))
	{
		abort();
	}
	skip_key_destroy(key);
	return 0;
}
