/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Internal state of one ops/steps run, shared by ops_run.c (what the run
 * created, executing ops, setting up defs, tearing down) and steps.c (the
 * order of things, holds, liveness, the timeline).
 */
#ifndef KTSTR_OPS_ENGINE_H
#define KTSTR_OPS_ENGINE_H

#include <ktstr/ops.h>

/* Owner 0 is the backdrop, owner N is step N. */
struct ops_cg {
	char *name;
	unsigned owner;
	bool has_cpuset;
	struct kt_cpuset cpuset;
	/* controller knobs set on it (ops_cgctl.c) and cpu.stat at the
	 * start of the measured window */
	unsigned cpu_weight;
	struct kt_cpu_max cpu_max;
	bool stat_ok;
	struct kt_cg_cpu_stat stat0;
};

struct ops_wl {
	char *cgroup; /* "" = the run's cgroup parent (SpawnHost) */
	unsigned owner;
	bool running;
	/* Isolation is judged against the union of every cpuset the workers
	 * lived under; one period without a cpuset switches it off. */
	bool confined;
	struct kt_cpuset allowed;
	struct kt_workload *wl;
	bool blocks; /* its work kind blocks (no fixed CPU demand) */
};

struct ops_pl; /* a binary payload (ops_payload.c) */

struct ops_run {
	const struct kt_ctx *ctx;
	const struct kt_assert *assert;
	struct kt_result *res;
	uint64_t start_ns;
	unsigned owner; /* who owns what is created now */
	uint64_t seed;	/* RandomSubset affinity draws */
	bool host_note; /* SpawnHost fell back once already */
	size_t nr_cgs;
	struct ops_cg *cgs;
	size_t nr_wls;
	struct ops_wl *wls;
	/* CPU hotplug (ops_hotplug.c): the CPUs this run took offline and
	 * are still offline, and every CPU it ever took offline */
	struct kt_cpuset offline;
	struct kt_cpuset hotplugged;
	size_t nr_pls;
	struct ops_pl *pls;
	uint64_t window_ns; /* start of the controller checks' window */
};

/* Structural checks of one op / def (names, specs): -EINVAL + message. */
int kt_ops_check_op(const struct kt_op *op);
int kt_ops_check_def(const struct kt_cgroup_def *def);

/* Run one op; errors carry the op in their message. */
int kt_ops_run_op(struct ops_run *r, const struct kt_op *op);
/* Create def's cgroup (cpuset, workers started), owned by r->owner. */
int kt_ops_setup_def(struct ops_run *r, const struct kt_cgroup_def *def);
/*
 * End what `owner` made: stop and judge its workers and every worker in
 * its cgroups, then remove its cgroups in reverse creation order. Failures
 * become INFRA details.
 */
void kt_ops_teardown(struct ops_run *r, unsigned owner);
/* Error path: kill every worker, remove every cgroup, free the state. */
void kt_ops_run_free(struct ops_run *r);

/* Effects on a real hierarchy (ops_verify.c); "after" names the cause. */
void kt_ops_verify_exists(struct ops_run *r, const char *name, bool want,
			  const char *after);
void kt_ops_verify_cpuset(struct ops_run *r, const struct ops_cg *cg,
			  const char *after);
void kt_ops_verify_members(struct ops_run *r, const struct ops_wl *w,
			   const char *after);
void kt_ops_verify_affinity(struct ops_run *r, const struct ops_wl *w,
			    const struct kt_affinity_mode *m,
			    const struct kt_cpuset *limit, const char *after);

/*
 * CPU hotplug (ops_hotplug.c). check: the CPUs of every CpuOffline in the
 * scenario exist, can go offline on this kernel, and leave a usable CPU
 * online (-EINVAL + message). run: one CpuOffline / CpuOnline, verified.
 * restore: every CPU r took offline comes back online (failures are INFRA
 * details); safe to call more than once.
 */
int kt_ops_hotplug_check(const struct kt_ctx *ctx, const struct kt_op *ops,
			 size_t nr, struct kt_cpuset *offline);
int kt_ops_hotplug_run(struct ops_run *r, const struct kt_op *op);
void kt_ops_hotplug_restore(struct ops_run *r);
/* The running workers of a cgroup confined to cg now also may use cpus. */
void kt_ops_widen_allowed(struct ops_run *r, const char *cgroup,
			  const struct kt_cpuset *cpus);
/* Binary payloads (ops_payload.c). */
int kt_ops_payload_check(const struct kt_op *op);
/* false (res a SKIP naming it) when op's program is nowhere to be found */
bool kt_ops_payload_fits(const struct kt_op *op, struct kt_result *res);
/* RunPayload in cgroup cg_owner's cgroup, WaitPayload, KillPayload */
int kt_ops_payload_op(struct ops_run *r, const struct kt_op *op,
		      unsigned cg_owner);
/* Stop and judge the running payloads of owner / in cgroup. */
void kt_ops_payload_teardown(struct ops_run *r, unsigned owner);
void kt_ops_payload_stop_cgroup(struct ops_run *r, const char *cgroup);
/* Error path: kill every payload, free the state. */
void kt_ops_payload_free(struct ops_run *r);
/*
 * Cgroup controllers (ops_cgctl.c): write def's knobs to cg (verified by
 * read-back); open the measured window (cpu.stat of every cgroup) once a
 * step's cgroups run, and at its end judge weighted fairness and
 * bandwidth with r->assert's limits.
 */
int kt_ops_apply_ctrl(struct ops_run *r, struct ops_cg *cg,
		      const struct kt_cgroup_def *def);
void kt_ops_ctrl_begin(struct ops_run *r);
void kt_ops_ctrl_end(struct ops_run *r);

/* BPF map writes (ops_map_write.c). check: a WriteMap with no scheduler
 * to write to (EEVDF) is an error (-EINVAL) before anything runs. run:
 * apply it, recorded in the result with the step. */
int kt_ops_map_writes_check(const struct kt_ctx *ctx,
			    const struct kt_backdrop *bd,
			    const struct kt_steps *steps);
int kt_ops_map_write_run(struct ops_run *r, const struct kt_op *op);

unsigned kt_ops_nr_cgroups(const struct ops_run *r);
unsigned kt_ops_nr_workers(const struct ops_run *r); /* running ones */
uint64_t kt_ops_iterations(const struct ops_run *r); /* all so far */

#endif
