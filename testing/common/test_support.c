/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "test_support.h"

#include <check.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/** how the credentials are made: PSKs, an EC and an RSA PKI, a rogue one */
static const char *make_credentials =
	"set -e; cd \"$1\"; umask 077\n"
	"for f in gw-a gw-b gw-c other kp-sync carol-sync; do "
	"openssl rand -hex 32 > $f.psk; done\n"
	"ec() { openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 "
	"-nodes \"$@\" 2>/dev/null; }\n"
	"sign() { openssl x509 -req -in $1.csr -CA $2.pem -CAkey $2.key "
	"-CAcreateserial -out $1.pem -days 2 $3 2>/dev/null; }\n"
	"for ca in ca rogue-ca; do ec -x509 -keyout $ca.key -out $ca.pem "
	"-days 2 -subj \"/CN=$ca\"; done\n"
	"printf 'subjectAltName=IP:127.0.0.1\\n' > san.ext\n"
	"for s in kp-a kp-b; do ec -keyout $s.key -out $s.csr -subj /CN=$s; "
	"sign $s ca '-extfile san.ext'; done\n"
	"openssl req -new -newkey rsa:2048 -nodes -keyout kp-a-rsa.key "
	"-out kp-a-rsa.csr -subj /CN=kp-a-rsa 2>/dev/null\n"
	"sign kp-a-rsa ca '-extfile san.ext'\n"
	"for c in gw-a gw-b; do ec -keyout $c.key -out $c.csr -subj /CN=$c; "
	"sign $c ca; done\n"
	"ec -keyout rogue.key -out rogue.csr -subj /CN=rogue; "
	"sign rogue rogue-ca '-extfile san.ext'\n";

int test_run_suites(Suite *(*const suites[])(void), enum print_output mode)
{
	SRunner *runner;
	int failed;

	runner = srunner_create(suites[0]());
	while (*++suites)
	{
		srunner_add_suite(runner, (*suites)());
	}
	srunner_run_all(runner, mode);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

bool test_make_credentials(const char *dir)
{
	char cmd[512];

	/* the script travels through the environment, not the command line */
	setenv("SKIP_TEST_CREDENTIALS", make_credentials, 1);
	snprintf(cmd, sizeof(cmd), "sh -c \"$SKIP_TEST_CREDENTIALS\" sh '%s'", dir);
	return system(cmd) == 0;
}

int test_listen(unsigned *port)
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
	ck_assert_int_eq(listen(fd, 16), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr*)&addr, &len), 0);
	*port = ntohs(addr.sin_port);
	return fd;
}

/** lowest port the test ports are taken from */
#define TEST_PORT_LOW 10000

/**
 * The first port of the range the kernel takes ephemeral ports from
 * (bind() to port 0, the local port of every outgoing connection).
 */
static unsigned ephemeral_low(void)
{
	unsigned low = 32768, high;
	FILE *file;

	file = fopen("/proc/sys/net/ipv4/ip_local_port_range", "r");
	if (file)
	{
		if (fscanf(file, "%u %u", &low, &high) != 2)
		{
			low = 32768;
		}
		fclose(file);
	}
	return low;
}

/**
 * Whether a TCP socket can be bound to (or connected to) 127.0.0.1:port
 * right now.
 */
static bool loopback_try(unsigned port, bool do_connect)
{
	struct sockaddr_in addr = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	bool ok;
	int fd;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	ok = fd >= 0 && (do_connect ?
			connect(fd, (struct sockaddr*)&addr, sizeof(addr)) :
			bind(fd, (struct sockaddr*)&addr, sizeof(addr))) == 0;
	if (fd >= 0)
	{
		close(fd);
	}
	return ok;
}

/*
 * Ports are taken below the ephemeral range, one after another from a
 * start that depends on the process: a port the kernel handed out with
 * bind() to port 0 could be handed out again, or become the local port of
 * one of the many connections a test makes, before the server the test
 * starts binds it.
 */
unsigned test_free_port(void)
{
	static unsigned next;
	unsigned low = TEST_PORT_LOW, high = ephemeral_low(), span, port, i;

	if (high < low + 1000)
	{	/* no room below the ephemeral range: let the kernel choose */
		close(test_listen(&port));
		return port;
	}
	span = high - low;
	if (!next)
	{
		next = low + ((unsigned)getpid() * 977u) % span;
	}
	for (i = 0; i < span; i++)
	{
		port = next;
		next = low + (next - low + 1) % span;
		if (loopback_try(port, false))
		{
			return port;
		}
	}
	ck_abort_msg("no free TCP port below %u", high);
	return 0;
}

bool test_port_accepts(unsigned port)
{
	return loopback_try(port, true);
}

pid_t test_spawn(char *const argv[], const char *log)
{
	pid_t parent = getpid(), pid;
	int fd;

	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
	{
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
		{
			_exit(127);
		}
		fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
		dup2(fd, 1);
		dup2(fd, 2);
		execv(argv[0], argv);
		_exit(127);
	}
	return pid;
}

void test_wait_listening(pid_t pid, unsigned port, const char *log)
{
	int i;

	for (i = 0; i < 500 && !test_port_accepts(port); i++)
	{
		ck_assert_msg(waitpid(pid, NULL, WNOHANG) == 0, "%s exited, see %s",
					  log, log);
		test_sleep_ms(10);
	}
	ck_assert_msg(test_port_accepts(port), "no listener on port %u, see %s",
				  port, log);
}

int test_wait_exit(pid_t pid, long ms)
{
	long long deadline = test_now_ms() + ms;
	int status;

	while (test_now_ms() < deadline)
	{
		if (waitpid(pid, &status, WNOHANG) == pid)
		{
			return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
		}
		test_sleep_ms(10);
	}
	test_stop(pid, SIGKILL);
	return -1;
}

void test_stop(pid_t pid, int sig)
{
	kill(pid, sig);
	waitpid(pid, NULL, 0);
}

long long test_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void test_sleep_ms(long ms)
{
	struct timespec ts = {
		.tv_sec = ms / 1000,
		.tv_nsec = (ms % 1000) * 1000000L,
	};

	while (nanosleep(&ts, &ts) != 0)
	{
	}
}
