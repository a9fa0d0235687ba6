/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dske_file dske_file
 * @{ @ingroup libdske
 *
 * What the files of client-hub pairs, and of the hub's share store and
 * the reference KP's journal and config, need alike: whole transfers at
 * an offset and "name = value" lines.
 */

#ifndef DSKE_FILE_H_
#define DSKE_FILE_H_

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/**
 * pwrite(2) all of len, retrying short writes and EINTR.
 *
 * @return			false on an error (errno set) or if nothing is written
 */
bool dske_pwrite_all(int fd, const void *buf, size_t len, off_t offset);

/**
 * pread(2) all of len, retrying short reads and EINTR.
 *
 * @return			false on an error (errno set) or at the end of the file
 */
bool dske_pread_all(int fd, void *buf, size_t len, off_t offset);

/**
 * Split a config line "name = value" in place, both trimmed of white
 * space.
 *
 * @param name		receives the name
 * @param value		receives the value, NULL if the line has no '='
 * @return			false for a blank or comment ('#') line
 */
bool dske_conf_line(char *line, char **name, char **value);

#endif /** DSKE_FILE_H_ @}*/
