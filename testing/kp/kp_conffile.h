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
 * Apply an option of the command line or a config file ("config", which
 * names a config file, is kp_conffile_args()' own).
 *
 * @param opt		the option's val
 * @param arg		its value, NULL for a flag
 * @return			false if it is invalid (the callback says why)
 */
typedef bool (*kp_conffile_apply_t)(void *ctx, int opt, const char *arg);

/**
 * Read a config file and apply its lines in order; prints errors, with
 * the file and line, to stderr. "help" and "config" (files do not include
 * others) are no options of a file.
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
 * Apply the command line's options in order (-v and -h as short options);
 * --config FILE applies the options of FILE there.
 *
 * @param usage		prints the program's usage
 */
kp_args_t kp_conffile_args(int argc, char *argv[],
						   const struct option *options,
						   kp_conffile_apply_t apply, void (*usage)(FILE *out),
						   void *ctx);

/**
 * Parse a positive decimal number up to max; prints the error, naming the
 * option, to stderr.
 *
 * @param name		the option's name, without --
 * @return			false if arg is no such number
 */
bool kp_conffile_uint(const char *name, const char *arg, unsigned long max,
					  unsigned *out);

/**
 * Replace the value of a string option with a copy of arg.
 *
 * @return			false if out of memory
 */
bool kp_conffile_string(char **field, const char *arg);

#endif /* KP_CONFFILE_H_ */
