/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "skip_capabilities.h"
#include "skip_validate.h"

#include <stdlib.h>

bool skip_capabilities_allows(const skip_capabilities_t *caps,
							  const char *system_id)
{
	size_t i;

	for (i = 0; i < caps->remote_system_id_count; i++)
	{
		if (skip_glob_match(caps->remote_system_ids[i], system_id))
		{
			return true;
		}
	}
	return false;
}

void skip_capabilities_destroy(skip_capabilities_t *caps)
{
	size_t i;

	if (caps)
	{
		for (i = 0; i < caps->remote_system_id_count; i++)
		{
			free(caps->remote_system_ids[i]);
		}
		free(caps->remote_system_ids);
		free(caps->algorithm);
		free(caps->local_system_id);
		free(caps);
	}
}
