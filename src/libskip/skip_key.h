/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup skip_key skip_key
 * @{ @ingroup libskip
 *
 * Secrets delivered by a KP (keys, entropy), wiped when destroyed.
 */

#ifndef SKIP_KEY_H_
#define SKIP_KEY_H_

#include "skip_validate.h"

#include <stddef.h>
#include <stdint.h>

/**
 * A key and its identifier, as delivered by GET /key or GET /key/{keyId}.
 */
typedef struct {
	/** keyId exactly as the KP sent it (hex, case kept), NUL-terminated */
	char key_id[SKIP_KEY_ID_MAX_HEX + 1];
	/** the key bytes */
	uint8_t *key;
	/** length of key in bytes */
	size_t key_len;
} skip_key_t;

/**
 * Random bytes delivered by GET /entropy.
 */
typedef struct {
	/** the random bytes */
	uint8_t *random;
	/** length of random in bytes */
	size_t len;
	/** the "minentropy" value of the answer, in bits */
	unsigned min_entropy;
} skip_entropy_t;

/**
 * Overwrite memory in a way the compiler does not optimize away.
 */
void skip_memwipe(void *ptr, size_t len);

/**
 * Wipe and free a key (NULL is accepted).
 */
void skip_key_destroy(skip_key_t *key);

/**
 * Wipe and free entropy (NULL is accepted).
 */
void skip_entropy_destroy(skip_entropy_t *entropy);

#endif /** SKIP_KEY_H_ @}*/
