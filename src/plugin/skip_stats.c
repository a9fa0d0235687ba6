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

/** the bucket of a duration */
static u_int bucket(uint64_t us)
{
	u_int exp;

	if (us > UINT32_MAX)
	{
		us = UINT32_MAX;
	}
	if (us < 16)
	{
		return us;
	}
	exp = 63 - __builtin_clzll(us);
	/* the three bits below the leading one pick the eighth */
	return 16 + (exp - 4) * 8 + ((us >> (exp - 3)) & 7);
}

/*
 * Described in header
 */
uint32_t skip_latency_bucket_max(u_int i)
{
	u_int exp, eighth;

	if (i < 16)
	{
		return i;
	}
	exp = 4 + (i - 16) / 8;
	eighth = (i - 16) % 8;
	return (((uint64_t)(8 + eighth + 1)) << (exp - 3)) - 1;
}

/*
 * Described in header
 */
void skip_latency_add(skip_latency_t *this, uint64_t us)
{
	this->count++;
	this->sum_us += us;
	this->max_us = max(this->max_us, min(us, UINT32_MAX));
	this->buckets[bucket(us)]++;
}

/*
 * Described in header
 */
uint32_t skip_latency_percentile(const skip_latency_t *this, u_int percent)
{
	uint64_t rank, seen = 0;
	u_int i;

	if (!this->count)
	{
		return 0;
	}
	percent = max(1, min(percent, 100));
	/* the smallest rank that percent % of the calls do not exceed */
	rank = (this->count * percent + 99) / 100;
	for (i = 0; i < SKIP_LATENCY_BUCKETS; i++)
	{
		seen += this->buckets[i];
		if (seen >= rank)
		{
			return min(skip_latency_bucket_max(i), this->max_us);
		}
	}
	return this->max_us;
}

METHOD(skip_stats_t, key, void,
	private_skip_stats_t *this, bool by_id, bool fallback, uint64_t us)
{
	this->mutex->lock(this->mutex);
	if (by_id)
	{
		this->values.keys_by_id++;
		skip_latency_add(&this->values.latency_by_id, us);
	}
	else
	{
		this->values.keys_new++;
		skip_latency_add(&this->values.latency_new, us);
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
