/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup skip_etsi_json skip_etsi_json
 * @{ @ingroup libskip
 *
 * The JSON bodies of ETSI GS QKD 014 V1.1.1 (§6) an SAE sends and receives:
 * Status, Key container, Error; Key request and Key IDs.
 *
 * Every parser validates every field it returns. Members the spec does not
 * define are ignored; the ones it defines must have its types. Duplicate
 * members are refused at every depth.
 */

#ifndef SKIP_ETSI_JSON_H_
#define SKIP_ETSI_JSON_H_

#include "skip_key.h"
#include "skip_status.h"

#include <stddef.h>
#include <stdint.h>

/**
 * A KME's answer to Get status, validated.
 */
typedef struct {
	/** KME IDs of the SAE's KME and of the peer's */
	char *source_kme_id;
	char *target_kme_id;
	/** the calling SAE as the KME knows it, and the peer */
	char *master_sae_id;
	char *slave_sae_id;
	/** default key size, bits */
	int64_t key_size;
	/** keys available now for this pair of SAEs */
	int64_t stored_key_count;
	/** most keys the KME stores for it */
	int64_t max_key_count;
	/** most keys per request */
	int64_t max_key_per_request;
	/** largest and smallest key size, bits */
	int64_t max_key_size;
	int64_t min_key_size;
	/** most additional slave SAEs, 0 without multicast */
	int64_t max_sae_id_count;
} skip_etsi_status_t;

/**
 * Parse a Get status answer.
 *
 * The ID members are strings of 1 to SKIP_SYSTEM_ID_MAX bytes without NUL;
 * a non-negative integer is accepted too and kept in decimal (KMEs with
 * integer SAE IDs). The integers are non-negative, min_key_size <= key_size
 * <= max_key_size; status_extension, if present, is an object.
 *
 * @param body		response body, not necessarily NUL-terminated
 * @param len		length of body
 * @param out		receives the status, free with skip_etsi_status_destroy()
 * @param err		receives the reason on failure (may be NULL)
 * @return			SKIP_OK or SKIP_ERR_PROTOCOL/SKIP_ERR_NOMEM
 */
skip_status_t skip_etsi_json_parse_status(const char *body, size_t len,
										  skip_etsi_status_t **out,
										  skip_error_t *err);

/**
 * Free a status (NULL is accepted).
 */
void skip_etsi_status_destroy(skip_etsi_status_t *status);

/**
 * Parse a Key container (answer of enc_keys and dec_keys) holding exactly
 * one key: "keys" an array of one object, its key_ID valid for
 * skip_etsi_key_id_valid() (and byte-exact the one asked for, if given),
 * its key canonical base64 of the expected size, not all zeros.
 *
 * Every copy of the key is wiped (json-c's strings and token buffer), as
 * skip_json_parse_key() does.
 *
 * @param body		response body
 * @param len		length of body
 * @param key_bits	expected key size in bits, 0 to accept any size from
 *					SKIP_ETSI_MIN_KEY_BITS up to SKIP_KEY_MAX_BYTES bytes
 * @param key_id	key_ID the answer must carry, NULL to accept any
 * @param out		receives the key, free with skip_key_destroy()
 * @param err		receives the reason on failure (may be NULL)
 * @return			SKIP_OK or SKIP_ERR_PROTOCOL/SKIP_ERR_NOMEM
 */
skip_status_t skip_etsi_json_parse_keys(const char *body, size_t len,
										unsigned key_bits, const char *key_id,
										skip_key_t **out, skip_error_t *err);

/** smallest key accepted when any size is (same as SKIP_MIN_KEY_BITS) */
#define SKIP_ETSI_MIN_KEY_BITS 128

/**
 * The message of a KME's error body, escaped with skip_escape() and cut to
 * fit: "message" (Error, §6.5), else FastAPI's "detail" (a string, or the
 * "msg" of its first entry), else an empty string.
 *
 * @param body		response body (may be NULL)
 * @param len		length of body
 * @param out		receives the escaped message or an empty string
 * @param out_len	size of out
 */
void skip_etsi_json_error_message(const char *body, size_t len, char *out,
								  size_t out_len);

/**
 * Whether an error message says that the keys asked for are not on the
 * KME (§6.5: "one or more keys specified are not found on KME"; any
 * message containing "not found", in any case).
 */
bool skip_etsi_json_not_found(const char *message);

/**
 * Key request body of enc_keys: {"number":1,"size":BITS}, without "size"
 * for 0 (the KME's default).
 *
 * @param bits		key size in bits, 0 for the default
 * @param len		receives the length of the body (no NUL is added)
 * @return			malloc()ed body, NULL if out of memory
 */
char *skip_etsi_json_key_request(unsigned bits, size_t *len);

/**
 * Key IDs body of dec_keys: {"key_IDs":[{"key_ID":"ID"}]} (objects, not
 * strings, as the spec and most KMEs want).
 *
 * @param key_id	validated key_ID
 * @param len		receives the length of the body (no NUL is added)
 * @return			malloc()ed body, NULL if out of memory
 */
char *skip_etsi_json_key_ids_request(const char *key_id, size_t *len);

#endif /** SKIP_ETSI_JSON_H_ @}*/
