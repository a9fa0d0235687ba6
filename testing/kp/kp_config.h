/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * Configuration of the reference Key Provider: command line options and the
 * config file (the same options, one "name = value" per line).
 */

#ifndef KP_CONFIG_H_
#define KP_CONFIG_H_

#include <skip_tls.h>

#include <stdbool.h>
#include <stddef.h>

/** most server certificates (one per key type makes sense) */
#define KP_CERTS_MAX 4

/**
 * An encryptor allowed to use the SKIP API with a PSK.
 */
typedef struct {
	/** the PSK and its identity */
	skip_psk_t psk;
} kp_client_t;

/**
 * Which remote systems some encryptors may share keys with.
 */
typedef struct {
	/** glob over client names ("psk:IDENTITY" or "cert:SUBJECT") */
	char *who;
	/** globs over remote system IDs */
	char **remotes;
	size_t remote_count;
} kp_allow_t;

/**
 * How keys are synchronized with a peer KP.
 */
typedef enum {
	/** over HTTPS straight to the peer's synchronization listener */
	KP_SYNC_DIRECT,
	/** through k of n Security Hubs (DSKE, docs/kp.md "DSKE") */
	KP_SYNC_DSKE,
} kp_sync_kind_t;

/**
 * A DSKE Security Hub (--dske-hub): every DSKE peer shares its keys over
 * all of them.
 */
typedef struct {
	/** the hub's name (as in its registration bundle) */
	char *name;
	/** where it listens */
	char *host;
	unsigned port;
	/** its index 1..H: the Shamir coordinate, the same on both KPs */
	unsigned index;
	/** our pair directory with this hub (registration, PSRD) */
	char *dir;
} kp_hub_t;

/**
 * A peer KP keys are synchronized with. Its system ID may be a glob: then
 * the entry stands for every system the glob matches, all reached through
 * one synchronization endpoint (a relay, or a KP serving many systems) and
 * authenticated with one PSK.
 */
typedef struct {
	/** the peer's localSystemID, or a glob over system IDs */
	char *system_id;
	/** whether system_id holds glob characters */
	bool glob;
	/** host and port of its synchronization listener */
	char *host;
	unsigned port;
	/** PSK shared with this peer; our identity is our system ID */
	skip_psk_t psk;
	/** globs over the encryptors ("psk:IDENTITY", "cert:SUBJECT") that
	 *  may take keys this peer delivered; none: every encryptor the
	 *  --allow rules let use the peer */
	char **receivers;
	size_t receiver_count;
	/** how keys are synchronized with it; DSKE peers have no host, port
	 *  and PSK */
	kp_sync_kind_t sync;
	/** DSKE: the peer's client name at the hubs */
	char *dske_client;
	/** DSKE: shares needed to rebuild a key (sending and least accepted) */
	unsigned dske_k;
} kp_peer_t;

/**
 * An SAE of ETSI GS QKD 014 (docs/kp.md "ETSI GS QKD 014"): its ID, the
 * KP (system) it sits behind, and for our own SAEs the client certificate
 * it authenticates with.
 */
typedef struct {
	/** SAE ID (kp_sae_id_valid()) */
	char *id;
	/** system ID of its KP: ours for local SAEs, else a peer's */
	char *system_id;
	/** local SAEs: glob over client names ("cert:SUBJECT") of the SAE */
	char *who;
} kp_sae_t;

/**
 * A server certificate and its key (PEM files).
 */
typedef struct {
	char *cert_file;
	char *key_file;
} kp_cert_t;

/**
 * Everything the KP is told at start.
 */
typedef struct {
	/** our localSystemID */
	char *system_id;
	/** "algorithm" of the capabilities */
	char *algorithm;
	/** SKIP API listener */
	char *listen_host;
	unsigned listen_port;
	/** server certificates, optional in PSK-only mode */
	kp_cert_t certs[KP_CERTS_MAX];
	size_t cert_count;
	size_t key_count;
	/** CA verifying encryptors' client certificates, optional */
	char *ca_file;
	/** lowest and highest TLS version offered (TLS1_2_VERSION...) */
	int tls_min;
	int tls_max;
	/** TLS 1.2 suites offered (OpenSSL names, a subset of the draft's) */
	char *tls12_ciphers;
	/** encryptors authenticating with a PSK */
	kp_client_t *clients;
	size_t client_count;
	/** authorization rules; none: every client may use every peer */
	kp_allow_t *allows;
	size_t allow_count;
	/** synchronization listener, optional */
	char *sync_host;
	unsigned sync_port;
	/** peer KPs */
	kp_peer_t *peers;
	size_t peer_count;
	/** DSKE Security Hubs */
	kp_hub_t *hubs;
	size_t hub_count;
	/** size of DSKE keys in bits, a multiple of 128 */
	unsigned dske_key_bits;
	/** SAEs of the ETSI GS QKD 014 API */
	kp_sae_t *saes;
	size_t sae_count;
	/** ETSI GS QKD 014 key sizes (bits): default, smallest, largest */
	unsigned etsi_key_size;
	unsigned etsi_min_key_size;
	unsigned etsi_max_key_size;
	/** most keys in one ETSI GS QKD 014 request */
	unsigned etsi_max_keys;
	/** seconds a synchronized key waits to be fetched before it is wiped */
	unsigned key_ttl;
	/** pre-synchronized keys kept per peer, 0 for none */
	unsigned key_pool;
	/** directory of the durable key store, NULL to keep keys in memory */
	char *state_dir;
	/** most client connections at once on the SKIP API */
	unsigned max_connections;
	/** seconds a client has to complete a request (and idle timeout) */
	unsigned request_timeout;
	/** lock the process memory (no key is ever swapped out) */
	bool mlock;
	/** test mode: fault injection allowed */
	bool test_mode;
	/** faults injected from the start (test mode only), NULL for none */
	char *test_faults;
	/** file every delivered key is appended to (test mode only: tests
	 *  check that no key shows up in any log), NULL for none */
	char *test_key_log;
	/** log level */
	int log_level;
} kp_config_t;

/**
 * Parse the command line and the config files it names; prints usage and
 * errors.
 *
 * @return			config, NULL on error (exit status 2)
 */
kp_config_t *kp_config_parse(int argc, char *argv[]);

/**
 * Find the peer entry for a system ID: an exact entry first, else the first
 * glob entry that matches.
 *
 * @return			peer, NULL if no entry covers the system ID
 */
kp_peer_t *kp_config_find_peer(kp_config_t *config, const char *system_id);

/**
 * Find an SAE by its ID.
 *
 * @return			SAE, NULL if not configured
 */
kp_sae_t *kp_config_find_sae(kp_config_t *config, const char *id);

/**
 * The local SAE an authenticated client is (the first whose WHO matches).
 *
 * @param client	client name ("psk:IDENTITY" or "cert:SUBJECT")
 * @return			SAE, NULL if the client is none of ours
 */
kp_sae_t *kp_config_client_sae(kp_config_t *config, const char *client);

/**
 * Split HOST:PORT ([v6]:PORT accepted).
 *
 * @param host		receives the host (allocated)
 */
bool kp_config_address(const char *arg, char **host, unsigned *port);

/**
 * Parse --dske-hub NAME,HOST:PORT,INDEX,DIR (kp_config_dske.c).
 */
bool kp_config_add_hub(kp_config_t *config, const char *arg);

/**
 * Check the DSKE options once all are read (kp_config_dske.c).
 */
bool kp_config_check_dske(kp_config_t *config);

/**
 * Free the hubs (kp_config_dske.c).
 */
void kp_config_free_hubs(kp_config_t *config);

/**
 * Wipe PSKs and free the configuration.
 */
void kp_config_destroy(kp_config_t *config);

#endif /* KP_CONFIG_H_ */
