/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "kpt_hub.h"

#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *kpt_hub_binary(void)
{
	static char path[PATH_MAX];
	char kp[PATH_MAX];

	if (getenv("SKIP_HUB"))
	{
		return getenv("SKIP_HUB");
	}
	/* testing/kp/skip-kp -> testing/hub/skip-hub */
	snprintf(kp, sizeof(kp), "%s", kpt_kp_binary());
	snprintf(path, sizeof(path), "%s/../hub/skip-hub", dirname(kp));
	return path;
}

const char *kpt_hub_client_dir(kpt_hub_t *hub, const char *client)
{
	static char buf[4][600];
	static int next;
	char *path = buf[next++ % 4];

	snprintf(path, sizeof(buf[0]), "%s/../%s/hubs/%s", hub->dir, client,
			 hub->name);
	return path;
}

/**
 * A free port none of the given ports is (test_free_port() may return a
 * port twice: it is free again once it returned it).
 */
static unsigned fresh_port(const unsigned *taken, size_t count)
{
	unsigned port;
	size_t i;

	do
	{
		port = test_free_port();
		for (i = 0; i < count && taken[i] != port; i++)
		{
		}
	}
	while (i < count);
	return port;
}

void kpt_hubs_init(kpt_hub_t *hubs, size_t count, uint64_t words,
				   const kpt_kp_t *kps, size_t kp_count)
{
	char base[300], names[200] = "", cmd[PATH_MAX + 1000];
	unsigned taken[KPT_HUBS_MAX + 2 * 8];
	size_t h, n = 0;

	ck_assert_int_le(kp_count, 8);
	for (h = 0; h < kp_count; h++)
	{
		taken[n++] = kps[h].port;
		taken[n++] = kps[h].sync_port;
	}

	ck_assert_int_le(count, KPT_HUBS_MAX);
	snprintf(base, sizeof(base), "%s/bundle", kpt_tmpdir("hubs"));
	for (h = 0; h < count; h++)
	{
		memset(&hubs[h], 0, sizeof(hubs[h]));
		snprintf(hubs[h].name, sizeof(hubs[h].name), "hub%u",
				 (unsigned)(h + 1) % 100);
		hubs[h].index = (unsigned)h + 1;
		hubs[h].port = fresh_port(taken, n);
		taken[n++] = hubs[h].port;
		snprintf(hubs[h].dir, sizeof(hubs[h].dir), "%s/%s", base,
				 hubs[h].name);
		snprintf(names + strlen(names), sizeof(names) - strlen(names),
				 "%s%s", h ? "," : "", hubs[h].name);
	}
	snprintf(cmd, sizeof(cmd), "%s bundle --hubs %s --clients kp-alice,kp-bob "
			 "--words %llu --out %s >/dev/null", kpt_hub_binary(), names,
			 (unsigned long long)words, base);
	ck_assert_msg(system(cmd) == 0, "%s failed", cmd);
}

void kpt_hub_kp_args(kpt_kp_t *kp, kpt_hub_t *hubs, size_t count,
					 const char *client, const char *peer,
					 const char *peer_client, unsigned k)
{
	size_t i;

	for (i = 0; i < count; i++)
	{
		kpt_kp_arg(kp, "--dske-hub");
		kpt_kp_arg(kp, "%s,127.0.0.1:%u,%u,%s", hubs[i].name, hubs[i].port,
				   hubs[i].index, kpt_hub_client_dir(&hubs[i], client));
	}
	kpt_kp_arg(kp, "--dske-peer");
	kpt_kp_arg(kp, "%s,%s,%u", peer, peer_client, k);
}

void kpt_hub_start(kpt_hub_t *hub, kpt_hub_fault_t fault)
{
	static const char *faults[] = {
		[KPT_HUB_CORRUPT] = "corrupt",
		[KPT_HUB_REPLAY] = "replay",
		[KPT_HUB_REPLAY_FRAME] = "replay-frame",
		[KPT_HUB_HANG] = "hang",
	};
	kpt_kp_t *proc = &hub->proc;

	kpt_kp_free(proc);
	kpt_kp_init(proc, hub->name);
	free(proc->argv[0]);
	proc->argv[0] = strdup(kpt_hub_binary());
	proc->port = hub->port;
	kpt_kp_arg(proc, "--name");
	kpt_kp_arg(proc, "%s", hub->name);
	kpt_kp_arg(proc, "--listen");
	kpt_kp_arg(proc, "127.0.0.1:%u", hub->port);
	kpt_kp_arg(proc, "--clients-dir");
	kpt_kp_arg(proc, "%s/clients", hub->dir);
	kpt_kp_arg(proc, "--state-dir");
	kpt_kp_arg(proc, "%s/state", hub->dir);
	kpt_kp_arg(proc, "-v");
	if (fault != KPT_HUB_HONEST)
	{
		kpt_kp_arg(proc, "--test-mode");
		kpt_kp_arg(proc, "--test-faults");
		kpt_kp_arg(proc, "%s", faults[fault]);
	}
	kpt_kp_start(proc);
}

void kpt_hub_stop(kpt_hub_t *hub)
{
	kpt_kp_stop(&hub->proc, SIGKILL);
}
