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

/**
 * Whether a key ID follows a rule, SKIP's by default.
 */
static bool follows(skip_key_id_rule_t rule, void *ctx, const char *s,
					size_t len)
{
	if (len > SKIP_KEY_ID_MAX_HEX)
	{
		return false;
	}
	return rule ? rule(ctx, s, len) : skip_key_id_valid(s, len);
}

skip_wire_t skip_wire_parse_ppk_identity_ex(const uint8_t *data, size_t len,
										char key_id[SKIP_KEY_ID_MAX_HEX + 1],
										bool *raw)
{
	return skip_wire_parse_ppk_identity_rule(data, len, NULL, NULL, key_id,
											 raw);
}

skip_wire_t skip_wire_parse_ppk_identity_rule(const uint8_t *data, size_t len,
										skip_key_id_rule_t rule, void *ctx,
										char key_id[SKIP_KEY_ID_MAX_HEX + 1],
										bool *raw)
{
	if (raw)
	{
		*raw = false;
	}
	if (len == 0)
	{
		return SKIP_WIRE_EMPTY;
	}
	if (data[0] != SKIP_PPK_ID_FIXED || len == 1)
	{
		return SKIP_WIRE_INVALID;
	}
	data++;
	len--;
	if (follows(rule, ctx, (const char*)data, len))
	{	/* the form the source issued: keep it byte for byte */
		memcpy(key_id, data, len);
		key_id[len] = '\0';
		return SKIP_WIRE_VALID;
	}
	if (len > SKIP_KEY_ID_MAX_RAW)
	{
		return SKIP_WIRE_INVALID;
	}
	/* hex-encoded, the bytes are safe in a URL path and a log line */
	skip_hex_encode(data, len, key_id);
	if (raw)
	{
		*raw = true;
	}
	return SKIP_WIRE_VALID;
}

skip_wire_t skip_wire_parse_ppk_identity(const uint8_t *data, size_t len,
										 char key_id[SKIP_KEY_ID_MAX_HEX + 1])
{
	return skip_wire_parse_ppk_identity_ex(data, len, key_id, NULL);
}

size_t skip_wire_build_ppk_identity(const char *key_id,
									uint8_t out[SKIP_PPK_IDENTITY_MAX])
{
	return skip_wire_build_ppk_identity_rule(key_id, NULL, NULL, out);
}

size_t skip_wire_build_ppk_identity_rule(const char *key_id,
										 skip_key_id_rule_t rule, void *ctx,
										 uint8_t out[SKIP_PPK_IDENTITY_MAX])
{
	size_t len = strnlen(key_id, SKIP_KEY_ID_MAX_HEX + 1);

	if (!follows(rule, ctx, key_id, len))
	{
		return 0;
	}
	out[0] = SKIP_PPK_ID_FIXED;
	memcpy(out + 1, key_id, len);
	return 1 + len;
}

size_t skip_wire_build_ppk_identity_raw(const char *key_id,
										uint8_t out[SKIP_PPK_IDENTITY_MAX])
{
	size_t len = strnlen(key_id, SKIP_KEY_ID_MAX_HEX + 1);

	if (!skip_key_id_valid(key_id, len) ||
		!skip_hex_decode(key_id, len, out + 1))
	{
		return 0;
	}
	if (skip_key_id_valid((const char*)out + 1, len / 2))
	{	/* the peer would take these bytes for a keyId text */
		return 0;
	}
	out[0] = SKIP_PPK_ID_FIXED;
	return 1 + len / 2;
}
