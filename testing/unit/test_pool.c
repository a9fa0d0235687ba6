/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * The client's connection pool against the reference KPs: K concurrent
 * calls open K connections once and reuse them in the next round, the pool
 * stays within its bound, new connections resume TLS sessions, and a
 * pooled connection the KP closed is replaced without failing a by-keyId
 * request.
 *
 * Calls are made concurrent without timing: every caller waits at a barrier
 * when its request goes out on an established connection, so K callers
 * hold K connections at once.
 */

#include "kp_fixture.h"
#include "test_suites.h"

#include <skip_client.h>

#include <check.h>
#include <pthread.h>
#include <stdatomic.h>


#define TIMEOUT_MS 5000
/** concurrent callers */
#define CALLERS 8

/** TLS handshakes the clients started, and how many resumed a session */
static atomic_uint handshakes, resumed;

/** callers wait here when their request goes out, if armed */
static pthread_barrier_t barrier;
static atomic_bool barrier_armed;

/** whether this caller passed the barrier in its current call */
static __thread bool waited;

static void info_cb(const SSL *ssl, int where, int ret)
{
	(void)ret;
	if (where & SSL_CB_HANDSHAKE_START)
	{
		atomic_fetch_add(&handshakes, 1);
	}
	if ((where & SSL_CB_HANDSHAKE_DONE) && SSL_session_reused((SSL*)ssl))
	{
		atomic_fetch_add(&resumed, 1);
	}
}

/**
 * A record we send on an established connection is the request: wait until
 * all callers sent theirs.
 */
static void msg_cb(int write_p, int version, int content_type,
				   const void *buf, size_t len, SSL *ssl, void *arg)
{
	(void)version;
	(void)buf;
	(void)len;
	(void)arg;
	if (write_p && content_type == SSL3_RT_HEADER && SSL_is_init_finished(ssl) &&
		atomic_load(&barrier_armed) && !waited)
	{
		waited = true;
		pthread_barrier_wait(&barrier);
	}
}

static void ctx_hook(SSL_CTX *ctx)
{
	SSL_CTX_set_info_callback(ctx, info_cb);
	SSL_CTX_set_msg_callback(ctx, msg_cb);
}

static skip_client_t *client_of(kp_side_t side, unsigned connections)
{
	skip_kp_config_t config = {
		.url = kp_fixture_url(&kp_pair, side),
		.auth = SKIP_AUTH_PSK,
		.timeout_ms = TIMEOUT_MS,
		.connections = connections,
	};
	skip_error_t err = {};
	skip_client_t *client;
	skip_psk_t psk;
	char errbuf[256];

	ck_assert_msg(skip_psk_load(kp_fixture_path(&kp_pair, side == KP_ALICE ?
												"gw-a.psk" : "gw-b.psk"),
								side == KP_ALICE ? "gw-a" : "gw-b", &psk,
								errbuf, sizeof(errbuf)), "%s", errbuf);
	config.psk = &psk;
	skip_tls_client_ctx_hook = ctx_hook;
	client = skip_client_create(&config, &err);
	ck_assert_msg(client, "%s", err.detail);
	return client;
}

/**
 * A client of Alice's KP in certificate mode.
 */
static skip_client_t *cert_client(unsigned connections)
{
	skip_kp_config_t config = {
		.url = kp_fixture_url(&kp_pair, KP_ALICE),
		.auth = SKIP_AUTH_CERT,
		.ca_file = kp_fixture_path(&kp_pair, "ca.pem"),
		.cert_file = kp_fixture_path(&kp_pair, "gw-a.pem"),
		.key_file = kp_fixture_path(&kp_pair, "gw-a.key"),
		.timeout_ms = TIMEOUT_MS,
		.connections = connections,
	};
	skip_error_t err = {};
	skip_client_t *client;

	skip_tls_client_ctx_hook = ctx_hook;
	client = skip_client_create(&config, &err);
	ck_assert_msg(client, "%s", err.detail);
	return client;
}

static void *call(void *arg)
{
	skip_client_t *client = arg;
	skip_capabilities_t *caps = NULL;
	skip_status_t status;

	waited = false;
	status = client->get_capabilities(client, &caps, NULL);
	skip_capabilities_destroy(caps);
	return (void*)(intptr_t)status;
}

/**
 * CALLERS calls at once; returns the handshakes they made.
 */
static unsigned concurrent_round(skip_client_t *client)
{
	pthread_t threads[CALLERS];
	unsigned before = atomic_load(&handshakes), i;
	void *status;

	pthread_barrier_init(&barrier, NULL, CALLERS);
	atomic_store(&barrier_armed, true);
	for (i = 0; i < CALLERS; i++)
	{
		ck_assert_int_eq(pthread_create(&threads[i], NULL, call, client), 0);
	}
	for (i = 0; i < CALLERS; i++)
	{
		pthread_join(threads[i], &status);
		ck_assert_int_eq((intptr_t)status, SKIP_OK);
	}
	atomic_store(&barrier_armed, false);
	pthread_barrier_destroy(&barrier);
	return atomic_load(&handshakes) - before;
}

/**
 * The pool grows to the callers and keeps the connections: the second round
 * makes no handshake. With the default bound (as the plugin configures it).
 */
START_TEST(test_pool_grows_to_callers)
{
	skip_client_t *client = client_of(KP_ALICE, 0);

	ck_assert_uint_eq(concurrent_round(client), CALLERS);
	ck_assert_uint_eq(concurrent_round(client), 0);
	ck_assert_uint_eq(concurrent_round(client), 0);
	client->destroy(client);
	skip_tls_client_ctx_hook = NULL;
}
END_TEST

/**
 * Beyond its bound the pool keeps no connection: callers over it pay a
 * handshake each time.
 */
START_TEST(test_pool_bound)
{
	skip_client_t *client = client_of(KP_ALICE, 3);

	ck_assert_uint_eq(concurrent_round(client), CALLERS);
	ck_assert_uint_eq(concurrent_round(client), CALLERS - 3);
	client->destroy(client);
	skip_tls_client_ctx_hook = NULL;
}
END_TEST

/**
 * One caller after another uses one connection.
 */
START_TEST(test_pool_sequential)
{
	skip_client_t *client = client_of(KP_ALICE, 0);
	unsigned before = atomic_load(&handshakes), i;

	for (i = 0; i < 5; i++)
	{
		ck_assert_int_eq((intptr_t)call(client), SKIP_OK);
	}
	ck_assert_uint_eq(atomic_load(&handshakes) - before, 1);
	client->destroy(client);
	skip_tls_client_ctx_hook = NULL;
}
END_TEST

/**
 * New connections resume the session of an earlier one (certificate mode):
 * the callers beyond the bound of 1 each open a connection of their own.
 */
START_TEST(test_pool_resumes_sessions)
{
	skip_client_t *client = cert_client(1);

	ck_assert_int_eq((intptr_t)call(client), SKIP_OK);
	ck_assert_uint_eq(atomic_load(&resumed), 0);
	ck_assert_uint_eq(concurrent_round(client), CALLERS - 1);
	/* each offers the cached session; the KP resumes most of them (not
	 * all: several handshakes on one ticket at once) */
	ck_assert_uint_gt(atomic_load(&resumed), 0);
	client->destroy(client);
	skip_tls_client_ctx_hook = NULL;
}
END_TEST

/**
 * Bob's KP restarts while the client keeps a connection to it: the next
 * GET /key/{keyId} (never repeated once it went out) finds the pooled
 * connection closed before sending, goes out on a new one and gets the key.
 */
START_TEST(test_pool_dead_connection_by_key_id)
{
	skip_client_t *alice = client_of(KP_ALICE, 0), *bob = client_of(KP_BOB, 0);
	skip_key_t *ka = NULL, *kb = NULL;
	skip_error_t err = {};
	unsigned before;

	ck_assert_int_eq((intptr_t)call(bob), SKIP_OK);
	kp_fixture_stop(&kp_pair, KP_BOB);
	kp_fixture_start(&kp_pair, KP_BOB, NULL);

	ck_assert_msg(alice->get_key(alice, "Bob", 0, 0, &ka, &err) == SKIP_OK,
				  "%s", err.detail);
	before = atomic_load(&handshakes);
	ck_assert_msg(bob->get_key_by_id(bob, ka->key_id, "Alice", 0, &kb,
									 &err) == SKIP_OK, "%s", err.detail);
	ck_assert_mem_eq(kb->key, ka->key, ka->key_len);
	ck_assert_uint_eq(atomic_load(&handshakes) - before, 1);

	skip_key_destroy(ka);
	skip_key_destroy(kb);
	alice->destroy(alice);
	bob->destroy(bob);
	skip_tls_client_ctx_hook = NULL;
}
END_TEST

Suite *pool_suite(void)
{
	Suite *s = suite_create("pool");
	TCase *tc = tcase_create("pool");

	kp_pair_fixture(tc);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_pool_grows_to_callers);
	tcase_add_test(tc, test_pool_bound);
	tcase_add_test(tc, test_pool_sequential);
	tcase_add_test(tc, test_pool_resumes_sessions);
	tcase_add_test(tc, test_pool_dead_connection_by_key_id);
	suite_add_tcase(s, tc);
	return s;
}
