/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "kp_sync_later.h"
#include "kp_sync.h"
#include "kp_log.h"

#include <skip_key.h>
#include <skip_validate.h>

#include <stdlib.h>
#include <string.h>

typedef struct later_t later_t;

/**
 * A key waiting for its push, then for the peer's answer.
 */
struct later_t {
	kp_t *kp;
	kp_peer_t *peer;
	char target[SKIP_SYSTEM_ID_MAX + 1];
	char key_id[SKIP_KEY_ID_MAX_HEX + 1];
	/** wiped when the push is done */
	uint8_t key[SKIP_KEY_MAX_BYTES];
	size_t len;
	/** until it fires; NULL once pushed */
	struct event *timer;
	/** list of those still waiting (kp->later) */
	later_t *prev, *next;
};

static void unlink_later(later_t *later)
{
	if (later->prev)
	{
		later->prev->next = later->next;
	}
	else
	{
		later->kp->later = later->next;
	}
	if (later->next)
	{
		later->next->prev = later->prev;
	}
	later->prev = later->next = NULL;
}

static void later_destroy(later_t *later)
{
	if (later->timer)
	{
		event_free(later->timer);
	}
	skip_memwipe(later, sizeof(*later));
	free(later);
}

static void pushed(void *ctx, bool ok, const char *reason, unsigned ttl)
{
	later_t *later = ctx;

	if (ok)
	{
		kp_log(KP_LOG_INFO, "key %s synchronized with '%s' after its "
			   "delivery (test)", later->key_id, later->target);
	}
	else
	{	/* nothing to take back: the encryptor has the key already */
		kp_log(KP_LOG_ERROR, "key %s for '%s' not synchronized after its "
			   "delivery (test): %s", later->key_id, later->target, reason);
	}
	later_destroy(later);
}

static void fire(evutil_socket_t unused, short what, void *arg)
{
	later_t *later = arg;

	unlink_later(later);
	event_free(later->timer);
	later->timer = NULL;
	kp_sync_push(later->kp, later->peer, later->target, later->key_id,
				 later->key, later->len, pushed, later);
}

bool kp_sync_later(kp_t *kp, kp_peer_t *peer, const char *target,
				   const char *key_id, const uint8_t *key, size_t len,
				   unsigned delay_ms)
{
	struct timeval tv = {
		.tv_sec = delay_ms / 1000,
		.tv_usec = (delay_ms % 1000) * 1000,
	};
	later_t *later;

	if (len > SKIP_KEY_MAX_BYTES || strlen(key_id) > SKIP_KEY_ID_MAX_HEX ||
		strlen(target) > SKIP_SYSTEM_ID_MAX)
	{
		return false;
	}
	later = calloc(1, sizeof(*later));
	if (!later)
	{
		return false;
	}
	*later = (later_t){
		.kp = kp,
		.peer = peer,
		.len = len,
	};
	strcpy(later->target, target);
	strcpy(later->key_id, key_id);
	memcpy(later->key, key, len);
	later->timer = evtimer_new(kp->base, fire, later);
	if (!later->timer || evtimer_add(later->timer, &tv) != 0)
	{
		later_destroy(later);
		return false;
	}
	later->next = kp->later;
	if (later->next)
	{
		later->next->prev = later;
	}
	kp->later = later;
	return true;
}

void kp_sync_later_deinit(kp_t *kp)
{
	later_t *later;

	while ((later = kp->later))
	{
		unlink_later(later);
		later_destroy(later);
	}
}
