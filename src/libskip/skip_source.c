/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * The one place that knows which key source protocols exist: a new one is
 * a new file behind skip_client_t and a case here.
 */

#include "skip_client.h"

skip_client_t *skip_source_create(const skip_kp_config_t *config,
								  skip_error_t *err)
{
	switch (config->protocol)
	{
		case SKIP_PROTOCOL_SKIP:
			return skip_client_create(config, err);
		case SKIP_PROTOCOL_ETSI014:
			return skip_etsi014_create(config, err);
	}
	skip_error_set(err, SKIP_ERR_INVALID_ARG, 0, "unknown key source "
				   "protocol %d", config->protocol);
	return NULL;
}
