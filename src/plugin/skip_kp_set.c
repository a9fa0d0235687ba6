/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "skip_kp_set.h"

#include <daemon.h>
#include <collections/array.h>

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

METHOD(skip_kp_set_t, for_peer_cached, skip_kp_t*,
	private_skip_kp_set_t *this, const char *peer)
{
	enumerator_t *enumerator;
	skip_kp_t *kp, *found = NULL;

	enumerator = array_create_enumerator(this->kps);
	while (enumerator->enumerate(enumerator, &kp))
	{
		if (kp->allows_cached(kp, peer))
		{
			found = kp;
			break;
		}
	}
	enumerator->destroy(enumerator);
	return found;
}

METHOD(skip_kp_set_t, for_peer, skip_kp_t*,
	private_skip_kp_set_t *this, const char *peer)
{
	enumerator_t *enumerator;
	skip_kp_t *kp, *found;
	skip_error_t err;
	char sid[SKIP_SYSTEM_ID_MAX + 1];

	found = for_peer_cached(this, peer);
	if (found)
	{
		return found;
	}
	enumerator = array_create_enumerator(this->kps);
	while (enumerator->enumerate(enumerator, &kp))
	{	/* allows() says yes for an unreachable KP: only take a KP whose
		 * capabilities we have */
		if (kp->allows(kp, peer, &err) && kp->get_local_system_id(kp, sid))
		{
			found = kp;
			break;
		}
	}
	enumerator->destroy(enumerator);
	return found;
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

/*
 * Described in header
 */
skip_kp_set_t *skip_kp_set_create()
{
	private_skip_kp_set_t *this;
	enumerator_t *enumerator;
	skip_kp_t *kp;
	char *name;
	bool ok = TRUE;

	INIT(this,
		.public = {
			.for_connection = _for_connection,
			.for_peer_cached = _for_peer_cached,
			.for_peer = _for_peer,
			.destroy = _destroy,
		},
		.kps = array_create(0, 0),
	);
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
		array_insert(this->kps, ARRAY_TAIL, kp);
		if (!this->default_kp || (kp->is_default(kp) &&
								  !this->default_kp->is_default(this->default_kp)))
		{
			this->default_kp = kp;
		}
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
