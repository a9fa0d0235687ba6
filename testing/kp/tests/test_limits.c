/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * What clients may cost the KP: a bounded number of connections, a
 * deadline per request (silent and slow clients are cut off), bounded
 * headers and bodies; and many well-behaved clients at once.
 */

#include "kpt.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/ssl.h>

static kpt_kp_t kps[2];

static void start_alice(const char *max_connections, const char *timeout)
{
	kpt_pair_init(kps);
	kpt_kp_arg(&kps[0], "--max-connections");
	kpt_kp_arg(&kps[0], "%s", max_connections);
	kpt_kp_arg(&kps[0], "--request-timeout");
	kpt_kp_arg(&kps[0], "%s", timeout);
	kpt_kp_start(&kps[0]);
}

static int tcp_connect(unsigned port)
{
	struct sockaddr_in addr = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	struct timeval tv = { .tv_sec = 4 };
	int fd;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(connect(fd, (struct sockaddr*)&addr, sizeof(addr)), 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

/**
 * Whether the KP closed the connection (read returns EOF or a reset)
 * within the receive timeout.
 */
static bool closed_by_kp(int fd)
{
	char buf[64];
	ssize_t n;

	n = recv(fd, buf, sizeof(buf), 0);
	return n == 0 || (n < 0 && errno == ECONNRESET);
}

static long capabilities(long timeout_ms)
{
	kpt_client_t c;
	kpt_resp_t resp;
	long code;

	kpt_client_gw(&c, &kps[0], 0, KPT_PSK);
	c.timeout_ms = timeout_ms;
	kpt_request(&c, &resp, "GET", "/capabilities");
	code = resp.code;
	kpt_resp_clear(&resp);
	kpt_client_free(&c);
	return code;
}

/**
 * With max connections open, further clients wait (in the backlog) until
 * one closes; silent connections are closed after the request timeout.
 */
START_TEST(test_max_connections)
{
	int fds[3], i;
	long start;

	start_alice("3", "1");
	for (i = 0; i < 3; i++)
	{
		fds[i] = tcp_connect(kps[0].port);
	}
	test_sleep_ms(100);
	ck_assert_int_eq(capabilities(500), 0);
	ck_assert(kpt_log_has(&kps[0], "3 connections open"));
	/* one leaves: the waiting clients are served */
	close(fds[0]);
	ck_assert_int_eq(capabilities(2000), 200);
	/* the silent ones are cut off after --request-timeout */
	start = test_now_ms();
	ck_assert(closed_by_kp(fds[1]));
	ck_assert(closed_by_kp(fds[2]));
	ck_assert_int_le(test_now_ms() - start, 2500);
	close(fds[1]);
	close(fds[2]);
	ck_assert_int_eq(capabilities(1000), 200);
	kpt_pair_free(kps);
}
END_TEST

/**
 * A TLS 1.3 PSK connection made by hand, for clients that misbehave.
 */
static SSL *tls_connect(SSL_CTX **ctx, skip_psk_t *psk, int *fd)
{
	char err[256];
	SSL *ssl;

	ck_assert(skip_psk_load(kpt_path("gw-a.psk"), "gw-a", psk, err,
							sizeof(err)));
	*ctx = SSL_CTX_new(TLS_client_method());
	ck_assert_ptr_nonnull(*ctx);
	SSL_CTX_set_min_proto_version(*ctx, TLS1_3_VERSION);
	SSL_CTX_set_ciphersuites(*ctx, SKIP_TLS13_SUITE);
	ck_assert(skip_tls_client_use_psk(*ctx, psk));
	*fd = tcp_connect(kps[0].port);
	ssl = SSL_new(*ctx);
	SSL_set_fd(ssl, *fd);
	ck_assert_int_eq(SSL_connect(ssl), 1);
	return ssl;
}

/**
 * Send a request one byte at a time; returns the number of bytes sent
 * before the KP closed the connection, and whether an answer came.
 */
static size_t dribble(SSL *ssl, const char *request, long pause_ms,
					  bool *answered)
{
	char buf[256];
	size_t i;

	*answered = false;
	for (i = 0; request[i]; i++)
	{
		if (SSL_write(ssl, request + i, 1) != 1)
		{
			break;
		}
		test_sleep_ms(pause_ms);
	}
	if (request[i] == '\0')
	{
		*answered = SSL_read(ssl, buf, sizeof(buf)) > 0;
	}
	return i;
}

/**
 * Slow clients (one byte every 200 ms, well inside the idle timeout) are
 * cut off when the request deadline passes; also on a connection that
 * had a fast request before.
 */
START_TEST(test_slow_client)
{
	static const char *request = "GET /capabilities HTTP/1.1\r\n"
								 "Host: 127.0.0.1\r\nX-Slow: 1\r\n\r\n";
	skip_psk_t psk;
	SSL_CTX *ctx;
	SSL *ssl;
	bool answered;
	long start;
	size_t sent;
	char buf[4096];
	int fd, n;

	start_alice("100", "1");
	ssl = tls_connect(&ctx, &psk, &fd);
	start = test_now_ms();
	sent = dribble(ssl, request, 200, &answered);
	ck_assert(!answered);
	ck_assert_uint_lt(sent, strlen(request));
	ck_assert_int_le(test_now_ms() - start, 2500);
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	close(fd);

	/* a fast request first, then a slow one */
	ssl = tls_connect(&ctx, &psk, &fd);
	ck_assert_int_eq(SSL_write(ssl, request, (int)strlen(request)),
					 (int)strlen(request));
	n = SSL_read(ssl, buf, sizeof(buf) - 1);
	ck_assert_int_gt(n, 0);
	buf[n] = '\0';
	ck_assert_ptr_nonnull(strstr(buf, "200 OK"));
	sent = dribble(ssl, request, 200, &answered);
	ck_assert(!answered);
	ck_assert_uint_lt(sent, strlen(request));
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	close(fd);
	ck_assert_int_eq(capabilities(1000), 200);
	kpt_pair_free(kps);
}
END_TEST

/**
 * Requests sent together on one connection (HTTP/1.1 pipelining) are
 * answered completely and in order, each once.
 */
START_TEST(test_pipelined_requests)
{
	const char *requests =
		"GET /capabilities HTTP/1.1\r\nHost: kp\r\n\r\n"
		"GET /entropy HTTP/1.1\r\nHost: kp\r\n\r\n"
		"GET /nowhere HTTP/1.1\r\nHost: kp\r\n\r\n"
		"GET /capabilities HTTP/1.1\r\nHost: kp\r\n"
		"Connection: close\r\n\r\n";
	char buf[8192], *p;
	size_t len = 0;
	skip_psk_t psk;
	SSL_CTX *ctx;
	SSL *ssl;
	int fd, n;

	start_alice("10", "5");
	ssl = tls_connect(&ctx, &psk, &fd);
	ck_assert_int_eq(SSL_write(ssl, requests, (int)strlen(requests)),
					 (int)strlen(requests));
	/* the KP closes after the last answer */
	while ((n = SSL_read(ssl, buf + len, sizeof(buf) - 1 - len)) > 0)
	{
		len += n;
	}
	buf[len] = '\0';
	p = strstr(buf, "HTTP/1.1 200 OK");
	ck_assert_msg(p && strstr(p, "localSystemID"), "%s", buf);
	p = strstr(p + 1, "HTTP/1.1 200 OK");
	ck_assert_msg(p && strstr(p, "randomStr") &&
				  strstr(p, "randomStr") < strstr(p, "localSystemID"),
				  "%s", buf);
	p = strstr(p + 1, "HTTP/1.1 404");
	ck_assert_msg(p && strstr(p, "unknown path"), "%s", buf);
	p = strstr(p + 1, "HTTP/1.1 200 OK");
	ck_assert_msg(p && strstr(p, "localSystemID"), "%s", buf);
	ck_assert_ptr_null(strstr(p + 1, "HTTP/1.1"));
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	close(fd);
	kpt_pair_free(kps);
}
END_TEST

/**
 * Header blocks and bodies are bounded.
 */
START_TEST(test_request_size)
{
	static char header[12000], body[6000];
	kpt_client_t c;
	kpt_resp_t resp;

	start_alice("100", "5");
	kpt_client_gw(&c, &kps[0], 0, KPT_PSK);
	memset(header, 'x', sizeof(header) - 1);
	memcpy(header, "X-Big: ", 7);
	c.header = header;
	kpt_request(&c, &resp, "GET", "/capabilities");
	ck_assert_msg(resp.code != 200 && (resp.code >= 400 || resp.code == 0),
				  "%ld", resp.code);
	kpt_resp_clear(&resp);
	kpt_client_free(&c);

	kpt_client_gw(&c, &kps[0], 0, KPT_PSK);
	memset(body, 'x', sizeof(body) - 1);
	kpt_request_body(&c, &resp, "GET", body, "/capabilities");
	ck_assert_int_eq(resp.code, 413);
	kpt_resp_clear(&resp);
	kpt_client_free(&c);
	ck_assert_int_eq(capabilities(1000), 200);
	kpt_pair_free(kps);
}
END_TEST

#define CLIENTS 100
#define REQUESTS 5

static void *client_thread(void *arg)
{
	long *ok = arg;
	kpt_client_t c;
	kpt_resp_t resp;
	int i;

	kpt_client_psk(&c, kps[0].port, "gw-a", "gw-a.psk");
	c.timeout_ms = 10000;
	for (i = 0; i < REQUESTS; i++)
	{
		kpt_request(&c, &resp, "GET", i % 2 ? "/entropy" : "/capabilities");
		*ok += resp.code == 200;
		kpt_resp_clear(&resp);
	}
	kpt_client_free(&c);
	return NULL;
}

/**
 * Many encryptors with keep-alive connections at once.
 */
START_TEST(test_many_clients)
{
	pthread_t threads[CLIENTS];
	long ok[CLIENTS] = {};
	int i;

	start_alice("1024", "10");
	for (i = 0; i < CLIENTS; i++)
	{
		ck_assert_int_eq(pthread_create(&threads[i], NULL, client_thread,
										&ok[i]), 0);
	}
	for (i = 0; i < CLIENTS; i++)
	{
		pthread_join(threads[i], NULL);
		ck_assert_int_eq(ok[i], REQUESTS);
	}
	kpt_pair_free(kps);
}
END_TEST

Suite *kpt_limits_suite(void)
{
	Suite *s = suite_create("limits");
	TCase *tc;

	tc = tcase_create("connections, deadlines, sizes");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_max_connections);
	tcase_add_test(tc, test_slow_client);
	tcase_add_test(tc, test_request_size);
	tcase_add_test(tc, test_many_clients);
	tcase_add_test(tc, test_pipelined_requests);
	suite_add_tcase(s, tc);
	return s;
}
