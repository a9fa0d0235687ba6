/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "kp_config.h"

#include <skip_key.h>
#include <skip_validate.h>

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_ALGORITHM "RAND_priv_bytes+sync-tls13-psk"
#define DEFAULT_LISTEN "127.0.0.1:8443"
#define DEFAULT_KEY_TTL 300

static void usage(FILE *out)
{
	fprintf(out,
"usage: skip-kp --system-id ID [options]\n"
"\n"
"Reference SKIP Key Provider: serves GET /capabilities, /key, /key/{keyId}\n"
"and /entropy over HTTPS and synchronizes keys with its peer KPs.\n"
"\n"
"  --system-id ID             our localSystemID (required)\n"
"  --algorithm TEXT           capabilities \"algorithm\" [" DEFAULT_ALGORITHM "]\n"
"  --listen HOST:PORT         SKIP API address [" DEFAULT_LISTEN "]\n"
"  --cert FILE --key FILE     server certificate and key (PEM)\n"
"  --ca FILE                  CA that verifies encryptors' client certificates\n"
"  --client-psk IDENTITY:FILE encryptor PSK, hex in FILE (repeatable)\n"
"  --tls12                    also allow TLS 1.2 (draft's TLS 1.2 suites)\n"
"  --sync-listen HOST:PORT    where peer KPs deliver keys\n"
"  --peer ID,HOST:PORT,FILE   peer KP: system ID, its sync address and the\n"
"                             PSK shared with it, hex in FILE (repeatable)\n"
"  --key-ttl SECONDS          unfetched synchronized keys are wiped after\n"
"                             this time [%d]\n"
"  -v, --verbose              log debug lines\n"
"  -h, --help                 this text\n", DEFAULT_KEY_TTL);
}

/**
 * Split HOST:PORT ([v6]:PORT accepted).
 */
static bool parse_host_port(const char *arg, char **host, unsigned *port)
{
	const char *colon, *start = arg, *end;
	char *endptr;
	long value;

	if (arg[0] == '[')
	{
		end = strchr(arg, ']');
		if (!end || end[1] != ':')
		{
			return false;
		}
		start = arg + 1;
		colon = end + 1;
	}
	else
	{
		colon = strrchr(arg, ':');
		if (!colon)
		{
			return false;
		}
		end = colon;
	}
	errno = 0;
	value = strtol(colon + 1, &endptr, 10);
	if (errno || *endptr || value <= 0 || value > 65535 || end == start)
	{
		return false;
	}
	*host = strndup(start, end - start);
	*port = (unsigned)value;
	return *host != NULL;
}

static bool add_client(kp_config_t *config, const char *arg)
{
	const char *colon = strchr(arg, ':');
	char identity[SKIP_PSK_IDENTITY_MAX + 1], err[256];
	kp_client_t *clients;

	if (!colon || colon == arg || (size_t)(colon - arg) > SKIP_PSK_IDENTITY_MAX)
	{
		fprintf(stderr, "--client-psk wants IDENTITY:FILE\n");
		return false;
	}
	snprintf(identity, sizeof(identity), "%.*s", (int)(colon - arg), arg);
	clients = realloc(config->clients,
					  (config->client_count + 1) * sizeof(*clients));
	if (!clients)
	{
		return false;
	}
	config->clients = clients;
	if (!skip_psk_load(colon + 1, identity,
					   &clients[config->client_count].psk, err, sizeof(err)))
	{
		fprintf(stderr, "--client-psk %s: %s\n", identity, err);
		return false;
	}
	config->client_count++;
	return true;
}

static bool add_peer(kp_config_t *config, const char *arg)
{
	char *copy, *id, *address, *file, err[256];
	kp_peer_t *peers, *peer;
	bool ok = false;

	copy = strdup(arg);
	id = copy;
	address = copy ? strchr(copy, ',') : NULL;
	file = address ? strchr(address + 1, ',') : NULL;
	if (!file)
	{
		fprintf(stderr, "--peer wants ID,HOST:PORT,PSKFILE\n");
		free(copy);
		return false;
	}
	*address++ = '\0';
	*file++ = '\0';
	if (!skip_system_id_valid(id, strlen(id)))
	{
		fprintf(stderr, "--peer: invalid system ID '%s'\n", id);
		goto out;
	}
	peers = realloc(config->peers, (config->peer_count + 1) * sizeof(*peers));
	if (!peers)
	{
		goto out;
	}
	config->peers = peers;
	peer = &peers[config->peer_count];
	memset(peer, 0, sizeof(*peer));
	if (!parse_host_port(address, &peer->host, &peer->port))
	{
		fprintf(stderr, "--peer %s: invalid address '%s'\n", id, address);
		goto out;
	}
	/* we authenticate to the peer with our system ID as PSK identity;
	 * the identity is filled in once all options are read */
	if (!skip_psk_load(file, "-", &peer->psk, err, sizeof(err)))
	{
		fprintf(stderr, "--peer %s: %s\n", id, err);
		free(peer->host);
		goto out;
	}
	peer->system_id = strdup(id);
	config->peer_count++;
	ok = true;
out:
	free(copy);
	return ok;
}

kp_peer_t *kp_config_find_peer(kp_config_t *config, const char *system_id)
{
	size_t i;

	for (i = 0; i < config->peer_count; i++)
	{
		if (strcmp(config->peers[i].system_id, system_id) == 0)
		{
			return &config->peers[i];
		}
	}
	return NULL;
}

/**
 * Check the combination of options.
 */
static bool check(kp_config_t *config)
{
	size_t i;

	if (!config->system_id ||
		!skip_system_id_valid(config->system_id, strlen(config->system_id)) ||
		strlen(config->system_id) > SKIP_PSK_IDENTITY_MAX)
	{
		fprintf(stderr, "--system-id with a valid system ID is required\n");
		return false;
	}
	if (!skip_printable(config->algorithm, strlen(config->algorithm),
						SKIP_ALGORITHM_MAX))
	{
		fprintf(stderr, "--algorithm must be printable\n");
		return false;
	}
	if (!config->cert_file != !config->key_file)
	{
		fprintf(stderr, "--cert and --key go together\n");
		return false;
	}
	if (!config->client_count && !(config->cert_file && config->ca_file))
	{
		fprintf(stderr, "no encryptor could authenticate: give --client-psk, "
				"or --cert, --key and --ca\n");
		return false;
	}
	if (!config->peer_count)
	{
		fprintf(stderr, "at least one --peer is required\n");
		return false;
	}
	for (i = 0; i < config->peer_count; i++)
	{
		strcpy(config->peers[i].psk.identity, config->system_id);
	}
	return true;
}

kp_config_t *kp_config_parse(int argc, char *argv[])
{
	static const struct option options[] = {
		{ "system-id", required_argument, NULL, 'i' },
		{ "algorithm", required_argument, NULL, 'a' },
		{ "listen", required_argument, NULL, 'l' },
		{ "cert", required_argument, NULL, 'c' },
		{ "key", required_argument, NULL, 'k' },
		{ "ca", required_argument, NULL, 'C' },
		{ "client-psk", required_argument, NULL, 'P' },
		{ "tls12", no_argument, NULL, '2' },
		{ "sync-listen", required_argument, NULL, 's' },
		{ "peer", required_argument, NULL, 'p' },
		{ "key-ttl", required_argument, NULL, 't' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	kp_config_t *config;
	char *endptr;
	long ttl;
	int opt;

	config = calloc(1, sizeof(*config));
	if (!config)
	{
		return NULL;
	}
	config->algorithm = strdup(DEFAULT_ALGORITHM);
	config->key_ttl = DEFAULT_KEY_TTL;
	config->log_level = 1;
	parse_host_port(DEFAULT_LISTEN, &config->listen_host, &config->listen_port);

	while ((opt = getopt_long(argc, argv, "vh", options, NULL)) != -1)
	{
		switch (opt)
		{
			case 'i':
				free(config->system_id);
				config->system_id = strdup(optarg);
				break;
			case 'a':
				free(config->algorithm);
				config->algorithm = strdup(optarg);
				break;
			case 'l':
				free(config->listen_host);
				if (!parse_host_port(optarg, &config->listen_host,
									 &config->listen_port))
				{
					fprintf(stderr, "--listen: invalid address '%s'\n", optarg);
					goto err;
				}
				break;
			case 'c':
				config->cert_file = strdup(optarg);
				break;
			case 'k':
				config->key_file = strdup(optarg);
				break;
			case 'C':
				config->ca_file = strdup(optarg);
				break;
			case 'P':
				if (!add_client(config, optarg))
				{
					goto err;
				}
				break;
			case '2':
				config->tls12 = true;
				break;
			case 's':
				free(config->sync_host);
				if (!parse_host_port(optarg, &config->sync_host,
									 &config->sync_port))
				{
					fprintf(stderr, "--sync-listen: invalid address '%s'\n",
							optarg);
					goto err;
				}
				break;
			case 'p':
				if (!add_peer(config, optarg))
				{
					goto err;
				}
				break;
			case 't':
				ttl = strtol(optarg, &endptr, 10);
				if (*endptr || ttl <= 0 || ttl > 86400 * 365)
				{
					fprintf(stderr, "--key-ttl: invalid value '%s'\n", optarg);
					goto err;
				}
				config->key_ttl = (unsigned)ttl;
				break;
			case 'v':
				config->log_level++;
				break;
			case 'h':
				usage(stdout);
				kp_config_destroy(config);
				exit(0);
			default:
				usage(stderr);
				goto err;
		}
	}
	if (optind != argc)
	{
		usage(stderr);
		goto err;
	}
	if (check(config))
	{
		return config;
	}
err:
	kp_config_destroy(config);
	return NULL;
}

void kp_config_destroy(kp_config_t *config)
{
	size_t i;

	if (!config)
	{
		return;
	}
	for (i = 0; i < config->client_count; i++)
	{
		skip_memwipe(&config->clients[i].psk, sizeof(config->clients[i].psk));
	}
	for (i = 0; i < config->peer_count; i++)
	{
		skip_memwipe(&config->peers[i].psk, sizeof(config->peers[i].psk));
		free(config->peers[i].system_id);
		free(config->peers[i].host);
	}
	free(config->clients);
	free(config->peers);
	free(config->system_id);
	free(config->algorithm);
	free(config->listen_host);
	free(config->cert_file);
	free(config->key_file);
	free(config->ca_file);
	free(config->sync_host);
	free(config);
}
