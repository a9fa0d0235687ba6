/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * skip-client: ask a Key Provider with the same SKIP client the plugin uses,
 * to check a KP's reachability, TLS settings and answers from a gateway.
 * Prints keyIds and sizes, never keys.
 */

#include <skip_client.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *out)
{
	fprintf(out,
"usage: skip-client --url URL [TLS options] COMMAND\n"
"\n"
"commands:\n"
"  capabilities             GET /capabilities\n"
"  key REMOTE [BITS]        GET /key?remoteSystemID=REMOTE[&size=BITS]\n"
"  key-by-id KEYID REMOTE   GET /key/KEYID?remoteSystemID=REMOTE\n"
"  entropy [BITS]           GET /entropy[?minentropy=BITS]\n"
"\n"
"options:\n"
"  --url URL                KP base URL (https://host:port)\n"
"  --psk-identity ID        authenticate with a PSK (TLS 1.3 external PSK)\n"
"  --psk-file FILE          the PSK, hex-encoded\n"
"  --ca FILE                certificate mode: CA of the KP's certificate\n"
"  --cert FILE --key FILE   certificate mode: client certificate and key\n"
"  --tls12                  also allow TLS 1.2\n"
"  --timeout SECONDS        budget of the operation [2.5]\n"
"  -v, --verbose            print request details\n");
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

static int run(skip_client_t *client, int argc, char *argv[])
{
	skip_capabilities_t *caps;
	skip_entropy_t *entropy;
	skip_error_t err = {};
	skip_key_t *key;
	skip_status_t status;
	char escaped[SKIP_SYSTEM_ID_LOG_MAX];
	const char *cmd = argv[0];
	size_t i;

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
			for (i = 0; i < caps->remote_system_id_count; i++)
			{
				skip_escape(caps->remote_system_ids[i], escaped,
							sizeof(escaped));
				printf("remoteSystemID=%s\n", escaped);
			}
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
			printf("keyId=%s\nbits=%zu\n", key->key_id, key->key_len * 8);
			skip_key_destroy(key);
		}
	}
	else if (strcmp(cmd, "key-by-id") == 0 && argc == 3)
	{
		status = client->get_key_by_id(client, argv[1], argv[2], 0, &key,
									   &err);
		if (status == SKIP_OK)
		{
			printf("keyId=%s\nbits=%zu\n", key->key_id, key->key_len * 8);
			skip_key_destroy(key);
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
	if (status != SKIP_OK)
	{
		fprintf(stderr, "skip-client: %s: %s\n", skip_status_name(err.status),
				err.detail);
		printf("error=%s\nhttp=%ld\n", skip_status_name(err.status),
			   err.http_code);
		return 1;
	}
	return 0;
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
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	skip_kp_config_t config = {};
	char *identity = NULL, *psk_file = NULL, errbuf[256];
	skip_error_t err = {};
	skip_client_t *client;
	skip_psk_t psk;
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
			case 'h':
				usage(stdout);
				return 0;
			default:
				usage(stderr);
				return 2;
		}
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
	client = skip_client_create(&config, &err);
	if (psk_file)
	{
		skip_memwipe(&psk, sizeof(psk));
	}
	if (!client)
	{
		fprintf(stderr, "skip-client: %s\n", err.detail);
		return 2;
	}
	status = run(client, argc - optind, argv + optind);
	client->destroy(client);
	return status;
}
