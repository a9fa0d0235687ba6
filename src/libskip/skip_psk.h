/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup skip_psk skip_psk
 * @{ @ingroup libskip
 *
 * The external PSK that authenticates a KP in PSK mode, and reading it from
 * the hex text of a PSK file.
 */

#ifndef SKIP_PSK_H_
#define SKIP_PSK_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** longest PSK identity accepted */
#define SKIP_PSK_IDENTITY_MAX 128
/** shortest and longest PSK accepted, in bytes */
#define SKIP_PSK_MIN 16
#define SKIP_PSK_MAX 64

/**
 * An external PSK and its identity.
 */
typedef struct {
	/** identity sent in the clear, NUL-terminated */
	char identity[SKIP_PSK_IDENTITY_MAX + 1];
	/** the key */
	uint8_t key[SKIP_PSK_MAX];
	/** length of key */
	size_t len;
} skip_psk_t;

/**
 * Parse a PSK given hex-encoded (an optional 0x prefix and surrounding white
 * space are accepted).
 *
 * @param text		the hex text, not necessarily NUL-terminated
 * @param len		length of text
 * @param identity	identity to store with the key
 * @param psk		receives identity and key; wipe it after use
 * @param errbuf	receives the reason on failure
 * @param errlen	size of errbuf
 * @return			true on success
 */
bool skip_psk_parse(const char *text, size_t len, const char *identity,
					skip_psk_t *psk, char *errbuf, size_t errlen);

/**
 * Read a PSK from a file holding it hex-encoded (an optional 0x prefix and
 * surrounding white space are accepted).
 *
 * @param path		file to read
 * @param identity	identity to store with the key
 * @param psk		receives identity and key; wipe it after use
 * @param errbuf	receives the reason on failure
 * @param errlen	size of errbuf
 * @return			true on success
 */
bool skip_psk_load(const char *path, const char *identity, skip_psk_t *psk,
				   char *errbuf, size_t errlen);

#endif /** SKIP_PSK_H_ @}*/
