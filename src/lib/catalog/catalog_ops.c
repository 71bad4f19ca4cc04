/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Catalog scenarios written with the ops/steps engine, one per family of
 * ops, so that every op runs against a real kernel: cpusets set, swapped
 * and cleared; tasks moved between cgroups and spawned in the run's parent;
 * a cgroup added, stopped and removed mid-run; worker affinities changed.
 * The engine verifies each op's effect on a real hierarchy (ops_verify.c:
 * cpuset.cpus.effective, cgroup.procs, the directory, sched_getaffinity)
 * and the workers are judged at the end of the step that owns them. They
 * are public API (<ktstr/ops.h>) and listed after the default set.
 */
#include "catalog_register.h"

int kt_scenario_ops_cpuset_swap(const struct kt_ctx *ctx, struct kt_result *res)
{
	struct kt_backdrop bd =
	    kt_backdrop(.defs = KT_DEFS(kt_cgroup_def("cg_0"),
					kt_cgroup_def("cg_1")));

	return kt_execute_scenario(
	    ctx, res, &bd,
	    KT_STEPS(
		kt_step(.ops = KT_OPS(
			    KT_OP_SET_CPUSET("cg_0", KT_CPUSET_DISJOINT(0, 2)),
			    KT_OP_SET_CPUSET("cg_1", KT_CPUSET_DISJOINT(1, 2))),
			.hold = KT_HOLD_FRAC(0.34)),
		kt_step(.ops = KT_OPS(KT_OP_SWAP_CPUSETS("cg_0", "cg_1")),
			.hold = KT_HOLD_FRAC(0.33)),
		kt_step(.ops = KT_OPS(KT_OP_CLEAR_CPUSET("cg_0"),
				      KT_OP_CLEAR_CPUSET("cg_1")),
			.hold = KT_HOLD_FRAC(0.33))));
}
KT_CATALOG_ENTRY(ops_cpuset_swap, OPS, DYNAMIC, 1,
		 "cpusets set, swapped and cleared in three steps (ops engine)",
		 kt_scenario_ops_cpuset_swap);

int kt_scenario_ops_move_all(const struct kt_ctx *ctx, struct kt_result *res)
{
	/* one CPU each, so moved workers never crowd another cgroup's */
	struct kt_backdrop bd = kt_backdrop(
		.defs = KT_DEFS(
		    kt_cgroup_def("cg_0", .cpuset = KT_CPUSET_DISJOINT(0, 3)),
		    kt_cgroup_def("cg_1", .cpuset = KT_CPUSET_DISJOINT(2, 3))),
		.ops =
		    KT_OPS(KT_OP_ADD("cg_2"),
			   KT_OP_SET_CPUSET("cg_2", KT_CPUSET_DISJOINT(1, 3))));

	return kt_execute_scenario(
	    ctx, res, &bd,
	    KT_STEPS(kt_step(.hold = KT_HOLD_FRAC(0.5)),
		     kt_step(.ops = KT_OPS(KT_OP_MOVE_ALL("cg_0", "cg_2"),
					   KT_OP_SPAWN_HOST(.num_workers = 1)),
			     .hold = KT_HOLD_FRAC(0.5))));
}
KT_CATALOG_ENTRY(ops_move_all, OPS, DYNAMIC, 2,
		 "every task of cg_0 moves to cg_1 mid-run, host workers join",
		 kt_scenario_ops_move_all);

int kt_scenario_ops_remove_midrun(const struct kt_ctx *ctx,
				  struct kt_result *res)
{
	struct kt_backdrop bd =
	    kt_backdrop(.defs = KT_DEFS(kt_cgroup_def("cg_0")),
			.ops = KT_OPS(KT_OP_ADD("cg_1"), KT_OP_SPAWN("cg_1")));

	return kt_execute_scenario(
	    ctx, res, &bd,
	    KT_STEPS(kt_step(.hold = KT_HOLD_FRAC(0.5)),
		     kt_step(.ops = KT_OPS(KT_OP_REMOVE("cg_1")),
			     .hold = KT_HOLD_FRAC(0.25)),
		     kt_step(.ops = KT_OPS(KT_OP_STOP("cg_0")),
			     .hold = KT_HOLD_FRAC(0.25))));
}
KT_CATALOG_ENTRY(
    ops_remove_midrun, OPS, DYNAMIC, 3,
    "an added cgroup is removed mid-run, then the other one stopped",
    kt_scenario_ops_remove_midrun);

int kt_scenario_ops_set_affinity(const struct kt_ctx *ctx,
				 struct kt_result *res)
{
	/* one worker each: pinning changes cannot make a cgroup unfair */
	struct kt_backdrop bd =
	    kt_backdrop(.defs =
			    KT_DEFS(kt_cgroup_def("cg_0", .workers = 1,
						  .cpuset = KT_CPUSET_LLC(0)),
				    kt_cgroup_def("cg_1", .workers = 1)));

	return kt_execute_scenario(
	    ctx, res, &bd,
	    KT_STEPS(
		kt_step(.ops = KT_OPS(
			    KT_OP_SET_AFFINITY("cg_0", KT_AFFINITY_SINGLE_CPU)),
			.hold = KT_HOLD_FRAC(0.3)),
		kt_step(.ops = KT_OPS(KT_OP_SET_AFFINITY(
					  "cg_0", KT_AFFINITY_CROSS_CGROUP),
				      KT_OP_SET_AFFINITY(
					  "cg_1", KT_AFFINITY_LLC_ALIGNED)),
			.hold = KT_HOLD_FRAC(0.3)),
		kt_step(.ops = KT_OPS(KT_OP_SET_AFFINITY(
			    "cg_1", KT_AFFINITY_RANDOM_SUBSET)),
			.hold = KT_HOLD_LOOP(KT_MS(200)))));
}
KT_CATALOG_ENTRY(ops_set_affinity, OPS, AFFINITY, 4,
		 "worker affinities pinned, spread, LLC-aligned and randomised",
		 kt_scenario_ops_set_affinity);
