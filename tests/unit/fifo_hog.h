/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A real SCHED_FIFO hog for unit tests of the vCPU probe (fifo_hog.c): to
 * a probe thread at a lower priority on that CPU, a vCPU that did not run.
 */
#ifndef KTSTR_TEST_FIFO_HOG_H
#define KTSTR_TEST_FIFO_HOG_H

#include <stdint.h>

/*
 * Spin a SCHED_FIFO 50 thread pinned to cpu for 300 ms and join it; from
 * and to are the clock before it started and after it ended. 0 or the
 * pthread_create errno (EPERM without the RT privilege: callers skip).
 */
int kt_test_fifo_hog(int cpu, uint64_t *from, uint64_t *to);

#endif
