/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Private to libktstr: what the runners measure around one scenario,
 * beside its own checks: how the vCPUs fared (the vCPU probe's windows,
 * /proc/stat steal) and how much each sched_ext event counter grew, with
 * the kt_assert limits on them. kt_run_scenario (catalog/) and
 * kt_scenario_file_run (scenario_file/) bracket every scenario with it.
 */
#ifndef KTSTR_SCENARIO_MEASURE_H
#define KTSTR_SCENARIO_MEASURE_H

#include <ktstr/check.h>
#include <ktstr/result.h>
#include <ktstr/sched.h>

#include "core/cpu_stat.h"

struct kt_scenario_measure {
	uint64_t t0;
	bool have_events;
	struct kt_scx_events events;
	struct kt_cpu_stat *stat; /* at t0, or NULL */
};

/* A scenario starts: reset the stall state, note the time, read the
 * event counters and /proc/stat. */
void kt_scenario_measure_begin(struct kt_scenario_measure *m);
/* It ended: put the host stalls and the event deltas into res, judge the
 * event limits of a, release m. */
void kt_scenario_measure_end(struct kt_scenario_measure *m,
			     const struct kt_assert *a, struct kt_result *res);

#endif
