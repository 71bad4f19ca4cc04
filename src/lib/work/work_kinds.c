/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Work kinds: the one table of kind descriptors (each defined in its
 * family's file, see work_kind_desc.h) and the generic code that asks it:
 * names and parsing, defaults, group sizes, validation, and the dispatch
 * of a worker's setup and loop.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <ktstr/common.h>
#include <ktstr/workload.h>

#include "work_kinds.h"

static const struct kt_work_kind_desc *const descs[KT_WORK__COUNT] = {
    [KT_WORK_SPIN_WAIT] = &kt_spin_wait_desc,
    [KT_WORK_YIELD_HEAVY] = &kt_yield_heavy_desc,
    [KT_WORK_MIXED] = &kt_mixed_desc,
    [KT_WORK_IO_SYNC_WRITE] = &kt_io_sync_write_desc,
    [KT_WORK_BURSTY] = &kt_bursty_desc,
    [KT_WORK_PIPE_IO] = &kt_pipe_io_desc,
    [KT_WORK_FUTEX_PING_PONG] = &kt_futex_ping_pong_desc,
    [KT_WORK_FUTEX_FAN_OUT] = &kt_futex_fan_out_desc,
    [KT_WORK_CACHE_PRESSURE] = &kt_cache_pressure_desc,
    [KT_WORK_CACHE_YIELD] = &kt_cache_yield_desc,
    [KT_WORK_CACHE_PIPE] = &kt_cache_pipe_desc,
    [KT_WORK_FAN_OUT_COMPUTE] = &kt_fan_out_compute_desc,
    [KT_WORK_FORK_EXIT] = &kt_fork_exit_desc,
    [KT_WORK_NICE_SWEEP] = &kt_nice_sweep_desc,
    [KT_WORK_AFFINITY_CHURN] = &kt_affinity_churn_desc,
    [KT_WORK_POLICY_CHURN] = &kt_policy_churn_desc,
    [KT_WORK_PAGE_FAULT_CHURN] = &kt_page_fault_churn_desc,
    [KT_WORK_MUTEX_CONTENTION] = &kt_mutex_contention_desc,
    [KT_WORK_SEQUENCE] = &kt_sequence_desc,
    [KT_WORK_CUSTOM] = &kt_custom_desc,
    [KT_WORK_MESSAGE_WORKER] = &kt_message_worker_desc,
    [KT_WORK_RT_INTERFERENCE] = &kt_rt_interference_desc,
    [KT_WORK_MEM_BANDWIDTH] = &kt_mem_bandwidth_desc,
};

const struct kt_work_kind_desc *kt_work_desc(enum kt_work_kind k)
{
	if ((unsigned)k >= KT_WORK__COUNT)
		return NULL;
	return descs[k];
}

/* ---- names ---- */

const char *kt_work_kind_name(enum kt_work_kind k)
{
	const struct kt_work_kind_desc *d = kt_work_desc(k);

	return d ? d->name : "?";
}

enum kt_work_kind kt_work_kind_by_name(const char *name)
{
	unsigned k;

	for (k = 0; name && k < KT_WORK__COUNT; k++) {
		if (!strcmp(name, descs[k]->name))
			return (enum kt_work_kind)k;
	}
	return KT_WORK__COUNT;
}

int kt_work_kind_parse(const char *name, enum kt_work_kind *out)
{
	enum kt_work_kind found = kt_work_kind_by_name(name);
	char list[512];
	size_t len = 0;
	unsigned k;

	if (found != KT_WORK__COUNT && descs[found]->parsable) {
		*out = found;
		return 0;
	}
	list[0] = '\0';
	for (k = 0; k < KT_WORK__COUNT; k++) {
		if (descs[k]->parsable)
			len += (size_t)snprintf(list + len, sizeof(list) - len,
						"%s%s", len ? ", " : "",
						descs[k]->name);
	}
	if (found != KT_WORK__COUNT)
		return kt_err(EINVAL,
			      "parse work kind \"%s\": needs parameters and "
			      "cannot be built from a name (expected one of "
			      "%s)",
			      name, list);
	return kt_err(EINVAL,
		      "parse work kind \"%s\": unknown name (expected one of "
		      "%s)",
		      name ? name : "(null)", list);
}

bool kt_work_kind_blocks(enum kt_work_kind k)
{
	const struct kt_work_kind_desc *d = kt_work_desc(k);

	return d && d->blocks;
}

/* ---- defaults, groups, validation ---- */

void kt_work_resolve(struct kt_work_type *w)
{
	const struct kt_work_kind_desc *d = kt_work_desc(w->kind);

	if (d && d->resolve)
		d->resolve(w);
}

/* Workers per group of the resolved work type w of descriptor d. */
static unsigned group_size(const struct kt_work_kind_desc *d,
			   const struct kt_work_type *w)
{
	return d->group_size_of ? d->group_size_of(w) : d->group_size;
}

unsigned kt_work_group_size(const struct kt_work_type *w)
{
	const struct kt_work_kind_desc *d;
	struct kt_work_type r;

	if (!w || !(d = kt_work_desc(w->kind)))
		return 1;
	r = *w;
	kt_work_resolve(&r);
	return group_size(d, &r);
}

int kt_work_check(const struct kt_work_type *w, unsigned nr_workers)
{
	const struct kt_work_kind_desc *d;
	struct kt_work_type r;
	unsigned g;
	int err;

	if (!w)
		return kt_err(EINVAL, "work type: NULL");
	d = kt_work_desc(w->kind);
	if (!d)
		return kt_err(EINVAL, "work kind %d: not a valid kind",
			      (int)w->kind);
	r = *w;
	kt_work_resolve(&r);
	err = d->check ? d->check(d, &r) : 0;
	if (err)
		return err;
	if (!nr_workers)
		nr_workers = 1;
	g = group_size(d, &r);
	if (g > 1 && nr_workers % g)
		return kt_err(EINVAL,
			      "%s needs workers in groups of %u; %u worker%s "
			      "do%s not divide evenly",
			      d->name, g, nr_workers,
			      nr_workers == 1 ? "" : "s",
			      nr_workers == 1 ? "es" : "");
	return 0;
}

/* ---- one worker's setup and loop ---- */

int kt_work_setup(struct kt_work_run *r, char *err, size_t errlen)
{
	/* Not a kind: nothing to set up; kt_work_loop() says so. */
	r->desc = kt_work_desc(r->work.kind);
	if (!r->desc || !r->desc->setup)
		return 0;
	return r->desc->setup(r, err, errlen);
}

int kt_work_loop(struct kt_work_run *r)
{
	const struct kt_work_kind_desc *d = kt_work_desc(r->work.kind);
	int rc;

	if (!d || !d->loop) {
		kt_work_error(r, "work kind %d: not runnable",
			      (int)r->work.kind);
		return -EINVAL;
	}
	rc = d->loop(r);
	/* Grouped kinds: let the partners stop waiting for us. */
	kt_grp_leave(r);
	return rc;
}
