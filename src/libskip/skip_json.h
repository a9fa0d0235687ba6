/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup skip_json skip_json
 * @{ @ingroup libskip
 *
 * Parsers for the JSON bodies a KP sends (SKIP draft, Figures 3-8).
 *
 * Every parser validates every field it returns: JSON types, lengths, hex
 * encoding and the relations between fields. Unknown extra fields are
 * ignored, so that a KP may extend its answers.
 */

#ifndef SKIP_JSON_H_
#define SKIP_JSON_H_

#include "skip_capabilities.h"
#include "skip_config.h"
#include "skip_key.h"
#include "skip_status.h"

#include <stddef.h>

#include <json-c/json.h>

/**
 * Largest JSON body accepted from a KP.
 */
#define SKIP_JSON_BODY_MAX (64 * 1024)

/**
 * Largest entropy answer accepted, in bytes.
 */
#define SKIP_ENTROPY_MAX_BYTES 4096

/**
 * Parse a GET /capabilities answer.
 *
 * A remoteSystemID entry the client cannot use (not a string, empty, longer
 * than SKIP_SYSTEM_ID_MAX, containing NUL) is left out and logged; the
 * answer is refused only if no entry is left.
 *
 * @param body		response body, not necessarily NUL-terminated
 * @param len		length of body
 * @param log		log callback for entries left out (may be NULL)
 * @param log_ctx	context passed to log
 * @param out		receives the capabilities, free with
 *					skip_capabilities_destroy()
 * @param err		receives the reason on failure (may be NULL)
 * @return			SKIP_OK or SKIP_ERR_PROTOCOL/SKIP_ERR_NOMEM
 */
skip_status_t skip_json_parse_capabilities(const char *body, size_t len,
										   skip_log_t log, void *log_ctx,
										   skip_capabilities_t **out,
										   skip_error_t *err);

/**
 * Parse a GET /key or GET /key/{keyId} answer.
 *
 * Every copy of the key json-c makes is wiped (its token buffer, the string
 * values, on success and failure), except the value of a duplicate member
 * json-c replaced while parsing (such an answer is refused): json-c frees
 * it without a way to reach it first.
 *
 * @param body		response body
 * @param len		length of body
 * @param key_bits	expected key size in bits, 0 to accept any size
 * @param key_id	keyId the answer must carry (hex, compared without regard
 *					to case), NULL to accept any
 * @param out		receives the key, free with skip_key_destroy()
 * @param err		receives the reason on failure (may be NULL)
 * @return			SKIP_OK or SKIP_ERR_PROTOCOL/SKIP_ERR_NOMEM
 */
skip_status_t skip_json_parse_key(const char *body, size_t len,
								  unsigned key_bits, const char *key_id,
								  skip_key_t **out, skip_error_t *err);

/**
 * Parse a GET /entropy answer.
 *
 * @param body		response body
 * @param len		length of body
 * @param min_bits	entropy requested in bits, 0 for the KP's default
 * @param out		receives the entropy, free with skip_entropy_destroy()
 * @param err		receives the reason on failure (may be NULL)
 * @return			SKIP_OK or SKIP_ERR_PROTOCOL/SKIP_ERR_NOMEM
 */
skip_status_t skip_json_parse_entropy(const char *body, size_t len,
									  unsigned min_bits,
									  skip_entropy_t **out, skip_error_t *err);

/**
 * Parse a JSON object strictly: size-bounded, no NUL bytes, strict syntax,
 * bounded nesting, nothing but white space after it, no duplicate members.
 * json-c's token buffer is wiped (it may hold a key).
 *
 * @param body		the text, not necessarily NUL-terminated
 * @param len		length of body
 * @param max_len	largest body accepted
 * @param max_depth	deepest nesting accepted
 * @param err		receives the reason on failure (may be NULL)
 * @return			the object, NULL on failure; release it with
 *					skip_json_put_wiped() if it may hold key material
 */
json_object *skip_json_parse_object(const char *body, size_t len,
									size_t max_len, int max_depth,
									skip_error_t *err);

/**
 * Parse a JSON object as skip_json_parse_object() does, for bodies with
 * nested objects: duplicate members are refused at every depth.
 *
 * @param body		the text, not necessarily NUL-terminated
 * @param len		length of body
 * @param max_len	largest body accepted
 * @param max_depth	deepest nesting accepted, at most SKIP_JSON_DEPTH_MAX
 * @param err		receives the reason on failure (may be NULL)
 * @return			the object, NULL on failure
 */
json_object *skip_json_parse_nested(const char *body, size_t len,
									size_t max_len, int max_depth,
									skip_error_t *err);

/** deepest nesting skip_json_parse_nested() accepts */
#define SKIP_JSON_DEPTH_MAX 32

/**
 * A string member of an object, refusing strings with embedded NUL (\u0000).
 *
 * @param obj		object
 * @param name		member name
 * @param len		receives the length of the string
 * @param err		receives the reason on failure (may be NULL)
 * @return			the string (owned by obj), NULL if missing or no string
 */
const char *skip_json_get_string(json_object *obj, const char *name,
								 size_t *len, skip_error_t *err);

/**
 * Wipe every string in a JSON value (recursively) and release it: JSON
 * holding key material must not leave copies behind.
 */
void skip_json_put_wiped(json_object *obj);

/**
 * Serialize a JSON value holding key material into a new buffer, wipe the
 * serialization json-c kept and release the value with skip_json_put_wiped().
 *
 * @param obj		value, released in any case
 * @param len		receives the length of the text (no NUL is added)
 * @return			malloc()ed text to wipe after use, NULL if out of memory
 */
char *skip_json_to_secret_string(json_object *obj, size_t *len);

/**
 * Extract the "message" of a KP's JSON error body, if it has a printable one.
 *
 * @param body		response body
 * @param len		length of body
 * @param out		receives the message or an empty string
 * @param out_len	size of out
 */
void skip_json_error_message(const char *body, size_t len, char *out,
							 size_t out_len);

#endif /** SKIP_JSON_H_ @}*/
