/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Private to work/: the workload object and its shared header, shared by
 * workload.c (spawn, gate, stop, collect), workload_reap.c (reaping the
 * worker processes, bounded, and the orphans a stuck worker leaves) and
 * workload_watch.c (the registry of live workloads the stall watch reads,
 * and the per-CPU times around a workload's run).
 */
#ifndef KTSTR_WORKLOAD_PRIV_H
#define KTSTR_WORKLOAD_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <ktstr/workload.h>

#include "core/cpu_stat.h"
#include "work_groups.h"
#include "work_kinds.h"
#include "worker_telemetry.h"

#define KT_WL_MAX_WORKERS      4096
#define KT_WL_DEFAULT_DEADLINE KT_SEC(5)
#define KT_WL_READY_TIMEOUT    KT_SEC(60)
/* Exit codes of a worker process. */
#define KT_WL_EXIT_OK	  0
#define KT_WL_EXIT_FAILED 1
#define KT_WL_EXIT_SETUP  2

enum kt_wl_state {
	KT_WL_NEW = 0, /* forked, still setting up */
	KT_WL_READY,   /* at the gate */
	KT_WL_FAILED,  /* setup failed, exiting */
	KT_WL_DONE,    /* stopped on request, report final */
	KT_WL_EXITED,  /* threads mode: its loop failed (the thread ended) */
};

struct kt_wl_shared {
	uint32_t gate;	/* 0 closed, 1 open (futex) */
	uint32_t ready; /* workers past setup, READY or FAILED (futex) */
	uint32_t stop;	/* 1 = stop requested */
	uint32_t pad;
	uint64_t gate_ns; /* CLOCK_MONOTONIC when the gate opened */
	uint32_t state[]; /* enum kt_wl_state per worker */
};

struct kt_wl_child {
	pid_t pid;
	bool reaped;
	bool lost;  /* waitpid said ECHILD: someone else reaped it */
	bool stuck; /* still alive after SIGKILL and the bound: an orphan */
	int status;
};

struct kt_workload {
	struct kt_workload *next_live; /* the registry (workload_watch.c) */
	struct kt_workload_config cfg;
	struct kt_work_type work;     /* cfg.work with defaults resolved */
	struct kt_work_groups groups; /* grouped kinds: futex words, pipes */
	void *map;
	size_t map_len;
	struct kt_wl_shared *sh;
	struct kt_worker_report *reports; /* in the shared map */
	struct kt_wl_child *kids;
	size_t nr;     /* slots allocated */
	size_t forked; /* children forked so far */
	bool started;
	bool collected;

	uint64_t watch_gap_ns;	  /* the stall watch's limit; 0 = unwatched */
	bool placement_changed;	  /* affinity or cpuset changed mid-run */
	struct kt_cpu_stat *stat; /* [0] at the gate, [1] at the stop */
	bool have_stat[2];
};

/* Processes of w: one per worker, or one for all in threads mode. */
static inline size_t kt_wl_nr_procs(const struct kt_workload *w)
{
	return w->cfg.threads ? 1 : w->nr;
}
/* The process worker i runs in. */
static inline struct kt_wl_child *kt_wl_kid(const struct kt_workload *w,
					    size_t i)
{
	return &w->kids[w->cfg.threads ? 0 : i];
}
/* Workers that exist so far (forked, or threads of a forked process). */
static inline size_t kt_wl_nr_born(const struct kt_workload *w)
{
	if (w->cfg.threads)
		return w->forked ? w->nr : 0;
	return w->forked;
}

/* ---- workload.c: one worker's life, shared by both modes ---- */

/* Mark worker i's setup state (READY and FAILED count as ready). */
void kt_wl_set_state(struct kt_workload *w, size_t i, uint32_t st);
/* Affinity, policies, the kind's setup of worker i in the calling thread;
 * 0, or -1 with why in its report's error. run is initialised here. */
int kt_wl_worker_setup(struct kt_workload *w, size_t i, struct kt_work_run *run,
		       struct kt_tel *tel, const volatile int *local_stop);
/* Wait at the gate, run the loop, write the final telemetry, tear down.
 * The loop's result (0 on stop). */
int kt_wl_worker_run(struct kt_workload *w, size_t i, struct kt_work_run *run,
		     struct kt_tel *tel);
/* Send sig to worker i (its process, or its thread in threads mode). */
void kt_wl_signal(struct kt_workload *w, size_t i, int sig);

/* ---- workload_threads.c ---- */

/*
 * The body of the one process of a threads-mode workload: start a thread
 * per worker (each sets itself up, waits at the gate and runs like a
 * forked worker), wait for them all, exit. stop is the process's SIGUSR1
 * flag.
 */
__attribute__((noreturn)) void kt_wl_threads_main(struct kt_workload *w,
						  const volatile int *stop);

/* ---- workload_reap.c ---- */

/* Reap child c if it has exited; true when it is reaped (or lost). */
bool kt_wl_reap_nohang(struct kt_wl_child *c);
/*
 * Wait up to ns for every forked child of w to be reaped. Children still
 * running then (a worker the scheduler under test never runs cannot die
 * either) are handed to the orphan list, reaped later; their slots count
 * as reaped with an unknown status (lost). Returns how many were handed
 * over.
 */
size_t kt_wl_reap_all(struct kt_workload *w, uint64_t ns);
/* SIGKILL every child of w not reaped yet, then kt_wl_reap_all. */
size_t kt_wl_kill_and_reap(struct kt_workload *w, uint64_t ns);

/* ---- workload_watch.c ---- */

void kt_wl_register(struct kt_workload *w);
void kt_wl_unregister(struct kt_workload *w);
/* Snapshot /proc/stat into w->stat[which] (0 gate, 1 stop); a failure
 * only leaves have_stat[which] false. */
void kt_wl_snapshot_cpus(struct kt_workload *w, int which);
/* When the workers of w must have stopped (CLOCK_MONOTONIC): its own
 * deadline from now, or less after a stall ended the run. */
uint64_t kt_wl_stop_deadline(const struct kt_workload *w);
/* How long to wait for killed workers to die before adopting them. */
uint64_t kt_wl_reap_bound(void);

#endif
