/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * The hub's protocol: uploads, key instructions, every ERROR, frames it
 * must drop, and the faults of test mode.
 */

#include "hubt.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

static const char *bundle;
static hubt_hub_t hub;
static hubt_client_t alice, bob, carol;

/**
 * A bundle of hub h1 with clients kp-a, kp-b, kp-c; the hub is started with
 * extra arguments (NULL-terminated).
 */
static void start(const char *extra, ...)
{
	bundle = hubt_tmpdir();
	hubt_bundle(bundle, "h1", "kp-a,kp-b,kp-c", 200);
	hubt_hub_init(&hub, bundle, "h1");
	if (extra)
	{
		hubt_hub_arg(&hub, "--test-mode");
		hubt_hub_arg(&hub, "--test-faults");
		hubt_hub_arg(&hub, extra);
	}
	hubt_hub_start(&hub);
	hubt_client_open(&alice, bundle, "kp-a", "h1", hub.port);
	hubt_client_open(&bob, bundle, "kp-b", "h1", hub.port);
	hubt_client_open(&carol, bundle, "kp-c", "h1", hub.port);
}

static void setup(void)
{
	start(NULL);
}

static void teardown(void)
{
	hubt_client_close(&alice);
	hubt_client_close(&bob);
	hubt_client_close(&carol);
	hubt_hub_free(&hub);
	hubt_cleanup();
}

/**
 * Alice uploads a share for the recipients and gets an ACK.
 */
static void upload_ok(const char *recipients, hubt_upload_t *upload)
{
	hubt_answer_t answer;

	hubt_make_upload(&alice, recipients, upload);
	hubt_send(&alice, upload->raw, upload->len);
	hubt_expect(&alice, DSKE_ACK, 0, &answer);
	ck_assert_mem_eq(answer.msg.secret_id, upload->secret_id,
					 DSKE_SECRET_ID_LEN);
	ck_assert_uint_eq(answer.msg.sender_id, hubt_id_of(&alice, "kp-a"));
}

/**
 * A client asks for Alice's secret.
 */
static void request(hubt_client_t *client, const uint8_t *secret_id)
{
	uint8_t msg[DSKE_MSG_MAX_LEN];

	hubt_send(client, msg, hubt_make_request(client, "kp-a", secret_id, msg));
}

/**
 * A recipient asks for Alice's secret and gets its key instruction.
 */
static void request_ok(hubt_client_t *client, hubt_upload_t *upload)
{
	hubt_answer_t answer;

	request(client, upload->secret_id);
	hubt_expect(client, DSKE_KEY_INSTRUCTION, 0, &answer);
	hubt_check_instruction(client, &answer, upload, false);
}

/**
 * A client asks for Alice's secret and the hub refuses with error.
 */
static void request_refused(hubt_client_t *client, const uint8_t *secret_id,
							int error)
{
	request(client, secret_id);
	hubt_expect(client, DSKE_ERROR, error, NULL);
}

/**
 * A client sends a message and the hub refuses it with error.
 */
static void send_refused(hubt_client_t *client, const uint8_t *msg,
						 size_t len, int error)
{
	hubt_send(client, msg, len);
	hubt_expect(client, DSKE_ERROR, error, NULL);
}

START_TEST(test_upload_instruction)
{
	hubt_upload_t upload;

	upload_ok("kp-b,kp-c", &upload);
	request_ok(&bob, &upload);
	/* once per recipient */
	request_refused(&bob, upload.secret_id, DSKE_ERR_DELIVERED);
	request_ok(&carol, &upload);
	/* every recipient has it: gone */
	request_refused(&carol, upload.secret_id, DSKE_ERR_UNKNOWN);
	ck_assert(hubt_log_has(&hub, "instruction"));
}
END_TEST

START_TEST(test_many_on_one_connection)
{
	hubt_upload_t uploads[5];
	hubt_answer_t answer;
	int i;

	for (i = 0; i < 5; i++)
	{
		hubt_make_upload(&alice, "kp-b", &uploads[i]);
		hubt_send(&alice, uploads[i].raw, uploads[i].len);
	}
	for (i = 0; i < 5; i++)
	{
		hubt_expect(&alice, DSKE_ACK, 0, &answer);
		ck_assert_mem_eq(answer.msg.secret_id, uploads[i].secret_id,
						 DSKE_SECRET_ID_LEN);
	}
	for (i = 4; i >= 0; i--)
	{
		request_ok(&bob, &uploads[i]);
	}
}
END_TEST

START_TEST(test_duplicate_secret_id)
{
	hubt_upload_t upload, again;
	dske_gf128_t words[6];
	dske_msg_t msg;
	uint64_t start;

	upload_ok("kp-b", &upload);
	/* a correctly tagged second upload of the same secret ID */
	ck_assert(dske_msg_decode(upload.raw, upload.len, &msg));
	ck_assert(alice.pair->allocate(alice.pair, 6, &start, words));
	msg.psrd_start = start;
	again.len = dske_msg_encode(&msg, words[0], words[1], again.raw,
								sizeof(again.raw));
	send_refused(&alice, again.raw, again.len, DSKE_ERR_DUPLICATE);
}
END_TEST

START_TEST(test_replayed_frame)
{
	hubt_upload_t upload;

	upload_ok("kp-b", &upload);
	hubt_resend(&alice);
	hubt_expect_closed(&alice);
	ck_assert(hubt_log_has(&hub, "replayed"));
}
END_TEST

START_TEST(test_replayed_upload)
{
	hubt_upload_t upload;

	upload_ok("kp-b", &upload);
	/* the same message in a fresh frame: its PSRD range is spent */
	send_refused(&alice, upload.raw, upload.len, DSKE_ERR_PSRD);
}
END_TEST

START_TEST(test_tampered_tag)
{
	hubt_upload_t upload;

	hubt_make_upload(&alice, "kp-b", &upload);
	upload.raw[upload.len - 1] ^= 0x80;
	send_refused(&alice, upload.raw, upload.len, DSKE_ERR_TAG);
	/* the range is consumed anyway: the correct message is a replay now */
	upload.raw[upload.len - 1] ^= 0x80;
	send_refused(&alice, upload.raw, upload.len, DSKE_ERR_PSRD);
	/* a tampered share word too */
	hubt_make_upload(&alice, "kp-b", &upload);
	upload.raw[upload.len - 20] ^= 1;
	send_refused(&alice, upload.raw, upload.len, DSKE_ERR_TAG);
	/* nothing was stored */
	request_refused(&bob, upload.secret_id, DSKE_ERR_UNKNOWN);
}
END_TEST

START_TEST(test_unknown_and_not_recipient)
{
	hubt_upload_t upload;
	uint8_t secret[DSKE_SECRET_ID_LEN] = { 1, 2, 3 };

	request_refused(&bob, secret, DSKE_ERR_UNKNOWN);
	upload_ok("kp-b", &upload);
	request_refused(&carol, upload.secret_id, DSKE_ERR_NOT_RECIPIENT);
	/* the sender is no recipient either */
	request_refused(&alice, upload.secret_id, DSKE_ERR_NOT_RECIPIENT);
}
END_TEST

START_TEST(test_bad_messages)
{
	hubt_upload_t upload;
	uint8_t msg[DSKE_MSG_MAX_LEN];
	dske_msg_t ack = {
		.type = DSKE_ACK,
		.sender_id = 1,
		.hub_id = 2,
	};
	dske_gf128_t none = {};
	size_t len;

	/* not a message */
	memset(msg, 0x41, 96);
	send_refused(&alice, msg, 96, DSKE_ERR_BAD_MESSAGE);
	/* a message clients do not send */
	len = dske_msg_encode(&ack, none, none, msg, sizeof(msg));
	send_refused(&alice, msg, len, DSKE_ERR_BAD_MESSAGE);
	/* an upload in Bob's name, sent by Alice */
	hubt_make_upload(&bob, "kp-c", &upload);
	send_refused(&alice, upload.raw, upload.len, DSKE_ERR_BAD_MESSAGE);
	/* the connection still serves */
	upload_ok("kp-b", &upload);
}
END_TEST

START_TEST(test_bad_frames)
{
	uint8_t frame[DSKE_MSG_MAX_LEN + 64];
	hubt_upload_t upload;

	/* tampered */
	hubt_make_upload(&alice, "kp-b", &upload);
	hubt_send(&alice, upload.raw, upload.len);
	hubt_expect(&alice, DSKE_ACK, 0, NULL);
	alice.frame[40] ^= 1;
	hubt_resend(&alice);
	hubt_expect_closed(&alice);
	/* a frame in Alice's name under Bob's key */
	hubt_client_reconnect(&alice);
	hubt_make_upload(&alice, "kp-b", &upload);
	ck_assert(dske_frame_seal(bob.pair->get_wrap_key(bob.pair, NULL), 1,
							  hubt_id_of(&alice, "kp-a"), DSKE_DIR_TO_HUB,
							  1000, upload.raw, upload.len, frame,
							  sizeof(frame)));
	hubt_send_raw(&alice, frame, dske_frame_len(upload.len));
	hubt_expect_closed(&alice);
	/* the hub's direction */
	hubt_client_reconnect(&alice);
	ck_assert(dske_frame_seal(alice.pair->get_wrap_key(alice.pair, NULL), 1,
							  hubt_id_of(&alice, "kp-a"), DSKE_DIR_TO_CLIENT,
							  1000, upload.raw, upload.len, frame,
							  sizeof(frame)));
	hubt_send_raw(&alice, frame, dske_frame_len(upload.len));
	hubt_expect_closed(&alice);
	/* garbage, too short, and a length prefix beyond the limit */
	hubt_client_reconnect(&alice);
	memset(frame, 0, sizeof(frame));
	hubt_send_raw(&alice, frame, sizeof(frame));
	hubt_expect_closed(&alice);
	hubt_client_reconnect(&alice);
	hubt_send_raw(&alice, frame, 4);
	hubt_expect_closed(&alice);
	hubt_client_reconnect(&alice);
	ck_assert_int_eq(write(alice.fd, "\0\0\x20\0", 4), 4);
	hubt_expect_closed(&alice);
	/* nothing of it reached the PSRD: the upload still goes through */
	hubt_client_reconnect(&alice);
	hubt_send(&alice, upload.raw, upload.len);
	hubt_expect(&alice, DSKE_ACK, 0, NULL);
	ck_assert(hubt_log_has(&hub, "dropping"));
}
END_TEST

START_TEST(test_exhausted)
{
	hubt_upload_t upload;

	hubt_client_close(&alice);
	hubt_client_close(&bob);
	hubt_client_close(&carol);
	hubt_hub_free(&hub);
	/* 8 words a table: one upload or one instruction of m = 1 */
	bundle = hubt_tmpdir();
	hubt_bundle(bundle, "h1", "kp-a,kp-b,kp-c", 8);
	hubt_hub_init(&hub, bundle, "h1");
	hubt_hub_start(&hub);
	hubt_client_open(&alice, bundle, "kp-a", "h1", hub.port);
	hubt_client_open(&bob, bundle, "kp-b", "h1", hub.port);
	hubt_client_open(&carol, bundle, "kp-c", "h1", hub.port);
	upload_ok("kp-b", &upload);
	request_ok(&bob, &upload);
	/* Carol's upload for Bob: the hub has 2 words left for Bob */
	hubt_make_upload(&carol, "kp-b", &upload);
	hubt_send(&carol, upload.raw, upload.len);
	hubt_expect(&carol, DSKE_ACK, 0, NULL);
	{
		uint8_t msg[DSKE_MSG_MAX_LEN];

		hubt_send(&bob, msg, hubt_make_request(&bob, "kp-c",
											   upload.secret_id, msg));
	}
	hubt_expect(&bob, DSKE_ERROR, DSKE_ERR_EXHAUSTED, NULL);
	ck_assert(hubt_log_has(&hub, "exhausted"));
}
END_TEST

START_TEST(test_corrupt)
{
	hubt_upload_t upload;
	hubt_answer_t answer;

	teardown();
	start("corrupt");
	upload_ok("kp-b", &upload);
	request(&bob, upload.secret_id);
	hubt_expect(&bob, DSKE_KEY_INSTRUCTION, 0, &answer);
	/* it authenticates, and lies */
	hubt_check_instruction(&bob, &answer, &upload, true);
}
END_TEST

START_TEST(test_replay)
{
	hubt_upload_t first, second;
	hubt_answer_t answer;
	dske_gf128_t words[6];

	teardown();
	start("replay");
	upload_ok("kp-b", &first);
	upload_ok("kp-b", &second);
	request_ok(&bob, &first);
	/* the second request gets the first instruction again, in a frame
	 * that authenticates: its PSRD range gives it away */
	request(&bob, second.secret_id);
	hubt_expect(&bob, DSKE_KEY_INSTRUCTION, 0, &answer);
	ck_assert_mem_eq(answer.msg.secret_id, first.secret_id,
					 DSKE_SECRET_ID_LEN);
	ck_assert(!bob.pair->claim(bob.pair, answer.msg.psrd_start,
							   answer.msg.psrd_count, words));
}
END_TEST

START_TEST(test_replay_frame)
{
	hubt_upload_t first, second;

	teardown();
	start("replay-frame");
	upload_ok("kp-b", &first);
	upload_ok("kp-b", &second);
	request_ok(&bob, &first);
	request(&bob, second.secret_id);
	/* the same frame: its counter is spent */
	{
		uint8_t prefix[4], frame[DSKE_MSG_MAX_LEN + 64];
		dske_frame_header_t hdr;
		uint32_t len;

		ck_assert_int_eq(read(bob.fd, prefix, 4), 4);
		len = prefix[0] | prefix[1] << 8 | prefix[2] << 16;
		ck_assert_uint_le(len, sizeof(frame));
		ck_assert_int_eq(read(bob.fd, frame, len), (ssize_t)len);
		ck_assert(dske_frame_header(frame, len, &hdr));
		ck_assert(!bob.pair->accept_counter(bob.pair, hdr.counter));
	}
}
END_TEST

START_TEST(test_hang)
{
	hubt_upload_t upload;
	hubt_answer_t answer;

	teardown();
	start("hang");
	hubt_make_upload(&alice, "kp-b", &upload);
	hubt_send(&alice, upload.raw, upload.len);
	ck_assert_int_eq(hubt_recv(&alice, &answer, 1000), -1);
}
END_TEST

START_TEST(test_faults_need_test_mode)
{
	hubt_hub_t other;

	hubt_hub_init(&other, bundle, "h1");
	hubt_hub_arg(&other, "--test-faults");
	hubt_hub_arg(&other, "corrupt");
	ck_assert_int_eq(hubt_hub_run(&other), 2);
	hubt_hub_free(&other);
	hubt_hub_init(&other, bundle, "h1");
	hubt_hub_arg(&other, "--test-mode");
	hubt_hub_arg(&other, "--test-faults");
	hubt_hub_arg(&other, "lie");
	ck_assert_int_eq(hubt_hub_run(&other), 2);
	hubt_hub_free(&other);
}
END_TEST

Suite *hubt_hub_suite(void)
{
	Suite *s = suite_create("hub protocol");
	TCase *tc;

	tc = tcase_create("protocol");
	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_upload_instruction);
	tcase_add_test(tc, test_many_on_one_connection);
	tcase_add_test(tc, test_duplicate_secret_id);
	tcase_add_test(tc, test_replayed_frame);
	tcase_add_test(tc, test_replayed_upload);
	tcase_add_test(tc, test_tampered_tag);
	tcase_add_test(tc, test_unknown_and_not_recipient);
	tcase_add_test(tc, test_bad_messages);
	tcase_add_test(tc, test_bad_frames);
	tcase_add_test(tc, test_exhausted);
	suite_add_tcase(s, tc);

	tc = tcase_create("faults");
	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_corrupt);
	tcase_add_test(tc, test_replay);
	tcase_add_test(tc, test_replay_frame);
	tcase_add_test(tc, test_hang);
	tcase_add_test(tc, test_faults_need_test_mode);
	suite_add_tcase(s, tc);
	return s;
}
