/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The gauntlet: one scheduler change run across many VM variants. A
 * variant is one value of each dimension (topology preset, scheduler
 * flag profile, work-type override, kernel); this header holds the pure
 * planning: the covering order of the variants, the deterministic shards
 * of that order, the cost model of one VM and the budget controller that
 * picks how much of the order fits. `ktstr gauntlet` (src/cli) runs the
 * plan, one `ktstr vm --results DIR` per variant and run.
 */
#ifndef KTSTR_GAUNTLET_H
#define KTSTR_GAUNTLET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ktstr/common.h>

enum kt_gauntlet_dim {
	KT_DIM_PRESET = 0,
	KT_DIM_PROFILE,
	KT_DIM_WORK_TYPE,
	KT_DIM_KERNEL,
	KT_DIM__COUNT,
};
/* "preset", "profile", "work type", "kernel" */
const char *kt_gauntlet_dim_name(enum kt_gauntlet_dim d);

/* One value index per dimension. */
struct kt_variant {
	unsigned idx[KT_DIM__COUNT];
};

/*
 * Every variant of the product of nr[d] values per dimension (each >= 1),
 * in covering order: the first max(nr) variants take value i % nr[d] of
 * each dimension d, so every value of every dimension appears before any
 * variant repeats a value of the largest dimension; then, greedily, the
 * variant that covers the most value pairs of two dimensions not yet seen
 * together (ties: the lowest index in the product), and once every pair
 * is covered the rest in product order. Deterministic: the same nr gives
 * the same order. *out is malloc'd; -EINVAL (nr[d] == 0) or -ENOMEM.
 */
int kt_gauntlet_order(const size_t nr[KT_DIM__COUNT], struct kt_variant **out,
		      size_t *nr_out);

/*
 * Shard k of n (1 <= k <= n) of a list of nr items: the positions i with
 * i % n == k - 1, in order. Every position is in exactly one shard, so N
 * CI jobs split the work without talking to each other, and each shard's
 * prefix is spread over the whole covering order. Writes the positions to
 * pos (room for nr) and returns how many; 0 for a bad k or n.
 */
size_t kt_gauntlet_shard(size_t nr, unsigned k, unsigned n, size_t *pos);
/* Parse "K/N" (1 <= K <= N <= 1000); -EINVAL with a message. */
int kt_gauntlet_shard_parse(const char *text, unsigned *k, unsigned *n);

/*
 * What one VM costs on this host, in seconds of wall time: boot, then
 * per scenario its duration plus a fixed overhead (cgroup setup, settle,
 * teardown, the result). boot_s = boot_base_s + boot_sq_s * cpus^2
 * (measured here under TCG: about 3 s for 1-4 vCPUs, 5.6 s for 8, 14 s
 * for 16; KVM boots in about a second). A gauntlet run measures each VM
 * and feeds it back (kt_vm_cost_learn), stored in the cache.
 */
struct kt_vm_cost {
	double boot_base_s;
	double boot_sq_s;
	double scenario_overhead_s;
	unsigned samples; /* VMs measured into this model; 0 = built in */
};
/* The built-in model for an accelerator: kvm or not. */
struct kt_vm_cost kt_vm_cost_default(bool kvm);
double kt_vm_cost_estimate(const struct kt_vm_cost *c, unsigned cpus,
			   size_t nr_scenarios, double duration_s);
/* Fold one measured VM into c: its boot and the overhead left after its
 * scenarios' own durations (an exponential average, weight 1/4 once a
 * few samples are in). */
void kt_vm_cost_learn(struct kt_vm_cost *c, unsigned cpus, double boot_s,
		      double wall_s, size_t nr_scenarios, double scenario_s);
/* Load the model of accel ("tcg", "kvm") from file, or the built-in one
 * when the file or its entry is missing; 0 or -errno (a broken file). */
int kt_vm_cost_load(const char *file, const char *accel, struct kt_vm_cost *c);
/* Store c as accel's entry of file (atomically, other entries kept). */
int kt_vm_cost_save(const char *file, const char *accel,
		    const struct kt_vm_cost *c);

/*
 * The budget controller: how many items of an ordered list (cost[i]
 * seconds each) fit in budget_s when jobs run at once, each next item
 * starting on the lane that frees first. Returns the longest prefix whose
 * makespan is at most budget_s; *makespan_s gets its makespan.
 */
size_t kt_gauntlet_fit(const double *cost, size_t nr, unsigned jobs,
		       double budget_s, double *makespan_s);
/* Does the prefix of nr variants take every value of every dimension?
 * If not, *dim and *value name the first value missing. */
bool kt_gauntlet_covers(const struct kt_variant *v, size_t nr,
			const size_t nr_values[KT_DIM__COUNT],
			enum kt_gauntlet_dim *dim, unsigned *value);

/* ---- running ---- */

/* One child process of the pool. */
struct kt_pool_job {
	char *const *argv; /* argv[0] is the program */
	const char *log;   /* its stdout and stderr (created / truncated) */
	double estimate_s; /* its expected wall time */
	/* filled by kt_pool_run */
	bool started;
	int exit_code; /* its exit status, 128 + signal when killed */
	double seconds;
};

struct kt_pool_opts {
	unsigned jobs;	 /* at once; 0 = 1 */
	double budget_s; /* 0 = none; else no job starts that would, at
			  * its estimate scaled by how the finished jobs
			  * fared against theirs, end past the budget */
	/* after each job ends (may be NULL) */
	void (*on_done)(struct kt_pool_job *job, size_t i, void *arg);
	void *arg;
};

/*
 * Run the jobs in order, o->jobs at a time. Stops starting jobs at the
 * first that does not fit the budget (the rest keep started = false).
 * SIGINT or SIGTERM stops starting jobs, passes SIGINT to the running
 * ones and waits for them: *interrupted is then set. 0, or -errno when a
 * job could not be started at all (its log or the spawn failed; the
 * running ones are still waited for).
 */
int kt_pool_run(struct kt_pool_job *jobs, size_t nr,
		const struct kt_pool_opts *o, bool *interrupted);

#endif
