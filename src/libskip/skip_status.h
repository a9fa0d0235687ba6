/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup skip_status skip_status
 * @{ @ingroup libskip
 */

#ifndef SKIP_STATUS_H_
#define SKIP_STATUS_H_

#include <stdbool.h>

/**
 * Outcome of a SKIP operation.
 *
 * The HTTP status codes of the SKIP draft (Tables 3, 7, 9) map to their own
 * values so that callers can tell "the KP does not have this key" (final)
 * from "the KP is busy" (worth a retry within the time budget).
 */
typedef enum {
	/** success */
	SKIP_OK = 0,
	/** a value given by the caller must not be sent to the KP */
	SKIP_ERR_INVALID_ARG,
	/** the KP could not be reached (DNS, TCP) */
	SKIP_ERR_CONNECT,
	/** the KP did not answer within the time budget */
	SKIP_ERR_TIMEOUT,
	/** TLS handshake or KP authentication failed */
	SKIP_ERR_TLS,
	/** 400: malformed keyId, key not found or remote system unknown */
	SKIP_ERR_BAD_REQUEST,
	/** 401/403: the KP does not accept this client (not in the draft) */
	SKIP_ERR_FORBIDDEN,
	/** 404: the KP does not know the path (ETSI 014: the KME does not have
	 *  the key, 404 or a 4xx saying "not found") */
	SKIP_ERR_NOT_FOUND,
	/** 405: the KP refused the method */
	SKIP_ERR_METHOD,
	/** 500: the KP failed to read or zeroize the key */
	SKIP_ERR_SERVER,
	/** 503: the KP has no entropy/keys available right now (ETSI 014: any
	 *  5xx) */
	SKIP_ERR_UNAVAILABLE,
	/** any other unexpected HTTP status */
	SKIP_ERR_HTTP,
	/** the response violates the SKIP draft (JSON, types, lengths, hex) */
	SKIP_ERR_PROTOCOL,
	/** out of memory */
	SKIP_ERR_NOMEM,
	/** unexpected local failure (library error) */
	SKIP_ERR_INTERNAL,
} skip_status_t;

/**
 * Short, stable name of a status, for log lines.
 */
const char *skip_status_name(skip_status_t status);

/**
 * Whether an operation that failed with this status may succeed when it is
 * repeated within the time budget (KP busy or briefly unreachable).
 * 400 answers are final: the KP will not find the key a second time.
 */
bool skip_status_retryable(skip_status_t status);

/**
 * Map an HTTP status code of a KP answer to a SKIP status.
 */
skip_status_t skip_status_from_http(long code);

/** size of skip_error_t.detail */
#define SKIP_ERROR_DETAIL_LEN 256

/**
 * Details of a failed operation, safe to log: never contains key material.
 */
typedef struct {
	/** what went wrong */
	skip_status_t status;
	/** HTTP status of the KP answer, 0 if there was none */
	long http_code;
	/** human-readable cause, printable ASCII only */
	char detail[SKIP_ERROR_DETAIL_LEN];
} skip_error_t;

/**
 * Fill an error (if err is not NULL) and return its status.
 */
skip_status_t skip_error_set(skip_error_t *err, skip_status_t status,
							 long http_code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif /** SKIP_STATUS_H_ @}*/
