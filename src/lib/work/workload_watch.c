/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The harness's view of workloads while they run: a registry of the live
 * ones (spawned, not freed), the gaps their watched workers have open
 * right now (the stall watch behind "the verdict at the evidence"), the
 * quick-stop mode a stall switches on, and the per-CPU /proc/stat times
 * around a workload's run (the work-conservation check's idle time).
 *
 * The registry is touched only by the thread that spawns and frees
 * workloads (the runner's), as is everything else in a kt_workload.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>

#include <ktstr/common.h>

#include "workload_priv.h"

/* After a stall, counted from the moment it was seen: stopping every
 * live worker may take this long, and killed ones get as long again to
 * die before they are left to the orphan list. */
#define QUICK_STOP_NS KT_MS(300)

static struct kt_workload *live;
static uint64_t quick_t0; /* when the stall was seen; 0 = not in that mode */

void kt_wl_register(struct kt_workload *w)
{
	w->next_live = live;
	live = w;
}

void kt_wl_unregister(struct kt_workload *w)
{
	for (struct kt_workload **p = &live; *p; p = &(*p)->next_live) {
		if (*p == w) {
			*p = w->next_live;
			w->next_live = NULL;
			return;
		}
	}
}

void kt_workload_watch_gaps(struct kt_workload *w, uint64_t limit_ns)
{
	if (w)
		w->watch_gap_ns = limit_ns;
}

/* Worker i of w: its open gap at now, or 0 when it has none to report. */
static uint64_t open_gap(const struct kt_workload *w, size_t i, uint64_t now,
			 uint64_t *start)
{
	const struct kt_worker_report *r = &w->reports[i];
	uint32_t st = __atomic_load_n(&w->sh->state[i], __ATOMIC_ACQUIRE);

	if (kt_wl_kid(w, i)->reaped || st != KT_WL_READY)
		return 0; /* gone, not set up, or already done */
	if (__atomic_load_n(&r->in_block, __ATOMIC_RELAXED))
		return 0;
	*start = __atomic_load_n(&r->progress_ns, __ATOMIC_RELAXED);
	if (!*start) /* not past its gate yet: the gate time counts */
		*start = __atomic_load_n(&w->sh->gate_ns, __ATOMIC_ACQUIRE);
	return now > *start ? now - *start : 0;
}

size_t kt_workload_open_gaps(uint64_t now, struct kt_open_gap *out, size_t max)
{
	size_t n = 0;

	for (struct kt_workload *w = live; w; w = w->next_live) {
		if (!w->watch_gap_ns || !w->started || w->collected)
			continue;
		for (size_t i = 0; i < kt_wl_nr_born(w); i++) {
			uint64_t start = 0, len = open_gap(w, i, now, &start);

			if (len <= w->watch_gap_ns)
				continue;
			if (n < max)
				out[n] = (struct kt_open_gap){
				    .tid = kt_workload_pid(w, i),
				    .cpu =
					__atomic_load_n(&w->reports[i].cur_cpu,
							__ATOMIC_RELAXED),
				    .start_ns = start,
				    .len_ns = len,
				    .limit_ns = w->watch_gap_ns,
				};
			n++;
		}
	}
	return n;
}

/* Ask every worker of every live workload to stop, at once, so the
 * workloads of a scenario stop together rather than one after another. */
static void stop_all_live(void)
{
	for (struct kt_workload *w = live; w; w = w->next_live) {
		if (!w->started || w->collected)
			continue;
		__atomic_store_n(&w->sh->stop, 1, __ATOMIC_RELEASE);
		for (size_t i = 0; i < kt_wl_nr_born(w); i++)
			kt_wl_signal(w, i, SIGUSR1);
	}
}

void kt_workload_quick_stop(bool on)
{
	quick_t0 = on ? kt_now_ns() : 0;
	if (on)
		stop_all_live();
}

uint64_t kt_wl_stop_deadline(const struct kt_workload *w)
{
	uint64_t now = kt_now_ns(), end;

	if (!quick_t0)
		return now + w->cfg.stop_deadline_ns;
	end = quick_t0 + QUICK_STOP_NS;
	return end < now + w->cfg.stop_deadline_ns
		   ? end
		   : now + w->cfg.stop_deadline_ns;
}

uint64_t kt_wl_reap_bound(void)
{
	uint64_t now = kt_now_ns(), end = quick_t0 + 2 * QUICK_STOP_NS;

	/* Without a stall a killed worker dies at once; still bounded, so
	 * a scheduler that stops running tasks cannot hang the harness. */
	if (!quick_t0)
		return KT_SEC(5);
	return end > now ? end - now : 0;
}

void kt_workload_note_placement_change(struct kt_workload *w)
{
	if (w)
		w->placement_changed = true;
}

bool kt_workload_placement_changed(const struct kt_workload *w)
{
	return w && w->placement_changed;
}

void kt_wl_snapshot_cpus(struct kt_workload *w, int which)
{
	struct kt_err_saved e;

	if (!w->stat) {
		w->stat = calloc(2, sizeof(*w->stat));
		if (!w->stat)
			return;
	}
	kt_err_save(&e); /* optional evidence: a failure leaves no message */
	w->have_stat[which] = !kt_cpu_stat_read(NULL, &w->stat[which]);
	kt_err_restore(&e);
}

int kt_workload_cpu_idle(const struct kt_workload *w, uint64_t *idle_ns,
			 int max, uint64_t *span_ns)
{
	if (!w || !w->stat || !w->have_stat[0] || !w->have_stat[1])
		return -ENODATA;
	for (int c = 0; c < max; c++)
		idle_ns[c] = kt_cpu_stat_idle_ns(&w->stat[0], &w->stat[1], c);
	*span_ns = w->stat[1].at_ns > w->stat[0].at_ns
		       ? w->stat[1].at_ns - w->stat[0].at_ns
		       : 0;
	return 0;
}
