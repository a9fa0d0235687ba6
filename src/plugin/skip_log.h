/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup skip_log skip_log
 * @{ @ingroup skip
 *
 * libskip's log lines in charon's log.
 */

#ifndef SKIP_LOG_H_
#define SKIP_LOG_H_

#include <stdarg.h>

/**
 * Log a line of libskip (a skip_log_t) in charon's cfg group as
 * "SKIP KP 'NAME': ...". The line is formatted only if a logger wants its
 * level: libskip logs every KP call at level 2.
 *
 * @param ctx		name of the KP profile (char*)
 * @param level		log level of the line
 * @param fmt		printf() format of the line
 * @param args		its arguments
 */
void skip_log_kp(void *ctx, int level, const char *fmt, va_list args);

#endif /** SKIP_LOG_H_ @}*/
