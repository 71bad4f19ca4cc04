/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Catalog scenarios of the "performance" category: the default checks
 * plus one measured bound each, set loose enough for a loaded 2-core
 * host emulating the guest (TCG) and tight enough to catch a scheduler
 * that loses wake-ups, starves one of identical workers, or moves pinned
 * tasks.
 */
#include "catalog_need.h"
#include "catalog_register.h"

/* Pipe pairs: p99 wake-up latency under 250 ms. */
KT_CATALOG_SCENARIO(perf_wake_latency, PERFORMANCE, 1,
		    "pipe pairs; p99 wake latency must stay under 250 ms")
{
	struct kt_assert a = kt_need_assert(
	    ctx, &(struct kt_assert){
		     .max_p99_wake_latency_ns = KT_SET(KT_MS(250)),
		 });

	return kt_execute_steps_with(
	    ctx, res,
	    KT_STEPS(kt_step(
		    .defs = KT_DEFS(
			kt_cgroup_def("cg_0", .workers = 2,
				      .work_type = KT_WORK(KT_WORK_PIPE_IO)),
			kt_cgroup_def("cg_1", .workers = 2,
				      .work_type = KT_WORK(KT_WORK_PIPE_IO))))),
	    &a);
}

/*
 * Identical spinners do the same work per CPU second: the coefficient of
 * variation of their rates stays under 0.25 (a worker that is slowed by
 * something other than sharing its CPU shows up here).
 */
KT_CATALOG_SCENARIO(perf_throughput_parity, PERFORMANCE, 2,
		    "identical spinners; throughput CV must stay under 0.25")
{
	struct kt_assert a =
	    kt_need_assert(ctx, &(struct kt_assert){
				    .max_throughput_cv = KT_SET(0.25),
				});

	return kt_execute_steps_with(
	    ctx, res,
	    KT_STEPS(kt_step(.defs = KT_DEFS(kt_cgroup_def("cg_0"),
					     kt_cgroup_def("cg_1")))),
	    &a);
}

/* Workers pinned to one CPU each never change CPU: migration ratio 0. */
KT_CATALOG_SCENARIO(perf_pinned_no_migration, PERFORMANCE, 3,
		    "workers pinned to one CPU each must never migrate")
{
	struct kt_assert a =
	    kt_need_assert(ctx, &(struct kt_assert){
				    .max_migration_ratio = KT_SET(0.0),
				});

	return kt_execute_steps_with(
	    ctx, res,
	    KT_STEPS(kt_step(.defs = KT_DEFS(
				 kt_cgroup_def(
				     "cg_0", .cpuset = KT_CPUSET_DISJOINT(0, 2),
				     .affinity = KT_AFFINITY_SINGLE_CPU),
				 kt_cgroup_def(
				     "cg_1", .cpuset = KT_CPUSET_DISJOINT(1, 2),
				     .affinity = KT_AFFINITY_SINGLE_CPU)))),
	    &a);
}

/*
 * A schbench-like load: in each cgroup one messenger wakes 3 workers with
 * a stamped request and waits for their replies. The p99 request latency
 * (stamp to the end of the request) must stay under 250 ms, the same
 * TCG-loose bound as perf_wake_latency's.
 */
KT_CATALOG_SCENARIO(perf_request_latency, PERFORMANCE, 4,
		    "schbench-like messengers and workers; p99 request "
		    "latency must stay under 250 ms")
{
	const struct kt_work_type msg = KT_WORK_MESSAGE_WORKER_OF(3, 0, 0);
	struct kt_assert a = kt_need_assert(
	    ctx, &(struct kt_assert){
		     .max_p99_request_latency_ns = KT_SET(KT_MS(250)),
		 });

	return kt_execute_steps_with(
	    ctx, res,
	    KT_STEPS(kt_step(.defs = KT_DEFS(kt_cgroup_def("cg_0", .workers = 4,
							   .work_type = msg),
					     kt_cgroup_def("cg_1", .workers = 4,
							   .work_type = msg)))),
	    &a);
}
