/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * libFuzzer target: the ETSI GS QKD 014 bodies a KME sends. The first input
 * byte chooses the parser (bits 0-1: status, key container, error message),
 * the expected key size (bits 2-3) and whether a key_ID is expected (bit 4).
 */

#include <skip_etsi_json.h>
#include <skip_validate.h>

#include <stdlib.h>
#include <string.h>

#define UUID "bc490419-7d60-487f-adc1-4ddcc177c139"

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

static void status(const char *body, size_t len)
{
	skip_etsi_status_t *status = NULL;
	skip_error_t err = {};

	if (skip_etsi_json_parse_status(body, len, &status, &err) != SKIP_OK)
	{
		if (status || !err.detail[0])
		{
			abort();
		}
		return;
	}
	if (!status->source_kme_id[0] || !status->target_kme_id[0] ||
		!status->master_sae_id[0] || !status->slave_sae_id[0] ||
		status->key_size <= 0 || status->stored_key_count < 0 ||
		status->max_key_count < 0 || status->max_key_per_request < 0 ||
		status->min_key_size > status->key_size ||
		status->key_size > status->max_key_size ||
		status->max_sae_id_count < 0)
	{
		abort();
	}
	skip_etsi_status_destroy(status);
}

static void keys(const char *body, size_t len, unsigned bits,
				 const char *key_id)
{
	skip_key_t *key = NULL;
	skip_error_t err = {};

	if (skip_etsi_json_parse_keys(body, len, bits, key_id, &key,
								  &err) != SKIP_OK)
	{
		if (key || !err.detail[0])
		{
			abort();
		}
		return;
	}
	if (!skip_etsi_key_id_valid(key->key_id, strlen(key->key_id)) ||
		!key->key_len || key->key_len > SKIP_KEY_MAX_BYTES ||
		(bits && key->key_len * 8 != bits) ||
		(!bits && key->key_len * 8 < SKIP_ETSI_MIN_KEY_BITS) ||
		(key_id && strcmp(key->key_id, key_id) != 0) ||
		all_zero(key->key, key->key_len))
	{
		abort();
	}
	skip_key_destroy(key);
}

static void error_message(const char *body, size_t len)
{
	char out[64];
	size_t i;

	skip_etsi_json_error_message(body, len, out, sizeof(out));
	if (strlen(out) >= sizeof(out))
	{
		abort();
	}
	/* escaped: printable only, safe for a log line */
	for (i = 0; out[i]; i++)
	{
		if (out[i] < 0x20 || out[i] > 0x7e)
		{
			abort();
		}
	}
	skip_etsi_json_not_found(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned sizes[] = { 0, 128, 256, 512 };
	const char *body = (const char*)data + 1;

	if (size < 1)
	{
		return 0;
	}
	switch (data[0] & 3)
	{
		case 0:
			status(body, size - 1);
			break;
		case 1:
		case 3:
			keys(body, size - 1, sizes[(data[0] >> 2) & 3],
				 data[0] & 0x10 ? UUID : NULL);
			break;
		default:
			error_message(body, size - 1);
			break;
	}
	return 0;
}
