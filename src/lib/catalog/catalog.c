/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The scenario catalog: every named scenario with its category and
 * one-line description, and kt_run_scenario, which runs one of them and
 * turns an error into an infrastructure verdict.
 */
#include <string.h>

#include <ktstr/ops.h>
#include <ktstr/scenario.h>

#include "catalog_internal.h"

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
    /* ops/steps engine scenarios (scenarios_ops.c) */
    {"ops_cpuset_swap", "dynamic",
     "cpusets set, swapped and cleared in three steps (ops engine)",
     kt_scenario_ops_cpuset_swap, false},
    {"ops_move_all", "dynamic",
     "every task of cg_0 moves to cg_1 mid-run, host workers join",
     kt_scenario_ops_move_all, false},
    {"ops_remove_midrun", "dynamic",
     "an added cgroup is removed mid-run, then the other one stopped",
     kt_scenario_ops_remove_midrun, false},
    {"ops_set_affinity", "affinity",
     "worker affinities pinned, spread, LLC-aligned and randomised",
     kt_scenario_ops_set_affinity, false},
    /* the catalog proper (catalog_<category>.c, ops/steps engine) */
    {"cgroup_steady", "basic",
     "cg_0 and cg_1 of SpinWait workers held by the ops engine",
     kt_cat_cgroup_steady, false},
    {"cgroup_pipe_io", "basic",
     "one pipe pair per cgroup, both ends blocking on each other",
     kt_cat_cgroup_pipe_io, false},
    {"cgroup_workload_variety", "basic",
     "five cgroups: SpinWait, Bursty, IoSyncWrite, ForkExit, PageFaultChurn",
     kt_cat_cgroup_workload_variety, false},
    {"sequence_phases", "basic",
     "workers loop spin/sleep/yield/io phases beside spinners",
     kt_cat_sequence_phases, false},
    {"cgroup_cpuset_llc_steady", "cpuset",
     "cgroups on LLC 0 and LLC 1 (needs 2 LLCs)",
     kt_cat_cgroup_cpuset_llc_steady, false},
    {"cgroup_cpuset_cross_llc_steady", "cpuset",
     "LLC 0 split in the middle; cg_1 straddles the LLCs (needs 2 LLCs)",
     kt_cat_cgroup_cpuset_cross_llc_steady, false},
    {"cgroup_cpuset_overlap_steady", "cpuset",
     "three cgroups on thirds widened into each other (needs 3 CPUs)",
     kt_cat_cgroup_cpuset_overlap_steady, false},
    {"cgroup_partial_cpus_steady", "cpuset",
     "two cgroups share two thirds, one third held back (needs 3 CPUs)",
     kt_cat_cgroup_partial_cpus_steady, false},
    {"cgroup_uneven_steady", "cpuset",
     "cg_0 on 3/4 of the CPUs, cg_1 on the last quarter",
     kt_cat_cgroup_uneven_steady, false},
    {"cgroup_cpuset_numa_steady", "cpuset",
     "cgroups on NUMA node 0 and node 1 (needs 2 nodes)",
     kt_cat_cgroup_cpuset_numa_steady, false},
    {"cgroup_per_cpu", "cpuset",
     "one cgroup per usable CPU (up to 4), one worker each",
     kt_cat_cgroup_per_cpu, false},
    {"cgroup_add_midrun", "dynamic",
     "cg_0 runs alone, then cg_1 and cg_2 join with a worker each",
     kt_cat_cgroup_add_midrun, false},
    {"cgroup_remove_midrun", "dynamic",
     "three cgroups; cg_2 removed at 1/3, cg_1 at 2/3 (ops/steps)",
     kt_cat_cgroup_remove_midrun, false},
    {"cgroup_rapid_churn", "dynamic",
     "a cgroup created, passed through by cg_0's workers, removed; every 100 "
     "ms",
     kt_cat_cgroup_rapid_churn, false},
    {"cgroup_exhaust_reuse", "dynamic",
     "four cgroups removed after step 1 and recreated by name in step 2",
     kt_cat_cgroup_exhaust_reuse, false},
    {"cgroup_cpuset_apply_midrun", "dynamic",
     "disjoint cpusets applied half-way through (ops/steps)",
     kt_cat_cgroup_cpuset_apply_midrun, false},
    {"cgroup_cpuset_clear_midrun", "dynamic",
     "disjoint cpusets cleared half-way through (ops/steps)",
     kt_cat_cgroup_cpuset_clear_midrun, false},
    {"cgroup_cpuset_resize", "dynamic",
     "cg_0's cpuset shrinks to a third, then grows back (needs 3 CPUs)",
     kt_cat_cgroup_cpuset_resize, false},
    {"cgroup_cpuset_swap_disjoint", "dynamic",
     "disjoint cpusets swapped, then swapped back",
     kt_cat_cgroup_cpuset_swap_disjoint, false},
    {"cgroup_cpuset_numa_swap", "dynamic",
     "cgroups on node 0 and node 1 trade nodes (needs 2 nodes)",
     kt_cat_cgroup_cpuset_numa_swap, false},
    {"cgroup_cpuset_cross_llc_race", "dynamic",
     "LLC 0 / LLC 1 cpusets swapped every 100 ms (needs 2 LLCs)",
     kt_cat_cgroup_cpuset_cross_llc_race, false},
    {"host_cgroup_contention", "dynamic",
     "workers in the run's parent cgroup join two cgroups mid-run",
     kt_cat_host_cgroup_contention, false},
    {"cgroup_cpuset_oversubscribed", "stress",
     "four spinners per cgroup, each cgroup on one LLC",
     kt_cat_cgroup_cpuset_oversubscribed, false},
    {"fork_exit_churn", "stress",
     "workers fork children that exit at once and reap them",
     kt_cat_fork_exit_churn, false},
    {"page_fault_churn", "stress",
     "workers write-fault random pages and drop them again",
     kt_cat_page_fault_churn, false},
    {"mutex_contention_light", "stress", "one futex mutex contended 4-way",
     kt_cat_mutex_contention_light, false},
    {"mutex_contention_heavy", "stress", "one futex mutex contended 8-way",
     kt_cat_mutex_contention_heavy, false},
    {"cgroup_affinity_inherit", "affinity",
     "disjoint cpusets, affinity inherited: the cpuset confines",
     kt_cat_cgroup_affinity_inherit, false},
    {"cgroup_affinity_random", "affinity",
     "each worker pinned to a random half of the CPUs",
     kt_cat_cgroup_affinity_random, false},
    {"cgroup_affinity_spanning", "affinity",
     "affinity spans every CPU; the cgroups' cpusets still confine",
     kt_cat_cgroup_affinity_spanning, false},
    {"cgroup_affinity_pinned", "affinity",
     "a cgroup's workers pinned to the first CPU of its half",
     kt_cat_cgroup_affinity_pinned, false},
    {"cgroup_affinity_llc", "affinity",
     "workers pinned to the LLC of their pool's first CPU",
     kt_cat_cgroup_affinity_llc, false},
    {"affinity_churn", "affinity",
     "workers re-pin themselves to a random CPU every iteration",
     kt_cat_affinity_churn, false},
    {"sched_batch", "sched_class", "SCHED_BATCH spinners in two cgroups",
     kt_cat_sched_batch, false},
    {"sched_idle", "sched_class", "SCHED_IDLE spinners in two cgroups",
     kt_cat_sched_idle, false},
    {"sched_fifo", "sched_class",
     "SCHED_FIFO spin+yield workers on one half, normal on the other",
     kt_cat_sched_fifo, false},
    {"sched_rr", "sched_class",
     "SCHED_RR spinners on one half, normal spinners on the other",
     kt_cat_sched_rr, false},
    {"sched_mixed", "sched_class",
     "normal, batch and FIFO bursty workers beside SCHED_IDLE spinners",
     kt_cat_sched_mixed, false},
    {"nice_sweep", "sched_class",
     "workers step their nice value through the range as they spin",
     kt_cat_nice_sweep, false},
    {"policy_churn", "sched_class",
     "workers switch their own scheduling policy every iteration",
     kt_cat_policy_churn, false},
    {"nested_cgroup_steady", "nested",
     "two sibling cgroups under one parent (nest/a, nest/b)",
     kt_cat_nested_cgroup_steady, false},
    {"nested_cgroup_task_move", "nested",
     "every task of nest/a moves to a top-level cgroup mid-run",
     kt_cat_nested_cgroup_task_move, false},
    {"nested_cgroup_rapid_churn", "nested",
     "nest/churn created, passed through and removed every 100 ms",
     kt_cat_nested_cgroup_rapid_churn, false},
    {"nested_cgroup_cpuset", "nested",
     "children on disjoint halves of their parent's cpuset, swapped",
     kt_cat_nested_cgroup_cpuset, false},
    {"nested_cgroup_imbalance", "nested",
     "4, 2 and 2 workers in cgroups at two depths",
     kt_cat_nested_cgroup_imbalance, false},
    {"cache_pressure_imbalance", "interaction",
     "two cache-pressure workers and two spinners share LLC 0",
     kt_cat_cache_pressure_imbalance, false},
    {"cache_yield_wake_affine", "interaction",
     "cache pressure + yield beside a waking pipe pair",
     kt_cat_cache_yield_wake_affine, false},
    {"cache_pipe_io_compute_imbalance", "interaction",
     "cache burst + pipe exchange pairs beside spinners",
     kt_cat_cache_pipe_io_compute_imbalance, false},
    {"fan_out_wake", "interaction",
     "one futex messenger wakes three receivers per round", kt_cat_fan_out_wake,
     false},
    {"fan_out_compute", "interaction",
     "a messenger wakes three receivers that multiply matrices",
     kt_cat_fan_out_compute, false},
    {"futex_ping_pong", "interaction",
     "futex turn-passing pairs in two cgroups", kt_cat_futex_ping_pong, false},
    {"perf_wake_latency", "performance",
     "pipe pairs; p99 wake latency must stay under 250 ms",
     kt_cat_perf_wake_latency, false},
    {"perf_throughput_parity", "performance",
     "identical spinners; throughput CV must stay under 0.25",
     kt_cat_perf_throughput_parity, false},
    {"perf_pinned_no_migration", "performance",
     "workers pinned to one CPU each must never migrate",
     kt_cat_perf_pinned_no_migration, false},
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
