/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The moments of the run's picture a scenario's bracket knows
 * (scenario_lanes.h): its end, the host stalls the vCPU probe saw, the
 * scheduler's end and the verdict moment, all from the scenario's start.
 */
#include <stdlib.h>

#include <ktstr/scenario.h>
#include <ktstr/sched.h>

#include "probe/vcpu_probe.h"
#include "result/result_lanes.h"
#include "scenario_lanes.h"

struct stall_arg {
	struct kt_lanes *l;
	uint64_t t0;
};

static void add_stall(int cpu, uint64_t start, uint64_t end, void *arg)
{
	struct stall_arg *a = arg;

	kt_lanes_add_stall(a->l, cpu, start - a->t0, end - a->t0);
}

static int by_start(const void *a, const void *b)
{
	const struct kt_lane_stall *x = a, *y = b;

	if (x->start_ns != y->start_ns)
		return (x->start_ns > y->start_ns) -
		       (x->start_ns < y->start_ns);
	return (x->cpu > y->cpu) - (x->cpu < y->cpu);
}

static void stalls(uint64_t t0, uint64_t now, struct kt_lanes *l)
{
	const struct kt_probe *p = kt_probe_current();
	struct stall_arg a = {l, t0};

	if (!p)
		return;
	l->stalls_measured = true;
	if (!kt_probe_windows(p, t0, now, add_stall, &a))
		l->stalls_truncated = true;
	if (l->nr_stalls)
		qsort(l->stalls, l->nr_stalls, sizeof(l->stalls[0]), by_start);
}

void kt_scenario_lanes_end(uint64_t t0, uint64_t now, struct kt_result *res)
{
	struct kt_lanes *l = &res->lanes;
	uint64_t gone = kt_sched_gone_at_ns(),
		 stall = kt_scenario_stall_at_ns();

	l->recorded = true;
	l->end_ns = now > t0 ? now - t0 : 0;
	l->verdict_at = KT_VERDICT_AT_END;
	l->verdict_ns = l->end_ns;
	if (gone >= t0 && gone) {
		l->sched_gone = true;
		l->sched_gone_ns = gone - t0;
		l->verdict_at = KT_VERDICT_AT_SCHEDULER;
		l->verdict_ns = l->sched_gone_ns;
	}
	if (stall >= t0 && stall && (!l->sched_gone || stall < gone)) {
		l->verdict_at = KT_VERDICT_AT_EVIDENCE;
		l->verdict_ns = stall - t0;
	}
	stalls(t0, now, l);
}
