/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Catalog scenarios of the "affinity" category: worker CPU affinities set
 * at spawn (inherited, random subsets, spanning every cgroup, one CPU,
 * LLC-aligned) and changed by the workers themselves (AffinityChurn).
 * The engine checks each affinity reached the workers; cpusets still
 * confine them (isolation).
 */
#include "catalog_need.h"
#include "catalog_register.h"

/* Disjoint halves, affinity left alone: the cpuset alone confines. */
KT_CATALOG_SCENARIO(cgroup_affinity_inherit, AFFINITY, 1,
		    "disjoint cpusets, affinity inherited: the cpuset confines")
{
	return kt_execute_defs(
	    ctx, res,
	    KT_DEFS(kt_cgroup_def("cg_0", .cpuset = KT_CPUSET_DISJOINT(0, 2),
				  .affinity = KT_AFFINITY_INHERIT),
		    kt_cgroup_def("cg_1", .cpuset = KT_CPUSET_DISJOINT(1, 2),
				  .affinity = KT_AFFINITY_INHERIT)));
}

/*
 * Each worker pinned to a random half of the usable CPUs. Two workers of
 * one cgroup may draw the same CPU while another worker has one to
 * itself, so their off-CPU shares differ by design: the fairness spread
 * is not judged here; starvation and gaps are.
 */
KT_CATALOG_SCENARIO(cgroup_affinity_random, AFFINITY, 2,
		    "each worker pinned to a random half of the CPUs")
{
	struct kt_assert a =
	    kt_need_assert(ctx, &(struct kt_assert){
				    .max_spread_pct = KT_SET(100.0),
				});

	return kt_execute_steps_with(
	    ctx, res,
	    KT_STEPS(kt_step(
		    .defs = KT_DEFS(
			kt_cgroup_def("cg_0",
				      .affinity = KT_AFFINITY_RANDOM_SUBSET),
			kt_cgroup_def("cg_1",
				      .affinity = KT_AFFINITY_RANDOM_SUBSET)))),
	    &a);
}

/* Cgroups on disjoint halves whose workers may run anywhere by affinity:
 * the cpuset must still keep each cgroup on its half. */
KT_CATALOG_SCENARIO(
    cgroup_affinity_spanning, AFFINITY, 3,
    "affinity spans every CPU; the cgroups' cpusets still confine")
{
	return kt_execute_defs(
	    ctx, res,
	    KT_DEFS(kt_cgroup_def("cg_0", .cpuset = KT_CPUSET_DISJOINT(0, 2),
				  .affinity = KT_AFFINITY_CROSS_CGROUP),
		    kt_cgroup_def("cg_1", .cpuset = KT_CPUSET_DISJOINT(1, 2),
				  .affinity = KT_AFFINITY_CROSS_CGROUP)));
}

/* Both workers of a cgroup pinned to the first CPU of its half: two
 * spinners share one CPU evenly. */
KT_CATALOG_SCENARIO(cgroup_affinity_pinned, AFFINITY, 4,
		    "a cgroup's workers pinned to the first CPU of its half")
{
	return kt_execute_defs(
	    ctx, res,
	    KT_DEFS(kt_cgroup_def("cg_0", .cpuset = KT_CPUSET_DISJOINT(0, 2),
				  .affinity = KT_AFFINITY_SINGLE_CPU),
		    kt_cgroup_def("cg_1", .cpuset = KT_CPUSET_DISJOINT(1, 2),
				  .affinity = KT_AFFINITY_SINGLE_CPU)));
}

/* Workers pinned to the LLC of their pool's first CPU. */
KT_CATALOG_SCENARIO(cgroup_affinity_llc, AFFINITY, 5,
		    "workers pinned to the LLC of their pool's first CPU")
{
	return kt_execute_defs(
	    ctx, res,
	    KT_DEFS(kt_cgroup_def("cg_0", .cpuset = KT_CPUSET_DISJOINT(0, 2),
				  .affinity = KT_AFFINITY_LLC_ALIGNED),
		    kt_cgroup_def("cg_1", .cpuset = KT_CPUSET_DISJOINT(1, 2),
				  .affinity = KT_AFFINITY_LLC_ALIGNED)));
}

/* Workers re-pin themselves to a random allowed CPU every iteration. */
KT_CATALOG_SCENARIO(affinity_churn, AFFINITY, 6,
		    "workers re-pin themselves to a random CPU every iteration")
{
	return kt_execute_defs(
	    ctx, res,
	    KT_DEFS(
		kt_cgroup_def("cg_0", .workers = 2,
			      .work_type = KT_WORK(KT_WORK_AFFINITY_CHURN)),
		kt_cgroup_def("cg_1", .workers = 2,
			      .work_type = KT_WORK(KT_WORK_AFFINITY_CHURN))));
}
