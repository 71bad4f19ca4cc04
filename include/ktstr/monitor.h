/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The host-side monitor (docs/monitor.md): while a VM runs, ktstr reads
 * each vCPU's runqueue out of the guest's RAM (shared with QEMU) about
 * every 100 ms, with no help from the guest's userspace: nr_running,
 * sched_ext's nr_running, the rq clock, the context switch count and the
 * current task's pid and comm, each sample stamped with the scenario and
 * step the guest had published. A stall detector runs over the samples,
 * a summary per scenario goes into the report, and optional kt_assert
 * limits (max_queue_depth, max_imbalance_ratio, fail_on_stall) turn a
 * scenario's verdict FAIL with a "monitor" detail.
 */
#ifndef KTSTR_MONITOR_H
#define KTSTR_MONITOR_H

#include <stdio.h>

#include <ktstr/common.h>

struct kt_assert;
struct kt_result;

#define KT_MONITOR_INTERVAL_NS KT_MS(100)
/*
 * Stall limits. A CPU's rq clock advances at every tick (4 ms at the
 * cloud kernel's HZ=250) while it has runnable tasks, and any working
 * scheduler switches a CPU with two runnable tasks within a slice (EEVDF
 * about 3 ms, sched_ext's default 20 ms). Under single-threaded TCG a
 * busy vCPU waits for its turn up to (vCPUs - 1) x 100 ms (QEMU's kick
 * period), longer on a loaded host: 2 s is several times that at 4
 * vCPUs, and it is the guest's own gap limit (KT_DEFAULT_MAX_GAP_NS). A
 * stall also needs the rest of the guest to have run meanwhile (the
 * other CPUs' rq clocks advanced by at least half the limit), so a QEMU
 * the host did not run is not taken for a stall.
 */
#define KT_MONITOR_STALL_MS 2000

/* One CPU at one sampling tick. */
struct kt_monitor_sample {
	uint64_t t_ms; /* host time since QEMU started */
	uint32_t cpu;
	uint32_t nr_running;	 /* rq->nr_running */
	uint32_t scx_nr_running; /* rq->scx.nr_running */
	int32_t pid;		 /* rq->curr->pid (0: the idle task) */
	uint64_t clock;		 /* rq->clock, ns */
	uint64_t nr_switches;	 /* rq->nr_switches */
	char comm[16];		 /* rq->curr->comm */
	uint16_t step;		 /* the guest's current_step */
	int16_t scenario;	 /* index into kt_monitor.scenarios, -1: none */
};

enum kt_monitor_stall_kind {
	/* rq->clock did not move while the CPU had runnable tasks */
	KT_MONITOR_CLOCK_FROZEN,
	/* the same task stayed current, with no more than a kernel
	 * thread's brief preemption (at most 2 switches a tick), while
	 * others were runnable on that CPU */
	KT_MONITOR_TASK_HOG,
	/* the CPU stayed idle (its idle task current) while tasks were
	 * runnable on it: a sched_ext scheduler that stopped dispatching
	 * holds them in its queues while the CPU idles and ticks */
	KT_MONITOR_IDLE_RUNNABLE,
};
const char *kt_monitor_stall_kind_name(enum kt_monitor_stall_kind k);

struct kt_monitor_stall {
	enum kt_monitor_stall_kind kind;
	uint32_t cpu;
	uint64_t start_ms, end_ms; /* first and last sample of the stall */
	int32_t pid;		   /* the current task */
	char comm[16];
	uint32_t nr_running; /* at the last sample */
	uint16_t step;
	int16_t scenario;
};

struct kt_monitor_params {
	uint64_t stall_ms; /* 0 = KT_MONITOR_STALL_MS */
};

/*
 * The stalls in samples (nr of them, in tick order: every tick has one
 * sample per CPU 0..nr_cpus-1). *out (free()) gets one entry per stall
 * (a stall that goes on is one entry, to its last sample). 0 or -ENOMEM.
 */
int kt_monitor_detect(const struct kt_monitor_sample *samples, size_t nr,
		      unsigned nr_cpus, const struct kt_monitor_params *p,
		      struct kt_monitor_stall **out, size_t *nr_out);

/* One scenario's samples summed up. */
struct kt_monitor_summary {
	unsigned ticks; /* sampling ticks stamped with it */
	unsigned nr_cpus;
	uint32_t max_depth[256];  /* per CPU: the most nr_running seen */
	double mean_depth[256];	  /* per CPU: mean nr_running */
	uint32_t max_queue_depth; /* over CPUs */
	/* max over CPUs of mean_depth / min over CPUs of it; a CPU with no
	 * runnable task in any sample counts as 1/ticks (one task seen once)
	 * so the ratio stays finite; 1.0 with no samples */
	double imbalance;
	unsigned stalls; /* stall events that began in it */
};
/* The summary of scenario index sc (-1: samples outside any scenario). */
void kt_monitor_summarize(const struct kt_monitor_sample *samples, size_t nr,
			  unsigned nr_cpus, int sc,
			  const struct kt_monitor_stall *stalls,
			  size_t nr_stalls, struct kt_monitor_summary *out);

/* What a VM run's monitor gathered (struct kt_vm_result's monitor). */
struct kt_monitor {
	bool enabled;	       /* it sampled (or tried to) */
	char reason[256];      /* why it is off or stopped; "" */
	char symbols_from[32]; /* "System.map" or "guest kallsyms" */
	unsigned nr_cpus;
	uint64_t interval_ms;
	uint64_t first_ms, last_ms; /* the first and last tick sampled */
	uint64_t host_cpu_ns;	    /* the sampler thread's own CPU time */
	size_t nr_samples;
	struct kt_monitor_sample *samples;
	size_t nr_scenarios;
	char **scenarios; /* names the guest published, in order */
	size_t nr_stalls;
	struct kt_monitor_stall *stalls;
};
void kt_monitor_free(struct kt_monitor *m);
/* The index of a scenario name in m->scenarios, or -1. */
int kt_monitor_scenario_index(const struct kt_monitor *m, const char *name);
/* Sampling ticks per second per CPU over the sampled span (0: < 2). */
double kt_monitor_rate(const struct kt_monitor *m);

/* The text lines of one scenario (nothing when it has no samples). */
void kt_monitor_print(const struct kt_monitor *m, const char *scenario,
		      FILE *out);
/*
 * Apply a's monitor limits (max_queue_depth, max_imbalance_ratio,
 * fail_on_stall; unset = off) to the scenario res names: each one passed
 * adds a "monitor" detail (FAIL). Returns 0 or -ENOMEM.
 */
int kt_monitor_judge(const struct kt_monitor *m, const struct kt_assert *a,
		     struct kt_result *res);
/* {enabled, reason, symbols_from, cpus, interval_ms, rate_per_cpu,
 * host_cpu_ms,
 * stalls: [...], scenarios: [{name, ticks, max_depth: [...], ...}],
 * samples: [{t_ms, step, scenario, cpus: [[nr, scx_nr, clock, pid, comm,
 * nr_switches], ...]}]} */
struct json_t *kt_monitor_to_json(const struct kt_monitor *m);

#endif
