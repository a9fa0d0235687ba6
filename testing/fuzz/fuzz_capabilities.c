/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * libFuzzer target: a KP's GET /capabilities answer. Whatever it accepts
 * must satisfy the validation rules (a crash, sanitizer report or abort is
 * a finding).
 */

#include <skip_json.h>
#include <skip_validate.h>

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	skip_capabilities_t *caps = NULL;
	skip_error_t err = {};
	size_t i;

	if (skip_json_parse_capabilities((const char*)data, size, NULL, NULL,
									 &caps, &err) !=
		SKIP_OK)
	{
		if (caps || !err.detail[0])
		{
			abort();
		}
		return 0;
	}
	if (!skip_system_id_valid(caps->local_system_id,
							  strlen(caps->local_system_id)) ||
		!caps->remote_system_id_count ||
		!skip_printable(caps->algorithm, strlen(caps->algorithm),
						SKIP_ALGORITHM_MAX))
	{
		abort();
	}
	for (i = 0; i < caps->remote_system_id_count; i++)
	{
		if (!skip_glob_valid(caps->remote_system_ids[i],
							 strlen(caps->remote_system_ids[i])))
		{
			abort();
		}
		/* matching is done with fnmatch(3) on any accepted pattern */
		skip_capabilities_allows(caps, caps->local_system_id);
	}
	skip_capabilities_destroy(caps);
	return 0;
}
