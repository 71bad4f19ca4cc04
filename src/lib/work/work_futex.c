/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The futex primitives on shared words: the grouped kinds' group words
 * (work_groups.c maps them before fork) and the workload's gate and ready
 * count (workload.c).
 *
 * The words live in a MAP_SHARED anonymous mapping, so the futexes are not
 * FUTEX_PRIVATE. A member that leaves its loop (stop, error) marks its
 * group broken and wakes everyone: the others stop waiting for it. A
 * member that dies without leaving (SIGKILL) is covered by the bounded
 * waits: a waiter re-checks the stop flags every KT_GROUP_WAIT_NS.
 */
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "work_kinds.h"

int kt_futex_wait(uint32_t *addr, uint32_t val, uint64_t timeout_ns)
{
	struct timespec ts = {
	    .tv_sec = (time_t)(timeout_ns / 1000000000ULL),
	    .tv_nsec = (long)(timeout_ns % 1000000000ULL),
	};

	if (syscall(SYS_futex, addr, FUTEX_WAIT, val, timeout_ns ? &ts : NULL,
		    NULL, 0))
		return -errno;
	return 0;
}

void kt_futex_wake(uint32_t *addr, int n)
{
	syscall(SYS_futex, addr, FUTEX_WAKE, n, NULL, NULL, 0);
}

void kt_grp_leave(struct kt_work_run *r)
{
	if (!r->grp)
		return;
	__atomic_store_n(&r->grp->broken, 1, __ATOMIC_RELEASE);
	kt_futex_wake(&r->grp->word, INT_MAX);
	kt_futex_wake(&r->grp->done, INT_MAX);
}
