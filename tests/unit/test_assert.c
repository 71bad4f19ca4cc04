/* SPDX-License-Identifier: GPL-2.0-only */
/* Unit tests of kt_assert: default checks, layer merge, has_worker_checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <ktstr/check.h>

static void test_defaults(void **state)
{
	struct kt_assert a = kt_assert_default_checks();

	(void)state;
	assert_true(a.not_starved.set);
	assert_true(a.not_starved.val);
	assert_true(a.isolation.set);
	assert_true(a.isolation.val);
	assert_true(a.max_spread_pct.set);
	assert_true(a.max_spread_pct.val == 15.0);
	assert_true(a.max_gap_ns.set);
	assert_int_equal(a.max_gap_ns.val, 2000000000ULL);
	assert_false(a.max_throughput_cv.set);
	assert_false(a.min_work_rate.set);
	assert_false(a.max_p99_wake_latency_ns.set);
	assert_false(a.max_migration_ratio.set);
}

/* defaults -> scheduler -> test, the last set value wins. */
static void test_merge_three_layers(void **state)
{
	struct kt_assert def = kt_assert_default_checks();
	struct kt_assert sched = {
	    .isolation = KT_SET(false),
	    .max_gap_ns = KT_SET(KT_MS(3000)),
	    .max_throughput_cv = KT_SET(0.5),
	    .max_migration_ratio = KT_SET(0.2),
	};
	struct kt_assert test = {
	    .not_starved = KT_SET(false),
	    .isolation = KT_SET(true),
	    .max_throughput_cv = KT_SET(0.3),
	    .min_work_rate = KT_SET(1000.0),
	};
	struct kt_assert m1 = kt_assert_merge(&def, &sched);
	struct kt_assert m = kt_assert_merge(&m1, &test);

	(void)state;
	/* after the scheduler layer */
	assert_true(m1.isolation.set);
	assert_false(m1.isolation.val);
	assert_true(m1.not_starved.val);
	assert_int_equal(m1.max_gap_ns.val, KT_MS(3000));

	/* switched off by the test layer */
	assert_true(m.not_starved.set);
	assert_false(m.not_starved.val);
	/* switched back on by the test layer */
	assert_true(m.isolation.set);
	assert_true(m.isolation.val);
	/* default kept through both layers */
	assert_true(m.max_spread_pct.set);
	assert_true(m.max_spread_pct.val == 15.0);
	/* scheduler value kept (test did not set it) */
	assert_true(m.max_gap_ns.set);
	assert_int_equal(m.max_gap_ns.val, KT_MS(3000));
	assert_true(m.max_migration_ratio.set);
	assert_true(m.max_migration_ratio.val == 0.2);
	/* scheduler value replaced by the test */
	assert_true(m.max_throughput_cv.set);
	assert_true(m.max_throughput_cv.val == 0.3);
	/* only the test set it */
	assert_true(m.min_work_rate.set);
	assert_true(m.min_work_rate.val == 1000.0);
	/* nobody set it */
	assert_false(m.max_p99_wake_latency_ns.set);
}

static void test_merge_empty_over_keeps_base(void **state)
{
	struct kt_assert base = {
	    .max_p99_wake_latency_ns = KT_SET(KT_MS(5)),
	    .min_work_rate = KT_SET(7.0),
	};
	struct kt_assert none = {0};
	struct kt_assert m = kt_assert_merge(&base, &none);

	(void)state;
	assert_false(m.not_starved.set);
	assert_false(m.isolation.set);
	assert_false(m.max_spread_pct.set);
	assert_true(m.max_p99_wake_latency_ns.set);
	assert_int_equal(m.max_p99_wake_latency_ns.val, KT_MS(5));
	assert_true(m.min_work_rate.set);
	assert_true(m.min_work_rate.val == 7.0);
	/* an unset field of over never copies its value */
	none.min_work_rate.val = 99.0;
	m = kt_assert_merge(&base, &none);
	assert_true(m.min_work_rate.val == 7.0);
}

static void test_has_worker_checks(void **state)
{
	struct kt_assert def = kt_assert_default_checks();
	struct kt_assert off = {
	    .not_starved = KT_SET(false),
	    .isolation = KT_SET(false),
	    .conservation = KT_SET(false),
	    .coverage = KT_SET(false),
	};
	struct kt_assert a = {0};
	struct kt_assert m;

	(void)state;
	assert_false(kt_assert_has_worker_checks(&a));
	assert_true(kt_assert_has_worker_checks(&def));

	/* every switch set to false: nothing enabled */
	assert_false(kt_assert_has_worker_checks(&off));
	/* the defaults with every switch off keep their limits, which
	 * enable nothing without their switches */
	m = kt_assert_merge(&def, &off);
	assert_true(m.max_spread_pct.set);
	assert_false(kt_assert_has_worker_checks(&m));

	a = (struct kt_assert){.not_starved = KT_SET(true)};
	assert_true(kt_assert_has_worker_checks(&a));
	a = (struct kt_assert){.isolation = KT_SET(true)};
	assert_true(kt_assert_has_worker_checks(&a));
	a = (struct kt_assert){.max_throughput_cv = KT_SET(0.3)};
	assert_true(kt_assert_has_worker_checks(&a));
	a = (struct kt_assert){.min_work_rate = KT_SET(1.0)};
	assert_true(kt_assert_has_worker_checks(&a));
	a = (struct kt_assert){.max_p99_wake_latency_ns = KT_SET(1)};
	assert_true(kt_assert_has_worker_checks(&a));
	a = (struct kt_assert){.max_migration_ratio = KT_SET(0.0)};
	assert_true(kt_assert_has_worker_checks(&a));
	m = kt_assert_merge(&m, &a);
	assert_true(kt_assert_has_worker_checks(&m));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults),
	    cmocka_unit_test(test_merge_three_layers),
	    cmocka_unit_test(test_merge_empty_over_keeps_base),
	    cmocka_unit_test(test_has_worker_checks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
