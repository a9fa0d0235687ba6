/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "hub_fault.h"

#include <stdio.h>
#include <string.h>

bool hub_faults_parse(const char *spec, hub_faults_t *faults, char *err,
					  size_t errlen)
{
	char copy[256], *item, *save = NULL;
	hub_faults_t parsed = {};

	if (strlen(spec) >= sizeof(copy))
	{
		snprintf(err, errlen, "fault specification too long");
		return false;
	}
	strcpy(copy, spec);
	for (item = strtok_r(copy, ", \t", &save); item;
		 item = strtok_r(NULL, ", \t", &save))
	{
		if (strcmp(item, "corrupt") == 0)
		{
			parsed.corrupt = true;
		}
		else if (strcmp(item, "replay") == 0)
		{
			parsed.replay = true;
		}
		else if (strcmp(item, "replay-frame") == 0)
		{
			parsed.replay_frame = true;
		}
		else if (strcmp(item, "hang") == 0)
		{
			parsed.hang = true;
		}
		else
		{
			snprintf(err, errlen, "invalid fault '%.64s'", item);
			return false;
		}
	}
	*faults = parsed;
	return true;
}
