/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * What the check test programs share: their runner, test credentials, free
 * ports, time.
 */

#ifndef TEST_SUPPORT_H_
#define TEST_SUPPORT_H_

#include <check.h>

#include <stdbool.h>
#include <sys/types.h>

/**
 * Run test suites in one SRunner (CK_FORK unless CK_FORK=no is set in the
 * environment).
 *
 * @param suites	the suites' constructors, NULL-terminated
 * @param mode		what to print (CK_ENV: as CK_VERBOSITY says)
 * @return			EXIT_SUCCESS if every test passed, EXIT_FAILURE if not
 */
int test_run_suites(Suite *(*const suites[])(void), enum print_output mode);

/**
 * Make the test credentials in an existing directory with openssl(1):
 * PSKs gw-a gw-b gw-c other kp-sync carol-sync (.psk, hex); an EC CA
 * (ca.pem/.key), KP server certificates kp-a, kp-b (EC) and kp-a-rsa (RSA)
 * for 127.0.0.1, client certificates gw-a, gw-b; a rogue CA (rogue-ca.pem)
 * with a certificate rogue (.pem/.key, also for 127.0.0.1).
 *
 * @return			false if openssl failed
 */
bool test_make_credentials(const char *dir);

/**
 * A TCP port on 127.0.0.1 that is free right now, below the ephemeral
 * port range, never the same twice in one process.
 */
unsigned test_free_port(void);

/**
 * A TCP socket listening on 127.0.0.1 that the caller never accepts on:
 * connections complete in the kernel's backlog and get no answer, as from a
 * server that hangs.
 *
 * @param port		receives its port
 * @return			the socket, to close
 */
int test_listen(unsigned *port);

/**
 * Whether something accepts TCP connections on 127.0.0.1:port.
 */
bool test_port_accepts(unsigned port);

/**
 * Start a program with its output appended to a log file; it dies with
 * the test process (a failed test exits without its teardown).
 *
 * @param argv		program and arguments, NULL-terminated
 * @return			its process ID
 */
pid_t test_spawn(char *const argv[], const char *log);

/**
 * Wait until a spawned server accepts connections on 127.0.0.1:port
 * (ck_assert if it exits or does not listen within 5 s).
 */
void test_wait_listening(pid_t pid, unsigned port, const char *log);

/**
 * Wait for a spawned program to exit.
 *
 * @param ms		how long to wait; then it is killed
 * @return			its exit status (128 if killed by a signal), -1 if
 *					it did not exit in time
 */
int test_wait_exit(pid_t pid, long ms);

/**
 * Stop a spawned program with a signal and wait for it.
 */
void test_stop(pid_t pid, int sig);

/**
 * Monotonic time in ms.
 */
long long test_now_ms(void);

/**
 * Sleep for ms milliseconds.
 */
void test_sleep_ms(long ms);

#endif /* TEST_SUPPORT_H_ */
