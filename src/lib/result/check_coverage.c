/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Coverage: with a sched_ext scheduler attached, did it schedule the
 * workers at all? Each worker notes ext.enabled (/proc/PID/sched) at its
 * gate and at its end. A scheduler in partial mode (switch_all 0) takes
 * only SCHED_EXT tasks; if it ran none of a cgroup's workers, their
 * measurements say nothing about it, and the run is INCONCLUSIVE with
 * what to do about it, never a PASS. Real-time and deadline workers do
 * not count (no sched_ext scheduler runs them), nor does a kernel that
 * cannot tell.
 */
#include <ktstr/check.h>
#include <ktstr/workload.h>

#include "check_priv.h"

int kt_check_coverage(const struct kt_assert *a, const char *cgroup,
		      const struct kt_worker_report *reports, size_t nr,
		      const struct kt_cgroup_evidence *ev,
		      struct kt_cgroup_stats *st, struct kt_result *res)
{
	unsigned eligible = 0, ext = 0;

	if (!ev || !ev->ext_attached)
		return 0;
	for (size_t i = 0; i < nr; i++) {
		const struct kt_worker_report *r = &reports[i];

		/* ext < 0: never ran, or this kernel does not say */
		if (!kt_check_judged(r) || kt_policy_above_fair(r->policy) ||
		    r->ext < 0)
			continue;
		eligible++;
		ext += r->ext > 0;
	}
	st->ext_workers = ext;
	st->ext_eligible = eligible;
	if (!a->coverage.set || !a->coverage.val || !eligible || ext)
		return 0;
	if (ev->ext_switch_all == 0)
		return kt_result_add(
		    res, KT_DETAIL_COVERAGE,
		    "%s: the scheduler under test ran none of its %u workers: "
		    "it is in partial mode (sched_ext switch_all=0) and takes "
		    "only SCHED_EXT tasks; give the workers policy Ext "
		    "(scenario files: \"policy\": \"Ext\"; C: KT_POLICY_EXT), "
		    "or load the scheduler for all tasks",
		    cgroup ? cgroup : "?", eligible);
	return kt_result_add(res, KT_DETAIL_COVERAGE,
			     "%s: the scheduler under test ran none of its %u "
			     "workers (ext.enabled was 0 at their start and "
			     "end); what ran them was not the scheduler under "
			     "test",
			     cgroup ? cgroup : "?", eligible);
}
