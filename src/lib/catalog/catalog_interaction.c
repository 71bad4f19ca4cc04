/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Catalog scenarios of the "interaction" category: work types that meet
 * in the scheduler's wake-up and placement paths: cache-heavy spinners
 * beside plain ones, cache pressure that yields beside pipe pairs,
 * futex ping-pong pairs, and one messenger waking a fan of receivers.
 */
#include "catalog_internal.h"

/* Two cache-pressure workers (256 KiB each) and two spinners share the
 * CPUs of LLC 0: cache-heavy and cache-light tasks on one cache. */
KT_CAT(cache_pressure_imbalance)
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
KT_CAT(cache_yield_wake_affine)
{
	return kt_execute_defs(
	    ctx, res,
	    KT_DEFS(kt_cgroup_def("cg_0", .workers = 2,
				  .work_type = KT_WORK(KT_WORK_CACHE_YIELD)),
		    kt_cgroup_def("cg_1", .workers = 2,
				  .work_type = KT_WORK(KT_WORK_PIPE_IO))));
}

/* Pairs doing a cache burst then a pipe exchange, beside spinners. */
KT_CAT(cache_pipe_io_compute_imbalance)
{
	return kt_execute_defs(
	    ctx, res,
	    KT_DEFS(kt_cgroup_def("cg_0", .workers = 4,
				  .work_type = KT_WORK(KT_WORK_CACHE_PIPE)),
		    kt_cgroup_def("cg_1", .workers = 2)));
}

/* Futex turn-passing pairs: one of each pair runs at a time. */
KT_CAT(futex_ping_pong)
{
	return kt_execute_defs(
	    ctx, res,
	    KT_DEFS(
		kt_cgroup_def("cg_0", .workers = 2,
			      .work_type = KT_WORK(KT_WORK_FUTEX_PING_PONG)),
		kt_cgroup_def("cg_1", .workers = 2,
			      .work_type = KT_WORK(KT_WORK_FUTEX_PING_PONG))));
}

/*
 * One messenger wakes three receivers per round. The messenger spins
 * while the receivers mostly wait for it, so a group's off-CPU shares
 * differ by role: the fairness spread is not judged; starvation and
 * gaps are (every receiver must be woken and run).
 */
KT_CAT(fan_out_wake)
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
KT_CAT(fan_out_compute)
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
