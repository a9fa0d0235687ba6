/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "skip_sa_table.h"

#include <collections/hashtable.h>
#include <collections/linked_list.h>
#include <threading/mutex.h>

/** state kept under an initiator SPI only is dropped after this (s): longer
 *  than charon retransmits an IKE_SA_INIT request by default */
#define PENDING_LIFETIME 180
/** at most this many such states */
#define PENDING_MAX 64

typedef struct private_skip_sa_table_t private_skip_sa_table_t;
typedef struct skip_sa_t skip_sa_t;

/**
 * What the plugin knows about one IKE_SA that uses SKIP. Strings are
 * allocated to fit, NULL if empty: most are short or absent, and the table
 * holds a state per live IKE_SA.
 */
struct skip_sa_t {

	/** unique ID of the IKE_SA, 0 while it is known by its SPI only */
	uint32_t unique_id;

	/** initiator SPI */
	uint64_t spi_i;

	/** when the state was made (monotonic s), for states under SPI only */
	time_t created;

	/** TRUE if we initiated the IKE_SA */
	bool initiator;

	/** TRUE once a responder chose its KP (or that none serves the peer) */
	bool kp_chosen;

	/** KP serving this IKE_SA (NULL until chosen); profiles outlive SAs */
	skip_kp_t *kp;

	/** our system ID as sent in USE_PPK, NULL if none was sent */
	char *local_sid;

	/** what the peer sent in USE_PPK */
	skip_peer_use_ppk_t peer_use_ppk;

	/** the peer's KP system ID from its USE_PPK, NULL if none */
	char *peer_sid;

	/** keyId: from our KP (initiator) or from PPK_IDENTITY (responder) */
	char *key_id;

	/** responder: the PPK_ID charon looks up for the received keyId */
	identification_t *ppk_id;

	/** the PPK, kept for repeated lookups until the IKE_SA is authorized:
	 *  a KP delivers a key only once */
	chunk_t key;

	/** TRUE once the KP was asked, so a failed fetch is not repeated */
	bool fetched;

	/** TRUE once a dynamic PPK was handed to charon */
	bool used;

	/** why the IKE_SA has no dynamic PPK, if it has none (else NULL) */
	char *reason;
};

struct private_skip_sa_table_t {

	/** public interface */
	skip_sa_table_t public;

	/** unique ID => skip_sa_t */
	hashtable_t *sas;

	/** skip_sa_t known by initiator SPI only, oldest first */
	linked_list_t *pending;

	/** protects sas and pending */
	mutex_t *mutex;
};

/**
 * Replace a string of a state with a copy of at most max characters of
 * value (none if NULL or empty). The old one is wiped: it may be a keyId.
 */
static void set_str(char **field, const char *value, size_t max)
{
	if (*field)
	{
		memwipe(*field, strlen(*field));
		free(*field);
	}
	*field = NULL;
	if (value && value[0])
	{
		size_t len = min(strlen(value), max);

		*field = malloc(len + 1);
		memcpy(*field, value, len);
		(*field)[len] = '\0';
	}
}

/**
 * Copy a string of a state into a buffer of len bytes ("" if none).
 */
static void get_str(char *buf, const char *field, size_t len)
{
	snprintf(buf, len, "%s", field ?: "");
}

/**
 * Keep why an IKE_SA has no dynamic PPK.
 */
static void set_reason(skip_sa_t *sa, const char *reason)
{
	set_str(&sa->reason, reason, SKIP_SA_REASON_MAX - 1);
}

/**
 * Wipe the key material of a state, keeping what was announced.
 */
static void reset_key(skip_sa_t *sa)
{
	chunk_clear(&sa->key);
	set_str(&sa->key_id, NULL, 0);
	DESTROY_IF(sa->ppk_id);
	sa->ppk_id = NULL;
	sa->fetched = FALSE;
	sa->used = FALSE;
	set_reason(sa, NULL);
}

/**
 * Free the strings of a state.
 */
static void clear_strs(skip_sa_t *sa)
{
	reset_key(sa);
	set_str(&sa->local_sid, NULL, 0);
	set_str(&sa->peer_sid, NULL, 0);
}

static void sa_destroy(skip_sa_t *sa)
{
	clear_strs(sa);
	memwipe(sa, sizeof(*sa));
	free(sa);
}

/**
 * Start a state afresh, keeping where it is filed.
 */
static void sa_reset(skip_sa_t *sa, bool initiator)
{
	uint32_t unique_id = sa->unique_id;
	uint64_t spi_i = sa->spi_i;
	time_t created = sa->created;

	clear_strs(sa);
	memset(sa, 0, sizeof(*sa));
	sa->unique_id = unique_id;
	sa->spi_i = spi_i;
	sa->created = created;
	sa->initiator = initiator;
}

CALLBACK(match_spi, bool,
	skip_sa_t *sa, va_list args)
{
	uint64_t *spi_i;

	VA_ARGS_VGET(args, spi_i);
	return sa->spi_i == *spi_i;
}

/**
 * Find the state of an IKE_SA. Call with the mutex held.
 *
 * @param create		create an empty state if there is none
 * @param adopt			file a state known by the IKE_SA's SPI only under its
 *						unique ID: only on the initiator's own messages, a
 *						peer could send a request with our initiator SPI
 */
static skip_sa_t *find(private_skip_sa_table_t *this, skip_sa_id_t id,
					   bool create, bool adopt)
{
	skip_sa_t *sa = NULL;

	if (id.unique_id)
	{
		sa = this->sas->get(this->sas, (void*)(uintptr_t)id.unique_id);
	}
	if (!sa && id.spi_i && (adopt || !id.unique_id) &&
		this->pending->find_first(this->pending, match_spi, (void**)&sa,
								  &id.spi_i))
	{
		if (id.unique_id)
		{	/* the IKE_SA it belongs to shows itself */
			this->pending->remove(this->pending, sa, NULL);
			sa->unique_id = id.unique_id;
			this->sas->put(this->sas, (void*)(uintptr_t)id.unique_id, sa);
		}
	}
	if (!sa && create)
	{
		INIT(sa,
			.unique_id = id.unique_id,
			.spi_i = id.spi_i,
			.created = time_monotonic(NULL),
		);
		if (id.unique_id)
		{
			this->sas->put(this->sas, (void*)(uintptr_t)id.unique_id, sa);
		}
		else
		{
			this->pending->insert_last(this->pending, sa);
		}
	}
	if (sa && id.spi_i)
	{	/* a restart may come with a new SPI */
		sa->spi_i = id.spi_i;
	}
	return sa;
}

/**
 * Drop states known by SPI only whose IKE_SA never showed itself. Call with
 * the mutex held.
 */
static void expire_pending(private_skip_sa_table_t *this)
{
	time_t now = time_monotonic(NULL);
	skip_sa_t *sa;

	while (this->pending->get_first(this->pending, (void**)&sa) == SUCCESS &&
		   (now - sa->created > PENDING_LIFETIME ||
			this->pending->get_count(this->pending) > PENDING_MAX))
	{
		this->pending->remove_first(this->pending, (void**)&sa);
		sa_destroy(sa);
	}
}

METHOD(skip_sa_table_t, initiate, void,
	private_skip_sa_table_t *this, skip_sa_id_t id, skip_kp_t *kp,
	const char *local_sid)
{
	skip_sa_t *sa;

	this->mutex->lock(this->mutex);
	expire_pending(this);
	sa = find(this, id, TRUE, TRUE);
	sa_reset(sa, TRUE);
	sa->kp = kp;
	set_str(&sa->local_sid, local_sid, SKIP_SYSTEM_ID_MAX);
	this->mutex->unlock(this->mutex);
}

/**
 * Keep what the peer sent in USE_PPK.
 */
static void set_peer(skip_sa_t *sa, skip_peer_use_ppk_t use_ppk,
					 const char *peer_sid)
{
	sa->peer_use_ppk = use_ppk;
	set_str(&sa->peer_sid, use_ppk == SKIP_PEER_SKIP ? peer_sid : NULL,
			SKIP_SYSTEM_ID_MAX);
}

METHOD(skip_sa_table_t, response_received, bool,
	private_skip_sa_table_t *this, skip_sa_id_t id,
	skip_peer_use_ppk_t use_ppk, const char *peer_sid)
{
	skip_sa_t *sa;

	this->mutex->lock(this->mutex);
	sa = find(this, id, FALSE, TRUE);
	if (sa && sa->initiator)
	{
		set_peer(sa, use_ppk, peer_sid);
	}
	else
	{
		sa = NULL;
	}
	this->mutex->unlock(this->mutex);
	return sa != NULL;
}

METHOD(skip_sa_table_t, request_received, void,
	private_skip_sa_table_t *this, skip_sa_id_t id,
	skip_peer_use_ppk_t use_ppk, const char *peer_sid)
{
	skip_sa_t *sa;

	this->mutex->lock(this->mutex);
	sa = find(this, id, TRUE, FALSE);
	sa_reset(sa, FALSE);
	set_peer(sa, use_ppk, peer_sid);
	this->mutex->unlock(this->mutex);
}

/**
 * The responder state of an IKE_SA. Call with the mutex held.
 */
static skip_sa_t *find_responder(private_skip_sa_table_t *this,
								 skip_sa_id_t id)
{
	skip_sa_t *sa = find(this, id, FALSE, FALSE);

	return sa && !sa->initiator ? sa : NULL;
}

METHOD(skip_sa_table_t, get_peer_sid, bool,
	private_skip_sa_table_t *this, skip_sa_id_t id,
	char peer_sid[SKIP_SYSTEM_ID_MAX + 1])
{
	skip_sa_t *sa;

	this->mutex->lock(this->mutex);
	sa = find_responder(this, id);
	if (sa && sa->peer_use_ppk == SKIP_PEER_SKIP)
	{
		get_str(peer_sid, sa->peer_sid, SKIP_SYSTEM_ID_MAX + 1);
	}
	else
	{
		sa = NULL;
	}
	this->mutex->unlock(this->mutex);
	return sa != NULL;
}

METHOD(skip_sa_table_t, choose_kp, void,
	private_skip_sa_table_t *this, skip_sa_id_t id, skip_kp_t *kp)
{
	skip_sa_t *sa;

	this->mutex->lock(this->mutex);
	sa = find_responder(this, id);
	if (sa)
	{
		sa->kp = kp;
		sa->kp_chosen = TRUE;
	}
	this->mutex->unlock(this->mutex);
}

METHOD(skip_sa_table_t, get_kp, skip_kp_t*,
	private_skip_sa_table_t *this, skip_sa_id_t id, bool *chosen,
	char peer_sid[SKIP_SYSTEM_ID_MAX + 1])
{
	skip_kp_t *kp = NULL;
	skip_sa_t *sa;

	*chosen = FALSE;
	peer_sid[0] = '\0';
	this->mutex->lock(this->mutex);
	sa = find_responder(this, id);
	if (sa)
	{
		kp = sa->kp;
		*chosen = sa->kp_chosen;
		get_str(peer_sid, sa->peer_sid, SKIP_SYSTEM_ID_MAX + 1);
	}
	this->mutex->unlock(this->mutex);
	return kp;
}

METHOD(skip_sa_table_t, announced, void,
	private_skip_sa_table_t *this, skip_sa_id_t id, skip_kp_t *kp,
	const char *local_sid)
{
	skip_sa_t *sa;

	this->mutex->lock(this->mutex);
	sa = find_responder(this, id);
	if (sa)
	{
		sa->kp = kp;
		sa->kp_chosen = TRUE;
		set_str(&sa->local_sid, local_sid, SKIP_SYSTEM_ID_MAX);
	}
	this->mutex->unlock(this->mutex);
}

METHOD(skip_sa_table_t, key_id_received, bool,
	private_skip_sa_table_t *this, skip_sa_id_t id, const char *key_id,
	identification_t *ppk_id)
{
	skip_sa_t *sa;

	this->mutex->lock(this->mutex);
	sa = find_responder(this, id);
	if (sa && sa->peer_use_ppk != SKIP_PEER_SKIP)
	{	/* a plain RFC 8784 peer: its PPK_IDENTITY is none of ours */
		sa = NULL;
	}
	if (sa)
	{
		reset_key(sa);
		if (key_id)
		{
			set_str(&sa->key_id, key_id, SKIP_KEY_ID_MAX_HEX);
			sa->ppk_id = ppk_id->clone(ppk_id);
		}
		else
		{
			set_reason(sa, "the peer's PPK_IDENTITY does not carry a SKIP "
					   "keyId");
		}
	}
	this->mutex->unlock(this->mutex);
	return sa != NULL;
}

METHOD(skip_sa_table_t, get_key_id, bool,
	private_skip_sa_table_t *this, skip_sa_id_t id,
	char key_id[SKIP_KEY_ID_MAX_HEX + 1], skip_kp_t **kp)
{
	skip_sa_t *sa;
	bool found = FALSE;

	this->mutex->lock(this->mutex);
	sa = find(this, id, FALSE, FALSE);
	if (sa && sa->initiator && sa->key.len)
	{
		get_str(key_id, sa->key_id, SKIP_KEY_ID_MAX_HEX + 1);
		if (kp)
		{
			*kp = sa->kp;
		}
		found = TRUE;
	}
	this->mutex->unlock(this->mutex);
	return found;
}

/**
 * Why no key can be fetched for what the peer sent in USE_PPK.
 */
static const char *peer_reason(skip_sa_t *sa)
{
	switch (sa->peer_use_ppk)
	{
		case SKIP_PEER_NO_USE_PPK:
			return "the peer sent no USE_PPK";
		case SKIP_PEER_PLAIN:
			return "the peer sent USE_PPK without a system ID, it does not "
				   "support SKIP";
		case SKIP_PEER_INVALID:
			return "the peer's USE_PPK did not carry a valid system ID";
		case SKIP_PEER_SKIP:
		default:
			return NULL;
	}
}

METHOD(skip_sa_table_t, lookup, skip_lookup_t,
	private_skip_sa_table_t *this, skip_sa_id_t id, identification_t *ppk_id,
	skip_sa_request_t *request, chunk_t *key, char reason[SKIP_SA_REASON_MAX])
{
	skip_lookup_t result = SKIP_LOOKUP_FETCH;
	const char *why = NULL;
	skip_sa_t *sa;

	this->mutex->lock(this->mutex);
	sa = find(this, id, FALSE, FALSE);
	if (!sa)
	{
		result = SKIP_LOOKUP_NONE;
	}
	else if ((why = peer_reason(sa)))
	{
		result = SKIP_LOOKUP_UNAVAILABLE;
	}
	else if (!sa->initiator && (!sa->ppk_id || !ppk_id ||
								!ppk_id->equals(ppk_id, sa->ppk_id)))
	{	/* a lookup for another PPK_ID than the peer sent */
		result = SKIP_LOOKUP_NONE;
	}
	else if (sa->key.len)
	{
		*key = chunk_clone(sa->key);
		sa->used = TRUE;
		result = SKIP_LOOKUP_CACHED;
	}
	else if (sa->fetched)
	{
		result = SKIP_LOOKUP_FAILED;
	}
	else if (!sa->kp)
	{
		why = "none of our KPs shares keys with the peer";
		result = SKIP_LOOKUP_UNAVAILABLE;
	}
	else
	{
		sa->fetched = TRUE;
		*request = (skip_sa_request_t){
			.initiator = sa->initiator,
			.kp = sa->kp,
		};
		get_str(request->local_sid, sa->local_sid, sizeof(request->local_sid));
		get_str(request->peer_sid, sa->peer_sid, sizeof(request->peer_sid));
		get_str(request->key_id, sa->key_id, sizeof(request->key_id));
	}
	if (why)
	{
		set_reason(sa, why);
		snprintf(reason, SKIP_SA_REASON_MAX, "%s", why);
	}
	this->mutex->unlock(this->mutex);
	return result;
}

METHOD(skip_sa_table_t, fetched, void,
	private_skip_sa_table_t *this, skip_sa_id_t id, const char *key_id,
	chunk_t key)
{
	skip_sa_t *sa;

	this->mutex->lock(this->mutex);
	sa = find(this, id, FALSE, FALSE);
	if (sa)
	{
		chunk_clear(&sa->key);
		sa->key = chunk_clone(key);
		set_str(&sa->key_id, key_id, SKIP_KEY_ID_MAX_HEX);
		sa->used = TRUE;
	}
	this->mutex->unlock(this->mutex);
}

METHOD(skip_sa_table_t, failed, void,
	private_skip_sa_table_t *this, skip_sa_id_t id, const char *reason)
{
	skip_sa_t *sa;

	this->mutex->lock(this->mutex);
	sa = find(this, id, FALSE, FALSE);
	if (sa)
	{
		set_reason(sa, reason);
	}
	this->mutex->unlock(this->mutex);
}

METHOD(skip_sa_table_t, authorized, bool,
	private_skip_sa_table_t *this, skip_sa_id_t id, bool *dynamic,
	char reason[SKIP_SA_REASON_MAX])
{
	skip_sa_t *sa;

	*dynamic = FALSE;
	reason[0] = '\0';
	this->mutex->lock(this->mutex);
	sa = find(this, id, FALSE, FALSE);
	if (sa)
	{
		*dynamic = sa->used;
		if (!sa->used && !sa->reason && peer_reason(sa))
		{
			set_reason(sa, peer_reason(sa));
		}
		get_str(reason, sa->reason, SKIP_SA_REASON_MAX);
		/* the PPK went into the IKE_SA's keys, no lookup needs it again */
		chunk_clear(&sa->key);
	}
	this->mutex->unlock(this->mutex);
	return sa != NULL;
}

METHOD(skip_sa_table_t, remove_, bool,
	private_skip_sa_table_t *this, skip_sa_id_t id)
{
	skip_sa_t *sa = NULL;

	this->mutex->lock(this->mutex);
	if (id.unique_id)
	{
		sa = this->sas->remove(this->sas, (void*)(uintptr_t)id.unique_id);
	}
	if (!sa && id.spi_i &&
		this->pending->find_first(this->pending, match_spi, (void**)&sa,
								  &id.spi_i))
	{
		this->pending->remove(this->pending, sa, NULL);
	}
	this->mutex->unlock(this->mutex);
	if (sa)
	{
		sa_destroy(sa);
	}
	return sa != NULL;
}

/**
 * Report one state to a list() callback.
 */
static void report(skip_sa_t *sa, skip_sa_list_cb_t cb, void *ctx)
{
	skip_sa_info_t info = {
		.unique_id = sa->unique_id,
		.initiator = sa->initiator,
		.kp = sa->kp,
		.used = sa->used,
	};

	get_str(info.peer_sid, sa->peer_sid, sizeof(info.peer_sid));
	if (sa->used)
	{
		get_str(info.key_id, sa->key_id, sizeof(info.key_id));
	}
	cb(ctx, &info);
}

METHOD(skip_sa_table_t, list, void,
	private_skip_sa_table_t *this, skip_sa_list_cb_t cb, void *ctx)
{
	enumerator_t *enumerator;
	skip_sa_t *sa;
	void *key;

	this->mutex->lock(this->mutex);
	enumerator = this->sas->create_enumerator(this->sas);
	while (enumerator->enumerate(enumerator, &key, &sa))
	{
		report(sa, cb, ctx);
	}
	enumerator->destroy(enumerator);
	enumerator = this->pending->create_enumerator(this->pending);
	while (enumerator->enumerate(enumerator, &sa))
	{
		report(sa, cb, ctx);
	}
	enumerator->destroy(enumerator);
	this->mutex->unlock(this->mutex);
}

METHOD(skip_sa_table_t, get_count, u_int,
	private_skip_sa_table_t *this)
{
	u_int count;

	this->mutex->lock(this->mutex);
	count = this->sas->get_count(this->sas) +
			this->pending->get_count(this->pending);
	this->mutex->unlock(this->mutex);
	return count;
}

/** the bytes a string of a state holds */
static size_t str_bytes(const char *s)
{
	return s ? strlen(s) + 1 : 0;
}

/** the bytes one state holds */
static size_t sa_bytes(skip_sa_t *sa)
{
	return sizeof(*sa) + sa->key.len +
		   (sa->ppk_id ? sa->ppk_id->get_encoding(sa->ppk_id).len : 0) +
		   str_bytes(sa->local_sid) + str_bytes(sa->peer_sid) +
		   str_bytes(sa->key_id) + str_bytes(sa->reason);
}

METHOD(skip_sa_table_t, get_bytes, size_t,
	private_skip_sa_table_t *this, size_t *state_size)
{
	enumerator_t *enumerator;
	skip_sa_t *sa;
	size_t bytes = 0;
	void *key;

	*state_size = sizeof(skip_sa_t);
	this->mutex->lock(this->mutex);
	enumerator = this->sas->create_enumerator(this->sas);
	while (enumerator->enumerate(enumerator, &key, &sa))
	{
		bytes += sa_bytes(sa);
	}
	enumerator->destroy(enumerator);
	enumerator = this->pending->create_enumerator(this->pending);
	while (enumerator->enumerate(enumerator, &sa))
	{
		bytes += sa_bytes(sa);
	}
	enumerator->destroy(enumerator);
	this->mutex->unlock(this->mutex);
	return bytes;
}

METHOD(skip_sa_table_t, destroy, void,
	private_skip_sa_table_t *this)
{
	this->sas->destroy_function(this->sas, (void*)sa_destroy);
	this->pending->destroy_function(this->pending, (void*)sa_destroy);
	this->mutex->destroy(this->mutex);
	free(this);
}

/*
 * Described in header
 */
skip_sa_table_t *skip_sa_table_create()
{
	private_skip_sa_table_t *this;

	INIT(this,
		.public = {
			.initiate = _initiate,
			.response_received = _response_received,
			.request_received = _request_received,
			.get_peer_sid = _get_peer_sid,
			.choose_kp = _choose_kp,
			.get_kp = _get_kp,
			.announced = _announced,
			.key_id_received = _key_id_received,
			.get_key_id = _get_key_id,
			.lookup = _lookup,
			.fetched = _fetched,
			.failed = _failed,
			.authorized = _authorized,
			.remove = _remove_,
			.list = _list,
			.get_count = _get_count,
			.get_bytes = _get_bytes,
			.destroy = _destroy,
		},
		.sas = hashtable_create(hashtable_hash_ptr, hashtable_equals_ptr, 32),
		.pending = linked_list_create(),
		.mutex = mutex_create(MUTEX_TYPE_DEFAULT),
	);
	return &this->public;
}
