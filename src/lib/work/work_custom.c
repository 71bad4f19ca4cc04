/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Custom: a user function owns the worker's loop, and the public
 * kt_worker_* helpers it calls so the telemetry still works (stop test,
 * checkpoint, voluntary-block bracket, error text).
 *
 * The function returns 0 once kt_worker_stopping() says so; if it returns
 * 0 earlier, the worker idles until the stop (so KT_WORKER_OK still means
 * "stopped on request"). A negative errno fails the worker
 * (KT_WORKER_EXITED); the error text is the function's own
 * (kt_worker_set_error) or names the returned errno. Custom decides for
 * itself whether it blocks (kt_work_kind_blocks says false) and needs its
 * function, so it cannot be built from its bare name.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <ktstr/workload.h>

#include "work_kinds.h"

static struct kt_work_run *run_of(const struct kt_worker_ctx *wctx)
{
	return wctx ? wctx->priv : NULL;
}

bool kt_worker_stopping(const struct kt_worker_ctx *wctx)
{
	struct kt_work_run *r = run_of(wctx);

	return !r || kt_work_stopping(r);
}

void kt_worker_checkpoint(const struct kt_worker_ctx *wctx, uint64_t units,
			  bool iteration_end)
{
	struct kt_work_run *r = run_of(wctx);

	if (r)
		kt_tel_checkpoint(r->tel, units, iteration_end);
}

uint64_t kt_worker_block_begin(const struct kt_worker_ctx *wctx)
{
	struct kt_work_run *r = run_of(wctx);
	uint64_t now = kt_tel_mono_ns();

	if (r)
		kt_tel_block_begin(r->tel, now);
	return now;
}

void kt_worker_block_end(const struct kt_worker_ctx *wctx, uint64_t begin_ns,
			 bool record_wake)
{
	struct kt_work_run *r = run_of(wctx);
	uint64_t now = kt_tel_mono_ns();

	if (!r)
		return;
	kt_tel_block_end(r->tel, now);
	if (record_wake)
		kt_tel_wake(r->tel, now > begin_ns ? now - begin_ns : 0);
}

const struct kt_mem_policy *
kt_worker_mem_policy(const struct kt_worker_ctx *wctx)
{
	static const struct kt_mem_policy none = {.kind = KT_MPOL_DEFAULT};
	struct kt_work_run *r = run_of(wctx);

	return r ? &r->mem_policy : &none;
}

void kt_worker_set_error(const struct kt_worker_ctx *wctx, const char *fmt, ...)
{
	struct kt_work_run *r = run_of(wctx);
	struct kt_worker_report *rep;
	va_list ap;

	if (!r)
		return;
	rep = r->tel->rep;
	va_start(ap, fmt);
	vsnprintf(rep->error, sizeof(rep->error), fmt, ap);
	va_end(ap);
}

static int loop_custom(struct kt_work_run *r)
{
	struct kt_worker_ctx c = {
	    .index = r->index,
	    .nr_workers = r->nr_workers,
	    .name = r->work.custom.name,
	    .priv = r,
	};
	int rc;

	/* Stopped before the gate opened: no work at all, as for any kind. */
	if (kt_work_stopping(r))
		return 0;
	rc = r->work.custom.fn(&c, r->work.custom.arg);
	if (rc < 0) {
		if (!r->tel->rep->error[0])
			kt_work_error(r, "Custom \"%s\": returned %d (%s)",
				      c.name, rc, strerror(-rc));
		return rc;
	}
	kt_work_wait_for_stop(r);
	return 0;
}

/* ---- descriptor ---- */

static void custom_resolve(struct kt_work_type *w)
{
	if (!w->custom.name)
		w->custom.name = "custom";
}

static int custom_check(const struct kt_work_kind_desc *d,
			const struct kt_work_type *w)
{
	(void)d;
	if (!w->custom.fn)
		return kt_err(EINVAL, "Custom \"%s\": no function to run",
			      w->custom.name);
	return 0;
}

const struct kt_work_kind_desc kt_custom_desc = {
    .kind = KT_WORK_CUSTOM,
    .name = "Custom",
    .group_size = 1,
    .resolve = custom_resolve,
    .check = custom_check,
    .loop = loop_custom,
};
