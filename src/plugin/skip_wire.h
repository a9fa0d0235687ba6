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

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** PPK_ID type of RFC 8784 that SKIP uses: the keyId follows */
#define SKIP_PPK_ID_FIXED 2

/** longest PPK_IDENTITY data SKIP produces: type byte and keyId */
#define SKIP_PPK_IDENTITY_MAX (1 + SKIP_KEY_ID_MAX_HEX)

/** longest keyId accepted as raw bytes after the type byte */
#define SKIP_KEY_ID_MAX_RAW (SKIP_KEY_ID_MAX_HEX / 2)

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
 * How the key IDs of a key source look as text, as they travel in
 * PPK_IDENTITY (NULL: SKIP's hex keyIds).
 *
 * @param ctx		context given with the rule
 * @return			TRUE if len bytes at s form such a key ID
 */
typedef bool (*skip_key_id_rule_t)(void *ctx, const char *s, size_t len);

/**
 * Parse the data of a USE_PPK notify: the sender's KP system ID, 1 to
 * SKIP_SYSTEM_ID_MAX bytes without NUL (escape it with skip_escape() before
 * logging it). Empty data is a plain RFC 8784 peer.
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
 * The draft's "PPK_ID_FIXED followed by keyId" is read two ways. Data after
 * the type byte that is a valid keyId text (even-length hex) is taken byte
 * for byte, case kept. Otherwise 1 to SKIP_KEY_ID_MAX_RAW bytes are taken
 * as the keyId's raw bytes and hex-encoded (lowercase), so that the keyId
 * asked from the KP is hex in either case.
 *
 * @param data		notify data
 * @param len		length of data
 * @param key_id	receives the NUL-terminated keyId if valid
 * @param raw		receives whether the keyId came as raw bytes (may be NULL)
 */
skip_wire_t skip_wire_parse_ppk_identity_ex(const uint8_t *data, size_t len,
										char key_id[SKIP_KEY_ID_MAX_HEX + 1],
										bool *raw);

/**
 * Parse the data of a PPK_IDENTITY notify for a key source whose key IDs
 * follow a rule: text the rule accepts is taken byte-exact, other data as
 * raw bytes (hex-encoded, as skip_wire_parse_ppk_identity_ex()).
 *
 * @param rule		key ID rule, NULL for SKIP's hex keyIds
 * @param ctx		context of rule
 */
skip_wire_t skip_wire_parse_ppk_identity_rule(const uint8_t *data, size_t len,
										skip_key_id_rule_t rule, void *ctx,
										char key_id[SKIP_KEY_ID_MAX_HEX + 1],
										bool *raw);

/**
 * skip_wire_parse_ppk_identity_ex() for callers that need not know the form.
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

/**
 * Build the data of a PPK_IDENTITY notify for a key ID that follows a rule
 * (the text, byte-exact).
 *
 * @param rule		key ID rule, NULL for SKIP's hex keyIds
 * @param ctx		context of rule
 * @return			length of the data, 0 if key_id does not follow the rule
 */
size_t skip_wire_build_ppk_identity_rule(const char *key_id,
										 skip_key_id_rule_t rule, void *ctx,
										 uint8_t out[SKIP_PPK_IDENTITY_MAX]);

/**
 * Build the data of a PPK_IDENTITY notify carrying the keyId's raw bytes
 * (PPK_ID_FIXED and the hex-decoded keyId), for peers that read the draft
 * that way.
 *
 * A keyId whose bytes are all hex digit characters is refused: the peer
 * would read them as a keyId text. The caller sends the text form then.
 *
 * @param key_id	valid keyId
 * @param out		receives the data
 * @return			length of the data, 0 if key_id is not valid or its bytes
 *					would read as a keyId text
 */
size_t skip_wire_build_ppk_identity_raw(const char *key_id,
										uint8_t out[SKIP_PPK_IDENTITY_MAX]);

#endif /** SKIP_WIRE_H_ @}*/
