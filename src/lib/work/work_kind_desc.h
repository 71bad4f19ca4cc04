/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Work kind descriptors (internal): everything the library knows about one
 * work kind, in one struct defined next to the kind's loop in its family's
 * file (work_basic.c, work_pipe.c, work_cache.c, work_fanout.c,
 * work_churn.c, work_sequence.c, work_custom.c, work_rt_mix.c,
 * work_membw.c). work_kinds.c holds the
 * table of them, indexed by enum kt_work_kind, and the generic code that
 * asks them (names, parsing, defaults, group sizes, validation, setup and
 * loop dispatch).
 *
 * Whether a work-type override may replace a kind is not a property of the
 * kind: the ops engine swaps the work of a cgroup def marked swappable, and
 * kt_dfl_wl() swaps where the worker count divides into the override's
 * groups (the group size below).
 */
#ifndef KTSTR_WORK_KIND_DESC_H
#define KTSTR_WORK_KIND_DESC_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include <ktstr/common.h>
#include <ktstr/workload.h>

struct kt_work_run;

/* Upper bounds on parameters: generous, but no absurd maps or groups. */
#define KT_MAX_BUF_KB (1u << 20) /* 1 GiB */
#define KT_MAX_GROUP  1024u

/* What the members of one group share (made before fork, work_groups.c). */
enum kt_work_grouping {
	KT_GROUPING_NONE = 0, /* every worker runs alone */
	KT_GROUPING_FUTEX,    /* one kt_grp_slot of futex words per group */
	KT_GROUPING_PIPES,    /* the slot and two pipes per pair */
};

struct kt_work_kind_desc {
	enum kt_work_kind kind;
	const char *name; /* PascalCase: "SpinWait" */
	/* kt_work_kind_parse() builds it from the bare name: the defaults
	 * alone make a valid work type. */
	bool parsable;
	/* Blocks voluntarily, so records wake latency (kt_work_kind_blocks). */
	bool blocks;
	/* Workers per group: fixed, or (group_size 0) a function of the
	 * resolved parameters. */
	unsigned group_size;
	unsigned (*group_size_of)(const struct kt_work_type *w);
	enum kt_work_grouping grouping;
	/* Fill zero parameters of w with their defaults; NULL: none. */
	void (*resolve)(struct kt_work_type *w);
	/* Check the resolved parameters: 0 or -EINVAL with a message naming
	 * d->name; NULL: nothing to check. */
	int (*check)(const struct kt_work_kind_desc *d,
		     const struct kt_work_type *w);
	/* In the worker before the gate (scratch file, buffers): 0, or a
	 * negative errno with why written into err; NULL: nothing to set up.
	 * kt_work_teardown() releases what it took. */
	int (*setup)(struct kt_work_run *r, char *err, size_t errlen);
	/* Run until a stop flag is set (checked before the first unit of
	 * work): 0 on stop, or a negative errno with the report's error text
	 * written. */
	int (*loop)(struct kt_work_run *r);
};

/* The descriptor of kind k; NULL when k is not a kind. */
const struct kt_work_kind_desc *kt_work_desc(enum kt_work_kind k);

/* ---- helpers for the descriptors' functions ---- */

/* A zero parameter takes default d. */
static inline void kt_dfl32(uint32_t *v, uint32_t d)
{
	if (!*v)
		*v = d;
}

/* 0 when lo <= v <= hi, else -EINVAL: "<kind> <what> <v>: out of range". */
static inline int kt_work_check_range(const char *kind, const char *what,
				      uint64_t v, uint64_t lo, uint64_t hi)
{
	if (v >= lo && v <= hi)
		return 0;
	return kt_err(EINVAL, "%s %s %llu: out of range %llu..%llu", kind, what,
		      (unsigned long long)v, (unsigned long long)lo,
		      (unsigned long long)hi);
}

/* ---- the descriptors, by family ---- */

/* work_basic.c */
extern const struct kt_work_kind_desc kt_spin_wait_desc;
extern const struct kt_work_kind_desc kt_yield_heavy_desc;
extern const struct kt_work_kind_desc kt_mixed_desc;
extern const struct kt_work_kind_desc kt_io_sync_write_desc;
extern const struct kt_work_kind_desc kt_bursty_desc;
/* work_pipe.c */
extern const struct kt_work_kind_desc kt_pipe_io_desc;
extern const struct kt_work_kind_desc kt_cache_pipe_desc;
extern const struct kt_work_kind_desc kt_futex_ping_pong_desc;
/* work_cache.c */
extern const struct kt_work_kind_desc kt_cache_pressure_desc;
extern const struct kt_work_kind_desc kt_cache_yield_desc;
/* work_fanout.c */
extern const struct kt_work_kind_desc kt_futex_fan_out_desc;
extern const struct kt_work_kind_desc kt_fan_out_compute_desc;
extern const struct kt_work_kind_desc kt_mutex_contention_desc;
/* work_churn.c */
extern const struct kt_work_kind_desc kt_fork_exit_desc;
extern const struct kt_work_kind_desc kt_nice_sweep_desc;
extern const struct kt_work_kind_desc kt_affinity_churn_desc;
extern const struct kt_work_kind_desc kt_policy_churn_desc;
extern const struct kt_work_kind_desc kt_page_fault_churn_desc;
/* work_sequence.c */
extern const struct kt_work_kind_desc kt_sequence_desc;
/* work_custom.c */
extern const struct kt_work_kind_desc kt_custom_desc;
/* work_fanout.c */
extern const struct kt_work_kind_desc kt_message_worker_desc;
/* work_rt_mix.c */
extern const struct kt_work_kind_desc kt_rt_interference_desc;
/* work_membw.c */
extern const struct kt_work_kind_desc kt_mem_bandwidth_desc;

#endif
