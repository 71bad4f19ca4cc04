/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The policies of a cgroup's workers, judged per worker (per thread in
 * threads mode), and the result's per-worker entries:
 *
 * - Every policy: the kernel must report the configured policy for the
 *   worker's thread at its end (sched_getscheduler), except for the work
 *   types that change it on purpose (PolicyChurn, Custom).
 * - Deadline: (with not_starved) the CPU time it got per period, measured
 *   over its run (cpu time * period / wall time), must reach
 *   min_dl_runtime_pct of its reserved runtime. A deadline spinner asks
 *   for more than its runtime all the time, so its share is exactly what
 *   the deadline class granted; a NOTE carries the measured numbers.
 * - Memory policy: what get_mempolicy(2) read back in the worker after
 *   set_mempolicy must be the configured mode and nodes (a WORKER detail
 *   otherwise; not read back at all is INFRA).
 */
#include <stdio.h>
#include <string.h>

#include <ktstr/check.h>
#include <ktstr/result.h>
#include <ktstr/workload.h>

#include "check_priv.h"
#include "result_workers.h"
#include "work/mem_policy.h"
#include "work/sched_policy.h"

static int check_deadline(const struct kt_assert *a,
			  const struct kt_worker_report *r,
			  struct kt_result *res)
{
	uint64_t got = kt_dl_got_ns(r);
	double pct = r->dl_runtime_ns
			 ? (double)got * 100.0 / (double)r->dl_runtime_ns
			 : 0.0;
	int err;

	err = kt_result_add(res, KT_DETAIL_NOTE,
			    "tid %d (Deadline %.2f/%.2f ms): got %.3f ms of "
			    "CPU per period (%.0f%% of its runtime), longest "
			    "gap %.1f ms at +%.0f ms",
			    (int)r->tid, (double)r->dl_runtime_ns / 1e6,
			    (double)r->dl_period_ns / 1e6, (double)got / 1e6,
			    pct, (double)r->max_gap_ns / 1e6,
			    (double)r->max_gap_at_ns / 1e6);
	if (err || !a->not_starved.set || !a->not_starved.val ||
	    !a->min_dl_runtime_pct.set || pct >= a->min_dl_runtime_pct.val)
		return err;
	return kt_result_add(
	    res, KT_DETAIL_STARVED,
	    "tid %d: Deadline worker got %.3f ms of CPU per "
	    "%.2f ms period, %.0f%% of its %.3f ms runtime "
	    "(limit %.0f%%)",
	    (int)r->tid, (double)got / 1e6, (double)r->dl_period_ns / 1e6, pct,
	    (double)r->dl_runtime_ns / 1e6, a->min_dl_runtime_pct.val);
}

/* The policy the kernel reported at the worker's end is the configured
 * one (PolicyChurn and Custom may change it on purpose). */
static int check_seen(const struct kt_worker_report *r, struct kt_result *res)
{
	if (!r->policy_known || r->kind == KT_WORK_POLICY_CHURN ||
	    r->kind == KT_WORK_CUSTOM ||
	    r->policy_seen == kt_policy_sched(r->policy))
		return 0;
	return kt_result_add(res, KT_DETAIL_WORKER,
			     "tid %d: configured %s (policy %d), but the "
			     "kernel reports policy %d at its end",
			     (int)r->tid, kt_policy_name(r->policy),
			     kt_policy_sched(r->policy), r->policy_seen);
}

static int check_mem(const struct kt_worker_report *r, const char *cgroup,
		     struct kt_result *res)
{
	struct kt_mem_policy seen;
	char want[96], got[96];

	if (r->mem_policy.kind == KT_MPOL_DEFAULT)
		return 0;
	kt_mempol_str(&r->mem_policy, want, sizeof(want));
	if (!r->mem_checked)
		return kt_result_add(
		    res, KT_DETAIL_INFRA,
		    "tid %d (%s): memory policy %s was set but "
		    "get_mempolicy could not read it back",
		    (int)r->tid, cgroup, want);
	kt_mempol_from_kernel(r->mem_mode_seen, r->mem_nodes_seen, &seen);
	/* Local has no nodes; old kernels report it as Preferred with
	 * none. */
	if (r->mem_policy.kind == KT_MPOL_LOCAL &&
	    (seen.kind == KT_MPOL_LOCAL ||
	     (seen.kind == KT_MPOL_PREFERRED && !seen.nodes)))
		return 0;
	if (seen.kind == r->mem_policy.kind &&
	    seen.nodes == r->mem_policy.nodes)
		return 0;
	return kt_result_add(res, KT_DETAIL_WORKER,
			     "tid %d (%s): memory policy %s configured, but "
			     "get_mempolicy reads %s",
			     (int)r->tid, cgroup, want,
			     kt_mempol_str(&seen, got, sizeof(got)));
}

int kt_check_policies(const struct kt_assert *a, const char *cgroup,
		      const struct kt_worker_report *reports, size_t nr,
		      struct kt_result *res)
{
	int err = 0;

	for (size_t i = 0; !err && i < nr; i++) {
		const struct kt_worker_report *r = &reports[i];
		struct kt_worker_entry e;

		if (!kt_check_judged(r))
			continue;
		kt_worker_entry_of(r, cgroup, &e);
		err = kt_result_add_worker(res, &e);
		if (!err)
			err = check_seen(r, res);
		if (!err && r->policy == KT_POLICY_DEADLINE)
			err = check_deadline(a, r, res);
		if (!err)
			err = check_mem(r, cgroup ? cgroup : "?", res);
	}
	return err;
}
