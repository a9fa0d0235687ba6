/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "kp_tls.h"
#include "kp_log.h"

#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509.h>

static void log_ssl_error(const char *what)
{
	char buf[256];

	ERR_error_string_n(ERR_get_error(), buf, sizeof(buf));
	kp_log(KP_LOG_ERROR, "%s: %s", what, buf);
}

static const kp_tls_server_t *get_settings(SSL *ssl)
{
	return SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl));
}

/**
 * TLS 1.3: the client offered an external PSK identity. The identity is
 * kept in the session for authorization (it survives ticket resumption).
 * An unknown identity falls back to a certificate handshake.
 */
static int find_session_cb(SSL *ssl, const unsigned char *identity,
						   size_t identity_len, SSL_SESSION **sess)
{
	const kp_tls_server_t *settings = get_settings(ssl);
	char name[SKIP_PSK_IDENTITY_MAX + 1];
	const skip_psk_t *psk;
	SSL_SESSION *session;

	*sess = NULL;
	if (identity_len > SKIP_PSK_IDENTITY_MAX || !settings->lookup)
	{
		return 1;
	}
	memcpy(name, identity, identity_len);
	name[identity_len] = '\0';
	psk = settings->lookup(settings->lookup_ctx, name);
	if (!psk)
	{
		kp_log(KP_LOG_DEBUG, "unknown PSK identity offered (%zu bytes)",
			   identity_len);
		return 1;
	}
	session = skip_tls_psk_session(ssl, psk);
	if (!session ||
		!SSL_SESSION_set1_ticket_appdata(session, name, identity_len))
	{
		SSL_SESSION_free(session);
		return 0;
	}
	*sess = session;
	return 1;
}

/**
 * TLS 1.2: the classic PSK callback (DHE-PSK suites).
 */
static unsigned int psk_server_cb(SSL *ssl, const char *identity,
								  unsigned char *key, unsigned int max_key_len)
{
	const kp_tls_server_t *settings = get_settings(ssl);
	const skip_psk_t *psk;

	if (!settings->lookup || !identity)
	{
		return 0;
	}
	psk = settings->lookup(settings->lookup_ctx, identity);
	if (!psk || psk->len > max_key_len)
	{
		return 0;
	}
	memcpy(key, psk->key, psk->len);
	return (unsigned int)psk->len;
}

static bool configure_versions(SSL_CTX *ctx, int min, int max,
							   const char *tls12_ciphers)
{
	if (!SSL_CTX_set_min_proto_version(ctx, min) ||
		!SSL_CTX_set_max_proto_version(ctx, max) ||
		!SSL_CTX_set_ciphersuites(ctx, SKIP_TLS13_SUITE))
	{
		return false;
	}
	/* nothing but the draft's suites, also when TLS 1.2 is off (then the
	 * list only keeps OpenSSL's TLS 1.2 defaults out of the ClientHello) */
	if (!SSL_CTX_set_cipher_list(ctx, tls12_ciphers ?: SKIP_TLS12_PSK_SUITES))
	{
		return false;
	}
	SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION |
						SSL_OP_CIPHER_SERVER_PREFERENCE);
	return true;
}

SSL_CTX *kp_tls_server_create(const kp_tls_server_t *settings)
{
	SSL_CTX *ctx;
	size_t i;

	ctx = SSL_CTX_new(TLS_server_method());
	if (!ctx || !configure_versions(ctx, settings->tls_min, settings->tls_max,
									settings->tls12_ciphers))
	{
		log_ssl_error("TLS server setup failed");
		SSL_CTX_free(ctx);
		return NULL;
	}
	SSL_CTX_set_app_data(ctx, (void*)settings);
	/* required with client verification, or PSK "resumptions" fail */
	SSL_CTX_set_session_id_context(ctx, (const unsigned char*)"skip-kp", 7);
	for (i = 0; i < settings->cert_count; i++)
	{	/* OpenSSL keeps one certificate per key type (EC, RSA) */
		if (SSL_CTX_use_certificate_chain_file(ctx,
								settings->certs[i].cert_file) != 1 ||
			SSL_CTX_use_PrivateKey_file(ctx, settings->certs[i].key_file,
										SSL_FILETYPE_PEM) != 1 ||
			SSL_CTX_check_private_key(ctx) != 1)
		{
			log_ssl_error("loading server certificate/key failed");
			SSL_CTX_free(ctx);
			return NULL;
		}
	}
	if (settings->ca_file)
	{
		STACK_OF(X509_NAME) *names;

		if (SSL_CTX_load_verify_locations(ctx, settings->ca_file, NULL) != 1)
		{
			log_ssl_error("loading client CA failed");
			SSL_CTX_free(ctx);
			return NULL;
		}
		names = SSL_load_client_CA_file(settings->ca_file);
		if (names)
		{
			SSL_CTX_set_client_CA_list(ctx, names);
		}
		/* ask for a certificate; PSK clients send none and are authorized
		 * by their PSK identity instead */
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	}
	if (settings->lookup)
	{
		SSL_CTX_set_psk_find_session_callback(ctx, find_session_cb);
		SSL_CTX_set_psk_server_callback(ctx, psk_server_cb);
		if (settings->tls_min <= TLS1_2_VERSION)
		{	/* DHE-PSK */
			SSL_CTX_set_dh_auto(ctx, 1);
		}
	}
	return ctx;
}

SSL_CTX *kp_tls_psk_client_create(const skip_psk_t *psk)
{
	SSL_CTX *ctx;

	ctx = SSL_CTX_new(TLS_client_method());
	if (!ctx || !configure_versions(ctx, TLS1_3_VERSION, TLS1_3_VERSION,
									NULL) ||
		!skip_tls_client_use_psk(ctx, psk))
	{
		log_ssl_error("TLS client setup failed");
		SSL_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

bool kp_tls_client_identity(SSL *ssl, char *buf, size_t len)
{
	SSL_SESSION *session = SSL_get_session(ssl);
	const char *identity;
	void *data = NULL;
	size_t data_len = 0;
	X509 *cert;

	if (session &&
		SSL_SESSION_get0_ticket_appdata(session, &data, &data_len) &&
		data_len && data_len <= SKIP_PSK_IDENTITY_MAX)
	{
		snprintf(buf, len, "psk:%.*s", (int)data_len, (char*)data);
		return true;
	}
	identity = SSL_get_psk_identity(ssl);
	if (identity)
	{
		snprintf(buf, len, "psk:%s", identity);
		return true;
	}
	cert = SSL_get0_peer_certificate(ssl);
	if (cert && SSL_get_verify_result(ssl) == X509_V_OK)
	{
		char subject[256];

		X509_NAME_oneline(X509_get_subject_name(cert), subject,
						  sizeof(subject));
		snprintf(buf, len, "cert:%s", subject);
		return true;
	}
	return false;
}
