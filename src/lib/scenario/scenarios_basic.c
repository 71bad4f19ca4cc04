/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Canned steady-state scenarios: steady, steady_llc, oversubscribed,
 * mixed_workloads. Each builds its cgroups, runs workers for
 * ctx->duration and judges them with ctx->assert. The catalog lists them
 * from its category files (src/lib/catalog/); steady serves cgroup_steady
 * too.
 */
#include <ktstr/scenario.h>

#include "scenario_util.h"

int kt_scenario_steady(const struct kt_ctx *ctx, struct kt_result *res)
{
	struct kt_workload_config wl = kt_dfl_wl(ctx);
	_cleanup_(kt_cgroup_group_freep) struct kt_cgroup_group *guard = NULL;
	_cleanup_(kt_handles_freep) struct kt_handles *h = NULL;
	int err = kt_setup_cgroups(ctx, 2, &wl, &h, &guard);

	if (err)
		return err;
	kt_hold_or_record(ctx, ctx->duration, res);
	return kt_collect_all(h, &ctx->assert, res);
}

int kt_scenario_steady_llc(const struct kt_ctx *ctx, struct kt_result *res)
{
	struct kt_workload_config wl = kt_dfl_wl(ctx);
	_cleanup_(kt_cgroup_group_freep) struct kt_cgroup_group *guard = NULL;
	_cleanup_(kt_handles_freep) struct kt_handles *h = NULL;
	const char *names[2] = {"cg_0", "cg_1"};
	int err;

	if (ctx->topo->nr_llcs < 2)
		return kt_result_skip(res,
				      "steady_llc needs at least 2 LLCs; this "
				      "topology has %d",
				      ctx->topo->nr_llcs);
	err = kt_cgroup_group_new(ctx->cgroups, &guard);
	if (err)
		return err;
	for (int i = 0; i < 2; i++) {
		struct kt_cpuset cpus;

		kt_topo_llc_aligned(ctx->topo, i, &cpus);
		if (kt_cpuset_empty(&cpus))
			return kt_result_skip(res, "LLC %d has no usable CPUs",
					      i);
		err = kt_cgroup_group_add(guard, names[i]);
		if (!err)
			err = ctx->cgroups->set_cpuset(ctx->cgroups, names[i],
						       &cpus);
		if (!err)
			err = kt_handles_spawn(ctx, &h, names[i], &cpus, &wl);
		if (err)
			return err;
	}
	kt_hold_or_record(ctx, ctx->duration, res);
	return kt_collect_all(h, &ctx->assert, res);
}

int kt_scenario_oversubscribed(const struct kt_ctx *ctx, struct kt_result *res)
{
	struct kt_workload_config wl = kt_dfl_wl(ctx);
	_cleanup_(kt_cgroup_group_freep) struct kt_cgroup_group *guard = NULL;
	_cleanup_(kt_handles_freep) struct kt_handles *h = NULL;
	int err;

	/* Far more runnable tasks than CPUs: 2 cgroups x 32 Mixed workers. */
	wl.num_workers = 32;
	if (!ctx->work_type_override)
		wl.work = KT_WORK(KT_WORK_MIXED);
	err = kt_setup_cgroups(ctx, 2, &wl, &h, &guard);
	if (err)
		return err;
	kt_hold_or_record(ctx, ctx->duration, res);
	return kt_collect_all(h, &ctx->assert, res);
}

/*
 * Heavy, bursty and I/O cgroups side by side. The fairness spread inside a
 * cgroup is not judged here: which SpinWait worker shares its CPU with
 * the bursty and I/O workers (they wake onto the CPU of whoever woke them,
 * inside one LLC, and the periodic balance moves them later) is placement
 * chance, not unfairness within the cgroup. Under EEVDF on 1n2l2c1t and
 * 2n2l2c1t, in 36 runs of 3-5 s, the two spinners' off-CPU shares were up
 * to 29 points apart and the I/O workers' run delays up to 19 points; the
 * 15% limit failed a third of the 3 s runs. Starvation, gaps, work
 * conservation and coverage are judged as everywhere.
 */
int kt_scenario_mixed_workloads(const struct kt_ctx *ctx, struct kt_result *res)
{
	static const char *const names[] = {"cg_0", "cg_1", "cg_2"};
	_cleanup_(kt_cgroup_group_freep) struct kt_cgroup_group *guard = NULL;
	_cleanup_(kt_handles_freep) struct kt_handles *h = NULL;
	struct kt_assert a = kt_assert_merge(
	    &ctx->assert, &(struct kt_assert){.max_spread_pct = KT_SET(100.0)});
	int err;

	/* Heavy (SpinWait), bursty (50 ms on / 100 ms off) and sync IO. */
	err = kt_cgroup_group_new(ctx->cgroups, &guard);
	for (size_t i = 0; i < KT_ARRAY_SIZE(names) && !err; i++)
		err = kt_cgroup_group_add(guard, names[i]);
	if (!err)
		err = kt_spawn_diverse(ctx, names, KT_ARRAY_SIZE(names), &h);
	if (err)
		return err;
	kt_hold_or_record(ctx, ctx->duration, res);
	return kt_collect_all(h, &a, res);
}
