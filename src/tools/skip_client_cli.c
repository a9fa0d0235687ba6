/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * skip-client: ask a Key Provider (SKIP) or a KME (ETSI GS QKD 014) with the
 * same client the plugin uses, to check its reachability, TLS settings and
 * answers from a gateway. Prints key IDs and sizes, never keys.
 */

#include "skip_check.h"

#include <skip_client.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "skip_status_view.h"

static void usage(FILE *out)
{
	fprintf(out,
"usage: skip-client --url URL [TLS options] COMMAND\n"
"       skip-client --protocol etsi014 --url URL --ca FILE --cert FILE\n"
"                   --key FILE --sae-id ID [ETSI options] ETSI-COMMAND\n"
"       skip-client [--socket URI] [--json] status\n"
"\n"
"status (no --url): what the gateway's skip plugin reports on its status\n"
"  socket: each KP profile (URL, protocol, system ID, last health check,\n"
"  last error), counters since charon started, each IKE_SA with its peer\n"
"  system ID and keyId (never a key); root only\n"
"  --socket URI             the plugin's socket [" SKIP_STATUS_SOCKET "]\n"
"  --json                   print the JSON document\n"
"\n"
"commands (SKIP):\n"
"  capabilities             GET /capabilities\n"
"  key REMOTE [BITS]        GET /key?remoteSystemID=REMOTE[&size=BITS]\n"
"  key-by-id KEYID REMOTE   GET /key/KEYID?remoteSystemID=REMOTE\n"
"  entropy [BITS]           GET /entropy[?minentropy=BITS]\n"
"  check                    conformance checks of the KP with the SKIP draft\n"
"                           (or ETSI GS QKD 014 with --protocol etsi014):\n"
"                           a PASS/FAIL/SKIP table, exit status 1 if a\n"
"                           check failed. Spends a few keys of the KP: 2\n"
"                           (SKIP), 3 or 4 (ETSI); give the peer's encryptor\n"
"                           (SAE) with the --second-* options to take the\n"
"                           first key by its ID, once\n"
"\n"
"commands (ETSI GS QKD 014):\n"
"  status [PEER_SAE]        GET /api/v1/keys/PEER_SAE/status (default: the\n"
"                           first --remote-sae-id without glob characters)\n"
"  key PEER_SAE [BITS]      enc_keys: a new key shared with PEER_SAE\n"
"  key-by-id PEER_SAE KEY_ID\n"
"                           dec_keys: the key KEY_ID PEER_SAE got\n"
"\n"
"options:\n"
"  --protocol skip|etsi014  protocol of the key source [skip]\n"
"  --url URL                KP base URL (https://host:port)\n"
"  --psk-identity ID        authenticate with a PSK (TLS 1.3 external PSK)\n"
"  --psk-file FILE          the PSK, hex-encoded\n"
"  --ca FILE                certificate mode: CA of the KP's certificate\n"
"  --cert FILE --key FILE   certificate mode: client certificate and key\n"
"  --tls12                  also allow TLS 1.2\n"
"  --timeout SECONDS        budget of the operation [2.5]\n"
"  --sae-id ID              ETSI: our SAE ID (required)\n"
"  --kme-id ID              ETSI: the KME ID the status must name\n"
"  --remote-sae-id GLOB     ETSI: a peer's SAE ID keys may be asked for\n"
"                           (repeatable; default any)\n"
"  --etsi-get               ETSI: GET forms of enc_keys and dec_keys\n"
"  -v, --verbose            print request details\n"
"\n"
"check options:\n"
"  --peer ID                remote system ID (SKIP) or peer SAE ID (ETSI)\n"
"                           to ask keys for (default: from the capabilities\n"
"                           or the first --remote-sae-id)\n"
"  --second-url URL         KP of the second identity [--url]\n"
"  --second-identity ID     second identity: PSK identity, with\n"
"  --second-psk-file FILE   its PSK\n"
"  --second-cert FILE       second identity: certificate and key (ETSI: the\n"
"  --second-key FILE        slave SAE's)\n"
"  --second-ca FILE         CA of the second KP's certificate [--ca]\n"
"  --json                   machine-readable output\n");
}

static void log_cb(void *ctx, int level, const char *fmt, va_list args)
{
	(void)ctx;
	(void)level;
	fprintf(stderr, "skip-client: ");
	vfprintf(stderr, fmt, args);
	fprintf(stderr, "\n");
}

static unsigned parse_bits(const char *arg)
{
	char *end;
	long value = strtol(arg, &end, 10);

	if (*end || value <= 0 || value > 65536)
	{
		fprintf(stderr, "invalid size '%s'\n", arg);
		exit(2);
	}
	return (unsigned)value;
}

static int report(skip_status_t status, skip_error_t *err)
{
	if (status != SKIP_OK)
	{
		fprintf(stderr, "skip-client: %s: %s\n", skip_status_name(err->status),
				err->detail);
		printf("error=%s\nhttp=%ld\n", skip_status_name(err->status),
			   err->http_code);
		return 1;
	}
	return 0;
}

/**
 * Print a key_ID (escaped: it comes from the KME) and the size.
 */
static void print_key(const char *name, skip_key_t *key)
{
	char escaped[4 * SKIP_ETSI_KEY_ID_MAX + 1];

	skip_escape(key->key_id, escaped, sizeof(escaped));
	printf("%s=%s\nbits=%zu\n", name, escaped, key->key_len * 8);
	skip_key_destroy(key);
}

/**
 * Print the remote system IDs (SAE IDs) of capabilities, escaped, one line
 * each: they may hold any byte but NUL.
 */
static void print_remotes(const char *name, skip_capabilities_t *caps)
{
	char escaped[SKIP_SYSTEM_ID_LOG_MAX];
	size_t i;

	for (i = 0; i < caps->remote_system_id_count; i++)
	{
		skip_escape(caps->remote_system_ids[i], escaped, sizeof(escaped));
		printf("%s=%s\n", name, escaped);
	}
}

static int run_etsi(skip_client_t *client, int argc, char *argv[])
{
	skip_capabilities_t *caps;
	skip_error_t err = {};
	skip_key_t *key;
	skip_status_t status;
	char escaped[SKIP_SYSTEM_ID_LOG_MAX];
	const char *cmd = argv[0];

	if (strcmp(cmd, "status") == 0 && argc <= 2)
	{
		status = client->get_capabilities(client, &caps, &err);
		if (status == SKIP_OK)
		{
			skip_escape(caps->local_system_id, escaped, sizeof(escaped));
			printf("sae_id=%s\nkme=%s\n", escaped, caps->algorithm);
			print_remotes("remote_sae_id", caps);
			skip_capabilities_destroy(caps);
		}
	}
	else if (strcmp(cmd, "key") == 0 && (argc == 2 || argc == 3))
	{
		status = client->get_key(client, argv[1],
								 argc == 3 ? parse_bits(argv[2]) : 0, 0, &key,
								 &err);
		if (status == SKIP_OK)
		{
			print_key("key_ID", key);
		}
	}
	else if (strcmp(cmd, "key-by-id") == 0 && argc == 3)
	{
		status = client->get_key_by_id(client, argv[2], argv[1], 0, &key,
									   &err);
		if (status == SKIP_OK)
		{
			print_key("key_ID", key);
		}
	}
	else
	{
		usage(stderr);
		return 2;
	}
	return report(status, &err);
}

static int run(skip_client_t *client, int argc, char *argv[])
{
	skip_capabilities_t *caps;
	skip_entropy_t *entropy;
	skip_error_t err = {};
	skip_key_t *key;
	skip_status_t status;
	char escaped[SKIP_SYSTEM_ID_LOG_MAX];
	const char *cmd = argv[0];

	if (strcmp(cmd, "capabilities") == 0 && argc == 1)
	{
		status = client->get_capabilities(client, &caps, &err);
		if (status == SKIP_OK)
		{
			/* system IDs may hold any byte but NUL: one line each */
			skip_escape(caps->local_system_id, escaped, sizeof(escaped));
			printf("localSystemID=%s\nalgorithm=%s\nkey=%s\nentropy=%s\n",
				   escaped, caps->algorithm,
				   caps->key ? "true" : "false",
				   caps->entropy ? "true" : "false");
			print_remotes("remoteSystemID", caps);
			skip_capabilities_destroy(caps);
		}
	}
	else if (strcmp(cmd, "key") == 0 && (argc == 2 || argc == 3))
	{
		status = client->get_key(client, argv[1],
								 argc == 3 ? parse_bits(argv[2]) : 0, 0, &key,
								 &err);
		if (status == SKIP_OK)
		{
			print_key("keyId", key);
		}
	}
	else if (strcmp(cmd, "key-by-id") == 0 && argc == 3)
	{
		status = client->get_key_by_id(client, argv[1], argv[2], 0, &key,
									   &err);
		if (status == SKIP_OK)
		{
			print_key("keyId", key);
		}
	}
	else if (strcmp(cmd, "entropy") == 0 && argc <= 2)
	{
		status = client->get_entropy(client, argc == 2 ? parse_bits(argv[1]) : 0,
									 &entropy, &err);
		if (status == SKIP_OK)
		{
			printf("bytes=%zu\nminentropy=%u\n", entropy->len,
				   entropy->min_entropy);
			skip_entropy_destroy(entropy);
		}
	}
	else
	{
		usage(stderr);
		return 2;
	}
	return report(status, &err);
}

/**
 * skip-client check: the second identity's settings, the peer.
 */
static int run_check(const skip_kp_config_t *config, skip_check_opts_t *check,
					 const char *identity2, const char *psk_file2,
					 skip_psk_t *psk2)
{
	skip_kp_config_t second = *config;
	char errbuf[256];
	unsigned i;
	int status;

	if (!identity2 != !psk_file2 || (identity2 && check->second.cert_file) ||
		!check->second.cert_file != !check->second.key_file)
	{
		fprintf(stderr, "skip-client: the second identity needs "
				"--second-identity and --second-psk-file, or --second-cert "
				"and --second-key\n");
		return 2;
	}
	second.url = check->second.url ?: config->url;
	second.ca_file = check->second.ca_file ?: config->ca_file;
	if (psk_file2)
	{
		if (!skip_psk_load(psk_file2, identity2, psk2, errbuf,
						   sizeof(errbuf)))
		{
			fprintf(stderr, "skip-client: %s\n", errbuf);
			return 2;
		}
		second.auth = SKIP_AUTH_PSK;
		second.psk = psk2;
		second.cert_file = second.key_file = NULL;
		check->have_second = true;
	}
	else if (check->second.cert_file)
	{
		second.auth = SKIP_AUTH_CERT;
		second.psk = NULL;
		second.cert_file = check->second.cert_file;
		second.key_file = check->second.key_file;
		check->have_second = true;
	}
	check->second = second;
	check->config = *config;
	for (i = 0; !check->peer && i < config->remote_sae_id_count; i++)
	{
		if (!strpbrk(config->remote_sae_ids[i], "*?["))
		{
			check->peer = config->remote_sae_ids[i];
		}
	}
	status = skip_check_run(check);
	if (psk_file2)
	{
		skip_memwipe(psk2, sizeof(*psk2));
	}
	return status;
}

int main(int argc, char *argv[])
{
	static const struct option options[] = {
		{ "url", required_argument, NULL, 'u' },
		{ "psk-identity", required_argument, NULL, 'i' },
		{ "psk-file", required_argument, NULL, 'p' },
		{ "ca", required_argument, NULL, 'C' },
		{ "cert", required_argument, NULL, 'c' },
		{ "key", required_argument, NULL, 'k' },
		{ "tls12", no_argument, NULL, '2' },
		{ "timeout", required_argument, NULL, 't' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "protocol", required_argument, NULL, 'P' },
		{ "sae-id", required_argument, NULL, 's' },
		{ "kme-id", required_argument, NULL, 'K' },
		{ "remote-sae-id", required_argument, NULL, 'r' },
		{ "etsi-get", no_argument, NULL, 'g' },
		{ "socket", required_argument, NULL, 'S' },
		{ "peer", required_argument, NULL, 'E' },
		{ "second-url", required_argument, NULL, 'U' },
		{ "second-identity", required_argument, NULL, 'I' },
		{ "second-psk-file", required_argument, NULL, 'F' },
		{ "second-cert", required_argument, NULL, 'X' },
		{ "second-key", required_argument, NULL, 'Y' },
		{ "second-ca", required_argument, NULL, 'Z' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	skip_kp_config_t config = {};
	skip_check_opts_t check = {};
	char *identity = NULL, *psk_file = NULL, errbuf[256];
	char *identity2 = NULL, *psk_file2 = NULL;
	skip_psk_t psk2;
	const char **remotes = NULL;
	unsigned count = 0;
	skip_error_t err = {};
	skip_client_t *client;
	const char *socket = SKIP_STATUS_SOCKET;
	skip_psk_t psk;
	bool json = false;
	int opt, status;

	while ((opt = getopt_long(argc, argv, "vh", options, NULL)) != -1)
	{
		switch (opt)
		{
			case 'u':
				config.url = optarg;
				break;
			case 'i':
				identity = optarg;
				break;
			case 'p':
				psk_file = optarg;
				break;
			case 'C':
				config.ca_file = optarg;
				break;
			case 'c':
				config.cert_file = optarg;
				break;
			case 'k':
				config.key_file = optarg;
				break;
			case '2':
				config.allow_tls12 = true;
				break;
			case 't':
				config.timeout_ms = (unsigned)(atof(optarg) * 1000);
				break;
			case 'v':
				config.log = log_cb;
				break;
			case 'P':
				if (strcmp(optarg, "etsi014") == 0)
				{
					config.protocol = SKIP_PROTOCOL_ETSI014;
				}
				else if (strcmp(optarg, "skip") != 0)
				{
					fprintf(stderr, "unknown protocol '%s'\n", optarg);
					return 2;
				}
				break;
			case 's':
				config.sae_id = optarg;
				break;
			case 'K':
				config.kme_id = optarg;
				break;
			case 'r':
				/* one spare entry for the peer of "status PEER_SAE" */
				remotes = realloc(remotes, (count + 2) * sizeof(*remotes));
				if (!remotes)
				{
					return 2;
				}
				remotes[count++] = optarg;
				break;
			case 'g':
				config.etsi_get = true;
				break;
			case 'S':
				socket = optarg;
				break;
			case 'E':
				check.peer = optarg;
				break;
			case 'U':
				check.second.url = optarg;
				break;
			case 'I':
				identity2 = optarg;
				break;
			case 'F':
				psk_file2 = optarg;
				break;
			case 'X':
				check.second.cert_file = optarg;
				break;
			case 'Y':
				check.second.key_file = optarg;
				break;
			case 'Z':
				check.second.ca_file = optarg;
				break;
			case 'j':
				json = true;
				check.json = true;
				break;
			case 'h':
				usage(stdout);
				return 0;
			default:
				usage(stderr);
				return 2;
		}
	}
	if (!config.url && optind + 1 == argc && strcmp(argv[optind], "status") == 0)
	{	/* no KP named: the gateway's own status */
		return skip_status_view(socket, json);
	}
	if (!config.url || optind >= argc || (!identity != !psk_file))
	{
		usage(stderr);
		return 2;
	}
	if (psk_file)
	{
		if (!skip_psk_load(psk_file, identity, &psk, errbuf, sizeof(errbuf)))
		{
			fprintf(stderr, "skip-client: %s\n", errbuf);
			return 2;
		}
		config.auth = SKIP_AUTH_PSK;
		config.psk = &psk;
	}
	if (config.protocol == SKIP_PROTOCOL_ETSI014 &&
		strcmp(argv[optind], "status") == 0 && optind + 1 < argc)
	{	/* the status asked is that of the first remote SAE ID */
		remotes = realloc(remotes, (count + 1) * sizeof(*remotes));
		if (!remotes)
		{
			return 2;
		}
		memmove(remotes + 1, remotes, count * sizeof(*remotes));
		remotes[0] = argv[optind + 1];
		count++;
	}
	config.remote_sae_ids = remotes;
	config.remote_sae_id_count = count;
	if (strcmp(argv[optind], "check") == 0 && optind + 1 == argc)
	{
		status = run_check(&config, &check, identity2, psk_file2, &psk2);
		if (psk_file)
		{
			skip_memwipe(&psk, sizeof(psk));
		}
		free(remotes);
		return status;
	}
	client = skip_source_create(&config, &err);
	if (psk_file)
	{
		skip_memwipe(&psk, sizeof(psk));
	}
	if (!client)
	{
		fprintf(stderr, "skip-client: %s\n", err.detail);
		return 2;
	}
	if (config.protocol == SKIP_PROTOCOL_ETSI014)
	{
		status = run_etsi(client, argc - optind, argv + optind);
	}
	else
	{
		status = run(client, argc - optind, argv + optind);
	}
	client->destroy(client);
	free(remotes);
	return status;
}
