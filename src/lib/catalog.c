/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The scenario catalog: every named scenario with its category and
 * one-line description, and kt_run_scenario, which runs one of them and
 * turns an error into an infrastructure verdict.
 */
#include <string.h>

#include <ktstr/scenario.h>

static const struct kt_scenario catalog[] = {
    {"steady", "basic",
     "two cgroups of SpinWait workers, no cpusets, for the whole run",
     kt_scenario_steady, true},
    {"steady_llc", "cpuset",
     "two cgroups pinned to LLC 0 and LLC 1 (skipped with one LLC)",
     kt_scenario_steady_llc, true},
    {"oversubscribed", "stress",
     "two cgroups of 32 Mixed (spin + yield) workers each",
     kt_scenario_oversubscribed, true},
    {"mixed_workloads", "basic",
     "SpinWait, Bursty 50ms/100ms and IoSyncWrite cgroups side by side",
     kt_scenario_mixed_workloads, true},
    {"cpuset_apply", "dynamic",
     "two unconfined cgroups get disjoint cpusets half-way through",
     kt_scenario_cpuset_apply, true},
    {"cpuset_clear", "dynamic",
     "two cgroups on disjoint cpusets are released half-way through",
     kt_scenario_cpuset_clear, true},
    {"cgroup_add", "dynamic",
     "a second cgroup with workers joins half-way through",
     kt_scenario_cgroup_add, true},
    {"cgroup_remove", "dynamic",
     "one of two cgroups is stopped and removed half-way through",
     kt_scenario_cgroup_remove, true},
};

const struct kt_scenario *kt_catalog(size_t *nr)
{
	*nr = KT_ARRAY_SIZE(catalog);
	return catalog;
}

const struct kt_scenario *kt_catalog_find(const char *name)
{
	for (size_t i = 0; i < KT_ARRAY_SIZE(catalog); i++)
		if (!strcmp(catalog[i].name, name))
			return &catalog[i];
	return NULL;
}

int kt_run_scenario(const struct kt_scenario *s, const struct kt_ctx *ctx,
		    const char *topo_name, const char *sched_name,
		    struct kt_result *res)
{
	uint64_t start = kt_now_ns();
	int err;

	err = kt_result_set_header(res, s->name, topo_name, sched_name);
	if (err)
		return err;
	if (ctx->current_step)
		atomic_store(ctx->current_step, 0);
	kt_clear_error();
	err = s->fn(ctx, res);
	if (err)
		kt_result_add(res, KT_DETAIL_INFRA, "scenario %s: %s", s->name,
			      kt_last_error());
	res->duration_ns = kt_now_ns() - start;
	return 0;
}
