/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Catalog scenarios of the "dynamic" category, all written as ops/steps:
 * cgroups added, removed, churned and recreated mid-run; cpusets applied,
 * cleared, resized and swapped (once, or in a loop across LLCs); workers
 * in the run's parent cgroup competing with cgroup workers. Cgroups that
 * later steps act on live in the backdrop. The engine checks each change
 * reached the kernel and the workers' affinity; workers are judged with
 * ctx->assert (isolation against every cpuset they lived under). Also
 * the seed's canned cpuset_apply, cpuset_clear, cgroup_add and
 * cgroup_remove (src/lib/scenario/scenarios_dynamic.c), of the default set.
 */
#include "catalog_need.h"
#include "catalog_register.h"

/* The seed's canned scenarios (src/lib/scenario/scenarios_dynamic.c). */
KT_CATALOG_ENTRY(cpuset_apply, DEFAULT_SET, DYNAMIC, 5,
		 "two unconfined cgroups get disjoint cpusets half-way through",
		 kt_scenario_cpuset_apply);
KT_CATALOG_ENTRY(
    cpuset_clear, DEFAULT_SET, DYNAMIC, 6,
    "two cgroups on disjoint cpusets are released half-way through",
    kt_scenario_cpuset_clear);
KT_CATALOG_ENTRY(cgroup_add, DEFAULT_SET, DYNAMIC, 7,
		 "a second cgroup with workers joins half-way through",
		 kt_scenario_cgroup_add);
KT_CATALOG_ENTRY(cgroup_remove, DEFAULT_SET, DYNAMIC, 8,
		 "one of two cgroups is stopped and removed half-way through",
		 kt_scenario_cgroup_remove);

/* cg_0 runs alone for 40%, then cg_1 and cg_2 join with one worker each
 * (four spinners: an even split of 2 or 4 CPUs before and after).
 * Differs from cgroup_add: two one-worker cgroups join at 40%, not one
 * cgroup of the default workers at half-time. */
KT_CATALOG_SCENARIO(
    cgroup_add_midrun, DYNAMIC, 1,
    "cg_0 runs alone, then cg_1 and cg_2 join with a worker each")
{
	struct kt_backdrop bd =
	    kt_backdrop(.defs = KT_DEFS(kt_cgroup_def("cg_0")));

	return kt_execute_scenario(
	    ctx, res, &bd,
	    KT_STEPS(
		kt_step(.hold = KT_HOLD_FRAC(0.4)),
		kt_step(.defs = KT_DEFS(kt_cgroup_def("cg_1", .workers = 1),
					kt_cgroup_def("cg_2", .workers = 1)),
			.hold = KT_HOLD_FRAC(0.6))));
}

/* Three cgroups (2, 1 and 1 workers: four spinners); cg_2 goes at one
 * third, cg_1 at two thirds. Differs from cgroup_remove: three cgroups and
 * two removals, not two cgroups and one removal at half-time. */
KT_CATALOG_SCENARIO(
    cgroup_remove_midrun, DYNAMIC, 2,
    "three cgroups; cg_2 removed at 1/3, cg_1 at 2/3 (ops/steps)")
{
	struct kt_backdrop bd =
	    kt_backdrop(.defs = KT_DEFS(kt_cgroup_def("cg_0")),
			.ops = KT_OPS(KT_OP_ADD("cg_1"),
				      KT_OP_SPAWN("cg_1", .num_workers = 1),
				      KT_OP_ADD("cg_2"),
				      KT_OP_SPAWN("cg_2", .num_workers = 1)));

	return kt_execute_scenario(
	    ctx, res, &bd,
	    KT_STEPS(kt_step(.hold = KT_HOLD_FRAC(0.34)),
		     kt_step(.ops = KT_OPS(KT_OP_REMOVE("cg_2")),
			     .hold = KT_HOLD_FRAC(0.33)),
		     kt_step(.ops = KT_OPS(KT_OP_REMOVE("cg_1")),
			     .hold = KT_HOLD_FRAC(0.33))));
}

/*
 * Every 100 ms cg_churn is created, cg_0's workers move into it and back,
 * and it is removed again. The workers live for the whole run (a worker
 * spawned by the loop's last round would be judged moments after its
 * start, before it could run), so they are judged over all the churn.
 */
KT_CATALOG_SCENARIO(
    cgroup_rapid_churn, DYNAMIC, 3,
    "a cgroup created, passed through by cg_0's workers, removed; every 100 ms")
{
	struct kt_backdrop bd =
	    kt_backdrop(.defs = KT_DEFS(kt_cgroup_def("cg_0")));

	return kt_execute_scenario(
	    ctx, res, &bd,
	    KT_STEPS(kt_step(.ops = KT_OPS(KT_OP_ADD("cg_churn"),
					   KT_OP_MOVE_ALL("cg_0", "cg_churn"),
					   KT_OP_MOVE_ALL("cg_churn", "cg_0"),
					   KT_OP_REMOVE("cg_churn")),
			     .hold = KT_HOLD_LOOP(KT_MS(100)))));
}

/* Four one-worker cgroups, removed at the end of step 1 and created again
 * under the same names (and cpusets) in step 2. */
KT_CATALOG_SCENARIO(
    cgroup_exhaust_reuse, DYNAMIC, 4,
    "four cgroups removed after step 1 and recreated by name in step 2")
{
	struct kt_defs four =
	    KT_DEFS(kt_cgroup_def("cg_0", .workers = 1,
				  .cpuset = KT_CPUSET_DISJOINT(0, 2)),
		    kt_cgroup_def("cg_1", .workers = 1,
				  .cpuset = KT_CPUSET_DISJOINT(0, 2)),
		    kt_cgroup_def("cg_2", .workers = 1,
				  .cpuset = KT_CPUSET_DISJOINT(1, 2)),
		    kt_cgroup_def("cg_3", .workers = 1,
				  .cpuset = KT_CPUSET_DISJOINT(1, 2)));

	return kt_execute_steps(
	    ctx, res,
	    KT_STEPS(kt_step(.defs = four, .hold = KT_HOLD_FRAC(0.5)),
		     kt_step(.defs = four, .hold = KT_HOLD_FRAC(0.5))));
}

/* Two unconfined cgroups get disjoint halves half-way through. Differs
 * from cpuset_apply: SpinWait even under a work-type override, and
 * cpuset.cpus.effective is checked after the change. */
KT_CATALOG_SCENARIO(cgroup_cpuset_apply_midrun, DYNAMIC, 5,
		    "disjoint cpusets applied half-way through (ops/steps)")
{
	struct kt_backdrop bd =
	    kt_backdrop(.defs = KT_DEFS(kt_cgroup_def("cg_0"),
					kt_cgroup_def("cg_1")));

	return kt_execute_scenario(
	    ctx, res, &bd,
	    KT_STEPS(
		kt_step(.hold = KT_HOLD_FRAC(0.5)),
		kt_step(.ops = KT_OPS(
			    KT_OP_SET_CPUSET("cg_0", KT_CPUSET_DISJOINT(0, 2)),
			    KT_OP_SET_CPUSET("cg_1", KT_CPUSET_DISJOINT(1, 2))),
			.hold = KT_HOLD_FRAC(0.5))));
}

/* Two cgroups on disjoint halves are released half-way through. Differs
 * from cpuset_clear: checks that cpuset.cpus is empty afterwards, not that
 * the workers' affinity was released; SpinWait even under an override. */
KT_CATALOG_SCENARIO(cgroup_cpuset_clear_midrun, DYNAMIC, 6,
		    "disjoint cpusets cleared half-way through (ops/steps)")
{
	struct kt_backdrop bd = kt_backdrop(
		.defs = KT_DEFS(
		    kt_cgroup_def("cg_0", .cpuset = KT_CPUSET_DISJOINT(0, 2)),
		    kt_cgroup_def("cg_1", .cpuset = KT_CPUSET_DISJOINT(1, 2))));

	return kt_execute_scenario(
	    ctx, res, &bd,
	    KT_STEPS(kt_step(.hold = KT_HOLD_FRAC(0.5)),
		     kt_step(.ops = KT_OPS(KT_OP_CLEAR_CPUSET("cg_0"),
					   KT_OP_CLEAR_CPUSET("cg_1")),
			     .hold = KT_HOLD_FRAC(0.5))));
}

/* cg_0 holds two thirds, shrinks to one third, grows back; cg_1 keeps the
 * last third throughout. */
KT_CATALOG_SCENARIO(
    cgroup_cpuset_resize, DYNAMIC, 7,
    "cg_0's cpuset shrinks to a third, then grows back (needs 3 CPUs)")
{
	struct kt_backdrop bd =
	    kt_backdrop(.defs = KT_DEFS(
			    kt_cgroup_def("cg_0",
					  .cpuset = KT_CPUSET_RANGE(0.0, 0.67)),
			    kt_cgroup_def(
				"cg_1", .cpuset = KT_CPUSET_RANGE(0.67, 1.0))));

	if (KT_NEED(ctx, res, .usable = 3))
		return 0;
	return kt_execute_scenario(
	    ctx, res, &bd,
	    KT_STEPS(kt_step(.hold = KT_HOLD_FRAC(0.34)),
		     kt_step(.ops = KT_OPS(KT_OP_SET_CPUSET(
				 "cg_0", KT_CPUSET_RANGE(0.0, 0.34))),
			     .hold = KT_HOLD_FRAC(0.33)),
		     kt_step(.ops = KT_OPS(KT_OP_SET_CPUSET(
				 "cg_0", KT_CPUSET_RANGE(0.0, 0.67))),
			     .hold = KT_HOLD_FRAC(0.33))));
}

/* Disjoint halves swapped at one third and swapped back at two thirds. */
KT_CATALOG_SCENARIO(cgroup_cpuset_swap_disjoint, DYNAMIC, 8,
		    "disjoint cpusets swapped, then swapped back")
{
	struct kt_backdrop bd = kt_backdrop(
		.defs = KT_DEFS(
		    kt_cgroup_def("cg_0", .cpuset = KT_CPUSET_DISJOINT(0, 2)),
		    kt_cgroup_def("cg_1", .cpuset = KT_CPUSET_DISJOINT(1, 2))));

	return kt_execute_scenario(
	    ctx, res, &bd,
	    KT_STEPS(kt_step(.hold = KT_HOLD_FRAC(0.34)),
		     kt_step(.ops = KT_OPS(KT_OP_SWAP_CPUSETS("cg_0", "cg_1")),
			     .hold = KT_HOLD_FRAC(0.33)),
		     kt_step(.ops = KT_OPS(KT_OP_SWAP_CPUSETS("cg_0", "cg_1")),
			     .hold = KT_HOLD_FRAC(0.33))));
}

/* cg_0 on node 0 and cg_1 on node 1 trade nodes half-way through. */
KT_CATALOG_SCENARIO(cgroup_cpuset_numa_swap, DYNAMIC, 9,
		    "cgroups on node 0 and node 1 trade nodes (needs 2 nodes)")
{
	struct kt_backdrop bd =
	    kt_backdrop(.defs = KT_DEFS(
			    kt_cgroup_def("cg_0", .cpuset = KT_CPUSET_NUMA(0)),
			    kt_cgroup_def("cg_1",
					  .cpuset = KT_CPUSET_NUMA(1))));

	if (KT_NEED(ctx, res, .nodes = 2))
		return 0;
	return kt_execute_scenario(
	    ctx, res, &bd,
	    KT_STEPS(kt_step(.hold = KT_HOLD_FRAC(0.5)),
		     kt_step(.ops = KT_OPS(KT_OP_SWAP_CPUSETS("cg_0", "cg_1")),
			     .hold = KT_HOLD_FRAC(0.5))));
}

/* The LLC 0 and LLC 1 cpusets of two cgroups swap every 100 ms, racing
 * the workers across the LLC boundary. */
KT_CATALOG_SCENARIO(cgroup_cpuset_cross_llc_race, DYNAMIC, 10,
		    "LLC 0 / LLC 1 cpusets swapped every 100 ms (needs 2 LLCs)")
{
	struct kt_backdrop bd =
	    kt_backdrop(.defs = KT_DEFS(
			    kt_cgroup_def("cg_0", .cpuset = KT_CPUSET_LLC(0)),
			    kt_cgroup_def("cg_1", .cpuset = KT_CPUSET_LLC(1))));

	if (KT_NEED(ctx, res, .llcs = 2))
		return 0;
	return kt_execute_scenario(
	    ctx, res, &bd,
	    KT_STEPS(kt_step(.ops = KT_OPS(KT_OP_SWAP_CPUSETS("cg_0", "cg_1")),
			     .hold = KT_HOLD_LOOP(KT_MS(100)))));
}

/*
 * Four workers outside the cgroups (in the run's parent, or in the
 * harness's cgroup when cgroup v2 refuses tasks in a parent with
 * children, as in the guest) join two cgroups of two half-way through.
 * The outside workers compete per CPU with the group entities of the
 * cgroups, whose weight is split over CPUs by load, so a task's share
 * depends on which kinds share its CPU (spreads of 16-25% seen on
 * 1n2l2c1t): the fairness spread is not judged; starvation and gaps are.
 */
KT_CATALOG_SCENARIO(
    host_cgroup_contention, DYNAMIC, 11,
    "workers in the run's parent cgroup join two cgroups mid-run")
{
	struct kt_assert a =
	    kt_need_assert(ctx, &(struct kt_assert){
				    .max_spread_pct = KT_SET(100.0),
				});
	struct kt_backdrop bd =
	    kt_backdrop(.defs = KT_DEFS(kt_cgroup_def("cg_0"),
					kt_cgroup_def("cg_1")));

	return kt_execute_scenario_with(
	    ctx, res, &bd,
	    KT_STEPS(kt_step(.hold = KT_HOLD_FRAC(0.5)),
		     kt_step(.ops = KT_OPS(KT_OP_SPAWN_HOST(.num_workers = 4)),
			     .hold = KT_HOLD_FRAC(0.5))),
	    &a);
}
