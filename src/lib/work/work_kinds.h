/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Work kinds (internal): the per-worker run state and the primitives the
 * work loops share (spin, stop test, voluntary blocks, futex words, the
 * resources a setup takes). Each kind is one descriptor (work_kind_desc.h)
 * defined with its loop in its family's file:
 *
 *   work_basic.c     SpinWait, YieldHeavy, Mixed, IoSyncWrite, Bursty
 *                    (and the loops' shared sleep/yield/io primitives)
 *   work_pipe.c      PipeIo, CachePipe, FutexPingPong (pairs)
 *   work_cache.c     CachePressure, CacheYield
 *   work_fanout.c    FutexFanOut, FanOutCompute, MutexContention,
 *                    MessageWorker
 *   work_churn.c     ForkExit, NiceSweep, AffinityChurn, PolicyChurn,
 *                    PageFaultChurn
 *   work_sequence.c  Sequence
 *   work_custom.c    Custom and the public kt_worker_* helpers
 *   work_rt_mix.c    RtInterference (SCHED_FIFO bursts among spinners)
 *   work_membw.c     MemBandwidth (streaming over a buffer past the LLC)
 *
 * work_spin.c owns the spin primitive, work_run.c the run state's
 * resources (init, scratch file, private map, teardown), work_futex.c the
 * futex words' wait/wake, work_kinds.c the descriptor table and the
 * generic code that asks it.
 */
#ifndef KTSTR_WORK_KINDS_H
#define KTSTR_WORK_KINDS_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include <ktstr/workload.h>

#include "work_kind_desc.h"
#include "worker_telemetry.h"

/* Spin units per SpinWait iteration / per Mixed spin phase. */
#define KT_SPIN_BATCH 1024
/* A wait on a group partner re-checks the stop flags this often, so a stop
 * signal that lands just before the wait cannot strand the worker. */
#define KT_GROUP_WAIT_NS KT_MS(50)
/* Loop iterations per spin unit (work_spin.c). */
#define KT_SPIN_ITERS 64

/*
 * The spin primitive (work_spin.c): n spin units, each KT_SPIN_ITERS
 * iterations of counter++ and nothing else: no `pause` or other CPU relax
 * hint (docs/emulation.md says why). Out of line, so every caller runs the
 * same machine code. Returns n.
 */
uint64_t kt_spin_units(uint64_t n);

/*
 * Futex words shared by one group of workers (one cache line per group in
 * a MAP_SHARED mapping made before fork; see work_groups.c).
 */
struct kt_grp_slot {
	uint32_t word;	 /* ping-pong turn, mutex, fan-out generation */
	uint32_t done;	 /* FanOutCompute: receivers done this generation */
	uint32_t broken; /* a member left its loop: stop waiting for it */
	uint32_t pad;
	uint64_t stamp_ns; /* messenger's CLOCK_MONOTONIC stamp */
} __attribute__((aligned(64)));

struct kt_work_run {
	struct kt_work_type work;	      /* defaults already resolved */
	const struct kt_work_kind_desc *desc; /* set by kt_work_setup() */
	struct kt_tel *tel;
	const uint32_t *shared_stop; /* shared memory stop flag */
	const volatile int
	    *local_stop; /* set by the worker's SIGUSR1 handler */
	int io_fd;	 /* IoSyncWrite / Sequence io scratch file, else -1 */
	size_t index;	 /* worker index in the workload */
	size_t nr_workers;
	unsigned role;		 /* index inside its group (0 = messenger) */
	unsigned group_size;	 /* 1 = not grouped */
	struct kt_grp_slot *grp; /* the group's futex words, or NULL */
	int pipe_rd, pipe_wr;	 /* pair kinds: from / to the partner */
	void *buf;		 /* per-kind private memory (mmap), or NULL */
	size_t buf_len;
	/* the worker's memory policy, already applied to its thread before
	 * setup (set_mempolicy): a kind that places memory itself (mbind,
	 * per-node buffers) reads the nodes here; kind Default = none */
	struct kt_mem_policy mem_policy;
};

/* Fill zero fields of w with their defaults. */
void kt_work_resolve(struct kt_work_type *w);

/*
 * Per-worker setup before the gate (the kind's own: scratch file,
 * buffers). On failure returns a negative errno and writes why into err.
 * kt_work_teardown() releases what setup took. Call kt_work_run_init()
 * first.
 */
void kt_work_run_init(struct kt_work_run *r);
int kt_work_setup(struct kt_work_run *r, char *err, size_t errlen);
void kt_work_teardown(struct kt_work_run *r);

/*
 * Run the kind's loop until a stop flag is set (the flags are checked
 * before the first unit of work). Returns 0 on stop, or a negative errno
 * after writing why into the report's error text.
 */
int kt_work_loop(struct kt_work_run *r);

/* ---- resources a kind's setup takes (work_run.c) ---- */

/* A scratch file in $TMPDIR (else /tmp), unlinked at once: r->io_fd. */
int kt_work_scratch_file(struct kt_work_run *r, char *err, size_t errlen);
/* A private anonymous map of len bytes: r->buf, r->buf_len. */
int kt_work_map_buf(struct kt_work_run *r, size_t len, char *err,
		    size_t errlen);
/* Pipe kinds: a partner gone is EPIPE, not a fatal SIGPIPE. */
void kt_work_ignore_sigpipe(void);

/* ---- shared primitives ---- */

static inline bool kt_work_stopping(const struct kt_work_run *r)
{
	return *r->local_stop ||
	       __atomic_load_n(r->shared_stop, __ATOMIC_RELAXED);
}

/* Write the report's error text (printf style). */
void kt_work_error(struct kt_work_run *r, const char *fmt, ...) KT_PRINTF(2, 3);
/* kt_work_sleep() flags. */
#define KT_SLEEP_BRACKET 1u /* exclude the sleep from the gap clock */
#define KT_SLEEP_SAMPLE	 2u /* overshoot past ns is one wake sample */
/* Sleep ns (a voluntary block); false if a signal cut it short (an
 * interrupted sleep records no sample). */
bool kt_work_sleep(struct kt_tel *t, uint64_t ns, unsigned flags);
/* A sched_yield excluded from the gap clock, as a wake latency sample. */
void kt_work_yield(struct kt_tel *t);
/* 16 x 4 KiB pwrite + fdatasync (the fdatasync bracketed). 1 on stop,
 * 0 done, negative errno with the error text written. */
int kt_work_io_round(struct kt_work_run *r, const char *who);
/* Idle until the stop arrives (after a group broke up). */
void kt_work_wait_for_stop(struct kt_work_run *r);
/* Strided read-modify-write of n cache lines of buf from *pos on. */
void kt_cache_touch(struct kt_work_run *r, uint32_t stride, uint64_t n,
		    size_t *pos);

/* ---- futex words (work_futex.c) ---- */

/* Futex on shared memory: wait while *addr == val for at most timeout_ns
 * (0: no limit). 0 when woken, else a negative errno (-EAGAIN, -ETIMEDOUT,
 * -EINTR). */
int kt_futex_wait(uint32_t *addr, uint32_t val, uint64_t timeout_ns);
void kt_futex_wake(uint32_t *addr, int n);
/* Should a group member stop waiting (stop requested or group broken)? */
static inline bool kt_grp_gone(const struct kt_work_run *r)
{
	return kt_work_stopping(r) ||
	       (r->grp && __atomic_load_n(&r->grp->broken, __ATOMIC_ACQUIRE));
}
/* This member leaves: mark the group broken and wake every waiter. */
void kt_grp_leave(struct kt_work_run *r);

#endif
