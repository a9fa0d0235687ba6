/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dske_file.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

/**
 * pwrite(2) or pread(2) all of len, retrying short transfers.
 */
static bool full_io(int fd, void *buf, size_t len, off_t offset, bool write)
{
	uint8_t *p = buf;
	ssize_t n;

	while (len)
	{
		n = write ? pwrite(fd, p, len, offset) : pread(fd, p, len, offset);
		if (n < 0 && errno == EINTR)
		{
			continue;
		}
		if (n <= 0)
		{
			return false;
		}
		p += n;
		len -= n;
		offset += n;
	}
	return true;
}

bool dske_pwrite_all(int fd, const void *buf, size_t len, off_t offset)
{
	return full_io(fd, (void*)buf, len, offset, true);
}

bool dske_pread_all(int fd, void *buf, size_t len, off_t offset)
{
	return full_io(fd, buf, len, offset, false);
}

static char *trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
	{
		s++;
	}
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
	{
		*--end = '\0';
	}
	return s;
}

bool dske_conf_line(char *line, char **name, char **value)
{
	char *eq;

	*name = trim(line);
	*value = NULL;
	if (!**name || **name == '#')
	{
		return false;
	}
	eq = strchr(*name, '=');
	if (eq)
	{
		*eq = '\0';
		*value = trim(eq + 1);
		*name = trim(*name);
	}
	return true;
}
