/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * ETSI GS QKD 014 V1.1.1, SAE side, behind skip_client_t: Get status as
 * the capabilities (health check), Get key (enc_keys, we are the master) as
 * get_key, Get key with key IDs (dec_keys, we are the slave) as
 * get_key_by_id. The SAE ID in each path is the peer's.
 */

#include "skip_client.h"
#include "skip_etsi_json.h"
#include "skip_http.h"
#include "skip_request.h"
#include "skip_validate.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(SKIP_ETSI_MIN_KEY_BITS == SKIP_MIN_KEY_BITS,
			   "the same smallest key for every key source");

/** path of the key methods, before the SAE ID */
#define API_PREFIX "/api/v1/keys/"

/** longest path and query built here */
#define TARGET_MAX (64 + 3 * SKIP_SYSTEM_ID_MAX + 3 * SKIP_ETSI_KEY_ID_MAX)

/** longest KME message quoted in an error (escaped) */
#define MESSAGE_MAX 128

/** characters that make a remote SAE ID a glob (fnmatch(3)) */
#define GLOB_CHARS "*?[\\"

typedef struct private_skip_etsi014_t private_skip_etsi014_t;

struct private_skip_etsi014_t {

	/** public interface */
	skip_client_t public;

	/** connections to the KME */
	skip_http_t *http;

	/** budget of one operation */
	unsigned timeout_ms;

	/** our SAE ID */
	char *sae_id;

	/** KME ID the status must name, NULL for any */
	char *kme_id;

	/** peers' SAE IDs (globs), NULL entries: any */
	char **remote_sae_ids;
	unsigned remote_sae_id_count;

	/** use the GET forms of enc_keys and dec_keys */
	bool use_get;

	/** log callback and its context */
	skip_log_t log;
	void *log_ctx;
};

static void etsi_log(private_skip_etsi014_t *this, int level,
					 const char *fmt, ...)
{
	va_list args;

	if (this->log)
	{
		va_start(args, fmt);
		this->log(this->log_ctx, level, fmt, args);
		va_end(args);
	}
}

/**
 * Map a KME answer other than 200 (§4, and what KMEs do, notes §5.4): 401
 * refuses this SAE; a 404 or a 4xx saying "not found" is "not found"
 * (get_key_by_id waits for it); any other 4xx is a bad request; any 5xx
 * means the KME is unavailable.
 */
static skip_status_t map_answer(const char *method, const char *target,
								const skip_http_response_t *response,
								skip_error_t *err)
{
	char message[MESSAGE_MAX];
	const char *q = "'";
	long code = response->code;

	skip_etsi_json_error_message(response->body, response->len, message,
								 sizeof(message));
	if (!message[0])
	{
		q = "";
	}
	if (code == 401)
	{
		return skip_error_set(err, SKIP_ERR_FORBIDDEN, code, "%s %s: HTTP "
							  "401, KME refused this SAE%s%s%s%s", method,
							  target, q[0] ? ": " : "", q, message, q);
	}
	if (code >= 400 && code < 500 &&
		(code == 404 || skip_etsi_json_not_found(message)))
	{
		return skip_error_set(err, SKIP_ERR_NOT_FOUND, code, "%s %s: HTTP "
							  "%ld, not found on KME%s%s%s%s", method, target,
							  code, q[0] ? ": " : "", q, message, q);
	}
	if (code >= 400 && code < 500)
	{
		return skip_error_set(err, SKIP_ERR_BAD_REQUEST, code, "%s %s: HTTP "
							  "%ld, KME refused the request%s%s%s%s", method,
							  target, code, q[0] ? ": " : "", q, message, q);
	}
	if (code >= 500 && code < 600)
	{
		return skip_error_set(err, SKIP_ERR_UNAVAILABLE, code, "%s %s: HTTP "
							  "%ld, KME unavailable%s%s%s%s", method, target,
							  code, q[0] ? ": " : "", q, message, q);
	}
	return skip_error_set(err, SKIP_ERR_HTTP, code, "%s %s: HTTP %ld", method,
						  target, code);
}

/**
 * Send a request within the budget (0 for the configured one).
 */
static skip_status_t request(private_skip_etsi014_t *this, const char *target,
							 const char *body, size_t len,
							 skip_request_kind_t kind, unsigned budget_ms,
							 skip_http_response_t *response, skip_error_t *err)
{
	skip_request_t req = {
		.target = target,
		.body = body,
		.len = len,
		.kind = kind,
		.wait_status = SKIP_ERR_NOT_FOUND,
		.map = map_answer,
	};

	return skip_request(this->http, &req, budget_ms ? budget_ms
												   : this->timeout_ms,
						this->log, this->log_ctx, response, err);
}

/**
 * Whether the configured remote SAE IDs allow asking for keys with a peer.
 */
static bool remote_allowed(private_skip_etsi014_t *this, const char *remote)
{
	unsigned i;

	if (!this->remote_sae_id_count)
	{
		return true;
	}
	for (i = 0; i < this->remote_sae_id_count; i++)
	{
		if (skip_glob_match(this->remote_sae_ids[i], remote))
		{
			return true;
		}
	}
	return false;
}

/**
 * Check a peer's SAE ID and percent-encode it.
 */
static skip_status_t escape_remote(private_skip_etsi014_t *this,
								   const char *remote, char **escaped,
								   skip_error_t *err)
{
	skip_sid_log_t buf;

	if (!remote || !skip_system_id_valid(remote, strlen(remote)))
	{
		return skip_error_set(err, SKIP_ERR_INVALID_ARG, 0,
							  "invalid remote SAE ID");
	}
	if (!remote_allowed(this, remote))
	{
		return skip_error_set(err, SKIP_ERR_INVALID_ARG, 0, "remote SAE ID "
							  "'%s' is not among the configured ones",
							  skip_sid_log(remote, &buf));
	}
	*escaped = skip_http_escape(remote, err);
	return *escaped ? SKIP_OK : SKIP_ERR_NOMEM;
}

/**
 * Capabilities as the configuration says, without asking the KME.
 */
static skip_capabilities_t *configured_caps(private_skip_etsi014_t *this)
{
	skip_capabilities_t *caps;
	unsigned i, count;

	caps = calloc(1, sizeof(*caps));
	if (!caps)
	{
		return NULL;
	}
	caps->key = true;
	count = this->remote_sae_id_count ? this->remote_sae_id_count : 1;
	caps->remote_system_ids = calloc(count, sizeof(char*));
	caps->local_system_id = strdup(this->sae_id);
	if (!caps->remote_system_ids || !caps->local_system_id)
	{
		skip_capabilities_destroy(caps);
		return NULL;
	}
	for (i = 0; i < count; i++)
	{
		caps->remote_system_ids[i] = strdup(this->remote_sae_id_count
											? this->remote_sae_ids[i] : "*");
		if (!caps->remote_system_ids[i])
		{
			skip_capabilities_destroy(caps);
			return NULL;
		}
		caps->remote_system_id_count++;
	}
	return caps;
}

/**
 * The first remote SAE ID without glob characters, NULL if none.
 */
static const char *status_peer(private_skip_etsi014_t *this)
{
	unsigned i;

	for (i = 0; i < this->remote_sae_id_count; i++)
	{
		if (!strpbrk(this->remote_sae_ids[i], GLOB_CHARS))
		{
			return this->remote_sae_ids[i];
		}
	}
	return NULL;
}

/**
 * Check a status against the configuration, log what an operator should
 * know and describe it in caps->algorithm.
 */
static skip_status_t check_status(private_skip_etsi014_t *this,
								  const char *peer,
								  const skip_etsi_status_t *status,
								  skip_capabilities_t *caps, skip_error_t *err)
{
	skip_sid_log_t a, b;

	if (this->kme_id && strcmp(this->kme_id, status->source_kme_id) != 0)
	{
		return skip_error_set(err, SKIP_ERR_PROTOCOL, 0, "KME is '%s', "
							  "expected '%s' (kme_id)",
							  skip_sid_log(status->source_kme_id, &a),
							  skip_sid_log(this->kme_id, &b));
	}
	if (strcmp(status->master_sae_id, this->sae_id) != 0)
	{
		etsi_log(this, 1, "ETSI 014 KME %s knows this SAE as '%s', not as "
				 "'%s': peers will ask for our keys with the wrong SAE ID",
				 this->http->get_url(this->http),
				 skip_sid_log(status->master_sae_id, &a),
				 skip_sid_log(this->sae_id, &b));
	}
	if (strcmp(status->slave_sae_id, peer) != 0)
	{
		etsi_log(this, 1, "ETSI 014 KME %s answered the status of SAE '%s' "
				 "for '%s'", this->http->get_url(this->http),
				 skip_sid_log(status->slave_sae_id, &a),
				 skip_sid_log(peer, &b));
	}
	/* below 2 or 10% of the maximum (no overflow: both are >= 0) */
	if (status->stored_key_count < 2 ||
		status->stored_key_count < status->max_key_count / 10)
	{
		etsi_log(this, 1, "ETSI 014 KME %s has only %" PRId64 " of %" PRId64
				 " keys stored for SAE '%s'", this->http->get_url(this->http),
				 status->stored_key_count, status->max_key_count,
				 skip_sid_log(peer, &a));
	}
	free(caps->algorithm);
	/* IDs cut to keep the description short */
	if (asprintf(&caps->algorithm, "ETSI GS QKD 014, KME %.64s to %.64s, "
				 "%" PRId64 "/%" PRId64 " keys stored, %" PRId64 " bit",
				 skip_sid_log(status->source_kme_id, &a),
				 skip_sid_log(status->target_kme_id, &b),
				 status->stored_key_count, status->max_key_count,
				 status->key_size) < 0)
	{
		caps->algorithm = NULL;
		return skip_error_set(err, SKIP_ERR_NOMEM, 0, "out of memory");
	}
	return SKIP_OK;
}

static skip_status_t get_capabilities(skip_client_t *public,
									  skip_capabilities_t **out,
									  skip_error_t *err)
{
	private_skip_etsi014_t *this = (private_skip_etsi014_t*)public;
	skip_http_response_t response;
	skip_etsi_status_t *status;
	skip_capabilities_t *caps;
	skip_status_t result;
	char target[TARGET_MAX], *escaped;
	const char *peer;

	caps = configured_caps(this);
	if (!caps)
	{
		return skip_error_set(err, SKIP_ERR_NOMEM, 0, "out of memory");
	}
	peer = status_peer(this);
	if (!peer)
	{
		etsi_log(this, 2, "ETSI 014 KME %s: no remote SAE ID without glob "
				 "characters configured, status not asked",
				 this->http->get_url(this->http));
		caps->algorithm = strdup("ETSI GS QKD 014, status not asked");
		if (!caps->algorithm)
		{
			skip_capabilities_destroy(caps);
			return skip_error_set(err, SKIP_ERR_NOMEM, 0, "out of memory");
		}
		*out = caps;
		return SKIP_OK;
	}
	escaped = skip_http_escape(peer, err);
	if (!escaped)
	{
		skip_capabilities_destroy(caps);
		return SKIP_ERR_NOMEM;
	}
	snprintf(target, sizeof(target), API_PREFIX "%s/status", escaped);
	free(escaped);
	result = request(this, target, NULL, 0, SKIP_REQUEST_PLAIN, 0, &response,
					 err);
	if (result == SKIP_OK)
	{
		result = skip_etsi_json_parse_status(response.body, response.len,
											 &status, err);
		skip_http_response_clear(&response);
		if (result == SKIP_OK)
		{
			result = check_status(this, peer, status, caps, err);
			skip_etsi_status_destroy(status);
		}
	}
	if (result != SKIP_OK)
	{
		skip_capabilities_destroy(caps);
		return result;
	}
	*out = caps;
	return SKIP_OK;
}

/**
 * Send a key request and parse the key container.
 *
 * @param body		POST body (wiped and freed here), NULL for a GET
 */
static skip_status_t fetch_key(private_skip_etsi014_t *this,
							   const char *target, char *body, size_t len,
							   skip_request_kind_t kind, unsigned bits,
							   const char *key_id, unsigned budget_ms,
							   skip_key_t **key, skip_error_t *err)
{
	skip_http_response_t response;
	skip_status_t status;

	status = request(this, target, body, len, kind, budget_ms, &response,
					 err);
	if (body)
	{
		skip_memwipe(body, len);
		free(body);
	}
	if (status != SKIP_OK)
	{
		return status;
	}
	status = skip_etsi_json_parse_keys(response.body, response.len, bits,
									   key_id, key, err);
	skip_http_response_clear(&response);
	return status;
}

static skip_status_t get_key(skip_client_t *public, const char *remote,
							 unsigned bits, unsigned budget_ms,
							 skip_key_t **key, skip_error_t *err)
{
	private_skip_etsi014_t *this = (private_skip_etsi014_t*)public;
	char target[TARGET_MAX], *escaped, *body = NULL;
	skip_status_t status;
	size_t len = 0;

	if (bits && (bits % 8 || bits < SKIP_MIN_KEY_BITS ||
				 bits > SKIP_KEY_MAX_BYTES * 8))
	{
		return skip_error_set(err, SKIP_ERR_INVALID_ARG, 0,
							  "invalid key size %u", bits);
	}
	status = escape_remote(this, remote, &escaped, err);
	if (status != SKIP_OK)
	{
		return status;
	}
	if (this->use_get)
	{	/* the simple form, with the query the spec allows (§5.2) */
		if (bits)
		{
			snprintf(target, sizeof(target), API_PREFIX "%s/enc_keys?"
					 "number=1&size=%u", escaped, bits);
		}
		else
		{
			snprintf(target, sizeof(target), API_PREFIX "%s/enc_keys?"
					 "number=1", escaped);
		}
	}
	else
	{
		snprintf(target, sizeof(target), API_PREFIX "%s/enc_keys", escaped);
		body = skip_etsi_json_key_request(bits, &len);
		if (!body)
		{
			free(escaped);
			return skip_error_set(err, SKIP_ERR_NOMEM, 0, "out of memory");
		}
	}
	free(escaped);
	/* a lost answer costs a key nobody uses: the request may be repeated */
	return fetch_key(this, target, body, len, SKIP_REQUEST_PLAIN, bits, NULL,
					 budget_ms, key, err);
}

static skip_status_t get_key_by_id(skip_client_t *public, const char *key_id,
								   const char *remote, unsigned budget_ms,
								   skip_key_t **key, skip_error_t *err)
{
	private_skip_etsi014_t *this = (private_skip_etsi014_t*)public;
	char target[TARGET_MAX], *escaped, *escaped_id, *body = NULL;
	skip_status_t status;
	size_t len = 0;

	if (!key_id || !skip_etsi_key_id_valid(key_id, strlen(key_id)))
	{
		return skip_error_set(err, SKIP_ERR_INVALID_ARG, 0, "invalid key_ID");
	}
	status = escape_remote(this, remote, &escaped, err);
	if (status != SKIP_OK)
	{
		return status;
	}
	if (this->use_get)
	{	/* one key_ID without extension: the GET form is allowed (§5.3) */
		escaped_id = skip_http_escape(key_id, err);
		if (!escaped_id)
		{
			free(escaped);
			return SKIP_ERR_NOMEM;
		}
		snprintf(target, sizeof(target), API_PREFIX "%s/dec_keys?key_ID=%s",
				 escaped, escaped_id);
		free(escaped_id);
	}
	else
	{
		snprintf(target, sizeof(target), API_PREFIX "%s/dec_keys", escaped);
		body = skip_etsi_json_key_ids_request(key_id, &len);
		if (!body)
		{
			free(escaped);
			return skip_error_set(err, SKIP_ERR_NOMEM, 0, "out of memory");
		}
	}
	free(escaped);
	/* the KME hands a key out once; the responder cannot know its size */
	return fetch_key(this, target, body, len, SKIP_REQUEST_ONCE, 0, key_id,
					 budget_ms, key, err);
}

static skip_status_t get_entropy(skip_client_t *public, unsigned bits,
								 skip_entropy_t **entropy, skip_error_t *err)
{
	return skip_error_set(err, SKIP_ERR_INVALID_ARG, 0, "ETSI GS QKD 014 "
						  "has no entropy method");
}

static const char *get_url(skip_client_t *public)
{
	private_skip_etsi014_t *this = (private_skip_etsi014_t*)public;

	return this->http->get_url(this->http);
}

static bool key_id_valid(skip_client_t *public, const char *s, size_t len)
{
	return skip_etsi_key_id_valid(s, len);
}

static void destroy(skip_client_t *public)
{
	private_skip_etsi014_t *this = (private_skip_etsi014_t*)public;
	unsigned i;

	if (this->http)
	{
		this->http->destroy(this->http);
	}
	for (i = 0; this->remote_sae_ids && i < this->remote_sae_id_count; i++)
	{
		free(this->remote_sae_ids[i]);
	}
	free(this->remote_sae_ids);
	free(this->sae_id);
	free(this->kme_id);
	free(this);
}

/**
 * Check the settings that only ETSI 014 has or restricts.
 */
static bool check_config(const skip_kp_config_t *config, skip_error_t *err)
{
	unsigned i;

	if (config->protocol != SKIP_PROTOCOL_ETSI014)
	{
		skip_error_set(err, SKIP_ERR_INVALID_ARG, 0, "not an ETSI GS QKD 014 "
					   "configuration");
		return false;
	}
	if (config->auth != SKIP_AUTH_CERT)
	{
		skip_error_set(err, SKIP_ERR_INVALID_ARG, 0, "ETSI GS QKD 014 needs "
					   "mutual certificate authentication: PSK mode is not "
					   "supported");
		return false;
	}
	if (!config->ca_file || !*config->ca_file || !config->cert_file ||
		!*config->cert_file || !config->key_file || !*config->key_file)
	{
		skip_error_set(err, SKIP_ERR_INVALID_ARG, 0, "ETSI GS QKD 014 needs "
					   "a CA file (ca), a client certificate (cert) and its "
					   "key (key)");
		return false;
	}
	if (!config->sae_id ||
		!skip_system_id_valid(config->sae_id, strlen(config->sae_id)))
	{
		skip_error_set(err, SKIP_ERR_INVALID_ARG, 0, "ETSI GS QKD 014 needs "
					   "our SAE ID (sae_id, 1 to %d bytes)", SKIP_SYSTEM_ID_MAX);
		return false;
	}
	if (config->kme_id &&
		!skip_system_id_valid(config->kme_id, strlen(config->kme_id)))
	{
		skip_error_set(err, SKIP_ERR_INVALID_ARG, 0, "invalid KME ID "
					   "(kme_id, 1 to %d bytes)", SKIP_SYSTEM_ID_MAX);
		return false;
	}
	if (config->remote_sae_id_count && !config->remote_sae_ids)
	{
		skip_error_set(err, SKIP_ERR_INVALID_ARG, 0, "remote SAE IDs missing");
		return false;
	}
	for (i = 0; i < config->remote_sae_id_count; i++)
	{
		if (!config->remote_sae_ids[i] ||
			!skip_glob_valid(config->remote_sae_ids[i],
							 strlen(config->remote_sae_ids[i])))
		{
			skip_error_set(err, SKIP_ERR_INVALID_ARG, 0, "invalid remote SAE "
						   "ID %u (1 to %d bytes)", i + 1, SKIP_SYSTEM_ID_MAX);
			return false;
		}
	}
	return true;
}

skip_client_t *skip_etsi014_create(const skip_kp_config_t *config,
								   skip_error_t *err)
{
	private_skip_etsi014_t *this;
	unsigned i;

	if (!check_config(config, err))
	{
		return NULL;
	}
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
	this->public.get_url = get_url;
	this->public.key_id_valid = key_id_valid;
	this->public.destroy = destroy;
	this->timeout_ms = config->timeout_ms ? config->timeout_ms
										  : SKIP_DEFAULT_TIMEOUT_MS;
	this->use_get = config->etsi_get;
	this->log = config->log;
	this->log_ctx = config->log_ctx;
	this->sae_id = strdup(config->sae_id);
	this->kme_id = config->kme_id ? strdup(config->kme_id) : NULL;
	if (config->remote_sae_id_count)
	{
		this->remote_sae_ids = calloc(config->remote_sae_id_count,
									  sizeof(char*));
	}
	if (!this->sae_id || (config->kme_id && !this->kme_id) ||
		(config->remote_sae_id_count && !this->remote_sae_ids))
	{
		destroy(&this->public);
		skip_error_set(err, SKIP_ERR_NOMEM, 0, "out of memory");
		return NULL;
	}
	for (i = 0; i < config->remote_sae_id_count; i++)
	{
		this->remote_sae_ids[i] = strdup(config->remote_sae_ids[i]);
		if (!this->remote_sae_ids[i])
		{
			destroy(&this->public);
			skip_error_set(err, SKIP_ERR_NOMEM, 0, "out of memory");
			return NULL;
		}
		this->remote_sae_id_count++;
	}
	this->http = skip_http_create(config, err);
	if (!this->http)
	{
		destroy(&this->public);
		return NULL;
	}
	return &this->public;
}
