/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "kp_fault.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool parse_number(const char *value, unsigned long min,
						 unsigned long max, unsigned long *out)
{
	char *end;

	if (!value || !isdigit((unsigned char)*value))
	{
		return false;
	}
	*out = strtoul(value, &end, 10);
	return !*end && *out >= min && *out <= max;
}

static bool parse_item(char *item, kp_faults_t *faults)
{
	char *value = strchr(item, '=');
	unsigned long number;

	if (value)
	{
		*value++ = '\0';
	}
	if (strcmp(item, "latency") == 0 &&
		parse_number(value, 1, KP_FAULT_DELAY_MAX_MS, &number))
	{
		faults->latency_ms = (unsigned)number;
	}
	else if (strcmp(item, "sync-delay") == 0 &&
			 parse_number(value, 1, KP_FAULT_DELAY_MAX_MS, &number))
	{
		faults->sync_delay_ms = (unsigned)number;
	}
	else if (strcmp(item, "status") == 0 &&
			 parse_number(value, 400, 599, &number))
	{
		faults->status = (int)number;
	}
	else if (strcmp(item, "count") == 0 &&
			 parse_number(value, 1, 1000000, &number))
	{
		faults->count = (unsigned)number;
		return true;
	}
	else if (strcmp(item, "path") == 0 && value && *value == '/' &&
			 strlen(value) < sizeof(faults->path))
	{
		strcpy(faults->path, value);
		return true;
	}
	else if (!value && strcmp(item, "drop") == 0)
	{
		faults->drop = true;
	}
	else if (!value && strcmp(item, "empty") == 0)
	{
		faults->empty = true;
	}
	else if (!value && strcmp(item, "wrong-key") == 0)
	{
		faults->wrong_key = true;
	}
	else if (!value && strcmp(item, "store-error") == 0)
	{
		faults->store_error = true;
		return true;
	}
	else if (!value && strcmp(item, "dir-sync-error") == 0)
	{
		faults->dir_sync_error = true;
		return true;
	}
	else if (!value && strcmp(item, "commit-error") == 0)
	{
		faults->commit_error = true;
		return true;
	}
	else
	{
		return false;
	}
	faults->active = true;
	return true;
}

bool kp_faults_parse(const char *spec, kp_faults_t *faults, char *err,
					 size_t errlen)
{
	char copy[256], *item, *save = NULL;
	kp_faults_t parsed = {};

	if (strlen(spec) >= sizeof(copy))
	{
		snprintf(err, errlen, "fault specification too long");
		return false;
	}
	strcpy(copy, spec);
	for (item = strtok_r(copy, ", \t\r\n", &save); item;
		 item = strtok_r(NULL, ", \t\r\n", &save))
	{
		if (!parse_item(item, &parsed))
		{
			snprintf(err, errlen, "invalid fault '%.64s'", item);
			return false;
		}
	}
	*faults = parsed;
	return true;
}

bool kp_faults_match(kp_faults_t *faults, const char *path, kp_faults_t *out)
{
	if (!faults->active ||
		strncmp(path, faults->path, strlen(faults->path)) != 0)
	{
		return false;
	}
	*out = *faults;
	if (faults->count && --faults->count == 0)
	{	/* used up; a store error stays until cleared */
		bool store_error = faults->store_error;

		*faults = (kp_faults_t){ .store_error = store_error };
	}
	return true;
}
