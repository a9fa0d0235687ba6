/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * Config files of the reference KP and the Security Hub: their long
 * options, one "name = value" per line (names without --), a flag alone or
 * as "name = yes", '#' starting a comment line.
 */

#ifndef KP_CONFFILE_H_
#define KP_CONFFILE_H_

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

/**
 * Apply an option of a config file.
 *
 * @param opt		the option's val
 * @param arg		its value, NULL for a flag
 * @return			false if it is invalid (the callback says why)
 */
typedef bool (*kp_conffile_apply_t)(void *ctx, int opt, const char *arg);

/**
 * Read a config file and apply its lines in order; prints errors, with
 * the file and line, to stderr. "help" is no option of a file.
 *
 * @param options	the program's long options
 * @return			false if the file cannot be read or a line fails
 */
bool kp_conffile_read(const char *path, const struct option *options,
					  kp_conffile_apply_t apply, void *ctx);

/**
 * What the command line asked for.
 */
typedef enum {
	/** options applied */
	KP_ARGS_OK,
	/** --help: usage printed to stdout */
	KP_ARGS_HELP,
	/** an unknown or invalid option, or extra arguments (usage printed
	 *  to stderr for the first and the last) */
	KP_ARGS_ERROR,
} kp_args_t;

/**
 * Apply the command line's options in order (-v and -h as short options;
 * a config file option is the callback's to read).
 *
 * @param usage		prints the program's usage
 */
kp_args_t kp_conffile_args(int argc, char *argv[],
						   const struct option *options,
						   kp_conffile_apply_t apply, void (*usage)(FILE *out),
						   void *ctx);

#endif /* KP_CONFFILE_H_ */
