/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * Configuration of the reference Key Provider.
 */

#ifndef KP_CONFIG_H_
#define KP_CONFIG_H_

#include <skip_tls.h>

#include <stdbool.h>
#include <stddef.h>

/**
 * An encryptor allowed to use the SKIP API with a PSK.
 */
typedef struct {
	/** the PSK and its identity */
	skip_psk_t psk;
} kp_client_t;

/**
 * A peer KP keys are synchronized with.
 */
typedef struct {
	/** the peer's localSystemID */
	char *system_id;
	/** host and port of its synchronization listener */
	char *host;
	unsigned port;
	/** PSK shared with this peer; our identity is our system ID */
	skip_psk_t psk;
} kp_peer_t;

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
	/** server certificate and key (PEM), optional in PSK-only mode */
	char *cert_file;
	char *key_file;
	/** CA verifying encryptors' client certificates, optional */
	char *ca_file;
	/** also allow TLS 1.2 */
	bool tls12;
	/** encryptors authenticating with a PSK */
	kp_client_t *clients;
	size_t client_count;
	/** synchronization listener, optional */
	char *sync_host;
	unsigned sync_port;
	/** peer KPs */
	kp_peer_t *peers;
	size_t peer_count;
	/** seconds a synchronized key waits to be fetched before it is wiped */
	unsigned key_ttl;
	/** log level */
	int log_level;
} kp_config_t;

/**
 * Parse the command line; prints usage and errors.
 *
 * @return			config, NULL on error (exit status 2)
 */
kp_config_t *kp_config_parse(int argc, char *argv[]);

/**
 * Find a peer by system ID.
 */
kp_peer_t *kp_config_find_peer(kp_config_t *config, const char *system_id);

/**
 * Wipe PSKs and free the configuration.
 */
void kp_config_destroy(kp_config_t *config);

#endif /* KP_CONFIG_H_ */
