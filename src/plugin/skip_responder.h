/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup skip_responder skip_responder
 * @{ @ingroup skip
 */

#ifndef SKIP_RESPONDER_H_
#define SKIP_RESPONDER_H_

#include "skip_kp_set.h"

#include <sa/ike_sa.h>

/**
 * Choose the KP profile a responder offers SKIP with, in IKE_SA_INIT.
 *
 * SKIP is offered only if a connection with ppk_id = %any can match the
 * IKE_SA (by its addresses: the identities are not known yet), so that the
 * initiator never spends a one-time key on a gateway that cannot use it;
 * the profile must serve one of those connections and share keys with the
 * peer. Does no KP I/O.
 *
 * @param kps		KP profiles
 * @param ike_sa	IKE_SA in IKE_SA_INIT
 * @param peer		the peer's system ID (validated)
 * @return			profile, NULL if SKIP is not to be offered (logged)
 */
skip_kp_t *skip_responder_choose_kp(skip_kp_set_t *kps, ike_sa_t *ike_sa,
									const char *peer);

#endif /** SKIP_RESPONDER_H_ @}*/
