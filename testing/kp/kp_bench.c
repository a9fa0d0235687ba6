/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * skip-kp-bench: load generator for a KP (see scripts/bench-kp.sh). Clients
 * in threads send GET requests over TLS 1.3 with an external PSK, with
 * keep-alive or a new connection per request, for a given time, and print
 * the rate. With --fetch-port every new key is also fetched by keyId from
 * the peer KP (both halves of a SKIP exchange). With --cert the clients
 * authenticate with a certificate instead (ETSI GS QKD 014 SAEs), and with
 * --etsi-master the keys of enc_keys answers are fetched by dec_keys.
 */

#include <skip_tls.h>
#include <skip_key.h>

#include <curl/curl.h>
#include <json-c/json.h>

#include <arpa/inet.h>
#include <getopt.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CLIENTS 256

typedef struct {
	unsigned port;
	skip_psk_t psk;
	/** client certificate and key, NULL for PSK */
	const char *cert;
	const char *key;
} target_t;

static struct {
	target_t kp;
	target_t fetch;
	bool do_fetch;
	const char *path;
	const char *remote;
	/** fetch by ETSI 014 dec_keys from this master SAE, NULL for SKIP */
	const char *etsi_master;
	bool fresh;
	double seconds;
} opts = { .seconds = 3 };

typedef struct {
	pthread_t thread;
	unsigned long ok;
	unsigned long errors;
} client_t;

typedef struct {
	char buf[8192];
	size_t len;
} body_t;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static size_t write_cb(char *data, size_t size, size_t nmemb, void *arg)
{
	body_t *body = arg;
	size_t n = size * nmemb;

	if (body->len + n >= sizeof(body->buf))
	{
		return 0;
	}
	memcpy(body->buf + body->len, data, n);
	body->len += n;
	body->buf[body->len] = '\0';
	return n;
}

static CURLcode ssl_ctx_cb(CURL *curl, void *ctx, void *arg)
{
	return skip_tls_client_use_psk(ctx, arg) ? CURLE_OK
											 : CURLE_SSL_CONNECT_ERROR;
}

static CURL *make_handle(target_t *target, body_t *body)
{
	CURL *curl = curl_easy_init();

	if (!curl)
	{
		return NULL;
	}
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 5000L);
	curl_easy_setopt(curl, CURLOPT_SSLVERSION,
					 (long)(CURL_SSLVERSION_TLSv1_3 |
							CURL_SSLVERSION_MAX_TLSv1_3));
	curl_easy_setopt(curl, CURLOPT_TLS13_CIPHERS, SKIP_TLS13_SUITE);
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
	curl_easy_setopt(curl, CURLOPT_SSL_SESSIONID_CACHE, 0L);
	if (target->cert)
	{
		curl_easy_setopt(curl, CURLOPT_SSLCERT, target->cert);
		curl_easy_setopt(curl, CURLOPT_SSLKEY, target->key);
	}
	else
	{
		curl_easy_setopt(curl, CURLOPT_SSL_CTX_FUNCTION, ssl_ctx_cb);
		curl_easy_setopt(curl, CURLOPT_SSL_CTX_DATA, &target->psk);
	}
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, body);
	if (opts.fresh)
	{
		curl_easy_setopt(curl, CURLOPT_FORBID_REUSE, 1L);
		curl_easy_setopt(curl, CURLOPT_FRESH_CONNECT, 1L);
	}
	return curl;
}

static bool get(CURL *curl, body_t *body, unsigned port, const char *path)
{
	char url[512];
	long code = 0;

	snprintf(url, sizeof(url), "https://127.0.0.1:%u%s", port, path);
	body->len = 0;
	curl_easy_setopt(curl, CURLOPT_URL, url);
	if (curl_easy_perform(curl) != CURLE_OK)
	{
		return false;
	}
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
	return code == 200;
}

/**
 * The keyId of a key answer (SKIP), or the key_ID of the first key of a
 * key container (ETSI 014), fetched from the peer KP.
 */
static bool fetch(CURL *curl, body_t *body, const char *answer)
{
	json_object *obj, *id, *keys;
	char path[512];
	bool ok = false;

	obj = json_tokener_parse(answer);
	if (opts.etsi_master)
	{
		if (obj && json_object_object_get_ex(obj, "keys", &keys) &&
			json_object_is_type(keys, json_type_array) &&
			json_object_array_length(keys) &&
			json_object_object_get_ex(json_object_array_get_idx(keys, 0),
									  "key_ID", &id))
		{
			snprintf(path, sizeof(path), "/api/v1/keys/%s/dec_keys?key_ID=%s",
					 opts.etsi_master, json_object_get_string(id));
			ok = true;
		}
	}
	else if (obj && json_object_object_get_ex(obj, "keyId", &id))
	{
		snprintf(path, sizeof(path), "/key/%s?remoteSystemID=%s",
				 json_object_get_string(id), opts.remote);
		ok = true;
	}
	json_object_put(obj);
	return ok && get(curl, body, opts.fetch.port, path);
}

static void *run(void *arg)
{
	client_t *client = arg;
	body_t body, other;
	CURL *curl, *peer = NULL;
	double end = now() + opts.seconds;

	curl = make_handle(&opts.kp, &body);
	if (opts.do_fetch)
	{
		peer = make_handle(&opts.fetch, &other);
	}
	while (curl && now() < end)
	{
		if (get(curl, &body, opts.kp.port, opts.path) &&
			(!peer || fetch(peer, &other, body.buf)))
		{
			client->ok++;
		}
		else
		{
			client->errors++;
		}
		skip_memwipe(body.buf, body.len);
	}
	curl_easy_cleanup(curl);
	if (peer)
	{
		curl_easy_cleanup(peer);
	}
	return NULL;
}

static void usage(FILE *out)
{
	fprintf(out,
"usage: skip-kp-bench --port PORT --psk-identity ID --psk-file FILE\n"
"                     [--seconds S] [--clients N] [--new-connection]\n"
"                     [--fetch-port PORT --fetch-identity ID --fetch-psk FILE\n"
"                      --fetch-remote SYSTEM-ID] PATH\n"
"       certificate clients (ETSI 014 SAEs): --cert FILE --key FILE instead\n"
"       of the PSK, --fetch-cert FILE --fetch-key FILE instead of the fetch\n"
"       PSK, --etsi-master SAE-ID to fetch by dec_keys\n"
"       skip-kp-bench --free-port\n"
"Prints requests=N errors=N seconds=S rate=R (successful requests per s).\n");
}

static unsigned free_port(void)
{
	struct sockaddr_in addr = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	socklen_t len = sizeof(addr);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0 || bind(fd, (struct sockaddr*)&addr, sizeof(addr)) ||
		getsockname(fd, (struct sockaddr*)&addr, &len))
	{
		return 0;
	}
	close(fd);
	return ntohs(addr.sin_port);
}

int main(int argc, char *argv[])
{
	static const struct option options[] = {
		{ "port", required_argument, NULL, 'p' },
		{ "psk-identity", required_argument, NULL, 'i' },
		{ "psk-file", required_argument, NULL, 'f' },
		{ "fetch-port", required_argument, NULL, 'P' },
		{ "fetch-identity", required_argument, NULL, 'I' },
		{ "fetch-psk", required_argument, NULL, 'F' },
		{ "fetch-remote", required_argument, NULL, 'r' },
		{ "cert", required_argument, NULL, 'C' },
		{ "key", required_argument, NULL, 'K' },
		{ "fetch-cert", required_argument, NULL, 'D' },
		{ "fetch-key", required_argument, NULL, 'E' },
		{ "etsi-master", required_argument, NULL, 'm' },
		{ "seconds", required_argument, NULL, 's' },
		{ "clients", required_argument, NULL, 'c' },
		{ "new-connection", no_argument, NULL, 'n' },
		{ "free-port", no_argument, NULL, 'x' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *identity = NULL, *file = NULL;
	const char *fetch_identity = NULL, *fetch_file = NULL;
	client_t clients[MAX_CLIENTS] = {};
	unsigned long ok = 0, errors = 0;
	unsigned count = 1, i;
	char err[256];
	double start, elapsed;
	int opt;

	while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1)
	{
		switch (opt)
		{
			case 'p':
				opts.kp.port = (unsigned)atoi(optarg);
				break;
			case 'i':
				identity = optarg;
				break;
			case 'f':
				file = optarg;
				break;
			case 'P':
				opts.fetch.port = (unsigned)atoi(optarg);
				opts.do_fetch = true;
				break;
			case 'I':
				fetch_identity = optarg;
				break;
			case 'F':
				fetch_file = optarg;
				break;
			case 'r':
				opts.remote = optarg;
				break;
			case 'C':
				opts.kp.cert = optarg;
				break;
			case 'K':
				opts.kp.key = optarg;
				break;
			case 'D':
				opts.fetch.cert = optarg;
				break;
			case 'E':
				opts.fetch.key = optarg;
				break;
			case 'm':
				opts.etsi_master = optarg;
				opts.remote = optarg;
				break;
			case 's':
				opts.seconds = atof(optarg);
				break;
			case 'c':
				count = (unsigned)atoi(optarg);
				break;
			case 'n':
				opts.fresh = true;
				break;
			case 'x':
				printf("%u\n", free_port());
				return 0;
			case 'h':
				usage(stdout);
				return 0;
			default:
				usage(stderr);
				return 2;
		}
	}
	if (optind + 1 != argc || !opts.kp.port ||
		(opts.kp.cert ? !opts.kp.key : (!identity || !file)) ||
		!count || count > MAX_CLIENTS || opts.seconds <= 0 ||
		(opts.do_fetch && (!opts.remote || (opts.fetch.cert ?
						   !opts.fetch.key : (!fetch_identity || !fetch_file)))))
	{
		usage(stderr);
		return 2;
	}
	opts.path = argv[optind];
	if ((!opts.kp.cert &&
		 !skip_psk_load(file, identity, &opts.kp.psk, err, sizeof(err))) ||
		(opts.do_fetch && !opts.fetch.cert &&
		 !skip_psk_load(fetch_file, fetch_identity, &opts.fetch.psk, err,
						sizeof(err))))
	{
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	start = now();
	for (i = 0; i < count; i++)
	{
		if (pthread_create(&clients[i].thread, NULL, run, &clients[i]) != 0)
		{
			fprintf(stderr, "cannot start client threads\n");
			return 1;
		}
	}
	for (i = 0; i < count; i++)
	{
		pthread_join(clients[i].thread, NULL);
		ok += clients[i].ok;
		errors += clients[i].errors;
	}
	elapsed = now() - start;
	printf("requests=%lu errors=%lu seconds=%.2f rate=%.0f\n", ok, errors,
		   elapsed, ok / elapsed);
	skip_memwipe(&opts, sizeof(opts));
	curl_global_cleanup();
	return errors && !ok;
}
