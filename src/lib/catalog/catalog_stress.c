/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Catalog scenarios of the "stress" category: many spinners on few CPUs,
 * process churn (fork/exit), page-fault churn, and futex mutexes contended
 * 4-way and 8-way. Judged with ctx->assert.
 */
#include "catalog_register.h"

/* The seed's canned oversubscribed (src/lib/scenario/scenarios_basic.c). */
KT_CATALOG_ENTRY(oversubscribed, DEFAULT_SET, STRESS, 3,
		 "two cgroups of 32 Mixed (spin + yield) workers each",
		 kt_scenario_oversubscribed);

/*
 * Four spinners per cgroup, each cgroup on one LLC (both on LLC 0 when
 * there is one). Not on disjoint halves: a half that straddles two LLCs
 * (CPUs 1-2 of 1n2l2c1t) was left 3+1 for a whole 1 s run by EEVDF's
 * cross-LLC balancing (spread 64%), which says more about balance
 * intervals than about fairness on a CPU.
 */
KT_CATALOG_SCENARIO(cgroup_cpuset_oversubscribed, STRESS, 1,
		    "four spinners per cgroup, each cgroup on one LLC")
{
	return kt_execute_defs(
	    ctx, res,
	    KT_DEFS(
		kt_cgroup_def("cg_0", .workers = 4, .cpuset = KT_CPUSET_LLC(0)),
		kt_cgroup_def("cg_1", .workers = 4,
			      .cpuset = KT_CPUSET_LLC(1))));
}

/* Every worker forks a child that exits at once, and reaps it. */
KT_CATALOG_SCENARIO(fork_exit_churn, STRESS, 2,
		    "workers fork children that exit at once and reap them")
{
	return kt_execute_defs(
	    ctx, res,
	    KT_DEFS(kt_cgroup_def("cg_0", .workers = 2,
				  .work_type = KT_WORK(KT_WORK_FORK_EXIT)),
		    kt_cgroup_def("cg_1", .workers = 2,
				  .work_type = KT_WORK(KT_WORK_FORK_EXIT))));
}

/* Workers write-fault random pages of 4 MiB and drop them again. */
KT_CATALOG_SCENARIO(page_fault_churn, STRESS, 3,
		    "workers write-fault random pages and drop them again")
{
	return kt_execute_defs(
	    ctx, res,
	    KT_DEFS(
		kt_cgroup_def("cg_0", .workers = 2,
			      .work_type = KT_WORK(KT_WORK_PAGE_FAULT_CHURN)),
		kt_cgroup_def("cg_1", .workers = 2,
			      .work_type = KT_WORK(KT_WORK_PAGE_FAULT_CHURN))));
}

/* One futex mutex shared by four workers. */
KT_CATALOG_SCENARIO(mutex_contention_light, STRESS, 4,
		    "one futex mutex contended 4-way")
{
	return kt_execute_defs(
	    ctx, res,
	    KT_DEFS(kt_cgroup_def("cg_0", .workers = 4,
				  .work_type =
				      KT_WORK_MUTEX_CONTENTION_OF(4, 0, 0))));
}

/* One futex mutex shared by eight workers. */
KT_CATALOG_SCENARIO(mutex_contention_heavy, STRESS, 5,
		    "one futex mutex contended 8-way")
{
	return kt_execute_defs(
	    ctx, res,
	    KT_DEFS(kt_cgroup_def("cg_0", .workers = 8,
				  .work_type =
				      KT_WORK_MUTEX_CONTENTION_OF(8, 0, 0))));
}
