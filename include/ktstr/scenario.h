/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The custom-scenario API: struct kt_ctx (every field of the seed's Ctx),
 * the helpers kt_dfl_wl / kt_setup_cgroups / kt_collect_all /
 * kt_spawn_diverse, the canned scenarios, and the catalog that names them.
 */
#ifndef KTSTR_SCENARIO_H
#define KTSTR_SCENARIO_H

#include <stdatomic.h>
#include <sys/types.h>

#include <ktstr/cgroup.h>
#include <ktstr/check.h>
#include <ktstr/result.h>
#include <ktstr/topo.h>
#include <ktstr/workload.h>

struct kt_ctx {
	const struct kt_cgroup_ops *cgroups;
	const struct kt_topo *topo;
	uint64_t duration;	     /* ns: the scenario's wall-clock budget */
	unsigned workers_per_cgroup; /* default worker count per cgroup */
	pid_t sched_pid; /* 0 under EEVDF (no userspace scheduler) */
	uint64_t settle; /* ns to wait after creating cgroups */
	const struct kt_work_type *work_type_override; /* NULL = none */
	struct kt_assert assert; /* merged defaults -> scheduler -> test */
	bool wait_for_map_write;
	atomic_ushort *current_step; /* 0 baseline, N while step N runs */
	/* run the full duration even when a worker stalls past its gap
	 * limit (by default the scenario ends at that evidence) */
	bool keep_going;
};

typedef int (*kt_scenario_fn)(const struct kt_ctx *ctx, struct kt_result *res);

/* One workload in one cgroup, as kt_setup_cgroups and friends create. */
struct kt_handle {
	char *cgroup;
	bool has_cpuset;
	struct kt_cpuset cpuset;
	struct kt_workload *wl;
};
struct kt_handles {
	size_t nr;
	struct kt_handle *h;
};

/* A workload config with ctx->workers_per_cgroup workers of SpinWait (or
 * the override). */
struct kt_workload_config kt_dfl_wl(const struct kt_ctx *ctx);

/*
 * Create cgroups cg_0..cg_{n-1} (tracked by *guard, which the caller frees,
 * normally with _cleanup_), spawn wl's workers into each and start them.
 * On failure nothing is left behind.
 */
int kt_setup_cgroups(const struct kt_ctx *ctx, unsigned n,
		     const struct kt_workload_config *wl, struct kt_handles **h,
		     struct kt_cgroup_group **guard);

/*
 * Spawn wl into cgroup `cgroup` (already created; NULL/"" = stay in the
 * current cgroup), optionally recording its cpuset for the isolation
 * check, start it and append it to *h (allocated on first use).
 */
int kt_handles_spawn(const struct kt_ctx *ctx, struct kt_handles **h,
		     const char *cgroup, const struct kt_cpuset *cpuset,
		     const struct kt_workload_config *wl);

/*
 * Stop every workload, collect reports and, when a has worker checks,
 * judge each cgroup into res. With no worker checks res stays as it is
 * (pass). Handles are kept (free with kt_handles_free).
 */
int kt_collect_all(struct kt_handles *h, const struct kt_assert *a,
		   struct kt_result *res);

/*
 * Spawn different work types across the named (existing) cgroups, rotating
 * SpinWait, Bursty 50ms/100ms, IoSyncWrite (always 2 workers), Mixed,
 * YieldHeavy; the others use ctx->workers_per_cgroup workers.
 */
int kt_spawn_diverse(const struct kt_ctx *ctx, const char *const *names,
		     size_t nr, struct kt_handles **h);

void kt_handles_free(struct kt_handles *h); /* kills + reaps; NULL ok */
void kt_handles_freep(struct kt_handles **h);

/*
 * Sleep for ns, returning early when the scheduler dies (-ESRCH), a stop
 * was requested (SIGINT/SIGTERM: -EINTR), or, unless ctx->keep_going, a
 * worker watched by kt_workload_watch_gaps has made no progress for longer
 * than its limit with its vCPU running (-ETIME, the evidence in
 * kt_last_error(); every later hold of the scenario returns -ECANCELED).
 */
int kt_ctx_hold(const struct kt_ctx *ctx, uint64_t ns);
/* A scenario starts: forget that an earlier one ended at a stall. The
 * runners call it (kt_run_scenario, kt_scenario_file_run). */
void kt_scenario_begin(void);
/* Did a hold end this scenario at a stall? */
bool kt_scenario_ended_by_stall(void);
/* When it did (CLOCK_MONOTONIC ns), 0 when it did not. */
uint64_t kt_scenario_stall_at_ns(void);

/*
 * Stop w, collect its reports and, when a has worker checks, judge them
 * into res as cgroup `cgroup` with everything known: its cpuset (NULL:
 * none), the CPUs' idle time around its run, the vCPU probe, and whether
 * a sched_ext scheduler is attached. Failures become INFRA details.
 */
int kt_judge_workload(const struct kt_assert *a, const char *cgroup,
		      struct kt_workload *w, const struct kt_cpuset *cpuset,
		      struct kt_result *res);
/* The platform's delay per wakeup that work conservation forgives
 * (kt_cgroup_evidence.wake_allowance_ns), process-wide; 0 = the default.
 * A guest under TCG sets KT_WAKE_ALLOWANCE_TCG_NS. */
void kt_set_wake_allowance(uint64_t ns);
/* Watch w's workers with a's gap limit while they run (not when a's
 * not_starved is off): see kt_ctx_hold. */
void kt_watch_workload(const struct kt_assert *a, struct kt_workload *w);
/* Is the scheduler (if any) still alive? False once kt_sched_mark_gone()
 * was called, even when its process still runs (an ejected loader). */
bool kt_ctx_sched_alive(const struct kt_ctx *ctx);

/* Canned scenarios. */
int kt_scenario_steady(const struct kt_ctx *ctx, struct kt_result *res);
int kt_scenario_steady_llc(const struct kt_ctx *ctx, struct kt_result *res);
int kt_scenario_oversubscribed(const struct kt_ctx *ctx, struct kt_result *res);
int kt_scenario_mixed_workloads(const struct kt_ctx *ctx,
				struct kt_result *res);
int kt_scenario_cpuset_apply(const struct kt_ctx *ctx, struct kt_result *res);
int kt_scenario_cpuset_clear(const struct kt_ctx *ctx, struct kt_result *res);
int kt_scenario_cgroup_add(const struct kt_ctx *ctx, struct kt_result *res);
int kt_scenario_cgroup_remove(const struct kt_ctx *ctx, struct kt_result *res);

struct kt_scenario {
	const char *name;
	const char *category;
	const char *description;
	kt_scenario_fn fn;
	bool in_default_set; /* run when no names are given */
};

/*
 * The catalog: every scenario the category files of src/lib/catalog/
 * registered, in listing order (the default set, the ops families, then
 * the categories). Built on first use; NULL and *nr = 0 (errno ENOMEM)
 * when out of memory.
 */
const struct kt_scenario *kt_catalog(size_t *nr);
/* By exact name; NULL when no such scenario. */
const struct kt_scenario *kt_catalog_find(const char *name);

/*
 * Run one scenario with ctx, filling res (header included). Sets up nothing
 * itself: ctx->cgroups must be ready. A scenario returning an error becomes
 * an INFRA verdict with the error message.
 */
int kt_run_scenario(const struct kt_scenario *s, const struct kt_ctx *ctx,
		    const char *topo_name, const char *sched_name,
		    struct kt_result *res);

/* Ask running holds to end early (signal-safe). */
void kt_request_stop(void);
bool kt_stop_requested(void);

#endif
