/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "skip_kp_set.h"

#include <library.h>
#include <collections/array.h>

/** a KP attempt with less time left than this is not started (ms) */
#define MIN_ATTEMPT_MS 50
/** longest fallback chain followed */
#define MAX_CHAIN 16

typedef struct private_skip_kp_set_t private_skip_kp_set_t;

struct private_skip_kp_set_t {

	/** public interface */
	skip_kp_set_t public;

	/** skip_kp_t, in the order of the settings */
	array_t *kps;

	/** profile for connections no profile lists */
	skip_kp_t *default_kp;
};

METHOD(skip_kp_set_t, for_connection, skip_kp_t*,
	private_skip_kp_set_t *this, const char *connection)
{
	enumerator_t *enumerator;
	skip_kp_t *kp, *found = this->default_kp;

	enumerator = array_create_enumerator(this->kps);
	while (enumerator->enumerate(enumerator, &kp))
	{
		if (kp->serves_connection(kp, connection))
		{
			found = kp;
			break;
		}
	}
	enumerator->destroy(enumerator);
	return found;
}

METHOD(skip_kp_set_t, to_announce, skip_kp_t*,
	private_skip_kp_set_t *this, skip_kp_t *kp)
{
	char sid[SKIP_SYSTEM_ID_MAX + 1];
	skip_kp_t *current;
	int steps;

	for (current = kp, steps = 0; current && steps < MAX_CHAIN;
		 current = current->get_fallback(current), steps++)
	{
		if (current->get_local_system_id(current, sid))
		{
			return current;
		}
	}
	return kp;
}

/**
 * Whether a profile may serve one of the given connections as responder.
 */
static bool serves_any(skip_kp_t *kp, char **connections, int count)
{
	int i;

	if (!kp->has_connections(kp))
	{
		return TRUE;
	}
	for (i = 0; i < count; i++)
	{
		if (kp->serves_connection(kp, connections[i]))
		{
			return TRUE;
		}
	}
	return FALSE;
}

METHOD(skip_kp_set_t, for_peer, skip_kp_t*,
	private_skip_kp_set_t *this, const char *peer, char **connections,
	int count)
{
	enumerator_t *enumerator;
	skip_kp_t *kp, *found = NULL;

	enumerator = array_create_enumerator(this->kps);
	while (enumerator->enumerate(enumerator, &kp))
	{
		if (serves_any(kp, connections, count) && kp->expects_peer(kp, peer) &&
			kp->allows_cached(kp, peer))
		{
			found = kp;
			break;
		}
	}
	enumerator->destroy(enumerator);
	return found;
}

static uint64_t now_ms()
{
	timeval_t tv;

	time_monotonic(&tv);
	return (uint64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

/**
 * The KPs that may serve an IKE_SA: its KP and the fallbacks that have the
 * system ID announced to the peer (the peer's KP knows keys under it).
 */
static int chain(skip_kp_t *kp, const char *local_sid,
				 skip_kp_t *kps[MAX_CHAIN])
{
	char sid[SKIP_SYSTEM_ID_MAX + 1];
	skip_sid_log_t esc;
	int count = 0, steps;

	for (steps = 0; kp && steps < MAX_CHAIN;
		 kp = kp->get_fallback(kp), steps++)
	{
		if (kp->get_local_system_id(kp, sid) && streq(sid, local_sid))
		{
			kps[count++] = kp;
		}
		else
		{
			DBG2(DBG_CFG, "SKIP: KP '%s' does not have system ID '%s', "
				 "skipped", kp->get_name(kp), skip_sid_log(local_sid, &esc));
		}
	}
	return count;
}

METHOD(skip_kp_set_t, get_key, skip_status_t,
	private_skip_kp_set_t *this, skip_kp_t *kp, const char *local_sid,
	const char *peer, const char *key_id, skip_key_t **key, skip_kp_t **from,
	skip_error_t *err)
{
	skip_kp_t *kps[MAX_CHAIN];
	skip_sid_log_t esc;
	uint64_t deadline, now;
	skip_status_t status;
	int count, i;
	u_int share;

	if (!local_sid[0])
	{
		skip_error_set(err, SKIP_ERR_INVALID_ARG, 0, "our system ID was not "
					   "announced to the peer, its KP cannot know the key");
		return err->status;
	}
	if (!kp->expects_peer(kp, peer))
	{
		skip_error_set(err, SKIP_ERR_INVALID_ARG, 0, "peer system ID '%s' is "
					   "not among the remote_system_id of KP profile '%s'",
					   skip_sid_log(peer, &esc), kp->get_name(kp));
		return err->status;
	}
	count = chain(kp, local_sid, kps);
	if (!count)
	{
		skip_error_set(err, SKIP_ERR_CONNECT, 0, "no reachable KP has system "
					   "ID '%s'", skip_sid_log(local_sid, &esc));
		return err->status;
	}
	deadline = now_ms() + kps[0]->get_timeout(kps[0]);
	skip_error_set(err, SKIP_ERR_TIMEOUT, 0, "no time left in the budget");
	for (i = 0; i < count; i++)
	{
		now = now_ms();
		if (now + MIN_ATTEMPT_MS > deadline)
		{
			break;
		}
		/* leave the later KPs of the chain their share of the budget */
		share = (deadline - now) / (count - i);
		if (key_id)
		{
			status = kps[i]->get_key_by_id(kps[i], key_id, peer, share, key,
										   err);
		}
		else
		{
			status = kps[i]->get_key(kps[i], peer, share, key, err);
		}
		if (status == SKIP_OK)
		{
			if (from)
			{
				*from = kps[i];
			}
			DBG1(DBG_CFG, "SKIP: got %zu bit PPK with keyId %s from KP '%s' "
				 "for peer system ID '%s'", (*key)->key_len * 8,
				 (*key)->key_id, kps[i]->get_name(kps[i]),
				 skip_sid_log(peer, &esc));
			return SKIP_OK;
		}
		DBG1(DBG_CFG, "SKIP: KP '%s' provided no PPK for peer system ID "
			 "'%s'%s%s: %s (%s)%s", kps[i]->get_name(kps[i]),
			 skip_sid_log(peer, &esc),
			 key_id ? " and keyId " : "", key_id ?: "",
			 skip_status_name(err->status), err->detail,
			 i + 1 < count ? ", trying the next KP" : "");
	}
	return err->status;
}

METHOD(skip_kp_set_t, create_enumerator, enumerator_t*,
	private_skip_kp_set_t *this)
{
	return array_create_enumerator(this->kps);
}

METHOD(skip_kp_set_t, destroy, void,
	private_skip_kp_set_t *this)
{
	array_destroy_offset(this->kps, offsetof(skip_kp_t, destroy));
	free(this);
}

static skip_kp_t *find(private_skip_kp_set_t *this, const char *name)
{
	enumerator_t *enumerator;
	skip_kp_t *kp, *found = NULL;

	enumerator = array_create_enumerator(this->kps);
	while (enumerator->enumerate(enumerator, &kp))
	{
		if (streq(kp->get_name(kp), name))
		{
			found = kp;
			break;
		}
	}
	enumerator->destroy(enumerator);
	return found;
}

/**
 * Link each profile to its fallback; a fallback chain must end.
 */
static bool resolve_fallbacks(private_skip_kp_set_t *this)
{
	enumerator_t *enumerator;
	skip_kp_t *kp, *fallback, *current;
	char *name;
	bool ok = TRUE;
	int steps;

	enumerator = array_create_enumerator(this->kps);
	while (ok && enumerator->enumerate(enumerator, &kp))
	{
		name = kp->get_fallback_name(kp);
		if (!name)
		{
			continue;
		}
		fallback = find(this, name);
		if (!fallback || fallback == kp)
		{
			DBG1(DBG_CFG, "SKIP KP '%s': fallback '%s' is not another KP "
				 "profile", kp->get_name(kp), name);
			ok = FALSE;
			break;
		}
		kp->set_fallback(kp, fallback);
	}
	enumerator->destroy(enumerator);

	enumerator = array_create_enumerator(this->kps);
	while (ok && enumerator->enumerate(enumerator, &kp))
	{
		current = kp;
		for (steps = 0; current && steps <= array_count(this->kps); steps++)
		{
			current = current->get_fallback(current);
		}
		if (current)
		{
			DBG1(DBG_CFG, "SKIP KP '%s': its fallbacks form a loop",
				 kp->get_name(kp));
			ok = FALSE;
		}
	}
	enumerator->destroy(enumerator);
	return ok;
}

/**
 * Create an empty set.
 */
static private_skip_kp_set_t *create_empty()
{
	private_skip_kp_set_t *this;

	INIT(this,
		.public = {
			.for_connection = _for_connection,
			.to_announce = _to_announce,
			.for_peer = _for_peer,
			.get_key = _get_key,
			.create_enumerator = _create_enumerator,
			.destroy = _destroy,
		},
		.kps = array_create(0, 0),
	);
	return this;
}

/**
 * Add a profile; the first, or the first marked default, is the default.
 */
static void add(private_skip_kp_set_t *this, skip_kp_t *kp)
{
	array_insert(this->kps, ARRAY_TAIL, kp);
	if (!this->default_kp || (kp->is_default(kp) &&
							  !this->default_kp->is_default(this->default_kp)))
	{
		this->default_kp = kp;
	}
}

/*
 * Described in header
 */
skip_kp_set_t *skip_kp_set_create_from(skip_kp_t **kps, int count)
{
	private_skip_kp_set_t *this = create_empty();
	int i;

	for (i = 0; i < count; i++)
	{
		add(this, kps[i]);
	}
	if (!count || !resolve_fallbacks(this))
	{
		destroy(this);
		return NULL;
	}
	return &this->public;
}

/*
 * Described in header
 */
skip_kp_set_t *skip_kp_set_create()
{
	private_skip_kp_set_t *this = create_empty();
	enumerator_t *enumerator;
	skip_kp_t *kp;
	char *name;
	bool ok = TRUE;

	enumerator = lib->settings->create_section_enumerator(lib->settings,
											"%s.plugins.skip.kp", lib->ns);
	while (enumerator->enumerate(enumerator, &name))
	{
		kp = skip_kp_create(name);
		if (!kp)
		{
			ok = FALSE;
			break;
		}
		add(this, kp);
	}
	enumerator->destroy(enumerator);

	if (ok && !array_count(this->kps))
	{
		DBG1(DBG_CFG, "SKIP: no Key Provider configured in "
			 "%s.plugins.skip.kp", lib->ns);
		ok = FALSE;
	}
	if (!ok || !resolve_fallbacks(this))
	{
		destroy(this);
		return NULL;
	}
	DBG1(DBG_CFG, "SKIP: %u Key Provider profile(s), default '%s'",
		 array_count(this->kps), this->default_kp->get_name(this->default_kp));
	return &this->public;
}
