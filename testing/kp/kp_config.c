/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "kp_config.h"
#include "kp_conffile.h"
#include "kp_fault.h"
#include "kp_sae.h"

#include <dske_pair.h>
#include <dske_shamir.h>

#include <skip_key.h>
#include <skip_validate.h>

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/ssl.h>

#define DEFAULT_ALGORITHM "RAND_priv_bytes+sync-tls13-psk"
#define DEFAULT_LISTEN "127.0.0.1:8443"
#define DEFAULT_KEY_TTL 300
#define DEFAULT_MAX_CONNECTIONS 1024
#define DEFAULT_REQUEST_TIMEOUT 10
/** the draft's TLS 1.2 suites, all offered unless --tls12-ciphers says */
#define DRAFT_TLS12_CIPHERS SKIP_TLS12_CERT_SUITES ":" SKIP_TLS12_PSK_SUITES
/** ETSI GS QKD 014 key sizes (bits): defaults and what may be configured
 *  (peers synchronize keys of 128 to 4096 bits) */
#define DEFAULT_ETSI_KEY_SIZE 256
#define DEFAULT_ETSI_MIN_KEY_SIZE 128
#define DEFAULT_ETSI_MAX_KEY_SIZE 4096
#define ETSI_KEY_SIZE_MIN 128
#define ETSI_KEY_SIZE_MAX 4096
/** keys per ETSI GS QKD 014 request: default and most configurable */
#define DEFAULT_ETSI_MAX_KEYS 16
/** DSKE: key size (bits) and least threshold */
#define DEFAULT_DSKE_KEY_BITS 256
#define DSKE_K_MIN 2
#define ETSI_MAX_KEYS_MAX 64

static void usage(FILE *out)
{
	fprintf(out,
"usage: skip-kp --system-id ID [options]\n"
"       skip-kp --config FILE [options]\n"
"\n"
"Reference SKIP Key Provider: serves GET /capabilities, /key, /key/{keyId}\n"
"and /entropy, and the ETSI GS QKD 014 API (/api/v1/keys/...) over HTTPS,\n"
"and synchronizes keys with its peer KPs.\n"
"\n"
"  --config FILE              read options from FILE, one \"name = value\"\n"
"                             per line (names as below, without --)\n"
"  --system-id ID             our localSystemID (required)\n"
"  --algorithm TEXT           capabilities \"algorithm\" [" DEFAULT_ALGORITHM "]\n"
"  --listen HOST:PORT         SKIP API address [" DEFAULT_LISTEN "]\n"
"  --cert FILE --key FILE     server certificate and key (PEM); repeat the\n"
"                             pair for a second key type (EC and RSA)\n"
"  --ca FILE                  CA that verifies encryptors' client certificates\n"
"  --client-psk IDENTITY:FILE encryptor PSK, hex in FILE (repeatable)\n"
"  --allow WHO,GLOB[,GLOB..]  encryptors WHO (psk:IDENTITY or cert:SUBJECT,\n"
"                             a glob) may share keys with remote systems\n"
"                             matching GLOB (repeatable; without any --allow\n"
"                             every encryptor may use every peer)\n"
"  --tls-versions V           1.3, 1.2 or 1.2-1.3 [1.3]\n"
"  --tls12                    same as --tls-versions 1.2-1.3\n"
"  --tls12-ciphers LIST       TLS 1.2 suites offered, ':'-separated subset of\n"
"                             " DRAFT_TLS12_CIPHERS "\n"
"  --sync-listen HOST:PORT    where peer KPs deliver keys\n"
"  --peer ID,HOST:PORT,FILE[,WHO..]\n"
"                             peer KP: system ID (or a glob), its sync\n"
"                             address and the PSK shared with it, hex in\n"
"                             FILE; the encryptors WHO (psk:IDENTITY or\n"
"                             cert:SUBJECT, a glob) alone may take its keys\n"
"                             (default: all that may use it) (repeatable)\n"
"  --dske-peer ID,CLIENT,K[,WHO..]\n"
"                             peer KP whose keys go through the Security\n"
"                             Hubs (DSKE): its system ID, its client name at\n"
"                             the hubs, and K, the hubs needed (2 or more);\n"
"                             WHO as for --peer (repeatable)\n"
"  --dske-hub NAME,HOST:PORT,INDEX,DIR\n"
"                             a DSKE Security Hub: its name, address, index\n"
"                             (1 to 32, the same on both KPs) and our pair\n"
"                             directory from its registration bundle\n"
"                             (repeatable; DSKE peers use every hub)\n"
"  --dske-key-size BITS       size of DSKE keys, a multiple of 128 [%d]\n"
"  --sae ID,SYSTEM[,WHO]      an SAE of the ETSI GS QKD 014 API: its SAE ID,\n"
"                             the system ID of the KP it sits behind (ours\n"
"                             for our own SAEs) and, for ours, the client\n"
"                             certificate it authenticates with (WHO, a glob\n"
"                             over cert:SUBJECT) [cert:/CN=ID] (repeatable)\n"
"  --etsi-key-size BITS       ETSI 014 default key size [%d]\n"
"  --etsi-min-key-size BITS   ETSI 014 smallest key size [%d]\n"
"  --etsi-max-key-size BITS   ETSI 014 largest key size [%d]\n"
"                             (sizes: multiples of 8, %d to %d)\n"
"  --etsi-max-keys N          ETSI 014 keys per request, 1 to %d [%d]\n"
"  --key-ttl SECONDS          unfetched synchronized keys are wiped after\n"
"                             this time [%d]\n"
"  --key-pool N               keep N keys per peer synchronized in advance,\n"
"                             so that GET /key need not wait for the peer\n"
"                             (default size only; 0 to switch off) [0]\n"
"  --state-dir DIR            durable key store (mode 0700); without it\n"
"                             synchronized keys are kept in memory only\n"
"  --max-connections N        client connections at once [%d]\n"
"  --request-timeout SECONDS  time a client has to send a request, and idle\n"
"                             timeout of connections [%d]\n"
"  --mlock                    lock memory so that keys are never swapped\n"
"  --test-mode                allow fault injection (tests only!)\n"
"  --test-faults SPEC         faults from the start, see docs/kp.md\n"
"  --test-key-log FILE        append every delivered key to FILE, so that\n"
"                             tests can look for it in logs (tests only!)\n"
"  -v, --verbose              log debug lines\n"
"  -h, --help                 this text\n", DEFAULT_DSKE_KEY_BITS,
	DEFAULT_ETSI_KEY_SIZE,
	DEFAULT_ETSI_MIN_KEY_SIZE, DEFAULT_ETSI_MAX_KEY_SIZE, ETSI_KEY_SIZE_MIN,
	ETSI_KEY_SIZE_MAX, ETSI_MAX_KEYS_MAX, DEFAULT_ETSI_MAX_KEYS,
	DEFAULT_KEY_TTL,
	DEFAULT_MAX_CONNECTIONS, DEFAULT_REQUEST_TIMEOUT);
}

/** options; the names are also the keys of config files */
static const struct option options[] = {
	{ "config", required_argument, NULL, 'f' },
	{ "system-id", required_argument, NULL, 'i' },
	{ "algorithm", required_argument, NULL, 'a' },
	{ "listen", required_argument, NULL, 'l' },
	{ "cert", required_argument, NULL, 'c' },
	{ "key", required_argument, NULL, 'k' },
	{ "ca", required_argument, NULL, 'C' },
	{ "client-psk", required_argument, NULL, 'P' },
	{ "allow", required_argument, NULL, 'A' },
	{ "tls12", no_argument, NULL, '2' },
	{ "tls-versions", required_argument, NULL, 'V' },
	{ "tls12-ciphers", required_argument, NULL, 'S' },
	{ "sync-listen", required_argument, NULL, 's' },
	{ "peer", required_argument, NULL, 'p' },
	{ "dske-peer", required_argument, NULL, 'D' },
	{ "dske-hub", required_argument, NULL, 'H' },
	{ "dske-key-size", required_argument, NULL, '6' },
	{ "sae", required_argument, NULL, 'E' },
	{ "etsi-key-size", required_argument, NULL, '1' },
	{ "etsi-min-key-size", required_argument, NULL, '3' },
	{ "etsi-max-key-size", required_argument, NULL, '4' },
	{ "etsi-max-keys", required_argument, NULL, '5' },
	{ "key-ttl", required_argument, NULL, 't' },
	{ "key-pool", required_argument, NULL, 'K' },
	{ "state-dir", required_argument, NULL, 'd' },
	{ "max-connections", required_argument, NULL, 'm' },
	{ "request-timeout", required_argument, NULL, 'r' },
	{ "mlock", no_argument, NULL, 'L' },
	{ "test-mode", no_argument, NULL, 'T' },
	{ "test-faults", required_argument, NULL, 'F' },
	{ "test-key-log", required_argument, NULL, 'X' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ 0 }
};

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

bool kp_config_address(const char *arg, char **host, unsigned *port)
{
	return parse_host_port(arg, host, port);
}

static bool add_client(kp_config_t *config, const char *arg)
{
	const char *colon = strchr(arg, ':');
	char identity[SKIP_PSK_IDENTITY_MAX + 1], err[256];
	kp_client_t *clients;
	size_t i;

	if (!colon || colon == arg || (size_t)(colon - arg) > SKIP_PSK_IDENTITY_MAX)
	{
		fprintf(stderr, "--client-psk wants IDENTITY:FILE\n");
		return false;
	}
	snprintf(identity, sizeof(identity), "%.*s", (int)(colon - arg), arg);
	for (i = 0; i < config->client_count; i++)
	{
		if (strcmp(config->clients[i].psk.identity, identity) == 0)
		{
			fprintf(stderr, "--client-psk: identity '%s' given twice\n",
					identity);
			return false;
		}
	}
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

static bool add_allow(kp_config_t *config, const char *arg)
{
	char *copy, *token, *save = NULL;
	kp_allow_t *allows, *allow;
	bool ok = false;

	allows = realloc(config->allows,
					 (config->allow_count + 1) * sizeof(*allows));
	if (!allows)
	{
		return false;
	}
	config->allows = allows;
	allow = &allows[config->allow_count];
	memset(allow, 0, sizeof(*allow));
	copy = strdup(arg);
	for (token = copy ? strtok_r(copy, ",", &save) : NULL; token;
		 token = strtok_r(NULL, ",", &save))
	{
		char **remotes;

		if (!allow->who)
		{
			if (strncmp(token, "psk:", 4) && strncmp(token, "cert:", 5) &&
				strcmp(token, "*"))
			{
				fprintf(stderr, "--allow: '%s' is not psk:IDENTITY, "
						"cert:SUBJECT or *\n", token);
				goto out;
			}
			allow->who = strdup(token);
			continue;
		}
		if (!skip_glob_valid(token, strlen(token)))
		{
			fprintf(stderr, "--allow: invalid remote system glob '%s'\n",
					token);
			goto out;
		}
		remotes = realloc(allow->remotes,
						  (allow->remote_count + 1) * sizeof(char*));
		if (!remotes)
		{
			goto out;
		}
		allow->remotes = remotes;
		remotes[allow->remote_count++] = strdup(token);
	}
	if (!allow->who || !allow->remote_count)
	{
		fprintf(stderr, "--allow wants WHO,GLOB[,GLOB...]\n");
		goto out;
	}
	ok = true;
out:
	/* counted even when incomplete, so that destroy frees it */
	config->allow_count++;
	free(copy);
	return ok;
}

/**
 * Whether a token names encryptors: a glob over psk:IDENTITY, cert:SUBJECT,
 * or *.
 */
static bool is_who(const char *token)
{
	return (strncmp(token, "psk:", 4) == 0 || strncmp(token, "cert:", 5) == 0 ||
			strcmp(token, "*") == 0) &&
		   skip_printable(token, strlen(token), 1024);
}

/**
 * The encryptors that receive a peer's keys: comma-separated WHO globs.
 */
static bool add_receivers(kp_peer_t *peer, char *list)
{
	char *token, *save = NULL, **receivers;

	for (token = strtok_r(list, ",", &save); token;
		 token = strtok_r(NULL, ",", &save))
	{
		if (!is_who(token))
		{
			fprintf(stderr, "--peer %s: '%s' is not psk:IDENTITY, "
					"cert:SUBJECT or *\n", peer->system_id, token);
			return false;
		}
		receivers = realloc(peer->receivers,
							(peer->receiver_count + 1) * sizeof(char*));
		if (!receivers)
		{
			return false;
		}
		peer->receivers = receivers;
		receivers[peer->receiver_count] = strdup(token);
		if (!receivers[peer->receiver_count++])
		{
			return false;
		}
	}
	return true;
}

static void free_receivers(kp_peer_t *peer)
{
	size_t i;

	for (i = 0; i < peer->receiver_count; i++)
	{
		free(peer->receivers[i]);
	}
	free(peer->receivers);
	peer->receivers = NULL;
	peer->receiver_count = 0;
}

/**
 * Free what a peer holds, wiping its PSK.
 */
static void free_peer(kp_peer_t *peer)
{
	skip_memwipe(&peer->psk, sizeof(peer->psk));
	free(peer->system_id);
	free(peer->host);
	free(peer->dske_client);
	free_receivers(peer);
}

/**
 * A zeroed entry at the end of the peers, counted once it is complete.
 *
 * @return			the entry, NULL if out of memory
 */
static kp_peer_t *new_peer(kp_config_t *config)
{
	kp_peer_t *peers;

	peers = realloc(config->peers, (config->peer_count + 1) * sizeof(*peers));
	if (!peers)
	{
		return NULL;
	}
	config->peers = peers;
	memset(&peers[config->peer_count], 0, sizeof(*peers));
	return &peers[config->peer_count];
}

/**
 * Set a new peer's system ID and receivers and count it; if that fails,
 * free what it holds.
 */
static bool finish_peer(kp_config_t *config, kp_peer_t *peer, const char *id,
						char *who)
{
	peer->system_id = strdup(id);
	if (!peer->system_id || (who && !add_receivers(peer, who)))
	{
		free_peer(peer);
		return false;
	}
	config->peer_count++;
	return true;
}

static bool add_peer(kp_config_t *config, const char *arg)
{
	char *copy, *id, *address, *file, *who, err[256];
	kp_peer_t *peer;
	bool ok = false;

	copy = strdup(arg);
	id = copy;
	address = copy ? strchr(copy, ',') : NULL;
	file = address ? strchr(address + 1, ',') : NULL;
	if (!file)
	{
		fprintf(stderr, "--peer wants ID,HOST:PORT,PSKFILE[,WHO...]\n");
		free(copy);
		return false;
	}
	*address++ = '\0';
	*file++ = '\0';
	who = strchr(file, ',');
	if (who)
	{
		*who++ = '\0';
	}
	if (!skip_system_id_valid(id, strlen(id)) ||
		!skip_glob_valid(id, strlen(id)))
	{
		fprintf(stderr, "--peer: invalid system ID '%s'\n", id);
		goto out;
	}
	peer = new_peer(config);
	if (!peer)
	{
		goto out;
	}
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
		free_peer(peer);
		goto out;
	}
	peer->glob = strpbrk(id, "*?[") != NULL;
	ok = finish_peer(config, peer, id, who);
out:
	free(copy);
	return ok;
}

/**
 * --dske-peer ID,CLIENT,K[,WHO..]
 */
static bool add_dske_peer(kp_config_t *config, const char *arg)
{
	char *copy, *id, *client, *k, *who, *rest = NULL;
	kp_peer_t *peer;
	bool ok = false;

	copy = strdup(arg);
	if (!copy)
	{
		return false;
	}
	id = strtok_r(copy, ",", &rest);
	client = strtok_r(NULL, ",", &rest);
	k = strtok_r(NULL, ",", &rest);
	who = strtok_r(NULL, "", &rest);
	if (!id || !client || !k)
	{
		fprintf(stderr, "--dske-peer wants ID,CLIENT,K[,WHO...]\n");
		goto out;
	}
	if (!skip_system_id_valid(id, strlen(id)) || strpbrk(id, "*?[]\\"))
	{
		fprintf(stderr, "--dske-peer: invalid system ID '%s' (no glob: the "
				"hubs know one client per peer)\n", id);
		goto out;
	}
	if (!dske_pair_name_valid(client))
	{
		fprintf(stderr, "--dske-peer %s: invalid client name '%s' (1 to %d "
				"of A-Z a-z 0-9 . _ -)\n", id, client, DSKE_PAIR_NAME_MAX);
		goto out;
	}
	peer = new_peer(config);
	if (!peer)
	{
		goto out;
	}
	if (!kp_conffile_uint("dske-peer", k, DSKE_MAX_HUBS, &peer->dske_k))
	{
		goto out;
	}
	if (peer->dske_k < DSKE_K_MIN)
	{
		fprintf(stderr, "--dske-peer %s: k = %u would trust a single hub "
				"(%d or more)\n", id, peer->dske_k, DSKE_K_MIN);
		goto out;
	}
	peer->sync = KP_SYNC_DSKE;
	peer->dske_client = strdup(client);
	ok = peer->dske_client && finish_peer(config, peer, id, who);
out:
	free(copy);
	return ok;
}

/**
 * --sae ID,SYSTEM[,WHO]
 */
static bool add_sae(kp_config_t *config, const char *arg)
{
	char *copy, *id, *system, *who, *rest;
	kp_sae_t *saes, *sae;
	bool ok = false;

	copy = strdup(arg);
	if (!copy)
	{
		return false;
	}
	id = strtok_r(copy, ",", &rest);
	system = strtok_r(NULL, ",", &rest);
	who = strtok_r(NULL, "", &rest);
	if (!id || !system)
	{
		fprintf(stderr, "--sae wants ID,SYSTEM[,WHO]\n");
	}
	else if (!kp_sae_id_valid(id, strlen(id)))
	{
		fprintf(stderr, "--sae: invalid SAE ID '%s' (1 to %d of A-Z a-z 0-9 "
				"-._~:@)\n", id, KP_SAE_ID_MAX);
	}
	else if (kp_config_find_sae(config, id))
	{
		fprintf(stderr, "--sae: SAE '%s' given twice\n", id);
	}
	else if (!skip_system_id_valid(system, strlen(system)) ||
			 strpbrk(system, "*?[]\\"))
	{
		fprintf(stderr, "--sae %s: invalid system ID '%s'\n", id, system);
	}
	else if (who && strncmp(who, "cert:", 5) != 0)
	{
		fprintf(stderr, "--sae %s: '%s' is not cert:SUBJECT (SAEs "
				"authenticate with certificates)\n", id, who);
	}
	else if ((saes = realloc(config->saes,
							 (config->sae_count + 1) * sizeof(*saes))))
	{
		config->saes = saes;
		sae = &saes[config->sae_count];
		sae->id = strdup(id);
		sae->system_id = strdup(system);
		if (who)
		{
			sae->who = strdup(who);
		}
		else if (asprintf(&sae->who, "cert:/CN=%s", id) < 0)
		{
			sae->who = NULL;
		}
		config->sae_count++;
		ok = sae->id && sae->system_id && sae->who;
	}
	free(copy);
	return ok;
}

/**
 * An ETSI 014 key size: a multiple of 8 bits in the range peers sync.
 */
static bool parse_etsi_size(const char *name, const char *arg, unsigned *out)
{
	if (!kp_conffile_uint(name, arg, ETSI_KEY_SIZE_MAX, out))
	{
		return false;
	}
	if (*out % 8 || *out < ETSI_KEY_SIZE_MIN)
	{
		fprintf(stderr, "--%s: %u is not a multiple of 8 from %d to %d\n",
				name, *out, ETSI_KEY_SIZE_MIN, ETSI_KEY_SIZE_MAX);
		return false;
	}
	return true;
}

static bool set_tls_versions(kp_config_t *config, const char *arg)
{
	if (strcmp(arg, "1.3") == 0)
	{
		config->tls_min = TLS1_3_VERSION;
	}
	else if (strcmp(arg, "1.2") == 0)
	{
		config->tls_min = TLS1_2_VERSION;
		config->tls_max = TLS1_2_VERSION;
		return true;
	}
	else if (strcmp(arg, "1.2-1.3") == 0)
	{
		config->tls_min = TLS1_2_VERSION;
	}
	else
	{
		fprintf(stderr, "--tls-versions wants 1.3, 1.2 or 1.2-1.3\n");
		return false;
	}
	config->tls_max = TLS1_3_VERSION;
	return true;
}

/**
 * Only the draft's TLS 1.2 suites may be selected.
 */
static bool set_tls12_ciphers(kp_config_t *config, const char *arg)
{
	char *copy = strdup(arg), *name, *save = NULL;
	char allowed[] = ":" DRAFT_TLS12_CIPHERS ":", needle[64];
	bool ok = copy && *arg;

	for (name = copy ? strtok_r(copy, ":", &save) : NULL; ok && name;
		 name = strtok_r(NULL, ":", &save))
	{
		snprintf(needle, sizeof(needle), ":%s:", name);
		if (strlen(name) > 40 || !strstr(allowed, needle))
		{
			fprintf(stderr, "--tls12-ciphers: '%s' is not one of the draft's "
					"TLS 1.2 suites (%s)\n", name, DRAFT_TLS12_CIPHERS);
			ok = false;
		}
	}
	free(copy);
	if (ok)
	{
		free(config->tls12_ciphers);
		config->tls12_ciphers = strdup(arg);
	}
	return ok;
}

/**
 * Apply one option, from the command line or a config file.
 */
static bool apply(void *ctx, int opt, const char *arg)
{
	kp_config_t *config = ctx;

	switch (opt)
	{
		case 'i':
			return kp_conffile_string(&config->system_id, arg);
		case 'a':
			return kp_conffile_string(&config->algorithm, arg);
		case 'l':
			free(config->listen_host);
			config->listen_host = NULL;
			if (!parse_host_port(arg, &config->listen_host,
								 &config->listen_port))
			{
				fprintf(stderr, "--listen: invalid address '%s'\n", arg);
				return false;
			}
			return true;
		case 'c':
			if (config->cert_count == KP_CERTS_MAX)
			{
				fprintf(stderr, "at most %d --cert\n", KP_CERTS_MAX);
				return false;
			}
			config->certs[config->cert_count].cert_file = strdup(arg);
			config->cert_count++;
			return true;
		case 'k':
			if (config->key_count == KP_CERTS_MAX)
			{
				fprintf(stderr, "at most %d --key\n", KP_CERTS_MAX);
				return false;
			}
			config->certs[config->key_count].key_file = strdup(arg);
			config->key_count++;
			return true;
		case 'C':
			return kp_conffile_string(&config->ca_file, arg);
		case 'P':
			return add_client(config, arg);
		case 'A':
			return add_allow(config, arg);
		case '2':
			return set_tls_versions(config, "1.2-1.3");
		case 'V':
			return set_tls_versions(config, arg);
		case 'S':
			return set_tls12_ciphers(config, arg);
		case 's':
			free(config->sync_host);
			config->sync_host = NULL;
			if (!parse_host_port(arg, &config->sync_host, &config->sync_port))
			{
				fprintf(stderr, "--sync-listen: invalid address '%s'\n", arg);
				return false;
			}
			return true;
		case 'p':
			return add_peer(config, arg);
		case 'E':
			return add_sae(config, arg);
		case 'D':
			return add_dske_peer(config, arg);
		case 'H':
			return kp_config_add_hub(config, arg);
		case '6':
			return kp_conffile_uint("dske-key-size", arg,
									128 * DSKE_MAX_KEY_WORDS,
									&config->dske_key_bits);
		case '1':
			return parse_etsi_size("etsi-key-size", arg,
								   &config->etsi_key_size);
		case '3':
			return parse_etsi_size("etsi-min-key-size", arg,
								   &config->etsi_min_key_size);
		case '4':
			return parse_etsi_size("etsi-max-key-size", arg,
								   &config->etsi_max_key_size);
		case '5':
			return kp_conffile_uint("etsi-max-keys", arg, ETSI_MAX_KEYS_MAX,
									&config->etsi_max_keys);
		case 't':
			return kp_conffile_uint("key-ttl", arg, 86400 * 365,
									&config->key_ttl);
		case 'K':
			if (strcmp(arg, "0") == 0)
			{
				config->key_pool = 0;
				return true;
			}
			return kp_conffile_uint("key-pool", arg, 10000,
									&config->key_pool);
		case 'd':
			return kp_conffile_string(&config->state_dir, arg);
		case 'm':
			return kp_conffile_uint("max-connections", arg, 1000000,
									&config->max_connections);
		case 'r':
			return kp_conffile_uint("request-timeout", arg, 3600,
									&config->request_timeout);
		case 'L':
			config->mlock = true;
			return true;
		case 'T':
			config->test_mode = true;
			return true;
		case 'F':
			return kp_conffile_string(&config->test_faults, arg);
		case 'X':
			return kp_conffile_string(&config->test_key_log, arg);
		case 'v':
			config->log_level++;
			return true;
		default:
			return false;
	}
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
	for (i = 0; i < config->peer_count; i++)
	{
		if (config->peers[i].glob &&
			skip_glob_match(config->peers[i].system_id, system_id))
		{
			return &config->peers[i];
		}
	}
	return NULL;
}

kp_sae_t *kp_config_find_sae(kp_config_t *config, const char *id)
{
	size_t i;

	for (i = 0; i < config->sae_count; i++)
	{
		if (strcmp(config->saes[i].id, id) == 0)
		{
			return &config->saes[i];
		}
	}
	return NULL;
}

kp_sae_t *kp_config_client_sae(kp_config_t *config, const char *client)
{
	size_t i;

	if (strncmp(client, "cert:", 5) != 0)
	{	/* PSK clients are encryptors, never SAEs */
		return NULL;
	}
	for (i = 0; i < config->sae_count; i++)
	{
		if (strcmp(config->saes[i].system_id, config->system_id) == 0 &&
			skip_glob_match(config->saes[i].who, client))
		{
			return &config->saes[i];
		}
	}
	return NULL;
}

/**
 * Check the ETSI GS QKD 014 options.
 */
static bool check_etsi(kp_config_t *config)
{
	size_t i;

	if (config->etsi_min_key_size > config->etsi_key_size ||
		config->etsi_key_size > config->etsi_max_key_size)
	{
		fprintf(stderr, "ETSI key sizes: --etsi-min-key-size (%u) <= "
				"--etsi-key-size (%u) <= --etsi-max-key-size (%u) required\n",
				config->etsi_min_key_size, config->etsi_key_size,
				config->etsi_max_key_size);
		return false;
	}
	for (i = 0; i < config->sae_count; i++)
	{
		if (strcmp(config->saes[i].system_id, config->system_id) != 0 &&
			!kp_config_find_peer(config, config->saes[i].system_id))
		{
			fprintf(stderr, "--sae %s: no --peer covers its system '%s'\n",
					config->saes[i].id, config->saes[i].system_id);
			return false;
		}
	}
	return true;
}

/**
 * Check the combination of options.
 */
static bool check(kp_config_t *config)
{
	kp_faults_t faults;
	char err[128];
	size_t i;

	if (!config->system_id ||
		!skip_system_id_valid(config->system_id, strlen(config->system_id)) ||
		strlen(config->system_id) > SKIP_PSK_IDENTITY_MAX)
	{
		fprintf(stderr, "--system-id with a valid system ID is required\n");
		return false;
	}
	if (!skip_printable(config->algorithm, strlen(config->algorithm),
						SKIP_ALGORITHM_MAX) || !*config->algorithm)
	{
		fprintf(stderr, "--algorithm must be printable\n");
		return false;
	}
	if (config->cert_count != config->key_count)
	{
		fprintf(stderr, "--cert and --key go together\n");
		return false;
	}
	if (!config->client_count && !(config->cert_count && config->ca_file))
	{
		fprintf(stderr, "no encryptor could authenticate: give --client-psk, "
				"or --cert, --key and --ca\n");
		return false;
	}
	if (config->ca_file && !config->cert_count)
	{
		fprintf(stderr, "--ca needs a server certificate (--cert, --key)\n");
		return false;
	}
	if (!config->peer_count)
	{
		fprintf(stderr, "at least one --peer or --dske-peer is required\n");
		return false;
	}
	if ((config->test_faults || config->test_key_log) && !config->test_mode)
	{
		fprintf(stderr, "--test-faults and --test-key-log need --test-mode\n");
		return false;
	}
	if (config->test_faults &&
		!kp_faults_parse(config->test_faults, &faults, err, sizeof(err)))
	{
		fprintf(stderr, "--test-faults: %s\n", err);
		return false;
	}
	if (!check_etsi(config) || !kp_config_check_dske(config))
	{
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
	kp_config_t *config;
	kp_args_t args;

	config = calloc(1, sizeof(*config));
	if (!config)
	{
		return NULL;
	}
	config->algorithm = strdup(DEFAULT_ALGORITHM);
	config->key_ttl = DEFAULT_KEY_TTL;
	config->max_connections = DEFAULT_MAX_CONNECTIONS;
	config->request_timeout = DEFAULT_REQUEST_TIMEOUT;
	config->tls_min = config->tls_max = TLS1_3_VERSION;
	config->tls12_ciphers = strdup(DRAFT_TLS12_CIPHERS);
	config->log_level = 1;
	config->etsi_key_size = DEFAULT_ETSI_KEY_SIZE;
	config->etsi_min_key_size = DEFAULT_ETSI_MIN_KEY_SIZE;
	config->etsi_max_key_size = DEFAULT_ETSI_MAX_KEY_SIZE;
	config->etsi_max_keys = DEFAULT_ETSI_MAX_KEYS;
	config->dske_key_bits = DEFAULT_DSKE_KEY_BITS;
	parse_host_port(DEFAULT_LISTEN, &config->listen_host, &config->listen_port);

	args = kp_conffile_args(argc, argv, options, apply, usage, config);
	if (args == KP_ARGS_HELP)
	{
		kp_config_destroy(config);
		exit(0);
	}
	if (args == KP_ARGS_OK && check(config))
	{
		return config;
	}
	kp_config_destroy(config);
	return NULL;
}

void kp_config_destroy(kp_config_t *config)
{
	size_t i, j;

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
		free_peer(&config->peers[i]);
	}
	for (i = 0; i < config->allow_count; i++)
	{
		for (j = 0; j < config->allows[i].remote_count; j++)
		{
			free(config->allows[i].remotes[j]);
		}
		free(config->allows[i].remotes);
		free(config->allows[i].who);
	}
	for (i = 0; i < config->sae_count; i++)
	{
		free(config->saes[i].id);
		free(config->saes[i].system_id);
		free(config->saes[i].who);
	}
	free(config->saes);
	kp_config_free_hubs(config);
	for (i = 0; i < KP_CERTS_MAX; i++)
	{
		free(config->certs[i].cert_file);
		free(config->certs[i].key_file);
	}
	free(config->allows);
	free(config->clients);
	free(config->peers);
	free(config->system_id);
	free(config->algorithm);
	free(config->listen_host);
	free(config->ca_file);
	free(config->tls12_ciphers);
	free(config->sync_host);
	free(config->state_dir);
	free(config->test_faults);
	free(config->test_key_log);
	free(config);
}
