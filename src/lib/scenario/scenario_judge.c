/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Judging one workload with everything the harness knows besides the
 * reports: the cgroup's cpuset (isolation), each CPU's idle time around
 * the run (work conservation), whether its placement changed mid-run, and
 * whether a sched_ext scheduler is attached and in which mode (coverage).
 * The vCPU probe is found by the gap check itself. Also the gap limit a
 * new workload is watched with while it runs.
 */
#include <stdlib.h>

#include <ktstr/scenario.h>
#include <ktstr/sched.h>

static uint64_t wake_allowance;

void kt_set_wake_allowance(uint64_t ns)
{
	wake_allowance = ns;
}

/* This machine's topology, read once (NULL when sysfs cannot tell). */
static const struct kt_topo *machine_topo(void)
{
	static struct kt_topo *topo;
	static bool tried;
	struct kt_err_saved e;

	if (!tried) {
		tried = true;
		kt_err_save(&e);
		if (kt_topo_from_sysfs("/", &topo))
			topo = NULL;
		kt_err_restore(&e);
	}
	return topo;
}

int kt_judge_workload(const struct kt_assert *a, const char *cgroup,
		      struct kt_workload *w, const struct kt_cpuset *cpuset,
		      struct kt_result *res)
{
	struct kt_cgroup_evidence ev = {.cpuset = cpuset};
	const struct kt_worker_report *reports;
	uint64_t *idle;
	size_t nr;
	int err;

	if (kt_workload_stop_and_collect(w, &reports, &nr))
		return kt_result_add(res, KT_DETAIL_INFRA,
				     "collect workers of %s: %s", cgroup,
				     kt_last_error());
	if (!kt_assert_has_worker_checks(a))
		return 0;
	idle = calloc(KT_MAX_CPUS, sizeof(*idle));
	if (idle && !kt_workload_cpu_idle(w, idle, KT_MAX_CPUS, &ev.span_ns)) {
		ev.cpu_idle_ns = idle;
		ev.nr_cpus = KT_MAX_CPUS;
	}
	ev.placement_changed = kt_workload_placement_changed(w);
	ev.topo = machine_topo();
	ev.wake_allowance_ns = wake_allowance;
	ev.ext_attached = kt_scx_attached(NULL, &ev.ext_switch_all);
	err = kt_assert_cgroup_ev(a, cgroup, reports, nr, &ev, res);
	free(idle);
	if (err)
		return kt_result_add(res, KT_DETAIL_INFRA,
				     "judge workers of %s: %s", cgroup,
				     kt_last_error());
	return 0;
}

void kt_watch_workload(const struct kt_assert *a, struct kt_workload *w)
{
	bool on = a->not_starved.set && a->not_starved.val;

	kt_workload_watch_gaps(w, !on		      ? 0
				  : a->max_gap_ns.set ? a->max_gap_ns.val
						      : KT_DEFAULT_MAX_GAP_NS);
}
