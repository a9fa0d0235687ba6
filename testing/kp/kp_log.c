/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "kp_log.h"

#include <skip_validate.h>

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

static int max_level = KP_LOG_INFO;

void kp_log_set_level(int level)
{
	max_level = level;
}

void kp_log(kp_log_level_t level, const char *fmt, ...)
{
	static const char *names[] = { "error", "info", "debug" };
	char line[1024], stamp[32];
	struct timespec ts;
	struct tm tm;
	va_list args;

	if ((int)level > max_level)
	{
		return;
	}
	va_start(args, fmt);
	vsnprintf(line, sizeof(line), fmt, args);
	va_end(args);
	/* lines may quote what clients sent: keep them on one printable line */
	skip_sanitize_printable(line);

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(stderr, "%s.%03ldZ [%s] %s\n", stamp, ts.tv_nsec / 1000000,
			names[level], line);
}
