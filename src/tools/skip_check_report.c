/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * skip-client check: the rows, the TLS probes shared by both protocols,
 * and the table or JSON output.
 */

#include "skip_check.h"

#include <skip_etsi_json.h>
#include <skip_json.h>
#include <skip_validate.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

/** most rows of one run */
#define CHECK_ROWS_MAX 64

typedef struct {
	check_result_t result;
	char name[48];
	char reason[512];
} row_t;

struct check_t {
	row_t rows[CHECK_ROWS_MAX];
	int count;
};

static const char *result_names[] = { "PASS", "FAIL", "SKIP" };

void check_row(check_t *c, check_result_t result, const char *name,
			   const char *fmt, ...)
{
	va_list args;
	row_t *row;

	if (c->count >= CHECK_ROWS_MAX)
	{
		return;
	}
	row = &c->rows[c->count++];
	row->result = result;
	snprintf(row->name, sizeof(row->name), "%s", name);
	va_start(args, fmt);
	vsnprintf(row->reason, sizeof(row->reason), fmt, args);
	va_end(args);
	/* the reason quotes escaped strings only; stay on one line anyway */
	skip_sanitize_printable(row->reason);
}

bool check_is_json_type(const char *type)
{
	size_t len = strlen("application/json");

	return strncasecmp(type, "application/json", len) == 0 &&
		   (type[len] == '\0' || type[len] == ';' || type[len] == ' ');
}

void check_describe(skip_status_t status, const skip_http_response_t *resp,
					const skip_error_t *err, bool etsi, char *out, size_t len)
{
	char message[160];

	if (status != SKIP_OK)
	{	/* libskip's details escape what they quote */
		snprintf(out, len, "%s: %s", skip_status_name(status), err->detail);
		return;
	}
	if (etsi)
	{
		skip_etsi_json_error_message(resp->body, resp->len, message,
									 sizeof(message));
	}
	else
	{
		skip_json_error_message(resp->body, resp->len, message,
								sizeof(message));
		skip_sanitize_printable(message);
	}
	if (message[0])
	{
		snprintf(out, len, "HTTP %ld '%s'", resp->code, message);
	}
	else
	{
		snprintf(out, len, "HTTP %ld", resp->code);
	}
}

void check_expect_code(check_t *c, const char *name, skip_status_t status,
					   const skip_http_response_t *resp,
					   const skip_error_t *err, long expected, bool etsi,
					   bool json_body)
{
	char what[400], type[sizeof(resp->content_type) * 4];
	skip_error_t perr = {};
	json_object *obj;

	check_describe(status, resp, err, etsi, what, sizeof(what));
	if (status != SKIP_OK || resp->code != expected)
	{
		check_row(c, CHECK_FAIL, name, "expected HTTP %ld, got %s", expected,
				  what);
		return;
	}
	if (json_body)
	{
		skip_escape(resp->content_type, type, sizeof(type));
		if (!check_is_json_type(resp->content_type))
		{
			check_row(c, CHECK_FAIL, name, "%s, but the error body's "
					  "Content-Type is '%s', not JSON", what, type);
			return;
		}
		obj = skip_json_parse_nested(resp->body, resp->len,
									 SKIP_JSON_BODY_MAX, 8, &perr);
		if (!obj)
		{
			check_row(c, CHECK_FAIL, name, "%s, but the error body is no "
					  "JSON object: %s", what, perr.detail);
			return;
		}
		json_object_put(obj);
	}
	check_row(c, CHECK_PASS, name, "%s", what);
}

/**
 * A handshake the KP must refuse.
 */
static void expect_refused(check_t *c, const char *name,
						   const skip_kp_config_t *config,
						   const skip_tls_probe_t *probe, const char *what)
{
	char version[32], suite[64];
	skip_error_t err = {};
	skip_status_t status;

	status = skip_http_probe_tls(config, probe, version, suite,
								 sizeof(version), &err);
	switch (status)
	{
		case SKIP_OK:
			check_row(c, CHECK_FAIL, name, "%s accepted: negotiated %s "
					  "with %s", what, version, suite);
			break;
		case SKIP_ERR_TLS:
			check_row(c, CHECK_PASS, name, "%s refused", what);
			break;
		case SKIP_ERR_INVALID_ARG:
			check_row(c, CHECK_SKIP, name, "%s: %s", what, err.detail);
			break;
		default:
			check_row(c, CHECK_FAIL, name, "%s: no TLS answer (%s: %s)", what,
					  skip_status_name(status), err.detail);
			break;
	}
}

void check_tls(check_t *c, const skip_kp_config_t *config, bool etsi)
{
	skip_tls_probe_t probe = {
		.min_version = TLS1_3_VERSION,
		.max_version = TLS1_3_VERSION,
		.ciphersuites = etsi ? NULL : SKIP_TLS13_SUITE,
	};
	char version[32], suite[64];
	skip_error_t err = {};
	skip_status_t status;

	status = skip_http_probe_tls(config, &probe, version, suite,
								 sizeof(version), &err);
	if (status != SKIP_OK)
	{
		check_row(c, CHECK_FAIL, "tls.tls13", "TLS 1.3 handshake failed: "
				  "%s: %s", skip_status_name(status), err.detail);
	}
	else if (!etsi && strcmp(suite, SKIP_TLS13_SUITE) != 0)
	{
		check_row(c, CHECK_FAIL, "tls.tls13", "negotiated %s, not %s",
				  suite, SKIP_TLS13_SUITE);
	}
	else
	{
		check_row(c, CHECK_PASS, "tls.tls13", "%s with %s (%s mode)", version,
				  suite, config->auth == SKIP_AUTH_PSK ? "PSK" : "certificate");
	}

	probe = (skip_tls_probe_t){
		.min_version = TLS1_1_VERSION,
		.max_version = TLS1_1_VERSION,
		.ciphers = "ALL:@SECLEVEL=0",
	};
	expect_refused(c, "tls.tls11-refused", config, &probe, "TLS 1.1");
	if (etsi)
	{
		return;
	}
	probe = (skip_tls_probe_t){
		.min_version = TLS1_2_VERSION,
		.max_version = TLS1_2_VERSION,
		/* everything but the four suites of the draft's Table 1 */
		.ciphers = "ALL:-ECDHE-ECDSA-AES256-GCM-SHA384:-AES256-SHA256:"
				   "-DHE-PSK-AES256-CBC-SHA384:-DHE-PSK-AES256-CBC-SHA:"
				   "@SECLEVEL=0",
	};
	expect_refused(c, "tls.tls12-other-suite-refused", config, &probe,
				   "TLS 1.2 with suites outside the draft's Table 1");
	probe = (skip_tls_probe_t){
		.min_version = TLS1_3_VERSION,
		.max_version = TLS1_3_VERSION,
		.ciphersuites = "TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256",
	};
	expect_refused(c, "tls.tls13-other-suite-refused", config, &probe,
				   "TLS 1.3 without TLS_AES_256_GCM_SHA384");
}

static void print_table(check_t *c)
{
	int i, n[3] = {};

	for (i = 0; i < c->count; i++)
	{
		n[c->rows[i].result]++;
		printf("%s  %-34s %s\n", result_names[c->rows[i].result],
			   c->rows[i].name, c->rows[i].reason);
	}
	printf("%d checks: %d passed, %d failed, %d skipped\n", c->count,
		   n[CHECK_PASS], n[CHECK_FAIL], n[CHECK_SKIP]);
}

static void print_json(check_t *c, const skip_check_opts_t *opts)
{
	json_object *obj, *rows, *row;
	int i, n[3] = {};

	obj = json_object_new_object();
	rows = json_object_new_array();
	for (i = 0; i < c->count; i++)
	{
		n[c->rows[i].result]++;
		row = json_object_new_object();
		json_object_object_add(row, "name",
							   json_object_new_string(c->rows[i].name));
		json_object_object_add(row, "result", json_object_new_string(
										result_names[c->rows[i].result]));
		json_object_object_add(row, "reason",
							   json_object_new_string(c->rows[i].reason));
		json_object_array_add(rows, row);
	}
	json_object_object_add(obj, "protocol", json_object_new_string(
			opts->config.protocol == SKIP_PROTOCOL_ETSI014 ? "etsi014"
														   : "skip"));
	json_object_object_add(obj, "checks", rows);
	json_object_object_add(obj, "passed", json_object_new_int(n[CHECK_PASS]));
	json_object_object_add(obj, "failed", json_object_new_int(n[CHECK_FAIL]));
	json_object_object_add(obj, "skipped",
						   json_object_new_int(n[CHECK_SKIP]));
	printf("%s\n", json_object_to_json_string_ext(obj,
										JSON_C_TO_STRING_PRETTY |
										JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(obj);
}

int skip_check_run(const skip_check_opts_t *opts)
{
	check_t *c;
	int i, failed = 0;

	c = calloc(1, sizeof(*c));
	if (!c)
	{
		return 2;
	}
	if (opts->config.protocol == SKIP_PROTOCOL_ETSI014)
	{
		skip_check_etsi(c, opts);
	}
	else
	{
		skip_check_skip(c, opts);
	}
	if (opts->json)
	{
		print_json(c, opts);
	}
	else
	{
		print_table(c);
	}
	for (i = 0; i < c->count; i++)
	{
		failed |= c->rows[i].result == CHECK_FAIL;
	}
	free(c);
	return failed ? 1 : 0;
}
