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
	KT_WORK_PIPE_IO,       /* spin burst, 1-byte pipe exchange (pairs) */
	KT_WORK_FUTEX_PING_PONG, /* spin, hand a futex turn to the partner */
	KT_WORK_FUTEX_FAN_OUT,	 /* 1 messenger wakes fan_out receivers */
	KT_WORK_CACHE_PRESSURE,	 /* strided read-modify-write of a buffer */
	KT_WORK_CACHE_YIELD,	 /* cache pressure, then yield */
	KT_WORK_CACHE_PIPE,	 /* cache burst, then pipe exchange (pairs) */
	KT_WORK_FAN_OUT_COMPUTE, /* messenger wakes; receivers sleep + matmul */
	KT_WORK_FORK_EXIT,	 /* fork a child that exits, waitpid */
	KT_WORK_NICE_SWEEP,	 /* spin, step the nice value, yield */
	KT_WORK_AFFINITY_CHURN,	 /* spin, pin to a random allowed CPU, yield */
	KT_WORK_POLICY_CHURN,	 /* spin, switch scheduling policy, yield */
	KT_WORK_PAGE_FAULT_CHURN, /* write-fault random pages, MADV_DONTNEED */
	KT_WORK_MUTEX_CONTENTION, /* futex mutex shared by the group */
	KT_WORK_SEQUENCE,	  /* phases of spin/sleep/yield/io, in a loop */
	KT_WORK_CUSTOM,		  /* a user function owns the loop */
	KT_WORK_MESSAGE_WORKER,	  /* schbench-like: requests, p99 latency */
	KT_WORK_RT_INTERFERENCE,  /* FIFO bursts among normal spinners */
	KT_WORK_MEM_BANDWIDTH,	  /* stream reads + writes over a big buffer */
	KT_WORK__COUNT,
};

/* Sequence phases: each runs for ns, then the next; the list loops. */
enum kt_phase_kind {
	KT_PHASE_SPIN = 0, /* spin (1024 units per checkpoint) */
	KT_PHASE_SLEEP,	   /* one sleep of ns (a voluntary block) */
	KT_PHASE_YIELD,	   /* sched_yield in a loop (1 unit per yield) */
	KT_PHASE_IO,	   /* IoSyncWrite rounds (16 units per round) */
	KT_PHASE__COUNT,
};
struct kt_phase {
	enum kt_phase_kind kind;
	uint64_t ns;
};
#define KT_SEQ_MAX_PHASES 16

struct kt_worker_ctx;
struct kt_mem_policy;
/*
 * A Custom work function runs inside the worker after the gate and owns its
 * loop: it returns when kt_worker_stopping() says so (0), or early with a
 * negative errno (the worker then reports KT_WORKER_EXITED). It reports its
 * work with kt_worker_checkpoint() so the telemetry still works.
 */
typedef int (*kt_custom_fn)(const struct kt_worker_ctx *wctx, void *arg);

/*
 * A work type. Zero parameters take the defaults shown, so KT_WORK(kind)
 * is every kind with its defaults (Sequence and Custom need their _OF()).
 */
struct kt_work_type {
	enum kt_work_kind kind;
	union {
		struct {
			uint64_t burst_ns; /* 0 = 50 ms */
			uint64_t sleep_ns; /* 0 = 100 ms */
		} bursty;
		struct {
			uint32_t burst_iters; /* 0 = 1024 */
		} pipe_io;
		struct {
			uint32_t spin_iters; /* 0 = 1024 */
		} futex_ping_pong;
		struct {
			uint32_t size_kb; /* 0 = 32 */
			uint32_t stride;  /* bytes; 0 = 64 */
		} cache;		  /* CachePressure and CacheYield */
		struct {
			uint32_t size_kb;     /* 0 = 32 */
			uint32_t burst_iters; /* 0 = 1024 */
		} cache_pipe;
		struct {
			uint32_t fan_out;    /* receivers; 0 = 4 */
			uint32_t spin_iters; /* 0 = 1024 */
		} futex_fan_out;
		struct {
			uint32_t fan_out;	     /* receivers; 0 = 4 */
			uint32_t cache_footprint_kb; /* 0 = 256 */
			uint32_t operations;	     /* matmuls; 0 = 5 */
			uint32_t sleep_usec;	     /* 0 = 100 */
		} fan_out_compute;
		struct {
			uint32_t spin_iters; /* 0 = 1024 */
		} affinity_churn;
		struct {
			uint32_t spin_iters; /* 0 = 1024 */
		} policy_churn;
		struct {
			uint32_t region_kb;	    /* 0 = 4096 */
			uint32_t touches_per_cycle; /* 0 = 256 */
			uint32_t spin_iters;	    /* per touch; 0 = 64 */
		} page_fault_churn;
		struct {
			uint32_t contenders; /* group size; 0 = 4 */
			uint32_t hold_iters; /* 0 = 256 */
			uint32_t work_iters; /* 0 = 1024 */
		} mutex_contention;
		struct {
			unsigned nr; /* 1..KT_SEQ_MAX_PHASES */
			struct kt_phase phases[KT_SEQ_MAX_PHASES];
		} sequence;
		struct {
			const char *name; /* for messages; NULL = "custom" */
			kt_custom_fn fn;
			void *arg; /* the worker's copy (fork) */
		} custom;
		struct {
			uint32_t fan_out; /* workers per messenger; 0 = 4 */
			uint32_t request_iters; /* spin per request; 0 = 1024 */
			uint32_t sleep_usec; /* messenger's pause; 0 = 1000 */
		} message_worker;
		struct {
			uint32_t rt_members;	 /* SCHED_FIFO members; 0 = 1 */
			uint32_t normal_members; /* 0 = 1 */
			uint32_t burst_iters; /* RT spin per burst; 0 = 256 */
			uint32_t sleep_usec;  /* RT sleep; 0 = 1000 */
			uint32_t rt_priority; /* 1..99; 0 = 10 */
		} rt_interference;
		struct {
			uint32_t size_kb; /* buffer; 0 = 32768 (32 MiB) */
		} mem_bandwidth;
	};
};
#define KT_WORK(k) ((struct kt_work_type){.kind = (k)})
#define KT_WORK_BURSTY_OF(b, s)                                                \
	((struct kt_work_type){.kind = KT_WORK_BURSTY,                         \
			       .bursty = {.burst_ns = (b), .sleep_ns = (s)}})
#define KT_WORK_PIPE_IO_OF(burst)                                              \
	((struct kt_work_type){.kind = KT_WORK_PIPE_IO,                        \
			       .pipe_io = {.burst_iters = (burst)}})
#define KT_WORK_FUTEX_PING_PONG_OF(spin)                                       \
	((struct kt_work_type){.kind = KT_WORK_FUTEX_PING_PONG,                \
			       .futex_ping_pong = {.spin_iters = (spin)}})
#define KT_WORK_CACHE_PRESSURE_OF(kb, str)                                     \
	((struct kt_work_type){.kind = KT_WORK_CACHE_PRESSURE,                 \
			       .cache = {.size_kb = (kb), .stride = (str)}})
#define KT_WORK_CACHE_YIELD_OF(kb, str)                                        \
	((struct kt_work_type){.kind = KT_WORK_CACHE_YIELD,                    \
			       .cache = {.size_kb = (kb), .stride = (str)}})
#define KT_WORK_CACHE_PIPE_OF(kb, burst)                                       \
	((struct kt_work_type){                                                \
	    .kind = KT_WORK_CACHE_PIPE,                                        \
	    .cache_pipe = {.size_kb = (kb), .burst_iters = (burst)}})
#define KT_WORK_FUTEX_FAN_OUT_OF(fan, spin)                                    \
	((struct kt_work_type){                                                \
	    .kind = KT_WORK_FUTEX_FAN_OUT,                                     \
	    .futex_fan_out = {.fan_out = (fan), .spin_iters = (spin)}})
#define KT_WORK_FAN_OUT_COMPUTE_OF(fan, kb, ops, usec)                         \
	((struct kt_work_type){.kind = KT_WORK_FAN_OUT_COMPUTE,                \
			       .fan_out_compute = {.fan_out = (fan),           \
						   .cache_footprint_kb = (kb), \
						   .operations = (ops),        \
						   .sleep_usec = (usec)}})
#define KT_WORK_AFFINITY_CHURN_OF(spin)                                        \
	((struct kt_work_type){.kind = KT_WORK_AFFINITY_CHURN,                 \
			       .affinity_churn = {.spin_iters = (spin)}})
#define KT_WORK_POLICY_CHURN_OF(spin)                                          \
	((struct kt_work_type){.kind = KT_WORK_POLICY_CHURN,                   \
			       .policy_churn = {.spin_iters = (spin)}})
#define KT_WORK_PAGE_FAULT_CHURN_OF(kb, touches, spin)                         \
	((struct kt_work_type){                                                \
	    .kind = KT_WORK_PAGE_FAULT_CHURN,                                  \
	    .page_fault_churn = {.region_kb = (kb),                            \
				 .touches_per_cycle = (touches),               \
				 .spin_iters = (spin)}})
#define KT_WORK_MUTEX_CONTENTION_OF(n, hold, work)                             \
	((struct kt_work_type){.kind = KT_WORK_MUTEX_CONTENTION,               \
			       .mutex_contention = {.contenders = (n),         \
						    .hold_iters = (hold),      \
						    .work_iters = (work)}})
/* One phase of a sequence: KT_PHASE(SLEEP, KT_MS(10)). */
#define KT_PHASE(k, d)                                                         \
	{                                                                      \
		.kind = KT_PHASE_##k, .ns = (d)                                \
	}
/* KT_WORK_SEQUENCE_OF(KT_PHASE(SPIN, KT_MS(5)), KT_PHASE(SLEEP, KT_MS(5))) */
#define KT_WORK_SEQUENCE_OF(...)                                               \
	((struct kt_work_type){                                                \
	    .kind = KT_WORK_SEQUENCE,                                          \
	    .sequence = {.nr = sizeof((struct kt_phase[]){__VA_ARGS__}) /      \
			       sizeof(struct kt_phase),                        \
			 .phases = {__VA_ARGS__}}})
/* fan workers per messenger, request_iters spin units, usec pause */
#define KT_WORK_MESSAGE_WORKER_OF(fan, req, usec)                              \
	((struct kt_work_type){.kind = KT_WORK_MESSAGE_WORKER,                 \
			       .message_worker = {.fan_out = (fan),            \
						  .request_iters = (req),      \
						  .sleep_usec = (usec)}})
/* rt FIFO members and normal ones per group; RT burst units, sleep, prio */
#define KT_WORK_RT_INTERFERENCE_OF(rt, normal, burst, usec, prio)              \
	((struct kt_work_type){.kind = KT_WORK_RT_INTERFERENCE,                \
			       .rt_interference = {.rt_members = (rt),         \
						   .normal_members = (normal), \
						   .burst_iters = (burst),     \
						   .sleep_usec = (usec),       \
						   .rt_priority = (prio)}})
#define KT_WORK_MEM_BANDWIDTH_OF(kb)                                           \
	((struct kt_work_type){.kind = KT_WORK_MEM_BANDWIDTH,                  \
			       .mem_bandwidth = {.size_kb = (kb)}})
#define KT_WORK_CUSTOM_OF(nm, f, a)                                            \
	((struct kt_work_type){                                                \
	    .kind = KT_WORK_CUSTOM,                                            \
	    .custom = {.name = (nm), .fn = (f), .arg = (a)}})

/*
 * PascalCase names: "SpinWait", "YieldHeavy", "Mixed", "IoSyncWrite",
 * "Bursty", "PipeIo", "FutexPingPong", "FutexFanOut", "CachePressure",
 * "CacheYield", "CachePipe", "FanOutCompute", "ForkExit", "NiceSweep",
 * "AffinityChurn", "PolicyChurn", "PageFaultChurn", "MutexContention",
 * "Sequence", "Custom", "MessageWorker", "RtInterference", "MemBandwidth".
 */
const char *kt_work_kind_name(enum kt_work_kind k);
/*
 * Case-sensitive PascalCase name -> kind; -EINVAL (message lists the
 * names). Sequence and Custom need parameters and cannot be parsed.
 */
int kt_work_kind_parse(const char *name, enum kt_work_kind *out);
/* Any kind by its name, Sequence and Custom too (no message);
 * KT_WORK__COUNT for an unknown name or NULL. */
enum kt_work_kind kt_work_kind_by_name(const char *name);
/* Can this kind block voluntarily (and so record wake latency)? Sequence
 * can (sleep/yield/io phases); Custom decides for itself (false). */
bool kt_work_kind_blocks(enum kt_work_kind k);
/*
 * Workers per group: 2 for PipeIo, CachePipe and FutexPingPong; fan_out+1
 * for FutexFanOut, FanOutCompute and MessageWorker; contenders for
 * MutexContention; rt_members + normal_members for RtInterference; 1 for
 * the rest. A workload's worker count must be a multiple of it.
 */
unsigned kt_work_group_size(const struct kt_work_type *w);
/*
 * Validate a work type for nr_workers workers (0 = 1): kind, parameters,
 * and that the count divides into groups. 0 or -EINVAL with a message.
 */
int kt_work_check(const struct kt_work_type *w, unsigned nr_workers);

/*
 * Inside a Custom function (worker process only). wctx is valid for the
 * call; priv is the framework's.
 */
struct kt_worker_ctx {
	size_t index;	   /* this worker's index in its workload */
	size_t nr_workers; /* workers in the workload */
	const char *name;  /* the Custom name */
	void *priv;
};
/* Has the stop been requested? Check it at least every few ms. */
bool kt_worker_stopping(const struct kt_worker_ctx *wctx);
/* units more work done; iteration_end: an outer iteration just finished. */
void kt_worker_checkpoint(const struct kt_worker_ctx *wctx, uint64_t units,
			  bool iteration_end);
/*
 * Bracket a voluntary block (sleep, wait, read): the time between the two
 * calls does not count in the gap, and when record_wake is set it becomes
 * one wake latency sample. block_begin returns the start time for block_end.
 */
uint64_t kt_worker_block_begin(const struct kt_worker_ctx *wctx);
void kt_worker_block_end(const struct kt_worker_ctx *wctx, uint64_t begin_ns,
			 bool record_wake);
/* Say why the function is about to fail (the report's error text). */
void kt_worker_set_error(const struct kt_worker_ctx *wctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The memory policy this worker runs under (already applied to its
 * thread before the gate; kind Default when none was configured). */
const struct kt_mem_policy *
kt_worker_mem_policy(const struct kt_worker_ctx *wctx);

enum kt_policy_kind {
	KT_POLICY_NORMAL = 0,
	KT_POLICY_BATCH,
	KT_POLICY_IDLE,
	KT_POLICY_FIFO,
	KT_POLICY_RR,
	/* SCHED_EXT (7): run by the sched_ext scheduler even when it is in
	 * partial mode (switch_all 0); under EEVDF, or with no BPF scheduler
	 * attached, the kernel runs such a task as a normal one */
	KT_POLICY_EXT,
	/* SCHED_DEADLINE (6): runtime_ns of CPU every period_ns, by
	 * deadline_ns after each period starts (sched_setattr(2)); the
	 * kernel's deadline class ranks above RT, fair and sched_ext, so
	 * a sched_ext scheduler never runs these tasks */
	KT_POLICY_DEADLINE,
	KT_POLICY__COUNT,
};
struct kt_sched_policy {
	enum kt_policy_kind kind;
	int priority; /* 1..99 for FIFO/RR */
	/* Deadline only: runtime <= deadline <= period; deadline 0 =
	 * period (see kt_policy_check for the kernel's limits) */
	uint64_t runtime_ns;
	uint64_t deadline_ns;
	uint64_t period_ns;
};
/* KT_POLICY_DEADLINE_OF(KT_MS(2), 0, KT_MS(10)): 2 ms every 10 ms. */
#define KT_POLICY_DEADLINE_OF(rt, dl, per)                                     \
	((struct kt_sched_policy){.kind = KT_POLICY_DEADLINE,                  \
				  .runtime_ns = (rt),                          \
				  .deadline_ns = (dl),                         \
				  .period_ns = (per)})
/* The kernel's limits for SCHED_DEADLINE parameters (its defaults:
 * runtime >= 2^DL_SCALE ns; kernel.sched_deadline_period_{min,max}_us). */
#define KT_DL_MIN_RUNTIME_NS 1024ULL
#define KT_DL_MIN_PERIOD_NS  KT_US(100)
#define KT_DL_MAX_PERIOD_NS  KT_US(4194304)
/* "Normal", "Batch", "Idle", "Fifo", "RoundRobin", "Ext", "Deadline"; "?"
 * for another value. */
const char *kt_policy_name(enum kt_policy_kind k);
/* Case-sensitive name -> policy; -EINVAL (the message lists the names). */
int kt_policy_parse(const char *name, enum kt_policy_kind *out);
/* Lowercase, as chrt(1) spells them: "normal", "batch", "idle", "fifo",
 * "rr" (a scenario file's {"fifo": PRIO}), "ext"; "?" for another value. */
const char *kt_policy_short_name(enum kt_policy_kind k);
/* Fifo and RoundRobin: real-time, with a priority 1..99. */
bool kt_policy_is_realtime(enum kt_policy_kind k);
/* Fifo, RoundRobin and Deadline: classes above fair and sched_ext, so
 * neither EEVDF nor a sched_ext scheduler under test places these tasks. */
bool kt_policy_above_fair(enum kt_policy_kind k);
/*
 * Validate a policy: a known kind; a priority 1..99 for Fifo/RoundRobin
 * and 0 for the rest; for Deadline runtime <= deadline <= period (deadline
 * 0 = period) within the kernel's limits above, and no deadline values for
 * another kind. 0 or -EINVAL with a message naming the values.
 */
int kt_policy_check(const struct kt_sched_policy *p);

/*
 * Memory policies (set_mempolicy(2), applied by each worker before its
 * gate and read back with get_mempolicy(2)); names as the seed's
 * MemPolicy: "Default" (no call), "Bind", "Preferred", "Interleave",
 * "Local", "PreferredMany", "WeightedInterleave".
 */
enum kt_mempol_kind {
	KT_MPOL_DEFAULT = 0,	     /* no call: the inherited policy */
	KT_MPOL_BIND,		     /* only these nodes */
	KT_MPOL_PREFERRED,	     /* this one node first (one node) */
	KT_MPOL_INTERLEAVE,	     /* page by page over the nodes */
	KT_MPOL_LOCAL,		     /* the node the thread runs on */
	KT_MPOL_PREFERRED_MANY,	     /* these nodes first (5.15+) */
	KT_MPOL_WEIGHTED_INTERLEAVE, /* by the nodes' weights (6.9+) */
	KT_MPOL__COUNT,
};
/* MpolFlags (the kernel's MPOL_F_* mode flags) */
#define KT_MPOL_F_NUMA_BALANCING (1u << 13)
#define KT_MPOL_F_RELATIVE_NODES (1u << 14)
#define KT_MPOL_F_STATIC_NODES	 (1u << 15)
#define KT_MPOL_MAX_NODES	 64
struct kt_mem_policy {
	enum kt_mempol_kind kind;
	uint64_t nodes; /* bit n = NUMA node n */
	unsigned flags; /* KT_MPOL_F_* */
};
/* KT_MEM_POLICY(BIND, 1u << 1): bind to node 1. */
#define KT_MEM_POLICY(k, mask)                                                 \
	((struct kt_mem_policy){.kind = KT_MPOL_##k, .nodes = (mask)})
/* "Default", "Bind", ...; "?" for another value. */
const char *kt_mempol_name(enum kt_mempol_kind k);
/* Case-sensitive name -> kind; -EINVAL (the message lists the names). */
int kt_mempol_parse(const char *name, enum kt_mempol_kind *out);
/* "StaticNodes", "RelativeNodes", "NumaBalancing" -> KT_MPOL_F_*; 0 for
 * an unknown name. */
unsigned kt_mempol_flag_parse(const char *name);
/* Name of one KT_MPOL_F_* bit; NULL for another value. */
const char *kt_mempol_flag_name(unsigned flag);
/*
 * Validate a memory policy for a machine of nr_nodes nodes (0 = do not
 * check node numbers): Bind, Interleave, PreferredMany and
 * WeightedInterleave need nodes, Preferred exactly one, Default and Local
 * none; every node below nr_nodes; Static and Relative not together, and
 * no flag on Default or Local. 0 or -EINVAL with a message.
 */
int kt_mempol_check(const struct kt_mem_policy *m, int nr_nodes);
/* "Bind(0-1)", "Preferred(1)", "Default", ... into buf. */
const char *kt_mempol_str(const struct kt_mem_policy *m, char *buf, size_t len);

struct kt_workload_config {
	unsigned num_workers; /* 0 = 1 */
	struct kt_work_type work;
	struct kt_sched_policy policy;
	bool has_affinity; /* pin every worker to .affinity */
	struct kt_cpuset affinity;
	uint64_t stop_deadline_ns; /* SIGKILL stragglers after stop; 0 = 5 s */
	struct kt_mem_policy mem_policy; /* default: Default (no call) */
	/* Threads mode: the workers are threads of one forked process
	 * (each its own tid, policy, affinity and telemetry; cgroups move
	 * the whole process); false: one process per worker */
	bool threads;
};

enum kt_worker_exit {
	KT_WORKER_OK = 0,     /* stopped on request, report complete */
	KT_WORKER_EXITED,     /* exited on its own (exit_code) */
	KT_WORKER_SIGNALED,   /* killed by a signal (exit_signal) */
	KT_WORKER_TIMED_OUT,  /* did not stop before the deadline; killed */
	KT_WORKER_NOT_STARTED /* setup failed before the gate (message) */
};

/* One gap between work checkpoints (see worker_telemetry's gap rule). */
struct kt_gap {
	uint64_t at_ns;	 /* when it began, offset from the worker's gate */
	uint64_t len_ns; /* 0: no gap recorded in this slot */
	int cpu_from;	 /* CPU at the checkpoint that opened it */
	int cpu_to;	 /* CPU at the checkpoint that closed it */
};
#define KT_REPORT_GAPS 4

/*
 * A worker's lane in the picture of a run (docs/timeline.md), recorded by
 * its telemetry (work/worker_lane.c) at the checkpoints it makes anyway:
 * its thread CPU time per bucket of wall time from the gate (bucket_ns
 * wide: KT_LANE_BUCKET_NS, doubled, with neighbours summed, whenever the
 * run outgrows KT_LANE_BUCKETS buckets), and its longest gaps of at least
 * KT_LANE_MIN_GAP_NS with their CLOCK_MONOTONIC start and end.
 */
#define KT_LANE_BUCKETS	   128
#define KT_LANE_BUCKET_NS  KT_MS(50)
#define KT_LANE_GAPS	   24
#define KT_LANE_MIN_GAP_NS KT_MS(50)
struct kt_lane_gap {
	uint64_t start_ns; /* CLOCK_MONOTONIC in a report; from the */
	uint64_t end_ns;   /* scenario's start in a kt_lane (result.h) */
	int cpu_from;	   /* CPU at the checkpoint that opened it */
	int cpu_to;	   /* CPU at the checkpoint that closed it */
};
struct kt_worker_lane {
	uint64_t bucket_ns;		  /* 0: nothing recorded */
	uint32_t nr_buckets;		  /* buckets touched so far */
	uint32_t nr_gaps;		  /* gaps[] used, in no order */
	uint32_t cpu_us[KT_LANE_BUCKETS]; /* CPU time in each bucket */
	struct kt_lane_gap gaps[KT_LANE_GAPS];
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
	enum kt_policy_kind policy; /* the workload's configured policy */
	bool
	    is_messenger; /* FutexFanOut/FanOutCompute/MessageWorker member 0 */
	enum kt_worker_exit exit;
	int exit_code;
	int exit_signal;
	char error[256]; /* setup failure text, "" otherwise */

	uint64_t gate_ns; /* CLOCK_MONOTONIC when its clocks started */
	/* the longest gaps, longest first (gaps[0] is the max_gap above);
	 * the gap still open when the worker stopped counts too */
	struct kt_gap gaps[KT_REPORT_GAPS];
	/* ran in sched_ext at the gate or at the end (ext.enabled in
	 * /proc/PID/sched): 1 yes, 0 no, -1 unknown (no such field) */
	int ext;
	/* CPU affinity at the end, and whether it differed at the gate */
	struct kt_cpuset cpus_allowed;
	bool affinity_changed;

	/* Live state, read by the harness while the worker runs (relaxed
	 * atomics): the start of the current gap (CLOCK_MONOTONIC; 0 before
	 * the gate), 1 during a voluntary block, the CPU last seen. */
	uint64_t progress_ns;
	uint32_t in_block;
	int32_t cur_cpu;

	/* MessageWorker workers: from the messenger's stamp to the end of
	 * each request (the wake part is in wake_latency) */
	struct kt_hist request_latency;
	/* The process the worker ran in: its own tid with one process per
	 * worker, the shared process in threads mode. */
	pid_t tgid;
	/* The scheduling policy the kernel reported for this thread at the
	 * end (sched_getscheduler: SCHED_*; valid when policy_known) and
	 * the configured deadline parameters (Deadline workers; 0
	 * otherwise). */
	bool policy_known;
	int policy_seen;
	uint64_t dl_runtime_ns;
	uint64_t dl_period_ns;
	/* The configured memory policy, and what get_mempolicy(2) read back
	 * in the worker after setting it (mem_checked: it was read). */
	struct kt_mem_policy mem_policy;
	bool mem_checked;
	int mem_mode_seen;	 /* MPOL_* the kernel reported */
	uint64_t mem_nodes_seen; /* its node mask */
	/* CLOCK_MONOTONIC when the worker (process or thread) began, before
	 * its setup and the gate */
	uint64_t spawn_ns;
	/* Its lane in the run's picture (see struct kt_worker_lane). */
	struct kt_worker_lane lane;
};

struct kt_workload;

/* Fork num_workers workers; they apply policy and affinity and wait at the
 * gate. Returns 0 or a negative errno with a message. */
int kt_workload_spawn(const struct kt_workload_config *cfg,
		      struct kt_workload **out);
size_t kt_workload_nr(const struct kt_workload *w);
pid_t kt_workload_pid(const struct kt_workload *w, size_t i);
/* Did worker i get through its setup to the gate (false: it failed, and
 * its report says why)? */
bool kt_workload_worker_set_up(const struct kt_workload *w, size_t i);
/* Open the gate (harmless when already open). */
int kt_workload_start(struct kt_workload *w);
/* Change worker i's CPU affinity while it runs. */
int kt_workload_set_affinity(struct kt_workload *w, size_t i,
			     const struct kt_cpuset *cpus);
/* Sum of iterations so far over all workers (relaxed read). */
uint64_t kt_workload_iterations(const struct kt_workload *w);
/* Worker i's iterations so far (relaxed read; 0 for a bad index). */
uint64_t kt_workload_worker_iterations(const struct kt_workload *w, size_t i);
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

/* ---- the harness's view while workers run ---- */

/*
 * Watch this workload's workers for gaps longer than limit_ns while it
 * runs (0: do not watch); see kt_workload_open_gaps.
 */
void kt_workload_watch_gaps(struct kt_workload *w, uint64_t limit_ns);

/* A gap still open right now: a watched worker has made no progress for
 * longer than its workload's limit. */
struct kt_open_gap {
	pid_t tid;
	int cpu;	   /* the CPU it was last seen on (-1 unknown) */
	uint64_t start_ns; /* CLOCK_MONOTONIC: its last progress */
	uint64_t len_ns;   /* now - start_ns */
	uint64_t limit_ns; /* its workload's limit */
};
/*
 * The open gaps over every live watched workload (started, not collected):
 * workers past their gate, not in a voluntary block, with no progress for
 * more than the limit at now. Fills at most max; returns how many there are.
 */
size_t kt_workload_open_gaps(uint64_t now, struct kt_open_gap *out, size_t max);

/*
 * After a stall ended a run early: ask every live worker to stop now, give
 * them all one short deadline from this moment (a stuck worker cannot
 * stop) and do not wait for stuck ones to die (they are reaped later), so
 * the verdict comes within a second of the evidence. Process-wide;
 * cleared (false) for the next scenario.
 */
void kt_workload_quick_stop(bool on);

/* An op changed the workers' cpuset or affinity while they ran (the
 * work-conservation check then leaves them out). */
void kt_workload_note_placement_change(struct kt_workload *w);
bool kt_workload_placement_changed(const struct kt_workload *w);

/*
 * Idle time of each CPU between the gate and the stop (/proc/stat), into
 * idle_ns[0..max) indexed by CPU (0 for CPUs absent); *span_ns gets the
 * time between the two readings. -ENODATA when either reading is missing.
 */
int kt_workload_cpu_idle(const struct kt_workload *w, uint64_t *idle_ns,
			 int max, uint64_t *span_ns);

/* Wait up to ns for the stuck workers earlier runs left behind to die and
 * reap them; returns how many are still alive. */
size_t kt_workload_reap_orphans(uint64_t ns);

#endif
