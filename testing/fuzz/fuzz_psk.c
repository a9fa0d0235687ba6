/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * libFuzzer target: the content of a PSK file (configuration of the plugin,
 * skip-client and the KP).
 */

#include <skip_psk.h>

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];
	skip_psk_t psk;

	if (skip_psk_parse((const char*)data, size, "gw", &psk, err, sizeof(err)))
	{
		if (psk.len < SKIP_PSK_MIN || psk.len > SKIP_PSK_MAX ||
			strcmp(psk.identity, "gw") != 0)
		{
			abort();
		}
	}
	else if (psk.len || !err[0])
	{
		abort();
	}
	return 0;
}
