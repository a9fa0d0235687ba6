/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * Synchronization between KPs and authorization: glob peer entries, which
 * encryptor may use which remote system, the sync endpoint's checks, many
 * encryptors at once, expiry of unfetched keys.
 */

#include "kpt.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/ssl.h>

static kpt_kp_t kps[2];

static json_object *remotes(kpt_resp_t *resp)
{
	json_object *array;

	ck_assert_int_eq(resp->code, 200);
	ck_assert(json_object_object_get_ex(resp->json, "remoteSystemID",
										&array));
	ck_assert(json_object_is_type(array, json_type_array));
	return array;
}

static const char *remote(json_object *array, size_t i)
{
	return json_object_get_string(json_object_array_get_idx(array, i));
}

/**
 * Glob peer entries: capabilities show the glob, a request's system ID is
 * matched against it, the sync message names origin and target.
 */
START_TEST(test_glob_peers)
{
	kpt_client_t alice, bob;
	kpt_resp_t resp;
	json_object *array;
	char key_id[200], key[200];

	kpt_pair_init_peers(kps, "B*", "Al[a-z]ce");
	kpt_kp_start(&kps[0]);
	kpt_kp_start(&kps[1]);
	kpt_client_gw(&alice, &kps[0], 0, KPT_PSK);
	kpt_client_gw(&bob, &kps[1], 1, KPT_PSK);

	kpt_request(&alice, &resp, "GET", "/capabilities");
	array = remotes(&resp);
	ck_assert_int_eq(json_object_array_length(array), 1);
	ck_assert_str_eq(remote(array, 0), "B*");
	kpt_resp_clear(&resp);

	kpt_get_key(&alice, "Bob", key_id, key);
	kpt_expect_key(&bob, key, "/key/%s?remoteSystemID=Alice", key_id);

	/* Bert matches B*, but the KP behind the entry is Bob's: it refuses
	 * keys for another target, so no key exists anywhere */
	kpt_expect_error(&alice, 500, "unknown target system 'Bert'",
					 "/key?remoteSystemID=Bert");
	ck_assert(kpt_log_has(&kps[1], "sent keys for 'Bert', not for us"));
	/* a glob is not a system ID */
	kpt_expect_error(&alice, 400, "invalid remoteSystemID",
					 "/key?remoteSystemID=B*");
	kpt_expect_error(&alice, 400, "unknown remote system",
					 "/key?remoteSystemID=Carol");
	/* Bob's entry Al[a-z]ce covers Alice, not Al1ce */
	kpt_expect_error(&bob, 400, "unknown remote system",
					 "/key/%s?remoteSystemID=Al1ce", key_id);
	ck_assert_int_eq(kpt_log_count(&kps[1], "stored key"), 1);
	kpt_client_free(&alice);
	kpt_client_free(&bob);
	kpt_pair_free(kps);
}
END_TEST

/**
 * An encryptor may only use the remote systems it is allowed, and its
 * capabilities list only those.
 */
START_TEST(test_authorization)
{
	kpt_client_t a_psk, a_cert, c_psk, b_psk, b_cert;
	kpt_resp_t resp;
	json_object *array;
	char key_id[200], key[200];

	kpt_pair_init(kps);
	kpt_kp_arg(&kps[0], "--client-psk");
	kpt_kp_arg(&kps[0], "gw-c:%s", kpt_path("gw-c.psk"));
	kpt_kp_arg(&kps[0], "--peer");
	kpt_kp_arg(&kps[0], "C*,127.0.0.1:%u,%s", test_free_port(),
			   kpt_path("carol-sync.psk"));
	kpt_kp_arg(&kps[0], "--allow");
	kpt_kp_arg(&kps[0], "psk:gw-a,Bob");
	kpt_kp_arg(&kps[0], "--allow");
	kpt_kp_arg(&kps[0], "psk:gw-c,Carol,Cy");
	kpt_kp_arg(&kps[0], "--allow");
	kpt_kp_arg(&kps[0], "cert:*,*");
	kpt_kp_arg(&kps[1], "--allow");
	kpt_kp_arg(&kps[1], "psk:gw-b,Carol");
	kpt_kp_arg(&kps[1], "--allow");
	kpt_kp_arg(&kps[1], "cert:/CN=gw-b,Al*");
	kpt_kp_start(&kps[0]);
	kpt_kp_start(&kps[1]);
	kpt_client_gw(&a_psk, &kps[0], 0, KPT_PSK);
	kpt_client_gw(&a_cert, &kps[0], 0, KPT_CERT);
	kpt_client_psk(&c_psk, kps[0].port, "gw-c", "gw-c.psk");
	kpt_client_gw(&b_psk, &kps[1], 1, KPT_PSK);
	kpt_client_gw(&b_cert, &kps[1], 1, KPT_CERT);

	/* gw-a (PSK): Bob only */
	kpt_request(&a_psk, &resp, "GET", "/capabilities");
	array = remotes(&resp);
	ck_assert_int_eq(json_object_array_length(array), 1);
	ck_assert_str_eq(remote(array, 0), "Bob");
	kpt_resp_clear(&resp);
	kpt_expect_error(&a_psk, 400, "unknown remote system",
					 "/key?remoteSystemID=Carol");
	kpt_get_key(&a_psk, "Bob", key_id, key);

	/* gw-c: the narrower globs inside C*, not Bob */
	kpt_request(&c_psk, &resp, "GET", "/capabilities");
	array = remotes(&resp);
	ck_assert_int_eq(json_object_array_length(array), 2);
	ck_assert_str_eq(remote(array, 0), "Carol");
	ck_assert_str_eq(remote(array, 1), "Cy");
	kpt_resp_clear(&resp);
	kpt_expect_error(&c_psk, 400, "unknown remote system",
					 "/key?remoteSystemID=Bob");
	kpt_expect_error(&c_psk, 400, "unknown remote system",
					 "/key?remoteSystemID=Cx");
	/* Carol is allowed (her KP is not running: 500, not 400) */
	kpt_expect_error(&c_psk, 500, "synchronization failed",
					 "/key?remoteSystemID=Carol");

	/* certificate clients: everything */
	kpt_request(&a_cert, &resp, "GET", "/capabilities");
	array = remotes(&resp);
	ck_assert_int_eq(json_object_array_length(array), 2);
	ck_assert_str_eq(remote(array, 0), "Bob");
	ck_assert_str_eq(remote(array, 1), "C*");
	kpt_resp_clear(&resp);

	/* at Bob, gw-b (PSK) may not fetch keys from Alice; the key stays
	 * for the encryptor that may */
	kpt_expect_error(&b_psk, 400, "unknown remote system",
					 "/key/%s?remoteSystemID=Alice", key_id);
	kpt_request(&b_psk, &resp, "GET", "/capabilities");
	array = remotes(&resp);
	ck_assert_int_eq(json_object_array_length(array), 0);
	kpt_resp_clear(&resp);
	kpt_expect_key(&b_cert, key, "/key/%s?remoteSystemID=Alice", key_id);
	ck_assert(kpt_log_has(&kps[1], "psk:gw-b may not share keys with "
						  "'Alice'"));

	kpt_client_free(&a_psk);
	kpt_client_free(&a_cert);
	kpt_client_free(&c_psk);
	kpt_client_free(&b_psk);
	kpt_client_free(&b_cert);
	kpt_pair_free(kps);
}
END_TEST

static void sync_body(char *buf, size_t len, const char *origin,
					  const char *target, const char *key_id, const char *key)
{
	snprintf(buf, len, "{\"origin\":\"%s\",\"target\":\"%s\",\"keys\":"
			 "[{\"keyId\":\"%s\",\"key\":\"%s\"}]}", origin, target, key_id,
			 key);
}

/**
 * Name the encryptors a KP's peer entry serves: append WHO globs to its
 * (first) --peer option.
 */
static void peer_receivers(kpt_kp_t *kp, const char *who)
{
	char *arg;
	int i;

	for (i = 0; i < kp->argc - 1; i++)
	{
		if (strcmp(kp->argv[i], "--peer") == 0)
		{
			ck_assert_int_ge(asprintf(&arg, "%s,%s", kp->argv[i + 1], who), 0);
			free(kp->argv[i + 1]);
			kp->argv[i + 1] = arg;
			return;
		}
	}
	ck_abort_msg("no --peer");
}

/**
 * A key from a peer goes only to the encryptors its peer entry names:
 * another one gets "not found" and the key stays for them.
 */
START_TEST(test_bound_to_receivers)
{
	kpt_client_t alice, b_psk, b_cert, c_psk;
	char key_id[200], key[200];

	kpt_pair_init(kps);
	kpt_kp_arg(&kps[1], "--client-psk");
	kpt_kp_arg(&kps[1], "gw-c:%s", kpt_path("gw-c.psk"));
	peer_receivers(&kps[1], "psk:gw-b,cert:/CN=gw-b");
	kpt_kp_start(&kps[0]);
	kpt_kp_start(&kps[1]);
	kpt_client_gw(&alice, &kps[0], 0, KPT_PSK);
	kpt_client_gw(&b_psk, &kps[1], 1, KPT_PSK);
	kpt_client_gw(&b_cert, &kps[1], 1, KPT_CERT);
	kpt_client_psk(&c_psk, kps[1].port, "gw-c", "gw-c.psk");

	kpt_get_key(&alice, "Bob", key_id, key);
	kpt_expect_error(&c_psk, 400, "key not found",
					 "/key/%s?remoteSystemID=Alice", key_id);
	kpt_expect_key(&b_psk, key, "/key/%s?remoteSystemID=Alice", key_id);
	kpt_get_key(&alice, "Bob", key_id, key);
	kpt_expect_error(&c_psk, 400, "key not found",
					 "/key/%s?remoteSystemID=Alice", key_id);
	kpt_expect_key(&b_cert, key, "/key/%s?remoteSystemID=Alice", key_id);
	ck_assert(kpt_log_has(&kps[1], "psk:gw-c may not take keys from "
						  "'Alice'"));
	/* gw-c may still make keys shared with Alice */
	kpt_get_key(&c_psk, "Alice", key_id, key);

	kpt_client_free(&alice);
	kpt_client_free(&b_psk);
	kpt_client_free(&b_cert);
	kpt_client_free(&c_psk);
	kpt_pair_free(kps);
}
END_TEST

/**
 * Two gateways behind one KP (a peer entry for its own system ID): a key
 * made for one encryptor comes back into the KP's own store, and no other
 * encryptor may take it by keyId, in any case.
 */
START_TEST(test_bound_to_maker)
{
	kpt_client_t a_psk, c_psk;
	char key_id[200], key[200], upper[200];
	size_t i;

	kpt_pair_init(kps);
	kpt_kp_arg(&kps[0], "--client-psk");
	kpt_kp_arg(&kps[0], "gw-c:%s", kpt_path("gw-c.psk"));
	kpt_kp_arg(&kps[0], "--peer");
	kpt_kp_arg(&kps[0], "Alice,127.0.0.1:%u,%s", kps[0].sync_port,
			   kpt_path("kp-sync.psk"));
	kpt_kp_start(&kps[0]);
	kpt_client_gw(&a_psk, &kps[0], 0, KPT_PSK);
	kpt_client_psk(&c_psk, kps[0].port, "gw-c", "gw-c.psk");

	kpt_get_key(&a_psk, "Alice", key_id, key);
	for (i = 0; key_id[i]; i++)
	{
		upper[i] = (char)toupper((unsigned char)key_id[i]);
	}
	upper[i] = '\0';
	kpt_expect_error(&c_psk, 400, "key not found",
					 "/key/%s?remoteSystemID=Alice", key_id);
	kpt_expect_error(&c_psk, 400, "key not found",
					 "/key/%s?remoteSystemID=Alice", upper);
	ck_assert(kpt_log_has(&kps[0], "made for another encryptor"));
	kpt_expect_key(&a_psk, key, "/key/%s?remoteSystemID=Alice", upper);
	kpt_expect_error(&a_psk, 400, "key not found",
					 "/key/%s?remoteSystemID=Alice", key_id);

	kpt_get_key(&c_psk, "Alice", key_id, key);
	kpt_expect_error(&a_psk, 400, "key not found",
					 "/key/%s?remoteSystemID=Alice", key_id);
	kpt_expect_key(&c_psk, key, "/key/%s?remoteSystemID=Alice", key_id);

	kpt_client_free(&a_psk);
	kpt_client_free(&c_psk);
	kpt_pair_free(kps);
}
END_TEST

/**
 * keyIds are matched in any case and answered as their KP issued them,
 * also after a restart; the same keyId in another case is no new key.
 */
START_TEST(test_key_id_case)
{
	static const char *key =
		"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
	kpt_client_t carol, bob;
	kpt_resp_t resp;
	char body[1000];

	kpt_pair_init(kps);
	kpt_kp_arg(&kps[1], "--peer");
	kpt_kp_arg(&kps[1], "Carol,127.0.0.1:%u,%s", test_free_port(),
			   kpt_path("carol-sync.psk"));
	kpt_kp_arg(&kps[1], "--state-dir");
	kpt_kp_arg(&kps[1], "%s/state", kpt_tmpdir("case"));
	kpt_kp_start(&kps[1]);
	kpt_client_psk(&carol, kps[1].sync_port, "Carol", "carol-sync.psk");
	snprintf(body, sizeof(body), "{\"origin\":\"Carol\",\"target\":\"Bob\","
			 "\"keys\":[{\"keyId\":\"0A0Bcd\",\"key\":\"%s\"},"
			 "{\"keyId\":\"0C0D\",\"key\":\"%s\"}]}", key, key);
	kpt_request_body(&carol, &resp, "POST", body, "/sync/v2/keys");
	ck_assert_msg(resp.code == 201, "%ld %s", resp.code, resp.body);
	kpt_resp_clear(&resp);
	snprintf(body, sizeof(body), "{\"origin\":\"Carol\",\"target\":\"Bob\","
			 "\"keys\":[{\"keyId\":\"0c0d\",\"key\":\"%s\"}]}", key);
	kpt_request_body(&carol, &resp, "POST", body, "/sync/v2/keys");
	ck_assert_int_eq(resp.code, 409);
	kpt_resp_clear(&resp);
	kpt_client_free(&carol);

	kpt_client_gw(&bob, &kps[1], 1, KPT_PSK);
	kpt_request(&bob, &resp, "GET", "/key/0a0bCD?remoteSystemID=Carol");
	ck_assert_msg(resp.code == 200, "%ld %s", resp.code, resp.body);
	ck_assert_str_eq(kpt_json_str(&resp, "keyId"), "0A0Bcd");
	kpt_resp_clear(&resp);
	kpt_client_free(&bob);
	kpt_kp_stop(&kps[1], SIGKILL);
	kpt_kp_start(&kps[1]);
	kpt_client_gw(&bob, &kps[1], 1, KPT_PSK);
	kpt_request(&bob, &resp, "GET", "/key/0c0d?remoteSystemID=Carol");
	ck_assert_msg(resp.code == 200, "%ld %s", resp.code, resp.body);
	ck_assert_str_eq(kpt_json_str(&resp, "keyId"), "0C0D");
	ck_assert_str_eq(kpt_json_str(&resp, "key"), key);
	kpt_resp_clear(&resp);
	kpt_client_free(&bob);
	kpt_pair_free(kps);
}
END_TEST

/**
 * The sync endpoint: only configured peers, each speaking for itself,
 * valid messages only, no keyId twice.
 */
START_TEST(test_sync_endpoint)
{
	static const char *key =
		"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
	static const char *invalid[] = {
		"",
		"{}",
		"not json",
		"{\"origin\":\"Carol\",\"target\":\"Bob\",\"keys\":[]}",
		"{\"origin\":\"Carol\",\"target\":\"Bob\"}",
		"{\"origin\":\"Carol\",\"target\":\"Bob\",\"keys\":[{\"keyId\":\"zz\","
			"\"key\":\"00112233445566778899aabbccddeeff\"}]}",
		"{\"origin\":\"Carol\",\"target\":\"Bob\",\"keys\":[{\"keyId\":\"00ff\","
			"\"key\":\"00112233445566778899aabbccddee\"}]}",
		"{\"origin\":\"Carol\",\"target\":\"Bob\",\"keys\":[{\"keyId\":\"00ff\","
			"\"key\":\"00112233445566778899aabbccddeeff0\"}]}",
		"{\"origin\":\"Carol\",\"target\":\"Bob\",\"keys\":[{\"keyId\":\"00ff\","
			"\"key\":1}]}",
		"{\"origin\":1,\"target\":\"Bob\",\"keys\":[{\"keyId\":\"00ff\","
			"\"key\":\"00112233445566778899aabbccddeeff\"}]}",
		"{\"origin\":\"Carol\",\"target\":\"Bob\",\"keys\":[{\"keyId\":\"00ff\","
			"\"key\":\"00112233445566778899aabbccddeeff\"}]} x",
	};
	kpt_client_t carol, bob, wrong;
	kpt_resp_t resp;
	char body[200000], *p;
	size_t i;

	kpt_pair_init(kps);
	kpt_kp_arg(&kps[1], "--peer");
	kpt_kp_arg(&kps[1], "Carol,127.0.0.1:%u,%s", test_free_port(),
			   kpt_path("carol-sync.psk"));
	kpt_kp_start(&kps[1]);
	kpt_client_psk(&carol, kps[1].sync_port, "Carol", "carol-sync.psk");
	kpt_client_gw(&bob, &kps[1], 1, KPT_PSK);

	/* Carol delivers a key: Bob's encryptor gets it, as Carol's */
	sync_body(body, sizeof(body), "Carol", "Bob", "0a0b", key);
	kpt_request_body(&carol, &resp, "POST", body, "/sync/v2/keys");
	ck_assert_msg(resp.code == 201, "%ld %s", resp.code, resp.body);
	kpt_resp_clear(&resp);
	kpt_expect_error(&bob, 400, "key not found",
					 "/key/0A0B?remoteSystemID=Alice");
	kpt_expect_key(&bob, key, "/key/0a0b?remoteSystemID=Carol");

	/* one keyId once, also within a message (nothing stored then) */
	sync_body(body, sizeof(body), "Carol", "Bob", "0c0d", key);
	kpt_request_body(&carol, &resp, "POST", body, "/sync/v2/keys");
	ck_assert_int_eq(resp.code, 201);
	kpt_resp_clear(&resp);
	kpt_request_body(&carol, &resp, "POST", body, "/sync/v2/keys");
	kpt_assert_error(&resp, 409, "already stored");
	kpt_resp_clear(&resp);
	snprintf(body, sizeof(body), "{\"origin\":\"Carol\",\"target\":\"Bob\","
			 "\"keys\":[{\"keyId\":\"0e0f\",\"key\":\"%s\"},{\"keyId\":"
			 "\"0E0F\",\"key\":\"%s\"}]}", key, key);
	kpt_request_body(&carol, &resp, "POST", body, "/sync/v2/keys");
	kpt_assert_error(&resp, 409, NULL);
	kpt_resp_clear(&resp);
	kpt_expect_error(&bob, 400, "key not found",
					 "/key/0e0f?remoteSystemID=Carol");

	/* a batch */
	snprintf(body, sizeof(body), "{\"origin\":\"Carol\",\"target\":\"Bob\","
			 "\"keys\":[{\"keyId\":\"01\",\"key\":\"%s\"},{\"keyId\":\"02\","
			 "\"key\":\"%s\"},{\"keyId\":\"03\",\"key\":\"%s\"}]}", key, key,
			 key);
	kpt_request_body(&carol, &resp, "POST", body, "/sync/v2/keys");
	ck_assert_int_eq(resp.code, 201);
	kpt_resp_clear(&resp);
	kpt_request(&bob, &resp, "GET", "/key/03?remoteSystemID=Carol");
	ck_assert_int_eq(resp.code, 200);
	kpt_resp_clear(&resp);

	/* a peer speaks for itself, to its receiver only */
	sync_body(body, sizeof(body), "Alice", "Bob", "1111", key);
	kpt_request_body(&carol, &resp, "POST", body, "/sync/v2/keys");
	kpt_assert_error(&resp, 403, "origin");
	kpt_resp_clear(&resp);
	kpt_expect_error(&bob, 400, "key not found",
					 "/key/1111?remoteSystemID=Alice");
	sync_body(body, sizeof(body), "Carol", "Eve", "2222", key);
	kpt_request_body(&carol, &resp, "POST", body, "/sync/v2/keys");
	kpt_assert_error(&resp, 400, "unknown target system");
	kpt_resp_clear(&resp);

	for (i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++)
	{
		kpt_request_body(&carol, &resp, "POST", invalid[i], "/sync/v2/keys");
		kpt_assert_error(&resp, 400, NULL);
		kpt_resp_clear(&resp);
	}
	/* too many keys in one message */
	p = body + sprintf(body, "{\"origin\":\"Carol\",\"target\":\"Bob\","
					   "\"keys\":[");
	for (i = 0; i < 65; i++)
	{
		p += sprintf(p, "%s{\"keyId\":\"%04zx\",\"key\":\"%s\"}", i ? "," : "",
					 i + 0x100, key);
	}
	sprintf(p, "]}");
	kpt_request_body(&carol, &resp, "POST", body, "/sync/v2/keys");
	kpt_assert_error(&resp, 400, "1 to 64");
	kpt_resp_clear(&resp);
	/* too large a body */
	memset(body, ' ', sizeof(body) - 1);
	body[sizeof(body) - 1] = '\0';
	kpt_request_body(&carol, &resp, "POST", body, "/sync/v2/keys");
	ck_assert_int_eq(resp.code, 413);
	kpt_resp_clear(&resp);
	kpt_client_free(&carol);
	kpt_client_psk(&carol, kps[1].sync_port, "Carol", "carol-sync.psk");
	kpt_expect_error(&carol, 405, NULL, "/sync/v2/keys");
	kpt_request_body(&carol, &resp, "POST", "{}", "/sync/v1/keys");
	kpt_assert_error(&resp, 404, NULL);
	kpt_resp_clear(&resp);

	/* only peers get a handshake: unknown identity, wrong PSK, an
	 * encryptor's PSK, a certificate client */
	kpt_client_psk(&wrong, kps[1].sync_port, "Dave", "carol-sync.psk");
	kpt_request_body(&wrong, &resp, "POST", "{}", "/sync/v2/keys");
	ck_assert_int_eq(resp.code, 0);
	kpt_client_free(&wrong);
	kpt_client_psk(&wrong, kps[1].sync_port, "Carol", "kp-sync.psk");
	kpt_request_body(&wrong, &resp, "POST", "{}", "/sync/v2/keys");
	ck_assert_int_eq(resp.code, 0);
	kpt_client_free(&wrong);
	kpt_client_psk(&wrong, kps[1].sync_port, "gw-b", "gw-b.psk");
	kpt_request_body(&wrong, &resp, "POST", "{}", "/sync/v2/keys");
	ck_assert_int_eq(resp.code, 0);
	kpt_client_free(&wrong);
	kpt_client_cert(&wrong, kps[1].sync_port, "ca.pem", "gw-b.pem",
					"gw-b.key");
	kpt_request_body(&wrong, &resp, "POST", "{}", "/sync/v2/keys");
	ck_assert_int_eq(resp.code, 0);
	kpt_client_free(&wrong);

	/* 1 + 1 + 3 keys stored in all */
	ck_assert_int_eq(kpt_log_count(&kps[1], "stored key"), 5);
	kpt_client_free(&carol);
	kpt_client_free(&bob);
	kpt_pair_free(kps);
}
END_TEST

#define PARALLEL 48

typedef struct {
	kpt_kp_t *kp;
	long code;
	char key_id[200];
	char key[200];
} job_t;

static void *fetch_new_key(void *arg)
{
	job_t *job = arg;
	kpt_client_t client;
	kpt_resp_t resp;

	kpt_client_psk(&client, job->kp->port, "gw-a", "gw-a.psk");
	kpt_request(&client, &resp, "GET", "/key?remoteSystemID=Bob");
	job->code = resp.code;
	if (resp.code == 200)
	{
		snprintf(job->key_id, sizeof(job->key_id), "%s",
				 kpt_json_str(&resp, "keyId"));
		snprintf(job->key, sizeof(job->key), "%s", kpt_json_str(&resp, "key"));
	}
	kpt_resp_clear(&resp);
	kpt_client_free(&client);
	return NULL;
}

/**
 * Many encryptors at once: every one gets its own key, each is stored at
 * Bob once and delivered there once.
 */
START_TEST(test_concurrent)
{
	pthread_t threads[PARALLEL];
	job_t jobs[PARALLEL] = {};
	kpt_client_t bob;
	kpt_resp_t resp;
	int i, j;

	kpt_pair_init(kps);
	kpt_kp_start(&kps[0]);
	kpt_kp_start(&kps[1]);
	for (i = 0; i < PARALLEL; i++)
	{
		jobs[i].kp = &kps[0];
		ck_assert_int_eq(pthread_create(&threads[i], NULL, fetch_new_key,
										&jobs[i]), 0);
	}
	for (i = 0; i < PARALLEL; i++)
	{
		pthread_join(threads[i], NULL);
	}
	kpt_client_gw(&bob, &kps[1], 1, KPT_CERT);
	for (i = 0; i < PARALLEL; i++)
	{
		ck_assert_int_eq(jobs[i].code, 200);
		for (j = 0; j < i; j++)
		{
			ck_assert_str_ne(jobs[i].key_id, jobs[j].key_id);
			ck_assert_str_ne(jobs[i].key, jobs[j].key);
		}
		kpt_request(&bob, &resp, "GET", "/key/%s?remoteSystemID=Alice",
					jobs[i].key_id);
		ck_assert_int_eq(resp.code, 200);
		ck_assert_str_eq(kpt_json_str(&resp, "key"), jobs[i].key);
		kpt_resp_clear(&resp);
	}
	ck_assert_int_eq(kpt_log_count(&kps[1], "stored key"), PARALLEL);
	ck_assert_int_eq(kpt_log_count(&kps[1], "delivered key"), PARALLEL);
	kpt_client_free(&bob);
	kpt_pair_free(kps);
}
END_TEST

/**
 * Keys nobody fetches are wiped after --key-ttl.
 */
START_TEST(test_expiry)
{
	kpt_client_t alice, bob;
	char key_id[200], key[200], old_id[200];
	int i;

	kpt_pair_init(kps);
	kpt_kp_arg(&kps[1], "--key-ttl");
	kpt_kp_arg(&kps[1], "1");
	kpt_kp_start(&kps[0]);
	kpt_kp_start(&kps[1]);
	kpt_client_gw(&alice, &kps[0], 0, KPT_PSK);
	kpt_client_gw(&bob, &kps[1], 1, KPT_PSK);

	kpt_get_key(&alice, "Bob", old_id, key);
	test_sleep_ms(2100);
	for (i = 0; i < 100 && !kpt_log_has(&kps[1], "wiped 1 unfetched"); i++)
	{
		test_sleep_ms(20);
	}
	kpt_get_key(&alice, "Bob", key_id, key);
	kpt_expect_error(&bob, 400, "key not found",
					 "/key/%s?remoteSystemID=Alice", old_id);
	kpt_expect_key(&bob, key, "/key/%s?remoteSystemID=Alice", key_id);
	ck_assert(kpt_log_has(&kps[1], "wiped 1 unfetched key(s) after 1 s"));
	kpt_client_free(&alice);
	kpt_client_free(&bob);
	kpt_pair_free(kps);
}
END_TEST

/**
 * The persistent sync connection survives the peer KP restarting, idle or
 * killed.
 */
START_TEST(test_peer_restart)
{
	kpt_client_t alice, bob;
	char key_id[200], key[200];
	int sig;

	kpt_pair_init(kps);
	kpt_kp_start(&kps[0]);
	kpt_kp_start(&kps[1]);
	kpt_client_gw(&alice, &kps[0], 0, KPT_PSK);
	kpt_get_key(&alice, "Bob", key_id, key);
	for (sig = 0; sig < 2; sig++)
	{
		kpt_kp_stop(&kps[1], sig ? SIGKILL : SIGTERM);
		kpt_kp_start(&kps[1]);
		kpt_get_key(&alice, "Bob", key_id, key);
		kpt_client_gw(&bob, &kps[1], 1, KPT_PSK);
		kpt_expect_key(&bob, key, "/key/%s?remoteSystemID=Alice", key_id);
		kpt_client_free(&bob);
	}
	kpt_client_free(&alice);
	kpt_pair_free(kps);
}
END_TEST

/**
 * Pre-synchronized keys: handed out without waiting for the peer, each
 * once, each stored at the peer; replaced before the peer expires them.
 */
START_TEST(test_key_pool)
{
	kpt_client_t alice, bob;
	kpt_resp_t resp;
	char ids[10][200], keys[10][200];
	int i, j;

	kpt_pair_init(kps);
	kpt_kp_arg(&kps[0], "--key-pool");
	kpt_kp_arg(&kps[0], "4");
	kpt_kp_arg(&kps[1], "--key-ttl");
	kpt_kp_arg(&kps[1], "2");
	kpt_kp_start(&kps[1]);
	kpt_kp_start(&kps[0]);
	for (i = 0; i < 100 && kpt_log_count(&kps[1], "stored key") < 4; i++)
	{
		test_sleep_ms(10);
	}
	ck_assert_int_eq(kpt_log_count(&kps[1], "stored key"), 4);
	kpt_client_gw(&alice, &kps[0], 0, KPT_PSK);
	kpt_client_gw(&bob, &kps[1], 1, KPT_CERT);

	for (i = 0; i < 10; i++)
	{
		kpt_get_key(&alice, "Bob", ids[i], keys[i]);
	}
	ck_assert_int_ge(kpt_log_count(&kps[0], "(pre-synchronized)"), 4);
	for (i = 0; i < 10; i++)
	{
		for (j = 0; j < i; j++)
		{
			ck_assert_str_ne(ids[i], ids[j]);
		}
		kpt_request(&bob, &resp, "GET", "/key/%s?remoteSystemID=Alice",
					ids[i]);
		ck_assert_int_eq(resp.code, 200);
		ck_assert_str_eq(kpt_json_str(&resp, "key"), keys[i]);
		kpt_resp_clear(&resp);
		kpt_expect_error(&bob, 400, "key not found",
						 "/key/%s?remoteSystemID=Alice", ids[i]);
	}
	/* other sizes are made on demand */
	kpt_request(&alice, &resp, "GET", "/key?remoteSystemID=Bob&size=512");
	ck_assert_int_eq(resp.code, 200);
	ck_assert_uint_eq(strlen(kpt_json_str(&resp, "key")), 128);
	kpt_resp_clear(&resp);

	/* Bob keeps keys 2 s: pool keys are replaced after 1 s, a key from
	 * the pool is always one Bob still has */
	test_sleep_ms(2500);
	ck_assert(kpt_log_has(&kps[0], "stale pool key"));
	for (i = 0; i < 3; i++)
	{
		kpt_get_key(&alice, "Bob", ids[i], keys[i]);
		kpt_request(&bob, &resp, "GET", "/key/%s?remoteSystemID=Alice",
					ids[i]);
		ck_assert_int_eq(resp.code, 200);
		ck_assert_str_eq(kpt_json_str(&resp, "key"), keys[i]);
		kpt_resp_clear(&resp);
	}
	kpt_client_free(&alice);
	kpt_client_free(&bob);
	kpt_pair_free(kps);
}
END_TEST

/**
 * A peer KP that answers the first message on its first connection, then
 * closes that connection when the next message arrives (as if its idle
 * timeout struck just then), and answers on a new connection.
 */
typedef struct {
	int listen_fd;
	skip_psk_t psk;
	int messages;
} flaky_peer_t;

static int find_psk(SSL *ssl, const unsigned char *id, size_t len,
					SSL_SESSION **sess)
{
	flaky_peer_t *peer = SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl));

	*sess = len == 5 && memcmp(id, "Alice", 5) == 0 ?
				skip_tls_psk_session(ssl, &peer->psk) : NULL;
	return 1;
}

/**
 * Read one HTTP request with its body; false if the connection ended.
 */
static bool read_request(SSL *ssl)
{
	char buf[100000], *end, *cl;
	int len = 0, n, body;

	while (len < (int)sizeof(buf) - 1)
	{
		n = SSL_read(ssl, buf + len, sizeof(buf) - 1 - len);
		if (n <= 0)
		{
			return false;
		}
		len += n;
		buf[len] = '\0';
		end = strstr(buf, "\r\n\r\n");
		cl = strcasestr(buf, "Content-Length:");
		if (end && cl)
		{
			body = atoi(cl + 15);
			if (len >= end + 4 - buf + body)
			{
				return true;
			}
		}
	}
	return false;
}

static void *flaky_peer(void *arg)
{
	static const char *answer = "HTTP/1.1 201 Created\r\n"
		"Content-Type: application/json\r\nContent-Length: 21\r\n\r\n"
		"{\"stored\":1,\"ttl\":60}";
	flaky_peer_t *peer = arg;
	SSL_CTX *ctx;
	SSL *ssl;
	int fd, conn;

	ctx = SSL_CTX_new(TLS_server_method());
	SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION);
	SSL_CTX_set_ciphersuites(ctx, SKIP_TLS13_SUITE);
	SSL_CTX_set_app_data(ctx, peer);
	SSL_CTX_set_psk_find_session_callback(ctx, find_psk);
	for (conn = 0; conn < 2; conn++)
	{
		fd = accept(peer->listen_fd, NULL, NULL);
		ssl = SSL_new(ctx);
		SSL_set_fd(ssl, fd);
		if (SSL_accept(ssl) == 1)
		{
			while (read_request(ssl))
			{
				if (conn == 0 && peer->messages == 1)
				{	/* the second message on the first connection */
					peer->messages++;
					break;
				}
				peer->messages++;
				SSL_write(ssl, answer, (int)strlen(answer));
			}
		}
		SSL_free(ssl);
		close(fd);
	}
	SSL_CTX_free(ctx);
	return NULL;
}

/**
 * A message lost because the peer closed a reused connection just then is
 * sent once more on a new connection.
 */
START_TEST(test_sync_resend)
{
	struct sockaddr_in addr = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	flaky_peer_t peer = {};
	kpt_client_t alice;
	pthread_t thread;
	char key_id[200], key[200], err[256];

	kpt_pair_init(kps);
	ck_assert(skip_psk_load(kpt_path("kp-sync.psk"), "Alice", &peer.psk, err,
							sizeof(err)));
	peer.listen_fd = socket(AF_INET, SOCK_STREAM, 0);
	addr.sin_port = htons(kps[1].sync_port);
	ck_assert_int_eq(bind(peer.listen_fd, (struct sockaddr*)&addr,
						  sizeof(addr)), 0);
	ck_assert_int_eq(listen(peer.listen_fd, 4), 0);
	ck_assert_int_eq(pthread_create(&thread, NULL, flaky_peer, &peer), 0);
	kpt_kp_start(&kps[0]);
	kpt_client_gw(&alice, &kps[0], 0, KPT_PSK);
	kpt_get_key(&alice, "Bob", key_id, key);
	kpt_get_key(&alice, "Bob", key_id, key);
	pthread_join(thread, NULL);
	ck_assert_int_eq(peer.messages, 3);
	ck_assert(kpt_log_has(&kps[0], "lost, resending"));
	close(peer.listen_fd);
	kpt_client_free(&alice);
	kpt_pair_free(kps);
}
END_TEST

Suite *kpt_sync_suite(void)
{
	Suite *s = suite_create("synchronization");
	TCase *tc;

	tc = tcase_create("between KPs, authorization");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_glob_peers);
	tcase_add_test(tc, test_authorization);
	tcase_add_test(tc, test_bound_to_receivers);
	tcase_add_test(tc, test_bound_to_maker);
	tcase_add_test(tc, test_key_id_case);
	tcase_add_test(tc, test_sync_endpoint);
	tcase_add_test(tc, test_concurrent);
	tcase_add_test(tc, test_expiry);
	tcase_add_test(tc, test_peer_restart);
	tcase_add_test(tc, test_key_pool);
	tcase_add_test(tc, test_sync_resend);
	suite_add_tcase(s, tc);
	return s;
}
