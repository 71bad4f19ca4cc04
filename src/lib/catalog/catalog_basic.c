/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Catalog scenarios of the "basic" category: steady cgroups of one work
 * type each, held for the whole run and judged with ctx->assert. Counts
 * are chosen so the runnable workers divide evenly over 2 or 4 CPUs (a
 * 5-on-4 split is unfair under any scheduler). Also the seed's canned
 * steady and mixed_workloads (src/lib/scenario/scenarios_basic.c), which
 * belong to the default set.
 */
#include "catalog_need.h"
#include "catalog_register.h"

KT_CATALOG_ENTRY(
    steady, DEFAULT_SET, BASIC, 1,
    "two cgroups of SpinWait workers, no cpusets, for the whole run",
    kt_scenario_steady);
KT_CATALOG_ENTRY(
    mixed_workloads, DEFAULT_SET, BASIC, 4,
    "SpinWait, Bursty 50ms/100ms and IoSyncWrite cgroups side by side",
    kt_scenario_mixed_workloads);

/*
 * The same scenario as steady (cg_0 and cg_1 of the default workers,
 * SpinWait or the work-type override, no cpusets, held for the whole run,
 * judged with ctx->assert), so one implementation serves both names.
 */
KT_CATALOG_ENTRY(
    cgroup_steady, CATEGORY, BASIC, 1,
    "steady under its catalog name: cg_0 and cg_1 of SpinWait workers",
    kt_scenario_steady);

/* One pipe pair per cgroup: both ends block on each other every round. */
KT_CATALOG_SCENARIO(
    cgroup_pipe_io, BASIC, 2,
    "one pipe pair per cgroup, both ends blocking on each other")
{
	return kt_execute_defs(
	    ctx, res,
	    KT_DEFS(kt_cgroup_def("cg_0", .workers = 2,
				  .work_type = KT_WORK(KT_WORK_PIPE_IO)),
		    kt_cgroup_def("cg_1", .workers = 2,
				  .work_type = KT_WORK(KT_WORK_PIPE_IO))));
}

/*
 * Five cgroups, five work types: SpinWait, Bursty 50/100 ms, IoSyncWrite,
 * ForkExit and PageFaultChurn (small cycles: a default 256-touch cycle
 * takes close to the 2 s gap limit under TCG). Deliberately without the
 * yield-looping kinds: with Mixed and CacheYield (or YieldHeavy) beside
 * oversubscribed spinners in a 4-vCPU TCG guest under EEVDF, the
 * spinners' progress dropped 10-50x and some workers stayed off the CPU
 * for 2-6 s, past the stop deadline (a SpinWait pair next to a YieldHeavy
 * pair never started at all) - reported with the catalog, not something
 * this scenario should trip over. The always-runnable kinds outnumber 2-4
 * CPUs by a non-multiple and bursts and IO land on whichever CPU is free,
 * so which worker of a pair shares its CPU is chance: the fairness spread
 * is not judged; starvation, gaps and every worker stopping cleanly are.
 * The gap limit is 4 s: on 2n2l2c1t, three fresh-machine runs out of three
 * saw a 2.2-2.3 s gap that began after the 1 s hold, while the ten
 * workers of five kinds were being stopped and collected in a TCG guest.
 */
KT_CATALOG_SCENARIO(
    cgroup_workload_variety, BASIC, 3,
    "five cgroups: SpinWait, Bursty, IoSyncWrite, ForkExit, PageFaultChurn")
{
	struct kt_assert a =
	    kt_need_assert(ctx, &(struct kt_assert){
				    .max_spread_pct = KT_SET(100.0),
				    .max_gap_ns = KT_SET(KT_MS(4000)),
				});
	struct kt_work_type burst = KT_WORK_BURSTY_OF(KT_MS(50), KT_MS(100));

	return kt_execute_steps_with(
	    ctx, res,
	    KT_STEPS(kt_step(
		    .defs = KT_DEFS(
			kt_cgroup_def("cg_0", .workers = 2),
			kt_cgroup_def("cg_1", .workers = 2, .work_type = burst),
			kt_cgroup_def("cg_2", .workers = 2,
				      .work_type =
					  KT_WORK(KT_WORK_IO_SYNC_WRITE)),
			kt_cgroup_def("cg_3", .workers = 2,
				      .work_type = KT_WORK(KT_WORK_FORK_EXIT)),
			kt_cgroup_def("cg_4", .workers = 2,
				      .work_type = KT_WORK_PAGE_FAULT_CHURN_OF(
					  1024, 32, 0))))),
	    &a);
}

/* Workers loop through spin, sleep, yield and IO phases next to plain
 * spinners. */
KT_CATALOG_SCENARIO(sequence_phases, BASIC, 4,
		    "workers loop spin/sleep/yield/io phases beside spinners")
{
	return kt_execute_defs(
	    ctx, res,
	    KT_DEFS(kt_cgroup_def("cg_0", .workers = 2,
				  .work_type = KT_WORK_SEQUENCE_OF(
				      KT_PHASE(SPIN, KT_MS(30)),
				      KT_PHASE(SLEEP, KT_MS(10)),
				      KT_PHASE(YIELD, KT_MS(10)),
				      KT_PHASE(IO, KT_MS(10)))),
		    kt_cgroup_def("cg_1", .workers = 2)));
}
