/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "skip_client.h"
#include "skip_http.h"
#include "skip_json.h"
#include "skip_request.h"
#include "skip_validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/**
 * What a request asks for, which decides what may be repeated.
 */
typedef enum {
	/** capabilities, entropy, a new key */
	REQUEST_PLAIN,
	/** GET /key/{keyId}: the KP zeroizes the key when it answers; a 400
	 *  ("not found") is repeated, as the key may still be on its way from
	 *  the peer's KP */
	REQUEST_KEY_BY_ID,
} request_kind_t;

typedef struct private_skip_client_t private_skip_client_t;

struct private_skip_client_t {

	/** public interface */
	skip_client_t public;

	/** connections to the KP */
	skip_http_t *http;

	/** budget of one operation */
	unsigned timeout_ms;

	/** log callback and its context */
	skip_log_t log;
	void *log_ctx;
};

/**
 * Map a KP answer other than 200 (SKIP draft, Tables 3, 7, 9).
 */
static skip_status_t map_answer(const char *method, const char *target,
								const skip_http_response_t *response,
								skip_error_t *err)
{
	char message[128];

	skip_json_error_message(response->body, response->len, message,
							sizeof(message));
	return skip_error_set(err, skip_status_from_http(response->code),
						  response->code, "%s %s: HTTP %ld%s%s", method,
						  target, response->code, message[0] ? ", " : "",
						  message);
}

/**
 * GET target until the KP answers 200, a final error occurs or the budget
 * is spent. On success response holds the body.
 */
static skip_status_t request(private_skip_client_t *this, const char *target,
							 request_kind_t kind, unsigned budget_ms,
							 skip_http_response_t *response, skip_error_t *err)
{
	skip_request_t req = {
		.target = target,
		.kind = kind == REQUEST_KEY_BY_ID ? SKIP_REQUEST_ONCE
										  : SKIP_REQUEST_PLAIN,
		.wait_status = SKIP_ERR_BAD_REQUEST,
		.map = map_answer,
	};

	return skip_request(this->http, &req, budget_ms ? budget_ms
												   : this->timeout_ms,
						this->log, this->log_ctx, response, err);
}

static skip_status_t check_remote(const char *remote, skip_error_t *err)
{
	if (!remote || !skip_system_id_valid(remote, strlen(remote)))
	{
		return skip_error_set(err, SKIP_ERR_INVALID_ARG, 0,
							  "invalid remote system ID");
	}
	return SKIP_OK;
}

static skip_status_t get_capabilities(skip_client_t *public,
									  skip_capabilities_t **caps,
									  skip_error_t *err)
{
	private_skip_client_t *this = (private_skip_client_t*)public;
	skip_http_response_t response;
	skip_status_t status;

	status = request(this, "/capabilities", REQUEST_PLAIN, 0, &response,
					 err);
	if (status == SKIP_OK)
	{
		status = skip_json_parse_capabilities(response.body, response.len,
											  this->log, this->log_ctx, caps,
											  err);
		skip_http_response_clear(&response);
	}
	return status;
}

/**
 * Request a key at target and parse it.
 */
static skip_status_t fetch_key(private_skip_client_t *this, const char *target,
							   request_kind_t kind, unsigned bits,
							   const char *key_id,
							   unsigned budget_ms, skip_key_t **key,
							   skip_error_t *err)
{
	skip_http_response_t response;
	skip_status_t status;

	status = request(this, target, kind, budget_ms, &response, err);
	if (status != SKIP_OK)
	{
		return status;
	}
	status = skip_json_parse_key(response.body, response.len, bits, key_id,
								 key, err);
	skip_http_response_clear(&response);
	if (status == SKIP_OK && (*key)->key_len * 8 < SKIP_MIN_KEY_BITS)
	{
		status = skip_error_set(err, SKIP_ERR_PROTOCOL, 0,
								"key has only %zu bits, need at least %d",
								(*key)->key_len * 8, SKIP_MIN_KEY_BITS);
		skip_key_destroy(*key);
		*key = NULL;
	}
	return status;
}

static skip_status_t get_key(skip_client_t *public, const char *remote,
							 unsigned bits, unsigned budget_ms,
							 skip_key_t **key, skip_error_t *err)
{
	private_skip_client_t *this = (private_skip_client_t*)public;
	char target[64 + 3 * SKIP_SYSTEM_ID_MAX], *escaped;
	skip_status_t status;

	status = check_remote(remote, err);
	if (status != SKIP_OK)
	{
		return status;
	}
	if (bits && (bits % 8 || bits < SKIP_MIN_KEY_BITS ||
				 bits > SKIP_KEY_MAX_BYTES * 8))
	{
		return skip_error_set(err, SKIP_ERR_INVALID_ARG, 0,
							  "invalid key size %u", bits);
	}
	escaped = skip_http_escape(remote, err);
	if (!escaped)
	{
		return SKIP_ERR_NOMEM;
	}
	if (bits)
	{
		snprintf(target, sizeof(target), "/key?remoteSystemID=%s&size=%u",
				 escaped, bits);
	}
	else
	{
		snprintf(target, sizeof(target), "/key?remoteSystemID=%s", escaped);
	}
	free(escaped);
	return fetch_key(this, target, REQUEST_PLAIN,
					 bits ? bits : SKIP_DEFAULT_KEY_BITS, NULL, budget_ms, key, err);
}

static skip_status_t get_key_by_id(skip_client_t *public, const char *key_id,
								   const char *remote, unsigned budget_ms,
								   skip_key_t **key, skip_error_t *err)
{
	private_skip_client_t *this = (private_skip_client_t*)public;
	char target[64 + SKIP_KEY_ID_MAX_HEX + 3 * SKIP_SYSTEM_ID_MAX], *escaped;
	skip_status_t status;

	if (!key_id || !skip_key_id_valid(key_id, strlen(key_id)))
	{
		return skip_error_set(err, SKIP_ERR_INVALID_ARG, 0, "invalid keyId");
	}
	status = check_remote(remote, err);
	if (status != SKIP_OK)
	{
		return status;
	}
	escaped = skip_http_escape(remote, err);
	if (!escaped)
	{
		return SKIP_ERR_NOMEM;
	}
	/* a validated keyId is hex only: safe in a path as it is */
	snprintf(target, sizeof(target), "/key/%s?remoteSystemID=%s", key_id,
			 escaped);
	free(escaped);
	/* the responder cannot know the size the initiator asked for */
	return fetch_key(this, target, REQUEST_KEY_BY_ID, 0, key_id, budget_ms,
					 key, err);
}

static skip_status_t get_entropy(skip_client_t *public, unsigned bits,
								 skip_entropy_t **entropy, skip_error_t *err)
{
	private_skip_client_t *this = (private_skip_client_t*)public;
	skip_http_response_t response;
	skip_status_t status;
	char target[64];

	if (bits > SKIP_ENTROPY_MAX_BYTES * 8)
	{
		return skip_error_set(err, SKIP_ERR_INVALID_ARG, 0,
							  "invalid entropy size %u", bits);
	}
	if (bits)
	{
		snprintf(target, sizeof(target), "/entropy?minentropy=%u", bits);
	}
	else
	{
		snprintf(target, sizeof(target), "/entropy");
	}
	status = request(this, target, REQUEST_PLAIN, 0, &response, err);
	if (status == SKIP_OK)
	{
		status = skip_json_parse_entropy(response.body, response.len,
										 bits, entropy, err);
		skip_http_response_clear(&response);
	}
	return status;
}

static const char *client_get_url(skip_client_t *public)
{
	private_skip_client_t *this = (private_skip_client_t*)public;

	return this->http->get_url(this->http);
}

static bool client_key_id_valid(skip_client_t *public, const char *s,
								size_t len)
{
	return skip_key_id_valid(s, len);
}

static void client_destroy(skip_client_t *public)
{
	private_skip_client_t *this = (private_skip_client_t*)public;

	this->http->destroy(this->http);
	free(this);
}

skip_client_t *skip_client_create(const skip_kp_config_t *config,
								  skip_error_t *err)
{
	private_skip_client_t *this;

	this = calloc(1, sizeof(*this));
	if (!this)
	{
		skip_error_set(err, SKIP_ERR_NOMEM, 0, "out of memory");
		return NULL;
	}
	this->public.get_capabilities = get_capabilities;
	this->public.get_key = get_key;
	this->public.get_key_by_id = get_key_by_id;
	this->public.get_entropy = get_entropy;
	this->public.get_url = client_get_url;
	this->public.key_id_valid = client_key_id_valid;
	this->public.destroy = client_destroy;
	this->timeout_ms = config->timeout_ms ? config->timeout_ms
										  : SKIP_DEFAULT_TIMEOUT_MS;
	this->log = config->log;
	this->log_ctx = config->log_ctx;
	this->http = skip_http_create(config, err);
	if (!this->http)
	{
		free(this);
		return NULL;
	}
	return &this->public;
}
