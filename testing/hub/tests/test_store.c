/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * The hub's durable state: shares, PSRD and counters across kill -9,
 * expiry, and what it refuses to start with.
 */

#include "hubt.h"

#include <signal.h>
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *bundle;
static hubt_hub_t hub;
static hubt_client_t alice, bob;

static void setup(void)
{
	bundle = hubt_tmpdir();
	hubt_bundle(bundle, "h1", "kp-a,kp-b", 100);
	hubt_hub_init(&hub, bundle, "h1");
}

static void teardown(void)
{
	hubt_client_close(&alice);
	hubt_client_close(&bob);
	hubt_hub_free(&hub);
	hubt_cleanup();
}

static void connect_both(void)
{
	hubt_client_open(&alice, bundle, "kp-a", "h1", hub.port);
	hubt_client_open(&bob, bundle, "kp-b", "h1", hub.port);
}

static void reconnect_both(void)
{
	hubt_client_reconnect(&alice);
	hubt_client_reconnect(&bob);
}

/**
 * Share files in the hub's state directory.
 */
static int shares_on_disk(void)
{
	struct dirent *entry;
	int count = 0;
	DIR *d;

	d = opendir(hub.state);
	ck_assert_ptr_nonnull(d);
	while ((entry = readdir(d)))
	{
		count += strstr(entry->d_name, ".share") != NULL;
	}
	closedir(d);
	return count;
}

static void request(hubt_client_t *client, const uint8_t *secret_id)
{
	uint8_t msg[DSKE_MSG_MAX_LEN];

	hubt_send(client, msg, hubt_make_request(client, "kp-a", secret_id, msg));
}

/**
 * Alice uploads a share for the recipients and gets an ACK.
 */
static void upload_ok(const char *recipients, hubt_upload_t *upload)
{
	hubt_make_upload(&alice, recipients, upload);
	hubt_send(&alice, upload->raw, upload->len);
	hubt_expect(&alice, DSKE_ACK, 0, NULL);
}

/**
 * A hub keeping undelivered shares for 1 s, both clients connected, and
 * Alice's share for Bob.
 */
static void upload_ttl_1s(hubt_upload_t *upload)
{
	hubt_hub_arg(&hub, "--share-ttl");
	hubt_hub_arg(&hub, "1");
	hubt_hub_start(&hub);
	connect_both();
	upload_ok("kp-b", upload);
}

START_TEST(test_kill_restart)
{
	hubt_upload_t upload, delivered;
	hubt_answer_t answer;

	hubt_hub_start(&hub);
	connect_both();
	upload_ok("kp-b", &upload);
	upload_ok("kp-b", &delivered);
	request(&bob, delivered.secret_id);
	hubt_expect(&bob, DSKE_KEY_INSTRUCTION, 0, &answer);
	hubt_check_instruction(&bob, &answer, &delivered, false);
	ck_assert_int_eq(shares_on_disk(), 1);

	hubt_hub_stop(&hub, SIGKILL);
	hubt_hub_start(&hub);
	reconnect_both();
	ck_assert(hubt_log_has(&hub, "1 share(s) waiting"));
	/* a replayed frame and a replayed upload are refused */
	hubt_resend(&alice);
	hubt_expect_closed(&alice);
	hubt_client_reconnect(&alice);
	hubt_send(&alice, upload.raw, upload.len);
	hubt_expect(&alice, DSKE_ERROR, DSKE_ERR_PSRD, NULL);
	/* the undelivered share is there, the delivered one is not again */
	request(&bob, delivered.secret_id);
	hubt_expect(&bob, DSKE_ERROR, DSKE_ERR_UNKNOWN, NULL);
	request(&bob, upload.secret_id);
	hubt_expect(&bob, DSKE_KEY_INSTRUCTION, 0, &answer);
	hubt_check_instruction(&bob, &answer, &upload, false);
	ck_assert_int_eq(shares_on_disk(), 0);
	/* the hub's own counter went on: Bob accepted its answers */
}
END_TEST

START_TEST(test_delivery_survives)
{
	hubt_client_t carol;
	hubt_upload_t upload;
	hubt_answer_t answer;

	hubt_hub_free(&hub);
	bundle = hubt_tmpdir();
	hubt_bundle(bundle, "h1", "kp-a,kp-b,kp-c", 100);
	hubt_hub_init(&hub, bundle, "h1");
	hubt_hub_start(&hub);
	connect_both();
	upload_ok("kp-b,kp-c", &upload);
	request(&bob, upload.secret_id);
	hubt_expect(&bob, DSKE_KEY_INSTRUCTION, 0, &answer);
	hubt_check_instruction(&bob, &answer, &upload, false);
	hubt_hub_stop(&hub, SIGKILL);
	hubt_hub_start(&hub);
	reconnect_both();
	/* Bob's delivery is remembered, Carol's share waits */
	request(&bob, upload.secret_id);
	hubt_expect(&bob, DSKE_ERROR, DSKE_ERR_DELIVERED, NULL);
	hubt_client_open(&carol, bundle, "kp-c", "h1", hub.port);
	request(&carol, upload.secret_id);
	hubt_expect(&carol, DSKE_KEY_INSTRUCTION, 0, &answer);
	hubt_check_instruction(&carol, &answer, &upload, false);
	hubt_client_close(&carol);
	ck_assert_int_eq(shares_on_disk(), 0);
}
END_TEST

START_TEST(test_expiry)
{
	hubt_upload_t upload;
	int i;

	upload_ttl_1s(&upload);
	ck_assert_int_eq(shares_on_disk(), 1);
	/* the log line follows the wipe */
	for (i = 0; i < 500 && !hubt_log_has(&hub, "wiped 1 undelivered"); i++)
	{
		test_sleep_ms(10);
	}
	ck_assert(hubt_log_has(&hub, "wiped 1 undelivered share(s)"));
	ck_assert_int_eq(shares_on_disk(), 0);
	request(&bob, upload.secret_id);
	hubt_expect(&bob, DSKE_ERROR, DSKE_ERR_UNKNOWN, NULL);
}
END_TEST

START_TEST(test_expired_while_down)
{
	hubt_upload_t upload;

	upload_ttl_1s(&upload);
	hubt_hub_stop(&hub, SIGKILL);
	test_sleep_ms(1100);
	hubt_hub_start(&hub);
	ck_assert_int_eq(shares_on_disk(), 0);
	reconnect_both();
	request(&bob, upload.secret_id);
	hubt_expect(&bob, DSKE_ERROR, DSKE_ERR_UNKNOWN, NULL);
}
END_TEST

START_TEST(test_leftovers)
{
	char path[512];
	FILE *file;

	/* an upload cut short before its ACK, and a damaged share */
	ck_assert_int_eq(mkdir(hub.state, 0700), 0);
	snprintf(path, sizeof(path), "%s/0000000000000001-"
			 "00000000000000000000000000000001.share.tmp", hub.state);
	file = fopen(path, "w");
	fputs("half a share", file);
	fclose(file);
	snprintf(path, sizeof(path), "%s/0000000000000001-"
			 "00000000000000000000000000000002.share", hub.state);
	file = fopen(path, "w");
	fputs("SKIP-HUB-SHARE but damaged", file);
	fclose(file);
	hubt_hub_start(&hub);
	ck_assert(hubt_log_has(&hub, "0 share(s) waiting"));
	ck_assert(hubt_log_has(&hub, "damaged"));
	ck_assert_int_eq(access(path, F_OK), 0);
	ck_assert_int_eq(shares_on_disk(), 1);
	snprintf(path, sizeof(path), "%s/0000000000000001-"
			 "00000000000000000000000000000001.share.tmp", hub.state);
	ck_assert_int_ne(access(path, F_OK), 0);
}
END_TEST

START_TEST(test_connection_limits)
{
	hubt_upload_t upload;
	hubt_client_t other;

	hubt_hub_arg(&hub, "--max-connections");
	hubt_hub_arg(&hub, "1");
	hubt_hub_arg(&hub, "--idle-timeout");
	hubt_hub_arg(&hub, "1");
	hubt_hub_start(&hub);
	hubt_client_open(&alice, bundle, "kp-a", "h1", hub.port);
	upload_ok("kp-b", &upload);
	/* a second connection is refused while the first is open */
	hubt_client_open(&other, bundle, "kp-b", "h1", hub.port);
	hubt_expect_closed(&other);
	hubt_client_close(&other);
	ck_assert(hubt_log_has(&hub, "refusing another"));
	/* an idle connection is closed after a second */
	hubt_expect_closed(&alice);
	hubt_client_open(&bob, bundle, "kp-b", "h1", hub.port);
	request(&bob, upload.secret_id);
	hubt_expect(&bob, DSKE_KEY_INSTRUCTION, 0, NULL);
}
END_TEST

START_TEST(test_modes)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/h1/clients/kp-b/table0", bundle);
	ck_assert_int_eq(chmod(path, 0644), 0);
	ck_assert_int_eq(hubt_hub_run(&hub), 1);
	ck_assert(hubt_log_has(&hub, "mode 0600"));
	ck_assert_int_eq(chmod(path, 0600), 0);
	snprintf(path, sizeof(path), "%s/h1/clients/kp-b", bundle);
	ck_assert_int_eq(chmod(path, 0755), 0);
	ck_assert_int_eq(hubt_hub_run(&hub), 1);
	ck_assert_int_eq(chmod(path, 0700), 0);
	/* the state directory too */
	ck_assert_int_eq(mkdir(hub.state, 0750), 0);
	ck_assert_int_eq(chmod(hub.state, 0750), 0);
	ck_assert_int_eq(hubt_hub_run(&hub), 1);
	ck_assert(hubt_log_has(&hub, "chmod 700"));
	ck_assert_int_eq(chmod(hub.state, 0700), 0);
	hubt_hub_start(&hub);
}
END_TEST

START_TEST(test_wrong_hub)
{
	hubt_hub_t other;
	char dir[512];

	/* h2's clients under the name h1 */
	hubt_hub_free(&hub);
	bundle = hubt_tmpdir();
	hubt_bundle(bundle, "h1,h2", "kp-a", 10);
	hubt_hub_init(&other, bundle, "h1");
	snprintf(dir, sizeof(dir), "%s/h2/clients", bundle);
	hubt_hub_arg(&other, "--clients-dir");
	hubt_hub_arg(&other, dir);
	ck_assert_int_eq(hubt_hub_run(&other), 1);
	ck_assert(hubt_log_has(&other, "not a pair of hub h1"));
	hubt_hub_free(&other);
	/* a second hub on the same state */
	hubt_hub_free(&hub);
	hubt_hub_init(&hub, bundle, "h1");
	hubt_hub_start(&hub);
	hubt_hub_init(&other, bundle, "h1");
	ck_assert_int_eq(hubt_hub_run(&other), 1);
	hubt_hub_free(&other);
}
END_TEST

START_TEST(test_config_file)
{
	hubt_hub_t other;
	char conf[512];
	FILE *file;

	snprintf(conf, sizeof(conf), "%s/hub.conf", bundle);
	file = fopen(conf, "w");
	fprintf(file, "# hub h1\nname = h1\nclients-dir = %s/h1/clients\n"
			"state-dir = %s\nlisten = 127.0.0.1:%u\nshare-ttl = 30\n"
			"verbose\n", bundle, hub.state, hub.port);
	fclose(file);
	memset(&other, 0, sizeof(other));
	other.port = hub.port;
	snprintf(other.log, sizeof(other.log), "%s", hub.log);
	hubt_hub_arg(&other, hub.argv[0]);
	hubt_hub_arg(&other, "--config");
	hubt_hub_arg(&other, conf);
	hubt_hub_start(&other);
	connect_both();
	hubt_hub_stop(&other, SIGTERM);
	file = fopen(conf, "w");
	fprintf(file, "colour = blue\n");
	fclose(file);
	ck_assert_int_eq(hubt_hub_run(&other), 2);
	hubt_hub_free(&other);
}
END_TEST

Suite *hubt_store_suite(void)
{
	Suite *s = suite_create("hub state");
	TCase *tc;

	tc = tcase_create("state");
	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_kill_restart);
	tcase_add_test(tc, test_delivery_survives);
	tcase_add_test(tc, test_expiry);
	tcase_add_test(tc, test_expired_while_down);
	tcase_add_test(tc, test_leftovers);
	tcase_add_test(tc, test_connection_limits);
	tcase_add_test(tc, test_modes);
	tcase_add_test(tc, test_wrong_hub);
	tcase_add_test(tc, test_config_file);
	suite_add_tcase(s, tc);
	return s;
}
