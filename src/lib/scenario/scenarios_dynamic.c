/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Canned scenarios that change the cgroup tree while workers run:
 * cpuset_apply, cpuset_clear, cgroup_add, cgroup_remove. Each verifies the
 * change really reached the workers (their CPU affinity, the cgroup's
 * existence) in addition to the worker checks. The catalog lists them
 * from catalog_dynamic.c, beside their ops-engine variants.
 */
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>

#include <ktstr/scenario.h>

#include "scenario_util.h"

static const char *const two[] = {"cg_0", "cg_1"};

/* Two cgroups with ctx's default workers; cpusets set when cpus != NULL. */
static int two_cgroups(const struct kt_ctx *ctx, const struct kt_cpuset cpus[2],
		       struct kt_cgroup_group **guard, struct kt_handles **h)
{
	struct kt_workload_config wl = kt_dfl_wl(ctx);
	int err = kt_cgroup_group_new(ctx->cgroups, guard);

	for (int i = 0; i < 2 && !err; i++) {
		err = kt_cgroup_group_add(*guard, two[i]);
		if (!err && cpus)
			err = ctx->cgroups->set_cpuset(ctx->cgroups, two[i],
						       &cpus[i]);
		/* Cpusets change mid-run, so isolation is judged by
		 * kt_check_confined at the change, not on the whole run. */
		if (!err)
			err = kt_handles_spawn(ctx, h, two[i], NULL, &wl);
	}
	return err;
}

static int disjoint_halves(const struct kt_ctx *ctx, struct kt_cpuset cpus[2],
			   struct kt_result *res, bool *skipped)
{
	*skipped = false;
	for (unsigned i = 0; i < 2; i++) {
		if (kt_topo_disjoint(ctx->topo, i, 2, &cpus[i])) {
			*skipped = true;
			return kt_result_skip(res, "%s", kt_last_error());
		}
	}
	return 0;
}

int kt_scenario_cpuset_apply(const struct kt_ctx *ctx, struct kt_result *res)
{
	_cleanup_(kt_cgroup_group_freep) struct kt_cgroup_group *guard = NULL;
	_cleanup_(kt_handles_freep) struct kt_handles *h = NULL;
	struct kt_cpuset cpus[2];
	bool skipped;
	int err = disjoint_halves(ctx, cpus, res, &skipped);

	if (err || skipped)
		return err;
	err = two_cgroups(ctx, NULL, &guard, &h);
	if (err)
		return err;
	if (kt_hold_or_record(ctx, ctx->duration / 2, res)) {
		for (int i = 0; i < 2 && !err; i++)
			err = ctx->cgroups->set_cpuset(ctx->cgroups, two[i],
						       &cpus[i]);
		if (err)
			return err;
		for (int i = 0; i < 2; i++)
			kt_check_confined(ctx, &h->h[i], &cpus[i],
					  "after the cpuset was applied", res);
		kt_hold_or_record(ctx, ctx->duration - ctx->duration / 2, res);
	}
	return kt_collect_all(h, &ctx->assert, res);
}

int kt_scenario_cpuset_clear(const struct kt_ctx *ctx, struct kt_result *res)
{
	_cleanup_(kt_cgroup_group_freep) struct kt_cgroup_group *guard = NULL;
	_cleanup_(kt_handles_freep) struct kt_handles *h = NULL;
	struct kt_cpuset cpus[2];
	bool skipped;
	int err = disjoint_halves(ctx, cpus, res, &skipped);

	if (err || skipped)
		return err;
	err = two_cgroups(ctx, cpus, &guard, &h);
	if (err)
		return err;
	for (int i = 0; i < 2; i++)
		kt_check_confined(ctx, &h->h[i], &cpus[i],
				  "while the cpuset was set", res);
	if (kt_hold_or_record(ctx, ctx->duration / 2, res)) {
		for (int i = 0; i < 2 && !err; i++)
			err = ctx->cgroups->clear_cpuset(ctx->cgroups, two[i]);
		if (err)
			return err;
		for (int i = 0; i < 2; i++)
			kt_check_released(ctx, &h->h[i], &cpus[i],
					  "after the cpuset was cleared", res);
		kt_hold_or_record(ctx, ctx->duration - ctx->duration / 2, res);
	}
	return kt_collect_all(h, &ctx->assert, res);
}

int kt_scenario_cgroup_add(const struct kt_ctx *ctx, struct kt_result *res)
{
	struct kt_workload_config wl = kt_dfl_wl(ctx);
	_cleanup_(kt_cgroup_group_freep) struct kt_cgroup_group *guard = NULL;
	_cleanup_(kt_handles_freep) struct kt_handles *h = NULL;
	int err = kt_cgroup_group_new(ctx->cgroups, &guard);

	if (!err)
		err = kt_cgroup_group_add(guard, "cg_0");
	if (!err)
		err = kt_handles_spawn(ctx, &h, "cg_0", NULL, &wl);
	if (err)
		return err;
	if (kt_hold_or_record(ctx, ctx->duration / 2, res)) {
		/* A new cgroup with its own workers joins mid-run. */
		err = kt_cgroup_group_add(guard, "cg_1");
		if (!err)
			err = kt_handles_spawn(ctx, &h, "cg_1", NULL, &wl);
		if (err)
			return err;
		kt_hold_or_record(ctx, ctx->duration - ctx->duration / 2, res);
	}
	return kt_collect_all(h, &ctx->assert, res);
}

int kt_scenario_cgroup_remove(const struct kt_ctx *ctx, struct kt_result *res)
{
	_cleanup_(kt_cgroup_group_freep) struct kt_cgroup_group *guard = NULL;
	_cleanup_(kt_handles_freep) struct kt_handles *h = NULL;
	int err = two_cgroups(ctx, NULL, &guard, &h);
	struct kt_handles one = {.nr = 1};
	char path[4096];
	struct stat st;

	if (err)
		return err;
	if (!kt_hold_or_record(ctx, ctx->duration / 2, res))
		return kt_collect_all(h, &ctx->assert, res);

	/* Stop cg_1's workers and judge them, then remove the cgroup while
	 * cg_0 keeps running. */
	one.h = &h->h[1];
	err = kt_collect_all(&one, &ctx->assert, res);
	if (!err)
		err = ctx->cgroups->remove(ctx->cgroups, "cg_1");
	if (err)
		return err;
	if (kt_ctx_real_cgroups(ctx)) {
		snprintf(path, sizeof(path), "%s/cg_1",
			 ctx->cgroups->parent(ctx->cgroups));
		if (!stat(path, &st))
			kt_result_add(res, KT_DETAIL_INFRA,
				      "cgroup %s still exists after removal",
				      path);
	}
	kt_hold_or_record(ctx, ctx->duration - ctx->duration / 2, res);
	one.h = &h->h[0];
	return kt_collect_all(&one, &ctx->assert, res);
}
