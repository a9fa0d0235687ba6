/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "skip_client.h"

skip_client_t *skip_etsi014_create(const skip_kp_config_t *config,
								   skip_error_t *err)
{
	skip_error_set(err, SKIP_ERR_INVALID_ARG, 0, "ETSI GS QKD 014 is not "
				   "supported yet");
	return NULL;
}
