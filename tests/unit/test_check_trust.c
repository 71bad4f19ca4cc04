/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of the checks that keep verdicts honest: work conservation
 * (the provable wait-while-idle bound), sched_ext coverage, the longest
 * gaps a report keeps, /proc/stat parsing, and the vCPU probe with the
 * gap check that consults it (a real SCHED_FIFO probe, made late on
 * purpose by a higher-priority thread; skipped without CAP_SYS_NICE).
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fifo_hog.h"

#include <ktstr/check.h>
#include <ktstr/result.h>

#include "core/cpu_stat.h"
#include "probe/vcpu_probe.h"
#include "work/worker_telemetry.h"

#define SPAN KT_SEC(5)

/* A worker of 5 s that ran on every CPU of allowed and waited delay. */
static void worker(struct kt_worker_report *r, int tid, uint64_t delay,
		   int first_cpu, int nr_cpus)
{
	memset(r, 0, sizeof(*r));
	r->tid = tid;
	r->work_units = r->iterations = 1000;
	r->wall_time_ns = SPAN;
	r->cpu_time_ns = SPAN - delay;
	r->off_cpu_ns = delay;
	r->run_delay_ns = delay;
	r->max_gap_cpu = first_cpu;
	r->ext = -1;
	kt_hist_init(&r->wake_latency);
	for (int c = first_cpu; c < first_cpu + nr_cpus; c++) {
		kt_cpuset_set(&r->cpus_allowed, c);
		kt_cpuset_set(&r->cpus_used, c);
	}
}

static bool has_kind(const struct kt_result *res, enum kt_detail_kind k)
{
	for (size_t i = 0; i < res->nr_details; i++)
		if (res->details[i].kind == k)
			return true;
	return false;
}

static const char *msg_of(const struct kt_result *res, enum kt_detail_kind k)
{
	for (size_t i = 0; i < res->nr_details; i++)
		if (res->details[i].kind == k)
			return res->details[i].msg;
	return "";
}

/* --single-cpu in numbers: four workers on cpu0 wait 3.75 s of 5 s
 * while cpu1..3 idle: the bound is 3.75 + 5 - 5 per worker. */
static void test_conservation_fires(void **state)
{
	struct kt_worker_report r[4];
	uint64_t idle[4] = {0, SPAN, SPAN, KT_MS(4900)};
	struct kt_cgroup_evidence ev = {
	    .cpu_idle_ns = idle, .nr_cpus = 4, .span_ns = SPAN};
	struct kt_assert a = kt_assert_default_checks();
	struct kt_result res;

	(void)state;
	for (int i = 0; i < 4; i++) {
		worker(&r[i], 10 + i, KT_MS(3750), 0, 4);
		r[i].run_count = 62; /* a 20 ms slice every 80 ms */
	}
	kt_result_init(&res);
	assert_int_equal(kt_assert_cgroup_ev(&a, "cg_0", r, 4, &ev, &res), 0);
	assert_int_equal(res.verdict, KT_VERDICT_FAIL);
	assert_true(has_kind(&res, KT_DETAIL_CONSERVATION));
	assert_non_null(strstr(msg_of(&res, KT_DETAIL_CONSERVATION),
			       "cg_0: 4 workers waited 15.0 s runnable while "
			       "cpu1 was 100% idle"));
	/* each run forgives the platform's 0.5 ms */
	assert_int_equal(res.stats[0].idle_wait_ns,
			 4 * (KT_MS(3750) - 62 * KT_US(500)));
	assert_true(res.stats[0].idle_wait_pct > 73.0 &&
		    res.stats[0].idle_wait_pct < 75.0);
	kt_result_free(&res);

	/* under TCG's 5 ms a run it still fails: 62 x 5 ms is 0.31 s of
	 * 3.75 s */
	ev.wake_allowance_ns = KT_WAKE_ALLOWANCE_TCG_NS;
	kt_result_init(&res);
	kt_assert_cgroup_ev(&a, "cg_0", r, 4, &ev, &res);
	assert_true(has_kind(&res, KT_DETAIL_CONSERVATION));
	kt_result_free(&res);
	ev.wake_allowance_ns = 0;

	/* switched off: measured, not judged */
	kt_result_init(&res);
	a.conservation = (struct kt_opt_bool)KT_SET(false);
	assert_int_equal(kt_assert_cgroup_ev(&a, "cg_0", r, 4, &ev, &res), 0);
	assert_false(has_kind(&res, KT_DETAIL_CONSERVATION));
	assert_true(res.stats[0].idle_wait_ns > 0);
	kt_result_free(&res);
}

/* What must not fire: busy CPUs, workers that could not use the idle CPU,
 * changed placements, RT workers, an over-counted idle time. */
static void test_conservation_holds_back(void **state)
{
	struct kt_worker_report r[4];
	uint64_t busy[4] = {0, 0, 0, 0}, idle[4] = {0, 0, SPAN, SPAN};
	uint64_t over[4] = {0, 2 * SPAN, 0, 0};
	struct kt_cgroup_evidence ev = {
	    .cpu_idle_ns = busy, .nr_cpus = 4, .span_ns = SPAN};
	struct kt_assert a = kt_assert_default_checks();
	struct kt_result res;

	(void)state;
	/* oversubscribed: everyone waits, nobody idles */
	for (int i = 0; i < 4; i++)
		worker(&r[i], 10 + i, KT_MS(4500), 0, 4);
	kt_result_init(&res);
	kt_assert_cgroup_ev(&a, "cg_0", r, 4, &ev, &res);
	assert_false(has_kind(&res, KT_DETAIL_CONSERVATION));
	assert_int_equal(res.stats[0].idle_wait_ns, 0);
	kt_result_free(&res);

	/* the idle CPUs 2-3 are not theirs: pinned to cpu0-1 */
	for (int i = 0; i < 4; i++)
		worker(&r[i], 10 + i, KT_MS(2500), 0, 2);
	ev.cpu_idle_ns = idle;
	kt_result_init(&res);
	kt_assert_cgroup_ev(&a, "cg_0", r, 4, &ev, &res);
	assert_false(has_kind(&res, KT_DETAIL_CONSERVATION));
	kt_result_free(&res);

	/* theirs, but the placement changed mid-run / they are RT */
	for (int i = 0; i < 4; i++)
		worker(&r[i], 10 + i, KT_MS(2500), 0, 4);
	ev.placement_changed = true;
	kt_result_init(&res);
	kt_assert_cgroup_ev(&a, "cg_0", r, 4, &ev, &res);
	assert_false(has_kind(&res, KT_DETAIL_CONSERVATION));
	kt_result_free(&res);
	ev.placement_changed = false;
	for (int i = 0; i < 4; i++)
		r[i].policy = KT_POLICY_FIFO;
	kt_result_init(&res);
	kt_assert_cgroup_ev(&a, "cg_0", r, 4, &ev, &res);
	assert_false(has_kind(&res, KT_DETAIL_CONSERVATION));
	kt_result_free(&res);

	/* idle counted at twice the span (emulated clocks) is capped: a
	 * small run delay cannot turn into a violation */
	for (int i = 0; i < 4; i++)
		worker(&r[i], 10 + i, KT_MS(200), 0, 4);
	ev.cpu_idle_ns = over;
	kt_result_init(&res);
	kt_assert_cgroup_ev(&a, "cg_0", r, 4, &ev, &res);
	assert_false(has_kind(&res, KT_DETAIL_CONSERVATION));
	assert_int_equal(res.stats[0].idle_wait_ns, 4 * KT_MS(200));
	kt_result_free(&res);
}

/* Idle CPUs on another NUMA node than the workers ran on do not count:
 * EEVDF keeps small imbalances across nodes on purpose. */
static void test_conservation_numa(void **state)
{
	struct kt_cpu_info cpus[4] = {
	    {.node = 0}, {.node = 0}, {.node = 1}, {.node = 1}};
	struct kt_node nodes[2] = {{.id = 0}, {.id = 1}};
	struct kt_topo topo = {
	    .max_cpu = 4, .cpus = cpus, .nr_nodes = 2, .nodes = nodes};
	uint64_t idle[4] = {0, 0, SPAN, SPAN};
	struct kt_cgroup_evidence ev = {
	    .cpu_idle_ns = idle, .nr_cpus = 4, .span_ns = SPAN, .topo = &topo};
	struct kt_assert a = kt_assert_default_checks();
	struct kt_worker_report r[2];
	struct kt_result res;

	(void)state;
	kt_cpuset_set_range(&nodes[0].cpus, 0, 1);
	kt_cpuset_set_range(&nodes[1].cpus, 2, 3);
	/* two spinners share cpu1, allowed cpu1-2, cpu2 idles on node 1 */
	for (int i = 0; i < 2; i++) {
		worker(&r[i], 10 + i, KT_MS(2500), 1, 2);
		kt_cpuset_zero(&r[i].cpus_used);
		kt_cpuset_set(&r[i].cpus_used, 1);
	}
	kt_result_init(&res);
	kt_assert_cgroup_ev(&a, "cg_1", r, 2, &ev, &res);
	assert_false(has_kind(&res, KT_DETAIL_CONSERVATION));
	kt_result_free(&res);

	/* the same without a topology: every allowed CPU counts */
	ev.topo = NULL;
	kt_result_init(&res);
	kt_assert_cgroup_ev(&a, "cg_1", r, 2, &ev, &res);
	assert_true(has_kind(&res, KT_DETAIL_CONSERVATION));
	kt_result_free(&res);

	/* an idle CPU on their own node counts */
	ev.topo = &topo;
	idle[0] = SPAN;
	for (int i = 0; i < 2; i++)
		kt_cpuset_set(&r[i].cpus_allowed, 0);
	kt_result_init(&res);
	kt_assert_cgroup_ev(&a, "cg_1", r, 2, &ev, &res);
	assert_true(has_kind(&res, KT_DETAIL_CONSERVATION));
	assert_non_null(strstr(msg_of(&res, KT_DETAIL_CONSERVATION),
			       "while cpu0 was 100% idle"));
	kt_result_free(&res);
}

/* fan_out_wake under a correct sched_ext scheduler in TCG: receivers
 * woken every 3.5 ms wait 2.4 ms each for the IPI to reach the idle CPU
 * they were put on. The TCG allowance forgives it; the native one does
 * not (and must not, on hardware an IPI takes microseconds). */
static void test_conservation_wake_allowance(void **state)
{
	struct kt_worker_report r[3];
	uint64_t idle[4] = {0, 0, KT_MS(4800), 0};
	struct kt_cgroup_evidence ev = {
	    .cpu_idle_ns = idle, .nr_cpus = 4, .span_ns = SPAN};
	struct kt_assert a = kt_assert_default_checks();
	struct kt_result res;

	(void)state;
	for (int i = 0; i < 3; i++) {
		worker(&r[i], 10 + i, 1428 * KT_US(2400), 0, 4);
		r[i].run_count = 1428;
	}
	kt_result_init(&res);
	kt_assert_cgroup_ev(&a, "cg_0", r, 3, &ev, &res);
	assert_true(has_kind(&res, KT_DETAIL_CONSERVATION));
	kt_result_free(&res);

	ev.wake_allowance_ns = KT_WAKE_ALLOWANCE_TCG_NS;
	kt_result_init(&res);
	kt_assert_cgroup_ev(&a, "cg_0", r, 3, &ev, &res);
	assert_false(has_kind(&res, KT_DETAIL_CONSERVATION));
	assert_int_equal(res.stats[0].idle_wait_ns, 0);
	kt_result_free(&res);
}

static void test_coverage(void **state)
{
	struct kt_worker_report r[3];
	struct kt_cgroup_evidence ev = {.ext_attached = true,
					.ext_switch_all = 0};
	struct kt_assert a = kt_assert_default_checks();
	struct kt_result res;

	(void)state;
	for (int i = 0; i < 3; i++) {
		worker(&r[i], 10 + i, 0, 0, 1);
		r[i].ext = 0;
	}
	r[2].ext = -1; /* never ran: does not count */
	kt_result_init(&res);
	kt_assert_cgroup_ev(&a, "cg_1", r, 3, &ev, &res);
	assert_int_equal(res.verdict, KT_VERDICT_INCONCLUSIVE);
	assert_non_null(strstr(msg_of(&res, KT_DETAIL_COVERAGE),
			       "cg_1: the scheduler under test ran none of its "
			       "2 workers: it is in partial mode"));
	assert_non_null(strstr(msg_of(&res, KT_DETAIL_COVERAGE), "policy Ext"));
	assert_int_equal(res.stats[0].ext_workers, 0);
	assert_int_equal(res.stats[0].ext_eligible, 2);
	kt_result_free(&res);

	/* one of them in sched_ext: covered */
	r[1].ext = 1;
	kt_result_init(&res);
	kt_assert_cgroup_ev(&a, "cg_1", r, 3, &ev, &res);
	assert_int_equal(res.verdict, KT_VERDICT_PASS);
	assert_int_equal(res.stats[0].ext_workers, 1);
	kt_result_free(&res);

	/* RT workers are not the scheduler's, EEVDF is not checked */
	r[0].policy = r[1].policy = KT_POLICY_FIFO;
	r[1].ext = 0;
	kt_result_init(&res);
	kt_assert_cgroup_ev(&a, "cg_1", r, 3, &ev, &res);
	assert_int_equal(res.verdict, KT_VERDICT_PASS);
	assert_int_equal(res.stats[0].ext_eligible, 0);
	kt_result_free(&res);
	r[0].policy = r[1].policy = KT_POLICY_NORMAL;
	ev.ext_attached = false;
	kt_result_init(&res);
	kt_assert_cgroup_ev(&a, "cg_1", r, 3, &ev, &res);
	assert_int_equal(res.verdict, KT_VERDICT_PASS);
	kt_result_free(&res);

	/* full mode and still none: the other message */
	ev = (struct kt_cgroup_evidence){.ext_attached = true,
					 .ext_switch_all = 1};
	kt_result_init(&res);
	kt_assert_cgroup_ev(&a, "cg_1", r, 3, &ev, &res);
	assert_non_null(strstr(msg_of(&res, KT_DETAIL_COVERAGE),
			       "ext.enabled was 0 at their start and end"));
	kt_result_free(&res);
}

/* The report keeps its four longest gaps, longest first, and max_gap_*
 * follows the longest. */
static void test_longest_gaps(void **state)
{
	static const uint64_t lens[] = {5, 30, 10, 50, 20, 40, 1};
	struct kt_worker_report r;
	uint64_t t = KT_SEC(100);

	(void)state;
	memset(&r, 0, sizeof(r));
	r.gate_ns = t;
	for (size_t i = 0; i < KT_ARRAY_SIZE(lens); i++) {
		kt_report_note_gap(&r, t, t + KT_MS(lens[i]), (int)i,
				   (int)i + 1);
		t += KT_SEC(1);
	}
	assert_int_equal(r.gaps[0].len_ns, KT_MS(50));
	assert_int_equal(r.gaps[1].len_ns, KT_MS(40));
	assert_int_equal(r.gaps[2].len_ns, KT_MS(30));
	assert_int_equal(r.gaps[3].len_ns, KT_MS(20));
	assert_int_equal(r.gaps[0].cpu_from, 3);
	assert_int_equal(r.gaps[0].cpu_to, 4);
	assert_int_equal(r.gaps[0].at_ns, KT_SEC(3));
	assert_int_equal(r.max_gap_ns, KT_MS(50));
	assert_int_equal(r.max_gap_cpu, 4);
	assert_int_equal(r.max_gap_at_ns, KT_SEC(3));
}

static void test_cpu_stat(void **state)
{
	char path[] = "/tmp/ktstr-cpustat-XXXXXX";
	struct kt_cpu_stat *a = malloc(sizeof(*a)), *b = malloc(sizeof(*b));
	int fd = mkstemp(path);
	long hz = sysconf(_SC_CLK_TCK);
	FILE *f;

	(void)state;
	assert_true(fd >= 0 && a && b);
	f = fdopen(fd, "w");
	fputs("cpu  10 0 10 100 5 0 0 0 0 0\n"
	      "cpu0 1 0 2 30 4 0 0 7 0 0\n"
	      "cpu2 1 0 2 40 0 0 0 0 0 0\n"
	      "intr 1 2 3\n",
	      f);
	fclose(f);
	assert_int_equal(kt_cpu_stat_read(path, a), 0);
	assert_int_equal(a->nr, 3);
	assert_true(a->cpu[0].present && !a->cpu[1].present);
	assert_int_equal(a->cpu[0].idle_ns, 34 * (KT_SEC(1) / (uint64_t)hz));
	assert_int_equal(a->cpu[0].steal_ns, 7 * (KT_SEC(1) / (uint64_t)hz));
	f = fopen(path, "w");
	fputs("cpu0 1 0 2 80 4 0 0 9 0 0\ncpu2 1 0 2 40 0 0 0 0 0 0\n", f);
	fclose(f);
	assert_int_equal(kt_cpu_stat_read(path, b), 0);
	assert_int_equal(kt_cpu_stat_idle_ns(a, b, 0),
			 50 * (KT_SEC(1) / (uint64_t)hz));
	assert_int_equal(kt_cpu_stat_steal_ns(a, b, 0),
			 2 * (KT_SEC(1) / (uint64_t)hz));
	assert_int_equal(kt_cpu_stat_idle_ns(a, b, 1), 0); /* absent */
	assert_int_equal(kt_cpu_stat_idle_ns(a, b, 2), 0);
	unlink(path);
	assert_int_equal(kt_cpu_stat_read(path, b), -ENOENT);
	free(a);
	free(b);
}

/* ---- the probe, for real ---- */

static void test_probe_and_gap(void **state)
{
	struct kt_probe_opts o = {
	    .period_ns = KT_MS(2), .min_window_ns = KT_MS(20), .prio = 1};
	struct kt_cpuset one;
	struct kt_probe *p = NULL;
	struct kt_probe_summary s;
	struct kt_worker_report r;
	struct kt_assert a = {.not_starved = KT_SET(true),
			      .max_gap_ns = KT_SET(KT_MS(200))};
	struct kt_result res;
	uint64_t from = 0, to = 0, un;
	int cpu = sched_getcpu() > 0 ? sched_getcpu() : 0;

	(void)state;
	kt_cpuset_zero(&one);
	kt_cpuset_set(&one, cpu);
	o.cpus = &one;
	if (kt_probe_start(&o, &p)) {
		print_message("no SCHED_FIFO here (%s)\n", kt_last_error());
		skip();
	}
	assert_ptr_equal(kt_probe_current(), p);
	kt_sleep(KT_MS(30));
	if (kt_test_fifo_hog(cpu, &from, &to)) {
		kt_probe_stop(p);
		skip();
	}
	kt_sleep(KT_MS(30));
	un = kt_probe_unavailable_ns(p, cpu, from, to);
	/* the hog held the CPU ~300 ms: the probe saw most of it */
	assert_true(un >= KT_MS(200) && un <= to - from);
	assert_int_equal(kt_probe_unavailable_ns(p, cpu + 1, from, to), 0);
	kt_probe_summarize(p, from - KT_MS(1), to + KT_MS(1), &s);
	assert_int_equal(s.cpus, 1);
	assert_int_equal(s.longest_cpu, cpu);
	assert_true(s.longest_ns >= KT_MS(200));

	/* a worker's 350 ms gap over that window: 350 - ~300 is within the
	 * 200 ms limit -> host stall, inconclusive */
	memset(&r, 0, sizeof(r));
	r.tid = 7;
	r.work_units = 1;
	r.wall_time_ns = KT_SEC(1);
	r.gate_ns = from - KT_MS(25);
	kt_hist_init(&r.wake_latency);
	kt_report_note_gap(&r, from - KT_MS(25), from + KT_MS(325), cpu, cpu);
	kt_result_init(&res);
	kt_assert_cgroup(&a, "cg_0", &r, 1, NULL, &res);
	assert_int_equal(res.verdict, KT_VERDICT_INCONCLUSIVE);
	assert_non_null(
	    strstr(msg_of(&res, KT_DETAIL_HOST_STALL), "(host stall)"));
	kt_result_free(&res);

	/* a 900 ms gap over it: 600 ms are the scheduler's -> stuck */
	memset(&r.gaps, 0, sizeof(r.gaps));
	r.max_gap_ns = 0;
	kt_report_note_gap(&r, from - KT_MS(25), from + KT_MS(875), cpu, cpu);
	kt_result_init(&res);
	kt_assert_cgroup(&a, "cg_0", &r, 1, NULL, &res);
	assert_int_equal(res.verdict, KT_VERDICT_FAIL);
	assert_non_null(strstr(msg_of(&res, KT_DETAIL_STUCK),
			       "(the vCPU was not running for"));
	kt_result_free(&res);

	kt_probe_stop(p);
	assert_null(kt_probe_current());

	/* without a probe the same gap counts whole */
	kt_result_init(&res);
	kt_assert_cgroup(&a, "cg_0", &r, 1, NULL, &res);
	assert_true(has_kind(&res, KT_DETAIL_STUCK));
	kt_result_free(&res);
}

/* The shared probe (single-threaded TCG): one thread on the last CPU of
 * its set, whose windows count for every CPU of the set. */
static void test_shared_probe(void **state)
{
	struct kt_probe_opts o = {.period_ns = KT_MS(2),
				  .min_window_ns = KT_MS(20),
				  .prio = 1,
				  .shared = true};
	struct kt_probe *p = NULL;
	struct kt_probe_summary s;
	struct kt_cpuset two;
	uint64_t from = 0, to = 0;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	(void)state;
	if (ncpu < 2)
		skip();
	kt_cpuset_zero(&two);
	kt_cpuset_set(&two, 0);
	kt_cpuset_set(&two, 1);
	o.cpus = &two;
	if (kt_probe_start(&o, &p)) {
		print_message("no SCHED_FIFO here (%s)\n", kt_last_error());
		skip();
	}
	kt_sleep(KT_MS(30));
	if (kt_test_fifo_hog(1, &from, &to)) { /* the thread's CPU */
		kt_probe_stop(p);
		skip();
	}
	kt_sleep(KT_MS(30));
	assert_true(kt_probe_watches(p, 0) && kt_probe_watches(p, 1));
	assert_false(kt_probe_watches(p, 2));
	/* seen on cpu1, counted for cpu0 too */
	assert_true(kt_probe_unavailable_ns(p, 0, from, to) >= KT_MS(200));
	assert_int_equal(kt_probe_unavailable_ns(p, 0, from, to),
			 kt_probe_unavailable_ns(p, 1, from, to));
	kt_probe_summarize(p, from, to, &s);
	assert_int_equal(s.cpus, 2);
	assert_int_equal(s.unavailable_ns,
			 2 * kt_probe_unavailable_ns(p, 1, from, to));
	kt_probe_stop(p);
}

/* Workers that block by design are judged on their run delay, not on
 * their off-CPU time (which is mostly their own sleeping). */
static void test_fairness_of_blocking_kinds(void **state)
{
	struct kt_worker_report r[2];
	struct kt_assert a = kt_assert_default_checks();
	struct kt_result res;

	(void)state;
	for (int i = 0; i < 2; i++) {
		worker(&r[i], 10 + i, 0, i, 1);
		r[i].kind = KT_WORK_IO_SYNC_WRITE;
		r[i].sched_cpu_ns = KT_SEC(1);
		r[i].run_delay_ns = KT_MS(100); /* both waited 2% */
	}
	r[0].cpu_time_ns = KT_SEC(4); /* off-CPU 20% and 70%: their I/O */
	r[0].off_cpu_ns = KT_SEC(1);
	r[1].cpu_time_ns = KT_MS(1500);
	r[1].off_cpu_ns = KT_MS(3500);
	kt_result_init(&res);
	kt_assert_cgroup(&a, "cg_2", r, 2, NULL, &res);
	assert_int_equal(res.verdict, KT_VERDICT_PASS);
	assert_true(res.stats[0].spread_on_wait);
	assert_true(res.stats[0].spread_pct < 0.01);
	kt_result_free(&res);

	/* one of them waited 40% of its run for a CPU: unfair */
	r[1].run_delay_ns = KT_SEC(2);
	kt_result_init(&res);
	kt_assert_cgroup(&a, "cg_2", r, 2, NULL, &res);
	assert_int_equal(res.verdict, KT_VERDICT_FAIL);
	assert_string_equal(msg_of(&res, KT_DETAIL_UNFAIR),
			    "unfair cgroup: spread=38% (2-40% of the run "
			    "waiting to run) 2 workers on 2 cpus");
	kt_result_free(&res);

	/* without schedstat: back to off-CPU time */
	r[0].sched_cpu_ns = 0;
	kt_result_init(&res);
	kt_assert_cgroup(&a, "cg_2", r, 2, NULL, &res);
	assert_false(res.stats[0].spread_on_wait);
	assert_string_equal(msg_of(&res, KT_DETAIL_UNFAIR),
			    "unfair cgroup: spread=50% (20-70%) 2 workers on 2 "
			    "cpus");
	kt_result_free(&res);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_conservation_fires),
	    cmocka_unit_test(test_conservation_holds_back),
	    cmocka_unit_test(test_conservation_numa),
	    cmocka_unit_test(test_conservation_wake_allowance),
	    cmocka_unit_test(test_coverage),
	    cmocka_unit_test(test_longest_gaps),
	    cmocka_unit_test(test_cpu_stat),
	    cmocka_unit_test(test_probe_and_gap),
	    cmocka_unit_test(test_shared_probe),
	    cmocka_unit_test(test_fairness_of_blocking_kinds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
