/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "skip_stats.h"

#include <threading/mutex.h>

typedef struct private_skip_stats_t private_skip_stats_t;

struct private_skip_stats_t {

	/** public interface */
	skip_stats_t public;

	/** the counters */
	skip_stats_values_t values;

	/** protects values */
	mutex_t *mutex;
};

METHOD(skip_stats_t, key, void,
	private_skip_stats_t *this, bool by_id, bool fallback)
{
	this->mutex->lock(this->mutex);
	if (by_id)
	{
		this->values.keys_by_id++;
	}
	else
	{
		this->values.keys_new++;
	}
	if (fallback)
	{
		this->values.fallbacks++;
	}
	this->mutex->unlock(this->mutex);
}

METHOD(skip_stats_t, failure, void,
	private_skip_stats_t *this, skip_status_t status)
{
	this->mutex->lock(this->mutex);
	this->values.failures[status < SKIP_STATS_STATUS_MAX ? status
											: SKIP_ERR_INTERNAL]++;
	this->mutex->unlock(this->mutex);
}

METHOD(skip_stats_t, without_ppk, void,
	private_skip_stats_t *this)
{
	this->mutex->lock(this->mutex);
	this->values.without_ppk++;
	this->mutex->unlock(this->mutex);
}

METHOD(skip_stats_t, refused, void,
	private_skip_stats_t *this)
{
	this->mutex->lock(this->mutex);
	this->values.refused++;
	this->mutex->unlock(this->mutex);
}

METHOD(skip_stats_t, get, void,
	private_skip_stats_t *this, skip_stats_values_t *values)
{
	this->mutex->lock(this->mutex);
	*values = this->values;
	this->mutex->unlock(this->mutex);
}

METHOD(skip_stats_t, destroy, void,
	private_skip_stats_t *this)
{
	this->mutex->destroy(this->mutex);
	free(this);
}

/*
 * Described in header
 */
skip_stats_t *skip_stats_create()
{
	private_skip_stats_t *this;

	INIT(this,
		.public = {
			.key = _key,
			.failure = _failure,
			.without_ppk = _without_ppk,
			.refused = _refused,
			.get = _get,
			.destroy = _destroy,
		},
		.mutex = mutex_create(MUTEX_TYPE_DEFAULT),
	);
	return &this->public;
}
