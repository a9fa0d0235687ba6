/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "skip_plugin.h"
#include "skip_control.h"
#include "skip_creds.h"
#include "skip_kp_set.h"
#include "skip_listener.h"
#include "skip_sa_table.h"
#include "skip_stats.h"

#include <daemon.h>
#include <plugins/plugin_feature.h>

typedef struct private_skip_plugin_t private_skip_plugin_t;

struct private_skip_plugin_t {

	/** public interface */
	skip_plugin_t public;

	/** our Key Provider profiles */
	skip_kp_set_t *kps;

	/** per-IKE_SA state */
	skip_sa_table_t *sas;

	/** notify hooks */
	skip_listener_t *listener;

	/** PPK lookups */
	skip_creds_t *creds;

	/** counters for the status view */
	skip_stats_t *stats;

	/** the status socket */
	skip_control_t *control;
};

METHOD(plugin_t, get_name, char*,
	private_skip_plugin_t *this)
{
	return "skip";
}

static void unregister(private_skip_plugin_t *this)
{
	DESTROY_IF(this->control);
	this->control = NULL;
	if (this->listener)
	{
		charon->bus->remove_listener(charon->bus, &this->listener->listener);
		this->listener->destroy(this->listener);
		this->listener = NULL;
	}
	if (this->creds)
	{
		lib->credmgr->remove_set(lib->credmgr, &this->creds->set);
		this->creds->destroy(this->creds);
		this->creds = NULL;
	}
	DESTROY_IF(this->sas);
	this->sas = NULL;
	DESTROY_IF(this->kps);
	this->kps = NULL;
	DESTROY_IF(this->stats);
	this->stats = NULL;
}

static bool plugin_cb(private_skip_plugin_t *this,
					  plugin_feature_t *feature, bool reg, void *cb_data)
{
	if (!reg)
	{
		unregister(this);
		return TRUE;
	}
	this->kps = skip_kp_set_create();
	if (!this->kps)
	{
		return FALSE;
	}
	this->sas = skip_sa_table_create();
	this->stats = skip_stats_create();
	this->creds = skip_creds_create(this->kps, this->sas, this->stats);
	this->listener = skip_listener_create(this->kps, this->sas, this->stats);
	/* the status view is a convenience: the plugin works without it */
	this->control = skip_control_create(this->kps, this->sas, this->stats);
	lib->credmgr->add_set(lib->credmgr, &this->creds->set);
	charon->bus->add_listener(charon->bus, &this->listener->listener);
	return TRUE;
}

METHOD(plugin_t, get_features, int,
	private_skip_plugin_t *this, plugin_feature_t *features[])
{
	static plugin_feature_t f[] = {
		PLUGIN_CALLBACK((plugin_feature_callback_t)plugin_cb, NULL),
			PLUGIN_PROVIDE(CUSTOM, "skip"),
	};
	*features = f;
	return countof(f);
}

METHOD(plugin_t, destroy, void,
	private_skip_plugin_t *this)
{
	unregister(this);
	free(this);
}

/*
 * strongSwan 6.0.3 and later refuse plugins without a matching
 * skip_plugin_version, which PLUGIN_DEFINE provides
 */
#ifdef PLUGIN_DEFINE
PLUGIN_DEFINE(skip)
#else
plugin_t *skip_plugin_create()
#endif
{
	private_skip_plugin_t *this;

	INIT(this,
		.public = {
			.plugin = {
				.get_name = _get_name,
				.get_features = _get_features,
				.destroy = _destroy,
			},
		},
	);
	return &this->public.plugin;
}
