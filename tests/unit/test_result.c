/* SPDX-License-Identifier: GPL-2.0-only */
/* Unit tests of kt_result: verdicts, merge, exit codes, text and JSON. */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <cmocka.h>

#include <ktstr/result.h>

/* kt_result_print into a string (caller frees). */
static char *print_to_string(const struct kt_result *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	kt_result_print(r, f);
	assert_int_equal(fclose(f), 0);
	return buf;
}

/* The fixed result of the report and JSON tests. */
static void fill_sample(struct kt_result *r)
{
	struct kt_cgroup_stats s0 = {
	    .cgroup = "cg_0",
	    .workers = 2,
	    .cpus = 2,
	    .min_off_cpu_pct = 1.2,
	    .max_off_cpu_pct = 3.4,
	    .spread_pct = 2.2,
	    .max_gap_ns = 12400000,
	    .total_work_units = 123456,
	    .total_iterations = 10000,
	    .total_migrations = 10,
	    .migration_ratio = 0.001,
	    .throughput_cv = 0.125,
	    .p99_wake_latency_ns = 1234567,
	    .wake_samples = 40,
	};
	struct kt_cgroup_stats s1 = {
	    .cgroup = "cg_1",
	    .workers = 1,
	    .cpus = 1,
	    .min_off_cpu_pct = 50.0,
	    .max_off_cpu_pct = 50.0,
	    .max_gap_ns = 2999600000ULL,
	    .total_work_units = 7,
	    .total_iterations = 7,
	};

	kt_result_init(r);
	assert_int_equal(kt_result_set_header(r, "steady", "1n1l4c1t", "eevdf"),
			 0);
	r->duration_ns = KT_MS(2000);
	assert_int_equal(kt_result_add(r, KT_DETAIL_STUCK,
				       "stuck %dms on cpu%d at +%dms", 3500, 1,
				       1200),
			 0);
	assert_int_equal(
	    kt_result_add(r, KT_DETAIL_NOTE, "scheduler log truncated"), 0);
	assert_int_equal(kt_result_add_stats(r, &s0), 0);
	assert_int_equal(kt_result_add_stats(r, &s1), 0);
}

static void test_names_and_exit_codes(void **state)
{
	(void)state;
	assert_string_equal(kt_verdict_name(KT_VERDICT_PASS), "pass");
	assert_string_equal(kt_verdict_name(KT_VERDICT_SKIP), "skip");
	assert_string_equal(kt_verdict_name(KT_VERDICT_FAIL), "fail");
	assert_string_equal(kt_verdict_name(KT_VERDICT_SCHED), "sched");
	assert_string_equal(kt_verdict_name(KT_VERDICT_INFRA), "infra");
	assert_string_equal(kt_verdict_name(KT_VERDICT_INCONCLUSIVE),
			    "inconclusive");
	for (int v = 0; v < KT_VERDICT__COUNT; v++)
		assert_int_equal(
		    kt_verdict_parse(kt_verdict_name((enum kt_verdict)v)), v);
	assert_int_equal(kt_verdict_parse("bogus"), -1);
	assert_int_equal(kt_verdict_exit_code(KT_VERDICT_INCONCLUSIVE), 5);
	/* worse than a pass or a skip, better than a failure */
	assert_true(KT_VERDICT_INCONCLUSIVE > KT_VERDICT_SKIP);
	assert_true(KT_VERDICT_INCONCLUSIVE < KT_VERDICT_FAIL);
	assert_string_equal(kt_verdict_name((enum kt_verdict)42), "unknown");
	assert_int_equal(kt_verdict_exit_code(KT_VERDICT_PASS), 0);
	assert_int_equal(kt_verdict_exit_code(KT_VERDICT_SKIP), 4);
	assert_int_equal(kt_verdict_exit_code(KT_VERDICT_FAIL), 1);
	assert_int_equal(kt_verdict_exit_code(KT_VERDICT_SCHED), 1);
	assert_int_equal(kt_verdict_exit_code(KT_VERDICT_INFRA), 3);
	assert_string_equal(kt_detail_kind_name(KT_DETAIL_STARVED), "starved");
	assert_string_equal(kt_detail_kind_name(KT_DETAIL_WAKE_LATENCY),
			    "wake_latency");
	assert_string_equal(kt_detail_kind_name(KT_DETAIL_NOTE), "note");
	assert_string_equal(kt_detail_kind_name((enum kt_detail_kind)99),
			    "unknown");
	/* every kind has a name */
	for (int k = 0; k < KT_DETAIL__COUNT; k++)
		assert_string_not_equal(
		    kt_detail_kind_name((enum kt_detail_kind)k), "unknown");
}

/* Host stalls and missing coverage make a run inconclusive; a later
 * failure still wins, an inconclusive detail never lowers a failure. */
static void test_inconclusive_details(void **state)
{
	struct kt_result r;

	(void)state;
	kt_result_init(&r);
	kt_result_add(&r, KT_DETAIL_HOST_STALL, "stuck 2500ms, host stall");
	assert_int_equal(r.verdict, KT_VERDICT_INCONCLUSIVE);
	assert_false(kt_result_passed(&r));
	kt_result_add(&r, KT_DETAIL_CONSERVATION, "waited while idle");
	assert_int_equal(r.verdict, KT_VERDICT_FAIL);
	kt_result_add(&r, KT_DETAIL_COVERAGE, "ran none");
	assert_int_equal(r.verdict, KT_VERDICT_FAIL);
	kt_result_free(&r);

	kt_result_init(&r);
	kt_result_add(&r, KT_DETAIL_COVERAGE, "ran none");
	assert_int_equal(r.verdict, KT_VERDICT_INCONCLUSIVE);
	kt_result_add(&r, KT_DETAIL_EXT_EVENTS, "over the limit");
	assert_int_equal(r.verdict, KT_VERDICT_FAIL);
	kt_result_free(&r);
}

static void test_add_raises_verdict(void **state)
{
	struct kt_result r;

	(void)state;
	kt_result_init(&r);
	assert_int_equal(r.verdict, KT_VERDICT_PASS);
	assert_true(kt_result_passed(&r));

	kt_result_add(&r, KT_DETAIL_NOTE, "just saying %d", 1);
	assert_int_equal(r.verdict, KT_VERDICT_PASS);
	assert_true(kt_result_passed(&r));

	kt_result_add(&r, KT_DETAIL_UNFAIR, "unfair");
	assert_int_equal(r.verdict, KT_VERDICT_FAIL);
	assert_false(kt_result_passed(&r));

	kt_result_add(&r, KT_DETAIL_SCHEDULER, "scheduler died");
	assert_int_equal(r.verdict, KT_VERDICT_SCHED);
	/* a later, milder detail does not lower it */
	kt_result_add(&r, KT_DETAIL_STUCK, "stuck");
	assert_int_equal(r.verdict, KT_VERDICT_SCHED);

	kt_result_add(&r, KT_DETAIL_INFRA, "vm died");
	assert_int_equal(r.verdict, KT_VERDICT_INFRA);

	assert_int_equal(r.nr_details, 5);
	assert_int_equal(r.details[0].kind, KT_DETAIL_NOTE);
	assert_string_equal(r.details[0].msg, "just saying 1");
	assert_string_equal(r.details[4].msg, "vm died");

	kt_result_raise(&r, KT_VERDICT_FAIL);
	assert_int_equal(r.verdict, KT_VERDICT_INFRA);
	kt_result_free(&r);
	assert_int_equal(r.nr_details, 0);
	assert_null(r.details);
	assert_int_equal(r.verdict, KT_VERDICT_PASS);
}

static void test_skip(void **state)
{
	struct kt_result r;

	(void)state;
	kt_result_init(&r);
	assert_int_equal(kt_result_skip(&r, "needs %d cpus", 8), 0);
	assert_int_equal(r.verdict, KT_VERDICT_SKIP);
	assert_string_equal(r.skip_reason, "needs 8 cpus");
	assert_true(kt_result_passed(&r));
	/* a failure later wins over the skip */
	kt_result_add(&r, KT_DETAIL_STARVED, "tid 1 starved (0 work units)");
	assert_int_equal(r.verdict, KT_VERDICT_FAIL);
	kt_result_free(&r);

	/* skip does not override a failure */
	kt_result_init(&r);
	kt_result_add(&r, KT_DETAIL_STUCK, "stuck");
	assert_int_equal(kt_result_skip(&r, "too late"), 0);
	assert_int_equal(r.verdict, KT_VERDICT_FAIL);
	assert_null(r.skip_reason);
	assert_false(kt_result_passed(&r));
	kt_result_free(&r);
}

static void test_set_header(void **state)
{
	struct kt_result r;

	(void)state;
	kt_result_init(&r);
	assert_int_equal(kt_result_set_header(&r, "steady", NULL, "eevdf"), 0);
	assert_string_equal(r.scenario, "steady");
	assert_null(r.topo);
	assert_int_equal(kt_result_set_header(&r, NULL, "1n1l2c1t", NULL), 0);
	assert_string_equal(r.scenario, "steady");
	assert_string_equal(r.topo, "1n1l2c1t");
	assert_string_equal(r.scheduler, "eevdf");
	assert_int_equal(kt_result_set_header(&r, NULL, NULL, "scx_ktstr"), 0);
	assert_string_equal(r.scheduler, "scx_ktstr");
	kt_result_free(&r);
}

static void test_merge(void **state)
{
	struct kt_result dst, src;
	struct kt_cgroup_stats st = {.cgroup = "cg_1", .workers = 3};

	(void)state;
	kt_result_init(&dst);
	kt_result_init(&src);
	kt_result_set_header(&dst, "steady", NULL, NULL);
	kt_result_add(&dst, KT_DETAIL_STUCK, "d0");
	kt_result_set_header(&src, "other", "1n1l2c1t", "eevdf");
	kt_result_add(&src, KT_DETAIL_SCHEDULER, "s0");
	kt_result_add(&src, KT_DETAIL_NOTE, "s1");
	kt_result_add_stats(&src, &st);
	src.duration_ns = 5;

	assert_int_equal(kt_result_merge(&dst, &src), 0);
	kt_result_free(&src); /* dst holds copies */
	assert_int_equal(dst.verdict, KT_VERDICT_SCHED);
	assert_int_equal(dst.nr_details, 3);
	assert_string_equal(dst.details[0].msg, "d0");
	assert_int_equal(dst.details[1].kind, KT_DETAIL_SCHEDULER);
	assert_string_equal(dst.details[1].msg, "s0");
	assert_int_equal(dst.details[2].kind, KT_DETAIL_NOTE);
	assert_string_equal(dst.details[2].msg, "s1");
	assert_int_equal(dst.nr_stats, 1);
	assert_string_equal(dst.stats[0].cgroup, "cg_1");
	assert_int_equal(dst.stats[0].workers, 3);
	/* dst's header stays, missing parts come from src */
	assert_string_equal(dst.scenario, "steady");
	assert_string_equal(dst.topo, "1n1l2c1t");
	assert_string_equal(dst.scheduler, "eevdf");
	assert_int_equal(dst.duration_ns, 5);

	/* a milder src never lowers the verdict */
	kt_result_init(&src);
	kt_result_add(&src, KT_DETAIL_STUCK, "s2");
	assert_int_equal(kt_result_merge(&dst, &src), 0);
	assert_int_equal(dst.verdict, KT_VERDICT_SCHED);
	assert_int_equal(dst.nr_details, 4);
	kt_result_free(&src);

	/* merging into itself appends a copy of everything */
	assert_int_equal(kt_result_merge(&dst, &dst), 0);
	assert_int_equal(dst.nr_details, 8);
	assert_int_equal(dst.nr_stats, 2);
	assert_string_equal(dst.details[7].msg, "s2");
	assert_string_equal(dst.stats[1].cgroup, "cg_1");
	kt_result_free(&dst);
}

static void test_merge_skip(void **state)
{
	struct kt_result dst, src;

	(void)state;
	/* skip into fail: fail stays, the reason is not taken */
	kt_result_init(&dst);
	kt_result_init(&src);
	kt_result_add(&dst, KT_DETAIL_UNFAIR, "unfair");
	kt_result_skip(&src, "no kvm");
	assert_int_equal(kt_result_merge(&dst, &src), 0);
	assert_int_equal(dst.verdict, KT_VERDICT_FAIL);
	assert_null(dst.skip_reason);
	kt_result_free(&dst);

	/* skip into pass: skipped, with the reason */
	kt_result_init(&dst);
	assert_int_equal(kt_result_merge(&dst, &src), 0);
	assert_int_equal(dst.verdict, KT_VERDICT_SKIP);
	assert_string_equal(dst.skip_reason, "no kvm");
	kt_result_free(&src);

	/* pass into skip: still skipped */
	kt_result_init(&src);
	assert_int_equal(kt_result_merge(&dst, &src), 0);
	assert_int_equal(dst.verdict, KT_VERDICT_SKIP);
	kt_result_free(&src);
	kt_result_free(&dst);
}

static void test_text_report(void **state)
{
	struct kt_result r;
	char *out;

	(void)state;
	fill_sample(&r);
	out = print_to_string(&r);
	assert_string_equal(
	    out, "FAIL steady [topo=1n1l4c1t sched=eevdf] 2.0s\n"
		 "  stuck 3500ms on cpu1 at +1200ms\n"
		 "  note: scheduler log truncated\n"
		 "--- stats ---\n"
		 "  cg_0: 2 workers on 2 cpus, off-cpu 1-3% (spread 2%), "
		 "max gap 12ms, 123456 units, 10 migrations (ratio 0.001), "
		 "p99 wake 1.2ms (40 samples)\n"
		 "  cg_1: 1 workers on 1 cpus, off-cpu 50-50% (spread 0%), "
		 "max gap 3000ms, 7 units, 0 migrations (ratio 0.000)\n");
	free(out);
	kt_result_free(&r);
}

static void test_text_headers(void **state)
{
	struct kt_result r;
	char *out;

	(void)state;
	kt_result_init(&r);
	out = print_to_string(&r);
	assert_string_equal(out, "PASS\n");
	free(out);

	kt_result_set_header(&r, "steady", NULL, NULL);
	kt_result_skip(&r, "needs %d cpus", 8);
	out = print_to_string(&r);
	assert_string_equal(out, "SKIP steady: needs 8 cpus\n");
	free(out);
	kt_result_free(&r);

	kt_result_init(&r);
	kt_result_set_header(&r, NULL, NULL, "scx_ktstr");
	r.duration_ns = KT_MS(12345);
	out = print_to_string(&r);
	assert_string_equal(out, "PASS [sched=scx_ktstr] 12.3s\n");
	free(out);
	kt_result_free(&r);

	kt_result_init(&r);
	kt_result_set_header(&r, "boot", "1n2l4c1t", NULL);
	kt_result_add(&r, KT_DETAIL_INFRA, "qemu exited with code 1");
	kt_result_add(&r, KT_DETAIL_SCHEDULER, "scheduler died");
	out = print_to_string(&r);
	assert_string_equal(out, "INFRA boot [topo=1n2l4c1t]\n"
				 "  qemu exited with code 1\n"
				 "  scheduler died\n");
	free(out);
	kt_result_free(&r);
}

static void assert_stats_equal(const struct kt_cgroup_stats *a,
			       const struct kt_cgroup_stats *b)
{
	assert_string_equal(a->cgroup, b->cgroup);
	assert_int_equal(a->workers, b->workers);
	assert_int_equal(a->cpus, b->cpus);
	assert_true(a->min_off_cpu_pct == b->min_off_cpu_pct);
	assert_true(a->max_off_cpu_pct == b->max_off_cpu_pct);
	assert_true(a->spread_pct == b->spread_pct);
	assert_int_equal(a->max_gap_ns, b->max_gap_ns);
	assert_int_equal(a->total_work_units, b->total_work_units);
	assert_int_equal(a->total_iterations, b->total_iterations);
	assert_int_equal(a->total_migrations, b->total_migrations);
	assert_true(a->migration_ratio == b->migration_ratio);
	assert_true(a->throughput_cv == b->throughput_cv);
	assert_int_equal(a->p99_wake_latency_ns, b->p99_wake_latency_ns);
	assert_int_equal(a->wake_samples, b->wake_samples);
}

static void test_json_round_trip(void **state)
{
	struct kt_result r, back;
	json_t *j, *again;
	char *text;
	size_t i;

	(void)state;
	fill_sample(&r);
	kt_result_add(&r, KT_DETAIL_SCHEDULER, "scheduler died");
	r.stats[1].throughput_cv = NAN;
	j = kt_result_to_json(&r);
	assert_non_null(j);

	/* the wire form uses names */
	assert_string_equal(json_string_value(json_object_get(j, "verdict")),
			    "sched");
	assert_string_equal(
	    json_string_value(json_object_get(
		json_array_get(json_object_get(j, "details"), 0), "kind")),
	    "stuck");
	assert_true(json_is_null(json_object_get(j, "skip_reason")));
	assert_true(json_is_null(json_object_get(
	    json_array_get(json_object_get(j, "stats"), 1), "throughput_cv")));

	/* through text and back */
	text = json_dumps(j, JSON_COMPACT);
	assert_non_null(text);
	json_decref(j);
	j = json_loads(text, 0, NULL);
	free(text);
	assert_non_null(j);
	assert_int_equal(kt_result_from_json(j, &back), 0);

	assert_int_equal(back.verdict, KT_VERDICT_SCHED);
	assert_string_equal(back.scenario, "steady");
	assert_string_equal(back.topo, "1n1l4c1t");
	assert_string_equal(back.scheduler, "eevdf");
	assert_null(back.skip_reason);
	assert_int_equal(back.duration_ns, KT_MS(2000));
	assert_int_equal(back.nr_details, r.nr_details);
	for (i = 0; i < r.nr_details; i++) {
		assert_int_equal(back.details[i].kind, r.details[i].kind);
		assert_string_equal(back.details[i].msg, r.details[i].msg);
	}
	assert_int_equal(back.nr_stats, 2);
	assert_stats_equal(&back.stats[0], &r.stats[0]);
	assert_true(isnan(back.stats[1].throughput_cv));
	back.stats[1].throughput_cv = 0.0;
	r.stats[1].throughput_cv = 0.0;
	assert_stats_equal(&back.stats[1], &r.stats[1]);

	/* and the second trip gives the same JSON */
	again = kt_result_to_json(&back);
	json_object_set_new(j, "stats", json_null());
	json_object_set_new(again, "stats", json_null());
	assert_true(json_equal(j, again));
	json_decref(again);
	json_decref(j);
	kt_result_free(&back);

	/* skipped, with its reason */
	kt_result_free(&r);
	kt_result_init(&r);
	kt_result_skip(&r, "no kvm");
	j = kt_result_to_json(&r);
	assert_int_equal(kt_result_from_json(j, &back), 0);
	assert_int_equal(back.verdict, KT_VERDICT_SKIP);
	assert_string_equal(back.skip_reason, "no kvm");
	assert_null(back.scenario);
	assert_int_equal(back.nr_details, 0);
	assert_int_equal(back.nr_stats, 0);
	json_decref(j);
	kt_result_free(&back);
	kt_result_free(&r);
}

/* Parse text; expect -EINVAL with exactly msg, and an empty result. */
static void expect_bad(const char *text, const char *msg)
{
	struct kt_result r;
	json_t *j = json_loads(text, JSON_DECODE_ANY, NULL);

	assert_non_null(j);
	assert_int_equal(kt_result_from_json(j, &r), -EINVAL);
	assert_string_equal(kt_last_error(), msg);
	assert_int_equal(r.nr_details, 0);
	assert_int_equal(r.nr_stats, 0);
	assert_null(r.scenario);
	json_decref(j);
}

static void test_json_errors(void **state)
{
	struct kt_result r;
	json_t *j;

	(void)state;
	expect_bad("[1]", "result JSON: expected an object");
	expect_bad("{}", "result JSON: \"verdict\" is missing");
	expect_bad("{\"verdict\": 2}",
		   "result JSON: \"verdict\" must be a string");
	expect_bad("{\"verdict\": \"meh\"}",
		   "result JSON: \"verdict\" has unknown value \"meh\"");
	expect_bad("{\"verdict\": \"PASS\"}",
		   "result JSON: \"verdict\" has unknown value \"PASS\"");
	expect_bad("{\"verdict\": \"fail\", \"scenario\": 5}",
		   "result JSON: \"scenario\" must be a string or null");
	expect_bad("{\"verdict\": \"fail\", \"duration_ns\": 1.5}",
		   "result JSON: \"duration_ns\" must be an integer");
	expect_bad("{\"verdict\": \"fail\", \"duration_ns\": -1}",
		   "result JSON: \"duration_ns\" is out of range");
	expect_bad("{\"verdict\": \"fail\", \"details\": {}}",
		   "result JSON: \"details\" must be an array");
	expect_bad("{\"verdict\": \"fail\", \"details\": [\"x\"]}",
		   "result JSON: \"details[0]\" must be an object");
	expect_bad("{\"verdict\": \"fail\", \"details\": ["
		   "{\"kind\": \"stuck\", \"msg\": \"a\"},"
		   "{\"kind\": \"bogus\", \"msg\": \"b\"}]}",
		   "result JSON: \"details[1].kind\" has unknown value "
		   "\"bogus\"");
	expect_bad("{\"verdict\": \"fail\", \"details\": [{\"msg\": \"b\"}]}",
		   "result JSON: \"details[0].kind\" is missing");
	expect_bad("{\"verdict\": \"fail\", \"details\": ["
		   "{\"kind\": \"stuck\", \"msg\": 3}]}",
		   "result JSON: \"details[0].msg\" must be a string or null");
	expect_bad("{\"verdict\": \"fail\", \"stats\": ["
		   "{\"cgroup\": \"cg_0\", \"workers\": \"2\"}]}",
		   "result JSON: \"stats[0].workers\" must be an integer");
	expect_bad("{\"verdict\": \"fail\", \"stats\": [{}, "
		   "{\"cpus\": 4294967296}]}",
		   "result JSON: \"stats[1].cpus\" is out of range");
	expect_bad("{\"verdict\": \"fail\", \"stats\": ["
		   "{\"spread_pct\": \"high\"}]}",
		   "result JSON: \"stats[0].spread_pct\" must be a number or "
		   "null");
	expect_bad("{\"verdict\": \"fail\", \"stats\": [{\"cgroup\": []}]}",
		   "result JSON: \"stats[0].cgroup\" must be a string or null");

	/* minimal input: only the verdict; integers accepted as doubles */
	j = json_loads("{\"verdict\": \"infra\", \"extra\": 1, \"stats\": "
		       "[{\"spread_pct\": 3}]}",
		       0, NULL);
	assert_non_null(j);
	assert_int_equal(kt_result_from_json(j, &r), 0);
	assert_int_equal(r.verdict, KT_VERDICT_INFRA);
	assert_int_equal(r.nr_stats, 1);
	assert_null(r.stats[0].cgroup);
	assert_true(r.stats[0].spread_pct == 3.0);
	json_decref(j);
	kt_result_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_names_and_exit_codes),
	    cmocka_unit_test(test_inconclusive_details),
	    cmocka_unit_test(test_add_raises_verdict),
	    cmocka_unit_test(test_skip),
	    cmocka_unit_test(test_set_header),
	    cmocka_unit_test(test_merge),
	    cmocka_unit_test(test_merge_skip),
	    cmocka_unit_test(test_text_report),
	    cmocka_unit_test(test_text_headers),
	    cmocka_unit_test(test_json_round_trip),
	    cmocka_unit_test(test_json_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
