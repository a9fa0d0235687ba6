/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * vici-bench: starts IKE_SAs through charon's vici socket and times each,
 * for scripts/bench-plugin.sh (not installed). swanctl --initiate asks for
 * charon's log lines of each IKE_SA, which costs more than the IKE_SA itself;
 * this asks for none (loglevel -1).
 *
 * usage: vici-bench -s URI -i IKE [-c CHILD] -n N [-k K] [-o FILE] [-t SECS]
 *        vici-bench -s URI -i IKE [-c CHILD] -n N -a [-o FILE] [-t SECS]
 *        vici-bench -s URI -T IKE
 *
 *   -i IKE    connection to initiate (-c CHILD: with that CHILD_SA, else
 *             childless)
 *   -n N      IKE_SAs to start
 *   -k K      K in flight (default 1: one after another): K vici connections,
 *             each waiting for its initiate to complete; the setup time of
 *             an IKE_SA is its initiate's round trip
 *   -a        all N at once: initiates that do not wait, completion seen in
 *             ike-updown (or child-updown) events; the setup time of an
 *             IKE_SA is the time from the first initiate to its event
 *   -o FILE   append each setup time (us) to FILE, one a line
 *   -t SECS   give up after SECS (default 60)
 *   -T IKE    terminate every IKE_SA of connection IKE, waiting for each
 *
 * Prints "started S failed F wall_us W". Exit status 0 if all N started.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libvici.h>

static char *uri, *ike, *child, *out_path;
static int count, in_flight = 1, timeout_s = 60;

/** setup time of each IKE_SA (us), -1 if it failed */
static int64_t *times;
/** next IKE_SA to start (in-flight mode) or IKE_SAs seen up (all at once) */
static int next, done;
static int64_t start_us;
static pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t all_done = PTHREAD_COND_INITIALIZER;

static int64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

static vici_conn_t *connect_or_die(void)
{
	vici_conn_t *conn = vici_connect(uri);

	if (!conn)
	{
		fprintf(stderr, "vici-bench: connecting to %s failed: %s\n", uri,
				strerror(errno));
		exit(1);
	}
	return conn;
}

/**
 * Send a command; TRUE if charon answered success = yes.
 *
 * @param timeout_ms	how long charon waits for the SA (-1: not at all)
 */
static bool command(vici_conn_t *conn, const char *cmd, int timeout_ms)
{
	vici_req_t *req = vici_begin((char*)cmd);
	vici_res_t *res;
	bool ok;

	vici_add_key_valuef(req, "ike", "%s", ike);
	if (child)
	{
		vici_add_key_valuef(req, "child", "%s", child);
	}
	vici_add_key_valuef(req, "timeout", "%d", timeout_ms);
	/* no log lines streamed back: they would cost more than the SA */
	vici_add_key_valuef(req, "loglevel", "%d", -1);
	res = vici_submit(req, conn);
	if (!res)
	{
		fprintf(stderr, "vici-bench: %s failed: %s\n", cmd, strerror(errno));
		return false;
	}
	ok = strcmp(vici_find_str(res, "no", "success"), "yes") == 0;
	if (!ok && strcmp(cmd, "terminate") == 0 &&
		strstr(vici_find_str(res, "", "errmsg"), "no matching"))
	{	/* nothing left to terminate */
		ok = true;
	}
	else if (!ok)
	{
		fprintf(stderr, "vici-bench: %s: %s\n", cmd,
				vici_find_str(res, "?", "errmsg"));
	}
	vici_free_res(res);
	return ok;
}

/**
 * One of K in flight: start IKE_SAs one after another on its own connection.
 */
static void *initiator(void *arg)
{
	vici_conn_t *conn = connect_or_die();
	int64_t t0;
	int i;

	while (true)
	{
		pthread_mutex_lock(&mutex);
		i = next < count ? next++ : -1;
		pthread_mutex_unlock(&mutex);
		if (i < 0)
		{
			break;
		}
		t0 = now_us();
		times[i] = command(conn, "initiate", timeout_s * 1000) ?
				   now_us() - t0 : -1;
	}
	vici_disconnect(conn);
	return NULL;
}

static void run_in_flight(void)
{
	pthread_t threads[in_flight];
	int i;

	for (i = 0; i < in_flight; i++)
	{
		pthread_create(&threads[i], NULL, initiator, NULL);
	}
	for (i = 0; i < in_flight; i++)
	{
		pthread_join(threads[i], NULL);
	}
}

/**
 * An up event of connection ike: one more IKE_SA is established.
 */
static void on_updown(void *user, char *name, vici_res_t *msg)
{
	int64_t t = now_us();

	if (strcmp(vici_find_str(msg, "no", "up"), "yes") != 0 ||
		vici_parse(msg) != VICI_PARSE_KEY_VALUE ||
		vici_parse(msg) != VICI_PARSE_BEGIN_SECTION ||
		strcmp(vici_parse_name(msg), ike) != 0)
	{
		return;
	}
	pthread_mutex_lock(&mutex);
	if (done < count)
	{
		times[done++] = t - start_us;
		if (done == count)
		{
			pthread_cond_signal(&all_done);
		}
	}
	pthread_mutex_unlock(&mutex);
}

static void run_all_at_once(void)
{
	vici_conn_t *events = connect_or_die(), *conn = connect_or_die();
	const char *event = child ? "child-updown" : "ike-updown";
	struct timespec deadline;
	int i;

	if (vici_register(events, (char*)event, on_updown, NULL) != 0)
	{
		fprintf(stderr, "vici-bench: registering for %s failed: %s\n", event,
				strerror(errno));
		exit(1);
	}
	for (i = 0; i < count; i++)
	{
		times[i] = -1;
	}
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += timeout_s;
	start_us = now_us();
	for (i = 0; i < count; i++)
	{
		command(conn, "initiate", -1);
	}
	pthread_mutex_lock(&mutex);
	while (done < count &&
		   pthread_cond_timedwait(&all_done, &mutex, &deadline) != ETIMEDOUT)
	{
	}
	pthread_mutex_unlock(&mutex);
	vici_register(events, (char*)event, NULL, NULL);
	vici_disconnect(events);
	vici_disconnect(conn);
}

static void usage(void)
{
	fprintf(stderr, "usage: vici-bench -s URI -i IKE [-c CHILD] -n N "
			"[-k K | -a] [-o FILE] [-t SECS]\n"
			"       vici-bench -s URI -T IKE\n");
	exit(2);
}

int main(int argc, char *argv[])
{
	bool at_once = false, terminate = false;
	int opt, i, started = 0;
	int64_t wall;
	FILE *out = NULL;

	while ((opt = getopt(argc, argv, "s:i:c:n:k:ao:t:T:")) != -1)
	{
		switch (opt)
		{
			case 's': uri = optarg; break;
			case 'i': ike = optarg; break;
			case 'c': child = optarg; break;
			case 'n': count = atoi(optarg); break;
			case 'k': in_flight = atoi(optarg); break;
			case 'a': at_once = true; break;
			case 'o': out_path = optarg; break;
			case 't': timeout_s = atoi(optarg); break;
			case 'T': ike = optarg; terminate = true; break;
			default: usage();
		}
	}
	if (!uri || !ike || (!terminate && count <= 0) || in_flight <= 0 ||
		timeout_s <= 0)
	{
		usage();
	}
	vici_init();
	if (terminate)
	{
		vici_conn_t *conn = connect_or_die();
		bool ok = command(conn, "terminate", timeout_s * 1000);

		vici_disconnect(conn);
		vici_deinit();
		return ok ? 0 : 1;
	}
	if (out_path && !(out = fopen(out_path, "a")))
	{
		fprintf(stderr, "vici-bench: %s: %s\n", out_path, strerror(errno));
		return 1;
	}
	times = calloc(count, sizeof(*times));
	wall = now_us();
	if (at_once)
	{
		run_all_at_once();
	}
	else
	{
		run_in_flight();
	}
	wall = now_us() - wall;
	for (i = 0; i < count; i++)
	{
		if (times[i] >= 0)
		{
			started++;
			if (out)
			{
				fprintf(out, "%lld\n", (long long)times[i]);
			}
		}
	}
	if (out)
	{
		fclose(out);
	}
	printf("started %d failed %d wall_us %lld\n", started, count - started,
		   (long long)wall);
	free(times);
	vici_deinit();
	return started == count ? 0 : 1;
}
