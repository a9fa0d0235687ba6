/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * libFuzzer target: the reference KP's config file (--config), with every
 * value parser behind it (addresses, peers, PSK files, authorization rules,
 * TLS settings, fault specifications).
 */

#include <kp_config.h>
#include <skip_validate.h>

#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int devnull = -1;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64], *argv[] = { "skip-kp", "--config", path, NULL };
	kp_config_t *config;
	int fd, err;

	if (devnull < 0)
	{
		devnull = open("/dev/null", O_WRONLY);
	}
	fd = memfd_create("skip-kp.conf", 0);
	if (fd < 0 || write(fd, data, size) != (ssize_t)size)
	{
		abort();
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);

	/* the parser explains every refusal on stderr */
	err = dup(2);
	dup2(devnull, 2);
	optind = 0;
	config = kp_config_parse(3, argv);
	dup2(err, 2);
	close(err);

	if (config)
	{
		if (!config->system_id ||
			!skip_system_id_valid(config->system_id,
								  strlen(config->system_id)) ||
			!config->peer_count || !config->listen_port)
		{
			abort();
		}
		kp_config_destroy(config);
	}
	close(fd);
	return 0;
}
