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

#include "skip_psk.h"

#include <openssl/ssl.h>

/** the TLS 1.3 suite the draft requires */
#define SKIP_TLS13_SUITE "TLS_AES_256_GCM_SHA384"
/** TLS 1.2 certificate suites the draft recommends (OpenSSL names) */
#define SKIP_TLS12_CERT_SUITES "ECDHE-ECDSA-AES256-GCM-SHA384:AES256-SHA256"
/** TLS 1.2 certificate suites for ETSI GS QKD 014 KMEs, which are not bound
 *  to the draft's: ECDHE with AEAD only (OpenSSL names) */
#define SKIP_TLS12_ETSI_SUITES "ECDHE-ECDSA-AES256-GCM-SHA384:" \
	"ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:" \
	"ECDHE-RSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-GCM-SHA256:" \
	"ECDHE-RSA-AES128-GCM-SHA256"
/** TLS 1.2 PSK suites the draft recommends (OpenSSL names) */
#define SKIP_TLS12_PSK_SUITES "DHE-PSK-AES256-CBC-SHA384:DHE-PSK-AES256-CBC-SHA"

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
 * Called with every client SSL_CTX libskip has set up, NULL for none. For
 * tests only: lets them observe the context's settings.
 */
extern void (*skip_tls_client_ctx_hook)(SSL_CTX *ctx);

/**
 * Settings of every client SSL_CTX, in both TLS modes: OpenSSL wipes the
 * plaintext of records (key bodies) from its buffers once read.
 *
 * @param ctx		client context
 * @return			false if OpenSSL failed
 */
bool skip_tls_client_setup(SSL_CTX *ctx);

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

#endif /** SKIP_TLS_H_ @}*/
