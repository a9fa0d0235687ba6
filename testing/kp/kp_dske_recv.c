/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * The DSKE receiver (notes §8, §10a): an INSTR_REQUEST to every hub; each
 * KEY_INSTRUCTION is checked against the policy, its PSRD range claimed
 * (a replay is refused) and its tag verified before its share counts; the
 * key is rebuilt as soon as k shares of one group pass the secret tag, and
 * stored like a synchronized key. A lying hub is outvoted and logged;
 * fewer than k valid shares give no key, never an unvalidated one.
 */

#include "kp_dske_peer.h"
#include "kp_log.h"
#include "kp_made.h"
#include "kp_sae.h"

#include <dske_shamir.h>
#include <skip_key.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/**
 * A validated, decrypted share.
 */
typedef struct {
	/** its hub (index into kp->hubs) */
	size_t hub;
	uint32_t x;
	uint8_t k, n;
	uint32_t aad_len;
	uint8_t aad[DSKE_MAX_AAD];
	dske_gf128_t r[3 + DSKE_MAX_KEY_WORDS];
} share_t;

/**
 * A key being rebuilt.
 */
typedef struct {
	kp_dske_peer_t *peer;
	char key_id[SKIP_KEY_ID_MAX_HEX + 1];
	uint8_t secret_id[DSKE_SECRET_ID_LEN];
	kp_sync_pulled_t done;
	void *ctx;
	bool finished;
	/** requests sent, answers awaited, "unknown" answers */
	unsigned sent, pending, unknown;
	/** references: one per request, one while sending */
	unsigned refs;
	share_t shares[DSKE_MAX_HUBS];
	size_t count;
	char reasons[512];
} rebuild_t;

typedef struct {
	rebuild_t *rebuild;
	size_t hub;
} slot_t;

static void release(rebuild_t *rebuild)
{
	if (--rebuild->refs == 0)
	{
		skip_memwipe(rebuild, sizeof(*rebuild));
		free(rebuild);
	}
}

static void finish(rebuild_t *rebuild, kp_pull_result_t result,
				   const char *reason)
{
	rebuild->finished = true;
	/* the shares are of no use any more */
	skip_memwipe(rebuild->shares, sizeof(rebuild->shares));
	rebuild->done(rebuild->ctx, result, reason);
}

/**
 * Bind a key an ETSI 014 SAE made to the SAE it is for, as the direct
 * link's receiver does (kp_sync_server.c).
 */
static bool bind_sae(kp_t *kp, const char *key_id, const share_t *share)
{
	char aad[DSKE_MAX_AAD + 1], *master, *slave, *save = NULL;
	char client[KP_SAE_ID_MAX + 5];
	size_t prefix = strlen(KP_DSKE_AAD_ETSI);

	if (!share->aad_len)
	{
		return true;
	}
	memcpy(aad, share->aad, share->aad_len);
	aad[share->aad_len] = '\0';
	if (strlen(aad) != share->aad_len ||
		strncmp(aad, KP_DSKE_AAD_ETSI, prefix) != 0)
	{
		return false;
	}
	master = strtok_r(aad + prefix, " ", &save);
	slave = strtok_r(NULL, "", &save);
	if (!master || !slave || !kp_sae_id_valid(master, strlen(master)) ||
		!kp_sae_id_valid(slave, strlen(slave)))
	{
		return false;
	}
	snprintf(client, sizeof(client), "sae:%s", slave);
	return kp_made_bind(kp->made, key_id, client, master, time(NULL));
}

/**
 * Store a rebuilt key like a synchronized one.
 */
static void store(rebuild_t *rebuild, const uint8_t *key, size_t len,
				  const share_t *share)
{
	kp_t *kp = rebuild->peer->kp;
	kp_store_key_t entry = {
		.key_id = rebuild->key_id,
		.key = key,
		.len = len,
	};
	const char *origin = rebuild->peer->peer->system_id;

	if (!bind_sae(kp, rebuild->key_id, share))
	{
		kp_log(KP_LOG_ERROR, "DSKE: key %s from '%s' has an AAD this KP does "
			   "not know, dropped", rebuild->key_id, origin);
		finish(rebuild, KP_PULL_FAILED, "unknown AAD in the key's shares");
		return;
	}
	switch (kp_store_put(kp->store, origin, &entry, 1, 0))
	{
		case KP_STORE_OK:
		case KP_STORE_EXISTS:
			kp_log(KP_LOG_INFO, "stored key %s (%zu bit) from peer '%s' "
				   "rebuilt from its DSKE hubs, %zu waiting", rebuild->key_id,
				   len * 8, origin, kp_store_count(kp->store));
			finish(rebuild, KP_PULL_OK, NULL);
			break;
		default:
			kp_made_forget(kp->made, rebuild->key_id);
			kp_log(KP_LOG_ERROR, "DSKE: cannot store key %s from '%s'",
				   rebuild->key_id, origin);
			finish(rebuild, KP_PULL_FAILED, "cannot store the rebuilt key");
			break;
	}
}

static bool same_group(const share_t *a, const share_t *b)
{
	return a->k == b->k && a->n == b->n && a->aad_len == b->aad_len &&
		   memcmp(a->aad, b->aad, a->aad_len) == 0;
}

/**
 * Try to rebuild from the group of the newest share.
 */
static void try_combine(rebuild_t *rebuild)
{
	kp_dske_hubs_t *hubs = rebuild->peer->kp->hubs;
	const share_t *last = &rebuild->shares[rebuild->count - 1];
	dske_share_t group[DSKE_MAX_HUBS];
	dske_gf128_t words[DSKE_MAX_KEY_WORDS];
	uint8_t key[16 * DSKE_MAX_KEY_WORDS];
	size_t members[DSKE_MAX_HUBS], count = 0, i, m = rebuild->peer->m;
	uint32_t accepted, liars;

	for (i = 0; i < rebuild->count; i++)
	{
		if (same_group(&rebuild->shares[i], last))
		{
			members[count] = i;
			group[count++] = (dske_share_t){
				.x = rebuild->shares[i].x,
				.r = rebuild->shares[i].r,
			};
		}
	}
	if (count < last->k)
	{
		return;
	}
	if (!dske_combine(group, count, last->k, m, words, &accepted, &liars))
	{
		kp_log(KP_LOG_ERROR, "DSKE: no %u of the %zu valid share(s) of key %s "
			   "pass the secret tag: a hub lies, waiting for more", last->k,
			   count, rebuild->key_id);
		kp_dske_add_reason(rebuild->reasons, sizeof(rebuild->reasons),
						   "%zu share(s) fail the secret tag", count);
		return;
	}
	for (i = 0; i < count; i++)
	{
		if (liars & (1u << i))
		{
			kp_log(KP_LOG_ERROR, "DSKE: hub '%s' sent a share of key %s off "
				   "the rebuilt secret: it lies, outvoted",
				   hubs->hubs[rebuild->shares[members[i]].hub].config->name,
				   rebuild->key_id);
		}
	}
	for (i = 0; i < m; i++)
	{
		dske_gf128_store(words[i], key + 16 * i);
	}
	dske_gf128_wipe(words, m);
	store(rebuild, key, 16 * m, last);
	skip_memwipe(key, sizeof(key));
}

/**
 * The policy a key instruction must meet before its PSRD is touched
 * (notes §8 step 2). Returns NULL or why not.
 */
static const char *policy(rebuild_t *rebuild, size_t hub,
						  const dske_msg_t *msg)
{
	kp_dske_peer_t *this = rebuild->peer;
	kp_dske_hub_t *h = &this->kp->hubs->hubs[hub];
	uint64_t me = h->pair->get_client_id(h->pair);
	bool recipient = false;
	size_t i;

	for (i = 0; i < msg->recipient_count; i++)
	{
		recipient |= msg->recipients[i] == me;
	}
	if (msg->k < this->peer->dske_k || msg->k > msg->n)
	{
		return "threshold below the configured k";
	}
	if (msg->n > this->kp->hubs->count)
	{
		return "more hubs than this KP knows";
	}
	if (msg->sender_id != this->peer_ids[hub] ||
		msg->hub_id != h->pair->get_hub_id(h->pair))
	{
		return "not from the expected peer through this hub";
	}
	if (memcmp(msg->secret_id, rebuild->secret_id, DSKE_SECRET_ID_LEN) != 0)
	{
		return "for another secret ID";
	}
	if (!recipient)
	{
		return "this KP is not a recipient";
	}
	if (msg->m != this->m)
	{
		return "key size not the configured one";
	}
	if (msg->x != h->config->index)
	{
		return "coordinate is not this hub's index";
	}
	if (msg->psrd_table != DSKE_TABLE_HUB ||
		msg->psrd_count != 5 + this->m)
	{
		return "PSRD range not of the hub's table";
	}
	return NULL;
}

/**
 * Check a key instruction and keep its share; NULL or why not.
 */
static const char *accept_share(rebuild_t *rebuild, size_t hub,
								const dske_msg_t *msg, const uint8_t *raw,
								size_t len)
{
	kp_dske_hub_t *h = &rebuild->peer->kp->hubs->hubs[hub];
	dske_gf128_t words[5 + DSKE_MAX_KEY_WORDS];
	size_t m = rebuild->peer->m, i;
	share_t *share;
	const char *why;
	bool tag_ok;

	why = policy(rebuild, hub, msg);
	if (why)
	{
		return why;
	}
	if (!h->pair->claim(h->pair, msg->psrd_start, msg->psrd_count, words))
	{
		return "PSRD range out of bounds or used before (replayed "
			   "instruction)";
	}
	/* the range is consumed whatever the outcome */
	tag_ok = dske_msg_verify(raw, len, words[0], words[1]);
	if (tag_ok)
	{
		share = &rebuild->shares[rebuild->count++];
		*share = (share_t){
			.hub = hub,
			.x = msg->x,
			.k = msg->k,
			.n = msg->n,
			.aad_len = msg->aad_len,
		};
		memcpy(share->aad, msg->aad, msg->aad_len);
		for (i = 0; i < 3 + m; i++)
		{
			share->r[i] = dske_gf128_add(msg->z[i], words[2 + i]);
		}
	}
	dske_gf128_wipe(words, 5 + m);
	return tag_ok ? NULL : "message tag does not verify";
}

static void answered(void *ctx, const dske_msg_t *msg, const uint8_t *raw,
					 size_t len, const char *error)
{
	slot_t *slot = ctx;
	rebuild_t *rebuild = slot->rebuild;
	size_t hub = slot->hub;
	const char *name = rebuild->peer->kp->hubs->hubs[hub].config->name, *why;
	char text[200];

	free(slot);
	rebuild->pending--;
	if (rebuild->finished)
	{
		release(rebuild);
		return;
	}
	if (!msg)
	{
		kp_dske_add_reason(rebuild->reasons, sizeof(rebuild->reasons), "%s",
						   error);
	}
	else if (msg->type == DSKE_ERROR &&
			 (msg->x == DSKE_ERR_UNKNOWN || msg->x == DSKE_ERR_DELIVERED))
	{
		rebuild->unknown++;
		kp_log(KP_LOG_DEBUG, "DSKE: hub '%s' has no share of key %s: %s",
			   name, rebuild->key_id, dske_error_name((int)msg->x));
	}
	else if (msg->type == DSKE_ERROR)
	{
		kp_dske_error_text(msg, text, sizeof(text));
		kp_log(KP_LOG_ERROR, "DSKE: hub '%s' refused key %s: %s", name,
			   rebuild->key_id, text);
		kp_dske_add_reason(rebuild->reasons, sizeof(rebuild->reasons),
						   "hub '%s': %s", name, text);
	}
	else if (msg->type != DSKE_KEY_INSTRUCTION)
	{
		kp_dske_add_reason(rebuild->reasons, sizeof(rebuild->reasons),
						   "hub '%s' answered %s", name,
						   dske_msg_type_name(msg->type));
	}
	else if ((why = accept_share(rebuild, hub, msg, raw, len)))
	{
		kp_log(KP_LOG_ERROR, "DSKE: key instruction of hub '%s' for key %s "
			   "refused: %s", name, rebuild->key_id, why);
		kp_dske_add_reason(rebuild->reasons, sizeof(rebuild->reasons),
						   "hub '%s': %s", name, why);
	}
	else
	{
		try_combine(rebuild);
	}
	if (!rebuild->finished)
	{	/* decided as soon as the answers still to come cannot change it */
		char reason[700];
		unsigned k = rebuild->peer->peer->dske_k;

		if (rebuild->unknown > rebuild->peer->kp->hubs->count - k)
		{	/* fewer than k hubs could have a share of it: unknown, or
			 * delivered before (a late share may still come, alone) */
			finish(rebuild, KP_PULL_NOT_FOUND, NULL);
		}
		else if (rebuild->pending &&
				 (rebuild->count + rebuild->pending >= k ||
				  rebuild->unknown + rebuild->pending >
									rebuild->peer->kp->hubs->count - k))
		{	/* wait: more shares may rebuild it, or more hubs not know it */
		}
		else
		{
			/* short: encryptors show the answer's message if it is */
			snprintf(reason, sizeof(reason), "%zu valid DSKE share(s) of "
					 "%u hubs, none rebuilt the key", rebuild->count,
					 rebuild->sent);
			kp_log(KP_LOG_ERROR, "DSKE: key %s from '%s' not rebuilt: %s "
				   "(%s)", rebuild->key_id, rebuild->peer->peer->system_id,
				   reason, rebuild->reasons[0] ? rebuild->reasons :
				   "too few hubs have a share");
			finish(rebuild, KP_PULL_FAILED, reason);
		}
	}
	release(rebuild);
}

void kp_dske_receive(kp_dske_peer_t *this, const char *key_id,
					 kp_sync_pulled_t done, void *ctx)
{
	kp_dske_hubs_t *hubs = this->kp->hubs;
	dske_msg_t *msg;
	rebuild_t *rebuild;
	slot_t *slot;
	size_t i;

	if (strlen(key_id) != 2 * DSKE_SECRET_ID_LEN)
	{	/* no secret ID */
		done(ctx, KP_PULL_NOT_FOUND, NULL);
		return;
	}
	rebuild = calloc(1, sizeof(*rebuild));
	msg = calloc(1, sizeof(*msg));
	if (!rebuild || !msg ||
		!skip_hex_decode(key_id, strlen(key_id), rebuild->secret_id))
	{
		free(rebuild);
		free(msg);
		done(ctx, KP_PULL_NOT_FOUND, NULL);
		return;
	}
	rebuild->peer = this;
	rebuild->done = done;
	rebuild->ctx = ctx;
	rebuild->refs = 1;
	for (i = 0; i < sizeof(rebuild->key_id) - 1 && key_id[i]; i++)
	{	/* the store matches any case; the log shows one */
		rebuild->key_id[i] = (char)tolower((unsigned char)key_id[i]);
	}
	msg->type = DSKE_INSTR_REQUEST;
	memcpy(msg->secret_id, rebuild->secret_id, DSKE_SECRET_ID_LEN);
	for (i = 0; i < hubs->count; i++)
	{
		msg->sender_id = this->peer_ids[i];
		msg->hub_id = hubs->hubs[i].pair->get_hub_id(hubs->hubs[i].pair);
		slot = malloc(sizeof(*slot));
		if (slot)
		{
			*slot = (slot_t){ .rebuild = rebuild, .hub = i };
		}
		if (!slot || !kp_dske_link_send(hubs->hubs[i].link, msg,
										dske_gf128_from_uint(0),
										dske_gf128_from_uint(0), answered,
										slot))
		{
			free(slot);
			kp_dske_add_reason(rebuild->reasons, sizeof(rebuild->reasons),
							   "hub '%s': cannot send",
							   hubs->hubs[i].config->name);
			continue;
		}
		rebuild->refs++;
		rebuild->pending++;
		rebuild->sent++;
	}
	free(msg);
	if (!rebuild->sent)
	{
		finish(rebuild, KP_PULL_FAILED, rebuild->reasons);
	}
	release(rebuild);
}
