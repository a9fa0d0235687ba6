/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "kpt_hub.h"

#include <dske_frame.h>
#include <dske_msg.h>
#include <dske_pair.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <unistd.h>

#include <openssl/rand.h>

/** the clients of every bundle */
static const char *clients[] = { "kp-alice", "kp-bob" };
#define CLIENTS (sizeof(clients) / sizeof(clients[0]))
/** connections and stored shares of a hub */
#define CONNS_MAX 16
#define SHARES_MAX 512
/** largest frame the test hub reads */
#define BUF_MAX 65536

static uint64_t random_id(void)
{
	uint64_t id = 0;

	while (!id)
	{
		ck_assert_int_eq(RAND_bytes((uint8_t*)&id, sizeof(id)), 1);
	}
	return id;
}

const char *kpt_hub_client_dir(kpt_hub_t *hub, const char *client)
{
	static char buf[4][600];
	static int next;
	char *path = buf[next++ % 4];

	snprintf(path, sizeof(buf[0]), "%s/../%s/hubs/%s", hub->dir, client,
			 hub->name);
	return path;
}

void kpt_hubs_init(kpt_hub_t *hubs, size_t count, uint64_t words)
{
	char base[300], path[600], line[200], cmd[2000], err[256];
	uint64_t hub_id, ids[CLIENTS];
	size_t h, c;
	FILE *file;

	snprintf(base, sizeof(base), "%s", kpt_tmpdir("hubs"));
	for (c = 0; c < CLIENTS; c++)
	{
		snprintf(path, sizeof(path), "%s/%s", base, clients[c]);
		ck_assert_int_eq(mkdir(path, 0700), 0);
		snprintf(path, sizeof(path), "%s/%s/hubs", base, clients[c]);
		ck_assert_int_eq(mkdir(path, 0700), 0);
	}
	for (h = 0; h < count; h++)
	{
		memset(&hubs[h], 0, sizeof(hubs[h]));
		snprintf(hubs[h].name, sizeof(hubs[h].name), "hub%u", (unsigned)(h + 1) % 100);
		hubs[h].index = (unsigned)h + 1;
		hubs[h].port = test_free_port();
		snprintf(hubs[h].dir, sizeof(hubs[h].dir), "%s/%s", base,
				 hubs[h].name);
		ck_assert_int_eq(mkdir(hubs[h].dir, 0700), 0);
		snprintf(path, sizeof(path), "%s/clients", hubs[h].dir);
		ck_assert_int_eq(mkdir(path, 0700), 0);
		hub_id = random_id();
		for (c = 0; c < CLIENTS; c++)
		{
			ids[c] = random_id();
			snprintf(path, sizeof(path), "%s/clients/%s", hubs[h].dir,
					 clients[c]);
			ck_assert_msg(dske_pair_generate(path, clients[c], ids[c],
											 hubs[h].name, hub_id, words,
											 err, sizeof(err)), "%s", err);
		}
		for (c = 0; c < CLIENTS; c++)
		{	/* every pair dir of a hub lists all its clients */
			snprintf(path, sizeof(path), "%s/clients/%s/clients",
					 hubs[h].dir, clients[c]);
			file = fopen(path, "w");
			ck_assert_ptr_nonnull(file);
			for (size_t o = 0; o < CLIENTS; o++)
			{
				snprintf(line, sizeof(line), "%s %llu\n", clients[o],
						 (unsigned long long)ids[o]);
				fputs(line, file);
			}
			fclose(file);
			snprintf(cmd, sizeof(cmd), "cp -a %s/clients/%s %s", hubs[h].dir,
					 clients[c], kpt_hub_client_dir(&hubs[h], clients[c]));
			ck_assert_int_eq(system(cmd), 0);
		}
	}
}

void kpt_hub_kp_args(kpt_kp_t *kp, kpt_hub_t *hubs, size_t count,
					 const char *client, const char *peer,
					 const char *peer_client, unsigned k)
{
	size_t i;

	for (i = 0; i < count; i++)
	{
		kpt_kp_arg(kp, "--dske-hub");
		kpt_kp_arg(kp, "%s,127.0.0.1:%u,%u,%s", hubs[i].name, hubs[i].port,
				   hubs[i].index, kpt_hub_client_dir(&hubs[i], client));
	}
	kpt_kp_arg(kp, "--dske-peer");
	kpt_kp_arg(kp, "%s,%s,%u", peer, peer_client, k);
}

/**
 * A stored share.
 */
typedef struct {
	bool used;
	/** the sender's ID here, and who has it already */
	uint64_t sender;
	bool delivered[DSKE_MAX_RECIPIENTS];
	/** the upload, its Z replaced by R */
	dske_msg_t msg;
} stored_t;

/**
 * The state of a running test hub (in its own process).
 */
typedef struct {
	kpt_hub_fault_t fault;
	dske_pair_t *pairs[CLIENTS];
	stored_t shares[SHARES_MAX];
	/** the last key instruction sent, for KPT_HUB_REPLAY */
	uint8_t last[DSKE_MSG_MAX_LEN];
	size_t last_len;
} hub_state_t;

static dske_pair_t *pair_of(hub_state_t *hub, uint64_t client_id)
{
	size_t i;

	for (i = 0; i < CLIENTS; i++)
	{
		if (hub->pairs[i]->get_client_id(hub->pairs[i]) == client_id)
		{
			return hub->pairs[i];
		}
	}
	return NULL;
}

static bool send_plain(int fd, dske_pair_t *pair, const uint8_t *plain,
					   size_t len)
{
	uint8_t frame[DSKE_FRAME_PREFIX_LEN + DSKE_MSG_MAX_LEN + 64];
	size_t frame_len = dske_frame_len(len);
	uint64_t counter;
	uint32_t key_id;
	const uint8_t *key = pair->get_wrap_key(pair, &key_id);

	if (!pair->next_counter(pair, &counter) ||
		!dske_frame_seal(key, key_id, pair->get_hub_id(pair),
						 DSKE_DIR_TO_CLIENT, counter, plain, len,
						 frame + DSKE_FRAME_PREFIX_LEN, frame_len))
	{
		return false;
	}
	for (int i = 0; i < 4; i++)
	{
		frame[i] = (uint8_t)(frame_len >> (8 * i));
	}
	return write(fd, frame, DSKE_FRAME_PREFIX_LEN + frame_len) ==
		   (ssize_t)(DSKE_FRAME_PREFIX_LEN + frame_len);
}

static bool send_msg(int fd, dske_pair_t *pair, const dske_msg_t *msg,
					 dske_gf128_t c, dske_gf128_t d, hub_state_t *hub)
{
	uint8_t plain[DSKE_MSG_MAX_LEN];
	size_t len;

	len = dske_msg_encode(msg, c, d, plain, sizeof(plain));
	if (!len)
	{
		return false;
	}
	if (msg->type == DSKE_KEY_INSTRUCTION)
	{
		memcpy(hub->last, plain, len);
		hub->last_len = len;
	}
	return send_plain(fd, pair, plain, len);
}

/**
 * ACK or ERROR for a request.
 */
static bool answer(int fd, dske_pair_t *pair, const dske_msg_t *req,
				   dske_msg_type_t type, uint32_t code, hub_state_t *hub)
{
	dske_msg_t msg = {
		.type = type,
		.sender_id = req->sender_id,
		.hub_id = req->hub_id,
		.x = type == DSKE_ERROR ? code : 0,
	};
	dske_gf128_t zero = {};

	memcpy(msg.secret_id, req->secret_id, sizeof(msg.secret_id));
	return send_msg(fd, pair, &msg, zero, zero, hub);
}

static bool upload(int fd, dske_pair_t *pair, dske_msg_t *msg,
				   const uint8_t *plain, size_t len, uint64_t sender,
				   hub_state_t *hub)
{
	dske_gf128_t words[5 + DSKE_MAX_KEY_WORDS];
	size_t i, free_slot = SHARES_MAX;

	if (msg->sender_id != sender)
	{
		return answer(fd, pair, msg, DSKE_ERROR, DSKE_ERR_BAD_MESSAGE, hub);
	}
	if (!pair->claim(pair, msg->psrd_start, msg->psrd_count, words))
	{
		return answer(fd, pair, msg, DSKE_ERROR, DSKE_ERR_PSRD, hub);
	}
	if (!dske_msg_verify(plain, len, words[0], words[1]))
	{
		return answer(fd, pair, msg, DSKE_ERROR, DSKE_ERR_TAG, hub);
	}
	for (i = 0; i < SHARES_MAX; i++)
	{
		if (!hub->shares[i].used && free_slot == SHARES_MAX)
		{
			free_slot = i;
		}
	}
	if (free_slot == SHARES_MAX)
	{
		return answer(fd, pair, msg, DSKE_ERROR, DSKE_ERR_EXHAUSTED, hub);
	}
	for (i = 0; i < 3 + (size_t)msg->m; i++)
	{
		msg->z[i] = dske_gf128_add(msg->z[i], words[2 + i]);
	}
	hub->shares[free_slot] = (stored_t){
		.used = true,
		.sender = sender,
		.msg = *msg,
	};
	return answer(fd, pair, msg, DSKE_ACK, 0, hub);
}

static bool instruct(int fd, dske_pair_t *pair, dske_msg_t *req,
					 uint64_t requester, hub_state_t *hub)
{
	dske_gf128_t words[5 + DSKE_MAX_KEY_WORDS];
	dske_msg_t msg;
	stored_t *share = NULL;
	uint64_t start;
	size_t i, r = DSKE_MAX_RECIPIENTS;

	if (hub->fault == KPT_HUB_REPLAY && hub->last_len)
	{
		return send_plain(fd, pair, hub->last, hub->last_len);
	}
	for (i = 0; i < SHARES_MAX && !share; i++)
	{
		if (hub->shares[i].used && hub->shares[i].sender == req->sender_id &&
			memcmp(hub->shares[i].msg.secret_id, req->secret_id,
				   DSKE_SECRET_ID_LEN) == 0)
		{
			share = &hub->shares[i];
		}
	}
	if (!share)
	{
		return answer(fd, pair, req, DSKE_ERROR, DSKE_ERR_UNKNOWN, hub);
	}
	for (i = 0; i < share->msg.recipient_count; i++)
	{
		if (share->msg.recipients[i] == requester)
		{
			r = i;
		}
	}
	if (r == DSKE_MAX_RECIPIENTS)
	{
		return answer(fd, pair, req, DSKE_ERROR, DSKE_ERR_NOT_RECIPIENT, hub);
	}
	if (share->delivered[r])
	{
		return answer(fd, pair, req, DSKE_ERROR, DSKE_ERR_DELIVERED, hub);
	}
	if (!pair->allocate(pair, 5 + share->msg.m, &start, words))
	{
		return answer(fd, pair, req, DSKE_ERROR, DSKE_ERR_EXHAUSTED, hub);
	}
	msg = share->msg;
	msg.type = DSKE_KEY_INSTRUCTION;
	msg.psrd_start = start;
	msg.psrd_table = DSKE_TABLE_HUB;
	for (i = 0; i < 3 + (size_t)msg.m; i++)
	{
		msg.z[i] = dske_gf128_add(msg.z[i], words[2 + i]);
	}
	if (hub->fault == KPT_HUB_CORRUPT)
	{	/* y1's lowest bit: the lie authenticates */
		msg.z[3].lo ^= 1;
	}
	share->delivered[r] = true;
	return send_msg(fd, pair, &msg, words[0], words[1], hub);
}

/**
 * One frame from a client; false closes the connection.
 */
static bool handle(int fd, const uint8_t *frame, size_t len, hub_state_t *hub)
{
	static uint8_t plain[BUF_MAX];
	dske_frame_header_t hdr;
	dske_pair_t *pair;
	uint32_t key_id;
	dske_msg_t msg;

	if (!dske_frame_header(frame, len, &hdr) || hdr.salt != DSKE_DIR_TO_HUB ||
		!(pair = pair_of(hub, hdr.sender_id)) || hdr.ct_len > sizeof(plain) ||
		!dske_frame_open(pair->get_wrap_key(pair, &key_id), frame, len,
						 plain) ||
		!pair->accept_counter(pair, hdr.counter) ||
		!dske_msg_decode(plain, hdr.ct_len, &msg))
	{
		return false;
	}
	if (hub->fault == KPT_HUB_HANG)
	{
		return true;
	}
	switch (msg.type)
	{
		case DSKE_SHARE_UPLOAD:
			return upload(fd, pair, &msg, plain, hdr.ct_len, hdr.sender_id,
						  hub);
		case DSKE_INSTR_REQUEST:
			return instruct(fd, pair, &msg, hdr.sender_id, hub);
		default:
			return answer(fd, pair, &msg, DSKE_ERROR, DSKE_ERR_BAD_MESSAGE,
						  hub);
	}
}

typedef struct {
	int fd;
	uint8_t *buf;
	size_t len;
} conn_t;

static void hub_main(kpt_hub_t *config, kpt_hub_fault_t fault, int listener)
{
	static hub_state_t hub;
	struct pollfd fds[CONNS_MAX + 1];
	conn_t conns[CONNS_MAX] = {};
	char path[600], err[256];
	uint32_t frame_len;
	size_t i, n;
	ssize_t got;

	hub.fault = fault;
	for (i = 0; i < CLIENTS; i++)
	{
		snprintf(path, sizeof(path), "%s/clients/%s", config->dir,
				 clients[i]);
		hub.pairs[i] = dske_pair_open(path, DSKE_SIDE_HUB, err, sizeof(err));
		if (!hub.pairs[i])
		{
			fprintf(stderr, "test hub %s: %s\n", config->name, err);
			_exit(1);
		}
	}
	for (i = 0; i < CONNS_MAX; i++)
	{
		conns[i].fd = -1;
		conns[i].buf = malloc(BUF_MAX);
	}
	while (true)
	{
		fds[0] = (struct pollfd){ .fd = listener, .events = POLLIN };
		for (i = 0; i < CONNS_MAX; i++)
		{
			fds[i + 1] = (struct pollfd){ .fd = conns[i].fd, .events = POLLIN };
		}
		if (poll(fds, CONNS_MAX + 1, -1) < 0)
		{
			continue;
		}
		if (fds[0].revents & POLLIN)
		{
			int fd = accept(listener, NULL, NULL);

			for (i = 0; fd >= 0 && i < CONNS_MAX && conns[i].fd >= 0; i++)
			{
			}
			if (fd >= 0 && i == CONNS_MAX)
			{
				close(fd);
			}
			else if (fd >= 0)
			{
				conns[i].fd = fd;
				conns[i].len = 0;
			}
		}
		for (i = 0; i < CONNS_MAX; i++)
		{
			conn_t *conn = &conns[i];
			bool ok = true;

			if (conn->fd < 0 || !(fds[i + 1].revents & (POLLIN | POLLHUP |
														 POLLERR)))
			{
				continue;
			}
			got = read(conn->fd, conn->buf + conn->len, BUF_MAX - conn->len);
			ok = got > 0;
			conn->len += got > 0 ? (size_t)got : 0;
			while (ok && conn->len >= DSKE_FRAME_PREFIX_LEN)
			{
				frame_len = conn->buf[0] | conn->buf[1] << 8 |
							conn->buf[2] << 16 | (uint32_t)conn->buf[3] << 24;
				if (frame_len > BUF_MAX - DSKE_FRAME_PREFIX_LEN)
				{
					ok = false;
					break;
				}
				n = DSKE_FRAME_PREFIX_LEN + frame_len;
				if (conn->len < n)
				{
					break;
				}
				ok = handle(conn->fd, conn->buf + DSKE_FRAME_PREFIX_LEN,
							frame_len, &hub);
				memmove(conn->buf, conn->buf + n, conn->len - n);
				conn->len -= n;
			}
			if (!ok)
			{
				close(conn->fd);
				conn->fd = -1;
			}
		}
	}
}

void kpt_hub_start(kpt_hub_t *hub, kpt_hub_fault_t fault)
{
	struct sockaddr_in addr = {
		.sin_family = AF_INET,
		.sin_port = htons(hub->port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	int fd, one = 1;
	pid_t pid;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(fd, 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	ck_assert_msg(bind(fd, (struct sockaddr*)&addr, sizeof(addr)) == 0,
				  "test hub %s: bind: %s", hub->name, strerror(errno));
	ck_assert_int_eq(listen(fd, 16), 0);
	fflush(NULL);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
	{	/* never outlive a failed test */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		hub_main(hub, fault, fd);
		_exit(0);
	}
	close(fd);
	hub->pid = pid;
}

void kpt_hub_stop(kpt_hub_t *hub)
{
	if (hub->pid)
	{
		kill(hub->pid, SIGKILL);
		waitpid(hub->pid, NULL, 0);
		hub->pid = 0;
	}
}
