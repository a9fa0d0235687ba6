/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * Configuration of the Security Hub: command line options and the config
 * file (the same options, one "name = value" per line, as skip-kp's).
 */

#ifndef HUB_CONFIG_H_
#define HUB_CONFIG_H_

#include "hub_fault.h"

#include <stdbool.h>
#include <sys/socket.h>

typedef struct {
	/** our name, as the pair directories know it */
	char *name;
	/** listener: the text and its address */
	char *listen;
	struct sockaddr_storage listen_addr;
	int listen_addr_len;
	/** a pair directory per client */
	char *clients_dir;
	/** durable share store (mode 0700) */
	char *state_dir;
	/** seconds an undelivered share is kept */
	unsigned share_ttl;
	/** most client connections at once */
	unsigned max_connections;
	/** seconds a connection may stay idle */
	unsigned idle_timeout;
	/** lock the process memory (shares are never swapped out) */
	bool mlock;
	/** test mode: fault injection allowed */
	bool test_mode;
	/** faults injected (test mode only) */
	hub_faults_t faults;
	/** log level */
	int log_level;
} hub_config_t;

/**
 * Parse the command line and the config file it names; prints usage and
 * errors.
 *
 * @return			config, NULL on error (exit status 2)
 */
hub_config_t *hub_config_parse(int argc, char *argv[]);

/**
 * Free the configuration.
 */
void hub_config_destroy(hub_config_t *config);

#endif /* HUB_CONFIG_H_ */
