/* SPDX-License-Identifier: GPL-2.0-only */
/* Internal helpers shared by the canned scenarios: holds that record why
 * they ended, and checks that a cpuset change reached the workers. */
#include <errno.h>
#include <sched.h>

#include "scenario_util.h"

bool kt_hold_or_record(const struct kt_ctx *ctx, uint64_t ns,
		       struct kt_result *res)
{
	int err = kt_ctx_hold(ctx, ns);

	if (!err)
		return true;
	if (err == -ESRCH)
		kt_result_add(res, KT_DETAIL_SCHEDULER, "%s", kt_last_error());
	else if (err == -ETIME) /* the stall watch: the gap check judges */
		kt_result_add(res, KT_DETAIL_NOTE, "%s", kt_last_error());
	else if (err != -ECANCELED)
		kt_result_add(res, KT_DETAIL_INFRA, "%s", kt_last_error());
	return false;
}

bool kt_ctx_real_cgroups(const struct kt_ctx *ctx)
{
	const char *p = ctx->cgroups->parent(ctx->cgroups);

	return p && p[0];
}

static int worker_affinity(pid_t pid, struct kt_cpuset *out)
{
	cpu_set_t set;

	kt_cpuset_zero(out);
	if (sched_getaffinity(pid, sizeof(set), &set))
		return -errno;
	for (int c = 0; c < CPU_SETSIZE && c < KT_MAX_CPUS; c++)
		if (CPU_ISSET(c, &set))
			kt_cpuset_set(out, c);
	return 0;
}

void kt_check_confined(const struct kt_ctx *ctx, const struct kt_handle *h,
		       const struct kt_cpuset *want, const char *when,
		       struct kt_result *res)
{
	if (!kt_ctx_real_cgroups(ctx))
		return;
	for (size_t i = 0; i < kt_workload_nr(h->wl); i++) {
		pid_t pid = kt_workload_pid(h->wl, i);
		struct kt_cpuset got;

		if (worker_affinity(pid, &got))
			continue; /* the worker is gone: its report says why */
		if (!kt_cpuset_subset(&got, want))
			kt_result_add(res, KT_DETAIL_ISOLATION,
				      "tid %d may run on [%s] %s, expected "
				      "only [%s] (cgroup %s)",
				      (int)pid, kt_cpuset_str(&got, 0), when,
				      kt_cpuset_str(want, 1), h->cgroup);
	}
}

void kt_check_released(const struct kt_ctx *ctx, const struct kt_handle *h,
		       const struct kt_cpuset *old, const char *when,
		       struct kt_result *res)
{
	if (!kt_ctx_real_cgroups(ctx))
		return;
	for (size_t i = 0; i < kt_workload_nr(h->wl); i++) {
		pid_t pid = kt_workload_pid(h->wl, i);
		struct kt_cpuset got;

		if (worker_affinity(pid, &got))
			continue;
		if (kt_cpuset_subset(&got, old))
			kt_result_add(res, KT_DETAIL_ISOLATION,
				      "tid %d is still confined to [%s] %s "
				      "(cgroup %s)",
				      (int)pid, kt_cpuset_str(&got, 0), when,
				      h->cgroup);
	}
}
