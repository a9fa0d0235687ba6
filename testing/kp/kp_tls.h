/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * TLS contexts of the Key Provider (SKIP draft, Table 1): one server
 * context serving certificate and PSK clients on one port, TLS 1.3 with
 * TLS_AES_256_GCM_SHA384 and/or the draft's TLS 1.2 suites (certificate
 * suites and DHE-PSK suites, each selectable).
 */

#ifndef KP_TLS_H_
#define KP_TLS_H_

#include "kp_config.h"

#include <skip_tls.h>

#include <stdbool.h>
#include <stddef.h>

#include <openssl/ssl.h>

/**
 * Look up the PSK of a client by identity; NULL if unknown.
 */
typedef const skip_psk_t *(*kp_psk_lookup_t)(void *ctx, const char *identity);

/**
 * Server context settings.
 */
typedef struct {
	/** server certificates and keys (PEM files), none for PSK only */
	const kp_cert_t *certs;
	size_t cert_count;
	/** CA to verify client certificates with, NULL for none */
	const char *ca_file;
	/** lowest and highest TLS version (TLS1_2_VERSION, TLS1_3_VERSION) */
	int tls_min;
	int tls_max;
	/** TLS 1.2 suites, ':'-separated OpenSSL names */
	const char *tls12_ciphers;
	/** PSK lookup, NULL for certificates only */
	kp_psk_lookup_t lookup;
	void *lookup_ctx;
} kp_tls_server_t;

/**
 * Create a server context; logs and returns NULL on error.
 * The kp_tls_server_t must outlive the context.
 */
SSL_CTX *kp_tls_server_create(const kp_tls_server_t *settings);

/**
 * Create a client context that authenticates with a PSK only (TLS 1.3,
 * TLS_AES_256_GCM_SHA384), refusing server certificates.
 * The PSK must outlive the context.
 */
SSL_CTX *kp_tls_psk_client_create(const skip_psk_t *psk);

/**
 * Who is on the other end of an established server connection: the PSK
 * identity, or the subject of a verified client certificate.
 *
 * @param ssl		connection
 * @param buf		receives the identity
 * @param len		size of buf
 * @return			false if the client is not authenticated
 */
bool kp_tls_client_identity(SSL *ssl, char *buf, size_t len);

#endif /* KP_TLS_H_ */
