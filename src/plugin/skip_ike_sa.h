/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup skip_ike_sa skip_ike_sa
 * @{ @ingroup skip
 *
 * How the plugin names an IKE_SA to its state table.
 */

#ifndef SKIP_IKE_SA_H_
#define SKIP_IKE_SA_H_

#include "skip_sa_table.h"

#include <sa/ike_sa.h>

/**
 * The table's name of an IKE_SA object.
 */
static inline skip_sa_id_t skip_sa_id(ike_sa_t *ike_sa)
{
	ike_sa_id_t *id = ike_sa->get_id(ike_sa);

	return (skip_sa_id_t){
		.unique_id = ike_sa->get_unique_id(ike_sa),
		.spi_i = id->get_initiator_spi(id),
	};
}

#endif /** SKIP_IKE_SA_H_ @}*/
