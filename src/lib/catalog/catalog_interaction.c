/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Catalog scenarios of the "interaction" category: work types that meet
 * in the scheduler's wake-up and placement paths: cache-heavy spinners
 * beside plain ones, cache pressure that yields beside pipe pairs,
 * futex ping-pong pairs, and one messenger waking a fan of receivers.
 */
#include "catalog_need.h"
#include "catalog_register.h"

/* Two cache-pressure workers (256 KiB each) and two spinners share the
 * CPUs of LLC 0: cache-heavy and cache-light tasks on one cache. */
KT_CATALOG_SCENARIO(cache_pressure_imbalance, INTERACTION, 1,
		    "two cache-pressure workers and two spinners share LLC 0")
{
	return kt_execute_defs(
	    ctx, res,
	    KT_DEFS(
		kt_cgroup_def("cg_0", .workers = 2, .cpuset = KT_CPUSET_LLC(0),
			      .work_type = KT_WORK_CACHE_PRESSURE_OF(256, 64)),
		kt_cgroup_def("cg_1", .workers = 2,
			      .cpuset = KT_CPUSET_LLC(0))));
}

/* Cache pressure then a yield, beside a pipe pair that wakes its partner
 * (the wake-affine path) every round. */
KT_CATALOG_SCENARIO(cache_yield_wake_affine, INTERACTION, 2,
		    "cache pressure + yield beside a waking pipe pair")
{
	return kt_execute_defs(
	    ctx, res,
	    KT_DEFS(kt_cgroup_def("cg_0", .workers = 2,
				  .work_type = KT_WORK(KT_WORK_CACHE_YIELD)),
		    kt_cgroup_def("cg_1", .workers = 2,
				  .work_type = KT_WORK(KT_WORK_PIPE_IO))));
}

/* Pairs doing a cache burst then a pipe exchange, beside spinners. */
KT_CATALOG_SCENARIO(cache_pipe_io_compute_imbalance, INTERACTION, 3,
		    "cache burst + pipe exchange pairs beside spinners")
{
	return kt_execute_defs(
	    ctx, res,
	    KT_DEFS(kt_cgroup_def("cg_0", .workers = 4,
				  .work_type = KT_WORK(KT_WORK_CACHE_PIPE)),
		    kt_cgroup_def("cg_1", .workers = 2)));
}

/*
 * One messenger wakes three receivers per round. The messenger spins
 * while the receivers mostly wait for it, so a group's off-CPU shares
 * differ by role: the fairness spread is not judged; starvation and
 * gaps are (every receiver must be woken and run).
 */
KT_CATALOG_SCENARIO(fan_out_wake, INTERACTION, 4,
		    "one futex messenger wakes three receivers per round")
{
	struct kt_assert a =
	    kt_need_assert(ctx, &(struct kt_assert){
				    .max_spread_pct = KT_SET(100.0),
				});

	return kt_execute_steps_with(
	    ctx, res,
	    KT_STEPS(
		kt_step(.defs = KT_DEFS(kt_cgroup_def(
			    "cg_0", .workers = 4,
			    .work_type = KT_WORK_FUTEX_FAN_OUT_OF(3, 0))))),
	    &a);
}

/* Same roles as fan_out_wake (so the same judgement), with receivers that
 * sleep briefly and then multiply matrices. */
KT_CATALOG_SCENARIO(fan_out_compute, INTERACTION, 5,
		    "a messenger wakes three receivers that multiply matrices")
{
	struct kt_assert a =
	    kt_need_assert(ctx, &(struct kt_assert){
				    .max_spread_pct = KT_SET(100.0),
				});

	return kt_execute_steps_with(
	    ctx, res,
	    KT_STEPS(kt_step(.defs = KT_DEFS(kt_cgroup_def(
				 "cg_0", .workers = 4,
				 .work_type =
				     KT_WORK_FAN_OUT_COMPUTE_OF(3, 0, 0, 0))))),
	    &a);
}

/* Futex turn-passing pairs: one of each pair runs at a time. */
KT_CATALOG_SCENARIO(futex_ping_pong, INTERACTION, 6,
		    "futex turn-passing pairs in two cgroups")
{
	return kt_execute_defs(
	    ctx, res,
	    KT_DEFS(
		kt_cgroup_def("cg_0", .workers = 2,
			      .work_type = KT_WORK(KT_WORK_FUTEX_PING_PONG)),
		kt_cgroup_def("cg_1", .workers = 2,
			      .work_type = KT_WORK(KT_WORK_FUTEX_PING_PONG))));
}
