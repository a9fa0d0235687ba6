/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * skip-client status: what a running gateway's skip plugin reports on its
 * status socket (charon.plugins.skip.socket).
 */

#ifndef SKIP_STATUS_VIEW_H_
#define SKIP_STATUS_VIEW_H_

#include <stdbool.h>

/** the plugin's default status socket */
#define SKIP_STATUS_SOCKET "unix:///var/run/charon.skip"

/**
 * Read the status from a socket and print it, as tables or as the JSON
 * document itself.
 *
 * @param uri		unix://PATH of the socket
 * @param json		print the JSON document
 * @return			exit status: 0, 1 if the socket cannot be read or the
 *					answer is not a status document
 */
int skip_status_view(const char *uri, bool json);

#endif /* SKIP_STATUS_VIEW_H_ */
