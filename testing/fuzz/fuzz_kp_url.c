/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * libFuzzer target: the KP URL of the plugin's configuration. An accepted
 * URL is https, printable, without query, fragment or user info: the client
 * appends paths and queries to it.
 */

#include <skip_client.h>
#include <skip_validate.h>

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	skip_kp_config_t config = { .auth = SKIP_AUTH_CERT };
	skip_error_t err = {};
	skip_client_t *client;
	const char *url;
	char *text;

	text = strndup((const char*)data, size);
	if (!text)
	{
		return 0;
	}
	config.url = text;
	client = skip_client_create(&config, &err);
	if (client)
	{
		url = client->get_url(client);
		if (strncmp(url, "https://", 8) != 0 || strpbrk(url, "?#@ ") ||
			!skip_printable(url, strlen(url), 1024))
		{
			abort();
		}
		client->destroy(client);
	}
	else if (!err.detail[0])
	{
		abort();
	}
	free(text);
	return 0;
}
