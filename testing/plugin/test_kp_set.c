/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * KP profile choice (initiator by connection, responder by connections,
 * expected peers and capabilities), the fallback chain and how it splits the
 * budget, with fake profiles in place of KPs.
 */

#include "plugin_tests.h"

#include <skip_kp_set.h>

#include <unistd.h>

/**
 * A profile that answers as told and records how it was asked.
 */
typedef struct {
	skip_kp_t public;
	char *name;
	/** system ID, NULL if not known (KP unreachable) */
	char *sid;
	/** glob of the peers its capabilities allow */
	char *allows;
	/** glob the peer must match, NULL for any */
	char *expects;
	/** connections it lists, NULL for none */
	char *connections;
	char *fallback_name;
	skip_kp_t *fallback;
	bool is_default;
	u_int timeout;
	/** what a key request answers, after sleeping delay_ms */
	skip_status_t status;
	u_int delay_ms;
	/** recorded: key requests, the budget of the last, its keyId */
	int calls;
	u_int budget;
	char key_id[64];
} fake_kp_t;

static const char *fk_get_name(skip_kp_t *this)
{
	return ((fake_kp_t*)this)->name;
}

static bool fk_get_local_system_id(skip_kp_t *this, char *buf)
{
	fake_kp_t *kp = (fake_kp_t*)this;

	if (!kp->sid)
	{
		return FALSE;
	}
	snprintf(buf, SKIP_SYSTEM_ID_MAX + 1, "%s", kp->sid);
	return TRUE;
}

static bool fk_allows_cached(skip_kp_t *this, const char *peer)
{
	return skip_glob_match(((fake_kp_t*)this)->allows, peer);
}

static bool fk_expects_peer(skip_kp_t *this, const char *peer)
{
	fake_kp_t *kp = (fake_kp_t*)this;

	return !kp->expects || skip_glob_match(kp->expects, peer);
}

static skip_status_t answer(fake_kp_t *kp, const char *key_id, u_int budget,
							skip_key_t **key, skip_error_t *err)
{
	kp->calls++;
	kp->budget = budget;
	snprintf(kp->key_id, sizeof(kp->key_id), "%s", key_id ?: "");
	if (kp->delay_ms)
	{
		usleep(min(kp->delay_ms, budget) * 1000);
	}
	if (kp->status != SKIP_OK)
	{
		return skip_error_set(err, kp->status, 0, "fake KP '%s' fails",
							  kp->name);
	}
	*key = calloc(1, sizeof(**key));
	snprintf((*key)->key_id, sizeof((*key)->key_id), "%s", key_id ?: "ab01");
	(*key)->key = calloc(1, 32);
	(*key)->key_len = 32;
	return SKIP_OK;
}

static skip_status_t fk_get_key(skip_kp_t *this, const char *peer,
								u_int budget, skip_key_t **key,
								skip_error_t *err)
{
	return answer((fake_kp_t*)this, NULL, budget, key, err);
}

static skip_status_t fk_get_key_by_id(skip_kp_t *this, const char *key_id,
									  const char *peer, u_int budget,
									  skip_key_t **key, skip_error_t *err)
{
	return answer((fake_kp_t*)this, key_id, budget, key, err);
}

static u_int fk_get_timeout(skip_kp_t *this)
{
	return ((fake_kp_t*)this)->timeout;
}

static char *fk_get_fallback_name(skip_kp_t *this)
{
	return ((fake_kp_t*)this)->fallback_name;
}

static skip_kp_t *fk_get_fallback(skip_kp_t *this)
{
	return ((fake_kp_t*)this)->fallback;
}

static void fk_set_fallback(skip_kp_t *this, skip_kp_t *fallback)
{
	((fake_kp_t*)this)->fallback = fallback;
}

static bool fk_serves_connection(skip_kp_t *this, const char *connection)
{
	fake_kp_t *kp = (fake_kp_t*)this;

	return kp->connections && streq(kp->connections, connection);
}

static bool fk_has_connections(skip_kp_t *this)
{
	return ((fake_kp_t*)this)->connections != NULL;
}

static bool fk_key_id_valid(skip_kp_t *this, const char *s, size_t len)
{
	return skip_key_id_valid(s, len);
}

static bool fk_sends_raw_key_id(skip_kp_t *this)
{
	return FALSE;
}

static void fk_get_health(skip_kp_t *this, skip_kp_health_t *health)
{
	*health = (skip_kp_health_t){ .protocol = "skip", .checked_ago = -1,
								   .refusing_ago = -1 };
}

static bool fk_is_default(skip_kp_t *this)
{
	return ((fake_kp_t*)this)->is_default;
}

static void fk_destroy(skip_kp_t *this)
{
	free(this);
}

static fake_kp_t *fake(char *name, char *sid, char *allows)
{
	fake_kp_t *kp;

	INIT(kp,
		.public = {
			.get_name = fk_get_name,
			.get_local_system_id = fk_get_local_system_id,
			.allows_cached = fk_allows_cached,
			.expects_peer = fk_expects_peer,
			.get_key = fk_get_key,
			.get_key_by_id = fk_get_key_by_id,
			.get_timeout = fk_get_timeout,
			.get_fallback_name = fk_get_fallback_name,
			.get_fallback = fk_get_fallback,
			.set_fallback = fk_set_fallback,
			.serves_connection = fk_serves_connection,
			.has_connections = fk_has_connections,
			.key_id_valid = fk_key_id_valid,
			.sends_raw_key_id = fk_sends_raw_key_id,
			.get_health = fk_get_health,
			.is_default = fk_is_default,
			.destroy = fk_destroy,
		},
		.name = name,
		.sid = sid,
		.allows = allows,
		.timeout = 1000,
	);
	return kp;
}

static skip_kp_set_t *set_of(fake_kp_t **kps, int count)
{
	skip_kp_set_t *set;

	set = skip_kp_set_create_from((skip_kp_t**)kps, count);
	ck_assert(set);
	return set;
}

START_TEST(test_initiator_profile)
{
	fake_kp_t *kps[] = {
		fake("first", "Alice", "*"),
		fake("second", "Alice", "*"),
		fake("third", "Alice", "*"),
	};
	skip_kp_set_t *set;

	kps[1]->connections = "site-b";
	kps[2]->is_default = TRUE;
	set = set_of(kps, countof(kps));
	ck_assert(set->for_connection(set, "site-b") == &kps[1]->public);
	ck_assert(set->for_connection(set, "other") == &kps[2]->public);
	set->destroy(set);
}
END_TEST

START_TEST(test_responder_profile)
{
	fake_kp_t *kps[] = {
		fake("carol", "Bob-C", "Carol"),
		fake("site-only", "Bob", "*"),
		fake("picky", "Bob", "*"),
		fake("any", "Bob", "Alice"),
	};
	char *site[] = { "other", "site-b" }, *plain[] = { "plain" };
	skip_kp_set_t *set;

	kps[1]->connections = "site-b";
	kps[2]->expects = "Alice-*";
	set = set_of(kps, countof(kps));
	/* capabilities decide first */
	ck_assert(set->for_peer(set, "Carol", plain, 1) == &kps[0]->public);
	/* a profile listing connections serves only those */
	ck_assert(set->for_peer(set, "Alice", site, 2) == &kps[1]->public);
	/* one expecting other peers is passed over */
	ck_assert(set->for_peer(set, "Alice", plain, 1) == &kps[3]->public);
	ck_assert(set->for_peer(set, "Alice-2", plain, 1) == &kps[2]->public);
	/* nobody shares keys with Mallory */
	ck_assert(set->for_peer(set, "Mallory", plain, 1) == NULL);
	set->destroy(set);
}
END_TEST

START_TEST(test_announce_known)
{
	fake_kp_t *kps[] = {
		fake("primary", NULL, "*"),
		fake("backup", "Alice", "*"),
	};
	skip_kp_set_t *set;

	kps[0]->fallback_name = "backup";
	set = set_of(kps, countof(kps));
	ck_assert(set->to_announce(set, &kps[0]->public) == &kps[1]->public);
	kps[0]->sid = "Alice";
	ck_assert(set->to_announce(set, &kps[0]->public) == &kps[0]->public);
	set->destroy(set);
}
END_TEST

START_TEST(test_fallback_chain_and_budget)
{
	fake_kp_t *kps[] = {
		fake("primary", "Alice", "*"),
		fake("other-id", "Alice-2", "*"),
		fake("backup", "Alice", "*"),
	};
	skip_error_t err = {};
	skip_key_t *key = NULL;
	skip_kp_t *from = NULL;
	skip_kp_set_t *set;

	kps[0]->fallback_name = "other-id";
	kps[1]->fallback_name = "backup";
	kps[0]->status = SKIP_ERR_CONNECT;
	kps[0]->delay_ms = 200;
	set = set_of(kps, countof(kps));

	ck_assert_int_eq(set->get_key(set, &kps[0]->public, "Alice", "Bob", NULL,
								  &key, &from, &err), SKIP_OK);
	ck_assert(key);
	ck_assert(from == &kps[2]->public);
	skip_key_destroy(key);
	/* the fallback with another system ID cannot know the peer's keys */
	ck_assert_int_eq(kps[1]->calls, 0);
	ck_assert_int_eq(kps[0]->calls, 1);
	ck_assert_int_eq(kps[2]->calls, 1);
	/* the first of two gets half the budget, the second what is left */
	ck_assert_int_le(kps[0]->budget, 500);
	ck_assert_int_ge(kps[0]->budget, 450);
	ck_assert_int_le(kps[2]->budget, 800);
	ck_assert_int_ge(kps[2]->budget, 600);

	/* by keyId, for a responder */
	ck_assert_int_eq(set->get_key(set, &kps[0]->public, "Alice", "Bob",
								  "0a0b", &key, NULL, &err), SKIP_OK);
	ck_assert_str_eq(kps[2]->key_id, "0a0b");
	skip_key_destroy(key);
	set->destroy(set);
}
END_TEST

START_TEST(test_chain_fails)
{
	fake_kp_t *kps[] = {
		fake("primary", "Alice", "*"),
		fake("backup", "Alice", "*"),
	};
	skip_error_t err = {};
	skip_key_t *key = NULL;
	skip_kp_set_t *set;

	kps[0]->fallback_name = "backup";
	kps[0]->status = SKIP_ERR_TIMEOUT;
	kps[0]->delay_ms = 5000;
	kps[1]->status = SKIP_ERR_NOT_FOUND;
	set = set_of(kps, countof(kps));
	ck_assert_int_eq(set->get_key(set, &kps[0]->public, "Alice", "Bob", "0a",
								  &key, NULL, &err), SKIP_ERR_NOT_FOUND);
	ck_assert(!key);
	ck_assert(strstr(err.detail, "backup"));

	/* without an announced system ID nothing is asked */
	kps[1]->calls = 0;
	ck_assert_int_eq(set->get_key(set, &kps[0]->public, "", "Bob", NULL,
								  &key, NULL, &err), SKIP_ERR_INVALID_ARG);
	/* nor for a peer the profile does not expect */
	kps[0]->expects = "Bob";
	ck_assert_int_eq(set->get_key(set, &kps[0]->public, "Alice", "Mallory",
								  NULL, &key, NULL, &err), SKIP_ERR_INVALID_ARG);
	ck_assert(strstr(err.detail, "remote_system_id"));
	ck_assert_int_eq(kps[1]->calls, 0);
	set->destroy(set);
}
END_TEST

START_TEST(test_fallback_loop)
{
	fake_kp_t *kps[] = {
		fake("one", "Alice", "*"),
		fake("two", "Alice", "*"),
	};

	kps[0]->fallback_name = "two";
	kps[1]->fallback_name = "one";
	ck_assert(skip_kp_set_create_from((skip_kp_t**)kps, countof(kps)) == NULL);
}
END_TEST

/**
 * Profiles from the settings: the pool size has its own name, and
 * "connections" only names connections, also when it looks like a number.
 */
START_TEST(test_settings)
{
	skip_kp_set_t *set;
	skip_kp_t *kp;

	lib->settings->set_str(lib->settings, "charon.plugins.skip.kp.p.url",
						   "https://127.0.0.1:1");
	lib->settings->set_str(lib->settings, "charon.plugins.skip.kp.p.auth",
						   "cert");
	lib->settings->set_str(lib->settings, "charon.plugins.skip.kp.p.ca",
						   "/dev/null");
	lib->settings->set_str(lib->settings,
						   "charon.plugins.skip.kp.p.connections", "4");
	set = skip_kp_set_create();
	ck_assert(set);
	kp = set->for_connection(set, "4");
	ck_assert(kp->serves_connection(kp, "4"));
	ck_assert(kp->has_connections(kp));
	set->destroy(set);

	lib->settings->set_str(lib->settings,
						   "charon.plugins.skip.kp.p.pool_size", "0");
	ck_assert(skip_kp_set_create() == NULL);
	lib->settings->set_str(lib->settings,
						   "charon.plugins.skip.kp.p.pool_size", "8");
	lib->settings->set_str(lib->settings,
						   "charon.plugins.skip.kp.p.remote_system_id", "");
	lib->settings->set_str(lib->settings,
						   "charon.plugins.skip.kp.p.ppk_id_format", "binary");
	ck_assert(skip_kp_set_create() == NULL);
	lib->settings->set_str(lib->settings,
						   "charon.plugins.skip.kp.p.ppk_id_format", "raw");
	lib->settings->set_str(lib->settings,
						   "charon.plugins.skip.kp.p.remote_system_id",
						   "Bob*, Carol");
	set = skip_kp_set_create();
	ck_assert(set);
	kp = set->for_connection(set, "x");
	ck_assert(kp->sends_raw_key_id(kp));
	ck_assert(kp->expects_peer(kp, "Bob-2"));
	ck_assert(kp->expects_peer(kp, "Carol"));
	ck_assert(!kp->expects_peer(kp, "Mallory"));
	set->destroy(set);
}
END_TEST

Suite *kp_set_suite(void)
{
	Suite *s = suite_create("kp_set");
	TCase *tc = tcase_create("profiles");

	/* real KP clients (TLS set-up) and refresh threads: slow on a loaded
	 * machine, not a hang */
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, test_initiator_profile);
	tcase_add_test(tc, test_responder_profile);
	tcase_add_test(tc, test_announce_known);
	tcase_add_test(tc, test_fallback_chain_and_budget);
	tcase_add_test(tc, test_chain_fails);
	tcase_add_test(tc, test_fallback_loop);
	tcase_add_test(tc, test_settings);
	suite_add_tcase(s, tc);
	return s;
}
