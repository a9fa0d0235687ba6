/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup skip skip
 * @ingroup cplugins
 *
 * @defgroup skip_plugin skip_plugin
 * @{ @ingroup skip
 */

#ifndef SKIP_PLUGIN_H_
#define SKIP_PLUGIN_H_

#include <plugins/plugin.h>

typedef struct skip_plugin_t skip_plugin_t;

/**
 * Dynamic RFC 8784 PPKs from a Key Provider over the Secure Key Integration
 * Protocol (SKIP).
 */
struct skip_plugin_t {

	/**
	 * Implements plugin interface.
	 */
	plugin_t plugin;
};

#endif /** SKIP_PLUGIN_H_ @}*/
