/* SPDX-License-Identifier: GPL-2.0-only */
/* Unit tests for kt_hist: exact buckets, quantile error bound, merge. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <ktstr/hist.h>

static struct kt_hist h1, h2, hall;

static void test_empty(void **state)
{
	(void)state;
	kt_hist_init(&h1);
	assert_int_equal(h1.count, 0);
	assert_int_equal(kt_hist_quantile(&h1, 0.5), 0);
	assert_int_equal(kt_hist_quantile(&h1, 1.0), 0);
	assert_int_equal(kt_hist_mean(&h1), 0);

	/* Merging an empty histogram changes nothing, min included. */
	kt_hist_init(&h2);
	kt_hist_add(&h2, 500);
	kt_hist_merge(&h2, &h1);
	assert_int_equal(h2.count, 1);
	assert_int_equal(h2.min, 500);
	assert_int_equal(h2.max, 500);
}

static void test_exact_small(void **state)
{
	(void)state;
	kt_hist_init(&h1);
	for (uint64_t v = 0; v < 16; v++)
		kt_hist_add(&h1, v);
	assert_int_equal(h1.count, 16);
	assert_int_equal(h1.min, 0);
	assert_int_equal(h1.max, 15);
	for (int i = 0; i < 16; i++)
		assert_int_equal(h1.buckets[i], 1);
	/* rank = ceil(16*q) - 1 */
	assert_int_equal(kt_hist_quantile(&h1, 0.0), 0);
	assert_int_equal(kt_hist_quantile(&h1, 1.0 / 16), 0);
	assert_int_equal(kt_hist_quantile(&h1, 0.5), 7);
	assert_int_equal(kt_hist_quantile(&h1, 0.51), 8);
	assert_int_equal(kt_hist_quantile(&h1, 0.9), 14);
	assert_int_equal(kt_hist_quantile(&h1, 1.0), 15);
	assert_int_equal(kt_hist_mean(&h1), 7); /* 120 / 16 */

	/* 16..31 are still exact (width-1 buckets of the first group). */
	kt_hist_init(&h1);
	kt_hist_add(&h1, 16);
	kt_hist_add(&h1, 17);
	kt_hist_add(&h1, 31);
	assert_int_equal(kt_hist_quantile(&h1, 0.3), 16);
	assert_int_equal(kt_hist_quantile(&h1, 0.6), 17);
	assert_int_equal(kt_hist_quantile(&h1, 1.0), 31);
}

static void test_bucket_edges(void **state)
{
	(void)state;
	/* 32 and 33 share a width-2 bucket whose upper edge is 33. */
	kt_hist_init(&h1);
	kt_hist_add(&h1, 32);
	kt_hist_add(&h1, 33);
	kt_hist_add(&h1, 100);
	assert_int_equal(kt_hist_quantile(&h1, 0.2), 33);
	assert_int_equal(kt_hist_quantile(&h1, 0.5), 33);
	/* 100 is in [100, 103]; clamped to max = 100. */
	assert_int_equal(kt_hist_quantile(&h1, 1.0), 100);

	/* Clamped to min as well as max: one value reports itself. */
	kt_hist_init(&h1);
	kt_hist_add(&h1, 1000001);
	assert_int_equal(kt_hist_quantile(&h1, 0.0), 1000001);
	assert_int_equal(kt_hist_quantile(&h1, 0.5), 1000001);
	assert_int_equal(kt_hist_quantile(&h1, 1.0), 1000001);

	/* The largest value fits. */
	kt_hist_init(&h1);
	kt_hist_add(&h1, UINT64_MAX);
	kt_hist_add(&h1, 1);
	assert_true(kt_hist_quantile(&h1, 1.0) == UINT64_MAX);
	assert_int_equal(kt_hist_quantile(&h1, 0.5), 1);
	assert_int_equal(h1.buckets[1], 1);
}

static void test_quantile_bound(void **state)
{
	const double qs[] = {0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999};
	const uint64_t n = 200000;

	(void)state;
	/* Values 1000, 2000, ..., n*1000 (uniform), once each. */
	kt_hist_init(&h1);
	for (uint64_t i = 1; i <= n; i++)
		kt_hist_add(&h1, i * 1000);
	assert_true(h1.count == n);
	assert_true(kt_hist_mean(&h1) == (n + 1) * 1000 / 2);
	for (size_t k = 0; k < sizeof(qs) / sizeof(qs[0]); k++) {
		uint64_t rank = (uint64_t)((double)n * qs[k] + 0.999999);
		uint64_t truth = rank * 1000; /* value at index rank-1 */
		uint64_t got = kt_hist_quantile(&h1, qs[k]);

		if (got < truth || (double)got > (double)truth * 1.0625)
			fail_msg("q=%g: got %llu, true %llu (bound 6.25%%)",
				 qs[k], (unsigned long long)got,
				 (unsigned long long)truth);
	}
	assert_true(kt_hist_quantile(&h1, 1.0) == n * 1000);
	/* q=0 is the first value's bucket: 1000 lies in [992, 1023]. */
	assert_true(kt_hist_quantile(&h1, 0.0) == 1023);

	/* A skewed distribution: 99% at ~10us, 1% at ~5ms. */
	kt_hist_init(&h2);
	for (int i = 0; i < 9900; i++)
		kt_hist_add(&h2, 10000 + (uint64_t)(i % 7));
	for (int i = 0; i < 100; i++)
		kt_hist_add(&h2, 5000000 + (uint64_t)i);
	uint64_t p50 = kt_hist_quantile(&h2, 0.5);
	uint64_t p99 = kt_hist_quantile(&h2, 0.99);
	uint64_t p995 = kt_hist_quantile(&h2, 0.995);

	assert_true(p50 >= 10003 && p50 <= 10006 * 1.0625);
	assert_true(p99 >= 10006 && p99 <= 10006 * 1.0625);
	assert_true(p995 >= 5000049 && p995 <= 5000099);
}

static void test_merge_is_adding(void **state)
{
	(void)state;
	kt_hist_init(&h1);
	kt_hist_init(&h2);
	kt_hist_init(&hall);
	for (uint64_t i = 0; i < 5000; i++) {
		uint64_t v = (i * 2654435761u) % 3000000;

		kt_hist_add(i % 3 ? &h1 : &h2, v);
		kt_hist_add(&hall, v);
	}
	kt_hist_merge(&h1, &h2);
	assert_memory_equal(&h1, &hall, sizeof(hall));

	/* Merge into an empty histogram copies min/max. */
	kt_hist_init(&h2);
	kt_hist_merge(&h2, &hall);
	assert_memory_equal(&h2, &hall, sizeof(hall));
	assert_true(hall.min < 3000 && hall.max > 2990000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_empty),
	    cmocka_unit_test(test_exact_small),
	    cmocka_unit_test(test_bucket_edges),
	    cmocka_unit_test(test_quantile_bound),
	    cmocka_unit_test(test_merge_is_adding),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
