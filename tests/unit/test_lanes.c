/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of the lanes of the run's picture: a worker's recording
 * (work/worker_lane.c: buckets, folding, the split around a gap, the
 * longest gaps), the lane a result makes of a report with the scenario's
 * time origin (result/result_lanes.c) and the result JSON's "lanes"
 * object both ways (result/result_lanes_json.c).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <cmocka.h>

#include <ktstr/result.h>
#include <ktstr/workload.h>

#include "core/scenario_clock.h"
#include "result/result_lanes.h"
#include "work/worker_lane.h"

static void test_deposit_spreads(void **state)
{
	struct kt_worker_lane l;

	(void)state;
	kt_lane_init(&l);
	assert_int_equal(l.bucket_ns, KT_LANE_BUCKET_NS);
	/* 100 ms of CPU over [0, 100 ms): half in each bucket */
	kt_lane_deposit(&l, 0, KT_MS(100), KT_MS(100));
	assert_int_equal(l.cpu_us[0], 50000);
	assert_int_equal(l.cpu_us[1], 50000);
	assert_int_equal(l.nr_buckets, 2);
	/* [25, 75) ms with 10 ms: 5 ms each side of the 50 ms border */
	kt_lane_deposit(&l, KT_MS(25), KT_MS(75), KT_MS(10));
	assert_int_equal(l.cpu_us[0], 55000);
	assert_int_equal(l.cpu_us[1], 55000);
	/* an empty interval's CPU goes to its bucket */
	kt_lane_deposit(&l, KT_MS(120), KT_MS(120), 7000);
	assert_int_equal(l.cpu_us[2], 7);
	assert_int_equal(l.nr_buckets, 3);
}

static void test_fold(void **state)
{
	struct kt_worker_lane l;
	uint64_t w = KT_LANE_BUCKET_NS;

	(void)state;
	kt_lane_init(&l);
	for (unsigned k = 0; k < KT_LANE_BUCKETS; k++)
		kt_lane_deposit(&l, k * w, (k + 1) * w, 1000 * (k + 1));
	assert_int_equal(l.nr_buckets, KT_LANE_BUCKETS);
	assert_int_equal(l.bucket_ns, w);
	/* one bucket past the last: twice as wide, neighbours summed */
	kt_lane_deposit(&l, KT_LANE_BUCKETS * w, KT_LANE_BUCKETS * w + w, 5000);
	assert_int_equal(l.bucket_ns, 2 * w);
	assert_int_equal(l.cpu_us[0], 1 + 2);
	assert_int_equal(l.cpu_us[1], 3 + 4);
	assert_int_equal(l.cpu_us[KT_LANE_BUCKETS / 2 - 1],
			 KT_LANE_BUCKETS - 1 + KT_LANE_BUCKETS);
	assert_int_equal(l.cpu_us[KT_LANE_BUCKETS / 2], 5);
	assert_int_equal(l.cpu_us[KT_LANE_BUCKETS / 2 + 1], 0);
	assert_int_equal(l.nr_buckets, KT_LANE_BUCKETS / 2 + 1);
	/* far past: folded as often as needed */
	kt_lane_deposit(&l, 0, 100 * KT_LANE_BUCKETS * w, 0);
	assert_true(l.bucket_ns >= 100 * w);
	assert_true(l.nr_buckets <= KT_LANE_BUCKETS);
}

static void test_sample_around_gap(void **state)
{
	struct kt_worker_lane l;

	(void)state;
	kt_lane_init(&l);
	/* 12 ms of CPU since 0; off its loop from 10 ms to 510 ms: 10 ms
	 * before the gap, the 2 ms left spread over the gap */
	kt_lane_sample(&l, 0, KT_MS(10), KT_MS(510), KT_MS(12));
	assert_int_equal(l.cpu_us[0], 10000 + 160);
	for (unsigned k = 1; k < 10; k++)
		assert_int_equal(l.cpu_us[k], 200);
	assert_int_equal(l.cpu_us[10], 40);
	assert_int_equal(l.nr_buckets, 11);
	/* no gap (off outside the interval): evenly */
	kt_lane_init(&l);
	kt_lane_sample(&l, KT_MS(50), 0, KT_MS(150), KT_MS(60));
	assert_int_equal(l.cpu_us[1], 30000);
	assert_int_equal(l.cpu_us[2], 30000);
	/* a vCPU that stood still: more CPU than the time before the gap */
	kt_lane_init(&l);
	kt_lane_sample(&l, 0, KT_MS(20), KT_MS(100), KT_MS(100));
	assert_int_equal(l.cpu_us[0], 20000 + 30000);
	assert_int_equal(l.cpu_us[1], 50000);
}

static void test_longest_gaps(void **state)
{
	struct kt_worker_lane l;
	uint64_t t = KT_MS(1000);

	(void)state;
	kt_lane_init(&l);
	kt_lane_note_gap(&l, t, t + KT_LANE_MIN_GAP_NS - 1, 0, 0);
	assert_int_equal(l.nr_gaps, 0); /* too short */
	for (unsigned i = 0; i < KT_LANE_GAPS + 6; i++) {
		t += KT_MS(200);
		kt_lane_note_gap(&l, t, t + KT_MS(50 + i), (int)i, (int)i + 1);
	}
	assert_int_equal(l.nr_gaps, KT_LANE_GAPS);
	for (unsigned i = 0; i < KT_LANE_GAPS; i++) {
		uint64_t len = l.gaps[i].end_ns - l.gaps[i].start_ns;

		assert_true(len >= KT_MS(56) && len <= KT_MS(79));
		assert_int_equal(l.gaps[i].cpu_to, l.gaps[i].cpu_from + 1);
	}
}

/* A report of a worker whose gate opened at origin + 1 s and ran 2.02 s
 * with the given lane. */
static void sample_report(struct kt_worker_report *r, uint64_t origin)
{
	memset(r, 0, sizeof(*r));
	r->tid = 321;
	r->gate_ns = origin + KT_MS(1000);
	r->wall_time_ns = KT_MS(2020);
	kt_lane_init(&r->lane);
	kt_lane_deposit(&r->lane, 0, KT_MS(2020), KT_MS(2020));
	kt_lane_note_gap(&r->lane, r->gate_ns + KT_MS(900),
			 r->gate_ns + KT_MS(1000), 1, 2);
	kt_lane_note_gap(&r->lane, r->gate_ns + KT_MS(100),
			 r->gate_ns + KT_MS(400), 0, 1);
}

static void test_lane_of(void **state)
{
	uint64_t origin = KT_MS(123456);
	struct kt_worker_report r;
	struct kt_lane l;

	(void)state;
	sample_report(&r, origin);
	kt_scenario_clock_start(origin);
	kt_lane_of(&r, "cg_0", 3, &l);
	assert_string_equal(l.cgroup, "cg_0");
	assert_int_equal(l.idx, 3);
	assert_int_equal(l.tid, 321);
	assert_int_equal(l.start_ns, KT_MS(1000));
	assert_int_equal(l.end_ns, KT_MS(3020));
	assert_int_equal(l.bucket_ns, KT_LANE_BUCKET_NS);
	assert_int_equal(l.nr_buckets, 41); /* 2.02 s in 50 ms buckets */
	assert_int_equal(l.on_cpu_pm[0], 1000);
	/* the last bucket: 20 ms of CPU in its 20 ms before the end */
	assert_int_equal(l.on_cpu_pm[40], 1000);
	/* gaps by start, from the scenario's start */
	assert_int_equal(l.nr_gaps, 2);
	assert_int_equal(l.gaps[0].start_ns, KT_MS(1100));
	assert_int_equal(l.gaps[0].end_ns, KT_MS(1400));
	assert_int_equal(l.gaps[1].start_ns, KT_MS(1900));
	assert_int_equal(l.gaps[1].cpu_to, 2);
	/* a worker killed before its loop ran: no buckets, only the gap
	 * its parent closed (the lane ends there) */
	memset(&r.lane, 0, sizeof(r.lane));
	r.wall_time_ns = 0;
	kt_lane_note_gap(&r.lane, r.gate_ns, r.gate_ns + KT_MS(2300), -1, -1);
	kt_lane_of(&r, "cg_1", 0, &l);
	assert_int_equal(l.nr_buckets, 0);
	assert_int_equal(l.bucket_ns, 0);
	assert_int_equal(l.nr_gaps, 1);
	assert_int_equal(l.start_ns, KT_MS(1000));
	assert_int_equal(l.end_ns, KT_MS(3300));
	/* a worker that never reached its gate: nothing */
	r.gate_ns = 0;
	kt_lane_of(&r, NULL, 0, &l);
	assert_int_equal(l.nr_buckets, 0);
	assert_int_equal(l.nr_gaps, 0);
	assert_string_equal(l.cgroup, "");
	kt_scenario_clock_start(0);
}

static void fill_lanes(struct kt_result *r)
{
	struct kt_worker_report rep;
	struct kt_lane l;

	kt_result_init(r);
	sample_report(&rep, 0);
	kt_lane_of(&rep, "cg_1", 1, &l);
	l.on_cpu_pm[5] = 333;
	l.gap_limit_ns = KT_MS(2000);
	assert_int_equal(kt_lanes_add(&r->lanes, &l), 0);
	r->lanes.recorded = true;
	r->lanes.end_ns = KT_MS(3100);
	r->lanes.verdict_ns = KT_MS(2500);
	r->lanes.verdict_at = KT_VERDICT_AT_EVIDENCE;
	r->lanes.sched_gone = true;
	r->lanes.sched_gone_ns = KT_MS(2600);
	r->lanes.stalls_measured = true;
	r->lanes.steps_offset_ns = 5040000;
	assert_int_equal(
	    kt_lanes_add_stall(&r->lanes, -1, KT_MS(700), KT_MS(760)), 0);
}

static void test_json_round_trip(void **state)
{
	struct kt_result r, back;
	json_t *j;

	(void)state;
	fill_lanes(&r);
	kt_result_raise(&r, KT_VERDICT_FAIL);
	j = kt_result_to_json(&r);
	assert_non_null(j);
	assert_non_null(json_object_get(j, "lanes"));
	assert_int_equal(kt_result_from_json(j, &back), 0);
	assert_true(back.lanes.recorded);
	assert_int_equal(back.lanes.end_ns, KT_MS(3100));
	assert_int_equal(back.lanes.verdict_ns, KT_MS(2500));
	assert_int_equal(back.lanes.verdict_at, KT_VERDICT_AT_EVIDENCE);
	assert_true(back.lanes.sched_gone);
	assert_int_equal(back.lanes.sched_gone_ns, KT_MS(2600));
	assert_true(back.lanes.stalls_measured);
	assert_int_equal(back.lanes.steps_offset_ns, 5040000);
	assert_int_equal(back.lanes.nr_stalls, 1);
	assert_int_equal(back.lanes.stalls[0].cpu, -1);
	assert_int_equal(back.lanes.stalls[0].end_ns, KT_MS(760));
	assert_int_equal(back.lanes.nr, 1);
	assert_memory_equal(&back.lanes.v[0], &r.lanes.v[0],
			    sizeof(struct kt_lane));
	json_decref(j);
	kt_result_free(&back);

	/* merge copies lanes and moments; nothing recorded: no key */
	kt_result_init(&back);
	assert_int_equal(kt_result_merge(&back, &r), 0);
	assert_int_equal(back.lanes.nr, 1);
	assert_int_equal(back.lanes.nr_stalls, 1);
	assert_int_equal(back.lanes.verdict_ns, KT_MS(2500));
	kt_result_free(&back);
	kt_result_free(&r);
	j = kt_result_to_json(&r);
	assert_null(json_object_get(j, "lanes"));
	json_decref(j);
}

static void expect_bad(const char *lanes, const char *msg)
{
	char text[1024];
	struct kt_result r;
	json_t *j;

	snprintf(text, sizeof(text), "{\"verdict\": \"pass\", \"lanes\": %s}",
		 lanes);
	j = json_loads(text, 0, NULL);
	assert_non_null(j);
	assert_int_equal(kt_result_from_json(j, &r), -EINVAL);
	assert_string_equal(kt_last_error(), msg);
	assert_int_equal(r.lanes.nr, 0);
	json_decref(j);
}

static void test_json_errors(void **state)
{
	(void)state;
	expect_bad("[]", "result JSON: lanes: must be an object");
	expect_bad("{\"end_us\": -1}", "result JSON: lanes.end_us: is out "
				       "of range");
	expect_bad("{\"verdict_at\": \"soon\"}",
		   "result JSON: lanes.verdict_at: must be \"end\", "
		   "\"evidence\" or \"scheduler\"");
	expect_bad("{\"stalls\": [{\"cpu\": -2}]}",
		   "result JSON: lanes.stalls[0].cpu: is out of range");
	expect_bad("{\"workers\": [{}, {\"on_cpu_pm\": [1, 1001]}]}",
		   "result JSON: lanes.workers[1].on_cpu_pm: must hold "
		   "integers 0-1000");
	expect_bad("{\"workers\": [{\"gaps\": [{\"end_us\": \"x\"}]}]}",
		   "result JSON: lanes.workers[0].gaps[0].end_us: must be an "
		   "integer");
	expect_bad("{\"workers\": [{\"cgroup\": 7}]}",
		   "result JSON: lanes.workers[0].cgroup: must be a string");
	expect_bad("{\"stalls_measured\": 1}",
		   "result JSON: lanes.stalls_measured: must be a boolean");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_deposit_spreads),
	    cmocka_unit_test(test_fold),
	    cmocka_unit_test(test_sample_around_gap),
	    cmocka_unit_test(test_longest_gaps),
	    cmocka_unit_test(test_lane_of),
	    cmocka_unit_test(test_json_round_trip),
	    cmocka_unit_test(test_json_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
