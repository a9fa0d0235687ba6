/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "skip_tls.h"
#include "skip_key.h"
#include "skip_validate.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
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

bool skip_psk_parse(const char *text, size_t len, const char *identity,
					skip_psk_t *psk, char *errbuf, size_t errlen)
{
	size_t start = 0, end = len;

	memset(psk, 0, sizeof(*psk));
	if (!identity || !*identity ||
		!skip_printable(identity, strlen(identity), SKIP_PSK_IDENTITY_MAX))
	{
		snprintf(errbuf, errlen, "invalid PSK identity");
		return false;
	}
	while (start < end && isspace((unsigned char)text[start]))
	{
		start++;
	}
	while (end > start && isspace((unsigned char)text[end - 1]))
	{
		end--;
	}
	if (end - start >= 2 && text[start] == '0' &&
		(text[start + 1] == 'x' || text[start + 1] == 'X'))
	{
		start += 2;
	}
	len = end - start;
	if (len % 2 || len / 2 < SKIP_PSK_MIN || len / 2 > SKIP_PSK_MAX ||
		!skip_hex_decode(text + start, len, psk->key))
	{
		skip_memwipe(psk, sizeof(*psk));
		snprintf(errbuf, errlen, "a PSK must be %d to %d hex-encoded bytes",
				 SKIP_PSK_MIN, SKIP_PSK_MAX);
		return false;
	}
	psk->len = len / 2;
	strcpy(psk->identity, identity);
	return true;
}

bool skip_psk_load(const char *path, const char *identity, skip_psk_t *psk,
				   char *errbuf, size_t errlen)
{
	/* room for the hex key with generous white space around it */
	char buf[1024], reason[128];
	bool complete, ok;
	size_t len;
	FILE *file;

	memset(psk, 0, sizeof(*psk));
	file = fopen(path, "re");
	if (!file)
	{
		snprintf(errbuf, errlen, "cannot open PSK file %s: %m", path);
		return false;
	}
	len = fread(buf, 1, sizeof(buf) - 1, file);
	complete = feof(file) && !ferror(file);
	fclose(file);
	if (!complete || memchr(buf, '\0', len))
	{	/* never use a part of a file as the key */
		skip_memwipe(buf, sizeof(buf));
		snprintf(errbuf, errlen, "PSK file %s is too large or not text", path);
		return false;
	}
	ok = skip_psk_parse(buf, len, identity, psk, reason, sizeof(reason));
	skip_memwipe(buf, sizeof(buf));
	if (!ok)
	{
		snprintf(errbuf, errlen, "PSK file %s: %s", path, reason);
	}
	return ok;
}
