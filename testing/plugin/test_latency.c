/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * The histogram of KP call durations the status socket reports p50/p99 of:
 * bucket bounds, ranks and the cap at the longest call.
 */

#include "plugin_tests.h"

#include <skip_stats.h>

/** a percentile must lie in [us, us + 1/8] of the value it stands for */
static void expect_near(uint32_t got, uint32_t us)
{
	ck_assert_uint_ge(got, us);
	ck_assert_uint_le(got, us + us / 8);
}

START_TEST(test_empty)
{
	skip_latency_t h = {};

	ck_assert_uint_eq(skip_latency_percentile(&h, 50), 0);
	ck_assert_uint_eq(skip_latency_percentile(&h, 99), 0);
}
END_TEST

START_TEST(test_small_values_exact)
{
	skip_latency_t h = {};
	int i;

	for (i = 1; i <= 10; i++)
	{
		skip_latency_add(&h, i);
	}
	ck_assert_uint_eq(skip_latency_percentile(&h, 50), 5);
	ck_assert_uint_eq(skip_latency_percentile(&h, 90), 9);
	ck_assert_uint_eq(skip_latency_percentile(&h, 100), 10);
	ck_assert_uint_eq(h.count, 10);
	ck_assert_uint_eq(h.sum_us, 55);
}
END_TEST

START_TEST(test_tail)
{
	skip_latency_t h = {};
	int i;

	/* one slow call in a hundred is the 100th percentile, not the 99th */
	for (i = 0; i < 99; i++)
	{
		skip_latency_add(&h, 1000);
	}
	skip_latency_add(&h, 50000);
	expect_near(skip_latency_percentile(&h, 50), 1000);
	expect_near(skip_latency_percentile(&h, 99), 1000);
	ck_assert_uint_eq(skip_latency_percentile(&h, 100), 50000);

	/* two are */
	skip_latency_add(&h, 50000);
	skip_latency_add(&h, 50000);
	expect_near(skip_latency_percentile(&h, 99), 50000);
}
END_TEST

START_TEST(test_rank_rounds_up)
{
	skip_latency_t h = {};

	skip_latency_add(&h, 30);
	skip_latency_add(&h, 10);
	skip_latency_add(&h, 20);
	/* rank ceil(1.5) = 2 of 3 */
	expect_near(skip_latency_percentile(&h, 50), 20);
	ck_assert_uint_eq(skip_latency_percentile(&h, 1), 10);
}
END_TEST

START_TEST(test_resolution)
{
	uint32_t values[] = { 15, 16, 17, 23, 24, 100, 1023, 1024, 1025, 123456,
						  (1u << 31) - 1, (1u << 31) + 12345, };
	skip_latency_t h;
	int i;

	for (i = 0; i < countof(values); i++)
	{
		memset(&h, 0, sizeof(h));
		skip_latency_add(&h, values[i]);
		/* the longest call above it keeps the cap from hiding the bound */
		skip_latency_add(&h, UINT32_MAX);
		expect_near(skip_latency_percentile(&h, 50), values[i]);
	}
}
END_TEST

START_TEST(test_huge_values_bounded)
{
	skip_latency_t h = {};

	/* beyond the last bucket: counted there, never out of bounds */
	skip_latency_add(&h, 1ULL << 40);
	ck_assert_uint_eq(h.max_us, UINT32_MAX);
	ck_assert_uint_eq(h.buckets[SKIP_LATENCY_BUCKETS - 1], 1);
	ck_assert_uint_eq(skip_latency_percentile(&h, 99), UINT32_MAX);
	/* out-of-range percentiles are clamped */
	ck_assert_uint_eq(skip_latency_percentile(&h, 0), UINT32_MAX);
	ck_assert_uint_eq(skip_latency_percentile(&h, 1000), UINT32_MAX);
}
END_TEST

START_TEST(test_bucket_bounds)
{
	uint32_t values[] = { 0, 1, 15, 16, 17, 23, 24, 31, 32, 100, 1023, 1024,
						  1025, 123456, (1u << 31) - 1, 1u << 31, UINT32_MAX, };
	skip_latency_t h;
	u_int i, j, hit;

	/* the exported bounds rise and cover every duration */
	for (j = 1; j < SKIP_LATENCY_BUCKETS; j++)
	{
		ck_assert_uint_gt(skip_latency_bucket_max(j),
						  skip_latency_bucket_max(j - 1));
	}
	ck_assert_uint_eq(skip_latency_bucket_max(SKIP_LATENCY_BUCKETS - 1),
					  UINT32_MAX);
	/* a call lands in the one bucket whose bounds enclose it */
	for (i = 0; i < countof(values); i++)
	{
		memset(&h, 0, sizeof(h));
		skip_latency_add(&h, values[i]);
		hit = SKIP_LATENCY_BUCKETS;
		for (j = 0; j < SKIP_LATENCY_BUCKETS; j++)
		{
			if (h.buckets[j])
			{
				ck_assert_uint_eq(hit, SKIP_LATENCY_BUCKETS);
				hit = j;
			}
		}
		ck_assert_uint_lt(hit, SKIP_LATENCY_BUCKETS);
		ck_assert_uint_le(values[i], skip_latency_bucket_max(hit));
		if (hit)
		{
			ck_assert_uint_gt(values[i], skip_latency_bucket_max(hit - 1));
		}
	}
}
END_TEST

Suite *latency_suite(void)
{
	Suite *s = suite_create("latency");
	TCase *tc = tcase_create("percentiles");

	tcase_add_test(tc, test_empty);
	tcase_add_test(tc, test_small_values_exact);
	tcase_add_test(tc, test_tail);
	tcase_add_test(tc, test_rank_rounds_up);
	tcase_add_test(tc, test_resolution);
	tcase_add_test(tc, test_huge_values_bounded);
	tcase_add_test(tc, test_bucket_bounds);
	suite_add_tcase(s, tc);
	return s;
}
