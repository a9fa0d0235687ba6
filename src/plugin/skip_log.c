/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "skip_log.h"

#include <daemon.h>

/** longest format of a line, with the prefix */
#define FORMAT_MAX 512

/**
 * Append the format prefix for a profile name, '%' doubled so that the name
 * is printed as it is.
 */
static size_t add_name(char *buf, size_t pos, const char *name)
{
	for (; *name && pos < FORMAT_MAX - 2; name++)
	{
		if (*name == '%')
		{
			buf[pos++] = '%';
		}
		buf[pos++] = *name;
	}
	return pos;
}

/*
 * Described in header
 */
void skip_log_kp(void *ctx, int level, const char *fmt, va_list args)
{
	char format[FORMAT_MAX], line[FORMAT_MAX];
	size_t pos;

	pos = snprintf(format, sizeof(format), "SKIP KP '");
	pos = add_name(format, pos, ctx);
	if (snprintf(format + pos, sizeof(format) - pos, "': %s", fmt) <
		(int)(sizeof(format) - pos))
	{	/* the bus formats it only if a logger wants the level */
		charon->bus->vlog(charon->bus, DBG_CFG, level, format, args);
		return;
	}
	/* a format that does not fit: print it into a line of its own */
	vsnprintf(line, sizeof(line), fmt, args);
	dbg(DBG_CFG, level, "SKIP KP '%s': %s", (char*)ctx, line);
}
