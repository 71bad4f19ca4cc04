/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The lanes of the run's picture in a result (result_lanes.h): made from
 * the worker reports when a cgroup is judged, with every time counted
 * from the scenario's start, plus the host stalls, freeing and merging.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/scenario_clock.h"
#include "check_priv.h"
#include "result_lanes.h"

static const char *const verdict_at_names[] = {
    [KT_VERDICT_AT_END] = "end",
    [KT_VERDICT_AT_EVIDENCE] = "evidence",
    [KT_VERDICT_AT_SCHEDULER] = "scheduler",
};

const char *kt_verdict_at_name(enum kt_verdict_at a)
{
	if ((unsigned)a >= KT_ARRAY_SIZE(verdict_at_names))
		return "end";
	return verdict_at_names[a];
}

int kt_verdict_at_parse(const char *name)
{
	for (size_t i = 0; name && i < KT_ARRAY_SIZE(verdict_at_names); i++)
		if (!strcmp(name, verdict_at_names[i]))
			return (int)i;
	return -1;
}

/* Share of bucket k's wall time (its part before wall) the CPU time
 * cpu_us is, in per mille (at most 1000). */
static uint16_t per_mille(uint32_t cpu_us, uint64_t k, uint64_t w,
			  uint64_t wall)
{
	uint64_t lo = k * w, hi = (k + 1) * w < wall ? (k + 1) * w : wall;
	double pm;

	if (hi <= lo)
		return 0;
	pm = (double)cpu_us * 1e6 / (double)(hi - lo);
	return pm >= 1000.0 ? 1000 : (uint16_t)(pm + 0.5);
}

static int by_start(const void *a, const void *b)
{
	const struct kt_lane_gap *x = a, *y = b;

	return (x->start_ns > y->start_ns) - (x->start_ns < y->start_ns);
}

void kt_lane_of(const struct kt_worker_report *r, const char *cgroup,
		unsigned idx, struct kt_lane *out)
{
	const struct kt_worker_lane *l = &r->lane;
	uint64_t w = l->bucket_ns, n;

	memset(out, 0, sizeof(*out));
	snprintf(out->cgroup, sizeof(out->cgroup), "%s", cgroup ? cgroup : "");
	out->idx = idx;
	out->tid = (int)r->tid;
	if (!r->gate_ns)
		return;
	out->start_ns = kt_scenario_clock_since(r->gate_ns);
	out->end_ns = out->start_ns + r->wall_time_ns;
	out->nr_gaps = l->nr_gaps < KT_LANE_GAPS ? l->nr_gaps : KT_LANE_GAPS;
	for (unsigned i = 0; i < out->nr_gaps; i++) {
		struct kt_lane_gap *g = &out->gaps[i];

		*g = l->gaps[i];
		g->start_ns = kt_scenario_clock_since(l->gaps[i].start_ns);
		g->end_ns = kt_scenario_clock_since(l->gaps[i].end_ns);
		if (g->end_ns > out->end_ns) /* closed by the parent's kill */
			out->end_ns = g->end_ns;
	}
	qsort(out->gaps, out->nr_gaps, sizeof(out->gaps[0]), by_start);
	if (!w)
		return;
	out->bucket_ns = w;
	n = (r->wall_time_ns + w - 1) / w;
	out->nr_buckets = (unsigned)(n < KT_LANE_BUCKETS ? n : KT_LANE_BUCKETS);
	for (unsigned k = 0; k < out->nr_buckets; k++)
		out->on_cpu_pm[k] =
		    per_mille(l->cpu_us[k], k, w, r->wall_time_ns);
}

int kt_lanes_add(struct kt_lanes *l, const struct kt_lane *lane)
{
	struct kt_lane *v = realloc(l->v, (l->nr + 1) * sizeof(*v));

	if (!v)
		return kt_err(ENOMEM, "result: out of memory for a lane");
	l->v = v;
	v[l->nr++] = *lane;
	return 0;
}

int kt_result_add_lanes(struct kt_result *res, const struct kt_assert *a,
			const char *cgroup,
			const struct kt_worker_report *reports, size_t nr)
{
	struct kt_lane *lane = malloc(sizeof(*lane)); /* 1.5 KB: not on
						       * the stack */
	int err = lane ? 0 : kt_err(ENOMEM, "result: out of memory");

	for (size_t i = 0; !err && i < nr; i++) {
		if (!kt_check_judged(&reports[i]))
			continue;
		kt_lane_of(&reports[i], cgroup, (unsigned)i, lane);
		lane->gap_limit_ns = a && a->max_gap_ns.set
					 ? a->max_gap_ns.val
					 : KT_DEFAULT_MAX_GAP_NS;
		err = kt_lanes_add(&res->lanes, lane);
	}
	free(lane);
	return err;
}

int kt_lanes_add_stall(struct kt_lanes *l, int cpu, uint64_t start_ns,
		       uint64_t end_ns)
{
	struct kt_lane_stall *v;

	if (l->nr_stalls >= KT_LANE_STALLS_MAX) {
		l->stalls_truncated = true;
		return 0;
	}
	v = realloc(l->stalls, (l->nr_stalls + 1) * sizeof(*v));
	if (!v)
		return kt_err(ENOMEM, "result: out of memory for a host stall");
	l->stalls = v;
	v[l->nr_stalls++] = (struct kt_lane_stall){cpu, start_ns, end_ns};
	return 0;
}

void kt_lanes_steps_start(struct kt_result *res, uint64_t start_ns)
{
	res->lanes.steps_offset_ns = kt_scenario_clock_since(start_ns);
}

void kt_lanes_free(struct kt_lanes *l)
{
	free(l->v);
	free(l->stalls);
	memset(l, 0, sizeof(*l));
}

int kt_lanes_merge(struct kt_lanes *dst, const struct kt_lanes *src)
{
	int err = 0;

	if (!dst->recorded && src->recorded) {
		struct kt_lanes keep = *dst;

		*dst = *src;
		dst->nr = keep.nr;
		dst->v = keep.v;
		dst->nr_stalls = keep.nr_stalls;
		dst->stalls = keep.stalls;
		dst->stalls_truncated = keep.stalls_truncated;
	}
	for (size_t i = 0; !err && i < src->nr; i++)
		err = kt_lanes_add(dst, &src->v[i]);
	for (size_t i = 0; !err && i < src->nr_stalls; i++)
		err = kt_lanes_add_stall(dst, src->stalls[i].cpu,
					 src->stalls[i].start_ns,
					 src->stalls[i].end_ns);
	if (src->stalls_truncated)
		dst->stalls_truncated = true;
	return err;
}
