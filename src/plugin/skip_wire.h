/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup skip_wire skip_wire
 * @{ @ingroup skip
 *
 * The IKEv2 notify data SKIP defines (SKIP draft §5, RFC 8784), checked
 * before anything from an unauthenticated peer is used. Free of strongSwan
 * so it can be unit-tested alone.
 */

#ifndef SKIP_WIRE_H_
#define SKIP_WIRE_H_

#include <skip_validate.h>

#include <stddef.h>
#include <stdint.h>

/** PPK_ID type of RFC 8784 that SKIP uses: the keyId follows */
#define SKIP_PPK_ID_FIXED 2

/** longest PPK_IDENTITY data SKIP produces: type byte and keyId */
#define SKIP_PPK_IDENTITY_MAX (1 + SKIP_KEY_ID_MAX_HEX)

/**
 * What a notify's data turned out to be.
 */
typedef enum {
	/** no data: a plain RFC 8784 peer, not SKIP */
	SKIP_WIRE_EMPTY,
	/** valid SKIP data, copied out */
	SKIP_WIRE_VALID,
	/** data that SKIP does not allow */
	SKIP_WIRE_INVALID,
} skip_wire_t;

/**
 * Parse the data of a USE_PPK notify: the sender's KP system ID.
 *
 * @param data		notify data
 * @param len		length of data
 * @param sid		receives the NUL-terminated system ID if valid
 */
skip_wire_t skip_wire_parse_use_ppk(const uint8_t *data, size_t len,
									char sid[SKIP_SYSTEM_ID_MAX + 1]);

/**
 * Parse the data of a PPK_IDENTITY notify: PPK_ID_FIXED and a keyId.
 *
 * @param data		notify data
 * @param len		length of data
 * @param key_id	receives the NUL-terminated keyId if valid
 */
skip_wire_t skip_wire_parse_ppk_identity(const uint8_t *data, size_t len,
										 char key_id[SKIP_KEY_ID_MAX_HEX + 1]);

/**
 * Build the data of a PPK_IDENTITY notify for a keyId.
 *
 * @param key_id	valid keyId
 * @param out		receives the data
 * @return			length of the data, 0 if key_id is not valid
 */
size_t skip_wire_build_ppk_identity(const char *key_id,
									uint8_t out[SKIP_PPK_IDENTITY_MAX]);

#endif /** SKIP_WIRE_H_ @}*/
