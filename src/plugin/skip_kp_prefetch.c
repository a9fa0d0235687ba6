/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "skip_kp_prefetch.h"

#include <skip_validate.h>

/**
 * A peer a key is kept ready for.
 */
typedef struct {
	/** peer's system ID, "" for a free slot */
	char peer[SKIP_SYSTEM_ID_MAX + 1];
	/** the key kept ready, NULL if none */
	skip_key_t *key;
	/** when it was fetched (monotonic ms) */
	uint64_t fetched;
	/** when an IKE_SA last asked for a key (monotonic ms) */
	uint64_t asked;
	/** an IKE_SA asked since the last fetch started */
	bool wanted;
	/** a background fetch is under way */
	bool fetching;
} slot_t;

typedef struct private_skip_kp_prefetch_t private_skip_kp_prefetch_t;

struct private_skip_kp_prefetch_t {

	/** public interface */
	skip_kp_prefetch_t public;

	/** longest a key is kept unused (ms) */
	u_int max_age_ms;

	/** KP profile name */
	const char *name;

	/** the peers */
	slot_t slots[SKIP_KP_PREFETCH_PEERS];

	/** keys taken by IKE_SAs */
	uint64_t used;

	/** keys wiped unused */
	uint64_t discarded;
};

/**
 * Wipe the key of a slot unused, and count it.
 */
static void discard(private_skip_kp_prefetch_t *this, slot_t *slot,
					uint64_t now)
{
	skip_sid_log_t esc;

	DBG1(DBG_CFG, "SKIP KP '%s': wiped an unused prefetched key (keyId %s) "
		 "for peer system ID '%s' after %llu ms", this->name,
		 slot->key->key_id, skip_sid_log(slot->peer, &esc),
		 (unsigned long long)(now - slot->fetched));
	skip_key_destroy(slot->key);
	slot->key = NULL;
	this->discarded++;
}

static slot_t *find(private_skip_kp_prefetch_t *this, const char *peer)
{
	int i;

	for (i = 0; i < SKIP_KP_PREFETCH_PEERS; i++)
	{
		if (this->slots[i].peer[0] && streq(this->slots[i].peer, peer))
		{
			return &this->slots[i];
		}
	}
	return NULL;
}

/**
 * A slot for a new peer: a free one, else the one asked for longest ago
 * (but none being fetched for); NULL if all are being fetched for.
 */
static slot_t *claim(private_skip_kp_prefetch_t *this, const char *peer,
					 uint64_t now)
{
	slot_t *slot = NULL;
	int i;

	for (i = 0; i < SKIP_KP_PREFETCH_PEERS; i++)
	{
		if (!this->slots[i].peer[0])
		{
			slot = &this->slots[i];
			break;
		}
		if (!this->slots[i].fetching &&
			(!slot || this->slots[i].asked < slot->asked))
		{
			slot = &this->slots[i];
		}
	}
	if (!slot)
	{
		return NULL;
	}
	if (slot->key)
	{
		discard(this, slot, now);
	}
	*slot = (slot_t){};
	snprintf(slot->peer, sizeof(slot->peer), "%s", peer);
	return slot;
}

METHOD(skip_kp_prefetch_t, take, skip_key_t*,
	private_skip_kp_prefetch_t *this, const char *peer, uint64_t now)
{
	skip_key_t *key = NULL;
	slot_t *slot;

	slot = find(this, peer) ?: claim(this, peer, now);
	if (!slot)
	{
		return NULL;
	}
	slot->asked = now;
	slot->wanted = TRUE;
	if (slot->key && now - slot->fetched > this->max_age_ms)
	{
		discard(this, slot, now);
	}
	if (slot->key)
	{
		key = slot->key;
		slot->key = NULL;
		this->used++;
	}
	return key;
}

METHOD(skip_kp_prefetch_t, next, bool,
	private_skip_kp_prefetch_t *this, char peer[SKIP_SYSTEM_ID_MAX + 1])
{
	slot_t *slot;
	int i;

	for (i = 0; i < SKIP_KP_PREFETCH_PEERS; i++)
	{
		slot = &this->slots[i];
		if (slot->peer[0] && slot->wanted && !slot->fetching && !slot->key)
		{
			slot->wanted = FALSE;
			slot->fetching = TRUE;
			memcpy(peer, slot->peer, sizeof(slot->peer));
			return TRUE;
		}
	}
	return FALSE;
}

METHOD(skip_kp_prefetch_t, put, void,
	private_skip_kp_prefetch_t *this, const char *peer, skip_key_t *key,
	uint64_t now)
{
	slot_t *slot = find(this, peer);

	if (slot)
	{
		slot->fetching = FALSE;
	}
	if (!slot || slot->key)
	{
		skip_key_destroy(key);
		this->discarded++;
		return;
	}
	slot->key = key;
	slot->fetched = now;
}

METHOD(skip_kp_prefetch_t, failed, void,
	private_skip_kp_prefetch_t *this, const char *peer)
{
	slot_t *slot = find(this, peer);

	if (slot)
	{
		slot->fetching = FALSE;
	}
}

METHOD(skip_kp_prefetch_t, expire, uint64_t,
	private_skip_kp_prefetch_t *this, uint64_t now)
{
	uint64_t next = 0, at;
	int i;

	for (i = 0; i < SKIP_KP_PREFETCH_PEERS; i++)
	{
		if (!this->slots[i].key)
		{
			continue;
		}
		at = this->slots[i].fetched + this->max_age_ms + 1;
		if (at <= now)
		{
			discard(this, &this->slots[i], now);
		}
		else if (!next || at < next)
		{
			next = at;
		}
	}
	return next;
}

METHOD(skip_kp_prefetch_t, counts, void,
	private_skip_kp_prefetch_t *this, u_int *ready, uint64_t *used,
	uint64_t *discarded)
{
	int i;

	*ready = 0;
	for (i = 0; i < SKIP_KP_PREFETCH_PEERS; i++)
	{
		*ready += this->slots[i].key != NULL;
	}
	*used = this->used;
	*discarded = this->discarded;
}

METHOD(skip_kp_prefetch_t, destroy, void,
	private_skip_kp_prefetch_t *this)
{
	int i;

	for (i = 0; i < SKIP_KP_PREFETCH_PEERS; i++)
	{
		skip_key_destroy(this->slots[i].key);
	}
	memwipe(this, sizeof(*this));
	free(this);
}

/*
 * Described in header
 */
skip_kp_prefetch_t *skip_kp_prefetch_create(u_int max_age_ms,
											const char *name)
{
	private_skip_kp_prefetch_t *this;

	INIT(this,
		.public = {
			.take = _take,
			.next = _next,
			.put = _put,
			.failed = _failed,
			.expire = _expire,
			.counts = _counts,
			.destroy = _destroy,
		},
		.max_age_ms = max_age_ms,
		.name = name,
	);
	return &this->public;
}
