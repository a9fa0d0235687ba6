/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "skip_tls.h"

#include <pthread.h>
#include <string.h>

#include <openssl/evp.h>

/** TLS_AES_256_GCM_SHA384 on the wire */
static const unsigned char tls13_aes256_gcm_sha384[] = { 0x13, 0x02 };

/** SSL_CTX ex_data slot holding the skip_psk_t of a client context */
static int psk_index = -1;
static pthread_once_t psk_index_once = PTHREAD_ONCE_INIT;

static void psk_index_init(void)
{
	psk_index = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, NULL);
}

static const skip_psk_t *get_psk(SSL *ssl)
{
	return SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), psk_index);
}

SSL_SESSION *skip_tls_psk_session(SSL *ssl, const skip_psk_t *psk)
{
	const SSL_CIPHER *cipher;
	SSL_SESSION *session;

	cipher = SSL_CIPHER_find(ssl, tls13_aes256_gcm_sha384);
	if (!cipher)
	{
		return NULL;
	}
	session = SSL_SESSION_new();
	if (!session)
	{
		return NULL;
	}
	if (!SSL_SESSION_set1_master_key(session, psk->key, psk->len) ||
		!SSL_SESSION_set_cipher(session, cipher) ||
		!SSL_SESSION_set_protocol_version(session, TLS1_3_VERSION))
	{
		SSL_SESSION_free(session);
		return NULL;
	}
	return session;
}

/**
 * TLS 1.3 client: offer the external PSK. OpenSSL asks first without a
 * digest (md == NULL) and again with the digest of the suite the server
 * chose: the PSK is for SHA-384 only.
 */
static int use_session_cb(SSL *ssl, const EVP_MD *md, const unsigned char **id,
						  size_t *idlen, SSL_SESSION **sess)
{
	const skip_psk_t *psk = get_psk(ssl);

	*sess = NULL;
	if (!psk || (md && EVP_MD_get_type(md) != NID_sha384))
	{
		return 1;
	}
	/* a fresh session each time: one kept around would expire */
	*sess = skip_tls_psk_session(ssl, psk);
	if (!*sess)
	{
		return 0;
	}
	*id = (const unsigned char*)psk->identity;
	*idlen = strlen(psk->identity);
	return 1;
}

/**
 * TLS 1.2 client: the classic PSK callback (DHE-PSK suites).
 */
static unsigned int psk_client_cb(SSL *ssl, const char *hint, char *identity,
								  unsigned int max_identity_len,
								  unsigned char *key, unsigned int max_key_len)
{
	const skip_psk_t *psk = get_psk(ssl);

	(void)hint;
	if (!psk || strlen(psk->identity) + 1 > max_identity_len ||
		psk->len > max_key_len)
	{
		return 0;
	}
	memcpy(identity, psk->identity, strlen(psk->identity) + 1);
	memcpy(key, psk->key, psk->len);
	return (unsigned int)psk->len;
}

/**
 * In PSK mode the server proves itself with the PSK alone: a certificate
 * means the server ignored the PSK, and is refused.
 */
static int refuse_certificate_cb(int preverify_ok, X509_STORE_CTX *ctx)
{
	(void)preverify_ok;
	(void)ctx;
	return 0;
}

void (*skip_tls_client_ctx_hook)(SSL_CTX *ctx) = NULL;

bool skip_tls_client_setup(SSL_CTX *ctx)
{
#ifdef SSL_OP_CLEANSE_PLAINTEXT
	/* decrypted records hold key bodies: wipe them once the application
	 * read them, instead of leaving them in OpenSSL's buffers */
	SSL_CTX_set_options(ctx, SSL_OP_CLEANSE_PLAINTEXT);
	if (!(SSL_CTX_get_options(ctx) & SSL_OP_CLEANSE_PLAINTEXT))
	{
		return false;
	}
#endif
	if (skip_tls_client_ctx_hook)
	{
		skip_tls_client_ctx_hook(ctx);
	}
	return true;
}

bool skip_tls_client_use_psk(SSL_CTX *ctx, const skip_psk_t *psk)
{
	pthread_once(&psk_index_once, psk_index_init);
	if (psk_index < 0 || !SSL_CTX_set_ex_data(ctx, psk_index, (void*)psk))
	{
		return false;
	}
	SSL_CTX_set_psk_use_session_callback(ctx, use_session_cb);
	SSL_CTX_set_psk_client_callback(ctx, psk_client_cb);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, refuse_certificate_cb);
	return true;
}
