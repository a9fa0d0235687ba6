/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup skip_config skip_config
 * @{ @ingroup libskip
 */

#ifndef SKIP_CONFIG_H_
#define SKIP_CONFIG_H_

#include "skip_tls.h"

#include <stdarg.h>
#include <stdbool.h>

/** default budget of a KP operation, including retries (DESIGN §3) */
#define SKIP_DEFAULT_TIMEOUT_MS 2500
/** default budget for TCP connect + TLS handshake */
#define SKIP_DEFAULT_CONNECT_TIMEOUT_MS 1000
/** default bound of the KP connections kept open for reuse: the pool grows
 *  to the number of concurrent callers (charon runs 16 threads by default) */
#define SKIP_DEFAULT_CONNECTIONS 64

/**
 * How the encryptor authenticates to the KP (SKIP draft, Table 1).
 */
typedef enum {
	/** TLS with certificates (KP verified against a CA, optional client
	 *  certificate) */
	SKIP_AUTH_CERT,
	/** TLS with an external pre-shared key */
	SKIP_AUTH_PSK,
} skip_auth_t;

/**
 * The protocol a key source speaks.
 */
typedef enum {
	/** the SKIP draft: GET /capabilities, /key, /key/{keyId} */
	SKIP_PROTOCOL_SKIP,
	/** ETSI GS QKD 014: /api/v1/keys/{SAE_ID}/status, enc_keys, dec_keys */
	SKIP_PROTOCOL_ETSI014,
} skip_protocol_t;

/**
 * Log callback: level 1 for what an operator wants to see, 2 for details.
 * Lines never contain key material.
 */
typedef void (*skip_log_t)(void *ctx, int level, const char *fmt, va_list args);

/**
 * How to reach and talk to one KP.
 */
typedef struct {
	/** protocol of the key source */
	skip_protocol_t protocol;
	/** base URL, https://host[:port][/prefix] */
	const char *url;
	/** authentication mode */
	skip_auth_t auth;
	/** also allow TLS 1.2 (SKIP: the draft's TLS 1.2 suites; ETSI 014:
	 *  SKIP_TLS12_ETSI_SUITES) */
	bool allow_tls12;
	/** SKIP_AUTH_CERT: CA file to verify the KP with (required) */
	const char *ca_file;
	/** SKIP_AUTH_CERT: optional client certificate (PEM) */
	const char *cert_file;
	/** SKIP_AUTH_CERT: key of the client certificate (PEM) */
	const char *key_file;
	/** SKIP_AUTH_PSK: identity and key, copied by the client */
	const skip_psk_t *psk;
	/** budget of one operation including retries, 0 for the default */
	unsigned timeout_ms;
	/** budget of connect + TLS handshake, 0 for the default */
	unsigned connect_timeout_ms;
	/** most KP connections kept open for reuse, 0 for the default */
	unsigned connections;
	/** ETSI 014: our SAE ID (sent to IKE peers in USE_PPK in place of a
	 *  SKIP system ID); required */
	const char *sae_id;
	/** ETSI 014: the KME ID the KME's status must name, NULL for any */
	const char *kme_id;
	/** ETSI 014: the peers' SAE IDs (globs) keys may be asked for, NULL
	 *  for any; also the SAE ID the health check asks the status of (the
	 *  first entry without glob characters) */
	const char *const *remote_sae_ids;
	/** ETSI 014: number of remote_sae_ids */
	unsigned remote_sae_id_count;
	/** ETSI 014: use the GET forms of enc_keys and dec_keys (for KMEs that
	 *  need them) instead of POST */
	bool etsi_get;
	/** optional log callback */
	skip_log_t log;
	/** context passed to log */
	void *log_ctx;
} skip_kp_config_t;

#endif /** SKIP_CONFIG_H_ @}*/
