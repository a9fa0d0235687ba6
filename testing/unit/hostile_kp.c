/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "hostile_kp.h"
#include "test_support.h"

#include <check.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/ssl.h>
#include <openssl/x509.h>

struct hostile_kp_t {
	SSL_CTX *ctx;
	const hostile_answer_t *answers;
	int count;
	int fd;
	char url[64];
	volatile bool stop;
	volatile int requests;
	char request_line[2048];
	char request_body[4096];
	char client_cn[64];
	pthread_t thread;
};


/**
 * Length of the body a request announces (Content-Length), 0 for none.
 */
static size_t content_length(const char *headers)
{
	const char *p = headers;

	while ((p = strstr(p, "\r\n")))
	{
		p += 2;
		if (strncasecmp(p, "Content-Length:", 15) == 0)
		{
			return strtoul(p + 15, NULL, 10);
		}
	}
	return 0;
}

/**
 * Read the request headers and the body they announce (or give up).
 */
static bool read_request(hostile_kp_t *this, SSL *ssl)
{
	char buf[8192], *end, *body = NULL;
	size_t len = 0, want = 0;
	int n;

	this->request_body[0] = '\0';
	while (len < sizeof(buf) - 1)
	{
		if (body && len - (size_t)(body - buf) >= want)
		{
			snprintf(this->request_body, sizeof(this->request_body), "%.*s",
					 (int)want, body);
			return true;
		}
		n = SSL_read(ssl, buf + len, (int)(sizeof(buf) - 1 - len));
		if (n <= 0)
		{
			return false;
		}
		len += (size_t)n;
		buf[len] = '\0';
		if (!body && (end = strstr(buf, "\r\n\r\n")))
		{
			body = end + 4;
			want = content_length(buf);
			end = strstr(buf, "\r\n");
			snprintf(this->request_line, sizeof(this->request_line), "%.*s",
					 (int)(end - buf), buf);
		}
	}
	return false;
}

static void serve(hostile_kp_t *this, int fd)
{
	const hostile_answer_t *answer;
	size_t sent = 0, piece;
	char byte;
	SSL *ssl;

	ssl = SSL_new(this->ctx);
	SSL_set_fd(ssl, fd);
	if (SSL_accept(ssl) == 1 && read_request(this, ssl))
	{
		X509 *peer = SSL_get1_peer_certificate(ssl);

		if (peer)
		{
			X509_NAME_get_text_by_NID(X509_get_subject_name(peer),
									  NID_commonName, this->client_cn,
									  sizeof(this->client_cn));
			X509_free(peer);
		}
		answer = &this->answers[this->requests < this->count ? this->requests
															 : this->count - 1];
		this->requests++;
		while (sent < answer->len && !this->stop)
		{
			piece = answer->piece ? answer->piece : answer->len;
			if (piece > answer->len - sent)
			{
				piece = answer->len - sent;
			}
			if (SSL_write(ssl, answer->data + sent, (int)piece) <= 0)
			{
				break;
			}
			sent += piece;
			if (answer->pause_ms && sent < answer->len)
			{
				test_sleep_ms(answer->pause_ms);
			}
		}
		if (!answer->close)
		{	/* wait for the client to give up */
			struct pollfd pfd = { .fd = fd, .events = POLLIN };

			while (!this->stop && poll(&pfd, 1, 100) >= 0)
			{
				if ((pfd.revents & POLLIN) && SSL_read(ssl, &byte, 1) <= 0)
				{
					break;
				}
			}
		}
		else
		{
			SSL_shutdown(ssl);
		}
	}
	SSL_free(ssl);
	close(fd);
}

static void *run(void *arg)
{
	hostile_kp_t *this = arg;
	struct pollfd pfd = { .fd = this->fd, .events = POLLIN };
	int fd;

	while (!this->stop)
	{
		if (poll(&pfd, 1, 100) <= 0)
		{
			continue;
		}
		fd = accept(this->fd, NULL, NULL);
		if (fd >= 0)
		{
			serve(this, fd);
		}
	}
	return NULL;
}

hostile_kp_t *hostile_kp_start(const char *cert, const char *key,
							   const hostile_answer_t *answer)
{
	return hostile_kp_start_script(cert, key, answer, 1);
}

hostile_kp_t *hostile_kp_start_script(const char *cert, const char *key,
									  const hostile_answer_t *answers,
									  int count)
{
	struct sockaddr_in addr = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	socklen_t len = sizeof(addr);
	hostile_kp_t *this;

	this = calloc(1, sizeof(*this));
	ck_assert_ptr_nonnull(this);
	ck_assert_int_ge(count, 1);
	this->answers = answers;
	this->count = count;
	this->ctx = SSL_CTX_new(TLS_server_method());
	ck_assert_ptr_nonnull(this->ctx);
	ck_assert_int_eq(SSL_CTX_use_certificate_chain_file(this->ctx, cert), 1);
	ck_assert_int_eq(SSL_CTX_use_PrivateKey_file(this->ctx, key,
												 SSL_FILETYPE_PEM), 1);
	this->fd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ge(this->fd, 0);
	ck_assert_int_eq(bind(this->fd, (struct sockaddr*)&addr, sizeof(addr)), 0);
	ck_assert_int_eq(listen(this->fd, 8), 0);
	ck_assert_int_eq(getsockname(this->fd, (struct sockaddr*)&addr, &len), 0);
	snprintf(this->url, sizeof(this->url), "https://127.0.0.1:%u",
			 ntohs(addr.sin_port));
	ck_assert_int_eq(pthread_create(&this->thread, NULL, run, this), 0);
	return this;
}

const char *hostile_kp_url(hostile_kp_t *this)
{
	return this->url;
}

int hostile_kp_requests(hostile_kp_t *this)
{
	return this->requests;
}

const char *hostile_kp_request_line(hostile_kp_t *this)
{
	return this->request_line;
}

void hostile_kp_require_client_cert(hostile_kp_t *this, const char *ca)
{
	/* before the first connection: the thread only reads ctx on accept */
	ck_assert_int_eq(SSL_CTX_load_verify_locations(this->ctx, ca, NULL), 1);
	SSL_CTX_set_verify(this->ctx, SSL_VERIFY_PEER |
					   SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
}

const char *hostile_kp_client_cn(hostile_kp_t *this)
{
	return this->client_cn;
}

const char *hostile_kp_request_body(hostile_kp_t *this)
{
	return this->request_body;
}

void hostile_kp_stop(hostile_kp_t *this)
{
	this->stop = true;
	pthread_join(this->thread, NULL);
	close(this->fd);
	SSL_CTX_free(this->ctx);
	free(this);
}
