/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "hubt.h"

#include <dske_hash.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/rand.h>

/** temporary directories of this process */
static char tmpdirs[16][64];
static int tmpdir_count;

const char *hubt_tmpdir(void)
{
	char *dir;

	ck_assert_int_lt(tmpdir_count, 16);
	dir = tmpdirs[tmpdir_count++];
	snprintf(dir, sizeof(tmpdirs[0]), "/tmp/skip-hub-test-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	return dir;
}

void hubt_cleanup(void)
{
	char cmd[128];

	while (tmpdir_count > 0)
	{
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdirs[--tmpdir_count]);
		if (system(cmd) != 0)
		{
			/* left behind in /tmp */
		}
	}
}

const char *hubt_binary(void)
{
	static char path[PATH_MAX];
	char self[PATH_MAX];
	ssize_t len;

	if (getenv("SKIP_HUB"))
	{
		return getenv("SKIP_HUB");
	}
	/* this program is testing/hub/tests/hub_tests */
	len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (len <= 0)
	{
		return "testing/hub/skip-hub";
	}
	self[len] = '\0';
	snprintf(path, sizeof(path), "%s/../skip-hub", dirname(self));
	return path;
}

void hubt_bundle(const char *dir, const char *hubs, const char *clients,
				 unsigned words)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd), "'%s' bundle --hubs %s --clients %s "
			 "--words %u --out '%s' >/dev/null", hubt_binary(), hubs, clients,
			 words, dir);
	ck_assert_msg(system(cmd) == 0, "%s", cmd);
}

void hubt_hub_arg(hubt_hub_t *hub, const char *arg)
{
	ck_assert_int_lt(hub->argc, HUBT_ARGS_MAX);
	hub->argv[hub->argc++] = strdup(arg);
	hub->argv[hub->argc] = NULL;
}

void hubt_hub_init(hubt_hub_t *hub, const char *bundle, const char *name)
{
	char arg[512];

	memset(hub, 0, sizeof(*hub));
	hub->port = test_free_port();
	snprintf(hub->state, sizeof(hub->state), "%s/%s-state", bundle, name);
	snprintf(hub->log, sizeof(hub->log), "%s/%s.log", bundle, name);
	hubt_hub_arg(hub, hubt_binary());
	hubt_hub_arg(hub, "--name");
	hubt_hub_arg(hub, name);
	snprintf(arg, sizeof(arg), "%s/%s/clients", bundle, name);
	hubt_hub_arg(hub, "--clients-dir");
	hubt_hub_arg(hub, arg);
	hubt_hub_arg(hub, "--state-dir");
	hubt_hub_arg(hub, hub->state);
	snprintf(arg, sizeof(arg), "127.0.0.1:%u", hub->port);
	hubt_hub_arg(hub, "--listen");
	hubt_hub_arg(hub, arg);
	hubt_hub_arg(hub, "-v");
}

static pid_t spawn(hubt_hub_t *hub)
{
	pid_t parent = getpid(), pid;
	int fd;

	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
	{	/* a failed test exits without teardown: take the hub with it */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
		{
			_exit(127);
		}
		fd = open(hub->log, O_WRONLY | O_CREAT | O_APPEND, 0600);
		dup2(fd, 1);
		dup2(fd, 2);
		execv(hub->argv[0], hub->argv);
		_exit(127);
	}
	return pid;
}

void hubt_hub_start(hubt_hub_t *hub)
{
	int i;

	ck_assert_int_eq(hub->pid, 0);
	hub->pid = spawn(hub);
	for (i = 0; i < 500 && !test_port_accepts(hub->port); i++)
	{
		ck_assert_msg(waitpid(hub->pid, NULL, WNOHANG) == 0,
					  "hub exited, see %s", hub->log);
		test_sleep_ms(10);
	}
	ck_assert_msg(test_port_accepts(hub->port), "hub does not listen");
}

int hubt_hub_run(hubt_hub_t *hub)
{
	pid_t pid = spawn(hub);
	int status, i;

	for (i = 0; i < 500; i++)
	{
		if (waitpid(pid, &status, WNOHANG) == pid)
		{
			return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
		}
		test_sleep_ms(10);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return -1;
}

void hubt_hub_stop(hubt_hub_t *hub, int sig)
{
	if (hub->pid > 0)
	{
		kill(hub->pid, sig);
		waitpid(hub->pid, NULL, 0);
		hub->pid = 0;
	}
}

bool hubt_log_has(hubt_hub_t *hub, const char *needle)
{
	char line[4096];
	bool found = false;
	FILE *file;

	file = fopen(hub->log, "r");
	while (file && !found && fgets(line, sizeof(line), file))
	{
		found = strstr(line, needle) != NULL;
	}
	if (file)
	{
		fclose(file);
	}
	return found;
}

static void connect_hub(hubt_client_t *client)
{
	struct sockaddr_in addr = {
		.sin_family = AF_INET,
		.sin_port = htons(client->port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};

	client->fd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ge(client->fd, 0);
	ck_assert_int_eq(connect(client->fd, (struct sockaddr*)&addr,
							 sizeof(addr)), 0);
}

void hubt_client_open(hubt_client_t *client, const char *bundle,
					  const char *name, const char *hub, unsigned port)
{
	char dir[512], err[256];

	memset(client, 0, sizeof(*client));
	snprintf(dir, sizeof(dir), "%s/%s/hubs/%s", bundle, name, hub);
	client->pair = dske_pair_open(dir, DSKE_SIDE_CLIENT, err, sizeof(err));
	ck_assert_msg(client->pair, "%s", err);
	client->port = port;
	connect_hub(client);
}

void hubt_client_reconnect(hubt_client_t *client)
{
	close(client->fd);
	connect_hub(client);
}

void hubt_client_close(hubt_client_t *client)
{
	if (client->fd > 0)
	{
		close(client->fd);
	}
	if (client->pair)
	{
		client->pair->destroy(client->pair);
	}
	memset(client, 0, sizeof(*client));
}

uint64_t hubt_id_of(hubt_client_t *client, const char *name)
{
	uint64_t id;

	ck_assert(client->pair->lookup_client(client->pair, name, &id));
	return id;
}

void hubt_send_raw(hubt_client_t *client, const uint8_t *frame, size_t len)
{
	uint8_t prefix[DSKE_FRAME_PREFIX_LEN] = {
		(uint8_t)len, (uint8_t)(len >> 8), (uint8_t)(len >> 16),
		(uint8_t)(len >> 24),
	};

	ck_assert_int_eq(write(client->fd, prefix, sizeof(prefix)),
					 (ssize_t)sizeof(prefix));
	ck_assert_int_eq(write(client->fd, frame, len), (ssize_t)len);
}

void hubt_send(hubt_client_t *client, const uint8_t *msg, size_t len)
{
	const uint8_t *key;
	uint32_t key_id;
	uint64_t counter;

	ck_assert_uint_le(dske_frame_len(len), sizeof(client->frame));
	ck_assert(client->pair->next_counter(client->pair, &counter));
	key = client->pair->get_wrap_key(client->pair, &key_id);
	client->frame_len = dske_frame_len(len);
	ck_assert(dske_frame_seal(key, key_id,
							  client->pair->get_client_id(client->pair),
							  DSKE_DIR_TO_HUB, counter, msg, len,
							  client->frame, client->frame_len));
	hubt_send_raw(client, client->frame, client->frame_len);
}

void hubt_resend(hubt_client_t *client)
{
	hubt_send_raw(client, client->frame, client->frame_len);
}

/**
 * Read exactly len bytes by the deadline: 1 read, 0 closed, -1 timeout.
 */
static int read_full(int fd, uint8_t *buf, size_t len, long long deadline)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t n;

	while (len)
	{
		if (poll(&pfd, 1, (int)(deadline - test_now_ms())) <= 0)
		{
			return -1;
		}
		n = read(fd, buf, len);
		if (n <= 0)
		{
			return 0;
		}
		buf += n;
		len -= n;
	}
	return 1;
}

int hubt_recv(hubt_client_t *client, hubt_answer_t *answer, int timeout_ms)
{
	long long deadline = test_now_ms() + timeout_ms;
	uint8_t prefix[DSKE_FRAME_PREFIX_LEN], *frame;
	dske_frame_header_t hdr;
	uint32_t len, key_id;
	const uint8_t *key;
	int rc;

	rc = read_full(client->fd, prefix, sizeof(prefix), deadline);
	if (rc <= 0)
	{
		return rc;
	}
	len = prefix[0] | prefix[1] << 8 | prefix[2] << 16 |
		  (uint32_t)prefix[3] << 24;
	ck_assert_uint_le(len, DSKE_FRAME_MAX);
	frame = malloc(len);
	rc = read_full(client->fd, frame, len, deadline);
	ck_assert_int_eq(rc, 1);
	ck_assert(dske_frame_header(frame, len, &hdr));
	ck_assert_uint_eq(hdr.salt, DSKE_DIR_TO_CLIENT);
	ck_assert_uint_eq(hdr.sender_id, client->pair->get_hub_id(client->pair));
	key = client->pair->get_wrap_key(client->pair, &key_id);
	ck_assert_uint_eq(hdr.wrap_key_id, key_id);
	ck_assert_uint_le(hdr.ct_len, sizeof(answer->raw));
	ck_assert_msg(dske_frame_open(key, frame, len, answer->raw),
				  "answer does not authenticate");
	free(frame);
	ck_assert_msg(client->pair->accept_counter(client->pair, hdr.counter),
				  "answer with a spent counter %llu",
				  (unsigned long long)hdr.counter);
	answer->len = hdr.ct_len;
	ck_assert_msg(dske_msg_decode(answer->raw, answer->len, &answer->msg),
				  "malformed answer");
	return 1;
}

void hubt_expect(hubt_client_t *client, dske_msg_type_t type, int code,
				 hubt_answer_t *answer)
{
	hubt_answer_t local;

	if (!answer)
	{
		answer = &local;
	}
	ck_assert_int_eq(hubt_recv(client, answer, 5000), 1);
	ck_assert_msg(answer->msg.type == type && (type != DSKE_ERROR ||
				  answer->msg.x == (uint32_t)code),
				  "expected %s %d, got %s %u (%.*s)", dske_msg_type_name(type),
				  code, dske_msg_type_name(answer->msg.type), answer->msg.x,
				  (int)answer->msg.aad_len, answer->msg.aad);
}

void hubt_expect_closed(hubt_client_t *client)
{
	hubt_answer_t answer;

	ck_assert_int_eq(hubt_recv(client, &answer, 5000), 0);
}

void hubt_make_upload(hubt_client_t *client, const char *recipients,
					  hubt_upload_t *upload)
{
	dske_gf128_t words[6];
	char copy[256], *name, *save = NULL;
	dske_msg_t msg = {
		.type = DSKE_SHARE_UPLOAD,
		.k = 2,
		.n = 3,
		.m = 1,
		.psrd_count = 6,
		.psrd_table = DSKE_TABLE_CLIENT,
		.x = 2,
		.aad_len = 3,
	};
	size_t i;

	memset(upload, 0, sizeof(*upload));
	ck_assert(RAND_bytes(upload->secret_id, DSKE_SECRET_ID_LEN) == 1);
	ck_assert(RAND_bytes((uint8_t*)upload->r, sizeof(upload->r)) == 1);
	ck_assert(client->pair->allocate(client->pair, 6, &upload->start, words));
	msg.sender_id = client->pair->get_client_id(client->pair);
	msg.hub_id = client->pair->get_hub_id(client->pair);
	memcpy(msg.secret_id, upload->secret_id, DSKE_SECRET_ID_LEN);
	msg.psrd_start = upload->start;
	memcpy(msg.aad, "aad", 3);
	snprintf(copy, sizeof(copy), "%s", recipients);
	for (name = strtok_r(copy, ",", &save); name;
		 name = strtok_r(NULL, ",", &save))
	{
		msg.recipients[msg.recipient_count++] = hubt_id_of(client, name);
	}
	for (i = 0; i < 4; i++)
	{
		msg.z[i] = dske_gf128_add(upload->r[i], words[2 + i]);
	}
	upload->len = dske_msg_encode(&msg, words[0], words[1], upload->raw,
								  sizeof(upload->raw));
	ck_assert_uint_gt(upload->len, 0);
}

size_t hubt_make_request(hubt_client_t *client, const char *sender,
						 const uint8_t *secret_id, uint8_t *out)
{
	dske_msg_t msg = {
		.type = DSKE_INSTR_REQUEST,
		.sender_id = hubt_id_of(client, sender),
		.hub_id = client->pair->get_hub_id(client->pair),
	};
	dske_gf128_t none = {};
	size_t len;

	memcpy(msg.secret_id, secret_id, DSKE_SECRET_ID_LEN);
	len = dske_msg_encode(&msg, none, none, out, DSKE_MSG_MAX_LEN);
	ck_assert_uint_gt(len, 0);
	return len;
}

void hubt_check_instruction(hubt_client_t *client, hubt_answer_t *answer,
							const hubt_upload_t *upload, bool corrupted)
{
	dske_msg_t *msg = &answer->msg, sent;
	dske_gf128_t words[6], r;
	size_t i;

	ck_assert(dske_msg_decode(upload->raw, upload->len, &sent));
	ck_assert_int_eq(msg->type, DSKE_KEY_INSTRUCTION);
	ck_assert_uint_eq(msg->psrd_table, DSKE_TABLE_HUB);
	ck_assert_uint_eq(msg->psrd_count, 6);
	ck_assert(client->pair->claim(client->pair, msg->psrd_start,
								  msg->psrd_count, words));
	ck_assert_msg(dske_msg_verify(answer->raw, answer->len, words[0],
								  words[1]), "instruction tag mismatch");
	ck_assert_uint_eq(msg->sender_id, sent.sender_id);
	ck_assert_uint_eq(msg->hub_id, client->pair->get_hub_id(client->pair));
	ck_assert_mem_eq(msg->secret_id, upload->secret_id, DSKE_SECRET_ID_LEN);
	ck_assert_uint_eq(msg->k, sent.k);
	ck_assert_uint_eq(msg->n, sent.n);
	ck_assert_uint_eq(msg->m, sent.m);
	ck_assert_uint_eq(msg->x, sent.x);
	ck_assert_uint_eq(msg->recipient_count, sent.recipient_count);
	for (i = 0; i < sent.recipient_count; i++)
	{
		ck_assert_uint_eq(msg->recipients[i], sent.recipients[i]);
	}
	ck_assert_uint_eq(msg->aad_len, sent.aad_len);
	ck_assert_mem_eq(msg->aad, sent.aad, sent.aad_len);
	for (i = 0; i < 4; i++)
	{
		r = dske_gf128_add(msg->z[i], words[2 + i]);
		if (corrupted && i == 3)
		{
			r.lo ^= 1;
		}
		ck_assert_msg(dske_gf128_equal(r, upload->r[i]), "share word %zu",
					  i);
	}
}
