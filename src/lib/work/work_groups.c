/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Worker groups: the per-group shared futex words and pair pipes made
 * before fork, handing each worker its own ends, and the futex primitives
 * the grouped kinds wait and wake with.
 *
 * The futex words live in a MAP_SHARED anonymous mapping, so the futexes
 * are not FUTEX_PRIVATE. A member that leaves its loop (stop, error) marks
 * its group broken and wakes everyone: the others stop waiting for it. A
 * member that dies without leaving (SIGKILL) is covered by the bounded
 * waits: a waiter re-checks the stop flags every KT_GROUP_WAIT_NS.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <ktstr/common.h>

#include "work_groups.h"

/* Kinds whose members share a slot (even a group of one mutex contender). */
static bool grouped(enum kt_work_kind k)
{
	switch (k) {
	case KT_WORK_PIPE_IO:
	case KT_WORK_CACHE_PIPE:
	case KT_WORK_FUTEX_PING_PONG:
	case KT_WORK_FUTEX_FAN_OUT:
	case KT_WORK_FAN_OUT_COMPUTE:
	case KT_WORK_MUTEX_CONTENTION:
		return true;
	default:
		return false;
	}
}

static bool uses_pipes(enum kt_work_kind k)
{
	return k == KT_WORK_PIPE_IO || k == KT_WORK_CACHE_PIPE;
}

int kt_work_groups_init(struct kt_work_groups *g, const struct kt_work_type *w,
			size_t nr_workers)
{
	size_t i;
	int err;

	memset(g, 0, sizeof(*g));
	g->size = kt_work_group_size(w);
	if (!g->size)
		g->size = 1;
	if (!grouped(w->kind))
		return 0;
	g->nr = nr_workers / g->size;
	g->map_len = g->nr * sizeof(struct kt_grp_slot);
	g->slots = mmap(NULL, g->map_len, PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (g->slots == MAP_FAILED) {
		err = errno;
		g->slots = NULL;
		return kt_err(err,
			      "workload: %s: map %zu bytes of shared futex "
			      "words: %s",
			      kt_work_kind_name(w->kind), g->map_len,
			      strerror(err));
	}
	if (!uses_pipes(w->kind))
		return 0;
	g->fds = malloc(g->nr * 4 * sizeof(int));
	if (!g->fds) {
		kt_work_groups_free(g);
		return kt_err(ENOMEM, "workload: %s: %s",
			      kt_work_kind_name(w->kind), strerror(ENOMEM));
	}
	for (i = 0; i < g->nr * 2; i++) {
		if (pipe2(&g->fds[2 * i], O_CLOEXEC)) {
			err = errno;
			kt_work_groups_free(g);
			return kt_err(err,
				      "workload: %s: create pipe %zu of %zu: "
				      "%s",
				      kt_work_kind_name(w->kind), i + 1,
				      g->nr * 2, strerror(err));
		}
		g->nr_fds += 2;
	}
	return 0;
}

void kt_work_groups_attach(struct kt_work_groups *g, size_t idx,
			   struct kt_work_run *r)
{
	size_t grp = idx / g->size, i;
	int keep_rd = -1, keep_wr = -1;

	r->role = (unsigned)(idx % g->size);
	r->group_size = g->size;
	r->grp = g->slots ? &g->slots[grp] : NULL;
	if (!g->fds)
		return;
	/* Member 0 writes a->b and reads b->a; member 1 the other way. */
	keep_wr = g->fds[4 * grp + (r->role ? 3 : 1)];
	keep_rd = g->fds[4 * grp + (r->role ? 0 : 2)];
	for (i = 0; i < g->nr_fds; i++) {
		if (g->fds[i] != keep_rd && g->fds[i] != keep_wr)
			close(g->fds[i]);
	}
	r->pipe_rd = keep_rd;
	r->pipe_wr = keep_wr;
	free(g->fds);
	g->fds = NULL;
	g->nr_fds = 0;
}

void kt_work_groups_close_fds(struct kt_work_groups *g)
{
	size_t i;

	for (i = 0; i < g->nr_fds; i++)
		close(g->fds[i]);
	free(g->fds);
	g->fds = NULL;
	g->nr_fds = 0;
}

void kt_work_groups_free(struct kt_work_groups *g)
{
	kt_work_groups_close_fds(g);
	if (g->slots)
		munmap(g->slots, g->map_len);
	g->slots = NULL;
}

int kt_futex_wait(uint32_t *addr, uint32_t val, uint64_t timeout_ns)
{
	struct timespec ts = {
	    .tv_sec = (time_t)(timeout_ns / 1000000000ULL),
	    .tv_nsec = (long)(timeout_ns % 1000000000ULL),
	};

	if (syscall(SYS_futex, addr, FUTEX_WAIT, val, &ts, NULL, 0))
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
