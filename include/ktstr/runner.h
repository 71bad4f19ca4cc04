/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Running a list of catalog scenarios in this kernel (host mode, or inside
 * the guest): builds the ctx (topology from sysfs, the real cgroup manager
 * under a parent cgroup), runs each scenario, prints the text report and
 * hands each result to a callback (JSON file, host<->guest channel).
 */
#ifndef KTSTR_RUNNER_H
#define KTSTR_RUNNER_H

#include <stdatomic.h>
#include <stdio.h>

#include <ktstr/check.h>
#include <ktstr/result.h>

struct kt_work_type;

struct kt_sched_run;
struct kt_scenario_file;

/*
 * How long each scenario runs unless told: 2.5 times the default gap
 * limit (2000 ms), so a stall can show within the run; a stalled run
 * ends at the evidence anyway (kt_ctx_hold).
 */
#define KT_RUN_DEFAULT_DURATION_NS KT_SEC(5)

struct kt_run_opts {
	const char *const *names; /* NULL/0 = the default set (unless
				   * there are files) */
	size_t nr_names;
	/* Loaded scenario files (<ktstr/scenario_file.h>), run after the
	 * names, in order. A file's duration_s / workers apply when
	 * duration_ns / workers here are 0. */
	const struct kt_scenario_file *const *files;
	size_t nr_files;
	uint64_t duration_ns;	 /* 0 = KT_RUN_DEFAULT_DURATION_NS */
	unsigned workers;	 /* 0 = 2 per cgroup */
	const char *sysfs_root;	 /* NULL = "/" */
	const char *cgroup_root; /* NULL = "/sys/fs/cgroup" */
	const char *cgroup_name; /* NULL = "ktstr-<pid>" */
	const char *topo_label;	 /* NULL = the shape read from sysfs */
	const char *sched_label; /* NULL = "eevdf" */
	pid_t sched_pid;	 /* 0 = none */
	/* The running scheduler (<ktstr/sched.h>; NULL = none): its pid
	 * becomes ctx.sched_pid; once it died or was ejected, the scenario
	 * that saw it gets the SCHED detail and the rest are not run
	 * (skipped: "scheduler gone"). */
	struct kt_sched_run *sched;
	const struct kt_assert *sched_assert; /* scheduler layer or NULL */
	FILE *report;			      /* text reports (NULL = stdout) */
	/* Called before each scenario with its name; may be NULL. */
	void (*on_start)(const char *name, void *arg);
	/* Called after each scenario with its result; may be NULL. */
	void (*on_result)(const struct kt_result *r, void *arg);
	void *arg;
	bool keep_going; /* run every scenario its full duration */
	/* ctx.work_type_override: replaces the work of swappable cgroups
	 * (the gauntlet's work-type dimension); NULL = none */
	const struct kt_work_type *work_type;
	/* ctx.current_step of every scenario (0 baseline, N in step N), for
	 * a caller that publishes it (the guest's monitor mark); NULL = the
	 * runner's own */
	atomic_ushort *current_step;
};

/*
 * Validate the names first (unknown -> -EINVAL, message lists `ktstr
 * list`), check cgroup support (-EOPNOTSUPP), then run. *worst gets the
 * worst verdict. Returns 0 when everything ran (whatever the verdicts).
 */
int kt_run_scenarios(const struct kt_run_opts *o, enum kt_verdict *worst);

/*
 * The harness's footing in the kernel under test, for as long as a run
 * lasts (nested begin/end pairs share one):
 *   - the calling thread, and every thread it creates later, runs
 *     SCHED_FIFO (reset on fork: workers and the scheduler under test
 *     start as normal tasks), so a scheduler that stops running tasks
 *     cannot stop the harness from seeing it and ending the run;
 *   - the vCPU probe (one SCHED_FIFO thread per CPU) tells host stalls
 *     from the scheduler's.
 * Neither is required: without CAP_SYS_NICE a warning goes to warn (may be
 * NULL) and the run goes on as before.
 */
void kt_harness_begin(FILE *warn);
void kt_harness_end(void);
/*
 * Before kt_harness_begin: watch every vCPU with one probe thread instead
 * of one per vCPU. For single-threaded TCG, where one host thread runs the
 * vCPUs in turn (they stall together) and a wake costs its vCPU about a
 * millisecond of emulation.
 */
void kt_harness_shared_probe(bool shared);

#endif
