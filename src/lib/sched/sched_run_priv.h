/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Private to sched/: the state of one scheduler under test (shared by
 * sched_run.c, which starts and stops it, and sched_watch.c, which watches
 * it and records its end) and the watch functions sched_run.c calls.
 */
#ifndef KTSTR_SCHED_RUN_PRIV_H
#define KTSTR_SCHED_RUN_PRIV_H

#include <pthread.h>
#include <stdatomic.h>
#include <sys/types.h>

#include <ktstr/sched.h>

#define MAX_KLINES    48
#define KLINE_MAX_LEN 400
#define LOG_TAIL_MAX  (64 * 1024)
/* After noticing a death/ejection: gather evidence for this long at most,
 * or 300 ms after the kernel's disable line. */
#define SETTLE_NS     KT_MS(1500)
#define AFTER_LINE_NS KT_MS(300)

struct kt_sched_run {
	char *path, *name, *log_path, *scx_dir, *kmsg_path;
	char **argv; /* argv[0] = path */
	uint64_t attach_ns, alive_ns, stop_wait_ns, poll_ns;
	unsigned tail_lines;

	pid_t pid;
	bool reaped;
	int status;
	uint64_t t0;
	bool attached;
	uint64_t attach_ms;

	int kmsg_fd;
	char kbuf[8192];
	size_t klen;
	char *klines[MAX_KLINES];
	size_t nr_klines;
	bool dis_seen;
	uint64_t dis_ns;
	char dis_reason[256];
	char dis_detail[KLINE_MAX_LEN];

	pthread_t thr;
	bool thr_started;
	atomic_bool stop_monitor;
	atomic_bool gone;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool has_exit; /* under mu; the record is immutable once set */
	struct kt_sched_exit exit;
	struct kt_result_dump *dump; /* the ejection's, for the record */
	bool dump_capture;	     /* this run started the dump capture */
};

/* sched_ext state (scx_dir/state) into buf: "missing" when unreadable. */
void kt_sched_watch_state(const struct kt_sched_run *r, char *buf, size_t len);
/* Is a BPF scheduler's root/ops present (non-empty)? */
bool kt_sched_watch_ops_present(const struct kt_sched_run *r);
/* Read the new kernel log records, keeping the sched_ext lines. */
void kt_sched_watch_kmsg(struct kt_sched_run *r);
/* Reap the scheduler if it exited (never blocks); true once reaped. */
bool kt_sched_watch_reap(struct kt_sched_run *r);
/* A wait status as text ("exit 1", "signal 9 (Killed)"). */
void kt_sched_status_text(int st, char *buf, size_t len);
void kt_sched_free_lines(char **v, size_t nr);
/* Fill r->exit once (later calls do nothing) and wake waiters; marks the
 * scheduler gone. event/why may be NULL. */
void kt_sched_watch_record(struct kt_sched_run *r, enum kt_sched_phase phase,
			   bool ejected, const char *event, const char *why,
			   const char *reason);
/* After noticing an end: gather the kernel's evidence, then record it. */
void kt_sched_watch_settle(struct kt_sched_run *r, char *state, size_t len,
			   enum kt_sched_phase phase);
/* The monitor thread (arg: the kt_sched_run). */
void *kt_sched_monitor(void *arg);

#endif
