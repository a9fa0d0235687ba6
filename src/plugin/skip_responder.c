/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "skip_responder.h"
#include "skip_peer_cfg.h"

#include <daemon.h>

/** connections of one IKE_SA considered at most */
#define MAX_CONNECTIONS 64

/*
 * Described in header
 */
skip_kp_t *skip_responder_choose_kp(skip_kp_set_t *kps, ike_sa_t *ike_sa,
									const char *peer)
{
	char *names[MAX_CONNECTIONS];
	enumerator_t *enumerator;
	peer_cfg_t *peer_cfg;
	skip_sid_log_t esc;
	skip_kp_t *kp;
	int count = 0, i;

	enumerator = charon->backends->create_peer_cfg_enumerator(charon->backends,
							ike_sa->get_my_host(ike_sa),
							ike_sa->get_other_host(ike_sa), NULL, NULL, IKEV2);
	while (count < MAX_CONNECTIONS &&
		   enumerator->enumerate(enumerator, &peer_cfg))
	{
		if (skip_peer_cfg_dynamic(peer_cfg))
		{
			names[count++] = strdup(peer_cfg->get_name(peer_cfg));
		}
	}
	enumerator->destroy(enumerator);

	if (!count)
	{
		DBG1(DBG_IKE, "SKIP: no connection with ppk_id = %%any matches "
			 "IKE_SA %s[%u] from %H, not offering SKIP to peer system ID "
			 "'%s'", ike_sa->get_name(ike_sa), ike_sa->get_unique_id(ike_sa),
			 ike_sa->get_other_host(ike_sa), skip_sid_log(peer, &esc));
		return NULL;
	}
	kp = kps->for_peer(kps, peer, names, count);
	if (!kp)
	{
		DBG1(DBG_IKE, "SKIP: none of our KPs (for the connections that may "
			 "match) shares keys with peer system ID '%s', not offering "
			 "SKIP", skip_sid_log(peer, &esc));
	}
	for (i = 0; i < count; i++)
	{
		free(names[i]);
	}
	return kp;
}
