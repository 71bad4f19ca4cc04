/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Catalog scenarios of the "sched_class" category: workers under
 * SCHED_BATCH, SCHED_IDLE, SCHED_FIFO and SCHED_RR (the guest's init runs
 * as root, so RT policies are allowed), a mix of policies, and workers
 * that change their own nice value or policy while they run. Real-time
 * spinners are kept on their own half of the CPUs so the harness and the
 * kernel's threads keep the other half.
 */
#include "catalog_need.h"
#include "catalog_register.h"

#define BATCH ((struct kt_sched_policy){.kind = KT_POLICY_BATCH})
#define IDLE  ((struct kt_sched_policy){.kind = KT_POLICY_IDLE})
#define FIFO  ((struct kt_sched_policy){.kind = KT_POLICY_FIFO, .priority = 10})
#define RR    ((struct kt_sched_policy){.kind = KT_POLICY_RR, .priority = 10})

KT_CATALOG_SCENARIO(sched_batch, SCHED_CLASS, 1,
		    "SCHED_BATCH spinners in two cgroups")
{
	return kt_execute_defs(
	    ctx, res,
	    KT_DEFS(
		kt_cgroup_def("cg_0", .workers = 2, .sched_policy = BATCH),
		kt_cgroup_def("cg_1", .workers = 2, .sched_policy = BATCH)));
}

/* Only SCHED_IDLE spinners: among themselves they share fairly. */
KT_CATALOG_SCENARIO(sched_idle, SCHED_CLASS, 2,
		    "SCHED_IDLE spinners in two cgroups")
{
	return kt_execute_defs(
	    ctx, res,
	    KT_DEFS(kt_cgroup_def("cg_0", .workers = 2, .sched_policy = IDLE),
		    kt_cgroup_def("cg_1", .workers = 2, .sched_policy = IDLE)));
}

/*
 * SCHED_FIFO workers that spin and yield (a FIFO spinner that never
 * yields would keep its peer off the CPU for good) on one half, normal
 * spinners on the other.
 */
KT_CATALOG_SCENARIO(
    sched_fifo, SCHED_CLASS, 3,
    "SCHED_FIFO spin+yield workers on one half, normal on the other")
{
	return kt_execute_defs(
	    ctx, res,
	    KT_DEFS(kt_cgroup_def("cg_0", .workers = 2, .sched_policy = FIFO,
				  .work_type = KT_WORK(KT_WORK_MIXED),
				  .cpuset = KT_CPUSET_DISJOINT(0, 2)),
		    kt_cgroup_def("cg_1", .workers = 2,
				  .cpuset = KT_CPUSET_DISJOINT(1, 2))));
}

/*
 * SCHED_RR spinners (round-robin time slices) on one half, normal
 * spinners on the other. RR hands out 100 ms quanta: two RR spinners
 * sharing one CPU over a 1 s run split about 10 quanta, so their off-CPU
 * shares differ by up to 20% from rounding alone (16% was seen under
 * EEVDF). The spread limit is 35% here (the limit ktstr's reference uses
 * for coarse timing); starvation, gaps and isolation are judged as usual.
 */
KT_CATALOG_SCENARIO(
    sched_rr, SCHED_CLASS, 4,
    "SCHED_RR spinners on one half, normal spinners on the other")
{
	struct kt_assert a =
	    kt_need_assert(ctx, &(struct kt_assert){
				    .max_spread_pct = KT_SET(35.0),
				});

	return kt_execute_steps_with(
	    ctx, res,
	    KT_STEPS(kt_step(
		    .defs = KT_DEFS(
			kt_cgroup_def("cg_0", .workers = 2, .sched_policy = RR,
				      .cpuset = KT_CPUSET_DISJOINT(0, 2)),
			kt_cgroup_def("cg_1", .workers = 2,
				      .cpuset = KT_CPUSET_DISJOINT(1, 2))))),
	    &a);
}

/*
 * Normal, batch and FIFO bursty workers (50 ms on, 100 ms off: one CPU
 * between them) beside SCHED_IDLE spinners that take whatever is left.
 * Every burst preempts whichever idle spinner shares its CPU, so the two
 * idle workers' off-CPU shares differ by chance (about +-20% of a 1 s run
 * with ~20 bursts): the fairness spread is not judged; starvation and
 * gaps are, and the idle workers have a spare CPU's worth to run on.
 */
KT_CATALOG_SCENARIO(
    sched_mixed, SCHED_CLASS, 5,
    "normal, batch and FIFO bursty workers beside SCHED_IDLE spinners")
{
	struct kt_work_type burst = KT_WORK_BURSTY_OF(KT_MS(50), KT_MS(100));
	struct kt_assert a =
	    kt_need_assert(ctx, &(struct kt_assert){
				    .max_spread_pct = KT_SET(100.0),
				});

	return kt_execute_steps_with(
	    ctx, res,
	    KT_STEPS(
		kt_step(.defs = KT_DEFS(kt_cgroup_def("cg_normal", .workers = 1,
						      .work_type = burst),
					kt_cgroup_def("cg_batch", .workers = 1,
						      .work_type = burst,
						      .sched_policy = BATCH),
					kt_cgroup_def("cg_fifo", .workers = 1,
						      .work_type = burst,
						      .sched_policy = FIFO),
					kt_cgroup_def("cg_idle", .workers = 2,
						      .sched_policy = IDLE)))),
	    &a);
}

/* Workers step their nice value through the range as they spin. */
KT_CATALOG_SCENARIO(
    nice_sweep, SCHED_CLASS, 6,
    "workers step their nice value through the range as they spin")
{
	return kt_execute_defs(
	    ctx, res,
	    KT_DEFS(kt_cgroup_def("cg_0", .workers = 2,
				  .work_type = KT_WORK(KT_WORK_NICE_SWEEP)),
		    kt_cgroup_def("cg_1", .workers = 2,
				  .work_type = KT_WORK(KT_WORK_NICE_SWEEP))));
}

/* Workers switch their own scheduling policy every iteration. */
KT_CATALOG_SCENARIO(
    policy_churn, SCHED_CLASS, 7,
    "workers switch their own scheduling policy every iteration")
{
	return kt_execute_defs(
	    ctx, res,
	    KT_DEFS(kt_cgroup_def("cg_0", .workers = 2,
				  .work_type = KT_WORK(KT_WORK_POLICY_CHURN)),
		    kt_cgroup_def("cg_1", .workers = 2,
				  .work_type = KT_WORK(KT_WORK_POLICY_CHURN))));
}
