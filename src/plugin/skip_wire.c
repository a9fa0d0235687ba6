/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "skip_wire.h"

#include <string.h>

skip_wire_t skip_wire_parse_use_ppk(const uint8_t *data, size_t len,
									char sid[SKIP_SYSTEM_ID_MAX + 1])
{
	if (len == 0)
	{
		return SKIP_WIRE_EMPTY;
	}
	if (!skip_system_id_valid((const char*)data, len))
	{
		return SKIP_WIRE_INVALID;
	}
	memcpy(sid, data, len);
	sid[len] = '\0';
	return SKIP_WIRE_VALID;
}

skip_wire_t skip_wire_parse_ppk_identity(const uint8_t *data, size_t len,
										 char key_id[SKIP_KEY_ID_MAX_HEX + 1])
{
	if (len == 0)
	{
		return SKIP_WIRE_EMPTY;
	}
	if (data[0] != SKIP_PPK_ID_FIXED ||
		!skip_key_id_valid((const char*)data + 1, len - 1))
	{
		return SKIP_WIRE_INVALID;
	}
	memcpy(key_id, data + 1, len - 1);
	key_id[len - 1] = '\0';
	return SKIP_WIRE_VALID;
}

size_t skip_wire_build_ppk_identity(const char *key_id,
									uint8_t out[SKIP_PPK_IDENTITY_MAX])
{
	size_t len = strnlen(key_id, SKIP_KEY_ID_MAX_HEX + 1);

	if (!skip_key_id_valid(key_id, len))
	{
		return 0;
	}
	out[0] = SKIP_PPK_ID_FIXED;
	memcpy(out + 1, key_id, len);
	return 1 + len;
}
