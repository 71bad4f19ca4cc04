/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The picture of a run in a result (struct kt_lanes in <ktstr/result.h>,
 * docs/timeline.md): the lanes made from worker reports, the host
 * stalls, freeing and merging (result_lanes.c), and the result JSON's
 * "lanes" object both ways (result_lanes_json.c). The runners fill the
 * moments (scenario/scenario_lanes.c); results/ draws it.
 */
#ifndef KTSTR_RESULT_LANES_H
#define KTSTR_RESULT_LANES_H

#include <jansson.h>

#include <ktstr/result.h>
#include <ktstr/workload.h>

/*
 * The lane of report r (worker idx of cgroup), its times from the
 * scenario's start (core/scenario_clock.h). A worker that never ran its
 * loop (killed while the scheduler kept it off the CPU) has no buckets,
 * only the gap its parent closed; one with no gate, nothing.
 */
void kt_lane_of(const struct kt_worker_report *r, const char *cgroup,
		unsigned idx, struct kt_lane *out);
/* One lane per judged worker of reports into res->lanes, each with the
 * gap limit of a (its max_gap, else the default). */
int kt_result_add_lanes(struct kt_result *res, const struct kt_assert *a,
			const char *cgroup,
			const struct kt_worker_report *reports, size_t nr);
/* Append a copy of lane. */
int kt_lanes_add(struct kt_lanes *l, const struct kt_lane *lane);
/* Append a host stall (at most KT_LANE_STALLS_MAX; past it the lanes are
 * marked truncated). */
int kt_lanes_add_stall(struct kt_lanes *l, int cpu, uint64_t start_ns,
		       uint64_t end_ns);
/* The ops engine's clock (its timeline's elapsed_ms) starts at start_ns
 * (CLOCK_MONOTONIC): note where that is from the scenario's start. */
void kt_lanes_steps_start(struct kt_result *res, uint64_t start_ns);
void kt_lanes_free(struct kt_lanes *l);
/* dst gets src's lanes and stalls; its moments when dst has none. */
int kt_lanes_merge(struct kt_lanes *dst, const struct kt_lanes *src);

/* "end", "evidence", "scheduler"; kt_verdict_at_parse: -1 when unknown. */
const char *kt_verdict_at_name(enum kt_verdict_at a);
int kt_verdict_at_parse(const char *name);

/* The result JSON's "lanes" object (result_lanes_json.c); NULL with
 * nothing recorded or on ENOMEM (*oom says which). */
json_t *kt_lanes_to_json(const struct kt_lanes *l, bool *oom);
/* j's "lanes" (absent: nothing recorded) into out; -EINVAL naming the
 * key. */
int kt_lanes_from_json(const json_t *j, struct kt_lanes *out);

#endif
