/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * skip-client-bench: drives libskip as the plugin does (see
 * scripts/bench-client.sh). Two clients with the plugin's settings, one
 * per gateway: K threads each ask the initiator's KP for a new key and the
 * responder's KP for it by keyId, as an IKE_SA's two ends do. After half a
 * second of warm-up it measures for a given time and prints calls/s, p50/p99
 * of each kind of call in µs, the TLS handshakes the clients made (new
 * connections) and how many of them resumed a session, and the CPU time
 * and context switches of this process per call.
 *
 * Uses only libskip's public interface, so that the same source builds
 * against an older libskip for side-by-side figures.
 */

#include <skip_client.h>
#include <skip_psk.h>
#include <skip_tls.h>

#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#define MAX_THREADS 256
/** latencies kept per thread and kind of call */
#define MAX_SAMPLES (1 << 18)

static struct {
	const char *url[2];
	const char *id[2];
	const char *psk_file[2];
	const char *system_id[2];
	unsigned threads;
	unsigned pool_size;
	double seconds;
} opts = {
	.system_id = { "Alice", "Bob" },
	.threads = 1,
	.seconds = 3,
};

static atomic_uint handshakes, resumed;
static atomic_bool running;

/** the two gateways' clients: 0 asks for new keys, 1 by keyId */
static skip_client_t *clients[2];

typedef struct {
	pthread_t thread;
	unsigned *lat[2];
	size_t n[2];
	unsigned long errors;
	bool measure;
} worker_t;

static void info_cb(const SSL *ssl, int where, int ret)
{
	(void)ret;
	if (where & SSL_CB_HANDSHAKE_START)
	{
		atomic_fetch_add(&handshakes, 1);
	}
	if ((where & SSL_CB_HANDSHAKE_DONE) && SSL_session_reused((SSL*)ssl))
	{
		atomic_fetch_add(&resumed, 1);
	}
}

/** count every handshake of the clients' TLS contexts */
static void ctx_hook(SSL_CTX *ctx)
{
	SSL_CTX_set_info_callback(ctx, info_cb);
}

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void note(worker_t *w, int kind, unsigned long long start)
{
	if (w->measure && w->n[kind] < MAX_SAMPLES)
	{
		w->lat[kind][w->n[kind]++] = (now_ns() - start) / 1000;
	}
}

/** one IKE_SA's worth of KP calls: a new key, then the same by keyId */
static bool one_pair(worker_t *w)
{
	unsigned long long start;
	skip_key_t *key, *peer;
	skip_status_t status;

	start = now_ns();
	status = clients[0]->get_key(clients[0], opts.system_id[1], 0, 0, &key,
								 NULL);
	if (status != SKIP_OK)
	{
		return false;
	}
	note(w, 0, start);
	start = now_ns();
	status = clients[1]->get_key_by_id(clients[1], key->key_id,
									   opts.system_id[0], 0, &peer, NULL);
	skip_key_destroy(key);
	if (status != SKIP_OK)
	{
		return false;
	}
	note(w, 1, start);
	skip_key_destroy(peer);
	return true;
}

static void *work(void *arg)
{
	worker_t *w = arg;

	while (atomic_load(&running))
	{
		if (!one_pair(w))
		{
			w->errors++;
		}
	}
	return NULL;
}

static int cmp_unsigned(const void *a, const void *b)
{
	unsigned x = *(const unsigned*)a, y = *(const unsigned*)b;

	return x < y ? -1 : x > y;
}

static unsigned percentile(unsigned *v, size_t n, double p)
{
	return n ? v[(size_t)(p * (n - 1))] : 0;
}

static double cpu_us(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec * 1e6 + ru.ru_utime.tv_usec +
		   ru.ru_stime.tv_sec * 1e6 + ru.ru_stime.tv_usec;
}

static long switches(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_nvcsw + ru.ru_nivcsw;
}

/** run all threads concurrently for seconds */
static void run(worker_t *w, double seconds)
{
	unsigned i;

	atomic_store(&running, true);
	for (i = 0; i < opts.threads; i++)
	{
		pthread_create(&w[i].thread, NULL, work, &w[i]);
	}
	nanosleep(&(struct timespec){
		.tv_sec = (time_t)seconds,
		.tv_nsec = (long)((seconds - (time_t)seconds) * 1e9),
	}, NULL);
	atomic_store(&running, false);
	for (i = 0; i < opts.threads; i++)
	{
		pthread_join(w[i].thread, NULL);
	}
}

static skip_client_t *create(int side, skip_psk_t *psk)
{
	char errbuf[256];
	skip_error_t err = {};
	skip_kp_config_t config = {
		.protocol = SKIP_PROTOCOL_SKIP,
		.url = opts.url[side],
		.auth = SKIP_AUTH_PSK,
		.psk = psk,
		/* what the plugin configures by default (skip_kp.c) */
		.timeout_ms = SKIP_DEFAULT_TIMEOUT_MS,
		.connect_timeout_ms = SKIP_DEFAULT_CONNECT_TIMEOUT_MS,
		.connections = opts.pool_size,
	};
	skip_client_t *client;

	if (!skip_psk_load(opts.psk_file[side], opts.id[side], psk, errbuf,
					   sizeof(errbuf)))
	{
		fprintf(stderr, "error: %s\n", errbuf);
		exit(1);
	}
	client = skip_source_create(&config, &err);
	skip_memwipe(psk, sizeof(*psk));
	if (!client)
	{
		fprintf(stderr, "error: %s\n", err.detail);
		exit(1);
	}
	return client;
}

static void usage(const char *name)
{
	fprintf(stderr, "usage: %s --url-a URL --identity-a ID --psk-a FILE "
			"--url-b URL --identity-b ID --psk-b FILE [--threads K] "
			"[--seconds S] [--pool-size N]\n", name);
	exit(2);
}

int main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "url-a", required_argument, NULL, 'a' },
		{ "identity-a", required_argument, NULL, 'i' },
		{ "psk-a", required_argument, NULL, 'p' },
		{ "url-b", required_argument, NULL, 'b' },
		{ "identity-b", required_argument, NULL, 'I' },
		{ "psk-b", required_argument, NULL, 'P' },
		{ "threads", required_argument, NULL, 't' },
		{ "seconds", required_argument, NULL, 's' },
		{ "pool-size", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned hs_before, res_before, i;
	unsigned long errors = 0;
	size_t n[2] = {};
	unsigned *all[2];
	double cpu, elapsed;
	unsigned long long t0;
	long csw;
	skip_psk_t psk[2];
	worker_t *w;
	int c, k;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1)
	{
		switch (c)
		{
			case 'a': opts.url[0] = optarg; break;
			case 'i': opts.id[0] = optarg; break;
			case 'p': opts.psk_file[0] = optarg; break;
			case 'b': opts.url[1] = optarg; break;
			case 'I': opts.id[1] = optarg; break;
			case 'P': opts.psk_file[1] = optarg; break;
			case 't': opts.threads = atoi(optarg); break;
			case 's': opts.seconds = atof(optarg); break;
			case 'n': opts.pool_size = atoi(optarg); break;
			default: usage(argv[0]);
		}
	}
	if (!opts.url[0] || !opts.url[1] || !opts.id[0] || !opts.id[1] ||
		!opts.psk_file[0] || !opts.psk_file[1] || !opts.threads ||
		opts.threads > MAX_THREADS || opts.seconds <= 0)
	{
		usage(argv[0]);
	}
	skip_tls_client_ctx_hook = ctx_hook;
	clients[0] = create(0, &psk[0]);
	clients[1] = create(1, &psk[1]);
	w = calloc(opts.threads, sizeof(*w));
	for (i = 0; i < opts.threads; i++)
	{
		for (k = 0; k < 2; k++)
		{
			w[i].lat[k] = malloc(MAX_SAMPLES * sizeof(unsigned));
		}
	}
	/* warm up: as many connections as the load needs */
	run(w, 0.5);
	for (i = 0; i < opts.threads; i++)
	{
		errors += w[i].errors;
		w[i].errors = 0;
		w[i].measure = true;
	}
	if (errors)
	{
		fprintf(stderr, "warning: %lu errors while warming up\n", errors);
		errors = 0;
	}

	hs_before = atomic_load(&handshakes);
	res_before = atomic_load(&resumed);
	csw = switches();
	cpu = cpu_us();
	t0 = now_ns();
	run(w, opts.seconds);
	elapsed = (now_ns() - t0) / 1e9;
	cpu = cpu_us() - cpu;
	csw = switches() - csw;

	for (k = 0; k < 2; k++)
	{
		all[k] = malloc(MAX_SAMPLES * (size_t)opts.threads * sizeof(unsigned));
		for (i = 0; i < opts.threads; i++)
		{
			memcpy(all[k] + n[k], w[i].lat[k], w[i].n[k] * sizeof(unsigned));
			n[k] += w[i].n[k];
		}
		qsort(all[k], n[k], sizeof(unsigned), cmp_unsigned);
	}
	for (i = 0; i < opts.threads; i++)
	{
		errors += w[i].errors;
	}
	printf("calls=%zu calls_per_s=%.0f key_p50_us=%u key_p99_us=%u "
		   "by_id_p50_us=%u by_id_p99_us=%u new_tls=%u resumed=%u "
		   "cpu_us_per_call=%.1f csw_per_call=%.2f errors=%lu\n",
		   n[0] + n[1], (n[0] + n[1]) / elapsed,
		   percentile(all[0], n[0], 0.5), percentile(all[0], n[0], 0.99),
		   percentile(all[1], n[1], 0.5), percentile(all[1], n[1], 0.99),
		   atomic_load(&handshakes) - hs_before,
		   atomic_load(&resumed) - res_before,
		   n[0] + n[1] ? cpu / (n[0] + n[1]) : 0,
		   n[0] + n[1] ? (double)csw / (n[0] + n[1]) : 0, errors);

	clients[0]->destroy(clients[0]);
	clients[1]->destroy(clients[1]);
	for (k = 0; k < 2; k++)
	{
		free(all[k]);
		for (i = 0; i < opts.threads; i++)
		{
			free(w[i].lat[k]);
		}
	}
	free(w);
	return errors ? 1 : 0;
}
