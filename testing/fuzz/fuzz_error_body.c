/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * libFuzzer target: the JSON error body of a KP answer, whose message ends
 * up in log lines: it must come out printable and bounded.
 */

#include <skip_json.h>
#include <skip_validate.h>

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char message[128];

	memset(message, 'X', sizeof(message));
	skip_json_error_message((const char*)data, size, message, sizeof(message));
	if (!memchr(message, '\0', sizeof(message)) ||
		!skip_printable(message, strlen(message), sizeof(message) - 1))
	{
		abort();
	}
	return 0;
}
