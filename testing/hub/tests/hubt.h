/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * Test kit of the Security Hub's tests: bundles made by skip-hub bundle,
 * hub processes on free loopback ports (started, killed, restarted), and a
 * DSKE client built on libdske that speaks to them frame by frame.
 */

#ifndef HUBT_H_
#define HUBT_H_

#include <check.h>

#include <dske_frame.h>
#include <dske_msg.h>
#include <dske_pair.h>

#include "test_support.h"

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/** most arguments of a hub */
#define HUBT_ARGS_MAX 32

/**
 * A hub process and how to (re)start it.
 */
typedef struct {
	unsigned port;
	pid_t pid;
	/** its state directory and log file */
	char state[256];
	char log[256];
	char *argv[HUBT_ARGS_MAX + 1];
	int argc;
} hubt_hub_t;

/**
 * A client of a hub: its pair (client side) and a connection.
 */
typedef struct {
	dske_pair_t *pair;
	unsigned port;
	int fd;
	/** the last frame sent, for replays */
	uint8_t frame[DSKE_MSG_MAX_LEN + 64];
	size_t frame_len;
} hubt_client_t;

/**
 * An answer of the hub.
 */
typedef struct {
	dske_msg_t msg;
	/** the message as received */
	uint8_t raw[DSKE_MSG_MAX_LEN];
	size_t len;
} hubt_answer_t;

/**
 * A share upload built by a client: its secret ID, R and the encoding.
 */
typedef struct {
	uint8_t secret_id[DSKE_SECRET_ID_LEN];
	/** the share R (3+m words, m = 1) */
	dske_gf128_t r[4];
	/** the PSRD range it spends */
	uint64_t start;
	/** the encoded message */
	uint8_t raw[DSKE_MSG_MAX_LEN];
	size_t len;
} hubt_upload_t;

/**
 * A fresh temporary directory for a test (removed by hubt_cleanup()).
 */
const char *hubt_tmpdir(void);

/**
 * Remove the temporary directories of this process.
 */
void hubt_cleanup(void);

/**
 * skip-hub: $SKIP_HUB, or beside this program's directory.
 */
const char *hubt_binary(void);

/**
 * Run skip-hub bundle into dir (asserts success).
 */
void hubt_bundle(const char *dir, const char *hubs, const char *clients,
				 unsigned words);

/**
 * Prepare a hub of a bundle: --name, --clients-dir, --state-dir (in dir),
 * a free port, -v; more arguments with hubt_hub_arg().
 */
void hubt_hub_init(hubt_hub_t *hub, const char *bundle, const char *name);

/**
 * Add an argument.
 */
void hubt_hub_arg(hubt_hub_t *hub, const char *arg);

/**
 * Start a hub and wait until it listens (ck_assert on failure).
 */
void hubt_hub_start(hubt_hub_t *hub);

/**
 * Run a hub that must exit; returns its exit status (-1: still running
 * after 5 s, killed).
 */
int hubt_hub_run(hubt_hub_t *hub);

/**
 * Stop a hub with a signal (SIGTERM, SIGKILL) and wait for it.
 */
void hubt_hub_stop(hubt_hub_t *hub, int sig);

/**
 * Whether the hub's log contains a string.
 */
bool hubt_log_has(hubt_hub_t *hub, const char *needle);

/**
 * Open a client's pair of a bundle and connect to the hub on port.
 */
void hubt_client_open(hubt_client_t *client, const char *bundle,
					  const char *name, const char *hub, unsigned port);

/**
 * Close the connection and open a new one.
 */
void hubt_client_reconnect(hubt_client_t *client);

/**
 * Close the connection and the pair.
 */
void hubt_client_close(hubt_client_t *client);

/**
 * The ID a client has at the hub of this client's pair (its clients file).
 */
uint64_t hubt_id_of(hubt_client_t *client, const char *name);

/**
 * Seal a message in a frame with the next counter and send it (the frame
 * is kept for hubt_resend()).
 */
void hubt_send(hubt_client_t *client, const uint8_t *msg, size_t len);

/**
 * Send the last frame again, as it was.
 */
void hubt_resend(hubt_client_t *client);

/**
 * Send bytes as a frame (length prefix added), unchecked.
 */
void hubt_send_raw(hubt_client_t *client, const uint8_t *frame, size_t len);

/**
 * Receive an answer within timeout_ms: authenticated with the client's
 * key, from the hub, with a fresh counter, and decoded.
 *
 * @return			1 for an answer, 0 if the hub closed the connection,
 *					-1 on timeout
 */
int hubt_recv(hubt_client_t *client, hubt_answer_t *answer, int timeout_ms);

/**
 * Receive an answer and assert its type (and for ERROR its code).
 */
void hubt_expect(hubt_client_t *client, dske_msg_type_t type, int code,
				 hubt_answer_t *answer);

/**
 * Assert that the hub closes the connection without an answer.
 */
void hubt_expect_closed(hubt_client_t *client);

/**
 * Build a SHARE_UPLOAD (m = 1, k = 2, n = 3, x = 2, AAD "aad") of a random
 * share to the recipients (client names), spending the client's PSRD.
 */
void hubt_make_upload(hubt_client_t *client, const char *recipients,
					  hubt_upload_t *upload);

/**
 * Build an INSTR_REQUEST for a secret uploaded by sender (a client name).
 */
size_t hubt_make_request(hubt_client_t *client, const char *sender,
						 const uint8_t *secret_id, uint8_t *out);

/**
 * Check a KEY_INSTRUCTION against the upload: PSRD claimed from the
 * client's table 1, tag verified, Z' xor pad = R (or differing in y1 bit 0
 * if corrupted), fields copied.
 */
void hubt_check_instruction(hubt_client_t *client, hubt_answer_t *answer,
							const hubt_upload_t *upload, bool corrupted);

Suite *hubt_hub_suite(void);
Suite *hubt_store_suite(void);
Suite *hubt_bundle_suite(void);

#endif /* HUBT_H_ */
