/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup skip_stats skip_stats
 * @{ @ingroup skip
 */

#ifndef SKIP_STATS_H_
#define SKIP_STATS_H_

#include <library.h>
#include <skip_status.h>

typedef struct skip_stats_t skip_stats_t;
typedef struct skip_stats_values_t skip_stats_values_t;
typedef struct skip_latency_t skip_latency_t;

/** number of skip_status_t values counted */
#define SKIP_STATS_STATUS_MAX (SKIP_ERR_INTERNAL + 1)

/** exact buckets for 0..15 us, then 8 per power of two up to 2^32 us */
#define SKIP_LATENCY_BUCKETS (16 + 28 * 8)

/**
 * A histogram of KP call durations in microseconds: fixed buckets, so adding
 * a value allocates nothing. Above 15 us a bucket spans 1/8 of a power of
 * two, a percentile is exact to 12.5 %.
 */
struct skip_latency_t {
	/** calls counted */
	uint64_t count;
	/** sum of their durations (us) */
	uint64_t sum_us;
	/** longest call (us) */
	uint32_t max_us;
	/** calls per bucket */
	uint32_t buckets[SKIP_LATENCY_BUCKETS];
};

/**
 * Count a call in a histogram.
 *
 * @param us		its duration in microseconds
 */
void skip_latency_add(skip_latency_t *this, uint64_t us);

/**
 * The duration that percent % of the calls did not exceed: the upper bound
 * of the bucket holding that rank, never more than the longest call.
 *
 * @param percent	1..100
 * @return			duration in microseconds, 0 if no call was counted
 */
uint32_t skip_latency_percentile(const skip_latency_t *this, u_int percent);

/**
 * The largest duration a bucket holds: calls of bucket i took more than
 * bucket i - 1's and at most this long. Lets a reader of the exported buckets
 * subtract two histograms and take percentiles of what happened in between.
 *
 * @param i			bucket, 0..SKIP_LATENCY_BUCKETS - 1
 * @return			duration in microseconds
 */
uint32_t skip_latency_bucket_max(u_int i);

/**
 * The counters since charon started.
 */
struct skip_stats_values_t {
	/** new keys fetched as initiator */
	uint64_t keys_new;
	/** keys fetched by keyId as responder */
	uint64_t keys_by_id;
	/** keys a fallback KP delivered */
	uint64_t fallbacks;
	/** IKE_SAs of ppk_required = no connections that went on without PPK */
	uint64_t without_ppk;
	/** IKE_SAs refused because they lacked the required dynamic PPK */
	uint64_t refused;
	/** failed KP requests, by status */
	uint64_t failures[SKIP_STATS_STATUS_MAX];
	/** how long the KP calls that delivered a new key took (initiator) */
	skip_latency_t latency_new;
	/** how long the KP calls that delivered a key by keyId took (responder) */
	skip_latency_t latency_by_id;
};

/**
 * What the plugin did, for the status view. Counters only grow; they start
 * at zero with charon.
 */
struct skip_stats_t {

	/**
	 * A KP delivered a key.
	 *
	 * @param by_id		TRUE for a key by keyId (responder)
	 * @param fallback	TRUE if a fallback KP delivered it
	 * @param us		how long the KP call took, in microseconds
	 */
	void (*key)(skip_stats_t *this, bool by_id, bool fallback, uint64_t us);

	/**
	 * A KP request failed.
	 */
	void (*failure)(skip_stats_t *this, skip_status_t status);

	/**
	 * An IKE_SA went on without PPK (ppk_required = no).
	 */
	void (*without_ppk)(skip_stats_t *this);

	/**
	 * An IKE_SA was refused for lacking the required dynamic PPK.
	 */
	void (*refused)(skip_stats_t *this);

	/**
	 * Copy the counters.
	 */
	void (*get)(skip_stats_t *this, skip_stats_values_t *values);

	/**
	 * Destroy the counters.
	 */
	void (*destroy)(skip_stats_t *this);
};

/**
 * Create counters at zero.
 */
skip_stats_t *skip_stats_create();

#endif /** SKIP_STATS_H_ @}*/
