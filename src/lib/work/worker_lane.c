/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A worker's lane in the picture of a run (worker_lane.h): its CPU time
 * per bucket of wall time and its longest gaps, written into the
 * worker's report in shared memory like the rest of its telemetry.
 *
 * Cost: nothing in the hot path but one compare per checkpoint (the gap
 * length against KT_LANE_MIN_GAP_NS). The buckets are filled where the
 * telemetry already reads the thread CPU clock (every 10 ms of
 * checkpoints), plus once after a voluntary block of 10 ms or more.
 * The count of buckets is fixed: a run longer than KT_LANE_BUCKETS x
 * KT_LANE_BUCKET_NS halves the resolution instead of growing.
 */
#include <string.h>

#include "worker_lane.h"

/* Buckets wider than this are not folded further (a clock gone wrong). */
#define MAX_BUCKET_NS (1ULL << 60)

void kt_lane_init(struct kt_worker_lane *l)
{
	memset(l, 0, sizeof(*l));
	l->bucket_ns = KT_LANE_BUCKET_NS;
}

static uint32_t sat_add32(uint32_t a, uint64_t b)
{
	uint64_t s = (uint64_t)a + b;

	return s > UINT32_MAX ? UINT32_MAX : (uint32_t)s;
}

/* Twice as wide buckets: neighbours summed. */
static void fold(struct kt_worker_lane *l)
{
	for (unsigned i = 0; i < KT_LANE_BUCKETS / 2; i++)
		l->cpu_us[i] =
		    sat_add32(l->cpu_us[2 * i], l->cpu_us[2 * i + 1]);
	memset(&l->cpu_us[KT_LANE_BUCKETS / 2], 0, sizeof(l->cpu_us) / 2);
	l->bucket_ns *= 2;
	l->nr_buckets = (l->nr_buckets + 1) / 2;
}

void kt_lane_deposit(struct kt_worker_lane *l, uint64_t from, uint64_t to,
		     uint64_t cpu_ns)
{
	uint64_t w, first, last;

	if (!l->bucket_ns)
		l->bucket_ns = KT_LANE_BUCKET_NS;
	if (to <= from) /* an empty interval: its CPU goes to its bucket */
		to = from + 1;
	while ((to - 1) / l->bucket_ns >= KT_LANE_BUCKETS &&
	       l->bucket_ns < MAX_BUCKET_NS)
		fold(l);
	w = l->bucket_ns;
	first = from / w;
	last = (to - 1) / w;
	if (last >= KT_LANE_BUCKETS)
		return;
	for (uint64_t k = first; k <= last; k++) {
		uint64_t lo = k * w > from ? k * w : from;
		uint64_t hi = (k + 1) * w < to ? (k + 1) * w : to;
		double part =
		    (double)cpu_ns * (double)(hi - lo) / (double)(to - from);

		l->cpu_us[k] =
		    sat_add32(l->cpu_us[k], (uint64_t)(part / 1e3 + 0.5));
	}
	if (last + 1 > l->nr_buckets)
		l->nr_buckets = (uint32_t)(last + 1);
}

void kt_lane_sample(struct kt_worker_lane *l, uint64_t prev, uint64_t off,
		    uint64_t now, uint64_t cpu_ns)
{
	uint64_t before;

	if (off <= prev || off >= now) {
		kt_lane_deposit(l, prev, now, cpu_ns);
		return;
	}
	before = off - prev < cpu_ns ? off - prev : cpu_ns;
	kt_lane_deposit(l, prev, off, before);
	if (cpu_ns > before)
		kt_lane_deposit(l, off, now, cpu_ns - before);
}

void kt_lane_note_gap(struct kt_worker_lane *l, uint64_t start, uint64_t end,
		      int cpu_from, int cpu_to)
{
	struct kt_lane_gap g = {start, end, cpu_from, cpu_to};
	uint32_t shortest = 0;

	if (end < start + KT_LANE_MIN_GAP_NS)
		return; /* the common case: one compare per checkpoint */
	if (l->nr_gaps < KT_LANE_GAPS) {
		l->gaps[l->nr_gaps++] = g;
		return;
	}
	for (uint32_t i = 1; i < KT_LANE_GAPS; i++)
		if (l->gaps[i].end_ns - l->gaps[i].start_ns <
		    l->gaps[shortest].end_ns - l->gaps[shortest].start_ns)
			shortest = i;
	if (end - start > l->gaps[shortest].end_ns - l->gaps[shortest].start_ns)
		l->gaps[shortest] = g;
}
