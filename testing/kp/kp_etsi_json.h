/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * Wire formats of ETSI GS QKD 014 V1.1.1 (§6) as the KP reads and writes
 * them: the key request (POST body or GET query of enc_keys), the key IDs
 * (POST body or GET query of dec_keys), key containers, errors, and
 * key_IDs as UUID text of the store's 128-bit keyIds.
 */

#ifndef KP_ETSI_JSON_H_
#define KP_ETSI_JSON_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

/** length of a key_ID (8-4-4-4-12) */
#define KP_ETSI_UUID_LEN 36
/** length of the keyId behind a key_ID (128 bit, hex) */
#define KP_ETSI_KEY_ID_HEX 32
/** largest request body of the ETSI API */
#define KP_ETSI_BODY_MAX 4096

/** the spec's 400 messages (§7, Table 4 and 5) */
#define KP_ETSI_ERR_SIZE "size shall be a multiple of 8"
#define KP_ETSI_ERR_EXTENSION \
	"not all extension_mandatory parameters are supported"
#define KP_ETSI_ERR_NOT_FOUND "one or more keys specified are not found on KME"

/**
 * Limits of a key request.
 */
typedef struct {
	/** key size if none is asked for, smallest, largest (bits) */
	unsigned key_size;
	unsigned min_size;
	unsigned max_size;
	/** most keys in one request */
	unsigned max_keys;
} kp_etsi_limits_t;

/**
 * A parsed key request.
 */
typedef struct {
	unsigned number;
	/** bits */
	unsigned size;
} kp_etsi_key_req_t;

/**
 * Parse the key request of enc_keys: a JSON body (POST; empty for {}) or
 * the query (GET, only number and size).
 *
 * @param body		POST body, NULL for GET
 * @param query		GET query, NULL if none
 * @return			NULL if valid, else the message of the 400 answer
 */
const char *kp_etsi_parse_key_request(const char *body, size_t len,
									  const char *query,
									  const kp_etsi_limits_t *limits,
									  kp_etsi_key_req_t *req);

/**
 * Parse the key IDs of dec_keys: a JSON body (POST; objects with
 * "key_ID", or bare strings as some KMEs accepted) or the query (GET, one
 * key_ID). Each comes back as its 128-bit keyId, lowercase hex.
 *
 * @param body		POST body, NULL for GET
 * @param query		GET query, NULL if none
 * @param ids		receives up to max keyIds
 * @param count		receives their number
 * @return			NULL if valid, else the message of the 400 answer
 */
const char *kp_etsi_parse_key_ids(const char *body, size_t len,
								  const char *query,
								  char ids[][KP_ETSI_KEY_ID_HEX + 1],
								  size_t max, size_t *count);

/**
 * key_ID text of a 128-bit keyId: lowercase 8-4-4-4-12.
 *
 * @param key_id	32 hex digits, either case
 * @param uuid		receives KP_ETSI_UUID_LEN + 1 bytes
 * @return			false if key_id is not 32 hex digits
 */
bool kp_etsi_uuid(const char *key_id, char *uuid);

/**
 * The keyId of a key_ID (8-4-4-4-12 hex, either case).
 *
 * @param key_id	receives KP_ETSI_KEY_ID_HEX + 1 bytes, lowercase
 * @return			false if uuid is not in that shape
 */
bool kp_etsi_key_id(const char *uuid, size_t len, char *key_id);

/**
 * A key of a key container: {"key_ID": ..., "key": <base64>}.
 */
json_object *kp_etsi_key_json(const char *uuid, const uint8_t *key,
							  size_t len);

/**
 * An Error: {"message": ...}.
 */
json_object *kp_etsi_error_json(const char *message);

#endif /* KP_ETSI_JSON_H_ */
