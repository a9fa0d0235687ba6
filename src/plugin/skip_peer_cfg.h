/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup skip_peer_cfg skip_peer_cfg
 * @{ @ingroup skip
 *
 * How a connection asks for a dynamic PPK, across strongSwan versions.
 */

#ifndef SKIP_PEER_CFG_H_
#define SKIP_PEER_CFG_H_

#include <config/peer_cfg.h>

/**
 * Whether a connection wants a dynamic PPK from SKIP: swanctl's
 * ppk_id = %any, which no static PPK secret can satisfy on an initiator.
 */
static inline bool skip_peer_cfg_dynamic(peer_cfg_t *peer_cfg)
{
	identification_t *ppk_id;

	ppk_id = peer_cfg ? peer_cfg->get_ppk_id(peer_cfg) : NULL;
	return ppk_id && ppk_id->get_type(ppk_id) == ID_ANY;
}

/**
 * Whether a connection requires a PPK (swanctl's ppk_required).
 */
static inline bool skip_peer_cfg_ppk_required(peer_cfg_t *peer_cfg)
{
#ifdef HAVE_PEER_CFG_OPTIONS
	return peer_cfg->has_option(peer_cfg, OPT_PPK_REQUIRED);
#else
	return peer_cfg->ppk_required(peer_cfg);
#endif
}

#endif /** SKIP_PEER_CFG_H_ @}*/
