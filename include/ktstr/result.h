/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kt_result: the verdict of one scenario with its evidence (one detail per
 * violation, one stats line per cgroup), merge rules (the worst wins), the
 * text report, the JSON form of a result and of a kt_assert layer
 * (jansson values, see struct json_t in common.h).
 */
#ifndef KTSTR_RESULT_H
#define KTSTR_RESULT_H

#include <stdio.h>

#include <ktstr/common.h>
#include <ktstr/workload.h>

/* Ordered from best to worst: merging keeps the larger. */
enum kt_verdict {
	KT_VERDICT_PASS = 0,
	KT_VERDICT_SKIP, /* could not run here (reason in skip_reason) */
	/* the evidence cannot decide (the vCPUs were not running, or the
	 * scheduler under test ran none of the workers): never a pass, not a
	 * failure of the scheduler either */
	KT_VERDICT_INCONCLUSIVE,
	KT_VERDICT_FAIL,  /* a check failed */
	KT_VERDICT_SCHED, /* the scheduler died or was ejected */
	KT_VERDICT_INFRA, /* the harness, VM or kernel failed */
	KT_VERDICT__COUNT,
};
/* "pass", "skip", "inconclusive", ...; "unknown" out of range. */
const char *kt_verdict_name(enum kt_verdict v);
/* The verdict of a name, or -1. */
int kt_verdict_parse(const char *name);
/* Process exit code for a verdict (0, 4, 5, 1, 1, 3). */
int kt_verdict_exit_code(enum kt_verdict v);

enum kt_detail_kind {
	KT_DETAIL_STARVED,
	KT_DETAIL_UNFAIR,
	KT_DETAIL_STUCK,
	KT_DETAIL_ISOLATION,
	KT_DETAIL_THROUGHPUT,
	KT_DETAIL_WAKE_LATENCY,
	KT_DETAIL_MIGRATION,
	KT_DETAIL_WORKER,    /* a worker crashed or never started */
	KT_DETAIL_SCHEDULER, /* scheduler death / ejection */
	KT_DETAIL_INFRA,
	KT_DETAIL_NOTE, /* informational, does not change the verdict */
	/* workers sat runnable while CPUs they may use were idle (FAIL) */
	KT_DETAIL_CONSERVATION,
	/* a gap the vCPUs' unavailability explains (INCONCLUSIVE) */
	KT_DETAIL_HOST_STALL,
	/* the scheduler under test ran none of a cgroup's workers
	 * (INCONCLUSIVE) */
	KT_DETAIL_COVERAGE,
	/* a sched_ext event counter over its kt_assert limit (FAIL) */
	KT_DETAIL_EXT_EVENTS,
	/* a binary payload failed: non-zero exit (with its output's tail),
	 * a metric outside its bound, output without its metrics (FAIL) */
	KT_DETAIL_PAYLOAD,
	/* the host monitor's samples broke a kt_assert limit
	 * (<ktstr/monitor.h>: queue depth, imbalance, a stall) (FAIL) */
	KT_DETAIL_MONITOR,
	KT_DETAIL__COUNT,
};
const char *kt_detail_kind_name(enum kt_detail_kind k);

struct kt_detail {
	enum kt_detail_kind kind;
	char *msg;
};

struct kt_cgroup_stats {
	char *cgroup;
	unsigned workers;
	unsigned cpus; /* distinct CPUs the workers ran on */
	double min_off_cpu_pct;
	double max_off_cpu_pct;
	/* the share of their run workers sat runnable (schedstat run delay) */
	double min_wait_pct;
	double max_wait_pct;
	/* what fairness was judged on: the spread of off-CPU%, or of wait%
	 * when the cgroup's workers block by design (sleep, I/O, pipes) */
	double spread_pct;
	bool spread_on_wait;
	uint64_t max_gap_ns;
	uint64_t total_work_units;
	uint64_t total_iterations;
	uint64_t total_migrations;
	double migration_ratio;
	double throughput_cv;
	uint64_t p99_wake_latency_ns; /* 0 when no samples */
	uint64_t wake_samples;
	/* work conservation: the provable time the workers sat runnable
	 * while a CPU they may use was idle, and its share of their run
	 * time (0 when not measured) */
	uint64_t idle_wait_ns;
	double idle_wait_pct;
	/* coverage, with a sched_ext scheduler attached: workers that ran
	 * in sched_ext, of those that could (non-RT); 0 of 0 otherwise */
	unsigned ext_workers;
	unsigned ext_eligible;
	/* the median wake latency; MessageWorker's request latency (from
	 * the messenger's stamp to the end of the request), 0 without
	 * samples */
	uint64_t p50_wake_latency_ns;
	uint64_t p50_request_latency_ns;
	uint64_t p99_request_latency_ns;
	uint64_t request_samples;
};

/* One stimulus event of an ops/steps scenario (see ops.h). */
struct kt_timeline_event {
	uint64_t elapsed_ms; /* since the scenario started */
	char *label;	     /* "ScenarioStart", "StepStart[1]", ... */
	unsigned step;	     /* 0 = before step 1, N = step N */
	uint32_t op_mask;    /* bit k set: op kind k ran (enum kt_op_kind) */
	char *ops;	     /* those kinds by name: "AddCgroup,SetCpuset" */
	unsigned cgroups;    /* cgroups alive after the event */
	unsigned workers;    /* workers running after the event */
	uint64_t iterations; /* worker iterations so far (all workers) */
};

/* How the vCPUs fared during a scenario (the vCPU probe, /proc/stat). */
struct kt_host_stalls {
	bool measured;		 /* a vCPU probe ran */
	unsigned cpus;		 /* CPUs it watched */
	uint64_t span_ns;	 /* the scenario's run */
	uint64_t unavailable_ns; /* vCPUs not running, summed over CPUs */
	uint64_t longest_ns;	 /* the longest single window */
	int longest_cpu;	 /* its CPU (-1: none) */
	uint64_t steal_ns;	 /* /proc/stat steal, summed over CPUs */
};

/* How much one sched_ext event counter grew during a scenario. */
struct kt_ext_event_delta {
	char *name; /* "SELECT_CPU_FALLBACK" */
	uint64_t delta;
};

/*
 * One worker as the result shows it: who it was (tid, and the process it
 * ran in: its own, or the shared one in threads mode), the policies it
 * was given and what the kernel reported for its thread, and the
 * measured share a Deadline worker got. Strings are "" when not set.
 */
struct kt_worker_entry {
	char cgroup[64];
	int tid;
	int tgid;
	char policy[16];       /* configured (kt_policy_name) */
	int policy_seen;       /* SCHED_* at its end (sched_getscheduler); -1 */
	char cpus_allowed[64]; /* its affinity at the end ("0-3") */
	uint64_t cpu_time_ns;
	uint64_t wall_time_ns;
	uint64_t work_units;
	uint64_t dl_runtime_ns; /* Deadline: reserved per period */
	uint64_t dl_period_ns;
	uint64_t dl_got_ns;  /* Deadline: CPU time per period, measured */
	char mem_policy[80]; /* configured ("Bind(1)"); "" = Default */
	char mem_seen[80];   /* get_mempolicy in the worker; "" = not read */
	uint64_t gate_ns;    /* CLOCK_MONOTONIC when it started working */
	uint64_t spawn_ns;   /* CLOCK_MONOTONIC when it began (before setup) */
};

/* One metric a binary payload's output gave (<ktstr/payload.h>). */
struct kt_result_metric {
	char *payload; /* the payload's name: "stress" */
	char *name;    /* "cpu.bogo_ops_s", "latency_p99_us" */
	char *unit;    /* "bogo-ops/s", "us" */
	double value;
	bool higher_is_better; /* compare's direction */
};

/*
 * A sched_ext debug dump (the kernel's scx_dump_state: the exit reason and
 * backtrace, the scheduler's own ops.dump lines, each CPU's state with its
 * tasks, the event counters), as the evidence of a result. Bounded: at
 * most KT_DUMP_MAX_LINES lines and KT_DUMP_MAX_BYTES of text; the lines
 * past the bound are counted, not kept (the kernel puts the exit CPU
 * first for the same reason). docs/dumps.md.
 */
#define KT_DUMP_MAX_BYTES	 (64 * 1024)
#define KT_DUMP_MAX_LINES	 2000
#define KT_DUMP_MAX_PER_RESULT	 4
#define KT_DUMP_TRIGGER_EJECTION "ejection" /* the kernel's error exit */
#define KT_DUMP_TRIGGER_SYSRQ	 "SysRq-D"  /* ktstr asked at the evidence */
struct kt_result_dump {
	char *trigger;	 /* KT_DUMP_TRIGGER_*, or what the kernel named */
	char *reason;	 /* why it was taken (the evidence, the exit reason) */
	char *source;	 /* "tracepoint" or "loader" (its DEBUG DUMP block) */
	char *text;	 /* the lines, each ending in '\n'; never NULL */
	size_t nr_lines; /* lines in text */
	size_t dropped_lines; /* lines past the bound, not in text */
};

/*
 * One BPF map write applied to the scheduler under test (<ktstr/map_write.h>):
 * the map found, the bytes written, what they held before and when
 * (CLOCK_MONOTONIC, comparable with the workers' gate_ns).
 */
struct kt_map_write_record {
	char map[32];	 /* the kernel's map name ("scx_ktstr.bss") */
	uint32_t map_id; /* its id */
	uint32_t key;
	char field[64]; /* "" = written by offset */
	uint32_t offset;
	unsigned width;
	uint64_t old_value;
	uint64_t value;
	uint64_t at_ns;	  /* CLOCK_MONOTONIC of the write */
	unsigned step;	  /* 0: declared (before the scenario); N: WriteMap
			     in step N */
	bool before_work; /* applied before the scenario's first worker
			     (wait_for_map_write) */
};

/*
 * The picture of a run (docs/timeline.md): one lane per judged worker and
 * the moments to mark, every time in ns from the scenario's start.
 */
struct kt_lane {
	char cgroup[64];
	unsigned idx; /* the worker's index in its cgroup */
	int tid;
	uint64_t start_ns; /* its gate */
	uint64_t end_ns;   /* its stop */
	uint64_t bucket_ns;
	unsigned nr_buckets;
	/* on-CPU share of each bucket (of its part before end_ns), 0-1000 */
	uint16_t on_cpu_pm[KT_LANE_BUCKETS];
	unsigned nr_gaps;
	struct kt_lane_gap gaps[KT_LANE_GAPS]; /* by start */
	uint64_t gap_limit_ns; /* its cgroup's max_gap (0: not known) */
};
/* A window in which a vCPU did not run (the vCPU probe). */
struct kt_lane_stall {
	int cpu; /* -1: every vCPU (one shared probe under TCG) */
	uint64_t start_ns;
	uint64_t end_ns;
};
#define KT_LANE_STALLS_MAX 512
/* What the verdict moment is. */
enum kt_verdict_at {
	KT_VERDICT_AT_END = 0,	 /* the checks judged the whole run */
	KT_VERDICT_AT_EVIDENCE,	 /* the run ended at a stall's evidence */
	KT_VERDICT_AT_SCHEDULER, /* the scheduler died or was ejected */
};
struct kt_lanes {
	bool recorded;	 /* a runner timed the scenario */
	uint64_t end_ns; /* the scenario's end */
	uint64_t verdict_ns;
	enum kt_verdict_at verdict_at;
	bool sched_gone; /* the scheduler went at sched_gone_ns */
	uint64_t sched_gone_ns;
	bool stalls_measured;  /* a vCPU probe ran */
	bool stalls_truncated; /* more windows than were kept */
	size_t nr_stalls;
	struct kt_lane_stall *stalls;
	size_t nr;
	struct kt_lane *v;
	/* where the ops engine's clock starts, from the scenario's start: a
	 * timeline event at elapsed_ms is at steps_offset_ns + elapsed_ms */
	uint64_t steps_offset_ns;
};

struct kt_result {
	enum kt_verdict verdict;
	char *scenario;
	char *topo;	 /* e.g. "1n2l4c1t" */
	char *scheduler; /* "eevdf" or the scheduler name */
	char *skip_reason;
	uint64_t duration_ns; /* wall time of the run */
	size_t nr_details;
	struct kt_detail *details;
	size_t nr_stats;
	struct kt_cgroup_stats *stats;
	size_t nr_timeline; /* ops/steps scenarios only */
	struct kt_timeline_event *timeline;
	struct kt_host_stalls host;
	size_t nr_ext_events; /* a sched_ext scheduler was attached */
	struct kt_ext_event_delta *ext_events;
	size_t nr_workers; /* one entry per judged worker */
	struct kt_worker_entry *workers;
	size_t nr_metrics; /* binary payloads' metrics, in parse order */
	struct kt_result_metric *metrics;
	size_t nr_dumps; /* sched_ext debug dumps taken during the scenario */
	struct kt_result_dump *dumps;
	size_t nr_map_writes; /* BPF map writes applied, in order */
	struct kt_map_write_record *map_writes;
	struct kt_lanes lanes; /* the picture of the run */
	/* The evidence moment (CLOCK_MONOTONIC of the machine that ran the
	 * scenario; 0 = none recorded, use the scenario's end): the end of
	 * the gap that failed, or when the scheduler's end was noticed;
	 * evidence_from_ns is where that evidence began (the gap's start, 0
	 * = at_ns), evidence_tid the worker it is about (0 = none). The
	 * first one recorded wins (kt_result_set_evidence). */
	uint64_t evidence_ns;
	uint64_t evidence_from_ns;
	int evidence_tid;
};

void kt_result_init(struct kt_result *r);
void kt_result_free(struct kt_result *r); /* frees members, not r */
/* Set header fields (copies; NULL leaves a field alone). */
int kt_result_set_header(struct kt_result *r, const char *scenario,
			 const char *topo, const char *scheduler);
/* Add a detail; every kind but NOTE raises the verdict to at least FAIL
 * (SCHEDULER -> SCHED, INFRA -> INFRA). */
int kt_result_add(struct kt_result *r, enum kt_detail_kind kind,
		  const char *fmt, ...) KT_PRINTF(3, 4);
int kt_result_add_stats(struct kt_result *r, const struct kt_cgroup_stats *s);
/* Append a timeline event (label and ops are copied; NULL = ""). */
int kt_result_add_event(struct kt_result *r,
			const struct kt_timeline_event *ev);
/* Append one worker entry (copied). */
int kt_result_add_worker(struct kt_result *r, const struct kt_worker_entry *e);
/* Append one event counter's growth (name copied). */
int kt_result_add_ext_event(struct kt_result *r, const char *name,
			    uint64_t delta);
/* Append one payload metric (strings copied). */
int kt_result_add_metric(struct kt_result *r, const char *payload,
			 const char *name, const char *unit, double value,
			 bool higher_is_better);
/* The value of payload's metric name, or NULL. */
const struct kt_result_metric *kt_result_metric(const struct kt_result *r,
						const char *payload,
						const char *name);
/* A new empty dump (strings copied; NULL = ""); free with
 * kt_result_dump_free. NULL when out of memory. */
struct kt_result_dump *
kt_result_dump_new(const char *trigger, const char *reason, const char *source);
/* Append one line (without its '\n') within the bound: past it the line
 * only counts in dropped_lines. -ENOMEM. */
int kt_result_dump_add_line(struct kt_result_dump *d, const char *line);
void kt_result_dump_free(struct kt_result_dump *d); /* members and d */
/* Append a copy of d to r (at most KT_DUMP_MAX_PER_RESULT; more are
 * dropped with a note). */
int kt_result_add_dump(struct kt_result *r, const struct kt_result_dump *d);
/* Append one map write record (copied). */
int kt_result_add_map_write(struct kt_result *r,
			    const struct kt_map_write_record *m);
/* Record the evidence moment (see struct kt_result) unless one is
 * recorded already: the first failing evidence wins. */
void kt_result_set_evidence(struct kt_result *r, uint64_t at_ns,
			    uint64_t from_ns, int tid);
/* Mark skipped (only when nothing worse is recorded). */
int kt_result_skip(struct kt_result *r, const char *fmt, ...) KT_PRINTF(2, 3);
/* Raise the verdict to at least v. */
void kt_result_raise(struct kt_result *r, enum kt_verdict v);
/* dst takes the worse verdict, src's details, stats, timeline and event
 * counters are appended; src's host stalls fill dst's when dst has none. */
int kt_result_merge(struct kt_result *dst, const struct kt_result *src);
bool kt_result_passed(const struct kt_result *r);

/*
 * Text report:
 *   PASS steady [topo=1n1l4c1t sched=eevdf] 2.0s
 *     stuck 3500ms on cpu1 at +1200ms
 *   --- stats ---
 *     cg_0: 2 workers on 2 cpus, off-cpu 1-3% (spread 2%), max gap 12ms, ...
 *   --- sched_ext dump 1/1: SysRq-D (tracepoint), 180 lines: ... ---
 *     (its first KT_DUMP_PRINT_LINES lines; the whole text is in the JSON)
 */
#define KT_DUMP_PRINT_LINES 40
void kt_result_print(const struct kt_result *r, FILE *f);
struct json_t *kt_result_to_json(const struct kt_result *r);
/* Parse what kt_result_to_json produced; -EINVAL with a message. */
int kt_result_from_json(const struct json_t *j, struct kt_result *out);

/*
 * A kt_assert layer <-> JSON object, as scheduler definitions and the
 * guest's run plan carry it: the keys of KT_ASSERT_FIELDS (check.h), bools
 * as booleans, max_gap_ms and max_p99_wake_latency_us as integers, the
 * rest as numbers. Only set fields are written. Parsing rejects unknown
 * keys and wrong types, naming where ("scheduler x.json: assert").
 */
struct kt_assert;
struct json_t *kt_assert_to_json(const struct kt_assert *a);
int kt_assert_from_json(const struct json_t *j, const char *where,
			struct kt_assert *out);

#endif
