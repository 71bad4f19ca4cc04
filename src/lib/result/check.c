/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Worker checks of one cgroup: starvation, fairness (off-CPU spread),
 * scheduling gaps, CPU isolation, throughput parity, wake and request
 * latency and migration ratio, plus one kt_cgroup_stats line for the
 * cgroup.
 *
 * A worker that never started (KT_WORKER_NOT_STARTED) has no telemetry:
 * it gets a worker detail and is left out of every metric. Workers that
 * exited, were killed or timed out get a worker detail too, and their
 * telemetry (whatever they recorded) is judged like everyone else's.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ktstr/check.h>
#include <ktstr/hist.h>
#include <ktstr/result.h>

#include "check_priv.h"
#include "result_lanes.h"

double kt_report_off_cpu_pct(const struct kt_worker_report *r)
{
	if (!r->wall_time_ns)
		return 0.0;
	return (double)r->off_cpu_ns * 100.0 / (double)r->wall_time_ns;
}

/* Work units per CPU second (0 when the worker used no CPU time). */
static double work_rate(const struct kt_worker_report *r)
{
	if (!r->cpu_time_ns)
		return 0.0;
	return (double)r->work_units / ((double)r->cpu_time_ns / 1e9);
}

/* "12.3ms", or "850.0us" below a millisecond so small values stay visible. */
static const char *fmt_latency(char *buf, size_t len, uint64_t ns)
{
	if (ns >= KT_MS(1))
		snprintf(buf, len, "%.1fms", (double)ns / 1e6);
	else
		snprintf(buf, len, "%.1fus", (double)ns / 1e3);
	return buf;
}

static int check_exit(const struct kt_worker_report *r, struct kt_result *res)
{
	int len;

	switch (r->exit) {
	case KT_WORKER_OK:
		return 0;
	case KT_WORKER_EXITED:
		return kt_result_add(res, KT_DETAIL_WORKER,
				     "tid %d exited with code %d", (int)r->tid,
				     r->exit_code);
	case KT_WORKER_SIGNALED:
		return kt_result_add(res, KT_DETAIL_WORKER,
				     "tid %d was killed by signal %d",
				     (int)r->tid, r->exit_signal);
	case KT_WORKER_TIMED_OUT:
		return kt_result_add(res, KT_DETAIL_WORKER,
				     "tid %d did not stop in time",
				     (int)r->tid);
	case KT_WORKER_NOT_STARTED:
		/* error[] comes from the child: do not trust its NUL */
		len = (int)strnlen(r->error, sizeof(r->error));
		if (!len)
			return kt_result_add(res, KT_DETAIL_WORKER,
					     "tid %d failed to start",
					     (int)r->tid);
		return kt_result_add(res, KT_DETAIL_WORKER,
				     "tid %d failed to start: %.*s",
				     (int)r->tid, len, r->error);
	}
	return kt_result_add(res, KT_DETAIL_WORKER,
			     "tid %d ended in unknown state %d", (int)r->tid,
			     (int)r->exit);
}

/* Share of a worker's run it spent runnable but waiting (schedstat). */
static double wait_pct(const struct kt_worker_report *r)
{
	if (!r->wall_time_ns)
		return 0.0;
	return (double)r->run_delay_ns * 100.0 / (double)r->wall_time_ns;
}

/*
 * In a cgroup that mixes real-time workers with normal ones (an
 * RtInterference group, a Spawn of FIFO workers beside normal ones) the
 * RT ones take the CPU by design: fairness is judged among the others.
 */
static bool rt_mixed(const struct kt_worker_report *reports, size_t nr)
{
	bool rt = false, normal = false;

	for (size_t i = 0; i < nr; i++) {
		if (!kt_check_judged(&reports[i]))
			continue;
		if (kt_policy_is_realtime(reports[i].policy))
			rt = true;
		else
			normal = true;
	}
	return rt && normal;
}

/* Is r one of the workers the fairness spread is judged on? */
static bool in_spread(const struct kt_worker_report *r, bool mixed)
{
	return kt_check_judged(r) &&
	       !(mixed && kt_policy_is_realtime(r->policy));
}

/*
 * What fairness is judged on. Off-CPU time (wall - CPU) is time waiting
 * for a CPU only for workers that never block; for a kind that sleeps or
 * waits on I/O it is mostly its own doing (a Bursty worker is off the CPU
 * two thirds of the time by design, an IoSyncWrite worker as long as its
 * fdatasync takes). So a cgroup with a blocking kind is judged on the
 * share of time its workers sat runnable (schedstat's run delay), when
 * every worker has it.
 */
static void fairness_metric(const struct kt_worker_report *reports, size_t nr,
			    struct kt_cgroup_stats *st)
{
	bool blocks = false, schedstat = true, first = true;
	bool mixed = rt_mixed(reports, nr);

	for (size_t i = 0; i < nr; i++) {
		if (!in_spread(&reports[i], mixed))
			continue;
		blocks |= kt_work_kind_blocks(reports[i].kind);
		schedstat &= reports[i].sched_cpu_ns > 0;
	}
	st->spread_on_wait = blocks && schedstat;
	for (size_t i = 0; i < nr && st->spread_on_wait; i++) {
		double w;

		if (!in_spread(&reports[i], mixed))
			continue;
		w = wait_pct(&reports[i]);
		if (first || w < st->min_wait_pct)
			st->min_wait_pct = w;
		if (first || w > st->max_wait_pct)
			st->max_wait_pct = w;
		first = false;
	}
	st->spread_pct = st->spread_on_wait
			     ? st->max_wait_pct - st->min_wait_pct
			     : st->max_off_cpu_pct - st->min_off_cpu_pct;
}

/* The latency percentiles of the judged workers' histograms. */
static void latency_stats(const struct kt_worker_report *reports, size_t nr,
			  struct kt_cgroup_stats *st)
{
	struct kt_hist wake, req;

	kt_hist_init(&wake);
	kt_hist_init(&req);
	for (size_t i = 0; i < nr; i++) {
		if (!kt_check_judged(&reports[i]))
			continue;
		kt_hist_merge(&wake, &reports[i].wake_latency);
		kt_hist_merge(&req, &reports[i].request_latency);
	}
	st->wake_samples = wake.count;
	st->p50_wake_latency_ns = kt_hist_quantile(&wake, 0.50);
	st->p99_wake_latency_ns = kt_hist_quantile(&wake, 0.99);
	st->request_samples = req.count;
	st->p50_request_latency_ns = kt_hist_quantile(&req, 0.50);
	st->p99_request_latency_ns = kt_hist_quantile(&req, 0.99);
}

/* Fill every stats field from the judged workers. */
static void compute_stats(const struct kt_worker_report *reports, size_t nr,
			  struct kt_cgroup_stats *st)
{
	bool first = true, mixed = rt_mixed(reports, nr);
	double sum = 0.0;
	struct kt_cpuset cpus;
	size_t i;

	kt_cpuset_zero(&cpus);
	for (i = 0; i < nr; i++) {
		const struct kt_worker_report *r = &reports[i];
		double off;

		if (!kt_check_judged(r))
			continue;
		off = kt_report_off_cpu_pct(r);
		if (in_spread(r, mixed)) {
			if (first || off < st->min_off_cpu_pct)
				st->min_off_cpu_pct = off;
			if (first || off > st->max_off_cpu_pct)
				st->max_off_cpu_pct = off;
			first = false;
		}
		if (r->max_gap_ns > st->max_gap_ns)
			st->max_gap_ns = r->max_gap_ns;
		st->workers++;
		st->total_work_units += r->work_units;
		st->total_iterations += r->iterations;
		st->total_migrations += r->migrations;
		kt_cpuset_or(&cpus, &r->cpus_used);
		sum += work_rate(r);
	}
	st->cpus = (unsigned int)kt_cpuset_count(&cpus);
	fairness_metric(reports, nr, st);
	if (st->total_iterations)
		st->migration_ratio =
		    (double)st->total_migrations / (double)st->total_iterations;
	if (st->workers >= 2 && sum > 0.0) {
		/* population CV of the per-worker rates, two passes */
		double mean = sum / st->workers, var = 0.0;

		for (i = 0; i < nr; i++) {
			double d;

			if (!kt_check_judged(&reports[i]))
				continue;
			d = work_rate(&reports[i]) - mean;
			var += d * d;
		}
		st->throughput_cv = sqrt(var / st->workers) / mean;
	}
	latency_stats(reports, nr, st);
}

static int check_not_starved(const struct kt_assert *a,
			     const struct kt_worker_report *reports, size_t nr,
			     const struct kt_cgroup_stats *st,
			     struct kt_result *res)
{
	double spread_limit = a->max_spread_pct.set ? a->max_spread_pct.val
						    : KT_DEFAULT_MAX_SPREAD_PCT;
	uint64_t gap_limit =
	    a->max_gap_ns.set ? a->max_gap_ns.val : KT_DEFAULT_MAX_GAP_NS;
	size_t i;
	int ret;

	for (i = 0; i < nr; i++) {
		if (!kt_check_judged(&reports[i]) || reports[i].work_units)
			continue;
		ret = kt_result_add(res, KT_DETAIL_STARVED,
				    "tid %d starved (0 work units)",
				    (int)reports[i].tid);
		if (ret)
			return ret;
	}
	if (st->workers >= 2 && st->spread_pct > spread_limit) {
		ret = kt_result_add(
		    res, KT_DETAIL_UNFAIR,
		    "unfair cgroup: spread=%ld%% (%ld-%ld%%%s) %u workers on "
		    "%u cpus",
		    lround(st->spread_pct),
		    lround(st->spread_on_wait ? st->min_wait_pct
					      : st->min_off_cpu_pct),
		    lround(st->spread_on_wait ? st->max_wait_pct
					      : st->max_off_cpu_pct),
		    st->spread_on_wait ? " of the run waiting to run" : "",
		    st->workers, st->cpus);
		if (ret)
			return ret;
	}
	return kt_check_gaps(reports, nr, gap_limit, res);
}

static int check_isolation(const struct kt_worker_report *reports, size_t nr,
			   const struct kt_cpuset *cpuset,
			   struct kt_result *res)
{
	size_t i;

	for (i = 0; i < nr; i++) {
		struct kt_cpuset extra = reports[i].cpus_used;
		char *list;
		int n, ret;

		kt_cpuset_andnot(&extra, cpuset);
		if (kt_cpuset_empty(&extra))
			continue;
		n = kt_cpuset_format(&extra, NULL, 0);
		list = malloc((size_t)n + 1);
		if (!list)
			return kt_err(ENOMEM, "isolation check: out of memory");
		kt_cpuset_format(&extra, list, (size_t)n + 1);
		ret = kt_result_add(res, KT_DETAIL_ISOLATION,
				    "tid %d ran on unexpected CPUs [%s]",
				    (int)reports[i].tid, list);
		free(list);
		if (ret)
			return ret;
	}
	return 0;
}

static int check_throughput(const struct kt_assert *a,
			    const struct kt_worker_report *reports, size_t nr,
			    const struct kt_cgroup_stats *st,
			    struct kt_result *res)
{
	size_t i;
	int ret;

	if (a->max_throughput_cv.set && st->workers >= 2 &&
	    st->total_work_units &&
	    st->throughput_cv > a->max_throughput_cv.val) {
		ret = kt_result_add(res, KT_DETAIL_THROUGHPUT,
				    "throughput cv %.2f > %.2f (%u workers)",
				    st->throughput_cv, a->max_throughput_cv.val,
				    st->workers);
		if (ret)
			return ret;
	}
	if (!a->min_work_rate.set)
		return 0;
	for (i = 0; i < nr; i++) {
		double rate = work_rate(&reports[i]);

		if (!kt_check_judged(&reports[i]) ||
		    !(rate < a->min_work_rate.val))
			continue;
		ret = kt_result_add(res, KT_DETAIL_THROUGHPUT,
				    "tid %d work rate %.0f/s < %.0f/s",
				    (int)reports[i].tid, rate,
				    a->min_work_rate.val);
		if (ret)
			return ret;
	}
	return 0;
}

/* The p99 bounds of wake and (MessageWorker) request latency. */
static int check_latency(const struct kt_assert *a,
			 const struct kt_cgroup_stats *st,
			 struct kt_result *res)
{
	char lat[32], lim[32];
	int ret = 0;

	if (a->max_p99_wake_latency_ns.set && st->wake_samples &&
	    st->p99_wake_latency_ns > a->max_p99_wake_latency_ns.val)
		ret = kt_result_add(
		    res, KT_DETAIL_WAKE_LATENCY,
		    "p99 wake latency %s > %s (%llu samples)",
		    fmt_latency(lat, sizeof(lat), st->p99_wake_latency_ns),
		    fmt_latency(lim, sizeof(lim),
				a->max_p99_wake_latency_ns.val),
		    (unsigned long long)st->wake_samples);
	if (!ret && a->max_p99_request_latency_ns.set && st->request_samples &&
	    st->p99_request_latency_ns > a->max_p99_request_latency_ns.val)
		ret = kt_result_add(
		    res, KT_DETAIL_WAKE_LATENCY,
		    "p99 request latency %s > %s (%llu samples)",
		    fmt_latency(lat, sizeof(lat), st->p99_request_latency_ns),
		    fmt_latency(lim, sizeof(lim),
				a->max_p99_request_latency_ns.val),
		    (unsigned long long)st->request_samples);
	return ret;
}

int kt_assert_cgroup(const struct kt_assert *a, const char *cgroup,
		     const struct kt_worker_report *reports, size_t nr,
		     const struct kt_cpuset *cpuset, struct kt_result *res)
{
	struct kt_cgroup_evidence ev = {.cpuset = cpuset};

	return kt_assert_cgroup_ev(a, cgroup, reports, nr, &ev, res);
}

int kt_assert_cgroup_ev(const struct kt_assert *a, const char *cgroup,
			const struct kt_worker_report *reports, size_t nr,
			const struct kt_cgroup_evidence *ev,
			struct kt_result *res)
{
	const struct kt_cpuset *cpuset = ev ? ev->cpuset : NULL;
	struct kt_cgroup_stats st = {.cgroup = (char *)cgroup};
	size_t i;
	int ret = 0;

	compute_stats(reports, nr, &st);

	for (i = 0; i < nr && !ret; i++)
		ret = check_exit(&reports[i], res);
	if (!ret && a->not_starved.set && a->not_starved.val)
		ret = check_not_starved(a, reports, nr, &st, res);
	if (!ret && a->isolation.set && a->isolation.val && cpuset)
		ret = check_isolation(reports, nr, cpuset, res);
	if (!ret)
		ret = check_throughput(a, reports, nr, &st, res);
	if (!ret)
		ret = check_latency(a, &st, res);
	if (!ret && a->max_migration_ratio.set &&
	    st.migration_ratio > a->max_migration_ratio.val)
		ret = kt_result_add(
		    res, KT_DETAIL_MIGRATION, "migration ratio %.2f > %.2f",
		    st.migration_ratio, a->max_migration_ratio.val);
	if (!ret)
		ret =
		    kt_check_conservation(a, cgroup, reports, nr, ev, &st, res);
	if (!ret)
		ret = kt_check_coverage(a, cgroup, reports, nr, ev, &st, res);
	if (!ret)
		ret = kt_check_policies(a, cgroup, reports, nr, res);
	if (!ret)
		ret = kt_result_add_stats(res, &st);
	if (!ret)
		ret = kt_result_add_lanes(res, a, cgroup, reports, nr);
	return ret;
}
