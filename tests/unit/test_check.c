/* SPDX-License-Identifier: GPL-2.0-only */
/* Unit tests of kt_assert_cgroup on synthetic worker reports. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include <ktstr/check.h>
#include <ktstr/result.h>

#define NR 4

struct fix {
	struct kt_worker_report r[NR];
	struct kt_result res;
};

/*
 * A healthy worker: 1 s wall, 900 ms CPU (10% off-CPU), 1000 units and
 * iterations, a 10 ms gap, no migrations, ran on CPU (tid - 100).
 */
static void healthy(struct kt_worker_report *r, int tid)
{
	r->tid = tid;
	r->work_units = 1000;
	r->iterations = 1000;
	r->cpu_time_ns = KT_MS(900);
	r->wall_time_ns = KT_SEC(1);
	r->off_cpu_ns = KT_MS(100);
	r->max_gap_ns = KT_MS(10);
	r->max_gap_cpu = tid - 100;
	r->max_gap_at_ns = KT_MS(500);
	kt_cpuset_zero(&r->cpus_used);
	kt_cpuset_set(&r->cpus_used, tid - 100);
	kt_hist_init(&r->wake_latency);
	kt_hist_init(&r->request_latency);
	r->exit = KT_WORKER_OK;
}

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));
	int i;

	if (!f)
		return -1;
	for (i = 0; i < NR; i++)
		healthy(&f->r[i], 100 + i);
	kt_result_init(&f->res);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	kt_result_free(&f->res);
	free(f);
	return 0;
}

/* Run the checks on the first n reports of f into a fresh result. */
static void run(struct fix *f, const struct kt_assert *a, size_t n,
		const struct kt_cpuset *cpuset)
{
	kt_result_free(&f->res);
	assert_int_equal(kt_assert_cgroup(a, "cg_0", f->r, n, cpuset, &f->res),
			 0);
	assert_int_equal(f->res.nr_stats, 1);
}

static void expect_one(struct fix *f, enum kt_detail_kind kind, const char *msg)
{
	assert_int_equal(f->res.verdict, KT_VERDICT_FAIL);
	assert_int_equal(f->res.nr_details, 1);
	assert_int_equal(f->res.details[0].kind, kind);
	assert_string_equal(f->res.details[0].msg, msg);
}

static void expect_pass(struct fix *f)
{
	assert_int_equal(f->res.nr_details, 0);
	assert_int_equal(f->res.verdict, KT_VERDICT_PASS);
}

static void test_off_cpu_pct(void **state)
{
	struct fix *f = *state;

	assert_true(kt_report_off_cpu_pct(&f->r[0]) == 10.0);
	f->r[0].wall_time_ns = 0;
	assert_true(kt_report_off_cpu_pct(&f->r[0]) == 0.0);
}

static void test_healthy_passes_with_stats(void **state)
{
	struct fix *f = *state;
	struct kt_assert a = kt_assert_default_checks();
	struct kt_cpuset cs;
	const struct kt_cgroup_stats *st;

	f->r[1].off_cpu_ns = KT_MS(150);
	f->r[1].cpu_time_ns = KT_MS(850);
	f->r[1].max_gap_ns = KT_MS(12);
	f->r[0].migrations = 3;
	f->r[1].migrations = 7;
	f->r[1].iterations = 4000;
	f->r[1].work_units = 3000;
	kt_cpuset_set(&f->r[1].cpus_used, 0);
	kt_cpuset_zero(&cs);
	kt_cpuset_set_range(&cs, 0, 3);
	run(f, &a, 2, &cs);
	expect_pass(f);

	st = &f->res.stats[0];
	assert_string_equal(st->cgroup, "cg_0");
	assert_int_equal(st->workers, 2);
	assert_int_equal(st->cpus, 2); /* {0} and {0,1} */
	assert_true(st->min_off_cpu_pct == 10.0);
	assert_true(st->max_off_cpu_pct == 15.0);
	assert_true(st->spread_pct == 5.0);
	assert_int_equal(st->max_gap_ns, KT_MS(12));
	assert_int_equal(st->total_work_units, 4000);
	assert_int_equal(st->total_iterations, 5000);
	assert_int_equal(st->total_migrations, 10);
	assert_true(st->migration_ratio == 10.0 / 5000.0);
	/* rates 1000/0.9 and 3000/0.85 */
	{
		double r0 = 1000 / 0.9, r1 = 3000 / 0.85;
		double mean = (r0 + r1) / 2, sd = fabs(r1 - r0) / 2;

		assert_true(fabs(st->throughput_cv - sd / mean) < 1e-12);
	}
	assert_int_equal(st->p99_wake_latency_ns, 0);
	assert_int_equal(st->wake_samples, 0);
}

static void test_starved(void **state)
{
	struct fix *f = *state;
	struct kt_assert a = kt_assert_default_checks();
	/* fairness and gap effectively off: only starvation can fire */
	struct kt_assert loose = {
	    .max_spread_pct = KT_SET(100.0),
	    .max_gap_ns = KT_SET(UINT64_MAX),
	};
	struct kt_assert off = {.not_starved = KT_SET(false)};

	a = kt_assert_merge(&a, &loose);
	f->r[2].work_units = 0;
	f->r[2].off_cpu_ns = KT_SEC(1);
	f->r[2].cpu_time_ns = 0;
	f->r[2].max_gap_ns = KT_SEC(1);
	run(f, &a, 3, NULL);
	expect_one(f, KT_DETAIL_STARVED, "tid 102 starved (0 work units)");

	/* with the default limits the same worker is also unfair */
	a = kt_assert_default_checks();
	run(f, &a, 3, NULL);
	assert_int_equal(f->res.nr_details, 2);
	assert_string_equal(f->res.details[0].msg,
			    "tid 102 starved (0 work units)");
	assert_int_equal(f->res.details[1].kind, KT_DETAIL_UNFAIR);
	assert_string_equal(f->res.details[1].msg,
			    "unfair cgroup: spread=90% (10-100%) 3 workers "
			    "on 3 cpus");

	/* not_starved switched off: no starvation, fairness or gap check */
	a = kt_assert_merge(&a, &off);
	f->r[1].max_gap_ns = KT_SEC(10);
	run(f, &a, 3, NULL);
	expect_pass(f);
}

static void test_fairness_boundary(void **state)
{
	struct fix *f = *state;
	struct kt_assert a = kt_assert_default_checks();
	struct kt_assert lim42 = {.max_spread_pct = KT_SET(42.0)};

	/* 10% and 25%: spread exactly 15 passes */
	f->r[1].off_cpu_ns = KT_MS(250);
	run(f, &a, 2, NULL);
	expect_pass(f);
	assert_true(f->res.stats[0].spread_pct == 15.0);

	/* 10% and 25.5%: spread 15.5 fails, printed rounded */
	f->r[1].off_cpu_ns = KT_MS(255);
	run(f, &a, 2, NULL);
	expect_one(f, KT_DETAIL_UNFAIR,
		   "unfair cgroup: spread=16% (10-26%) 2 workers on 2 cpus");

	/* an explicit limit; 4 workers on 3 distinct CPUs */
	f->r[0].off_cpu_ns = KT_MS(80);
	f->r[1].off_cpu_ns = KT_MS(500);
	f->r[2].off_cpu_ns = KT_MS(300);
	f->r[3].off_cpu_ns = KT_MS(200);
	kt_cpuset_zero(&f->r[3].cpus_used);
	kt_cpuset_set(&f->r[3].cpus_used, 2);
	a = kt_assert_merge(&a, &lim42);
	run(f, &a, 4, NULL);
	expect_pass(f); /* spread exactly 42 */
	f->r[1].off_cpu_ns = KT_MS(501);
	run(f, &a, 4, NULL);
	expect_one(f, KT_DETAIL_UNFAIR,
		   "unfair cgroup: spread=42% (8-50%) 4 workers on 3 cpus");

	/* a single worker is never unfair */
	f->r[0].off_cpu_ns = KT_MS(900);
	run(f, &a, 1, NULL);
	expect_pass(f);
}

static void test_gap_boundary(void **state)
{
	struct fix *f = *state;
	struct kt_assert a = kt_assert_default_checks();
	struct kt_assert g3 = {.max_gap_ns = KT_SET(KT_MS(3000))};

	f->r[1].max_gap_ns = KT_MS(2000);
	f->r[1].max_gap_at_ns = KT_MS(1200);
	run(f, &a, 2, NULL);
	expect_pass(f);
	assert_int_equal(f->res.stats[0].max_gap_ns, KT_MS(2000));

	f->r[1].max_gap_ns = KT_MS(2000) + 1;
	run(f, &a, 2, NULL);
	expect_one(f, KT_DETAIL_STUCK, "stuck 2000ms on cpu1 at +1200ms");

	a = kt_assert_merge(&a, &g3);
	f->r[1].max_gap_ns = KT_MS(3000);
	run(f, &a, 2, NULL);
	expect_pass(f);
	f->r[1].max_gap_ns = KT_MS(3500);
	run(f, &a, 2, NULL);
	expect_one(f, KT_DETAIL_STUCK, "stuck 3500ms on cpu1 at +1200ms");
}

static void test_isolation(void **state)
{
	struct fix *f = *state;
	struct kt_assert a = kt_assert_default_checks();
	struct kt_assert off = {.isolation = KT_SET(false)};
	struct kt_cpuset cs;

	kt_cpuset_zero(&cs);
	kt_cpuset_set_range(&cs, 0, 3);
	kt_cpuset_set(&f->r[1].cpus_used, 5);
	kt_cpuset_set(&f->r[1].cpus_used, 7);
	kt_cpuset_set(&f->r[1].cpus_used, 3);
	run(f, &a, 2, &cs);
	expect_one(f, KT_DETAIL_ISOLATION,
		   "tid 101 ran on unexpected CPUs [5,7]");
	assert_int_equal(f->res.stats[0].cpus, 5);

	/* ranges are compacted */
	kt_cpuset_set(&f->r[1].cpus_used, 6);
	run(f, &a, 2, &cs);
	expect_one(f, KT_DETAIL_ISOLATION,
		   "tid 101 ran on unexpected CPUs [5-7]");

	/* no cpuset: nothing to compare against */
	run(f, &a, 2, NULL);
	expect_pass(f);

	/* switched off */
	a = kt_assert_merge(&a, &off);
	run(f, &a, 2, &cs);
	expect_pass(f);

	/* within the cpuset */
	a = kt_assert_default_checks();
	kt_cpuset_set_range(&cs, 0, 7);
	run(f, &a, 2, &cs);
	expect_pass(f);
}

static void test_throughput_cv(void **state)
{
	struct fix *f = *state;
	struct kt_assert a = {.max_throughput_cv = KT_SET(0.30)};
	int i;

	for (i = 0; i < 2; i++)
		f->r[i].cpu_time_ns = KT_SEC(1);
	/* rates 700 and 1300: mean 1000, sd 300, cv exactly 0.30 */
	f->r[0].work_units = 700;
	f->r[1].work_units = 1300;
	run(f, &a, 2, NULL);
	expect_pass(f);
	assert_true(f->res.stats[0].throughput_cv == 0.3);

	f->r[0].work_units = 699;
	f->r[1].work_units = 1301;
	run(f, &a, 2, NULL);
	assert_int_equal(f->res.verdict, KT_VERDICT_FAIL);

	f->r[0].work_units = 690;
	f->r[1].work_units = 1310;
	run(f, &a, 2, NULL);
	expect_one(f, KT_DETAIL_THROUGHPUT,
		   "throughput cv 0.31 > 0.30 (2 workers)");

	/* needs two workers */
	run(f, &a, 1, NULL);
	expect_pass(f);
	assert_true(f->res.stats[0].throughput_cv == 0.0);

	/* needs a mean above 0 */
	f->r[0].work_units = 0;
	f->r[1].work_units = 0;
	run(f, &a, 2, NULL);
	expect_pass(f);
}

static void test_min_work_rate(void **state)
{
	struct fix *f = *state;
	struct kt_assert a = {.min_work_rate = KT_SET(1000.0)};

	f->r[0].cpu_time_ns = KT_SEC(1);
	f->r[1].cpu_time_ns = KT_MS(500);
	f->r[1].work_units = 500;
	run(f, &a, 2, NULL);
	expect_pass(f); /* exactly 1000/s each */

	f->r[1].work_units = 499;
	run(f, &a, 2, NULL);
	expect_one(f, KT_DETAIL_THROUGHPUT, "tid 101 work rate 998/s < 1000/s");

	f->r[1].work_units = 60;
	run(f, &a, 2, NULL);
	expect_one(f, KT_DETAIL_THROUGHPUT, "tid 101 work rate 120/s < 1000/s");

	/* no CPU time at all is a rate of 0 */
	f->r[1].cpu_time_ns = 0;
	run(f, &a, 2, NULL);
	expect_one(f, KT_DETAIL_THROUGHPUT, "tid 101 work rate 0/s < 1000/s");
}

static void test_wake_latency(void **state)
{
	struct fix *f = *state;
	struct kt_assert a = {.max_p99_wake_latency_ns = KT_SET(KT_MS(5))};
	struct kt_assert sub = {.max_p99_wake_latency_ns = KT_SET(KT_US(500))};
	int i;

	/* no samples: no check, even against a limit of 0 */
	a.max_p99_wake_latency_ns.val = 0;
	run(f, &a, 2, NULL);
	expect_pass(f);
	a.max_p99_wake_latency_ns.val = KT_MS(5);

	/* every sample exactly at the limit */
	for (i = 0; i < 100; i++)
		kt_hist_add(&f->r[i % 2].wake_latency, KT_MS(5));
	run(f, &a, 2, NULL);
	expect_pass(f);
	assert_int_equal(f->res.stats[0].p99_wake_latency_ns, KT_MS(5));
	assert_int_equal(f->res.stats[0].wake_samples, 100);

	/* one nanosecond over */
	kt_hist_init(&f->r[0].wake_latency);
	kt_hist_init(&f->r[1].wake_latency);
	for (i = 0; i < 100; i++)
		kt_hist_add(&f->r[i % 2].wake_latency, KT_MS(5) + 1);
	run(f, &a, 2, NULL);
	assert_int_equal(f->res.verdict, KT_VERDICT_FAIL);

	/* 98 fast samples and two slow ones in another worker: the p99
	 * (index ceil(100 * 0.99) - 1 = 98) is slow, so histograms were
	 * merged across the cgroup */
	kt_hist_init(&f->r[0].wake_latency);
	kt_hist_init(&f->r[1].wake_latency);
	for (i = 0; i < 98; i++)
		kt_hist_add(&f->r[0].wake_latency, KT_MS(1));
	kt_hist_add(&f->r[1].wake_latency, 12300000);
	kt_hist_add(&f->r[1].wake_latency, 12300000);
	run(f, &a, 2, NULL);
	expect_one(f, KT_DETAIL_WAKE_LATENCY,
		   "p99 wake latency 12.3ms > 5.0ms (100 samples)");
	assert_int_equal(f->res.stats[0].p99_wake_latency_ns, 12300000);

	/* below a millisecond the message switches to microseconds */
	kt_hist_init(&f->r[0].wake_latency);
	kt_hist_init(&f->r[1].wake_latency);
	for (i = 0; i < 10; i++)
		kt_hist_add(&f->r[0].wake_latency, KT_US(850));
	run(f, &sub, 2, NULL);
	expect_one(f, KT_DETAIL_WAKE_LATENCY,
		   "p99 wake latency 850.0us > 500.0us (10 samples)");
}

/* MessageWorker's request latency: p50/p99 in the stats, p99 bounded. */
static void test_request_latency(void **state)
{
	struct fix *f = *state;
	struct kt_assert a = {.max_p99_request_latency_ns = KT_SET(KT_MS(5))};
	int i;

	/* no samples: no stats, the bound has nothing to judge */
	run(f, &a, 2, NULL);
	expect_pass(f);
	assert_int_equal(f->res.stats[0].request_samples, 0);
	assert_int_equal(f->res.stats[0].p99_request_latency_ns, 0);

	/* 99 fast and 1 slow over two workers, merged: p50 fast, p99 fast */
	for (i = 0; i < 99; i++)
		kt_hist_add(&f->r[i % 2].request_latency, KT_MS(1));
	kt_hist_add(&f->r[1].request_latency, KT_MS(40));
	for (i = 0; i < 10; i++)
		kt_hist_add(&f->r[0].wake_latency, KT_US(100));
	run(f, &a, 2, NULL);
	expect_pass(f);
	assert_int_equal(f->res.stats[0].request_samples, 100);
	/* the upper edge of 1 ms's bucket (at most 1/16 above) */
	assert_in_range(f->res.stats[0].p50_request_latency_ns, KT_MS(1),
			KT_MS(1) + KT_MS(1) / 16);
	assert_int_equal(f->res.stats[0].p99_request_latency_ns,
			 f->res.stats[0].p50_request_latency_ns);
	assert_int_equal(f->res.stats[0].p50_wake_latency_ns, KT_US(100));

	/* a second slow one makes the p99 slow: over the bound */
	kt_hist_add(&f->r[0].request_latency, KT_MS(40));
	run(f, &a, 2, NULL);
	expect_one(f, KT_DETAIL_WAKE_LATENCY,
		   "p99 request latency 40.0ms > 5.0ms (101 samples)");
	/* the wake bound does not judge request samples */
	a = (struct kt_assert){.max_p99_wake_latency_ns = KT_SET(KT_MS(5))};
	run(f, &a, 2, NULL);
	expect_pass(f);
	kt_hist_init(&f->r[0].request_latency);
	kt_hist_init(&f->r[1].request_latency);
	kt_hist_init(&f->r[0].wake_latency);
}

/* RT workers beside normal ones are left out of the fairness spread. */
static void test_rt_mixed_fairness(void **state)
{
	struct fix *f = *state;
	struct kt_assert a = kt_assert_default_checks();

	/* an RT member off the CPU 90%, normal ones at 10% and 20% */
	f->r[0].policy = KT_POLICY_FIFO;
	f->r[0].off_cpu_ns = KT_MS(900);
	f->r[2].off_cpu_ns = KT_MS(200);
	run(f, &a, 3, NULL);
	expect_pass(f);
	assert_true(f->res.stats[0].spread_pct == 10.0);
	assert_int_equal(f->res.stats[0].workers, 3);
	/* all RT: judged among themselves as before */
	f->r[1].policy = KT_POLICY_FIFO;
	f->r[2].policy = KT_POLICY_RR;
	run(f, &a, 3, NULL);
	expect_one(f, KT_DETAIL_UNFAIR,
		   "unfair cgroup: spread=80% (10-90%) 3 workers on 3 cpus");
	f->r[0].policy = f->r[1].policy = f->r[2].policy = KT_POLICY_NORMAL;
}

static void test_migration_ratio(void **state)
{
	struct fix *f = *state;
	struct kt_assert a = {.max_migration_ratio = KT_SET(0.10)};

	f->r[0].iterations = 60;
	f->r[1].iterations = 40;
	f->r[0].migrations = 6;
	f->r[1].migrations = 4;
	run(f, &a, 2, NULL);
	expect_pass(f);
	assert_true(f->res.stats[0].migration_ratio == 0.1);

	f->r[1].migrations = 5;
	run(f, &a, 2, NULL);
	expect_one(f, KT_DETAIL_MIGRATION, "migration ratio 0.11 > 0.10");

	f->r[0].migrations = 30;
	f->r[1].migrations = 22;
	run(f, &a, 2, NULL);
	expect_one(f, KT_DETAIL_MIGRATION, "migration ratio 0.52 > 0.10");

	/* no iterations: ratio 0 */
	f->r[0].iterations = 0;
	f->r[1].iterations = 0;
	run(f, &a, 2, NULL);
	expect_pass(f);
	assert_true(f->res.stats[0].migration_ratio == 0.0);
}

static void test_worker_exits(void **state)
{
	struct fix *f = *state;
	struct kt_assert a = kt_assert_default_checks();
	struct kt_result *res = &f->res;

	f->r[0].exit = KT_WORKER_SIGNALED;
	f->r[0].exit_signal = 9;
	f->r[1].exit = KT_WORKER_EXITED;
	f->r[1].exit_code = 3;
	f->r[2].exit = KT_WORKER_TIMED_OUT;
	f->r[3].exit = KT_WORKER_NOT_STARTED;
	snprintf(f->r[3].error, sizeof(f->r[3].error),
		 "sched_setscheduler: Operation not permitted");
	/* no telemetry from the worker that never started */
	f->r[3].work_units = 0;
	f->r[3].off_cpu_ns = 0;
	f->r[3].wall_time_ns = 0;
	run(f, &a, 4, NULL);
	assert_int_equal(res->verdict, KT_VERDICT_FAIL);
	assert_int_equal(res->nr_details, 4);
	assert_int_equal(res->details[0].kind, KT_DETAIL_WORKER);
	assert_string_equal(res->details[0].msg,
			    "tid 100 was killed by signal 9");
	assert_string_equal(res->details[1].msg, "tid 101 exited with code 3");
	assert_string_equal(res->details[2].msg,
			    "tid 102 did not stop in time");
	assert_string_equal(res->details[3].msg,
			    "tid 103 failed to start: sched_setscheduler: "
			    "Operation not permitted");
	/* left out of the stats, and not reported starved */
	assert_int_equal(res->stats[0].workers, 3);
	assert_int_equal(res->stats[0].cpus, 3);
	assert_int_equal(res->stats[0].total_work_units, 3000);

	f->r[3].error[0] = '\0';
	run(f, &a, 4, NULL);
	assert_string_equal(res->details[3].msg, "tid 103 failed to start");
}

static void test_no_checks_still_stats(void **state)
{
	struct fix *f = *state;
	struct kt_assert none = {0};
	struct kt_cpuset cs;

	kt_cpuset_zero(&cs);
	f->r[0].work_units = 0;
	f->r[0].max_gap_ns = KT_SEC(30);
	f->r[1].off_cpu_ns = KT_MS(990);
	run(f, &none, 2, &cs);
	expect_pass(f);
	assert_int_equal(f->res.stats[0].workers, 2);
	assert_int_equal(f->res.stats[0].max_gap_ns, KT_SEC(30));
	assert_true(f->res.stats[0].spread_pct == 89.0);

	/* an empty cgroup still gets a stats line */
	run(f, &none, 0, NULL);
	expect_pass(f);
	assert_int_equal(f->res.stats[0].workers, 0);
	assert_int_equal(f->res.stats[0].cpus, 0);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_off_cpu_pct),     T(test_healthy_passes_with_stats),
	    T(test_starved),	     T(test_fairness_boundary),
	    T(test_gap_boundary),    T(test_isolation),
	    T(test_throughput_cv),   T(test_min_work_rate),
	    T(test_wake_latency),    T(test_migration_ratio),
	    T(test_worker_exits),    T(test_no_checks_still_stats),
	    T(test_request_latency), T(test_rt_mixed_fairness),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
