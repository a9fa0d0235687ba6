/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * skip-client check: probe a KP for conformance with the SKIP draft, or a
 * KME with ETSI GS QKD 014, and report one PASS/FAIL/SKIP row per check.
 * Prints keyIds and sizes, never keys; every string from the KP is escaped.
 */

#ifndef SKIP_CHECK_H_
#define SKIP_CHECK_H_

#include <skip_config.h>
#include <skip_http.h>

#include <stdbool.h>

/**
 * What the check is given.
 */
typedef struct {
	/** the encryptor (SAE) whose KP is checked */
	skip_kp_config_t config;
	/** a second encryptor (SAE): the peer that takes keys by ID */
	bool have_second;
	skip_kp_config_t second;
	/** remote system ID (SKIP) or peer SAE ID (ETSI), NULL: from the
	 *  capabilities or the first --remote-sae-id without glob characters */
	const char *peer;
	/** machine-readable output */
	bool json;
} skip_check_opts_t;

typedef enum {
	CHECK_PASS,
	CHECK_FAIL,
	CHECK_SKIP,
} check_result_t;

/** the rows collected */
typedef struct check_t check_t;

/**
 * Add a row; the reason is formatted from trusted text and strings already
 * escaped with skip_escape().
 */
void check_row(check_t *c, check_result_t result, const char *name,
			   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/**
 * The TLS rows: the required version and suite work, forbidden ones are
 * refused (etsi: the KME is not bound to the draft's suites).
 */
void check_tls(check_t *c, const skip_kp_config_t *config, bool etsi);

/**
 * Whether a Content-Type is JSON (application/json, parameters allowed).
 */
bool check_is_json_type(const char *type);

/**
 * Describe an answer that is not the expected status for a reason:
 * "HTTP 500 'message'" or the transport error.
 */
void check_describe(skip_status_t status, const skip_http_response_t *resp,
					const skip_error_t *err, bool etsi, char *out,
					size_t len);

/**
 * Row for a request that must be refused with the expected code (a JSON
 * error body is required if json_body).
 */
void check_expect_code(check_t *c, const char *name, skip_status_t status,
					   const skip_http_response_t *resp,
					   const skip_error_t *err, long expected, bool etsi,
					   bool json_body);

/** the SKIP checks */
void skip_check_skip(check_t *c, const skip_check_opts_t *opts);

/** the ETSI GS QKD 014 checks */
void skip_check_etsi(check_t *c, const skip_check_opts_t *opts);

/**
 * Run the checks the protocol of opts->config calls for and print the
 * table (or JSON).
 *
 * @return		0 if no check failed, 1 otherwise
 */
int skip_check_run(const skip_check_opts_t *opts);

#endif /* SKIP_CHECK_H_ */
