/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "skip_kp.h"
#include "skip_kp_gate.h"
#include "skip_kp_prefetch.h"
#include "skip_log.h"

#include <library.h>
#include <skip_validate.h>
#include <threading/condvar.h>
#include <threading/mutex.h>
#include <collections/linked_list.h>
#include <threading/thread.h>

/** capabilities are refreshed this often by default (seconds) */
#define DEFAULT_CAPABILITIES_TTL 600
/** first and longest pause between failed capabilities fetches (ms) */
#define RETRY_MIN_MS 1000
#define RETRY_MAX_MS 60000
/** charon's default first retransmission of a request (ms) */
#define RETRANSMIT_MS 4000
/** an IKE_SA that needs what the cached capabilities lack asks for a
 *  refresh at most this often (ms) */
#define DEMAND_INTERVAL_MS 5000
/** a peer that a refresh did not make known does not ask again for this
 *  long (ms) */
#define NEGATIVE_TTL_MS 60000
/** peers remembered as unknown */
#define NEGATIVE_MAX 32
/** longest a prefetched key may be kept (s) */
#define PREFETCH_MAX_S 3600

/**
 * A peer system ID the capabilities did not know when it was asked about.
 */
typedef struct {
	/** hash of the system ID, 0 for an empty slot */
	u_int hash;
	/** when it was first asked about (monotonic ms) */
	uint64_t since;
} unknown_peer_t;

typedef struct private_skip_kp_t private_skip_kp_t;

struct private_skip_kp_t {

	/** public interface */
	skip_kp_t public;

	/** profile name */
	char *name;

	/** SKIP client */
	skip_client_t *client;

	/** key size to request in bits, 0 for the KP's default */
	u_int key_bits;

	/** budget of a key request (ms) */
	u_int timeout_ms;

	/** name of the fallback profile, NULL if none */
	char *fallback_name;

	/** the fallback profile, once resolved */
	skip_kp_t *fallback;

	/** connections using this profile (char*) */
	linked_list_t *connections;

	/** globs the peer's system ID must match, NULL for any (char*) */
	linked_list_t *expected_peers;

	/** TRUE if marked as default profile */
	bool is_default;

	/** TRUE to send keyIds as raw bytes in PPK_IDENTITY */
	bool raw_key_id;

	/** capabilities refresh interval (ms) */
	uint64_t ttl_ms;

	/** protects the members below */
	mutex_t *mutex;

	/** wakes the refresh thread */
	condvar_t *condvar;

	/** last capabilities received, NULL if none yet */
	skip_capabilities_t *caps;

	/** when caps were received (monotonic ms) */
	uint64_t caps_time;

	/** when capabilities were last asked for (monotonic ms), 0 never */
	uint64_t check_time;

	/** whether that succeeded */
	bool check_ok;

	/** the error of the last failed check */
	char check_error[256];

	/** the protocol, for the status view */
	const char *protocol;

	/** when the refresh thread fetches next (monotonic ms) */
	uint64_t next_fetch;

	/** pause after the next failed fetch (ms) */
	u_int retry_ms;

	/** when an IKE_SA last asked for a refresh (monotonic ms), 0 never */
	uint64_t last_demand;

	/** peers unknown to the capabilities when asked about */
	unknown_peer_t unknown[NEGATIVE_MAX];

	/** refuses key requests while the KP does not answer */
	skip_kp_gate_t *gate;

	/** keys kept ready for initiators, NULL without prefetch */
	skip_kp_prefetch_t *prefetch;

	/** set to stop the refresh thread */
	bool stopping;

	/** refresh thread */
	thread_t *thread;
};

static uint64_t now_ms()
{
	timeval_t tv;

	time_monotonic(&tv);
	return (uint64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

/**
 * Log the capabilities the first time, or when the KP's identity changed.
 */
static void log_capabilities(private_skip_kp_t *this, skip_capabilities_t *old,
							 skip_capabilities_t *caps)
{
	char remotes[256] = "";
	skip_sid_log_t esc;
	size_t i, len = 0;

	if (old && streq(old->local_system_id, caps->local_system_id) &&
		old->remote_system_id_count == caps->remote_system_id_count)
	{
		return;
	}
	for (i = 0; i < caps->remote_system_id_count && len < sizeof(remotes); i++)
	{
		len += snprintf(remotes + len, sizeof(remotes) - len, "%s'%s'",
						i ? ", " : "",
						skip_sid_log(caps->remote_system_ids[i], &esc));
	}
	DBG1(DBG_CFG, "SKIP KP '%s' at %s: local system ID '%s', algorithm '%s', "
		 "shares keys with %s", this->name,
		 this->client->get_url(this->client),
		 skip_sid_log(caps->local_system_id, &esc), caps->algorithm, remotes);
	if (!caps->key)
	{
		DBG1(DBG_CFG, "SKIP KP '%s' does not offer GET /key, it cannot "
			 "provide PPKs", this->name);
	}
}

/**
 * Log that the KP stopped answering and key requests now fail at once.
 */
static void log_gate_closed(private_skip_kp_t *this)
{
	DBG1(DBG_CFG, "SKIP KP '%s' did not answer in time: key requests to it "
		 "fail at once until it answers a health check (in %u ms at the "
		 "earliest)", this->name,
		 (u_int)(this->gate->reopens_at(this->gate) - now_ms()));
}

/**
 * Tell the gate how a key request that went out ended; a KP that did not
 * answer gets its health check when the gate may open again. Call with the
 * mutex held.
 */
static void gate_key_result(private_skip_kp_t *this, skip_status_t status)
{
	uint64_t reopens;

	if (this->gate->key_result(this->gate, now_ms(), status))
	{
		log_gate_closed(this);
		reopens = this->gate->reopens_at(this->gate);
		if (reopens < this->next_fetch)
		{
			this->next_fetch = reopens;
			this->condvar->signal(this->condvar);
		}
	}
}

/**
 * Fetch a key for a peer that wants one kept ready, if the gate lets it
 * go out. Called by the refresh thread with the mutex held, which is
 * released during the I/O.
 *
 * @return			TRUE if a key was asked for
 */
static bool prefetch_one(private_skip_kp_t *this)
{
	char peer[SKIP_SYSTEM_ID_MAX + 1];
	skip_error_t err = {};
	skip_key_t *key = NULL;
	skip_status_t status;
	skip_sid_log_t esc;
	uint64_t since;

	if (!this->prefetch || !this->gate->admit(this->gate, now_ms(), &since) ||
		!this->prefetch->next(this->prefetch, peer))
	{
		return FALSE;
	}
	this->mutex->unlock(this->mutex);
	status = this->client->get_key(this->client, peer, this->key_bits, 0,
								   &key, &err);
	this->mutex->lock(this->mutex);
	gate_key_result(this, status);
	if (status != SKIP_OK)
	{
		DBG1(DBG_CFG, "SKIP KP '%s': prefetching a key for peer system ID "
			 "'%s' failed: %s (%s)", this->name, skip_sid_log(peer, &esc),
			 skip_status_name(err.status), err.detail);
		this->prefetch->failed(this->prefetch, peer);
		return TRUE;
	}
	DBG2(DBG_CFG, "SKIP KP '%s': prefetched a key with keyId %s for peer "
		 "system ID '%s'", this->name, key->key_id, skip_sid_log(peer, &esc));
	this->prefetch->put(this->prefetch, peer, key, now_ms());
	return TRUE;
}

/**
 * Fetch the capabilities (I/O, no lock held) and store them.
 */
static bool fetch_capabilities(private_skip_kp_t *this)
{
	skip_capabilities_t *caps, *old;
	skip_error_t err = {};

	if (this->client->get_capabilities(this->client, &caps, &err) != SKIP_OK)
	{
		DBG1(DBG_CFG, "SKIP KP '%s': capabilities (health check) failed: %s (%s)",
			 this->name, skip_status_name(err.status), err.detail);
		this->mutex->lock(this->mutex);
		this->check_time = now_ms();
		this->check_ok = FALSE;
		if (this->gate->check_result(this->gate, this->check_time,
									 err.status))
		{
			log_gate_closed(this);
		}
		snprintf(this->check_error, sizeof(this->check_error), "%s (%s)",
				 skip_status_name(err.status), err.detail);
		this->mutex->unlock(this->mutex);
		return FALSE;
	}
	this->mutex->lock(this->mutex);
	this->check_time = now_ms();
	this->check_ok = TRUE;
	this->gate->check_result(this->gate, this->check_time, SKIP_OK);
	old = this->caps;
	this->caps = caps;
	this->caps_time = now_ms();
	log_capabilities(this, old, caps);
	this->mutex->unlock(this->mutex);
	skip_capabilities_destroy(old);
	return TRUE;
}

/**
 * Keeps the capabilities fresh: at start-up, every TTL, and with backoff
 * while the KP cannot be reached.
 */
static void *refresh_thread(private_skip_kp_t *this)
{
	uint64_t now, wake, expires;
	bool ok;

	this->mutex->lock(this->mutex);
	while (!this->stopping)
	{
		now = now_ms();
		if (now < this->next_fetch)
		{
			if (prefetch_one(this))
			{
				continue;
			}
			wake = this->next_fetch;
			expires = this->prefetch ? this->prefetch->expire(this->prefetch,
															  now) : 0;
			if (expires && expires < wake)
			{
				wake = expires;
			}
			this->condvar->timed_wait(this->condvar, this->mutex, wake - now);
			continue;
		}
		this->mutex->unlock(this->mutex);
		ok = fetch_capabilities(this);
		this->mutex->lock(this->mutex);
		if (ok)
		{
			this->retry_ms = RETRY_MIN_MS;
			this->next_fetch = now_ms() + this->ttl_ms;
		}
		else
		{
			this->next_fetch = now_ms() + this->retry_ms;
			this->retry_ms = min(this->retry_ms * 2, RETRY_MAX_MS);
		}
	}
	this->mutex->unlock(this->mutex);
	return NULL;
}

METHOD(skip_kp_t, get_name, const char*,
	private_skip_kp_t *this)
{
	return this->name;
}

/**
 * Fetch the capabilities now instead of at the next refresh or after the
 * backoff, because an IKE_SA needs what they lack; at most once per
 * DEMAND_INTERVAL_MS, whoever asks: the refresh thread is the only one that
 * fetches. Call with the mutex held.
 */
static void request_refresh(private_skip_kp_t *this)
{
	uint64_t now = now_ms();

	if (this->last_demand && now - this->last_demand < DEMAND_INTERVAL_MS)
	{
		return;
	}
	this->last_demand = now;
	this->next_fetch = min(this->next_fetch, now);
	this->condvar->signal(this->condvar);
}

/**
 * Whether a peer the capabilities do not know should ask for a refresh: not
 * if it asked before and a refresh since did not make it known. Call with
 * the mutex held.
 */
static bool unknown_peer_asks(private_skip_kp_t *this, const char *peer)
{
	u_int hash = chunk_hash(chunk_from_str((char*)peer)) ?: 1;
	unknown_peer_t *oldest = &this->unknown[0];
	uint64_t now = now_ms();
	int i;

	for (i = 0; i < NEGATIVE_MAX; i++)
	{
		if (this->unknown[i].hash == hash)
		{
			if (now - this->unknown[i].since > NEGATIVE_TTL_MS)
			{
				this->unknown[i].since = now;
				return TRUE;
			}
			/* known unknown once capabilities arrived after it asked */
			return !this->caps || this->caps_time < this->unknown[i].since;
		}
		if (this->unknown[i].since < oldest->since)
		{
			oldest = &this->unknown[i];
		}
	}
	*oldest = (unknown_peer_t){
		.hash = hash,
		.since = now,
	};
	return TRUE;
}

METHOD(skip_kp_t, get_local_system_id, bool,
	private_skip_kp_t *this, char buf[SKIP_SYSTEM_ID_MAX + 1])
{
	bool found = FALSE;

	this->mutex->lock(this->mutex);
	if (this->caps)
	{
		strncpy(buf, this->caps->local_system_id, SKIP_SYSTEM_ID_MAX);
		buf[SKIP_SYSTEM_ID_MAX] = '\0';
		found = TRUE;
	}
	else
	{
		request_refresh(this);
	}
	this->mutex->unlock(this->mutex);
	return found;
}

METHOD(skip_kp_t, allows_cached, bool,
	private_skip_kp_t *this, const char *peer)
{
	bool allowed;

	this->mutex->lock(this->mutex);
	allowed = this->caps && skip_capabilities_allows(this->caps, peer);
	if (!allowed && unknown_peer_asks(this, peer))
	{	/* a new peer KP may have been added */
		request_refresh(this);
	}
	this->mutex->unlock(this->mutex);
	return allowed;
}

METHOD(skip_kp_t, expects_peer, bool,
	private_skip_kp_t *this, const char *peer)
{
	enumerator_t *enumerator;
	char *glob;
	bool match;

	if (!this->expected_peers)
	{
		return TRUE;
	}
	enumerator = this->expected_peers->create_enumerator(this->expected_peers);
	while ((match = enumerator->enumerate(enumerator, &glob)))
	{
		if (skip_glob_match(glob, peer))
		{
			break;
		}
	}
	enumerator->destroy(enumerator);
	return match;
}

/**
 * Whether a key request for a peer may go to the KP: refused only if the
 * cached capabilities do not know the peer (no I/O: without capabilities
 * the key request itself reports why the KP cannot be used).
 */
static bool check_peer(private_skip_kp_t *this, const char *peer,
					   skip_error_t *err)
{
	skip_sid_log_t esc;
	bool known, allowed;

	this->mutex->lock(this->mutex);
	known = this->caps != NULL;
	this->mutex->unlock(this->mutex);
	allowed = allows_cached(this, peer);
	if (known && !allowed)
	{
		skip_error_set(err, SKIP_ERR_INVALID_ARG, 0,
					   "peer system ID '%s' is not among the remote systems "
					   "of KP '%s'", skip_sid_log(peer, &esc), this->name);
		return FALSE;
	}
	return TRUE;
}

/**
 * Whether a key request may go to the KP: not while it is known not to
 * answer. Waiting for the same hang again would hold another IKE_SA checked
 * out for the whole budget, and with it every initiation on the gateway
 * (charon's IKE_SA reuse check waits for all checked-out IKE_SAs).
 */
static bool admit(private_skip_kp_t *this, skip_error_t *err)
{
	uint64_t since, now = now_ms();
	bool admitted;

	this->mutex->lock(this->mutex);
	admitted = this->gate->admit(this->gate, now, &since);
	this->mutex->unlock(this->mutex);
	if (!admitted)
	{
		skip_error_set(err, SKIP_ERR_TIMEOUT, 0, "not asked: KP '%s' did not "
					   "answer in time %llu ms ago, key requests to it fail at "
					   "once until it answers a health check", this->name,
					   (unsigned long long)(now - since));
	}
	return admitted;
}

/**
 * Tell the gate how a key request that went out ended.
 */
static skip_status_t key_result(private_skip_kp_t *this, skip_status_t status)
{
	this->mutex->lock(this->mutex);
	gate_key_result(this, status);
	this->mutex->unlock(this->mutex);
	return status;
}

/**
 * An initiator's key kept ready by prefetch, if any; asks the refresh
 * thread for a replacement either way.
 */
static skip_key_t *take_prefetched(private_skip_kp_t *this, const char *peer)
{
	skip_key_t *key;

	if (!this->prefetch)
	{
		return NULL;
	}
	this->mutex->lock(this->mutex);
	key = this->prefetch->take(this->prefetch, peer, now_ms());
	this->condvar->signal(this->condvar);
	this->mutex->unlock(this->mutex);
	if (key)
	{
		DBG2(DBG_CFG, "SKIP KP '%s': using the prefetched key with keyId %s",
			 this->name, key->key_id);
	}
	return key;
}

METHOD(skip_kp_t, get_key, skip_status_t,
	private_skip_kp_t *this, const char *peer, u_int budget_ms,
	skip_key_t **key, skip_error_t *err)
{
	if (!check_peer(this, peer, err))
	{
		return err->status;
	}
	*key = take_prefetched(this, peer);
	if (*key)
	{
		return SKIP_OK;
	}
	if (!admit(this, err))
	{
		return err->status;
	}
	return key_result(this, this->client->get_key(this->client, peer,
									this->key_bits, budget_ms, key, err));
}

METHOD(skip_kp_t, get_key_by_id, skip_status_t,
	private_skip_kp_t *this, const char *key_id, const char *peer,
	u_int budget_ms, skip_key_t **key, skip_error_t *err)
{
	if (!check_peer(this, peer, err) || !admit(this, err))
	{
		return err->status;
	}
	return key_result(this, this->client->get_key_by_id(this->client, key_id,
									peer, budget_ms, key, err));
}

METHOD(skip_kp_t, get_timeout, u_int,
	private_skip_kp_t *this)
{
	return this->timeout_ms;
}

METHOD(skip_kp_t, get_fallback_name, char*,
	private_skip_kp_t *this)
{
	return this->fallback_name;
}

METHOD(skip_kp_t, get_fallback, skip_kp_t*,
	private_skip_kp_t *this)
{
	return this->fallback;
}

METHOD(skip_kp_t, set_fallback, void,
	private_skip_kp_t *this, skip_kp_t *fallback)
{
	this->fallback = fallback;
}

METHOD(skip_kp_t, serves_connection, bool,
	private_skip_kp_t *this, const char *connection)
{
	return this->connections->find_first(this->connections,
							linked_list_match_str, NULL, connection);
}

METHOD(skip_kp_t, has_connections, bool,
	private_skip_kp_t *this)
{
	return this->connections->get_count(this->connections) > 0;
}

METHOD(skip_kp_t, key_id_valid, bool,
	private_skip_kp_t *this, const char *s, size_t len)
{
	return this->client->key_id_valid(this->client, s, len);
}

METHOD(skip_kp_t, get_health, void,
	private_skip_kp_t *this, skip_kp_health_t *health)
{
	uint64_t since, now = now_ms();

	*health = (skip_kp_health_t){
		.protocol = this->protocol,
		.checked_ago = -1,
		.refusing_ago = -1,
		.prefetch = this->prefetch != NULL,
	};
	snprintf(health->url, sizeof(health->url), "%s",
			 this->client->get_url(this->client));
	this->mutex->lock(this->mutex);
	if (this->caps)
	{
		snprintf(health->system_id, sizeof(health->system_id), "%s",
				 this->caps->local_system_id);
	}
	if (this->check_time)
	{
		health->checked_ago = (now - this->check_time) / 1000;
		health->ok = this->check_ok;
		memcpy(health->error, this->check_error, sizeof(health->error));
	}
	if (!this->gate->admit(this->gate, now, &since))
	{
		health->refusing_ago = (now - since) / 1000;
	}
	if (this->prefetch)
	{
		this->prefetch->counts(this->prefetch, &health->prefetch_ready,
							   &health->prefetch_used,
							   &health->prefetch_discarded);
	}
	this->mutex->unlock(this->mutex);
}

METHOD(skip_kp_t, sends_raw_key_id, bool,
	private_skip_kp_t *this)
{
	return this->raw_key_id;
}

METHOD(skip_kp_t, is_default, bool,
	private_skip_kp_t *this)
{
	return this->is_default;
}

METHOD(skip_kp_t, destroy, void,
	private_skip_kp_t *this)
{
	if (this->thread)
	{
		this->mutex->lock(this->mutex);
		this->stopping = TRUE;
		this->condvar->signal(this->condvar);
		this->mutex->unlock(this->mutex);
		this->thread->join(this->thread);
	}
	DESTROY_IF(this->client);
	DESTROY_IF(this->gate);
	DESTROY_IF(this->prefetch);
	skip_capabilities_destroy(this->caps);
	this->connections->destroy_function(this->connections, free);
	DESTROY_FUNCTION_IF(this->expected_peers, free);
	free(this->fallback_name);
	this->condvar->destroy(this->condvar);
	this->mutex->destroy(this->mutex);
	free(this->name);
	free(this);
}

/**
 * Read a setting of this KP's section.
 */
static char *setting(private_skip_kp_t *this, char *key)
{
	return lib->settings->get_str(lib->settings, "%s.plugins.skip.kp.%s.%s",
								  NULL, lib->ns, this->name, key);
}

/**
 * Convert a time setting in seconds to ms, within sane bounds.
 */
static bool setting_ms(private_skip_kp_t *this, char *key, u_int def_ms,
					   u_int *out)
{
	double value = lib->settings->get_double(lib->settings,
						"%s.plugins.skip.kp.%s.%s", def_ms / 1000.0, lib->ns,
						this->name, key);

	if (value < 0.01 || value > 60)
	{
		DBG1(DBG_CFG, "SKIP KP '%s': %s must be between 0.01 and 60 seconds",
			 this->name, key);
		return FALSE;
	}
	*out = (u_int)(value * 1000);
	if (streq(key, "timeout") && *out >= RETRANSMIT_MS)
	{
		DBG1(DBG_CFG, "SKIP KP '%s': a timeout of %.1f s exceeds the 4 s "
			 "after which peers retransmit IKE_AUTH", this->name, value);
	}
	return TRUE;
}

/**
 * The key source protocol and what it needs from the settings.
 *
 * @param remotes	receives the remote_system_id globs as an array (freed
 *					by the caller)
 */
static bool source_settings(private_skip_kp_t *this, skip_kp_config_t *config,
							const char ***remotes)
{
	char *protocol = setting(this, "protocol") ?: "skip";
	enumerator_t *enumerator;
	char *glob;
	int i = 0;

	this->protocol = streq(protocol, "etsi014") ? "etsi014" : "skip";
	if (streq(protocol, "skip"))
	{
		config->protocol = SKIP_PROTOCOL_SKIP;
		return TRUE;
	}
	if (!streq(protocol, "etsi014"))
	{
		DBG1(DBG_CFG, "SKIP KP '%s': protocol must be skip or etsi014, not "
			 "'%s'", this->name, protocol);
		return FALSE;
	}
	config->protocol = SKIP_PROTOCOL_ETSI014;
	config->sae_id = setting(this, "sae_id");
	config->kme_id = setting(this, "kme_id");
	config->etsi_get = lib->settings->get_bool(lib->settings,
						"%s.plugins.skip.kp.%s.etsi_get", FALSE, lib->ns,
						this->name);
	if (this->expected_peers)
	{	/* the peers' SAE IDs: also what the health check asks about */
		*remotes = calloc(this->expected_peers->get_count(this->expected_peers),
						  sizeof(char*));
		enumerator = this->expected_peers->create_enumerator(
													this->expected_peers);
		while (enumerator->enumerate(enumerator, &glob))
		{
			(*remotes)[i++] = glob;
		}
		enumerator->destroy(enumerator);
		config->remote_sae_ids = *remotes;
		config->remote_sae_id_count = i;
	}
	return TRUE;
}

/**
 * Build the client from the settings; the PSK is read from its file and
 * wiped again once the client has its copy.
 */
static bool create_client(private_skip_kp_t *this)
{
	skip_kp_config_t config = {
		.url = setting(this, "url"),
		.ca_file = setting(this, "ca"),
		.cert_file = setting(this, "cert"),
		.key_file = setting(this, "key"),
		.log = skip_log_kp,
		.log_ctx = this->name,
	};
	char *auth, *psk_file, *identity, errbuf[256];
	const char **remotes = NULL;
	skip_error_t err = {};
	skip_psk_t psk;

	if (!config.url)
	{
		DBG1(DBG_CFG, "SKIP KP '%s': no url configured", this->name);
		return FALSE;
	}
	psk_file = setting(this, "psk_file");
	auth = setting(this, "auth") ?: (psk_file ? "psk" : "cert");
	if (!setting_ms(this, "timeout", SKIP_DEFAULT_TIMEOUT_MS,
					&config.timeout_ms) ||
		!setting_ms(this, "connect_timeout", SKIP_DEFAULT_CONNECT_TIMEOUT_MS,
					&config.connect_timeout_ms))
	{
		return FALSE;
	}
	config.allow_tls12 = lib->settings->get_bool(lib->settings,
						"%s.plugins.skip.kp.%s.tls12", FALSE, lib->ns,
						this->name);
	config.connections = lib->settings->get_int(lib->settings,
						"%s.plugins.skip.kp.%s.pool_size",
						SKIP_DEFAULT_CONNECTIONS, lib->ns, this->name);
	if (config.connections < 1 || config.connections > 256)
	{
		DBG1(DBG_CFG, "SKIP KP '%s': pool_size must be between 1 and 256",
			 this->name);
		return FALSE;
	}
	if (streq(auth, "psk"))
	{
		identity = setting(this, "psk_identity");
		if (!psk_file || !identity)
		{
			DBG1(DBG_CFG, "SKIP KP '%s': auth = psk needs psk_identity and "
				 "psk_file", this->name);
			return FALSE;
		}
		if (!skip_psk_load(psk_file, identity, &psk, errbuf, sizeof(errbuf)))
		{
			DBG1(DBG_CFG, "SKIP KP '%s': %s", this->name, errbuf);
			return FALSE;
		}
		config.auth = SKIP_AUTH_PSK;
		config.psk = &psk;
	}
	else if (streq(auth, "cert"))
	{
		config.auth = SKIP_AUTH_CERT;
	}
	else
	{
		DBG1(DBG_CFG, "SKIP KP '%s': auth must be psk or cert, not '%s'",
			 this->name, auth);
		return FALSE;
	}
	if (source_settings(this, &config, &remotes))
	{
		this->client = skip_source_create(&config, &err);
	}
	else
	{
		skip_error_set(&err, SKIP_ERR_INVALID_ARG, 0, "invalid protocol "
					   "settings");
	}
	if (config.psk)
	{
		memwipe(&psk, sizeof(psk));
	}
	free(remotes);
	if (!this->client)
	{
		DBG1(DBG_CFG, "SKIP KP '%s': %s", this->name, err.detail);
		return FALSE;
	}
	this->timeout_ms = config.timeout_ms;
	DBG2(DBG_CFG, "SKIP KP '%s': %s, %s authentication%s, budget %u ms",
		 this->name, config.url, auth,
		 config.allow_tls12 ? ", TLS 1.2 allowed" : "", config.timeout_ms);
	return TRUE;
}

/**
 * Read a list setting (names separated by commas or spaces), NULL if unset.
 */
static linked_list_t *load_list(private_skip_kp_t *this, char *key)
{
	enumerator_t *enumerator;
	linked_list_t *list;
	char *value, *name;

	value = setting(this, key);
	if (!value)
	{
		return NULL;
	}
	list = linked_list_create();
	enumerator = enumerator_create_token(value, ",", " ");
	while (enumerator->enumerate(enumerator, &name))
	{
		list->insert_last(list, strdup(name));
	}
	enumerator->destroy(enumerator);
	return list;
}

/**
 * Read "connections" (names of connections) and "remote_system_id" (globs).
 */
static bool load_lists(private_skip_kp_t *this)
{
	enumerator_t *enumerator;
	linked_list_t *list;
	char *name;
	bool ok = TRUE;

	list = load_list(this, "connections");
	if (list)
	{
		this->connections->destroy(this->connections);
		this->connections = list;
		if (list->get_count(list) == 1 && list->get_first(list,
			(void**)&name) == SUCCESS && strspn(name, "0123456789") ==
			strlen(name))
		{	/* "connections" was once the pool size */
			DBG1(DBG_CFG, "SKIP KP '%s': connections = %s names connections "
				 "this profile serves; the number of KP connections kept "
				 "open is pool_size", this->name, name);
		}
	}
	this->expected_peers = load_list(this, "remote_system_id");
	if (this->expected_peers)
	{
		enumerator = this->expected_peers->create_enumerator(
													this->expected_peers);
		while (enumerator->enumerate(enumerator, &name))
		{
			if (!skip_glob_valid(name, strlen(name)))
			{
				DBG1(DBG_CFG, "SKIP KP '%s': remote_system_id entry is not a "
					 "valid system ID glob", this->name);
				ok = FALSE;
			}
		}
		enumerator->destroy(enumerator);
	}
	return ok;
}

/*
 * Described in header
 */
skip_kp_t *skip_kp_create(const char *name)
{
	private_skip_kp_t *this;
	char *format;
	int key_bits;
	uint32_t prefetch;

	INIT(this,
		.public = {
			.get_name = _get_name,
			.get_local_system_id = _get_local_system_id,
			.allows_cached = _allows_cached,
			.expects_peer = _expects_peer,
			.get_key = _get_key,
			.get_key_by_id = _get_key_by_id,
			.get_timeout = _get_timeout,
			.get_fallback_name = _get_fallback_name,
			.get_fallback = _get_fallback,
			.set_fallback = _set_fallback,
			.serves_connection = _serves_connection,
			.has_connections = _has_connections,
			.key_id_valid = _key_id_valid,
			.sends_raw_key_id = _sends_raw_key_id,
			.get_health = _get_health,
			.is_default = _is_default,
			.destroy = _destroy,
		},
		.name = strdup(name),
		.mutex = mutex_create(MUTEX_TYPE_DEFAULT),
		.condvar = condvar_create(CONDVAR_TYPE_DEFAULT),
		.retry_ms = RETRY_MIN_MS,
		.connections = linked_list_create(),
	);
	if (!load_lists(this))
	{
		destroy(this);
		return NULL;
	}
	this->fallback_name = strdupnull(setting(this, "fallback"));
	format = setting(this, "ppk_id_format") ?: "text";
	if (!streq(format, "text") && !streq(format, "raw"))
	{
		DBG1(DBG_CFG, "SKIP KP '%s': ppk_id_format must be text or raw",
			 name);
		destroy(this);
		return NULL;
	}
	this->raw_key_id = streq(format, "raw");
	this->gate = skip_kp_gate_create(lib->settings->get_bool(lib->settings,
						"%s.plugins.skip.kp.%s.fail_fast", TRUE, lib->ns, name));
	prefetch = lib->settings->get_time(lib->settings,
						"%s.plugins.skip.kp.%s.prefetch", 0, lib->ns, name);
	if (prefetch > PREFETCH_MAX_S)
	{
		DBG1(DBG_CFG, "SKIP KP '%s': prefetch must be at most %d s", name,
			 PREFETCH_MAX_S);
		destroy(this);
		return NULL;
	}
	if (prefetch)
	{
		this->prefetch = skip_kp_prefetch_create(prefetch * 1000, this->name);
	}
	this->is_default = lib->settings->get_bool(lib->settings,
						"%s.plugins.skip.kp.%s.default", FALSE, lib->ns, name);
	this->ttl_ms = 1000 * (uint64_t)lib->settings->get_time(lib->settings,
						"%s.plugins.skip.kp.%s.capabilities_ttl",
						DEFAULT_CAPABILITIES_TTL, lib->ns, name);
	key_bits = lib->settings->get_int(lib->settings,
						"%s.plugins.skip.kp.%s.key_size", 0, lib->ns, name);
	if (key_bits < 0 || key_bits % 8 ||
		(key_bits && key_bits < SKIP_MIN_KEY_BITS))
	{
		DBG1(DBG_CFG, "SKIP KP '%s': key_size must be 0 or a multiple of 8 "
			 "of at least %d", name, SKIP_MIN_KEY_BITS);
		destroy(this);
		return NULL;
	}
	this->key_bits = key_bits;
	if (!this->ttl_ms || !create_client(this))
	{
		destroy(this);
		return NULL;
	}
	this->thread = thread_create((thread_main_t)refresh_thread, this);
	if (!this->thread)
	{
		DBG1(DBG_CFG, "SKIP KP '%s': cannot start refresh thread", name);
		destroy(this);
		return NULL;
	}
	return &this->public;
}
