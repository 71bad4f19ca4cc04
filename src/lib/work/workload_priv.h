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
