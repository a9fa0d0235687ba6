/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * The ETSI GS QKD 014 V1.1.1 API of the Key Provider (the KME side), on the
 * port of the SKIP API and from the same key store (docs/kp.md):
 *
 *   GET      /api/v1/keys/{slave_SAE_ID}/status
 *   GET|POST /api/v1/keys/{slave_SAE_ID}/enc_keys
 *   GET|POST /api/v1/keys/{master_SAE_ID}/dec_keys
 *
 * The caller is the local SAE its client certificate names (--sae). A key
 * enc_keys makes is synchronized to the KP the slave SAE sits behind, as
 * GET /key does, bound there to the slave SAE and the master SAE that made
 * it (kp_made.h), and handed out once by dec_keys.
 */

#ifndef KP_ETSI_H_
#define KP_ETSI_H_

#include "kp.h"

/**
 * The ETSI routes.
 */
typedef enum {
	/** not a path of the ETSI API */
	KP_ETSI_NONE,
	KP_ETSI_STATUS,
	KP_ETSI_ENC_KEYS,
	KP_ETSI_DEC_KEYS,
} kp_etsi_route_t;

/**
 * The ETSI route a path names (percent-encoded path).
 */
kp_etsi_route_t kp_etsi_route(const char *path);

/**
 * Whether a route takes a method; else, what it takes (for the 405).
 *
 * @param allowed	receives "GET" or "GET and POST"
 */
bool kp_etsi_method_ok(kp_etsi_route_t route, enum evhttp_cmd_type cmd,
					   const char **allowed);

/**
 * Answer an authenticated request of the ETSI API (route, method checked).
 *
 * @param client	authenticated client name
 * @param faults	injected faults that apply (empty, wrong-key)
 */
void kp_etsi_dispatch(kp_t *kp, struct evhttp_request *req,
					  const char *client, const kp_faults_t *faults);

/**
 * Answer with an ETSI Error body {"message": ...}.
 */
void kp_etsi_send_error(struct evhttp_request *req, int code,
						const char *message);

#endif /* KP_ETSI_H_ */
