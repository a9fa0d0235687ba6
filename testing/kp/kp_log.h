/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * Logging of the reference Key Provider: one line per event on stderr.
 * Never pass key material or PSKs to these functions.
 */

#ifndef KP_LOG_H_
#define KP_LOG_H_

typedef enum {
	KP_LOG_ERROR = 0,
	KP_LOG_INFO = 1,
	KP_LOG_DEBUG = 2,
} kp_log_level_t;

/**
 * Set the most verbose level that is printed (default KP_LOG_INFO).
 */
void kp_log_set_level(int level);

/**
 * Print a log line at the given level.
 */
void kp_log(kp_log_level_t level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif /* KP_LOG_H_ */
