/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Worker groups (internal): what the members of a grouped work kind share,
 * made by the parent before fork. Every group gets one kt_grp_slot (futex
 * words) in a MAP_SHARED mapping; pair kinds that talk over pipes (PipeIo,
 * CachePipe) also get two pipes per pair. Workers i*size .. i*size+size-1
 * form group i; a member's role is its index inside the group.
 */
#ifndef KTSTR_WORK_GROUPS_H
#define KTSTR_WORK_GROUPS_H

#include <stddef.h>

#include "work_kinds.h"

struct kt_work_groups {
	unsigned size; /* workers per group (1 for ungrouped kinds) */
	size_t nr;     /* groups */
	struct kt_grp_slot *slots; /* nr slots, MAP_SHARED; NULL if ungrouped */
	size_t map_len;
	int *fds; /* 4 per pair (a->b rd, wr, b->a rd, wr), or NULL */
	size_t nr_fds;
};

/*
 * Set up the groups of nr_workers workers of kind w (w already checked:
 * the count divides evenly). 0 or a negative errno with a message. On
 * failure g holds nothing.
 */
int kt_work_groups_init(struct kt_work_groups *g, const struct kt_work_type *w,
			size_t nr_workers);
/* In worker idx after fork: fill r's group fields, close the pipes that
 * belong to other workers. */
void kt_work_groups_attach(struct kt_work_groups *g, size_t idx,
			   struct kt_work_run *r);
/* Threads mode (every worker a thread of one process): fill r's group
 * fields and take its own pipe ends, closing nothing (the fd table is
 * shared; each thread closes its own ends at teardown). */
void kt_work_groups_pick(const struct kt_work_groups *g, size_t idx,
			 struct kt_work_run *r);
/* In the parent once every worker is forked: close all pipe ends, so a
 * pair sees end-of-file when its partner exits. */
void kt_work_groups_close_fds(struct kt_work_groups *g);
void kt_work_groups_free(struct kt_work_groups *g);

#endif
