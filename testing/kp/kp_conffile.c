/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "kp_conffile.h"

#include <dske_file.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/** longest line of a config file */
#define CONFIG_LINE_MAX 4096

/**
 * One config line: "name = value", "name" for a flag, or a comment.
 */
static bool apply_line(const struct option *options, kp_conffile_apply_t apply,
					   void *ctx, char *line)
{
	const struct option *option;
	char *name, *value;

	if (!dske_conf_line(line, &name, &value))
	{
		return true;
	}
	for (option = options; option->name; option++)
	{
		if (strcmp(option->name, name) == 0)
		{
			break;
		}
	}
	if (!option->name || strcmp(option->name, "help") == 0)
	{
		fprintf(stderr, "unknown option '%s'\n", name);
		return false;
	}
	if (strcmp(option->name, "config") == 0)
	{
		fprintf(stderr, "config files cannot include others\n");
		return false;
	}
	if (option->has_arg == no_argument)
	{
		if (value && strcmp(value, "yes") != 0)
		{
			fprintf(stderr, "'%s' is a flag: write it alone or '= yes'\n",
					name);
			return false;
		}
		return apply(ctx, option->val, NULL);
	}
	if (!value || !*value)
	{
		fprintf(stderr, "'%s' wants a value\n", name);
		return false;
	}
	return apply(ctx, option->val, value);
}

bool kp_conffile_read(const char *path, const struct option *options,
					  kp_conffile_apply_t apply, void *ctx)
{
	char line[CONFIG_LINE_MAX];
	unsigned number = 0;
	bool ok = true;
	FILE *file;

	file = fopen(path, "re");
	if (!file)
	{
		fprintf(stderr, "cannot open config file %s: %m\n", path);
		return false;
	}
	while (ok && fgets(line, sizeof(line), file))
	{
		number++;
		if (!strchr(line, '\n') && !feof(file))
		{
			fprintf(stderr, "line too long\n");
			ok = false;
		}
		else
		{
			ok = apply_line(options, apply, ctx, line);
		}
		if (!ok)
		{
			fprintf(stderr, "  in %s, line %u\n", path, number);
		}
	}
	if (ok && ferror(file))
	{
		fprintf(stderr, "cannot read config file %s\n", path);
		ok = false;
	}
	fclose(file);
	return ok;
}

/**
 * What getopt_long() returns for --config, -1 if there is no such option.
 */
static int config_opt(const struct option *options)
{
	for (; options->name; options++)
	{
		if (strcmp(options->name, "config") == 0)
		{
			return options->val;
		}
	}
	return -1;
}

kp_args_t kp_conffile_args(int argc, char *argv[],
						   const struct option *options,
						   kp_conffile_apply_t apply, void (*usage)(FILE *out),
						   void *ctx)
{
	int opt, config = config_opt(options);

	while ((opt = getopt_long(argc, argv, "vh", options, NULL)) != -1)
	{
		if (opt == 'h')
		{
			usage(stdout);
			return KP_ARGS_HELP;
		}
		if (opt == '?' || opt == ':')
		{
			usage(stderr);
			return KP_ARGS_ERROR;
		}
		if (opt == config)
		{
			if (!kp_conffile_read(optarg, options, apply, ctx))
			{
				return KP_ARGS_ERROR;
			}
			continue;
		}
		if (!apply(ctx, opt, optarg))
		{
			return KP_ARGS_ERROR;
		}
	}
	if (optind != argc)
	{
		usage(stderr);
		return KP_ARGS_ERROR;
	}
	return KP_ARGS_OK;
}

bool kp_conffile_uint(const char *name, const char *arg, unsigned long max,
					  unsigned *out)
{
	char *end;
	unsigned long value;

	errno = 0;
	value = strtoul(arg, &end, 10);
	if (!isdigit((unsigned char)arg[0]) || errno || *end || value == 0 ||
		value > max)
	{
		fprintf(stderr, "--%s: invalid value '%s' (1 to %lu)\n", name, arg,
				max);
		return false;
	}
	*out = (unsigned)value;
	return true;
}

bool kp_conffile_string(char **field, const char *arg)
{
	free(*field);
	*field = strdup(arg);
	return *field != NULL;
}
