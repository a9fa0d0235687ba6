/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "kp_fixture.h"

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

/** how the credentials are made: PSKs, an ECDSA PKI, a rogue PKI */
static const char *make_credentials =
	"set -e; cd \"$1\"; umask 077\n"
	"for f in gw-a gw-b other kp-sync; do openssl rand -hex 32 > $f.psk; done\n"
	"ec() { openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 "
	"-nodes \"$@\" 2>/dev/null; }\n"
	"sign() { openssl x509 -req -in $1.csr -CA $2.pem -CAkey $2.key "
	"-CAcreateserial -out $1.pem -days 2 $3 2>/dev/null; }\n"
	"for ca in ca rogue-ca; do ec -x509 -keyout $ca.key -out $ca.pem "
	"-days 2 -subj \"/CN=$ca\"; done\n"
	"printf 'subjectAltName=IP:127.0.0.1\\n' > san.ext\n"
	"for s in kp-a kp-b; do ec -keyout $s.key -out $s.csr -subj /CN=$s; "
	"sign $s ca '-extfile san.ext'; done\n"
	"ec -keyout gw-a.key -out gw-a.csr -subj /CN=gw-a; sign gw-a ca\n"
	"ec -keyout rogue.key -out rogue.csr -subj /CN=rogue; "
	"sign rogue rogue-ca '-extfile san.ext'\n";

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

unsigned kp_fixture_free_port(void)
{
	struct sockaddr_in addr = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	socklen_t len = sizeof(addr);
	int fd;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr*)&addr, sizeof(addr)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr*)&addr, &len), 0);
	close(fd);
	return ntohs(addr.sin_port);
}

void kp_fixture_setup(kp_fixture_t *fx)
{
	char cmd[2048];
	int i;

	memset(fx, 0, sizeof(*fx));
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/skip-unit-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(fx->dir));
	/* pass the script through the environment, not the command line */
	setenv("SKIP_FIXTURE_SCRIPT", make_credentials, 1);
	snprintf(cmd, sizeof(cmd), "sh -c \"$SKIP_FIXTURE_SCRIPT\" sh %s", fx->dir);
	ck_assert_int_eq(system(cmd), 0);
	for (i = 0; i < 2; i++)
	{
		fx->port[i] = kp_fixture_free_port();
		fx->sync_port[i] = kp_fixture_free_port();
	}
}

static bool accepts(unsigned port)
{
	struct sockaddr_in addr = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	int fd, ok;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	ok = connect(fd, (struct sockaddr*)&addr, sizeof(addr)) == 0;
	close(fd);
	return ok;
}

void kp_fixture_start(kp_fixture_t *fx, kp_side_t side, ...)
{
	const char *kp = getenv("SKIP_KP") ?: "testing/kp/skip-kp";
	char listen[32], sync[32], peer[300], client[300], log[256];
	const char *argv[40];
	struct timespec pause = { .tv_nsec = 20 * 1000 * 1000 };
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
	for (i = 0; i < 250 && !accepts(fx->port[side]); i++)
	{
		ck_assert_msg(waitpid(pid, NULL, WNOHANG) == 0,
					  "%s exited, see %s", kp, log);
		nanosleep(&pause, NULL);
	}
	ck_assert_msg(accepts(fx->port[side]), "KP %s does not listen", names[side]);
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
