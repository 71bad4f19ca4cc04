/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Work kinds (internal): the spin primitive and the per-kind worker loop
 * that runs inside a forked worker between the gate and the stop.
 */
#ifndef KTSTR_WORK_KINDS_H
#define KTSTR_WORK_KINDS_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include <ktstr/workload.h>

#include "worker_telemetry.h"

/* Spin units per SpinWait iteration / per Mixed spin phase. */
#define KT_SPIN_BATCH 1024

static inline void kt_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield" ::: "memory");
#else
	__asm__ __volatile__("" ::: "memory");
#endif
}

/*
 * The spin primitive: n units of (counter++, CPU relax hint). The empty asm
 * keeps the compiler from folding the counter. Returns the units done.
 */
static inline uint64_t kt_spin_units(uint64_t n)
{
	uint64_t c = 0;

	while (c < n) {
		c++;
		__asm__ __volatile__("" : "+r"(c));
		kt_cpu_relax();
	}
	return c;
}

struct kt_work_run {
	struct kt_work_type work; /* defaults already resolved */
	struct kt_tel *tel;
	const uint32_t *shared_stop; /* shared memory stop flag */
	const volatile int
	    *local_stop; /* set by the worker's SIGUSR1 handler */
	int io_fd;	 /* IoSyncWrite scratch file, else -1 */
};

/* Fill zero fields of w with their defaults (Bursty 50 ms / 100 ms). */
void kt_work_resolve(struct kt_work_type *w);

/*
 * Per-worker setup before the gate (IoSyncWrite creates and unlinks its
 * scratch file). On failure returns a negative errno and writes why into
 * err. kt_work_teardown() releases what setup took.
 */
int kt_work_setup(struct kt_work_run *r, char *err, size_t errlen);
void kt_work_teardown(struct kt_work_run *r);

/*
 * Run the kind's loop until a stop flag is set (the flags are checked
 * before the first unit of work). Returns 0 on stop, or a negative errno
 * after writing why into the report's error text.
 */
int kt_work_loop(struct kt_work_run *r);

#endif
