/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Workers: forked processes that run one work kind behind a start gate and
 * record telemetry into shared memory (work units, CPU and wall time, the
 * longest gap between checkpoints, migrations, CPUs used, schedstat deltas,
 * wake latency). A kt_workload owns its children: free() kills and reaps.
 */
#ifndef KTSTR_WORKLOAD_H
#define KTSTR_WORKLOAD_H

#include <sys/types.h>

#include <ktstr/common.h>
#include <ktstr/cpuset.h>
#include <ktstr/hist.h>

enum kt_work_kind {
	KT_WORK_SPIN_WAIT = 0, /* spin 1024 units per iteration */
	KT_WORK_YIELD_HEAVY,   /* sched_yield every iteration */
	KT_WORK_MIXED,	       /* 1024 spins then a yield */
	KT_WORK_IO_SYNC_WRITE, /* 16 x 4 KiB writes + fdatasync, 100 us sleep */
	KT_WORK_BURSTY,	       /* spin burst_ns, sleep sleep_ns */
	KT_WORK__COUNT,
};

struct kt_work_type {
	enum kt_work_kind kind;
	union {
		struct {
			uint64_t burst_ns; /* 0 = 50 ms */
			uint64_t sleep_ns; /* 0 = 100 ms */
		} bursty;
	};
};
#define KT_WORK(k) ((struct kt_work_type){.kind = (k)})
#define KT_WORK_BURSTY_OF(b, s)                                                \
	((struct kt_work_type){.kind = KT_WORK_BURSTY,                         \
			       .bursty = {.burst_ns = (b), .sleep_ns = (s)}})

/* "SpinWait", "YieldHeavy", "Mixed", "IoSyncWrite", "Bursty" */
const char *kt_work_kind_name(enum kt_work_kind k);
/* Case-sensitive PascalCase name -> kind; -EINVAL (message lists the names). */
int kt_work_kind_parse(const char *name, enum kt_work_kind *out);
/* Does this kind block voluntarily (and so record wake latency)? */
bool kt_work_kind_blocks(enum kt_work_kind k);

enum kt_policy_kind {
	KT_POLICY_NORMAL = 0,
	KT_POLICY_BATCH,
	KT_POLICY_IDLE,
	KT_POLICY_FIFO,
	KT_POLICY_RR,
};
struct kt_sched_policy {
	enum kt_policy_kind kind;
	int priority; /* 1..99 for FIFO/RR */
};
const char *kt_policy_name(enum kt_policy_kind k);

struct kt_workload_config {
	unsigned num_workers; /* 0 = 1 */
	struct kt_work_type work;
	struct kt_sched_policy policy;
	bool has_affinity; /* pin every worker to .affinity */
	struct kt_cpuset affinity;
	uint64_t stop_deadline_ns; /* SIGKILL stragglers after stop; 0 = 5 s */
};

enum kt_worker_exit {
	KT_WORKER_OK = 0,     /* stopped on request, report complete */
	KT_WORKER_EXITED,     /* exited on its own (exit_code) */
	KT_WORKER_SIGNALED,   /* killed by a signal (exit_signal) */
	KT_WORKER_TIMED_OUT,  /* did not stop before the deadline; killed */
	KT_WORKER_NOT_STARTED /* setup failed before the gate (message) */
};

struct kt_worker_report {
	pid_t tid;
	uint64_t work_units;
	uint64_t iterations;
	uint64_t cpu_time_ns;	/* thread CPU time */
	uint64_t wall_time_ns;	/* from the gate to the stop */
	uint64_t off_cpu_ns;	/* wall - cpu */
	uint64_t max_gap_ns;	/* longest gap between work checkpoints */
	int max_gap_cpu;	/* CPU at the end of that gap */
	uint64_t max_gap_at_ns; /* offset from start where the gap began */
	uint64_t migrations;	/* CPU changes seen at checkpoints */
	struct kt_cpuset cpus_used;
	uint64_t run_delay_ns; /* schedstat deltas (0 when unavailable) */
	uint64_t run_count;
	uint64_t sched_cpu_ns;
	struct kt_hist wake_latency; /* blocking kinds only */
	enum kt_work_kind kind;
	enum kt_worker_exit exit;
	int exit_code;
	int exit_signal;
	char error[128]; /* setup failure text, "" otherwise */
};

struct kt_workload;

/* Fork num_workers workers; they apply policy and affinity and wait at the
 * gate. Returns 0 or a negative errno with a message. */
int kt_workload_spawn(const struct kt_workload_config *cfg,
		      struct kt_workload **out);
size_t kt_workload_nr(const struct kt_workload *w);
pid_t kt_workload_pid(const struct kt_workload *w, size_t i);
/* Open the gate (harmless when already open). */
int kt_workload_start(struct kt_workload *w);
/* Change worker i's CPU affinity while it runs. */
int kt_workload_set_affinity(struct kt_workload *w, size_t i,
			     const struct kt_cpuset *cpus);
/* Sum of iterations so far over all workers (relaxed read). */
uint64_t kt_workload_iterations(const struct kt_workload *w);
/*
 * Stop every worker (starting them first if needed), wait for them up to
 * the deadline, SIGKILL stragglers, reap everything and return one report
 * per worker (the array belongs to w and lives until kt_workload_free).
 */
int kt_workload_stop_and_collect(struct kt_workload *w,
				 const struct kt_worker_report **reports,
				 size_t *nr);
/* Kill and reap whatever still runs, release shared memory. NULL is fine. */
void kt_workload_free(struct kt_workload *w);
void kt_workload_freep(struct kt_workload **w);

#endif
