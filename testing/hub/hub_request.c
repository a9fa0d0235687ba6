/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "hub_request.h"
#include "kp_log.h"

#include <dske_le.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

/** what to do after a request */
typedef enum {
	/** close the connection without an answer */
	ACT_CLOSE,
	/** send the answer in reply */
	ACT_ANSWER,
	/** test: send the client's last KEY_INSTRUCTION frame as it was */
	ACT_RESEND_FRAME,
} action_t;

/** PSRD words of a message carrying m key words */
#define PSRD_WORDS(m) (5 + (uint32_t)(m))

/**
 * An answer being built.
 */
typedef struct {
	uint8_t buf[DSKE_MSG_MAX_LEN];
	size_t len;
	/** whether it is a KEY_INSTRUCTION (kept for the replay faults) */
	bool instruction;
} reply_t;

static void secret_hex(const uint8_t *id, char hex[2 * DSKE_SECRET_ID_LEN + 1])
{
	int i;

	for (i = 0; i < DSKE_SECRET_ID_LEN; i++)
	{
		snprintf(hex + 2 * i, 3, "%02x", id[i]);
	}
}

/**
 * An ERROR echoing the request's W1 and W2.
 */
static action_t error(const dske_msg_t *req, dske_error_t code,
					  const char *reason, reply_t *reply)
{
	dske_msg_t msg = {
		.type = DSKE_ERROR,
		.sender_id = req->sender_id,
		.hub_id = req->hub_id,
		.x = code,
		.aad_len = strlen(reason),
	};
	dske_gf128_t none = {};

	memcpy(msg.secret_id, req->secret_id, DSKE_SECRET_ID_LEN);
	memcpy(msg.aad, reason, msg.aad_len);
	reply->len = dske_msg_encode(&msg, none, none, reply->buf,
								 sizeof(reply->buf));
	return reply->len ? ACT_ANSWER : ACT_CLOSE;
}

static action_t ack(const dske_msg_t *req, reply_t *reply)
{
	dske_msg_t msg = {
		.type = DSKE_ACK,
		.sender_id = req->sender_id,
		.hub_id = req->hub_id,
	};
	dske_gf128_t none = {};

	memcpy(msg.secret_id, req->secret_id, DSKE_SECRET_ID_LEN);
	reply->len = dske_msg_encode(&msg, none, none, reply->buf,
								 sizeof(reply->buf));
	return reply->len ? ACT_ANSWER : ACT_CLOSE;
}

/**
 * SHARE_UPLOAD: PSRD claimed once (replays refused), tag checked, share
 * stored durably before the ACK.
 */
static action_t upload(hub_t *hub, hub_client_t *client, const dske_msg_t *req,
					   const uint8_t *raw, size_t len, reply_t *reply)
{
	dske_gf128_t words[PSRD_WORDS(DSKE_MAX_KEY_WORDS)];
	char hex[2 * DSKE_SECRET_ID_LEN + 1];
	hub_share_t *share;
	action_t action;
	size_t i;

	secret_hex(req->secret_id, hex);
	if (req->sender_id != client->id || req->hub_id != hub->hub_id)
	{
		kp_log(KP_LOG_INFO, "upload %s from %s: names another sender or hub",
			   hex, client->name);
		return error(req, DSKE_ERR_BAD_MESSAGE, "sender or hub ID mismatch",
					 reply);
	}
	if (!client->pair->claim(client->pair, req->psrd_start, req->psrd_count,
							 words))
	{
		kp_log(KP_LOG_INFO, "upload %s from %s: PSRD range %llu+%u refused "
			   "(used before, out of bounds, or I/O error)", hex,
			   client->name, (unsigned long long)req->psrd_start,
			   req->psrd_count);
		return error(req, DSKE_ERR_PSRD, "PSRD range refused", reply);
	}
	if (!dske_msg_verify(raw, len, words[0], words[1]))
	{
		OPENSSL_cleanse(words, sizeof(words));
		kp_log(KP_LOG_INFO, "upload %s from %s: tag mismatch (PSRD range "
			   "%llu+%u consumed)", hex, client->name,
			   (unsigned long long)req->psrd_start, req->psrd_count);
		return error(req, DSKE_ERR_TAG, "tag mismatch", reply);
	}
	for (i = 0; i < req->recipient_count; i++)
	{
		if (!hub_registry_find(hub->clients, req->recipients[i]))
		{
			OPENSSL_cleanse(words, sizeof(words));
			kp_log(KP_LOG_INFO, "upload %s from %s: unknown recipient %llu",
				   hex, client->name,
				   (unsigned long long)req->recipients[i]);
			return error(req, DSKE_ERR_BAD_MESSAGE, "unknown recipient",
						 reply);
		}
	}
	if (hub_store_find(hub->store, req->sender_id, req->secret_id))
	{
		OPENSSL_cleanse(words, sizeof(words));
		kp_log(KP_LOG_INFO, "upload %s from %s: duplicate secret ID", hex,
			   client->name);
		return error(req, DSKE_ERR_DUPLICATE, "duplicate secret ID", reply);
	}
	share = calloc(1, sizeof(*share));
	if (!share)
	{
		OPENSSL_cleanse(words, sizeof(words));
		return ACT_CLOSE;
	}
	*share = (hub_share_t){
		.sender = req->sender_id,
		.expires = (uint64_t)time(NULL) + hub->config->share_ttl,
		.k = req->k,
		.n = req->n,
		.m = req->m,
		.x = req->x,
		.recipient_count = req->recipient_count,
		.aad_len = req->aad_len,
	};
	memcpy(share->secret_id, req->secret_id, DSKE_SECRET_ID_LEN);
	memcpy(share->recipients, req->recipients,
		   req->recipient_count * sizeof(req->recipients[0]));
	memcpy(share->aad, req->aad, req->aad_len);
	for (i = 0; i < dske_share_words(req->m); i++)
	{	/* R = Z xor pad */
		share->r[i] = dske_gf128_add(req->z[i], words[2 + i]);
	}
	OPENSSL_cleanse(words, sizeof(words));
	if (hub_store_add(hub->store, share))
	{
		kp_log(KP_LOG_INFO, "stored share %s from %s (k=%u n=%u x=%u, %u "
			   "recipient(s), expires in %u s)", hex, client->name, req->k,
			   req->n, req->x, req->recipient_count, hub->config->share_ttl);
		action = ack(req, reply);
	}
	else
	{
		kp_log(KP_LOG_ERROR, "cannot store share %s from %s: %m", hex,
			   client->name);
		action = ACT_CLOSE;
	}
	OPENSSL_cleanse(share, sizeof(*share));
	free(share);
	return action;
}

/**
 * The share as a KEY_INSTRUCTION to a recipient: Z' = R xor pad from the
 * recipient's table 1, tagged with that range's first two words.
 */
static bool encode_instruction(hub_t *hub, hub_client_t *client,
							   const hub_share_t *share, reply_t *reply)
{
	dske_gf128_t words[PSRD_WORDS(DSKE_MAX_KEY_WORDS)];
	dske_msg_t *msg;
	uint64_t start;
	size_t i;

	msg = calloc(1, sizeof(*msg));
	if (!msg || !client->pair->allocate(client->pair, PSRD_WORDS(share->m),
										&start, words))
	{
		free(msg);
		return false;
	}
	*msg = (dske_msg_t){
		.type = DSKE_KEY_INSTRUCTION,
		.k = share->k,
		.n = share->n,
		.m = share->m,
		.sender_id = share->sender,
		.hub_id = hub->hub_id,
		.psrd_start = start,
		.psrd_count = PSRD_WORDS(share->m),
		.psrd_table = DSKE_TABLE_HUB,
		.x = share->x,
		.recipient_count = share->recipient_count,
		.aad_len = share->aad_len,
	};
	memcpy(msg->secret_id, share->secret_id, DSKE_SECRET_ID_LEN);
	memcpy(msg->recipients, share->recipients,
		   share->recipient_count * sizeof(share->recipients[0]));
	memcpy(msg->aad, share->aad, share->aad_len);
	for (i = 0; i < dske_share_words(share->m); i++)
	{
		msg->z[i] = dske_gf128_add(share->r[i], words[2 + i]);
	}
	if (hub->config->faults.corrupt)
	{	/* a lying hub: its own tag covers the lie */
		msg->z[3].lo ^= 1;
	}
	reply->len = dske_msg_encode(msg, words[0], words[1], reply->buf,
								 sizeof(reply->buf));
	reply->instruction = true;
	OPENSSL_cleanse(words, sizeof(words));
	dske_msg_wipe(msg);
	free(msg);
	return reply->len != 0;
}

/**
 * Keep the last instruction to a client (test mode: replay faults).
 */
static void remember(uint8_t **field, size_t *field_len, const uint8_t *data,
					 size_t len)
{
	if (*field)
	{
		OPENSSL_cleanse(*field, *field_len);
		free(*field);
	}
	*field = malloc(len);
	*field_len = *field ? len : 0;
	if (*field)
	{
		memcpy(*field, data, len);
	}
}

/**
 * INSTR_REQUEST: online retrieval by a recipient.
 */
static action_t instruct(hub_t *hub, hub_client_t *client,
						 const dske_msg_t *req, reply_t *reply)
{
	char hex[2 * DSKE_SECRET_ID_LEN + 1];
	hub_share_t *share;
	unsigned i;

	secret_hex(req->secret_id, hex);
	if (hub->config->faults.replay_frame && client->last_frame)
	{
		kp_log(KP_LOG_INFO, "fault: replaying the last instruction frame to "
			   "%s", client->name);
		return ACT_RESEND_FRAME;
	}
	if (hub->config->faults.replay && client->last_msg)
	{
		kp_log(KP_LOG_INFO, "fault: replaying the last instruction to %s",
			   client->name);
		memcpy(reply->buf, client->last_msg, client->last_msg_len);
		reply->len = client->last_msg_len;
		return ACT_ANSWER;
	}
	if (req->hub_id != hub->hub_id)
	{
		return error(req, DSKE_ERR_BAD_MESSAGE, "hub ID mismatch", reply);
	}
	share = hub_store_find(hub->store, req->sender_id, req->secret_id);
	if (!share)
	{
		kp_log(KP_LOG_DEBUG, "request %s from %s: unknown", hex,
			   client->name);
		return error(req, DSKE_ERR_UNKNOWN, "unknown secret", reply);
	}
	for (i = 0; i < share->recipient_count; i++)
	{
		if (share->recipients[i] == client->id)
		{
			break;
		}
	}
	if (i == share->recipient_count)
	{
		kp_log(KP_LOG_INFO, "request %s from %s: not a recipient", hex,
			   client->name);
		return error(req, DSKE_ERR_NOT_RECIPIENT, "not a recipient", reply);
	}
	if (share->delivered & (1u << i))
	{
		kp_log(KP_LOG_INFO, "request %s from %s: already delivered", hex,
			   client->name);
		return error(req, DSKE_ERR_DELIVERED, "already delivered", reply);
	}
	if (client->pair->remaining(client->pair) < PSRD_WORDS(share->m) ||
		!encode_instruction(hub, client, share, reply))
	{
		kp_log(KP_LOG_ERROR, "request %s from %s: PSRD exhausted (%llu words "
			   "left)", hex, client->name, (unsigned long long)
			   client->pair->remaining(client->pair));
		return error(req, DSKE_ERR_EXHAUSTED, "hub PSRD exhausted", reply);
	}
	/* delivered before it is sent: never twice, even after a crash */
	if (!hub_store_delivered(hub->store, share, i))
	{
		kp_log(KP_LOG_ERROR, "cannot record the delivery of %s to %s: %m",
			   hex, client->name);
		OPENSSL_cleanse(reply->buf, reply->len);
		return ACT_CLOSE;
	}
	kp_log(KP_LOG_INFO, "instruction %s to %s (%llu PSRD words left)", hex,
		   client->name, (unsigned long long)
		   client->pair->remaining(client->pair));
	if (hub->config->test_mode)
	{
		remember(&client->last_msg, &client->last_msg_len, reply->buf,
				 reply->len);
	}
	return ACT_ANSWER;
}

static action_t dispatch(hub_t *hub, hub_client_t *client,
						 const uint8_t *plain, size_t len, reply_t *reply)
{
	dske_msg_t *req;
	action_t action;

	req = calloc(1, sizeof(*req));
	if (!req)
	{
		return ACT_CLOSE;
	}
	if (!dske_msg_decode(plain, len, req))
	{
		kp_log(KP_LOG_INFO, "malformed message from %s", client->name);
		memset(req, 0, sizeof(*req));
		action = error(req, DSKE_ERR_BAD_MESSAGE, "malformed message", reply);
	}
	else if (req->type == DSKE_SHARE_UPLOAD)
	{
		action = upload(hub, client, req, plain, len, reply);
	}
	else if (req->type == DSKE_INSTR_REQUEST)
	{
		action = instruct(hub, client, req, reply);
	}
	else
	{
		kp_log(KP_LOG_INFO, "unexpected %s from %s",
			   dske_msg_type_name(req->type), client->name);
		action = error(req, DSKE_ERR_BAD_MESSAGE, "unexpected message type",
					   reply);
	}
	dske_msg_wipe(req);
	free(req);
	return action;
}

/**
 * Queue a frame behind its length prefix.
 */
static bool queue_frame(struct evbuffer *out, const uint8_t *frame, size_t len)
{
	uint8_t prefix[DSKE_FRAME_PREFIX_LEN];

	dske_put_le(prefix, len, sizeof(prefix));
	return evbuffer_add(out, prefix, sizeof(prefix)) == 0 &&
		   evbuffer_add(out, frame, len) == 0;
}

/**
 * Seal an answer into a frame with the next counter and queue it.
 */
static bool send_answer(hub_t *hub, hub_client_t *client, reply_t *reply,
						struct evbuffer *out)
{
	size_t len = dske_frame_len(reply->len);
	uint8_t *frame;
	uint32_t key_id;
	const uint8_t *key;
	uint64_t counter;
	bool ok;

	frame = malloc(len);
	if (!frame || !client->pair->next_counter(client->pair, &counter))
	{
		free(frame);
		return false;
	}
	key = client->pair->get_wrap_key(client->pair, &key_id);
	ok = dske_frame_seal(key, key_id, hub->hub_id, DSKE_DIR_TO_CLIENT, counter,
						 reply->buf, reply->len, frame, len) &&
		 queue_frame(out, frame, len);
	if (ok && reply->instruction && hub->config->test_mode)
	{
		remember(&client->last_frame, &client->last_frame_len, frame, len);
	}
	free(frame);
	return ok;
}

/**
 * The client a frame comes from, once it authenticated with that
 * client's key and carries a fresh counter; NULL to drop it.
 */
static hub_client_t *authenticate(hub_t *hub, const uint8_t *frame,
								  size_t len, uint8_t *plain)
{
	dske_frame_header_t hdr;
	hub_client_t *client;
	uint32_t key_id;
	const uint8_t *key;

	if (!dske_frame_header(frame, len, &hdr) || hdr.salt != DSKE_DIR_TO_HUB ||
		hdr.ct_len > DSKE_MSG_MAX_LEN)
	{
		kp_log(KP_LOG_INFO, "dropping a malformed frame");
		return NULL;
	}
	client = hub_registry_find(hub->clients, hdr.sender_id);
	if (!client)
	{
		kp_log(KP_LOG_INFO, "dropping a frame from unknown client %llu",
			   (unsigned long long)hdr.sender_id);
		return NULL;
	}
	key = client->pair->get_wrap_key(client->pair, &key_id);
	if (hdr.wrap_key_id != key_id || !dske_frame_open(key, frame, len, plain))
	{
		kp_log(KP_LOG_INFO, "dropping a frame from %s: authentication "
			   "failed", client->name);
		return NULL;
	}
	if (!client->pair->accept_counter(client->pair, hdr.counter))
	{
		OPENSSL_cleanse(plain, hdr.ct_len);
		kp_log(KP_LOG_INFO, "dropping a frame from %s: counter %llu replayed "
			   "(or state not writable)", client->name,
			   (unsigned long long)hdr.counter);
		return NULL;
	}
	return client;
}

bool hub_request_frame(hub_t *hub, const uint8_t *frame, size_t len,
					   struct evbuffer *out)
{
	hub_client_t *client;
	reply_t *reply;
	uint8_t *plain;
	action_t action = ACT_CLOSE;
	bool ok = false;

	plain = malloc(DSKE_MSG_MAX_LEN);
	reply = calloc(1, sizeof(*reply));
	client = plain && reply ? authenticate(hub, frame, len, plain) : NULL;
	if (client && hub->config->faults.hang)
	{
		kp_log(KP_LOG_DEBUG, "fault: not answering %s", client->name);
		ok = true;
	}
	else if (client)
	{
		action = dispatch(hub, client, plain,
						  len - dske_frame_len(0), reply);
	}
	if (action == ACT_ANSWER)
	{
		ok = send_answer(hub, client, reply, out);
	}
	else if (action == ACT_RESEND_FRAME)
	{
		ok = queue_frame(out, client->last_frame, client->last_frame_len);
	}
	if (plain)
	{
		OPENSSL_cleanse(plain, DSKE_MSG_MAX_LEN);
	}
	if (reply)
	{
		OPENSSL_cleanse(reply, sizeof(*reply));
	}
	free(plain);
	free(reply);
	return ok;
}
