/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * RtInterference: real-time members against normal ones in one group.
 * Members 0 .. rt_members-1 switch themselves to SCHED_FIFO rt_priority in
 * setup (before the gate; the workload's policy applies to the others) and
 * loop: spin burst_iters, sleep sleep_usec (burst_iters units; the sleep is
 * a voluntary block and its overshoot one wake sample). The normal members
 * spin like SpinWait (1024 units per checkpoint) and record no samples, so
 * the group's wake latency is the RT members' and its work units and gaps
 * show what the RT bursts leave the normal members.
 *
 * An RT member marks its report KT_POLICY_FIFO: the coverage and work
 * conservation checks leave RT workers out, and the fairness spread leaves
 * them out of a cgroup that mixes them with normal ones (result/check.c).
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

#include <ktstr/common.h>

#include "work_kinds.h"

#define KT_RT_MAX_SLEEP_US 10000000u /* 10 s */

static bool is_rt_member(const struct kt_work_run *r)
{
	return r->role < r->work.rt_interference.rt_members;
}

static int loop_rt_interference(struct kt_work_run *r)
{
	const typeof(r->work.rt_interference) *p = &r->work.rt_interference;

	if (!is_rt_member(r)) {
		while (!kt_work_stopping(r)) {
			kt_spin_units(KT_SPIN_BATCH);
			kt_tel_checkpoint(r->tel, KT_SPIN_BATCH, true);
		}
		return 0;
	}
	r->tel->rep->policy = KT_POLICY_FIFO;
	while (!kt_work_stopping(r)) {
		kt_spin_units(p->burst_iters);
		kt_tel_checkpoint(r->tel, p->burst_iters, true);
		kt_work_sleep(r->tel, KT_US(p->sleep_usec),
			      KT_SLEEP_BRACKET | KT_SLEEP_SAMPLE);
	}
	return 0;
}

/* An RT member becomes SCHED_FIFO before the gate. */
static int rt_setup(struct kt_work_run *r, char *err, size_t errlen)
{
	struct sched_param sp = {
	    .sched_priority = (int)r->work.rt_interference.rt_priority,
	};
	int e;

	if (!is_rt_member(r))
		return 0;
	if (!sched_setscheduler(0, SCHED_FIFO, &sp))
		return 0;
	e = errno;
	snprintf(err, errlen, "%s: SCHED_FIFO priority %d for member %u: %s%s",
		 r->desc->name, sp.sched_priority, r->role, strerror(e),
		 e == EPERM ? " (needs root or CAP_SYS_NICE)" : "");
	return -e;
}

static void rt_resolve(struct kt_work_type *w)
{
	kt_dfl32(&w->rt_interference.rt_members, 1);
	kt_dfl32(&w->rt_interference.normal_members, 1);
	kt_dfl32(&w->rt_interference.burst_iters, 256);
	kt_dfl32(&w->rt_interference.sleep_usec, 1000);
	kt_dfl32(&w->rt_interference.rt_priority, 10);
}

static int rt_check(const struct kt_work_kind_desc *d,
		    const struct kt_work_type *w)
{
	const typeof(w->rt_interference) *p = &w->rt_interference;

	return kt_work_check_range(d->name, "rt_members", p->rt_members, 1,
				   KT_MAX_GROUP - 1)
		   ?: kt_work_check_range(d->name, "normal_members",
					  p->normal_members, 1,
					  KT_MAX_GROUP - p->rt_members)
		   ?: kt_work_check_range(d->name, "sleep_usec", p->sleep_usec,
					  1, KT_RT_MAX_SLEEP_US)
		   ?: kt_work_check_range(d->name, "rt_priority",
					  p->rt_priority, 1, 99);
}

static unsigned rt_group_size(const struct kt_work_type *w)
{
	return w->rt_interference.rt_members +
	       w->rt_interference.normal_members;
}

const struct kt_work_kind_desc kt_rt_interference_desc = {
    .kind = KT_WORK_RT_INTERFERENCE,
    .name = "RtInterference",
    .parsable = true,
    .blocks = true,
    .group_size_of = rt_group_size,
    .grouping = KT_GROUPING_NONE,
    .resolve = rt_resolve,
    .check = rt_check,
    .setup = rt_setup,
    .loop = loop_rt_interference,
};
