/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Worker telemetry (internal): the per-worker checkpoint that turns a work
 * loop into a kt_worker_report. Runs inside the forked worker; the report
 * lives in shared memory so the parent can read it even after a SIGKILL.
 *
 * Gap rule: the gap clock runs from one checkpoint to the next. A blocking
 * kind brackets its voluntary block with kt_tel_block_begin() (measures the
 * gap up to the block) and kt_tel_block_end() (restarts the gap clock), so
 * voluntary sleeping never counts as a gap. Bursty does not bracket its
 * sleep: for Bursty the sleep is part of the gap.
 */
#ifndef KTSTR_WORKER_TELEMETRY_H
#define KTSTR_WORKER_TELEMETRY_H

#include <stdint.h>

#include <ktstr/workload.h>

struct kt_tel {
	struct kt_worker_report *rep; /* shared memory */
	uint64_t gate_ns;	      /* CLOCK_MONOTONIC when the gate opened */
	uint64_t last_ns;	      /* start of the current gap */
	uint64_t publish_ns;	      /* last time wall/cpu were published */
	uint64_t cpu0_ns;	      /* thread CPU time at the gate */
	uint64_t ss0[3];	      /* /proc/self/schedstat at the gate */
	uint64_t units;
	uint64_t iterations;
	int prev_cpu;
	int gap_cpu;	     /* CPU where the current gap began */
	uint64_t pub_cpu_ns; /* thread CPU time at publish_ns (the lane) */
};

/* Monotonic and thread-CPU clocks in ns. */
uint64_t kt_tel_mono_ns(void);
uint64_t kt_tel_thread_cpu_ns(void);

/* Read /proc/thread-self/schedstat (cpu ns, run delay ns, run count); all 0
 * when the file is missing or unreadable. */
void kt_tel_read_schedstat(uint64_t out[3]);

/* Call right after the gate opens. */
/* gate_ns: when the gate opened (CLOCK_MONOTONIC; 0 or a future value =
 * now): wall time and the first gap start there. */
void kt_tel_begin(struct kt_tel *t, struct kt_worker_report *rep,
		  uint64_t gate_ns);

/*
 * Checkpoint after units more work units. iteration_end says whether an
 * outer iteration just finished (the live iteration counter moves then).
 */
void kt_tel_checkpoint(struct kt_tel *t, uint64_t units, bool iteration_end);

/* A voluntary block starts / ended at now (CLOCK_MONOTONIC ns). */
void kt_tel_block_begin(struct kt_tel *t, uint64_t now);
void kt_tel_block_end(struct kt_tel *t, uint64_t now);

/* Record one wake latency sample. */
void kt_tel_wake(struct kt_tel *t, uint64_t latency_ns);
/* Record one request latency sample (MessageWorker). */
void kt_tel_request(struct kt_tel *t, uint64_t latency_ns);

/* Call once when the worker stops: the open gap, final wall/cpu/off-cpu,
 * schedstat, sched_ext state and affinity. */
void kt_tel_end(struct kt_tel *t);

/* Record a gap [start_ns, end_ns) in r's longest gaps (and max_gap_*);
 * also used by the parent for a worker killed in the middle of a gap. */
void kt_report_note_gap(struct kt_worker_report *r, uint64_t start_ns,
			uint64_t end_ns, int cpu_from, int cpu_to);

#endif
