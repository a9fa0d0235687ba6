/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "skip_http.h"
#include "skip_json.h"
#include "skip_key.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "dev"
#endif

typedef struct private_skip_http_t private_skip_http_t;

struct private_skip_http_t {

	/** public interface */
	skip_http_t public;

	/** base URL without trailing slash */
	char *url;

	/** settings; string members point to the copies below */
	skip_kp_config_t config;

	/** copies of the file names of config */
	char *ca_file, *cert_file, *key_file;

	/** copy of the PSK (SKIP_AUTH_PSK) */
	skip_psk_t psk;

	/** protects idle and pooled (never held during I/O) */
	pthread_mutex_t mutex;

	/** idle handles, each keeping its connection to the KP open; a stack,
	 *  so the most recently used (warmest) connection goes out first and
	 *  the rest stay in order of last use */
	CURL **idle;

	/** number of handles on idle */
	unsigned idle_count;

	/** handles of the pool, idle or in use (at most config.connections) */
	unsigned pooled;

	/** headers of a request with a JSON body, shared by all handles */
	struct curl_slist *json_headers;

	/** TLS sessions and resolved names shared by the handles, so that a
	 *  new connection resumes a session of an earlier one */
	CURLSH *share;

	/** protects what share holds */
	pthread_mutex_t share_mutex;

	/** skip_http_probe_tls(): what to offer, NULL for the configuration */
	const skip_tls_probe_t *probe;

	/** skip_http_probe_tls(): this OpenSSL cannot offer the probe */
	bool probe_unsupported;

	/** skip_http_probe_tls(): version and suite negotiated */
	char probe_version[32];
	char probe_suite[64];
};

/** SSL_CTX ex_data index of the pool a probe runs in */
static int probe_index = -1;
static pthread_once_t probe_once = PTHREAD_ONCE_INIT;

static void probe_init(void)
{
	probe_index = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, NULL);
}

/**
 * Note the version and suite of a probe's handshake once done.
 */
static void probe_info_cb(const SSL *ssl, int where, int ret)
{
	private_skip_http_t *this;

	(void)ret;
	if (!(where & SSL_CB_HANDSHAKE_DONE) || probe_index < 0)
	{
		return;
	}
	this = SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), probe_index);
	if (this)
	{
		snprintf(this->probe_version, sizeof(this->probe_version), "%s",
				 SSL_get_version(ssl));
		snprintf(this->probe_suite, sizeof(this->probe_suite), "%s",
				 SSL_get_cipher_name(ssl) ?: "none");
	}
}

/**
 * A growing response body; grown by copy so every old buffer is wiped.
 *
 * libcurl's own download buffer (per handle) also holds the body for a
 * while; libcurl offers no way to wipe it: it is overwritten by the next
 * transfer on the handle or freed with it. OpenSSL's record buffers are
 * wiped (SSL_OP_CLEANSE_PLAINTEXT, skip_tls_client_setup()).
 */
typedef struct {
	char *buf;
	size_t len;
	size_t size;
	bool too_large;
	bool nomem;
} body_t;

/**
 * Requests a transfer put on a connection.
 */
typedef struct {
	/** how often the request went out */
	unsigned sent;
	/** whether it must go out at most once */
	bool once;
} prereq_t;

/* libcurl tells when a request is about to go out since 7.80.0 */
#if LIBCURL_VERSION_NUM >= 0x075000
#define HAVE_PREREQ 1
#endif

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_result = CURLE_FAILED_INIT;

static void curl_init(void)
{
	curl_init_result = curl_global_init(CURL_GLOBAL_DEFAULT);
}

static size_t write_cb(char *data, size_t size, size_t nmemb, void *user)
{
	body_t *body = user;
	size_t n = size * nmemb, new_size;
	char *buf;

	if (body->len + n > SKIP_JSON_BODY_MAX)
	{
		body->too_large = true;
		return 0;
	}
	if (body->len + n + 1 > body->size)
	{
		new_size = body->size ? body->size * 2 : 1024;
		while (new_size < body->len + n + 1)
		{
			new_size *= 2;
		}
		buf = malloc(new_size);
		if (!buf)
		{
			body->nomem = true;
			return 0;
		}
		if (body->buf)
		{
			memcpy(buf, body->buf, body->len);
			skip_memwipe(body->buf, body->size);
			free(body->buf);
		}
		body->buf = buf;
		body->size = new_size;
	}
	memcpy(body->buf + body->len, data, n);
	body->len += n;
	body->buf[body->len] = '\0';
	return n;
}

#ifdef HAVE_PREREQ
/**
 * Called after connecting and before the request goes out, again if libcurl
 * resends it on a fresh connection because a reused one died.
 */
static int prereq_cb(void *user, char *primary_ip, char *local_ip,
					 int primary_port, int local_port)
{
	prereq_t *prereq = user;

	if (prereq && prereq->sent++ && prereq->once)
	{	/* the KP may have read the first one before the connection died */
		return CURL_PREREQFUNC_ABORT;
	}
	return CURL_PREREQFUNC_OK;
}
#endif

/**
 * Override the TLS settings for skip_http_probe_tls(); note whether this
 * OpenSSL can offer any suite for them.
 */
static CURLcode probe_setup(private_skip_http_t *this, SSL_CTX *ctx)
{
	const skip_tls_probe_t *probe = this->probe;
	STACK_OF(SSL_CIPHER) *offered;
	SSL *ssl;

	pthread_once(&probe_once, probe_init);
	if (probe_index < 0 || !SSL_CTX_set_ex_data(ctx, probe_index, this))
	{
		return CURLE_OUT_OF_MEMORY;
	}
	SSL_CTX_set_info_callback(ctx, probe_info_cb);
	SSL_CTX_set_security_level(ctx, 0);
	if (!SSL_CTX_set_min_proto_version(ctx, probe->min_version) ||
		!SSL_CTX_set_max_proto_version(ctx, probe->max_version) ||
		(probe->ciphers && !SSL_CTX_set_cipher_list(ctx, probe->ciphers)) ||
		(probe->ciphersuites &&
		 !SSL_CTX_set_ciphersuites(ctx, probe->ciphersuites)))
	{
		this->probe_unsupported = true;
		return CURLE_SSL_CIPHER;
	}
	ssl = SSL_new(ctx);
	if (!ssl)
	{
		return CURLE_OUT_OF_MEMORY;
	}
	offered = SSL_get1_supported_ciphers(ssl);
	if (!offered || sk_SSL_CIPHER_num(offered) == 0)
	{
		this->probe_unsupported = true;
	}
	sk_SSL_CIPHER_free(offered);
	SSL_free(ssl);
	return this->probe_unsupported ? CURLE_SSL_CIPHER : CURLE_OK;
}

static CURLcode ssl_ctx_cb(CURL *curl, void *ssl_ctx, void *user)
{
	private_skip_http_t *this = user;

	(void)curl;
	if (this->config.auth == SKIP_AUTH_PSK &&
		!skip_tls_client_use_psk(ssl_ctx, &this->psk))
	{
		return CURLE_SSL_CERTPROBLEM;
	}
	if (!skip_tls_client_setup(ssl_ctx))
	{
		return CURLE_SSL_CERTPROBLEM;
	}
	if (this->probe)
	{
		return probe_setup(this, ssl_ctx);
	}
	return CURLE_OK;
}

static void share_lock(CURL *curl, curl_lock_data data,
					   curl_lock_access access, void *user)
{
	private_skip_http_t *this = user;

	pthread_mutex_lock(&this->share_mutex);
}

static void share_unlock(CURL *curl, curl_lock_data data, void *user)
{
	private_skip_http_t *this = user;

	pthread_mutex_unlock(&this->share_mutex);
}

static CURLSH *create_share(private_skip_http_t *this)
{
	CURLSH *share;

	share = curl_share_init();
	if (share &&
		(curl_share_setopt(share, CURLSHOPT_LOCKFUNC, share_lock) ||
		 curl_share_setopt(share, CURLSHOPT_UNLOCKFUNC, share_unlock) ||
		 curl_share_setopt(share, CURLSHOPT_USERDATA, this) ||
		 curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS) ||
		 curl_share_setopt(share, CURLSHOPT_SHARE,
						   CURL_LOCK_DATA_SSL_SESSION)))
	{
		curl_share_cleanup(share);
		share = NULL;
	}
	return share;
}

/**
 * Set up a handle with everything but the URL and the per-request budget.
 */
static CURL *create_handle(private_skip_http_t *this)
{
	bool psk = this->config.auth == SKIP_AUTH_PSK;
	bool etsi = this->config.protocol == SKIP_PROTOCOL_ETSI014;
	const char *tls12;
	long version;
	CURL *curl;

	curl = curl_easy_init();
	if (!curl)
	{
		return NULL;
	}
	version = this->config.allow_tls12 ? CURL_SSLVERSION_TLSv1_2
										: CURL_SSLVERSION_TLSv1_3;
	/* KMEs are not bound to the draft's suites: OpenSSL's TLS 1.3 defaults
	 * (all AEAD) and ECDHE-AEAD suites in TLS 1.2 */
	tls12 = psk ? SKIP_TLS12_PSK_SUITES
				: etsi ? SKIP_TLS12_ETSI_SUITES : SKIP_TLS12_CERT_SUITES;
	/* a failing option means this libcurl lacks TLS features we rely on */
	if (curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L) ||
		curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "https") ||
		curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L) ||
		curl_easy_setopt(curl, CURLOPT_USERAGENT,
						 "strongswan-skip/" PACKAGE_VERSION) ||
		curl_easy_setopt(curl, CURLOPT_TCP_NODELAY, 1L) ||
		/* the KP is reached directly, never through a proxy named in the
		 * environment (which libcurl would also look up per request) */
		curl_easy_setopt(curl, CURLOPT_PROXY, "") ||
		curl_easy_setopt(curl, CURLOPT_SHARE, this->share) ||
		/* one connection per handle: the pool holds the handles */
		curl_easy_setopt(curl, CURLOPT_MAXCONNECTS, 1L) ||
		curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
						 (long)this->config.connect_timeout_ms) ||
		curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, write_cb) ||
#ifdef HAVE_PREREQ
		curl_easy_setopt(curl, CURLOPT_PREREQFUNCTION, prereq_cb) ||
#endif
		curl_easy_setopt(curl, CURLOPT_SSLVERSION,
						 version | CURL_SSLVERSION_MAX_TLSv1_3) ||
		(!etsi &&
		 curl_easy_setopt(curl, CURLOPT_TLS13_CIPHERS, SKIP_TLS13_SUITE)) ||
		curl_easy_setopt(curl, CURLOPT_SSL_CIPHER_LIST, tls12) ||
		curl_easy_setopt(curl, CURLOPT_SSL_CTX_FUNCTION, ssl_ctx_cb) ||
		curl_easy_setopt(curl, CURLOPT_SSL_CTX_DATA, this))
	{
		curl_easy_cleanup(curl);
		return NULL;
	}
	if (psk)
	{
		/* the PSK authenticates the KP; skip_tls refuses any certificate */
		if (curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L) ||
			curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L) ||
			curl_easy_setopt(curl, CURLOPT_SSL_SESSIONID_CACHE, 0L))
		{
			curl_easy_cleanup(curl);
			return NULL;
		}
	}
	else
	{
		if (curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L) ||
			curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L) ||
			curl_easy_setopt(curl, CURLOPT_CAINFO, this->ca_file) ||
			/* only the configured CA, never the system's directory */
			curl_easy_setopt(curl, CURLOPT_CAPATH, NULL) ||
			(this->cert_file &&
			 curl_easy_setopt(curl, CURLOPT_SSLCERT, this->cert_file)) ||
			(this->key_file &&
			 curl_easy_setopt(curl, CURLOPT_SSLKEY, this->key_file)))
		{
			curl_easy_cleanup(curl);
			return NULL;
		}
	}
	return curl;
}

/**
 * Take the most recently used idle handle. Without one the pool grows by a
 * handle (a new connection) up to config.connections; beyond that a
 * temporary handle is returned (*pooled false): callers never wait for each
 * other.
 */
static CURL *acquire(private_skip_http_t *this, bool *pooled)
{
	CURL *curl = NULL;

	pthread_mutex_lock(&this->mutex);
	*pooled = this->idle_count || this->pooled < this->config.connections;
	if (this->idle_count)
	{
		curl = this->idle[--this->idle_count];
	}
	else if (*pooled)
	{
		this->pooled++;
	}
	pthread_mutex_unlock(&this->mutex);

	if (!curl)
	{
		curl = create_handle(this);
		if (!curl && *pooled)
		{
			pthread_mutex_lock(&this->mutex);
			this->pooled--;
			pthread_mutex_unlock(&this->mutex);
		}
	}
	return curl;
}

static void release(private_skip_http_t *this, bool pooled, CURL *curl)
{
	if (!pooled)
	{
		curl_easy_cleanup(curl);
		return;
	}
	pthread_mutex_lock(&this->mutex);
	this->idle[this->idle_count++] = curl;
	pthread_mutex_unlock(&this->mutex);
}

static skip_status_t map_curl_error(private_skip_http_t *this, CURLcode res,
									const char *detail, body_t *body,
									skip_error_t *err)
{
	const char *what = detail[0] ? detail : curl_easy_strerror(res);

	switch (res)
	{
		case CURLE_COULDNT_RESOLVE_HOST:
		case CURLE_COULDNT_CONNECT:
		case CURLE_GOT_NOTHING:
		case CURLE_SEND_ERROR:
		case CURLE_RECV_ERROR:
			return skip_error_set(err, SKIP_ERR_CONNECT, 0, "%s: %s",
								  this->url, what);
		case CURLE_PARTIAL_FILE:
			return skip_error_set(err, SKIP_ERR_CONNECT, 0, "%s: connection "
								  "closed before the whole answer: %s",
								  this->url, what);
		case CURLE_UNSUPPORTED_PROTOCOL:
		case CURLE_WEIRD_SERVER_REPLY:
		case CURLE_BAD_CONTENT_ENCODING:
			return skip_error_set(err, SKIP_ERR_PROTOCOL, 0, "%s: not an HTTP "
								  "answer: %s", this->url, what);
		case CURLE_OUT_OF_MEMORY:
			/* also what libcurl says about a header block over 100 KiB */
			return skip_error_set(err, SKIP_ERR_PROTOCOL, 0, "%s: answer too "
								  "large (%s)", this->url, what);
		case CURLE_OPERATION_TIMEDOUT:
			return skip_error_set(err, SKIP_ERR_TIMEOUT, 0, "%s: %s",
								  this->url, what);
		case CURLE_SSL_CONNECT_ERROR:
		case CURLE_PEER_FAILED_VERIFICATION:
		case CURLE_SSL_CERTPROBLEM:
		case CURLE_SSL_CIPHER:
		case CURLE_SSL_CACERT_BADFILE:
		case CURLE_SSL_ISSUER_ERROR:
		case CURLE_USE_SSL_FAILED:
			return skip_error_set(err, SKIP_ERR_TLS, 0, "%s: %s", this->url,
								  what);
		case CURLE_ABORTED_BY_CALLBACK:
			return skip_error_set(err, SKIP_ERR_CONNECT, 0, "%s: connection "
								  "lost before the answer", this->url);
		case CURLE_WRITE_ERROR:
			if (body->too_large)
			{
				return skip_error_set(err, SKIP_ERR_PROTOCOL, 0,
									  "%s: response body exceeds %d bytes",
									  this->url, SKIP_JSON_BODY_MAX);
			}
			if (body->nomem)
			{
				return skip_error_set(err, SKIP_ERR_NOMEM, 0, "out of memory");
			}
			/* fall through */
		default:
			return skip_error_set(err, SKIP_ERR_INTERNAL, 0, "%s: %s",
								  this->url, what);
	}
}

/**
 * Whether a failed transfer may have put its request on a connection.
 */
static bool request_sent(CURLcode res, prereq_t *prereq)
{
#ifdef HAVE_PREREQ
	(void)res;
	return prereq->sent > 0;
#else
	(void)prereq;
	return res != CURLE_COULDNT_RESOLVE_HOST && res != CURLE_COULDNT_CONNECT;
#endif
}

/**
 * Headers of a request with a JSON body; "Expect:" keeps libcurl from
 * waiting for a 100-continue.
 */
static struct curl_slist *json_headers(void)
{
	struct curl_slist *headers, *more;

	headers = curl_slist_append(NULL, "Content-Type: application/json");
	if (!headers)
	{
		return NULL;
	}
	more = curl_slist_append(headers, "Expect:");
	if (!more)
	{
		curl_slist_free_all(headers);
	}
	return more;
}

/** longest URL of a request: base URL plus escaped IDs in path and query */
#define URL_MAX 4096

/**
 * Longest idle time of a connection a request that must reach the KP at most
 * once goes out on. A server closing an idle connection while our request
 * is on its way makes libcurl resend it, which such a request must not
 * allow: it then fails. Servers close idle connections after 5 s (uvicorn)
 * or more (the reference KP: 10 s); a connection idle for longer than this
 * is replaced first.
 */
#define ONCE_MAX_IDLE_S 2L

/** the same for other requests (libcurl's default; resent if need be) */
#define REPEATABLE_MAX_IDLE_S 118L

/**
 * Send a GET (body NULL) or a POST request.
 */
static skip_status_t perform(private_skip_http_t *this, const char *method,
							 const char *target,
							 const char *post, size_t post_len,
							 unsigned timeout_ms, skip_http_mode_t mode,
							 skip_http_response_t *response, skip_error_t *err)
{
	char errbuf[CURL_ERROR_SIZE] = "", url[URL_MAX];
	prereq_t prereq = { .once = mode == SKIP_HTTP_ONCE };
	body_t body = {};
	bool pooled;
	CURLcode res;
	CURL *curl;
	char *type = NULL, content_type[sizeof(response->content_type)] = "";
	long code = 0;
	int len;

	memset(response, 0, sizeof(*response));
	/* libcurl copies the URL: no allocation of our own per request */
	len = snprintf(url, sizeof(url), "%s%s", this->url, target);
	if (len < 0 || len >= (int)sizeof(url))
	{
		return skip_error_set(err, SKIP_ERR_INVALID_ARG, 0, "URL too long");
	}
	curl = acquire(this, &pooled);
	if (!curl)
	{
		return skip_error_set(err, SKIP_ERR_INTERNAL, 0,
							  "libcurl lacks a required TLS option");
	}
	curl_easy_setopt(curl, CURLOPT_URL, url);
	if (post)
	{	/* libcurl sends the caller's buffer, it does not copy it */
		curl_easy_setopt(curl, CURLOPT_POSTFIELDS, post);
		curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)post_len);
		curl_easy_setopt(curl, CURLOPT_HTTPHEADER, this->json_headers);
	}
	else
	{
		curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
	}
	if (method)
	{
		curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
	}
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, (long)timeout_ms);
	curl_easy_setopt(curl, CURLOPT_MAXAGE_CONN, prereq.once ?
					 ONCE_MAX_IDLE_S : REPEATABLE_MAX_IDLE_S);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
#ifdef HAVE_PREREQ
	curl_easy_setopt(curl, CURLOPT_PREREQDATA, &prereq);
#endif
	res = curl_easy_perform(curl);
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
	if (curl_easy_getinfo(curl, CURLINFO_CONTENT_TYPE, &type) == CURLE_OK &&
		type)
	{
		snprintf(content_type, sizeof(content_type), "%s", type);
	}
	if (method)
	{
		curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, NULL);
	}
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, NULL);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, NULL);
#ifdef HAVE_PREREQ
	curl_easy_setopt(curl, CURLOPT_PREREQDATA, NULL);
#endif
	if (post)
	{	/* the handle is reused: forget the body and the headers */
		curl_easy_setopt(curl, CURLOPT_HTTPHEADER, NULL);
		curl_easy_setopt(curl, CURLOPT_POSTFIELDS, NULL);
		curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
	}
	release(this, pooled, curl);

	response->sent = res == CURLE_OK || request_sent(res, &prereq);
	if (res != CURLE_OK)
	{
		skip_status_t status = map_curl_error(this, res, errbuf, &body, err);

		skip_memwipe(body.buf, body.size);
		free(body.buf);
		return status;
	}
	response->code = code;
	memcpy(response->content_type, content_type, sizeof(content_type));
	response->body = body.buf;
	response->len = body.len;
	return SKIP_OK;
}

static skip_status_t http_get(skip_http_t *public, const char *target,
							  unsigned timeout_ms, skip_http_mode_t mode,
							  skip_http_response_t *response,
							  skip_error_t *err)
{
	return perform((private_skip_http_t*)public, NULL, target, NULL, 0,
				   timeout_ms, mode, response, err);
}

static skip_status_t http_request(skip_http_t *public, const char *method,
								  const char *target, const char *body,
								  size_t len, unsigned timeout_ms,
								  skip_http_response_t *response,
								  skip_error_t *err)
{
	return perform((private_skip_http_t*)public, method, target, body, len,
				   timeout_ms, SKIP_HTTP_ONCE, response, err);
}

static skip_status_t http_post(skip_http_t *public, const char *target,
							   const char *body, size_t len,
							   unsigned timeout_ms, skip_http_mode_t mode,
							   skip_http_response_t *response,
							   skip_error_t *err)
{
	return perform((private_skip_http_t*)public, NULL, target,
				   body ? body : "", len, timeout_ms, mode, response, err);
}

static const char *get_url(skip_http_t *public)
{
	private_skip_http_t *this = (private_skip_http_t*)public;

	return this->url;
}

static void destroy(skip_http_t *public)
{
	private_skip_http_t *this = (private_skip_http_t*)public;
	unsigned i;

	for (i = 0; i < this->idle_count; i++)
	{
		curl_easy_cleanup(this->idle[i]);
	}
	free(this->idle);
	curl_slist_free_all(this->json_headers);
	if (this->share)
	{	/* after its handles */
		curl_share_cleanup(this->share);
	}
	pthread_mutex_destroy(&this->share_mutex);
	pthread_mutex_destroy(&this->mutex);
	skip_memwipe(&this->psk, sizeof(this->psk));
	free(this->url);
	free(this->ca_file);
	free(this->cert_file);
	free(this->key_file);
	free(this);
}

/**
 * Accept https://host[:port][/prefix] without query, fragment or user info:
 * paths and queries are appended by the client.
 */
static char *normalize_url(const char *url, skip_error_t *err)
{
	char *copy;
	size_t len;

	if (!url || strncmp(url, "https://", 8) != 0 || !url[8])
	{
		skip_error_set(err, SKIP_ERR_INVALID_ARG, 0,
					   "KP URL must start with https://");
		return NULL;
	}
	if (strpbrk(url, "?#@ \t\r\n") || !skip_printable(url, strlen(url), 1024))
	{
		skip_error_set(err, SKIP_ERR_INVALID_ARG, 0,
					   "KP URL must be https://host[:port][/path]");
		return NULL;
	}
	copy = strdup(url);
	if (!copy)
	{
		skip_error_set(err, SKIP_ERR_NOMEM, 0, "out of memory");
		return NULL;
	}
	len = strlen(copy);
	while (len > 8 && copy[len - 1] == '/')
	{
		copy[--len] = '\0';
	}
	return copy;
}

static bool dup_optional(const char *in, char **out)
{
	*out = in ? strdup(in) : NULL;
	return !in || *out;
}

skip_http_t *skip_http_create(const skip_kp_config_t *config, skip_error_t *err)
{
	private_skip_http_t *this;

	pthread_once(&curl_once, curl_init);
	if (curl_init_result != CURLE_OK)
	{
		skip_error_set(err, SKIP_ERR_INTERNAL, 0, "libcurl initialization failed");
		return NULL;
	}
	if (config->auth == SKIP_AUTH_PSK && (!config->psk || !config->psk->len))
	{
		skip_error_set(err, SKIP_ERR_INVALID_ARG, 0, "PSK mode needs a PSK");
		return NULL;
	}
	if (config->auth == SKIP_AUTH_CERT && (!config->ca_file ||
										   !*config->ca_file))
	{	/* the system's CA store would trust any public CA with the keys */
		skip_error_set(err, SKIP_ERR_INVALID_ARG, 0, "certificate mode needs "
					   "a CA file to verify the KP with (ca)");
		return NULL;
	}
	if (config->key_file && !config->cert_file)
	{
		skip_error_set(err, SKIP_ERR_INVALID_ARG, 0,
					   "a client key needs a client certificate");
		return NULL;
	}
	this = calloc(1, sizeof(*this));
	if (!this)
	{
		skip_error_set(err, SKIP_ERR_NOMEM, 0, "out of memory");
		return NULL;
	}
	this->public.get = http_get;
	this->public.post = http_post;
	this->public.request = http_request;
	this->public.get_url = get_url;
	this->public.destroy = destroy;
	this->config = *config;
	this->config.psk = NULL;
	if (!this->config.timeout_ms)
	{
		this->config.timeout_ms = SKIP_DEFAULT_TIMEOUT_MS;
	}
	if (!this->config.connect_timeout_ms)
	{
		this->config.connect_timeout_ms = SKIP_DEFAULT_CONNECT_TIMEOUT_MS;
	}
	if (!this->config.connections)
	{
		this->config.connections = SKIP_DEFAULT_CONNECTIONS;
	}
	if (config->auth == SKIP_AUTH_PSK)
	{
		this->psk = *config->psk;
	}
	pthread_mutex_init(&this->mutex, NULL);
	this->url = normalize_url(config->url, err);
	pthread_mutex_init(&this->share_mutex, NULL);
	this->idle = calloc(this->config.connections, sizeof(CURL*));
	this->json_headers = json_headers();
	this->share = create_share(this);
	if (!this->url || !this->idle || !this->json_headers || !this->share ||
		!dup_optional(config->ca_file, &this->ca_file) ||
		!dup_optional(config->cert_file, &this->cert_file) ||
		!dup_optional(config->key_file, &this->key_file))
	{
		if (this->url)
		{
			skip_error_set(err, SKIP_ERR_NOMEM, 0, "out of memory");
		}
		destroy(&this->public);
		return NULL;
	}
	this->config.url = this->url;
	this->config.ca_file = this->ca_file;
	this->config.cert_file = this->cert_file;
	this->config.key_file = this->key_file;
	return &this->public;
}

char *skip_http_escape(const char *value, skip_error_t *err)
{
	char *curl_escaped, *copy;

	curl_escaped = curl_easy_escape(NULL, value, 0);
	if (!curl_escaped)
	{
		skip_error_set(err, SKIP_ERR_NOMEM, 0, "out of memory");
		return NULL;
	}
	copy = strdup(curl_escaped);
	curl_free(curl_escaped);
	if (!copy)
	{
		skip_error_set(err, SKIP_ERR_NOMEM, 0, "out of memory");
	}
	return copy;
}

void skip_http_response_clear(skip_http_response_t *response)
{
	if (response->body)
	{
		skip_memwipe(response->body, response->len);
		free(response->body);
	}
	memset(response, 0, sizeof(*response));
}

skip_status_t skip_http_probe_tls(const skip_kp_config_t *config,
								  const skip_tls_probe_t *probe,
								  char *version, char *suite, size_t len,
								  skip_error_t *err)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	private_skip_http_t *this;
	skip_http_t *http;
	skip_status_t status;
	body_t body = {};
	CURLcode res;
	CURL *curl;

	snprintf(version, len, "none");
	snprintf(suite, len, "none");
	http = skip_http_create(config, err);
	if (!http)
	{
		return err ? err->status : SKIP_ERR_INVALID_ARG;
	}
	this = (private_skip_http_t*)http;
	this->probe = probe;
	curl = create_handle(this);
	if (!curl)
	{
		destroy(http);
		return skip_error_set(err, SKIP_ERR_INTERNAL, 0,
							  "libcurl lacks a required TLS option");
	}
	curl_easy_setopt(curl, CURLOPT_URL, this->url);
	curl_easy_setopt(curl, CURLOPT_CONNECT_ONLY, 1L);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, (long)this->config.timeout_ms);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
	res = curl_easy_perform(curl);
	if (res == CURLE_OK)
	{
		snprintf(version, len, "%s", this->probe_version);
		snprintf(suite, len, "%s", this->probe_suite);
		status = SKIP_OK;
	}
	else if (this->probe_unsupported)
	{
		status = skip_error_set(err, SKIP_ERR_INVALID_ARG, 0, "this OpenSSL "
								"cannot offer the versions and suites asked for");
	}
	else
	{
		status = map_curl_error(this, res, errbuf, &body, err);
	}
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, NULL);
	curl_easy_cleanup(curl);
	destroy(http);
	return status;
}
