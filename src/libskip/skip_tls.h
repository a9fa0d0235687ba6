/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup skip_tls skip_tls
 * @{ @ingroup libskip
 *
 * OpenSSL set-up for the TLS modes of the SKIP draft (Table 1) that libcurl
 * has no option for: external PSKs in TLS 1.3 (TLS_AES_256_GCM_SHA384) and
 * DHE-PSK in TLS 1.2.
 */

#ifndef SKIP_TLS_H_
#define SKIP_TLS_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>

/** the TLS 1.3 suite the draft requires */
#define SKIP_TLS13_SUITE "TLS_AES_256_GCM_SHA384"
/** TLS 1.2 certificate suites the draft recommends (OpenSSL names) */
#define SKIP_TLS12_CERT_SUITES "ECDHE-ECDSA-AES256-GCM-SHA384:AES256-SHA256"
/** TLS 1.2 PSK suites the draft recommends (OpenSSL names) */
#define SKIP_TLS12_PSK_SUITES "DHE-PSK-AES256-CBC-SHA384:DHE-PSK-AES256-CBC-SHA"

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
 * Build a TLS 1.3 resumption-style session carrying an external PSK for
 * TLS_AES_256_GCM_SHA384 (client and server side).
 *
 * @param ssl		connection the session is for
 * @param psk		the key
 * @return			new session (ownership passes to OpenSSL when returned
 *					from a PSK callback), NULL on failure
 */
SSL_SESSION *skip_tls_psk_session(SSL *ssl, const skip_psk_t *psk);

/**
 * Make a client SSL_CTX authenticate with a PSK: TLS 1.3 external PSK with
 * SHA-384 and TLS 1.2 PSK. Any certificate the server presents is refused,
 * so that a server ignoring the PSK cannot take over the connection.
 *
 * @param ctx		client context
 * @param psk		PSK, must outlive ctx
 * @return			false if OpenSSL failed
 */
bool skip_tls_client_use_psk(SSL_CTX *ctx, const skip_psk_t *psk);

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

#endif /** SKIP_TLS_H_ @}*/
