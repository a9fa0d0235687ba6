/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * Nothing lost, nothing twice: synchronized keys survive restarts and
 * kill -9 of the receiving KP, are served once after a restart and never
 * again, are wiped on disk when delivered, and torn or damaged records are
 * never served.
 */

#include "kpt.h"

#include <skip_validate.h>

#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static kpt_kp_t kps[2];
static char state[300];

/**
 * Alice standard, Bob with a state directory (and extra options).
 */
static void start_pair(const char *ttl)
{
	kpt_pair_init(kps);
	snprintf(state, sizeof(state), "%s/state", kpt_tmpdir("restart"));
	kpt_kp_arg(&kps[1], "--state-dir");
	kpt_kp_arg(&kps[1], "%s", state);
	if (ttl)
	{
		kpt_kp_arg(&kps[1], "--key-ttl");
		kpt_kp_arg(&kps[1], "%s", ttl);
	}
	kpt_kp_start(&kps[0]);
	kpt_kp_start(&kps[1]);
}

static void restart_bob(int sig)
{
	kpt_kp_stop(&kps[1], sig);
	kpt_kp_start(&kps[1]);
}

/**
 * A KP logs a line within 10 s: it may accept connections before it is done
 * starting (a compaction runs after its listeners are up).
 */
static void expect_log_soon(kpt_kp_t *kp, const char *needle)
{
	int i;

	for (i = 0; i < 100 && !kpt_log_has(kp, needle); i++)
	{
		test_sleep_ms(100);
	}
	ck_assert_msg(kpt_log_has(kp, needle), "KP did not log '%s'", needle);
}

/**
 * Bob's encryptor fetches a key: expect it (key) or 400 (key NULL).
 */
static void fetch(const char *key_id, const char *key)
{
	kpt_client_t bob;
	kpt_resp_t resp;

	kpt_client_gw(&bob, &kps[1], 1, KPT_PSK);
	kpt_request(&bob, &resp, "GET", "/key/%s?remoteSystemID=Alice", key_id);
	if (key)
	{
		ck_assert_msg(resp.code == 200, "key %s: %ld %s", key_id, resp.code,
					  resp.body);
		ck_assert_str_eq(kpt_json_str(&resp, "key"), key);
	}
	else
	{
		kpt_assert_error(&resp, 400, "key not found");
	}
	kpt_resp_clear(&resp);
	kpt_client_free(&bob);
}

static void new_key(const char *size, char *key_id, char *key)
{
	kpt_client_t alice;
	kpt_resp_t resp;

	kpt_client_gw(&alice, &kps[0], 0, KPT_CERT);
	kpt_request(&alice, &resp, "GET", "/key?remoteSystemID=Bob%s", size);
	ck_assert_int_eq(resp.code, 200);
	strcpy(key_id, kpt_json_str(&resp, "keyId"));
	strcpy(key, kpt_json_str(&resp, "key"));
	kpt_resp_clear(&resp);
	kpt_client_free(&alice);
}

static const char *journal(void)
{
	static char path[400];

	snprintf(path, sizeof(path), "%s/keys.journal", state);
	return path;
}

static size_t read_journal(uint8_t *buf, size_t size)
{
	ssize_t len;
	int fd;

	fd = open(journal(), O_RDONLY);
	ck_assert_int_ge(fd, 0);
	len = read(fd, buf, size);
	close(fd);
	ck_assert_int_ge(len, 0);
	return (size_t)len;
}

/**
 * Offset of a key's bytes in the journal, -1 if they are not there.
 */
static long find_key(const char *hex)
{
	static uint8_t buf[1 << 20];
	uint8_t key[600];
	size_t len = strlen(hex) / 2, n;
	uint8_t *found;

	ck_assert(skip_hex_decode(hex, strlen(hex), key));
	n = read_journal(buf, sizeof(buf));
	found = memmem(buf, n, key, len);
	return found ? found - buf : -1;
}

static off_t file_size(const char *path)
{
	struct stat st;

	ck_assert_int_eq(stat(path, &st), 0);
	return st.st_size;
}

/**
 * The restart test of the issue: a key synchronized before kill -9 is
 * served once after the restart, never twice, also not after another.
 */
START_TEST(test_kill9)
{
	char id[4][200], key[4][1100];

	start_pair(NULL);
	new_key("", id[0], key[0]);
	new_key("", id[1], key[1]);
	new_key("&size=512", id[2], key[2]);
	new_key("&size=4096", id[3], key[3]);

	restart_bob(SIGKILL);
	ck_assert(kpt_log_has(&kps[1], "4 key(s) waiting"));
	fetch(id[0], key[0]);
	fetch(id[0], NULL);

	restart_bob(SIGKILL);
	fetch(id[0], NULL);
	fetch(id[1], key[1]);
	/* killed right after a delivery: the key is already wiped on disk */
	restart_bob(SIGKILL);
	fetch(id[1], NULL);
	fetch(id[0], NULL);

	restart_bob(SIGTERM);
	ck_assert(kpt_log_has(&kps[1], "2 key(s) waiting"));
	fetch(id[2], key[2]);
	fetch(id[3], key[3]);
	restart_bob(SIGKILL);
	ck_assert(kpt_log_has(&kps[1], "0 key(s) waiting"));
	fetch(id[0], NULL);
	fetch(id[1], NULL);
	fetch(id[2], NULL);
	fetch(id[3], NULL);
	/* new keys still work */
	new_key("", id[0], key[0]);
	fetch(id[0], key[0]);
	kpt_pair_free(kps);
}
END_TEST

/**
 * Keys at rest: a private directory and file; a delivered key's bytes are
 * overwritten in the journal before it is sent; the journal is compacted.
 */
START_TEST(test_at_rest)
{
	char id[3][200], key[3][200];
	struct stat st;
	off_t before;

	start_pair(NULL);
	ck_assert_int_eq(stat(state, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0700);
	new_key("", id[0], key[0]);
	new_key("", id[1], key[1]);
	new_key("", id[2], key[2]);
	ck_assert_int_eq(stat(journal(), &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	ck_assert_int_eq(st.st_uid, geteuid());

	/* the keys are on disk until they are delivered */
	ck_assert_int_ge(find_key(key[0]), 0);
	ck_assert_int_ge(find_key(key[1]), 0);
	before = file_size(journal());
	fetch(id[0], key[0]);
	fetch(id[1], key[1]);
	ck_assert_int_eq(find_key(key[0]), -1);
	ck_assert_int_eq(find_key(key[1]), -1);
	ck_assert_int_ge(find_key(key[2]), 0);
	ck_assert_int_eq(file_size(journal()), before);

	/* a restart keeps the live key only (the compaction runs once the
	 * KP's listeners are up: a request waits for it, a file size not) */
	restart_bob(SIGKILL);
	fetch("00", NULL);
	ck_assert_int_lt(file_size(journal()), before / 2);
	ck_assert_int_ge(find_key(key[2]), 0);
	fetch(id[2], key[2]);
	ck_assert_int_eq(find_key(key[2]), -1);
	kpt_pair_free(kps);
}
END_TEST

/**
 * A record torn at the end of the journal (crash while appending) is cut
 * off; a damaged record is never served; the others are.
 */
START_TEST(test_torn_records)
{
	static const uint8_t torn[] = { 0x4b, 0x01, 0, 0, 80, 0, 0, 0, 1, 2, 3 };
	char id[3][200], key[3][200];
	off_t size;
	long offset;
	uint8_t byte;
	int fd;

	start_pair(NULL);
	new_key("", id[0], key[0]);
	new_key("", id[1], key[1]);
	new_key("", id[2], key[2]);
	kpt_kp_stop(&kps[1], SIGKILL);
	size = file_size(journal());

	/* damage the second key's bytes, append half a record */
	offset = find_key(key[1]);
	ck_assert_int_gt(offset, 0);
	fd = open(journal(), O_RDWR);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pread(fd, &byte, 1, offset + 3), 1);
	byte ^= 0x40;
	ck_assert_int_eq(pwrite(fd, &byte, 1, offset + 3), 1);
	ck_assert_int_eq(pwrite(fd, torn, sizeof(torn), size),
					 (ssize_t)sizeof(torn));
	close(fd);

	kpt_kp_start(&kps[1]);
	ck_assert(kpt_log_has(&kps[1], "2 key(s) waiting"));
	fetch(id[1], NULL);
	fetch(id[0], key[0]);
	fetch(id[2], key[2]);
	/* the journal is whole again: new keys are found after a restart */
	new_key("", id[1], key[1]);
	restart_bob(SIGKILL);
	fetch(id[1], key[1]);
	kpt_pair_free(kps);
}
END_TEST

/**
 * Expiry times are kept on disk: a key that expired while the KP was down
 * is not served after the restart.
 */
START_TEST(test_expiry_across_restart)
{
	char id[2][200], key[2][200];

	start_pair("2");
	new_key("", id[0], key[0]);
	kpt_kp_stop(&kps[1], SIGKILL);
	test_sleep_ms(3100);
	kpt_kp_start(&kps[1]);
	ck_assert(kpt_log_has(&kps[1], "0 key(s) waiting"));
	fetch(id[0], NULL);
	new_key("", id[1], key[1]);
	restart_bob(SIGKILL);
	fetch(id[1], key[1]);
	kpt_pair_free(kps);
}
END_TEST

/**
 * Compaction whose directory sync fails after the rename: the KP goes on
 * with the new journal, so that after a restart a key stored since is not
 * lost.
 */
START_TEST(test_compaction_dir_sync_fails)
{
	static char body[80000];
	char id[3][200], key[3][200];
	kpt_client_t carol;
	kpt_resp_t resp;
	int i, j, n;

	kpt_pair_init(kps);
	snprintf(state, sizeof(state), "%s/state", kpt_tmpdir("restart"));
	kpt_kp_arg(&kps[1], "--state-dir");
	kpt_kp_arg(&kps[1], "%s", state);
	kpt_kp_arg(&kps[1], "--peer");
	kpt_kp_arg(&kps[1], "Carol,127.0.0.1:%u,%s", test_free_port(),
			   kpt_path("carol-sync.psk"));
	kpt_kp_start(&kps[0]);
	kpt_kp_start(&kps[1]);
	new_key("", id[0], key[0]);
	new_key("", id[1], key[1]);
	kpt_faults(&kps[1], "dir-sync-error");

	/* more than 1 MiB of keys that expire at once: the expiry compacts */
	kpt_client_psk(&carol, kps[1].sync_port, "Carol", "carol-sync.psk");
	for (i = 0; i < 28; i++)
	{
		n = snprintf(body, sizeof(body), "{\"origin\":\"Carol\","
					 "\"target\":\"Bob\",\"ttl\":1,\"keys\":[");
		for (j = 0; j < 64; j++)
		{
			n += snprintf(body + n, sizeof(body) - n, "%s{\"keyId\":"
						  "\"%032x\",\"key\":\"", j ? "," : "", i * 64 + j);
			memset(body + n, 'a', 1024);
			n += 1024;
			n += snprintf(body + n, sizeof(body) - n, "\"}");
		}
		snprintf(body + n, sizeof(body) - n, "]}");
		kpt_request_body(&carol, &resp, "POST", body, "/sync/v2/keys");
		ck_assert_msg(resp.code == 201, "%ld %s", resp.code, resp.body);
		kpt_resp_clear(&resp);
	}
	kpt_client_free(&carol);
	expect_log_soon(&kps[1], "compact");

	/* stored after the compaction, killed before anything else */
	new_key("", id[2], key[2]);
	restart_bob(SIGKILL);
	fetch(id[2], key[2]);
	fetch(id[0], key[0]);
	fetch(id[1], key[1]);
	ck_assert(kpt_log_has(&kps[1], "cannot sync"));
	kpt_pair_free(kps);
}
END_TEST

/**
 * The same at start (the compaction before serving): a key delivered since
 * is not live again after a restart, a key stored since is not lost.
 */
START_TEST(test_start_compaction_dir_sync_fails)
{
	char id[4][200], key[4][200];

	start_pair(NULL);
	new_key("", id[0], key[0]);
	new_key("", id[1], key[1]);
	new_key("", id[2], key[2]);
	fetch(id[2], key[2]);
	kpt_kp_arg(&kps[1], "--test-faults");
	kpt_kp_arg(&kps[1], "dir-sync-error");
	restart_bob(SIGTERM);
	expect_log_soon(&kps[1], "cannot sync");

	/* delivered and stored after the compaction */
	fetch(id[0], key[0]);
	new_key("", id[3], key[3]);
	restart_bob(SIGKILL);
	fetch(id[0], NULL);
	fetch(id[2], NULL);
	fetch(id[3], key[3]);
	fetch(id[1], key[1]);
	kpt_pair_free(kps);
}
END_TEST

/**
 * The state directory must be private, and ours alone.
 */
START_TEST(test_state_dir_checks)
{
	kpt_kp_t other[2];
	char open_dir[400];
	int fd;

	start_pair(NULL);
	/* a second KP on the same directory */
	kpt_pair_init(other);
	kpt_kp_arg(&other[1], "--state-dir");
	kpt_kp_arg(&other[1], "%s", state);
	ck_assert_int_eq(kpt_kp_run(&other[1]), 1);
	ck_assert(kpt_log_has(&other[1], "in use by another skip-kp"));
	kpt_pair_free(other);

	/* a directory others may read */
	snprintf(open_dir, sizeof(open_dir), "%s", kpt_tmpdir("open"));
	ck_assert_int_eq(chmod(open_dir, 0755), 0);
	kpt_pair_init(other);
	kpt_kp_arg(&other[1], "--state-dir");
	kpt_kp_arg(&other[1], "%s", open_dir);
	ck_assert_int_eq(kpt_kp_run(&other[1]), 1);
	ck_assert(kpt_log_has(&other[1], "chmod 700"));
	kpt_pair_free(other);

	/* a file that is not a journal is not touched */
	ck_assert_int_eq(chmod(open_dir, 0700), 0);
	snprintf(open_dir + strlen(open_dir), 40, "/keys.journal");
	fd = open(open_dir, O_WRONLY | O_CREAT, 0600);
	ck_assert_int_eq(write(fd, "something else, not ours", 24), 24);
	close(fd);
	*strrchr(open_dir, '/') = '\0';
	kpt_pair_init(other);
	kpt_kp_arg(&other[1], "--state-dir");
	kpt_kp_arg(&other[1], "%s", open_dir);
	ck_assert_int_eq(kpt_kp_run(&other[1]), 1);
	ck_assert(kpt_log_has(&other[1], "not a skip-kp journal"));
	kpt_pair_free(other);
	kpt_pair_free(kps);
}
END_TEST

Suite *kpt_restart_suite(void)
{
	Suite *s = suite_create("durable store");
	TCase *tc;

	tc = tcase_create("restarts and kill -9");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_kill9);
	tcase_add_test(tc, test_at_rest);
	tcase_add_test(tc, test_torn_records);
	tcase_add_test(tc, test_expiry_across_restart);
	tcase_add_test(tc, test_state_dir_checks);
	tcase_add_test(tc, test_compaction_dir_sync_fails);
	tcase_add_test(tc, test_start_compaction_dir_sync_fails);
	suite_add_tcase(s, tc);
	return s;
}
