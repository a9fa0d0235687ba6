/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * The per-IKE_SA state and its transitions, including the first
 * IKE_SA_INIT of a make-before-break reauthentication that strongSwan 5.9.x
 * sends in the old IKE_SA's context.
 */

#include "plugin_tests.h"

#include <skip_sa_table.h>

/** stands in for KP profiles: the table only keeps the pointer */
static skip_kp_t *KP_A = (skip_kp_t*)0x1000, *KP_B = (skip_kp_t*)0x2000;

static skip_sa_table_t *sas;

static void setup(void)
{
	sas = skip_sa_table_create();
}

static void teardown(void)
{
	sas->destroy(sas);
}

static skip_sa_id_t sa(uint32_t unique_id, uint64_t spi_i)
{
	return (skip_sa_id_t){ .unique_id = unique_id, .spi_i = spi_i };
}

/** a lookup that must ask the KP; returns the request */
static skip_sa_request_t expect_fetch(skip_sa_id_t id, identification_t *ppk_id)
{
	char reason[SKIP_SA_REASON_MAX] = "";
	skip_sa_request_t request = {};
	chunk_t key = chunk_empty;

	ck_assert_int_eq(sas->lookup(sas, id, ppk_id, &request, &key, reason),
					 SKIP_LOOKUP_FETCH);
	ck_assert(!key.len);
	return request;
}

static void expect_lookup(skip_sa_id_t id, identification_t *ppk_id,
						  skip_lookup_t expected, const char *reason_part)
{
	char reason[SKIP_SA_REASON_MAX] = "";
	skip_sa_request_t request = {};
	chunk_t key = chunk_empty;

	ck_assert_int_eq(sas->lookup(sas, id, ppk_id, &request, &key, reason),
					 expected);
	if (reason_part)
	{
		ck_assert_msg(strstr(reason, reason_part), "reason '%s' lacks '%s'",
					  reason, reason_part);
	}
	if (expected == SKIP_LOOKUP_CACHED)
	{
		ck_assert_int_eq(key.len, 32);
	}
	chunk_clear(&key);
}

static chunk_t test_key()
{
	static uint8_t bytes[32] = { 0x42, 0x43 };

	return chunk_from_thing(bytes);
}

START_TEST(test_initiator)
{
	char key_id[SKIP_KEY_ID_MAX_HEX + 1], reason[SKIP_SA_REASON_MAX];
	skip_sa_request_t request;
	bool dynamic;

	sas->initiate(sas, sa(1, 11), KP_A, "Alice");
	ck_assert(!sas->get_key_id(sas, sa(1, 11), key_id, NULL));
	ck_assert(sas->response_received(sas, sa(1, 11), SKIP_PEER_SKIP, "Bob"));
	request = expect_fetch(sa(1, 11), NULL);
	ck_assert(request.initiator);
	ck_assert(request.kp == KP_A);
	ck_assert_str_eq(request.local_sid, "Alice");
	ck_assert_str_eq(request.peer_sid, "Bob");

	sas->fetched(sas, sa(1, 11), "AbCd01", test_key());
	ck_assert(sas->get_key_id(sas, sa(1, 11), key_id, NULL));
	ck_assert_str_eq(key_id, "AbCd01");
	/* repeated lookups get the same key, the KP is not asked again */
	expect_lookup(sa(1, 11), NULL, SKIP_LOOKUP_CACHED, NULL);
	expect_lookup(sa(1, 11), NULL, SKIP_LOOKUP_CACHED, NULL);

	ck_assert(sas->authorized(sas, sa(1, 11), &dynamic, reason));
	ck_assert(dynamic);
	/* the key is gone once the IKE_SA is authorized */
	expect_lookup(sa(1, 11), NULL, SKIP_LOOKUP_FAILED, NULL);
	ck_assert(!sas->get_key_id(sas, sa(1, 11), key_id, NULL));
	ck_assert(sas->remove(sas, sa(1, 11)));
	ck_assert(!sas->remove(sas, sa(1, 11)));
	ck_assert_int_eq(sas->get_count(sas), 0);
}
END_TEST

START_TEST(test_restart_begins_anew)
{
	char key_id[SKIP_KEY_ID_MAX_HEX + 1];

	sas->initiate(sas, sa(1, 11), KP_A, "Alice");
	sas->response_received(sas, sa(1, 11), SKIP_PEER_SKIP, "Bob");
	expect_fetch(sa(1, 11), NULL);
	sas->fetched(sas, sa(1, 11), "abcd", test_key());
	/* a COOKIE or INVALID_KE_PAYLOAD restart, with a new SPI */
	sas->initiate(sas, sa(1, 12), KP_B, "Alice2");
	ck_assert(!sas->get_key_id(sas, sa(1, 12), key_id, NULL));
	expect_lookup(sa(1, 12), NULL, SKIP_LOOKUP_UNAVAILABLE, "no USE_PPK");
	ck_assert_int_eq(sas->get_count(sas), 1);
}
END_TEST

START_TEST(test_make_before_break)
{
	char key_id[SKIP_KEY_ID_MAX_HEX + 1];
	skip_sa_request_t request;

	/* the old IKE_SA, established with a dynamic PPK */
	sas->initiate(sas, sa(1, 11), KP_A, "Alice");
	sas->response_received(sas, sa(1, 11), SKIP_PEER_SKIP, "Bob");
	expect_fetch(sa(1, 11), NULL);
	sas->fetched(sas, sa(1, 11), "0011", test_key());

	/* the new IKE_SA's first request, sent in the old IKE_SA's context:
	 * known by its SPI only; the old IKE_SA's state stays untouched */
	sas->initiate(sas, sa(0, 22), KP_A, "Alice");
	ck_assert(sas->get_key_id(sas, sa(1, 11), key_id, NULL));
	ck_assert_str_eq(key_id, "0011");
	ck_assert_int_eq(sas->get_count(sas), 2);

	/* the response arrives in the new IKE_SA's context */
	ck_assert(sas->response_received(sas, sa(2, 22), SKIP_PEER_SKIP, "Bob"));
	request = expect_fetch(sa(2, 22), NULL);
	ck_assert(request.initiator);
	ck_assert_str_eq(request.peer_sid, "Bob");
	ck_assert_str_eq(request.local_sid, "Alice");
	sas->fetched(sas, sa(2, 22), "2233", test_key());
	ck_assert(sas->get_key_id(sas, sa(2, 22), key_id, NULL));
	ck_assert_str_eq(key_id, "2233");

	/* the old one goes, the new one stays */
	ck_assert(sas->remove(sas, sa(1, 11)));
	ck_assert(sas->get_key_id(sas, sa(2, 22), key_id, NULL));
	ck_assert_int_eq(sas->get_count(sas), 1);
}
END_TEST

START_TEST(test_make_before_break_cookie)
{
	/* the new IKE_SA is asked for a COOKIE: it resends in its own context */
	sas->initiate(sas, sa(0, 22), KP_A, "Alice");
	sas->initiate(sas, sa(2, 22), KP_A, "Alice");
	ck_assert_int_eq(sas->get_count(sas), 1);
	ck_assert(sas->response_received(sas, sa(2, 22), SKIP_PEER_SKIP, "Bob"));
	expect_fetch(sa(2, 22), NULL);
}
END_TEST

START_TEST(test_peer_cannot_adopt)
{
	char peer[SKIP_SYSTEM_ID_MAX + 1];

	/* a request from a peer that reuses our pending initiator SPI gets a
	 * state of its own */
	sas->initiate(sas, sa(0, 22), KP_A, "Alice");
	sas->request_received(sas, sa(3, 22), SKIP_PEER_SKIP, "Mallory");
	ck_assert_int_eq(sas->get_count(sas), 2);
	ck_assert(sas->get_peer_sid(sas, sa(3, 22), peer));
	ck_assert_str_eq(peer, "Mallory");
	ck_assert(sas->response_received(sas, sa(2, 22), SKIP_PEER_SKIP, "Bob"));
	ck_assert(expect_fetch(sa(2, 22), NULL).initiator);
}
END_TEST

START_TEST(test_pending_removed_by_spi)
{
	sas->initiate(sas, sa(0, 22), KP_A, "Alice");
	/* the new IKE_SA is destroyed before any response */
	ck_assert(sas->remove(sas, sa(2, 22)));
	ck_assert_int_eq(sas->get_count(sas), 0);
}
END_TEST

START_TEST(test_pending_bounded)
{
	uint64_t spi;

	for (spi = 1; spi <= 200; spi++)
	{
		sas->initiate(sas, sa(0, spi), KP_A, "Alice");
	}
	ck_assert_int_le(sas->get_count(sas), 65);
	/* the newest are kept */
	ck_assert(sas->response_received(sas, sa(7, 200), SKIP_PEER_SKIP, "Bob"));
	ck_assert(!sas->response_received(sas, sa(8, 1), SKIP_PEER_SKIP, "Bob"));
}
END_TEST

START_TEST(test_why_no_key)
{
	char reason[SKIP_SA_REASON_MAX];
	bool dynamic;

	sas->initiate(sas, sa(1, 11), KP_A, "Alice");
	sas->response_received(sas, sa(1, 11), SKIP_PEER_PLAIN, "");
	expect_lookup(sa(1, 11), NULL, SKIP_LOOKUP_UNAVAILABLE,
				  "without a system ID");
	ck_assert(sas->authorized(sas, sa(1, 11), &dynamic, reason));
	ck_assert(!dynamic);
	ck_assert(strstr(reason, "without a system ID"));

	sas->initiate(sas, sa(2, 12), KP_A, "Alice");
	sas->response_received(sas, sa(2, 12), SKIP_PEER_INVALID, "");
	expect_lookup(sa(2, 12), NULL, SKIP_LOOKUP_UNAVAILABLE, "not carry a valid");

	/* no USE_PPK in the response at all */
	sas->initiate(sas, sa(3, 13), KP_A, "Alice");
	ck_assert(sas->response_received(sas, sa(3, 13), SKIP_PEER_NO_USE_PPK,
									 NULL));
	expect_lookup(sa(3, 13), NULL, SKIP_LOOKUP_UNAVAILABLE, "sent no USE_PPK");

	/* the KP failed: it is not asked again, the reason is kept */
	sas->initiate(sas, sa(4, 14), KP_A, "Alice");
	sas->response_received(sas, sa(4, 14), SKIP_PEER_SKIP, "Bob");
	expect_fetch(sa(4, 14), NULL);
	sas->failed(sas, sa(4, 14), "KP unreachable (refused)");
	expect_lookup(sa(4, 14), NULL, SKIP_LOOKUP_FAILED, NULL);
	ck_assert(sas->authorized(sas, sa(4, 14), &dynamic, reason));
	ck_assert(!dynamic);
	ck_assert_str_eq(reason, "KP unreachable (refused)");

	/* unknown IKE_SAs */
	expect_lookup(sa(9, 19), NULL, SKIP_LOOKUP_NONE, NULL);
	ck_assert(!sas->authorized(sas, sa(9, 19), &dynamic, reason));
}
END_TEST

START_TEST(test_responder)
{
	identification_t *ppk_id, *other;
	skip_sa_request_t request;
	char peer[SKIP_SYSTEM_ID_MAX + 1];
	bool chosen;

	sas->request_received(sas, sa(5, 55), SKIP_PEER_SKIP, "Alice");
	ck_assert(sas->get_kp(sas, sa(5, 55), &chosen, peer) == NULL);
	ck_assert(!chosen);
	ck_assert_str_eq(peer, "Alice");
	sas->choose_kp(sas, sa(5, 55), KP_B);
	ck_assert(sas->get_kp(sas, sa(5, 55), &chosen, peer) == KP_B);
	ck_assert(chosen);
	sas->announced(sas, sa(5, 55), KP_B, "Bob");
	/* the initiator's calls do not apply to a responder state */
	ck_assert(!sas->response_received(sas, sa(5, 55), SKIP_PEER_SKIP, "X"));

	ppk_id = identification_create_from_string("5660b2bbA1");
	other = identification_create_from_string("static-1");
	ck_assert(sas->key_id_received(sas, sa(5, 55), "5660b2bbA1", ppk_id));
	/* a lookup for another PPK_ID is not ours */
	expect_lookup(sa(5, 55), other, SKIP_LOOKUP_NONE, NULL);
	expect_lookup(sa(5, 55), NULL, SKIP_LOOKUP_NONE, NULL);
	request = expect_fetch(sa(5, 55), ppk_id);
	ck_assert(!request.initiator);
	ck_assert(request.kp == KP_B);
	ck_assert_str_eq(request.key_id, "5660b2bbA1");
	ck_assert_str_eq(request.peer_sid, "Alice");
	ck_assert_str_eq(request.local_sid, "Bob");
	sas->fetched(sas, sa(5, 55), "5660b2bbA1", test_key());
	expect_lookup(sa(5, 55), ppk_id, SKIP_LOOKUP_CACHED, NULL);

	/* an IKE_AUTH request without a SKIP keyId wipes what there was */
	ck_assert(sas->key_id_received(sas, sa(5, 55), NULL, NULL));
	expect_lookup(sa(5, 55), ppk_id, SKIP_LOOKUP_NONE, NULL);
	ppk_id->destroy(ppk_id);
	other->destroy(other);

	/* no KP shares keys with the peer */
	sas->request_received(sas, sa(6, 66), SKIP_PEER_SKIP, "Carol");
	sas->choose_kp(sas, sa(6, 66), NULL);
	ppk_id = identification_create_from_string("00ff");
	sas->key_id_received(sas, sa(6, 66), "00ff", ppk_id);
	expect_lookup(sa(6, 66), ppk_id, SKIP_LOOKUP_UNAVAILABLE, "none of our KPs");

	/* a plain RFC 8784 peer: no system ID to choose a KP for, and why */
	sas->request_received(sas, sa(7, 77), SKIP_PEER_PLAIN, NULL);
	ck_assert(!sas->get_peer_sid(sas, sa(7, 77), peer));
	ck_assert(!sas->key_id_received(sas, sa(7, 77), "00ff", ppk_id));
	expect_lookup(sa(7, 77), ppk_id, SKIP_LOOKUP_UNAVAILABLE,
				  "without a system ID");
	ppk_id->destroy(ppk_id);
}
END_TEST

CALLBACK(count_info, void,
	int *seen, const skip_sa_info_t *info)
{
	/* what the status view shows: the keyId once used, never more */
	if (info->unique_id == 1)
	{
		ck_assert_str_eq(info->key_id, "abcd");
		ck_assert_str_eq(info->peer_sid, "Bob");
		ck_assert(info->initiator && info->used && info->kp == KP_A);
	}
	else
	{
		ck_assert_str_eq(info->key_id, "");
	}
	(*seen)++;
}

START_TEST(test_list)
{
	int seen = 0;

	sas->initiate(sas, sa(1, 11), KP_A, "Alice");
	sas->response_received(sas, sa(1, 11), SKIP_PEER_SKIP, "Bob");
	expect_fetch(sa(1, 11), NULL);
	sas->fetched(sas, sa(1, 11), "abcd", test_key());
	sas->request_received(sas, sa(2, 22), SKIP_PEER_SKIP, "Carol");
	sas->initiate(sas, sa(0, 33), KP_A, "Alice");
	sas->list(sas, count_info, &seen);
	ck_assert_int_eq(seen, 3);
}
END_TEST

START_TEST(test_bytes)
{
	size_t state_size = 0;
	bool dynamic;
	char reason[SKIP_SA_REASON_MAX];

	ck_assert_uint_eq(sas->get_bytes(sas, &state_size), 0);
	ck_assert_uint_gt(state_size, 0);
	/* a state per live IKE_SA: no buffers sized for the longest system ID,
	 * keyId or reason in its fixed part */
	ck_assert_uint_le(state_size, 128);
	/* strings as long as they are: "Alice" and "Carol" */
	sas->initiate(sas, sa(1, 11), KP_A, "Alice");
	sas->request_received(sas, sa(2, 22), SKIP_PEER_SKIP, "Carol");
	ck_assert_uint_eq(sas->get_bytes(sas, &state_size),
					  2 * state_size + 6 + 6);
	/* a state holds its key until the IKE_SA is authorized; "Bob" and the
	 * keyId "abcd" */
	sas->response_received(sas, sa(1, 11), SKIP_PEER_SKIP, "Bob");
	expect_fetch(sa(1, 11), NULL);
	sas->fetched(sas, sa(1, 11), "abcd", test_key());
	ck_assert_uint_eq(sas->get_bytes(sas, &state_size),
					  2 * state_size + 12 + 4 + 5 + test_key().len);
	ck_assert(sas->authorized(sas, sa(1, 11), &dynamic, reason));
	ck_assert_uint_eq(sas->get_bytes(sas, &state_size),
					  2 * state_size + 12 + 4 + 5);
	ck_assert(sas->remove(sas, sa(2, 22)));
	ck_assert_uint_eq(sas->get_bytes(sas, &state_size),
					  state_size + 6 + 4 + 5);
	/* a reason is kept only when there is one */
	sas->request_received(sas, sa(3, 33), SKIP_PEER_PLAIN, "");
	ck_assert(sas->authorized(sas, sa(3, 33), &dynamic, reason));
	ck_assert(!dynamic);
	ck_assert_uint_eq(sas->get_bytes(sas, &state_size),
					  2 * state_size + 6 + 4 + 5 + strlen(reason) + 1);
}
END_TEST

#include <skip_stats.h>

START_TEST(test_stats)
{
	skip_stats_t *stats = skip_stats_create();
	skip_stats_values_t v;

	stats->key(stats, FALSE, FALSE, 100);
	stats->key(stats, TRUE, TRUE, 200);
	stats->key(stats, TRUE, FALSE, 300);
	stats->failure(stats, SKIP_ERR_CONNECT);
	stats->failure(stats, SKIP_ERR_CONNECT);
	stats->failure(stats, 1000);
	stats->without_ppk(stats);
	stats->refused(stats);
	stats->get(stats, &v);
	ck_assert_int_eq(v.keys_new, 1);
	ck_assert_int_eq(v.keys_by_id, 2);
	ck_assert_int_eq(v.fallbacks, 1);
	ck_assert_int_eq(v.failures[SKIP_ERR_CONNECT], 2);
	/* an unknown status counts as internal, never out of bounds */
	ck_assert_int_eq(v.failures[SKIP_ERR_INTERNAL], 1);
	ck_assert_int_eq(v.without_ppk, 1);
	ck_assert_int_eq(v.refused, 1);
	/* each call's duration goes to its direction's histogram */
	ck_assert_int_eq(v.latency_new.count, 1);
	ck_assert_int_eq(v.latency_new.max_us, 100);
	ck_assert_int_eq(v.latency_by_id.count, 2);
	ck_assert_int_eq(v.latency_by_id.sum_us, 500);
	stats->destroy(stats);
}
END_TEST

Suite *sa_table_suite(void)
{
	Suite *s = suite_create("sa_table");
	TCase *tc = tcase_create("transitions");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_initiator);
	tcase_add_test(tc, test_restart_begins_anew);
	tcase_add_test(tc, test_make_before_break);
	tcase_add_test(tc, test_make_before_break_cookie);
	tcase_add_test(tc, test_peer_cannot_adopt);
	tcase_add_test(tc, test_pending_removed_by_spi);
	tcase_add_test(tc, test_pending_bounded);
	tcase_add_test(tc, test_why_no_key);
	tcase_add_test(tc, test_responder);
	tcase_add_test(tc, test_list);
	tcase_add_test(tc, test_bytes);
	tcase_add_test(tc, test_stats);
	suite_add_tcase(s, tc);
	return s;
}
