/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "hub_config.h"
#include "kp_conffile.h"

#include <dske_pair.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/util.h>

#define DEFAULT_LISTEN "127.0.0.1:7140"
#define DEFAULT_SHARE_TTL 600
#define DEFAULT_MAX_CONNECTIONS 1024
#define DEFAULT_IDLE_TIMEOUT 60

static void usage(FILE *out)
{
	fprintf(out,
"usage: skip-hub --name NAME --clients-dir DIR --state-dir DIR [options]\n"
"       skip-hub --config FILE [options]\n"
"       skip-hub bundle --hubs NAME[,NAME..] --clients NAME[,NAME..]\n"
"                       --words N --out DIR\n"
"\n"
"DSKE Security Hub for the reference KPs (docs/dske.md): stores the shares\n"
"clients upload and hands them to their recipients as key instructions.\n"
"\"skip-hub bundle\" makes the registration bundles of hubs and clients.\n"
"\n"
"  --config FILE              read options from FILE, one \"name = value\"\n"
"                             per line (names as below, without --)\n"
"  --name NAME                our hub name, as the pair directories say\n"
"  --listen HOST:PORT         address clients connect to [" DEFAULT_LISTEN "]\n"
"  --clients-dir DIR          a pair directory per client (DIR/CLIENT)\n"
"  --state-dir DIR            durable share store (mode 0700)\n"
"  --share-ttl SECONDS        undelivered shares are wiped after this\n"
"                             time [%d]\n"
"  --max-connections N        client connections at once [%d]\n"
"  --idle-timeout SECONDS     idle connections are closed after this\n"
"                             time [%d]\n"
"  --mlock                    lock memory so that shares are never swapped\n"
"  --test-mode                allow fault injection (tests only!)\n"
"  --test-faults SPEC         corrupt, replay, replay-frame, hang\n"
"                             (comma-separated), see docs/dske.md\n"
"  -v, --verbose              log debug lines\n"
"  -h, --help                 this text\n"
"\n"
"bundle options:\n"
"  --hubs NAMES               the hubs, comma-separated\n"
"  --clients NAMES            their clients (KPs), comma-separated\n"
"  --words N                  PSRD words (16 bytes) per table and pair\n"
"  --out DIR                  writes DIR/HUB/clients/CLIENT and\n"
"                             DIR/CLIENT/hubs/HUB pair directories\n",
	DEFAULT_SHARE_TTL, DEFAULT_MAX_CONNECTIONS, DEFAULT_IDLE_TIMEOUT);
}

/** options; the names are also the keys of config files */
static const struct option options[] = {
	{ "config", required_argument, NULL, 'f' },
	{ "name", required_argument, NULL, 'n' },
	{ "listen", required_argument, NULL, 'l' },
	{ "clients-dir", required_argument, NULL, 'c' },
	{ "state-dir", required_argument, NULL, 'd' },
	{ "share-ttl", required_argument, NULL, 't' },
	{ "max-connections", required_argument, NULL, 'm' },
	{ "idle-timeout", required_argument, NULL, 'i' },
	{ "mlock", no_argument, NULL, 'L' },
	{ "test-mode", no_argument, NULL, 'T' },
	{ "test-faults", required_argument, NULL, 'F' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ 0 }
};

/**
 * Apply one option, from the command line or a config file.
 */
static bool apply(void *ctx, int opt, const char *arg)
{
	hub_config_t *config = ctx;
	char err[128];

	switch (opt)
	{
		case 'n':
			if (!dske_pair_name_valid(arg))
			{
				fprintf(stderr, "--name: invalid hub name '%s' (1 to %d of "
						"A-Z a-z 0-9 ._-)\n", arg, DSKE_PAIR_NAME_MAX);
				return false;
			}
			return kp_conffile_string(&config->name, arg);
		case 'l':
			config->listen_addr_len = sizeof(config->listen_addr);
			if (evutil_parse_sockaddr_port(arg,
					(struct sockaddr*)&config->listen_addr,
					&config->listen_addr_len) != 0)
			{
				fprintf(stderr, "--listen: invalid address '%s'\n", arg);
				return false;
			}
			return kp_conffile_string(&config->listen, arg);
		case 'c':
			return kp_conffile_string(&config->clients_dir, arg);
		case 'd':
			return kp_conffile_string(&config->state_dir, arg);
		case 't':
			return kp_conffile_uint("share-ttl", arg, 86400 * 365,
									&config->share_ttl);
		case 'm':
			return kp_conffile_uint("max-connections", arg, 1000000,
									&config->max_connections);
		case 'i':
			return kp_conffile_uint("idle-timeout", arg, 86400,
									&config->idle_timeout);
		case 'L':
			config->mlock = true;
			return true;
		case 'T':
			config->test_mode = true;
			return true;
		case 'F':
			if (!hub_faults_parse(arg, &config->faults, err, sizeof(err)))
			{
				fprintf(stderr, "--test-faults: %s\n", err);
				return false;
			}
			return true;
		case 'v':
			config->log_level++;
			return true;
		default:
			return false;
	}
}

/**
 * Check the combination of options.
 */
static bool check(hub_config_t *config)
{
	hub_faults_t none = {};

	if (!config->name || !config->clients_dir || !config->state_dir)
	{
		fprintf(stderr, "--name, --clients-dir and --state-dir are "
				"required\n");
		return false;
	}
	if (memcmp(&config->faults, &none, sizeof(none)) != 0 &&
		!config->test_mode)
	{
		fprintf(stderr, "--test-faults needs --test-mode\n");
		return false;
	}
	return true;
}

hub_config_t *hub_config_parse(int argc, char *argv[])
{
	hub_config_t *config;
	kp_args_t args;

	config = calloc(1, sizeof(*config));
	if (!config)
	{
		return NULL;
	}
	config->share_ttl = DEFAULT_SHARE_TTL;
	config->max_connections = DEFAULT_MAX_CONNECTIONS;
	config->idle_timeout = DEFAULT_IDLE_TIMEOUT;
	config->log_level = 1;
	apply(config, 'l', DEFAULT_LISTEN);

	args = kp_conffile_args(argc, argv, options, apply, usage, config);
	if (args == KP_ARGS_HELP)
	{
		hub_config_destroy(config);
		exit(0);
	}
	if (args == KP_ARGS_OK && check(config))
	{
		return config;
	}
	hub_config_destroy(config);
	return NULL;
}

void hub_config_destroy(hub_config_t *config)
{
	if (!config)
	{
		return;
	}
	free(config->name);
	free(config->listen);
	free(config->clients_dir);
	free(config->state_dir);
	free(config);
}
