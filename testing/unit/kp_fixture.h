/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * Two reference KPs (Alice and Bob) on loopback for tests of the SKIP
 * client against a real server: credentials in a temporary directory,
 * free ports, processes started and stopped by PID.
 */

#ifndef KP_FIXTURE_H_
#define KP_FIXTURE_H_

#include <check.h>
#include <stdbool.h>
#include <sys/types.h>

/** KP "Alice" or "Bob" */
typedef enum {
	KP_ALICE = 0,
	KP_BOB = 1,
} kp_side_t;

typedef struct {
	/** temporary directory with PSKs, CA, certificates and logs */
	char dir[64];
	/** SKIP API and sync ports of each KP */
	unsigned port[2];
	unsigned sync_port[2];
	/** running KPs, 0 if stopped */
	pid_t pid[2];
} kp_fixture_t;

/**
 * Make credentials and pick ports (ck_assert on failure).
 * The files are those of test_make_credentials().
 */
void kp_fixture_setup(kp_fixture_t *fx);

/**
 * Start a KP with PSK and certificate clients, plus extra options (NULL
 * terminated), and wait until it accepts connections.
 */
void kp_fixture_start(kp_fixture_t *fx, kp_side_t side, ...);

/**
 * Stop a KP and wait for it.
 */
void kp_fixture_stop(kp_fixture_t *fx, kp_side_t side);

/**
 * Stop all KPs and remove the directory.
 */
void kp_fixture_teardown(kp_fixture_t *fx);

/**
 * The fixture of test cases whose tests each run against a freshly started
 * KP pair (kp_pair_fixture()).
 */
extern kp_fixture_t kp_pair;

/**
 * Add kp_pair to a test case: credentials made once for the case, both KPs
 * started before and stopped after each test.
 */
void kp_pair_fixture(TCase *tc);

/**
 * Path of a file in the fixture directory (static buffer, rotating).
 */
const char *kp_fixture_path(kp_fixture_t *fx, const char *name);

/**
 * https://127.0.0.1:PORT of a KP (static buffer, rotating).
 */
const char *kp_fixture_url(kp_fixture_t *fx, kp_side_t side);


#endif /* KP_FIXTURE_H_ */
