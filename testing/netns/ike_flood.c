/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * ike-flood: a denial-of-service load for the end-to-end tests. Sends
 * IKEv2 IKE_SA_INIT requests (RFC 7296) with random SPIs, each offering
 * aes256-sha384-x25519 with a random x25519 key share, a nonce and a
 * USE_PPK notify carrying a random SKIP system ID, at a bounded rate for a
 * bounded time, from one or more consecutive source addresses. A request
 * the responder answers with a COOKIE is sent again with that cookie, as a
 * client able to receive at its address would. Nothing else of the
 * exchange is followed: every IKE_SA stays half-open.
 *
 * usage: ike-flood -d ADDR[:PORT] [-s SRC] [-n COUNT] [-r RATE] [-t SECONDS]
 */

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_SOURCES 256

/* IKEv2 numbers (RFC 7296, RFC 8784) */
#define IKE_SA_INIT 34
#define FLAG_INITIATOR 0x08
#define FLAG_RESPONSE 0x20
#define PL_NONE 0
#define PL_SA 33
#define PL_KE 34
#define PL_NONCE 40
#define PL_NOTIFY 41
#define N_COOKIE 16390
#define N_USE_PPK 16435
#define T_ENCR 1
#define T_PRF 2
#define T_INTEG 3
#define T_KE 4
#define ENCR_AES_CBC 12
#define PRF_HMAC_SHA2_384 6
#define AUTH_HMAC_SHA2_384_192 13
#define GROUP_CURVE25519 31
#define ATTR_KEY_LENGTH 14

#define IKE_HEADER_LEN 28
#define MAX_COOKIE 64

typedef struct {
	uint8_t *pos;
} writer_t;

static void put8(writer_t *w, uint8_t v)
{
	*w->pos++ = v;
}

static void put16(writer_t *w, uint16_t v)
{
	put8(w, v >> 8);
	put8(w, v & 0xff);
}

static void put32(writer_t *w, uint32_t v)
{
	put16(w, v >> 16);
	put16(w, v & 0xffff);
}

static void put(writer_t *w, const void *data, size_t len)
{
	memcpy(w->pos, data, len);
	w->pos += len;
}

/* generic payload header; the length is patched by end_payload() */
static uint8_t *begin_payload(writer_t *w, uint8_t next)
{
	uint8_t *start = w->pos;

	put8(w, next);
	put8(w, 0);
	put16(w, 0);
	return start;
}

static void end_payload(writer_t *w, uint8_t *start)
{
	size_t len = w->pos - start;

	start[2] = len >> 8;
	start[3] = len & 0xff;
}

static void transform(writer_t *w, int last, uint8_t type, uint16_t id,
					  int key_length)
{
	put8(w, last ? 0 : 3);
	put8(w, 0);
	put16(w, key_length ? 12 : 8);
	put8(w, type);
	put8(w, 0);
	put16(w, id);
	if (key_length)
	{	/* TV attribute */
		put16(w, 0x8000 | ATTR_KEY_LENGTH);
		put16(w, key_length);
	}
}

static void notify(writer_t *w, uint8_t next, uint16_t type,
				   const void *data, size_t len)
{
	uint8_t *p = begin_payload(w, next);

	put8(w, 0);		/* protocol ID */
	put8(w, 0);		/* SPI size */
	put16(w, type);
	put(w, data, len);
	end_payload(w, p);
}

/* the per-request random values, derived from the SPI so that a request
 * can be rebuilt with a cookie from the SPI alone (xorshift64*) */
static void derive(uint64_t spi, uint8_t *out, size_t len)
{
	uint64_t x = spi ^ 0x9e3779b97f4a7c15ULL, v;
	size_t i;

	for (i = 0; i < len; i++)
	{
		x ^= x >> 12;
		x ^= x << 25;
		x ^= x >> 27;
		v = x * 0x2545f4914f6cdd1dULL;
		out[i] = v >> 56;
	}
}

static size_t build_init(uint8_t *buf, uint64_t spi, const uint8_t *cookie,
						 size_t cookie_len)
{
	writer_t w = { .pos = buf };
	uint8_t random[64], *p, *proposal;
	char sid[32];
	int i;

	derive(spi, random, sizeof(random));
	snprintf(sid, sizeof(sid), "flood-%016llx", (unsigned long long)spi);

	/* IKE header */
	for (i = 7; i >= 0; i--)
	{
		put8(&w, spi >> (8 * i));
	}
	put32(&w, 0);
	put32(&w, 0);
	put8(&w, cookie_len ? PL_NOTIFY : PL_SA);
	put8(&w, 0x20);		/* version 2.0 */
	put8(&w, IKE_SA_INIT);
	put8(&w, FLAG_INITIATOR);
	put32(&w, 0);		/* message ID */
	put32(&w, 0);		/* length, patched below */

	if (cookie_len)
	{
		notify(&w, PL_SA, N_COOKIE, cookie, cookie_len);
	}

	/* SA: one IKE proposal, aes256-sha384-x25519 */
	p = begin_payload(&w, PL_KE);
	proposal = w.pos;
	put8(&w, 0);		/* last proposal */
	put8(&w, 0);
	put16(&w, 0);		/* length, patched below */
	put8(&w, 1);		/* proposal number */
	put8(&w, 1);		/* protocol IKE */
	put8(&w, 0);		/* SPI size */
	put8(&w, 4);		/* transforms */
	transform(&w, 0, T_ENCR, ENCR_AES_CBC, 256);
	transform(&w, 0, T_PRF, PRF_HMAC_SHA2_384, 0);
	transform(&w, 0, T_INTEG, AUTH_HMAC_SHA2_384_192, 0);
	transform(&w, 1, T_KE, GROUP_CURVE25519, 0);
	proposal[2] = (w.pos - proposal) >> 8;
	proposal[3] = (w.pos - proposal) & 0xff;
	end_payload(&w, p);

	/* KE: x25519 public value */
	p = begin_payload(&w, PL_NONCE);
	put16(&w, GROUP_CURVE25519);
	put16(&w, 0);
	put(&w, random, 32);
	end_payload(&w, p);

	/* Nonce */
	p = begin_payload(&w, PL_NOTIFY);
	put(&w, random + 32, 32);
	end_payload(&w, p);

	/* USE_PPK with a SKIP system ID no KP knows */
	notify(&w, PL_NONE, N_USE_PPK, sid, strlen(sid));

	buf[24] = (w.pos - buf) >> 24;
	buf[25] = ((w.pos - buf) >> 16) & 0xff;
	buf[26] = ((w.pos - buf) >> 8) & 0xff;
	buf[27] = (w.pos - buf) & 0xff;
	return w.pos - buf;
}

/* a response carrying COOKIE as first payload: its SPI and cookie */
static int parse_cookie(const uint8_t *buf, size_t len, uint64_t *spi,
						const uint8_t **cookie, size_t *cookie_len)
{
	size_t plen;
	int i;

	if (len < IKE_HEADER_LEN + 8 || buf[18] != IKE_SA_INIT ||
		!(buf[19] & FLAG_RESPONSE) || buf[16] != PL_NOTIFY)
	{
		return 0;
	}
	plen = (buf[IKE_HEADER_LEN + 2] << 8) | buf[IKE_HEADER_LEN + 3];
	if (plen < 8 || plen - 8 > MAX_COOKIE || IKE_HEADER_LEN + plen > len ||
		((buf[IKE_HEADER_LEN + 6] << 8) | buf[IKE_HEADER_LEN + 7]) != N_COOKIE ||
		buf[IKE_HEADER_LEN + 5] != 0)
	{
		return 0;
	}
	*spi = 0;
	for (i = 0; i < 8; i++)
	{
		*spi = (*spi << 8) | buf[i];
	}
	*cookie = buf + IKE_HEADER_LEN + 8;
	*cookie_len = plen - 8;
	return 1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void usage(const char *name)
{
	fprintf(stderr, "usage: %s -d ADDR[:PORT] [-s SRC] [-n COUNT] "
			"[-r RATE] [-t SECONDS]\n"
			"  -d  responder (port 500 unless given)\n"
			"  -s  first source address (default: any)\n"
			"  -n  number of consecutive source addresses (default 1)\n"
			"  -r  IKE_SA_INIT requests per second (default 200)\n"
			"  -t  seconds to send (default 10)\n", name);
	exit(2);
}

int main(int argc, char *argv[])
{
	struct sockaddr_in dst = { .sin_family = AF_INET, .sin_port = htons(500) };
	struct pollfd fds[MAX_SOURCES];
	struct in_addr src = { .s_addr = htonl(INADDR_ANY) };
	unsigned long sent = 0, cookies = 0, answers = 0;
	int opt, nsrc = 1, rate = 200, secs = 10, i, next = 0;
	double start, deadline, next_send;
	uint8_t buf[2048];
	char *colon;

	while ((opt = getopt(argc, argv, "d:s:n:r:t:")) != -1)
	{
		switch (opt)
		{
			case 'd':
				colon = strchr(optarg, ':');
				if (colon)
				{
					*colon = '\0';
					dst.sin_port = htons(atoi(colon + 1));
				}
				if (inet_pton(AF_INET, optarg, &dst.sin_addr) != 1)
				{
					usage(argv[0]);
				}
				break;
			case 's':
				if (inet_pton(AF_INET, optarg, &src) != 1)
				{
					usage(argv[0]);
				}
				break;
			case 'n':
				nsrc = atoi(optarg);
				break;
			case 'r':
				rate = atoi(optarg);
				break;
			case 't':
				secs = atoi(optarg);
				break;
			default:
				usage(argv[0]);
		}
	}
	if (!dst.sin_addr.s_addr || nsrc < 1 || nsrc > MAX_SOURCES ||
		rate < 1 || rate > 100000 || secs < 1 || secs > 3600)
	{
		usage(argv[0]);
	}

	for (i = 0; i < nsrc; i++)
	{
		struct sockaddr_in local = {
			.sin_family = AF_INET,
			.sin_addr.s_addr = src.s_addr == htonl(INADDR_ANY) ? src.s_addr :
								htonl(ntohl(src.s_addr) + i),
		};

		fds[i].fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
		fds[i].events = POLLIN;
		if (fds[i].fd < 0 ||
			bind(fds[i].fd, (struct sockaddr*)&local, sizeof(local)) < 0 ||
			connect(fds[i].fd, (struct sockaddr*)&dst, sizeof(dst)) < 0)
		{
			fprintf(stderr, "source %s: %s\n", inet_ntoa(local.sin_addr),
					strerror(errno));
			return 1;
		}
	}

	start = now();
	deadline = start + secs;
	next_send = start;
	while (now() < deadline)
	{
		double t = now();
		int wait_ms;

		while (next_send <= t)
		{
			uint64_t spi;
			size_t len;

			if (getrandom(&spi, sizeof(spi), 0) != sizeof(spi))
			{
				perror("getrandom");
				return 1;
			}
			len = build_init(buf, spi, NULL, 0);
			if (send(fds[next].fd, buf, len, 0) == (ssize_t)len)
			{
				sent++;
			}
			next = (next + 1) % nsrc;
			next_send += 1.0 / rate;
		}
		wait_ms = (next_send - now()) * 1000;
		if (poll(fds, nsrc, wait_ms > 0 ? wait_ms : 0) <= 0)
		{
			continue;
		}
		for (i = 0; i < nsrc; i++)
		{
			uint8_t in[2048], copy[MAX_COOKIE];
			const uint8_t *cookie;
			size_t cookie_len, len;
			uint64_t spi;
			ssize_t got;

			if (!(fds[i].revents & POLLIN))
			{
				continue;
			}
			while ((got = recv(fds[i].fd, in, sizeof(in), 0)) > 0)
			{
				answers++;
				if (!parse_cookie(in, got, &spi, &cookie, &cookie_len))
				{
					continue;
				}
				memcpy(copy, cookie, cookie_len);
				len = build_init(buf, spi, copy, cookie_len);
				if (send(fds[i].fd, buf, len, 0) == (ssize_t)len)
				{
					cookies++;
				}
			}
		}
	}
	printf("sent %lu IKE_SA_INIT requests from %d source address(es) in %.1f s, "
		   "%lu again with a cookie, %lu answers\n", sent, nsrc, now() - start,
		   cookies, answers);
	for (i = 0; i < nsrc; i++)
	{
		close(fds[i].fd);
	}
	return 0;
}
