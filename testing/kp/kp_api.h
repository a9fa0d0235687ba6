/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * The SKIP API of the Key Provider (SKIP draft §4): GET /capabilities,
 * /key, /key/{keyId} and /entropy with the draft's status codes.
 */

#ifndef KP_API_H_
#define KP_API_H_

#include "kp.h"

/**
 * Create the TLS context and the HTTPS listener of the SKIP API.
 */
bool kp_api_init(kp_t *kp);

/**
 * Free what kp_api_init() set up.
 */
void kp_api_deinit(kp_t *kp);

#endif /* KP_API_H_ */
