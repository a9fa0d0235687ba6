/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "kpt.h"
#include "test_support.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/ssl.h>

/** the credential directory and who made it */
static char dir[64];
static pid_t owner;

void kpt_init(void)
{
	snprintf(dir, sizeof(dir), "/tmp/skip-kp-tests-XXXXXX");
	if (!mkdtemp(dir))
	{
		perror("mkdtemp");
		exit(1);
	}
	owner = getpid();
	/* tests write to connections the KP closed */
	signal(SIGPIPE, SIG_IGN);
	if (!test_make_credentials(dir))
	{
		fprintf(stderr, "cannot make credentials in %s\n", dir);
		exit(1);
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

void kpt_cleanup(void)
{
	char cmd[128];

	if (dir[0] && getpid() == owner && !getenv("KPT_KEEP"))
	{
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
		{
			fprintf(stderr, "cannot remove %s\n", dir);
		}
	}
}

const char *kpt_path(const char *name)
{
	static char buf[16][300];
	static int next;
	char *path = buf[next++ % 16];

	snprintf(path, sizeof(buf[0]), "%s/%s", dir, name);
	return path;
}

const char *kpt_tmpdir(const char *prefix)
{
	static char buf[4][300];
	static int next;
	char *path = buf[next++ % 4];

	snprintf(path, sizeof(buf[0]), "%s/%s-XXXXXX", dir, prefix);
	ck_assert_ptr_nonnull(mkdtemp(path));
	return path;
}

const char *kpt_kp_binary(void)
{
	static char path[PATH_MAX];
	char self[PATH_MAX];
	ssize_t len;

	if (getenv("SKIP_KP"))
	{
		return getenv("SKIP_KP");
	}
	/* this program is testing/kp/tests/kp_tests, the KP testing/kp/skip-kp */
	len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (len <= 0)
	{
		return "testing/kp/skip-kp";
	}
	self[len] = '\0';
	snprintf(path, sizeof(path), "%s/../skip-kp", dirname(self));
	return path;
}

void kpt_kp_init(kpt_kp_t *kp, const char *name)
{
	memset(kp, 0, sizeof(*kp));
	snprintf(kp->name, sizeof(kp->name), "%s", name);
	kp->port = test_free_port();
	kp->sync_port = test_free_port();
	snprintf(kp->log, sizeof(kp->log), "%s/kp-%s-%d.log", dir, name,
			 (int)getpid());
	unlink(kp->log);
	kp->argv[kp->argc++] = strdup(kpt_kp_binary());
}

void kpt_kp_arg(kpt_kp_t *kp, const char *fmt, ...)
{
	va_list args;
	char *arg;

	ck_assert_int_lt(kp->argc, KPT_ARGS_MAX);
	va_start(args, fmt);
	ck_assert_int_ge(vasprintf(&arg, fmt, args), 0);
	va_end(args);
	kp->argv[kp->argc++] = arg;
	kp->argv[kp->argc] = NULL;
}

void kpt_pair_init(kpt_kp_t kps[2])
{
	kpt_pair_init_peers(kps, "Bob", "Alice");
}

void kpt_pair_start(kpt_kp_t kps[2])
{
	kpt_pair_init(kps);
	kpt_kp_start(&kps[0]);
	kpt_kp_start(&kps[1]);
}

void kpt_pair_free(kpt_kp_t kps[2])
{
	kpt_kp_free(&kps[0]);
	kpt_kp_free(&kps[1]);
}

void kpt_pair_init_peers(kpt_kp_t kps[2], const char *alice_peer,
						 const char *bob_peer)
{
	static const char *names[] = { "Alice", "Bob" };
	static const char *letters[] = { "a", "b" };
	const char *peers[] = { alice_peer, bob_peer };
	int i;

	kpt_kp_init(&kps[0], names[0]);
	kpt_kp_init(&kps[1], names[1]);
	for (i = 0; i < 2; i++)
	{
		kpt_kp_t *kp = &kps[i], *other = &kps[!i];

		kpt_kp_arg(kp, "--system-id");
		kpt_kp_arg(kp, "%s", kp->name);
		kpt_kp_arg(kp, "--listen");
		kpt_kp_arg(kp, "127.0.0.1:%u", kp->port);
		if (peers[i])
		{	/* else the test adds its peers (DSKE) */
			kpt_kp_arg(kp, "--sync-listen");
			kpt_kp_arg(kp, "127.0.0.1:%u", kp->sync_port);
			kpt_kp_arg(kp, "--peer");
			kpt_kp_arg(kp, "%s,127.0.0.1:%u,%s", peers[i], other->sync_port,
					   kpt_path("kp-sync.psk"));
		}
		kpt_kp_arg(kp, "--client-psk");
		kpt_kp_arg(kp, "gw-%s:%s/gw-%s.psk", letters[i], dir, letters[i]);
		kpt_kp_arg(kp, "--cert");
		kpt_kp_arg(kp, "%s/kp-%s.pem", dir, letters[i]);
		kpt_kp_arg(kp, "--key");
		kpt_kp_arg(kp, "%s/kp-%s.key", dir, letters[i]);
		kpt_kp_arg(kp, "--ca");
		kpt_kp_arg(kp, "%s", kpt_path("ca.pem"));
		kpt_kp_arg(kp, "-v");
		kpt_kp_arg(kp, "--test-mode");
	}
}

static pid_t spawn(kpt_kp_t *kp)
{
	kp->argv[kp->argc] = NULL;
	return test_spawn(kp->argv, kp->log);
}

void kpt_kp_start(kpt_kp_t *kp)
{
	ck_assert_int_eq(kp->pid, 0);
	kp->pid = spawn(kp);
	test_wait_listening(kp->pid, kp->port, kp->log);
}

int kpt_kp_run(kpt_kp_t *kp)
{
	return test_wait_exit(spawn(kp), 1000);
}

void kpt_kp_stop(kpt_kp_t *kp, int sig)
{
	if (kp->pid > 0)
	{
		test_stop(kp->pid, sig);
		kp->pid = 0;
	}
}

int kpt_log_count(kpt_kp_t *kp, const char *needle)
{
	char line[4096];
	int count = 0;
	FILE *file;

	file = fopen(kp->log, "r");
	if (!file)
	{
		return 0;
	}
	while (fgets(line, sizeof(line), file))
	{
		count += strstr(line, needle) != NULL;
	}
	fclose(file);
	return count;
}

bool kpt_log_has(kpt_kp_t *kp, const char *needle)
{
	return kpt_log_count(kp, needle) > 0;
}

void kpt_kp_free(kpt_kp_t *kp)
{
	int i;

	kpt_kp_stop(kp, SIGTERM);
	for (i = 0; i < kp->argc; i++)
	{
		free(kp->argv[i]);
	}
	kp->argc = 0;
}

void kpt_client_psk(kpt_client_t *client, unsigned port, const char *identity,
					const char *psk_file)
{
	char err[256];

	memset(client, 0, sizeof(*client));
	client->mode = KPT_PSK;
	client->port = port;
	client->timeout_ms = 3000;
	ck_assert_msg(skip_psk_load(kpt_path(psk_file), identity, &client->psk,
								err, sizeof(err)), "%s", err);
}

void kpt_client_cert(kpt_client_t *client, unsigned port, const char *ca,
					 const char *cert, const char *key)
{
	memset(client, 0, sizeof(*client));
	client->mode = KPT_CERT;
	client->port = port;
	client->timeout_ms = 3000;
	snprintf(client->ca, sizeof(client->ca), "%s", kpt_path(ca));
	if (cert)
	{
		snprintf(client->cert, sizeof(client->cert), "%s", kpt_path(cert));
		snprintf(client->key, sizeof(client->key), "%s", kpt_path(key));
	}
}

void kpt_client_gw(kpt_client_t *client, kpt_kp_t *kp, int side,
				   kpt_mode_t mode)
{
	if (mode == KPT_PSK)
	{
		kpt_client_psk(client, kp->port, side ? "gw-b" : "gw-a",
					   side ? "gw-b.psk" : "gw-a.psk");
	}
	else
	{
		kpt_client_cert(client, kp->port, "ca.pem",
						side ? "gw-b.pem" : "gw-a.pem",
						side ? "gw-b.key" : "gw-a.key");
	}
}

static CURLcode ssl_ctx_cb(CURL *curl, void *ctx, void *arg)
{
	kpt_client_t *client = arg;

	return skip_tls_client_use_psk(ctx, &client->psk) ? CURLE_OK
													   : CURLE_SSL_CONNECT_ERROR;
}

typedef struct {
	kpt_resp_t *resp;
	CURL *curl;
} write_ctx_t;

/**
 * While data arrives the connection is alive: note its TLS parameters.
 */
static void note_tls(CURL *curl, kpt_resp_t *resp)
{
	const struct curl_tlssessioninfo *info = NULL;
	SSL *ssl;

	if (resp->tls_version[0] ||
		curl_easy_getinfo(curl, CURLINFO_TLS_SSL_PTR, &info) != CURLE_OK ||
		!info || info->backend != CURLSSLBACKEND_OPENSSL || !info->internals)
	{
		return;
	}
	ssl = info->internals;
	snprintf(resp->tls_version, sizeof(resp->tls_version), "%s",
			 SSL_get_version(ssl));
	snprintf(resp->cipher, sizeof(resp->cipher), "%s", SSL_get_cipher(ssl));
}

static size_t write_cb(char *data, size_t size, size_t nmemb, void *arg)
{
	write_ctx_t *ctx = arg;
	kpt_resp_t *resp = ctx->resp;
	size_t n = size * nmemb;

	note_tls(ctx->curl, resp);
	if (resp->len + n >= sizeof(resp->body))
	{
		return 0;
	}
	memcpy(resp->body + resp->len, data, n);
	resp->len += n;
	resp->body[resp->len] = '\0';
	return n;
}

static size_t header_cb(char *data, size_t size, size_t nmemb, void *arg)
{
	write_ctx_t *ctx = arg;
	size_t n = size * nmemb;

	note_tls(ctx->curl, ctx->resp);
	if (n > 14 && strncasecmp(data, "Content-Type:", 13) == 0)
	{
		snprintf(ctx->resp->content_type, sizeof(ctx->resp->content_type),
				 "%.*s", (int)strcspn(data + 13, "\r\n") - 1, data + 14);
	}
	return n;
}

static void setup(kpt_client_t *client)
{
	CURL *curl = client->curl;

	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	/* paths are sent as they are, "/key/.." too */
	curl_easy_setopt(curl, CURLOPT_PATH_AS_IS, 1L);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, client->timeout_ms);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, client->timeout_ms);
	curl_easy_setopt(curl, CURLOPT_SSLVERSION, client->ssl_version ?:
					 (long)(CURL_SSLVERSION_TLSv1_3 |
							CURL_SSLVERSION_MAX_TLSv1_3));
	curl_easy_setopt(curl, CURLOPT_TLS13_CIPHERS,
					 client->tls13_ciphers ?: SKIP_TLS13_SUITE);
	curl_easy_setopt(curl, CURLOPT_SSL_CIPHER_LIST, client->ciphers ?:
					 (client->mode == KPT_PSK ? SKIP_TLS12_PSK_SUITES
											  : SKIP_TLS12_CERT_SUITES));
	if (client->mode == KPT_PSK)
	{	/* the PSK authenticates the KP; any certificate is refused */
		curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
		curl_easy_setopt(curl, CURLOPT_SSL_SESSIONID_CACHE, 0L);
		curl_easy_setopt(curl, CURLOPT_SSL_CTX_FUNCTION, ssl_ctx_cb);
		curl_easy_setopt(curl, CURLOPT_SSL_CTX_DATA, client);
	}
	else
	{
		curl_easy_setopt(curl, CURLOPT_CAINFO, client->ca);
		if (client->cert[0])
		{
			curl_easy_setopt(curl, CURLOPT_SSLCERT, client->cert);
			curl_easy_setopt(curl, CURLOPT_SSLKEY, client->key);
		}
	}
	if (client->header)
	{	/* the list must live as long as the request: kept in the client */
		static struct curl_slist *list;

		curl_slist_free_all(list);
		list = curl_slist_append(NULL, client->header);
		curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
	}
	else
	{
		curl_easy_setopt(curl, CURLOPT_HTTPHEADER, NULL);
	}
	if (client->fresh)
	{
		curl_easy_setopt(curl, CURLOPT_FORBID_REUSE, 1L);
		curl_easy_setopt(curl, CURLOPT_FRESH_CONNECT, 1L);
	}
}

static void vrequest(kpt_client_t *client, kpt_resp_t *resp,
					 const char *method, const char *body, const char *fmt,
					 va_list args)
{
	char path[4096], url[4200];
	write_ctx_t ctx = { .resp = resp };
	long start;

	memset(resp, 0, sizeof(*resp));
	vsnprintf(path, sizeof(path), fmt, args);
	snprintf(url, sizeof(url), "https://127.0.0.1:%u%s", client->port, path);
	snprintf(resp->what, sizeof(resp->what), "%s %.180s", method, path);
	if (!client->curl)
	{
		client->curl = curl_easy_init();
		ck_assert_ptr_nonnull(client->curl);
	}
	ctx.curl = client->curl;
	setup(client);
	curl_easy_setopt(client->curl, CURLOPT_URL, url);
	curl_easy_setopt(client->curl, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(client->curl, CURLOPT_WRITEDATA, &ctx);
	curl_easy_setopt(client->curl, CURLOPT_HEADERFUNCTION, header_cb);
	curl_easy_setopt(client->curl, CURLOPT_HEADERDATA, &ctx);
	if (body)
	{
		curl_easy_setopt(client->curl, CURLOPT_POSTFIELDSIZE,
						 (long)strlen(body));
		curl_easy_setopt(client->curl, CURLOPT_POSTFIELDS, body);
	}
	else
	{
		curl_easy_setopt(client->curl, CURLOPT_HTTPGET, 1L);
	}
	curl_easy_setopt(client->curl, CURLOPT_NOBODY,
					 strcmp(method, "HEAD") == 0 ? 1L : 0L);
	curl_easy_setopt(client->curl, CURLOPT_CUSTOMREQUEST,
					 strcmp(method, "GET") == 0 ? NULL : method);
	start = test_now_ms();
	resp->result = curl_easy_perform(client->curl);
	resp->ms = test_now_ms() - start;
	curl_easy_getinfo(client->curl, CURLINFO_RESPONSE_CODE, &resp->code);
	resp->json = json_tokener_parse(resp->body);
	if (resp->json && !json_object_is_type(resp->json, json_type_object))
	{
		json_object_put(resp->json);
		resp->json = NULL;
	}
}

void kpt_request(kpt_client_t *client, kpt_resp_t *resp, const char *method,
				 const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	vrequest(client, resp, method, NULL, fmt, args);
	va_end(args);
}

void kpt_request_body(kpt_client_t *client, kpt_resp_t *resp,
					  const char *method, const char *body,
					  const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	vrequest(client, resp, method, body, fmt, args);
	va_end(args);
}

void kpt_client_free(kpt_client_t *client)
{
	if (client->curl)
	{
		curl_easy_cleanup(client->curl);
		client->curl = NULL;
	}
}

void kpt_resp_clear(kpt_resp_t *resp)
{
	if (resp->json)
	{
		json_object_put(resp->json);
		resp->json = NULL;
	}
}

const char *kpt_json_str(kpt_resp_t *resp, const char *name)
{
	json_object *value;

	if (!resp->json || !json_object_object_get_ex(resp->json, name, &value) ||
		!json_object_is_type(value, json_type_string))
	{
		return NULL;
	}
	return json_object_get_string(value);
}

void kpt_assert_error(kpt_resp_t *resp, long code, const char *needle)
{
	json_object *status;
	const char *message;

	ck_assert_msg(resp->result == CURLE_OK, "%s: transfer failed: %s",
				  resp->what, curl_easy_strerror(resp->result));
	ck_assert_msg(resp->code == code, "%s: expected %ld, got %ld: %s",
				  resp->what, code, resp->code, resp->body);
	ck_assert_str_eq(resp->content_type, "application/json");
	ck_assert_msg(resp->json, "error body is not JSON: %s", resp->body);
	ck_assert_int_eq(json_object_object_length(resp->json), 2);
	ck_assert(json_object_object_get_ex(resp->json, "status", &status));
	ck_assert(json_object_is_type(status, json_type_int));
	ck_assert_int_eq(json_object_get_int(status), code);
	message = kpt_json_str(resp, "message");
	ck_assert_ptr_nonnull(message);
	ck_assert_msg(!needle || strstr(message, needle), "'%s' not in '%s'",
				  needle, message);
}

void kpt_expect_key(kpt_client_t *client, const char *key_hex,
					const char *fmt, ...)
{
	kpt_resp_t resp;
	va_list args;

	va_start(args, fmt);
	vrequest(client, &resp, "GET", NULL, fmt, args);
	va_end(args);
	ck_assert_msg(resp.code == 200, "%s: %ld %s (%s)", resp.what, resp.code,
				  resp.body, curl_easy_strerror(resp.result));
	ck_assert_str_eq(kpt_json_str(&resp, "key"), key_hex);
	kpt_resp_clear(&resp);
}

void kpt_expect_error(kpt_client_t *client, long code, const char *needle,
					  const char *fmt, ...)
{
	kpt_resp_t resp;
	va_list args;

	va_start(args, fmt);
	vrequest(client, &resp, "GET", NULL, fmt, args);
	va_end(args);
	kpt_assert_error(&resp, code, needle);
	kpt_resp_clear(&resp);
}

void kpt_faults(kpt_kp_t *kp, const char *spec)
{
	kpt_client_t client;
	kpt_resp_t resp;

	kpt_client_cert(&client, kp->port, "ca.pem",
					strcmp(kp->name, "Bob") ? "gw-a.pem" : "gw-b.pem",
					strcmp(kp->name, "Bob") ? "gw-a.key" : "gw-b.key");
	kpt_request_body(&client, &resp, "POST", spec, "/test/faults");
	ck_assert_msg(resp.code == 200, "setting faults '%s': %ld %s", spec,
				  resp.code, resp.body);
	kpt_resp_clear(&resp);
	kpt_client_free(&client);
}

void kpt_get_key(kpt_client_t *client, const char *remote, char *key_id,
				 char *key_hex)
{
	kpt_resp_t resp;

	kpt_request(client, &resp, "GET", "/key?remoteSystemID=%s", remote);
	ck_assert_msg(resp.code == 200, "GET /key: %ld %s (%s)", resp.code,
				  resp.body, curl_easy_strerror(resp.result));
	ck_assert_ptr_nonnull(kpt_json_str(&resp, "keyId"));
	ck_assert_ptr_nonnull(kpt_json_str(&resp, "key"));
	strcpy(key_id, kpt_json_str(&resp, "keyId"));
	strcpy(key_hex, kpt_json_str(&resp, "key"));
	kpt_resp_clear(&resp);
}
