/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Internal to the catalog: what topology a catalog scenario needs, and the
 * prototypes of the catalog scenarios (catalog_<category>.c), which the
 * catalog table in catalog.c names.
 */
#ifndef KTSTR_CATALOG_INTERNAL_H
#define KTSTR_CATALOG_INTERNAL_H

#include <ktstr/ops.h>

/* Minimums a scenario needs from ctx->topo; zero fields ask nothing. */
struct kt_need {
	int llcs;	    /* LLCs */
	int nodes;	    /* NUMA nodes holding CPUs */
	int usable;	    /* usable CPUs (kt_topo_usable) */
	int llc0_usable;    /* usable CPUs in LLC 0 */
	int threads;	    /* SMT threads per core */
	const char *reason; /* optional prefix: what the CPUs are for */
};

/*
 * True when ctx->topo misses one of need's minimums: res is then a SKIP
 * with a reason such as "needs at least 2 LLCs; this topology has 1", and
 * the scenario returns 0 before creating anything.
 */
bool kt_need_skip(const struct kt_ctx *ctx, struct kt_result *res,
		  const struct kt_need *need);
#define KT_NEED(ctx, res, ...)                                                 \
	kt_need_skip((ctx), (res), &(struct kt_need){__VA_ARGS__})

/* An assert that is ctx->assert with over's set fields on top. */
struct kt_assert kt_need_assert(const struct kt_ctx *ctx,
				const struct kt_assert *over);

#define KT_CAT(name)                                                           \
	int kt_cat_##name(const struct kt_ctx *ctx, struct kt_result *res)

/* catalog_basic.c */
KT_CAT(cgroup_steady);
KT_CAT(cgroup_pipe_io);
KT_CAT(cgroup_workload_variety);
KT_CAT(sequence_phases);
/* catalog_cpuset.c */
KT_CAT(cgroup_cpuset_llc_steady);
KT_CAT(cgroup_cpuset_cross_llc_steady);
KT_CAT(cgroup_cpuset_overlap_steady);
KT_CAT(cgroup_partial_cpus_steady);
KT_CAT(cgroup_uneven_steady);
KT_CAT(cgroup_cpuset_numa_steady);
KT_CAT(cgroup_per_cpu);
/* catalog_dynamic.c */
KT_CAT(cgroup_add_midrun);
KT_CAT(cgroup_remove_midrun);
KT_CAT(cgroup_rapid_churn);
KT_CAT(cgroup_exhaust_reuse);
KT_CAT(cgroup_cpuset_apply_midrun);
KT_CAT(cgroup_cpuset_clear_midrun);
KT_CAT(cgroup_cpuset_resize);
KT_CAT(cgroup_cpuset_swap_disjoint);
KT_CAT(cgroup_cpuset_numa_swap);
KT_CAT(cgroup_cpuset_cross_llc_race);
KT_CAT(host_cgroup_contention);
/* catalog_stress.c */
KT_CAT(cgroup_cpuset_oversubscribed);
KT_CAT(fork_exit_churn);
KT_CAT(page_fault_churn);
KT_CAT(mutex_contention_light);
KT_CAT(mutex_contention_heavy);
/* catalog_affinity.c */
KT_CAT(cgroup_affinity_inherit);
KT_CAT(cgroup_affinity_random);
KT_CAT(cgroup_affinity_spanning);
KT_CAT(cgroup_affinity_pinned);
KT_CAT(cgroup_affinity_llc);
KT_CAT(affinity_churn);
/* catalog_sched_class.c */
KT_CAT(sched_batch);
KT_CAT(sched_idle);
KT_CAT(sched_fifo);
KT_CAT(sched_rr);
KT_CAT(sched_mixed);
KT_CAT(nice_sweep);
KT_CAT(policy_churn);
/* catalog_nested.c */
KT_CAT(nested_cgroup_steady);
KT_CAT(nested_cgroup_task_move);
KT_CAT(nested_cgroup_rapid_churn);
KT_CAT(nested_cgroup_cpuset);
KT_CAT(nested_cgroup_imbalance);
/* catalog_interaction.c */
KT_CAT(cache_pressure_imbalance);
KT_CAT(cache_yield_wake_affine);
KT_CAT(cache_pipe_io_compute_imbalance);
KT_CAT(fan_out_wake);
KT_CAT(fan_out_compute);
KT_CAT(futex_ping_pong);
/* catalog_performance.c */
KT_CAT(perf_wake_latency);
KT_CAT(perf_throughput_parity);
KT_CAT(perf_pinned_no_migration);

#endif
