/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * Test kit of the reference KP's tests: credentials, KP processes on free
 * loopback ports (started, killed, restarted), and a raw HTTPS client
 * (libcurl) for both TLS modes that reports status, JSON body, TLS version
 * and cipher of every answer.
 */

#ifndef KPT_H_
#define KPT_H_

#include <check.h>
#include <curl/curl.h>
#include <json-c/json.h>

#include <skip_tls.h>

#include "test_support.h"

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/** most arguments of a KP */
#define KPT_ARGS_MAX 64

/**
 * A KP process and how to (re)start it.
 */
typedef struct {
	/** system ID */
	char name[32];
	/** SKIP API and sync ports */
	unsigned port;
	unsigned sync_port;
	/** running process, 0 if stopped */
	pid_t pid;
	/** its log file */
	char log[256];
	/** command line */
	char *argv[KPT_ARGS_MAX + 1];
	int argc;
} kpt_kp_t;

/** which encryptor credentials a client uses */
typedef enum {
	/** TLS 1.3 external PSK */
	KPT_PSK = 0,
	/** client certificate */
	KPT_CERT = 1,
} kpt_mode_t;

/**
 * An HTTPS client of one KP; keeps its connection open between requests
 * unless fresh is set.
 */
typedef struct {
	kpt_mode_t mode;
	unsigned port;
	/** PSK mode: identity and key */
	skip_psk_t psk;
	/** certificate mode: CA, client certificate and key (NULL: none) */
	char ca[256];
	char cert[256];
	char key[256];
	/** 0 for TLS 1.3 only, or a CURL_SSLVERSION_* with a max */
	long ssl_version;
	/** TLS 1.2 cipher list, NULL for the draft's */
	const char *ciphers;
	/** TLS 1.3 suites, NULL for the draft's */
	const char *tls13_ciphers;
	/** a new connection for every request */
	bool fresh;
	/** an extra header line, NULL for none */
	const char *header;
	/** total budget of a request, ms */
	long timeout_ms;
	CURL *curl;
} kpt_client_t;

/**
 * An answer.
 */
typedef struct {
	/** transfer result */
	CURLcode result;
	/** HTTP status, 0 if none */
	long code;
	/** body, NUL-terminated */
	char body[20000];
	size_t len;
	/** the body parsed, NULL if it is no JSON object */
	json_object *json;
	/** Content-Type */
	char content_type[64];
	/** TLS version and cipher of the connection */
	char tls_version[16];
	char cipher[64];
	/** duration of the request, ms */
	long ms;
	/** method and path, for messages */
	char what[200];
} kpt_resp_t;

/**
 * Make credentials in a temporary directory (once per test program).
 * PSKs: gw-a gw-b gw-c other kp-sync carol-sync (.psk); an EC CA (ca.pem),
 * KP certificates kp-a, kp-b (EC) and kp-a-rsa (RSA), client certificates
 * gw-a, gw-b; a rogue CA with a client certificate rogue.
 */
void kpt_init(void);

/**
 * Remove the directory again (only from the process that made it).
 */
void kpt_cleanup(void);

/**
 * Path of a file in the credential directory (rotating static buffers).
 */
const char *kpt_path(const char *name);

/**
 * A fresh, private subdirectory of the credential directory.
 */
const char *kpt_tmpdir(const char *prefix);


/**
 * Path of the skip-kp binary ($SKIP_KP, or beside this program).
 */
const char *kpt_kp_binary(void);

/**
 * Prepare a KP without arguments but its binary: name, ports, log file.
 */
void kpt_kp_init(kpt_kp_t *kp, const char *name);

/**
 * Prepare Alice (kps[0]) and Bob (kps[1]) with the standard arguments:
 * each peers with the other over kp-sync.psk, serves its encryptor gw-a or
 * gw-b with PSK and certificate (CA ca.pem), -v and --test-mode.
 */
void kpt_pair_init(kpt_kp_t kps[2]);

/**
 * kpt_pair_init() and start both KPs.
 */
void kpt_pair_start(kpt_kp_t kps[2]);

/**
 * Stop both KPs of a pair and free them.
 */
void kpt_pair_free(kpt_kp_t kps[2]);

/**
 * Like kpt_pair_init(), but Alice's peer entry for Bob is alice_peer and
 * Bob's for Alice is bob_peer (system IDs or globs); NULL for neither a
 * --peer nor a --sync-listen (the test adds other peers).
 */
void kpt_pair_init_peers(kpt_kp_t kps[2], const char *alice_peer,
						 const char *bob_peer);

/**
 * Add arguments (printf format per argument, NULL-terminated list of
 * formats is not supported: one call per argument).
 */
void kpt_kp_arg(kpt_kp_t *kp, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/**
 * Start a KP and wait until it accepts connections (ck_assert on failure).
 */
void kpt_kp_start(kpt_kp_t *kp);

/**
 * Run a KP that is expected to exit; returns its exit status (-1 if it
 * did not exit within a second, it is killed then).
 */
int kpt_kp_run(kpt_kp_t *kp);

/**
 * Stop a KP with a signal (SIGTERM, SIGKILL) and wait for it.
 */
void kpt_kp_stop(kpt_kp_t *kp, int sig);

/**
 * Whether the KP's log contains a string.
 */
bool kpt_log_has(kpt_kp_t *kp, const char *needle);

/**
 * Count the lines of the KP's log that contain a string.
 */
int kpt_log_count(kpt_kp_t *kp, const char *needle);

/**
 * Free the arguments of a KP (stops it first).
 */
void kpt_kp_free(kpt_kp_t *kp);

/**
 * Client of a KP in PSK mode with the given identity and PSK file.
 */
void kpt_client_psk(kpt_client_t *client, unsigned port, const char *identity,
					const char *psk_file);

/**
 * Client of a KP in certificate mode, verifying the KP against ca; cert
 * and key may be NULL (no client certificate).
 */
void kpt_client_cert(kpt_client_t *client, unsigned port, const char *ca,
					 const char *cert, const char *key);

/**
 * Standard encryptor of a KP of kpt_pair_init(): gw-a for Alice (side 0),
 * gw-b for Bob (side 1), in the given mode.
 */
void kpt_client_gw(kpt_client_t *client, kpt_kp_t *kp, int side,
				   kpt_mode_t mode);

/**
 * Send a request; path is a printf format. Never fails the test by itself.
 */
void kpt_request(kpt_client_t *client, kpt_resp_t *resp, const char *method,
				 const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/**
 * Send a request with a body.
 */
void kpt_request_body(kpt_client_t *client, kpt_resp_t *resp,
					  const char *method, const char *body,
					  const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/**
 * Close the connection and free the client.
 */
void kpt_client_free(kpt_client_t *client);

/**
 * Free the JSON of an answer.
 */
void kpt_resp_clear(kpt_resp_t *resp);

/**
 * String member of the answer's JSON, NULL if missing.
 */
const char *kpt_json_str(kpt_resp_t *resp, const char *name);

/**
 * Assert an error answer: status code, JSON body {"status", "message"}
 * with exactly these fields, message containing needle (may be NULL).
 */
void kpt_assert_error(kpt_resp_t *resp, long code, const char *needle);

/**
 * GET the path made from fmt and assert a 200 answer with this key (hex).
 */
void kpt_expect_key(kpt_client_t *client, const char *key_hex,
					const char *fmt, ...);

/**
 * GET the path made from fmt and assert the error answer as
 * kpt_assert_error() does.
 */
void kpt_expect_error(kpt_client_t *client, long code, const char *needle,
					  const char *fmt, ...);

/**
 * Set the faults of a KP in test mode (POST /test/faults).
 */
void kpt_faults(kpt_kp_t *kp, const char *spec);

/**
 * Get a new key from Alice's KP for remote (asserts 200); keyId and key
 * hex are copied out.
 */
void kpt_get_key(kpt_client_t *client, const char *remote, char *key_id,
				 char *key_hex);



/** suites of the test program */
Suite *kpt_api_suite(void);
Suite *kpt_tls_suite(void);
Suite *kpt_sync_suite(void);
Suite *kpt_restart_suite(void);
Suite *kpt_group_commit_suite(void);
Suite *kpt_limits_suite(void);
Suite *kpt_faults_suite(void);
Suite *kpt_config_suite(void);
Suite *kpt_etsi_suite(void);
Suite *kpt_dske_suite(void);

#endif /* KPT_H_ */
