/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * skip_log_kp() without charon's bus: these tests run on libstrongswan only.
 */

#include <skip_log.h>

#include <library.h>

void skip_log_kp(void *ctx, int level, const char *fmt, va_list args)
{
	char line[512];

	vsnprintf(line, sizeof(line), fmt, args);
	DBG2(DBG_CFG, "SKIP KP '%s' (level %d): %s", (char*)ctx, level, line);
}
