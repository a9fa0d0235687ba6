/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * The DSKE sender (notes §6): PSRD from every hub, k hubs chosen at random
 * whose pads are their shares, the secret tag forced to zero, one
 * SHARE_UPLOAD per hub; success once k hubs acknowledged.
 */

#include "kp_dske_peer.h"
#include "kp_log.h"

#include <dske_shamir.h>
#include <skip_key.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

/** PSRD words a key of m words costs per hub: MAC key, then the pad */
#define RANGE_WORDS(m) (2 + 3 + (m))

/**
 * A key on its way to the hubs.
 */
typedef struct {
	kp_dske_peer_t *peer;
	char key_id[SKIP_KEY_ID_MAX_HEX + 1];
	/** the caller's key, until done */
	kp_sync_new_t *key;
	kp_sync_done_t done;
	void *ctx;
	/** done was called */
	bool finished;
	/** threshold, hubs configured and addressed, answers awaited, ACKs so
	 *  far */
	unsigned k, hubs, n, pending, acks;
	/** references: one per share sent, one while sending */
	unsigned refs;
	/** why hubs did not acknowledge */
	char reasons[512];
} upload_t;

typedef struct {
	upload_t *upload;
	kp_dske_hub_t *hub;
} slot_t;

static void release(upload_t *upload)
{
	if (--upload->refs == 0)
	{
		free(upload);
	}
}

/**
 * Report the outcome once: success at k ACKs, failure once too few can
 * still come.
 */
static void check_done(upload_t *upload)
{
	kp_peer_t *peer = upload->peer->peer;
	char reason[700];

	if (upload->finished)
	{
		return;
	}
	if (upload->acks >= upload->k)
	{
		upload->finished = true;
		kp_log(KP_LOG_INFO, "DSKE: key %s for '%s' acknowledged by %u of %u "
			   "hub(s) (k = %u)", upload->key_id, peer->system_id,
			   upload->acks, upload->n, upload->k);
		upload->done(upload->ctx, true, NULL,
					 upload->peer->kp->config->key_ttl);
	}
	else if (upload->acks + upload->pending < upload->k)
	{	/* the answers still to come cannot make up k */
		upload->finished = true;
		/* short: encryptors show the answer's message if it is */
		snprintf(reason, sizeof(reason), "%u of %u DSKE hubs failed, %u "
				 "needed", upload->hubs - upload->acks - upload->pending,
				 upload->hubs, upload->k);
		kp_log(KP_LOG_ERROR, "DSKE: key %s for '%s' not made: %s (%s)",
			   upload->key_id, peer->system_id, reason, upload->reasons);
		skip_memwipe(upload->key->key, sizeof(upload->key->key));
		upload->key->status = 503;
		upload->done(upload->ctx, false, reason, 0);
	}
}

static void answered(void *ctx, const dske_msg_t *msg, const uint8_t *raw,
					 size_t len, const char *error)
{
	slot_t *slot = ctx;
	upload_t *upload = slot->upload;
	const char *name = slot->hub->config->name;
	char text[200];

	free(slot);
	if (!msg)
	{
		kp_dske_add_reason(upload->reasons, sizeof(upload->reasons), "%s",
						   error);
	}
	else if (msg->type == DSKE_ACK)
	{
		upload->acks++;
	}
	else if (msg->type == DSKE_ERROR)
	{
		kp_dske_error_text(msg, text, sizeof(text));
		kp_log(KP_LOG_ERROR, "DSKE: hub '%s' refused the share of key %s: %s",
			   name, upload->key_id, text);
		kp_dske_add_reason(upload->reasons, sizeof(upload->reasons),
						   "hub '%s': %s", name, text);
	}
	else
	{
		kp_dske_add_reason(upload->reasons, sizeof(upload->reasons),
						   "hub '%s' answered %s", name,
						   dske_msg_type_name(msg->type));
	}
	upload->pending--;
	check_done(upload);
	release(upload);
}

/**
 * Choose k of n at random (a partial Fisher-Yates shuffle).
 */
static bool choose(unsigned k, unsigned n, uint32_t *selected)
{
	unsigned order[DSKE_MAX_HUBS], i, j, tmp;
	uint32_t r;

	for (i = 0; i < n; i++)
	{
		order[i] = i;
	}
	*selected = 0;
	for (i = 0; i < k; i++)
	{
		if (RAND_bytes((uint8_t*)&r, sizeof(r)) != 1)
		{
			return false;
		}
		/* n <= 32: the modulo bias is below 2^-27 and only picks hubs */
		j = i + r % (n - i);
		tmp = order[i];
		order[i] = order[j];
		order[j] = tmp;
		*selected |= 1u << order[i];
	}
	return true;
}

/**
 * The AAD of a share: what the receiver needs to bind the key.
 */
static size_t make_aad(const kp_sync_new_t *key, uint8_t *aad, size_t size)
{
	int len = 0;

	if (key->master[0] && key->slave[0])
	{
		len = snprintf((char*)aad, size, KP_DSKE_AAD_ETSI "%s %s",
					   key->master, key->slave);
	}
	return len > 0 && (size_t)len < size ? (size_t)len : 0;
}

/**
 * The PSRD, the shares and the key words of one key.
 */
typedef struct {
	dske_gf128_t words[DSKE_MAX_HUBS][RANGE_WORDS(DSKE_MAX_KEY_WORDS)];
	dske_gf128_t z[DSKE_MAX_HUBS][3 + DSKE_MAX_KEY_WORDS];
	dske_gf128_t key[DSKE_MAX_KEY_WORDS];
	dske_msg_t msg;
} secrets_t;

/**
 * Split and send; false (reason set) if no upload could start.
 */
static bool split_and_send(kp_dske_peer_t *this, upload_t *upload,
						   kp_sync_new_t *key, secrets_t *s, char *reason,
						   size_t size)
{
	kp_dske_hubs_t *hubs = this->kp->hubs;
	kp_dske_hub_t *used[DSKE_MAX_HUBS];
	dske_gf128_t *pads[DSKE_MAX_HUBS], *z[DSKE_MAX_HUBS];
	uint64_t start[DSKE_MAX_HUBS];
	uint32_t x[DSKE_MAX_HUBS], selected;
	size_t i, m = this->m, exhausted = 0;
	unsigned n = 0;
	slot_t *slot;

	for (i = 0; i < hubs->count; i++)
	{
		if (kp_dske_link_down(hubs->hubs[i].link))
		{	/* retries must not drain the hubs that are up */
			kp_dske_add_reason(upload->reasons, sizeof(upload->reasons),
							   "hub '%s': down, its connection failed less "
							   "than a second ago", hubs->hubs[i].config->name);
			continue;
		}
		if (!hubs->hubs[i].pair->allocate(hubs->hubs[i].pair, RANGE_WORDS(m),
										  &start[n], s->words[n]))
		{
			kp_log(KP_LOG_ERROR, "DSKE: no PSRD left to send through hub "
				   "'%s' (or it cannot be read)", hubs->hubs[i].config->name);
			exhausted++;
			kp_dske_add_reason(upload->reasons, sizeof(upload->reasons),
							   "hub '%s': PSRD exhausted",
							   hubs->hubs[i].config->name);
			continue;
		}
		kp_dske_hubs_check_left(&hubs->hubs[i], m);
		used[n] = &hubs->hubs[i];
		x[n] = hubs->hubs[i].config->index;
		pads[n] = &s->words[n][2];
		z[n] = s->z[n];
		n++;
	}
	upload->n = n;
	if (n < upload->k)
	{
		if (exhausted == hubs->count - n)
		{
			snprintf(reason, size, "PSRD exhausted at %zu of %zu DSKE hubs, "
					 "%u needed", exhausted, hubs->count, upload->k);
		}
		else
		{
			snprintf(reason, size, "%zu of %zu DSKE hubs failed, %u needed",
					 hubs->count - n, hubs->count, upload->k);
		}
		return false;
	}
	if (!choose(upload->k, n, &selected) ||
		!dske_split(upload->k, n, m, x, pads, selected, z, s->key))
	{
		snprintf(reason, size, "cannot split the key");
		return false;
	}
	for (i = 0; i < m; i++)
	{
		dske_gf128_store(s->key[i], key->key + 16 * i);
	}
	s->msg = (dske_msg_t){
		.type = DSKE_SHARE_UPLOAD,
		.k = (uint8_t)upload->k,
		.n = (uint8_t)n,
		.m = (uint16_t)m,
		.psrd_count = RANGE_WORDS(m),
		.psrd_table = DSKE_TABLE_CLIENT,
		.recipient_count = 1,
	};
	skip_hex_decode(key->key_id, 2 * DSKE_SECRET_ID_LEN, s->msg.secret_id);
	s->msg.aad_len = (uint32_t)make_aad(key, s->msg.aad, sizeof(s->msg.aad));
	for (i = 0; i < n; i++)
	{
		s->msg.sender_id = used[i]->pair->get_client_id(used[i]->pair);
		s->msg.hub_id = used[i]->pair->get_hub_id(used[i]->pair);
		s->msg.psrd_start = start[i];
		s->msg.x = x[i];
		s->msg.recipients[0] = this->peer_ids[used[i] - hubs->hubs];
		memcpy(s->msg.z, s->z[i], sizeof(dske_gf128_t) * (3 + m));
		slot = malloc(sizeof(*slot));
		if (slot)
		{
			*slot = (slot_t){ .upload = upload, .hub = used[i] };
		}
		if (!slot || !kp_dske_link_send(used[i]->link, &s->msg,
										s->words[i][0], s->words[i][1],
										answered, slot))
		{
			free(slot);
			kp_dske_add_reason(upload->reasons, sizeof(upload->reasons),
							   "hub '%s': cannot connect or send",
							   used[i]->config->name);
			continue;
		}
		upload->refs++;
		upload->pending++;
		kp_dske_hubs_log_left(used[i], KP_LOG_DEBUG, m);
	}
	return true;
}

void kp_dske_send(kp_dske_peer_t *this, const char *target,
				  kp_sync_new_t *key, kp_sync_done_t done, void *ctx)
{
	char reason[700] = "";
	upload_t *upload;
	secrets_t *s;

	if (key->len != 16 * this->m ||
		strlen(key->key_id) != 2 * DSKE_SECRET_ID_LEN)
	{
		snprintf(reason, sizeof(reason), "keys shared with '%s' through "
				 "DSKE hubs have %zu bit (--dske-key-size)",
				 this->peer->system_id, this->m * 128);
		done(ctx, false, reason, 0);
		return;
	}
	upload = calloc(1, sizeof(*upload));
	s = calloc(1, sizeof(*s));
	if (!upload || !s)
	{
		free(upload);
		free(s);
		done(ctx, false, "out of memory", 0);
		return;
	}
	*upload = (upload_t){
		.peer = this,
		.key = key,
		.done = done,
		.ctx = ctx,
		.k = this->peer->dske_k,
		.hubs = (unsigned)this->kp->hubs->count,
		.refs = 1,
	};
	snprintf(upload->key_id, sizeof(upload->key_id), "%s", key->key_id);
	if (!split_and_send(this, upload, key, s, reason, sizeof(reason)))
	{
		upload->finished = true;
		skip_memwipe(key->key, sizeof(key->key));
		key->status = 503;
		kp_log(KP_LOG_ERROR, "DSKE: key for '%s' not made: %s (%s)",
			   this->peer->system_id, reason, upload->reasons);
		done(ctx, false, reason, 0);
	}
	skip_memwipe(s, sizeof(*s));
	free(s);
	check_done(upload);
	release(upload);
}
