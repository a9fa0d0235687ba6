/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup skip_http skip_http
 * @{ @ingroup libskip
 *
 * HTTPS GET and POST to one KP with libcurl: TLS modes of the draft (or,
 * for ETSI GS QKD 014, mutual TLS with common suites), bounded bodies,
 * a pool of reusable connections that grows to the number of concurrent
 * callers (up to config->connections), so that callers never wait for each
 * other, no lock is held during I/O and no call under load pays a TLS
 * handshake.
 */

#ifndef SKIP_HTTP_H_
#define SKIP_HTTP_H_

#include "skip_config.h"
#include "skip_status.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct skip_http_t skip_http_t;

/**
 * Whether a request may reach the KP more than once.
 */
typedef enum {
	/** libcurl may resend the request on a fresh connection when a reused
	 *  one died before any answer */
	SKIP_HTTP_REPEATABLE,
	/** the request reaches the KP at most once: answering it may consume
	 *  what it asks for (GET /key/{keyId}) */
	SKIP_HTTP_ONCE,
} skip_http_mode_t;

/**
 * Answer of a KP.
 */
typedef struct {
	/** whether the request went out on a connection (set on transport
	 *  failures too): if not, the KP never saw it */
	bool sent;
	/** HTTP status code */
	long code;
	/** body, NUL-terminated (the NUL is not counted in len) */
	char *body;
	/** length of body */
	size_t len;
	/** Content-Type of the answer as sent, "" if none (untrusted: escape
	 *  it before printing) */
	char content_type[128];
} skip_http_response_t;

/**
 * An HTTPS connection pool to one KP.
 */
struct skip_http_t {

	/**
	 * Send one GET request.
	 *
	 * A transport failure returns its status; any HTTP answer returns
	 * SKIP_OK with the status code in response->code.
	 *
	 * @param target		path and query, starting with '/', already escaped
	 * @param timeout_ms	budget for this request
	 * @param mode			whether the request may reach the KP twice
	 * @param response		receives the answer, clear it with
	 *						skip_http_response_clear()
	 * @param err			receives the reason on failure (may be NULL)
	 * @return				SKIP_OK if the KP answered
	 */
	skip_status_t (*get)(skip_http_t *this, const char *target,
						 unsigned timeout_ms, skip_http_mode_t mode,
						 skip_http_response_t *response, skip_error_t *err);

	/**
	 * Send one POST request with a JSON body (Content-Type
	 * application/json); otherwise as get().
	 *
	 * @param target		path and query, starting with '/', already escaped
	 * @param body			request body, sent as it is
	 * @param len			length of body
	 * @param timeout_ms	budget for this request
	 * @param mode			whether the request may reach the KP twice
	 * @param response		receives the answer, clear it with
	 *						skip_http_response_clear()
	 * @param err			receives the reason on failure (may be NULL)
	 * @return				SKIP_OK if the KP answered
	 */
	skip_status_t (*post)(skip_http_t *this, const char *target,
						  const char *body, size_t len, unsigned timeout_ms,
						  skip_http_mode_t mode, skip_http_response_t *response,
						  skip_error_t *err);

	/**
	 * Send one request with any method, for conformance checks of a KP
	 * (skip-client check: a method the draft does not allow, a path it
	 * does not know). Sent at most once; otherwise as get() and post().
	 *
	 * @param method		HTTP method, e.g. "DELETE"
	 * @param target		path and query, starting with '/', already escaped
	 * @param body			request body (Content-Type application/json),
	 *						NULL for none
	 * @param len			length of body
	 * @param timeout_ms	budget for this request
	 * @param response		receives the answer, clear it with
	 *						skip_http_response_clear()
	 * @param err			receives the reason on failure (may be NULL)
	 * @return				SKIP_OK if the KP answered
	 */
	skip_status_t (*request)(skip_http_t *this, const char *method,
							 const char *target, const char *body, size_t len,
							 unsigned timeout_ms,
							 skip_http_response_t *response,
							 skip_error_t *err);

	/**
	 * Base URL of the KP.
	 */
	const char *(*get_url)(skip_http_t *this);

	/**
	 * Close all connections and free the pool.
	 */
	void (*destroy)(skip_http_t *this);
};

/**
 * Create a connection pool to a KP.
 *
 * The TLS suites follow config->protocol: the SKIP draft's suites for SKIP;
 * for ETSI GS QKD 014 OpenSSL's TLS 1.3 defaults and SKIP_TLS12_ETSI_SUITES.
 *
 * @param config	KP settings (copied)
 * @param err		receives the reason on failure (may be NULL)
 * @return			pool, NULL if the settings are unusable
 */
skip_http_t *skip_http_create(const skip_kp_config_t *config,
							  skip_error_t *err);

/**
 * What a TLS handshake probe offers, overriding the TLS settings of the
 * configuration (skip-client check: versions and suites a KP must refuse).
 */
typedef struct {
	/** lowest and highest version offered (TLS1_1_VERSION ... TLS1_3_VERSION) */
	int min_version;
	int max_version;
	/** TLS 1.2 and older suites offered (OpenSSL cipher string), NULL for
	 *  the configuration's */
	const char *ciphers;
	/** TLS 1.3 suites offered, NULL for the configuration's */
	const char *ciphersuites;
} skip_tls_probe_t;

/**
 * Connect to a KP and complete a TLS handshake only (no HTTP request),
 * offering what probe says, with the credentials of config. OpenSSL's
 * security level is lowered to 0 so that old versions can be offered.
 *
 * @param config	KP settings (URL, mode, credentials)
 * @param probe		versions and suites to offer
 * @param version	receives the version negotiated (e.g. "TLSv1.3")
 * @param suite		receives the suite negotiated
 * @param len		size of version and suite
 * @param err		receives the reason on failure (may be NULL)
 * @return			SKIP_OK if the handshake succeeded; SKIP_ERR_TLS if it
 *					failed; SKIP_ERR_INVALID_ARG if this OpenSSL cannot
 *					offer what probe asks for; others as get()
 */
skip_status_t skip_http_probe_tls(const skip_kp_config_t *config,
								  const skip_tls_probe_t *probe,
								  char *version, char *suite, size_t len,
								  skip_error_t *err);

/**
 * Percent-encode a validated ID (any byte but NUL) for a URL path or query:
 * every byte but RFC 3986's unreserved characters becomes %XX.
 *
 * @param value		NUL-terminated ID
 * @param err		receives the reason on failure (may be NULL)
 * @return			malloc()ed escaped copy, NULL if out of memory
 */
char *skip_http_escape(const char *value, skip_error_t *err);

/**
 * Wipe and free the body of a response (it may hold a key).
 */
void skip_http_response_clear(skip_http_response_t *response);

#endif /** SKIP_HTTP_H_ @}*/
