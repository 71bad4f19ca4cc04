/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Worker groups: the per-group shared futex words and pair pipes made
 * before fork, and handing each worker its own ends. What a kind's groups
 * share and how big they are come from its descriptor (work_kind_desc.h);
 * the waits and wakes on the words are work_futex.c's.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <ktstr/common.h>

#include "work_groups.h"

int kt_work_groups_init(struct kt_work_groups *g, const struct kt_work_type *w,
			size_t nr_workers)
{
	const struct kt_work_kind_desc *d = kt_work_desc(w->kind);
	size_t i;
	int err;

	memset(g, 0, sizeof(*g));
	g->size = kt_work_group_size(w);
	if (!g->size)
		g->size = 1;
	/* Members share a slot even in a group of one (MutexContention). */
	if (!d || d->grouping == KT_GROUPING_NONE)
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
			      d->name, g->map_len, strerror(err));
	}
	if (d->grouping != KT_GROUPING_PIPES)
		return 0;
	g->fds = malloc(g->nr * 4 * sizeof(int));
	if (!g->fds) {
		kt_work_groups_free(g);
		return kt_err(ENOMEM, "workload: %s: %s", d->name,
			      strerror(ENOMEM));
	}
	for (i = 0; i < g->nr * 2; i++) {
		if (pipe2(&g->fds[2 * i], O_CLOEXEC)) {
			err = errno;
			kt_work_groups_free(g);
			return kt_err(err,
				      "workload: %s: create pipe %zu of %zu: "
				      "%s",
				      d->name, i + 1, g->nr * 2, strerror(err));
		}
		g->nr_fds += 2;
	}
	return 0;
}

void kt_work_groups_pick(const struct kt_work_groups *g, size_t idx,
			 struct kt_work_run *r)
{
	size_t grp = idx / g->size;

	r->role = (unsigned)(idx % g->size);
	r->group_size = g->size;
	r->grp = g->slots ? &g->slots[grp] : NULL;
	if (!g->fds)
		return;
	/* Member 0 writes a->b and reads b->a; member 1 the other way. */
	r->pipe_wr = g->fds[4 * grp + (r->role ? 3 : 1)];
	r->pipe_rd = g->fds[4 * grp + (r->role ? 0 : 2)];
}

void kt_work_groups_attach(struct kt_work_groups *g, size_t idx,
			   struct kt_work_run *r)
{
	int keep_rd, keep_wr;
	size_t i;

	kt_work_groups_pick(g, idx, r);
	if (!g->fds)
		return;
	keep_rd = r->pipe_rd;
	keep_wr = r->pipe_wr;
	for (i = 0; i < g->nr_fds; i++) {
		if (g->fds[i] != keep_rd && g->fds[i] != keep_wr)
			close(g->fds[i]);
	}
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
