/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * libFuzzer target: the data of USE_PPK and PPK_IDENTITY notifies from an
 * unauthenticated IKE peer. What is accepted must be a valid system ID or
 * keyId, copied exactly (a keyId in raw bytes: hex-encoded), and survive a
 * round trip.
 */

#include <skip_wire.h>

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char sid[SKIP_SYSTEM_ID_MAX + 1], key_id[SKIP_KEY_ID_MAX_HEX + 1];
	char hex[SKIP_KEY_ID_MAX_HEX + 1];
	uint8_t built[SKIP_PPK_IDENTITY_MAX];
	size_t len;
	bool raw;

	switch (skip_wire_parse_use_ppk(data, size, sid))
	{
		case SKIP_WIRE_VALID:
			if (strlen(sid) != size || memcmp(sid, data, size) ||
				!skip_system_id_valid(sid, size))
			{
				abort();
			}
			break;
		case SKIP_WIRE_EMPTY:
			if (size)
			{
				abort();
			}
			break;
		case SKIP_WIRE_INVALID:
			break;
	}
	switch (skip_wire_parse_ppk_identity_ex(data, size, key_id, &raw))
	{
		case SKIP_WIRE_VALID:
			if (!skip_key_id_valid(key_id, strlen(key_id)))
			{
				abort();
			}
			if (!raw)
			{
				len = skip_wire_build_ppk_identity(key_id, built);
				if (len != size || memcmp(built, data, size))
				{
					abort();
				}
				break;
			}
			/* the raw bytes, hex-encoded; built raw again, they come back
			 * unless they read as a keyId text */
			skip_hex_encode(data + 1, size - 1, hex);
			if (size < 2 || size - 1 > SKIP_KEY_ID_MAX_RAW ||
				strcmp(hex, key_id) ||
				skip_key_id_valid((const char*)data + 1, size - 1))
			{
				abort();
			}
			len = skip_wire_build_ppk_identity_raw(key_id, built);
			if (len != size || memcmp(built, data, size))
			{
				abort();
			}
			break;
		case SKIP_WIRE_EMPTY:
			if (size)
			{
				abort();
			}
			break;
		case SKIP_WIRE_INVALID:
			break;
	}
	return 0;
}
