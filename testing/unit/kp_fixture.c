/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "kp_fixture.h"
#include "test_support.h"

#include <check.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *names[] = { "Alice", "Bob" };
static const char *gateways[] = { "gw-a", "gw-b" };
static const char *letters[] = { "a", "b" };

const char *kp_fixture_path(kp_fixture_t *fx, const char *name)
{
	static char buf[8][256];
	static int next;
	char *path = buf[next++ % 8];

	snprintf(path, sizeof(buf[0]), "%s/%s", fx->dir, name);
	return path;
}

const char *kp_fixture_url(kp_fixture_t *fx, kp_side_t side)
{
	static char buf[4][64];
	static int next;
	char *url = buf[next++ % 4];

	snprintf(url, sizeof(buf[0]), "https://127.0.0.1:%u", fx->port[side]);
	return url;
}

void kp_fixture_setup(kp_fixture_t *fx)
{
	int i;

	memset(fx, 0, sizeof(*fx));
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/skip-unit-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(fx->dir));
	ck_assert(test_make_credentials(fx->dir));
	for (i = 0; i < 2; i++)
	{
		fx->port[i] = test_free_port();
		fx->sync_port[i] = test_free_port();
	}
}

void kp_fixture_start(kp_fixture_t *fx, kp_side_t side, ...)
{
	const char *kp = getenv("SKIP_KP") ?: "testing/kp/skip-kp";
	char listen[32], sync[32], peer[300], client[300], log[256];
	const char *argv[40];
	kp_side_t other = !side;
	const char *extra;
	va_list args;
	int argc = 0, fd, i;
	pid_t pid;

	snprintf(listen, sizeof(listen), "127.0.0.1:%u", fx->port[side]);
	snprintf(sync, sizeof(sync), "127.0.0.1:%u", fx->sync_port[side]);
	snprintf(peer, sizeof(peer), "%s,127.0.0.1:%u,%s", names[other],
			 fx->sync_port[other], kp_fixture_path(fx, "kp-sync.psk"));
	snprintf(client, sizeof(client), "%s:%s/%s.psk", gateways[side], fx->dir,
			 gateways[side]);
	snprintf(log, sizeof(log), "%s/kp-%s.log", fx->dir, letters[side]);

	argv[argc++] = kp;
	argv[argc++] = "--system-id";
	argv[argc++] = names[side];
	argv[argc++] = "--listen";
	argv[argc++] = listen;
	argv[argc++] = "--sync-listen";
	argv[argc++] = sync;
	argv[argc++] = "--peer";
	argv[argc++] = peer;
	argv[argc++] = "--client-psk";
	argv[argc++] = client;
	argv[argc++] = "--cert";
	argv[argc++] = side == KP_ALICE ? kp_fixture_path(fx, "kp-a.pem")
									: kp_fixture_path(fx, "kp-b.pem");
	argv[argc++] = "--key";
	argv[argc++] = side == KP_ALICE ? kp_fixture_path(fx, "kp-a.key")
									: kp_fixture_path(fx, "kp-b.key");
	argv[argc++] = "--ca";
	argv[argc++] = kp_fixture_path(fx, "ca.pem");
	argv[argc++] = "-v";
	va_start(args, side);
	while ((extra = va_arg(args, const char*)) && argc < 38)
	{
		argv[argc++] = extra;
	}
	va_end(args);
	argv[argc] = NULL;

	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
	{
		fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
		dup2(fd, 1);
		dup2(fd, 2);
		execv(kp, (char**)argv);
		_exit(127);
	}
	fx->pid[side] = pid;
	for (i = 0; i < 250 && !test_port_accepts(fx->port[side]); i++)
	{
		ck_assert_msg(waitpid(pid, NULL, WNOHANG) == 0,
					  "%s exited, see %s", kp, log);
		test_sleep_ms(20);
	}
	ck_assert_msg(test_port_accepts(fx->port[side]), "KP %s does not listen", names[side]);
}

void kp_fixture_stop(kp_fixture_t *fx, kp_side_t side)
{
	if (fx->pid[side] > 0)
	{
		kill(fx->pid[side], SIGTERM);
		waitpid(fx->pid[side], NULL, 0);
		fx->pid[side] = 0;
	}
}

void kp_fixture_teardown(kp_fixture_t *fx)
{
	char cmd[128];

	kp_fixture_stop(fx, KP_ALICE);
	kp_fixture_stop(fx, KP_BOB);
	if (fx->dir[0])
	{
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->dir);
		if (system(cmd) != 0)
		{
			fprintf(stderr, "cannot remove %s\n", fx->dir);
		}
	}
}

kp_fixture_t kp_pair;

static void kp_pair_setup(void)
{
	kp_fixture_setup(&kp_pair);
}

static void kp_pair_teardown(void)
{
	kp_fixture_teardown(&kp_pair);
}

static void kp_pair_start(void)
{
	kp_fixture_start(&kp_pair, KP_ALICE, NULL);
	kp_fixture_start(&kp_pair, KP_BOB, NULL);
}

static void kp_pair_stop(void)
{
	kp_fixture_stop(&kp_pair, KP_ALICE);
	kp_fixture_stop(&kp_pair, KP_BOB);
}

void kp_pair_fixture(TCase *tc)
{
	tcase_add_unchecked_fixture(tc, kp_pair_setup, kp_pair_teardown);
	tcase_add_checked_fixture(tc, kp_pair_start, kp_pair_stop);
}
