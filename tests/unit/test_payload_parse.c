/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of the payload parsers on real output: stress-ng 0.15's
 * --yaml file, cyclictest 2.4's histogram and summary, an rt-app 1.0
 * thread log (all recorded on a Debian 12 host, tests/fixtures/payload/),
 * and schbench's report in its documented format; plus the kind names,
 * resolving a program and the payload metrics of a result in JSON.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include <ktstr/payload.h>
#include <ktstr/result.h>

#define FIX KT_FIXTURES_DIR "/payload/"

static char *slurp(const char *name)
{
	FILE *f = fopen(name, "re");
	char *buf = NULL;
	size_t len = 0;

	assert_non_null(f);
	assert_int_equal(getdelim(&buf, &len, '\0', f) > 0, 1);
	fclose(f);
	return buf;
}

static double get(const struct kt_payload_metrics *m, const char *name)
{
	const struct kt_payload_metric *v = kt_payload_metrics_get(m, name);

	if (!v)
		fail_msg("no metric %s", name);
	return v->value;
}

static void test_stress_ng(void **state)
{
	struct kt_payload_metrics m = {0};
	char *t = slurp(FIX "stress-ng.yaml");

	(void)state;
	assert_int_equal(kt_payload_parse_stress_ng(t, &m), 0);
	assert_int_equal(m.nr, 6); /* cpu and vm, 3 each */
	assert_float_equal(get(&m, "cpu.bogo_ops_s"), 948.621616, 1e-6);
	assert_float_equal(get(&m, "cpu.bogo_ops_s_cpu"), 1420.567180, 1e-6);
	assert_float_equal(get(&m, "cpu.bogo_ops"), 1899, 0);
	assert_float_equal(get(&m, "vm.bogo_ops_s"), 10164.746801, 1e-6);
	assert_true(
	    kt_payload_metrics_get(&m, "cpu.bogo_ops_s")->higher_is_better);
	assert_string_equal(kt_payload_metrics_get(&m, "vm.bogo_ops_s")->unit,
			    "bogo-ops/s");
	kt_payload_metrics_free(&m);
	/* the system-info section alone is not metrics */
	t[strstr(t, "metrics:") - t] = '\0';
	assert_int_equal(kt_payload_parse_stress_ng(t, &m), -EINVAL);
	assert_non_null(strstr(kt_last_error(), "--metrics --yaml"));
	assert_int_equal(kt_payload_parse_stress_ng("", &m), -EINVAL);
	free(t);
}

static void test_cyclictest_hist(void **state)
{
	struct kt_payload_metrics m = {0};
	char *t = slurp(FIX "cyclictest-hist.txt");

	(void)state;
	assert_int_equal(kt_payload_parse_cyclictest(t, &m), 0);
	assert_float_equal(get(&m, "samples"), 1971 + 1963, 0);
	assert_float_equal(get(&m, "latency_min_us"), 29, 0);
	assert_float_equal(get(&m, "latency_max_us"), 3912, 0);
	/* 37 samples over the 200 us range of 3934: p99 (rank 3895) lies
	 * inside the histogram */
	assert_true(get(&m, "latency_p99_us") > 60);
	assert_true(get(&m, "latency_p99_us") < 200);
	/* the threads' averages weighted by their samples */
	assert_float_equal(get(&m, "latency_avg_us"),
			   (81.0 * 1971 + 78.0 * 1963) / (1971 + 1963), 1e-9);
	assert_false(
	    kt_payload_metrics_get(&m, "latency_p99_us")->higher_is_better);
	kt_payload_metrics_free(&m);
	free(t);
}

static void test_cyclictest_p99_exact(void **state)
{
	struct kt_payload_metrics m = {0};
	const char *t = "# Histogram\n"
			"000001 000050\t000040\n"
			"000002 000009\t000000\n"
			"000003 000000\t000001\n"
			"# Total: 000000059 000000041\n"
			"# Min Latencies: 00001 00001\n"
			"# Avg Latencies: 00001 00001\n"
			"# Max Latencies: 00002 00003\n"
			"# Histogram Overflows: 00000 00000\n";

	(void)state;
	assert_int_equal(kt_payload_parse_cyclictest(t, &m), 0);
	/* 100 samples: the 99th is at 2 us, the 100th at 3 */
	assert_float_equal(get(&m, "latency_p99_us"), 2, 0);
	assert_float_equal(get(&m, "latency_max_us"), 3, 0);
	/* the printed averages, weighted: (1 * 59 + 1 * 41) / 100 */
	assert_float_equal(get(&m, "latency_avg_us"), 1, 1e-9);
	kt_payload_metrics_free(&m);
	/* without them, the buckets' mean: (1 * 90 + 2 * 9 + 3) / 100 */
	assert_int_equal(kt_payload_parse_cyclictest(
			     "000001 000090\n000002 000009\n000003 000001\n"
			     "# Total: 000000100\n# Max Latencies: 00003\n",
			     &m),
			 0);
	assert_float_equal(get(&m, "latency_avg_us"), 1.11, 1e-9);
	assert_float_equal(get(&m, "latency_p99_us"), 2, 0);
	kt_payload_metrics_free(&m);
}

static void test_cyclictest_summary(void **state)
{
	struct kt_payload_metrics m = {0};
	char *t = slurp(FIX "cyclictest-summary.txt");

	(void)state;
	assert_int_equal(kt_payload_parse_cyclictest(t, &m), 0);
	assert_float_equal(get(&m, "latency_min_us"), 22, 0);
	assert_float_equal(get(&m, "latency_max_us"), 1137, 0);
	assert_float_equal(get(&m, "latency_avg_us"),
			   (66.0 * 999 + 74.0 * 667) / (999 + 667), 1e-9);
	assert_null(kt_payload_metrics_get(&m, "latency_p99_us"));
	kt_payload_metrics_free(&m);
	/* redrawn lines: the last one of a thread counts */
	assert_int_equal(
	    kt_payload_parse_cyclictest("T: 0 ( 1) P: 0 I:1000 C: 5 Min: 9 "
					"Act: 9 Avg: 9 Max: 9\r"
					"T: 0 ( 1) P: 0 I:1000 C: 10 Min: 3 "
					"Act: 4 Avg: 5 Max: 60\n",
					&m),
	    0);
	assert_float_equal(get(&m, "latency_max_us"), 60, 0);
	assert_float_equal(get(&m, "samples"), 10, 0);
	kt_payload_metrics_free(&m);
	assert_int_equal(kt_payload_parse_cyclictest("hello\n", &m), -EINVAL);
	free(t);
}

static void test_rt_app(void **state)
{
	struct kt_payload_metrics m = {0};
	char *t = slurp(FIX "rt-app-periodic-0.log");

	(void)state;
	assert_int_equal(kt_payload_parse_rt_app_log(t, "periodic-0", &m), 0);
	assert_float_equal(get(&m, "periodic-0.periods"), 99, 0);
	assert_true(get(&m, "periodic-0.slack_avg_us") > 0);
	assert_true(get(&m, "periodic-0.slack_avg_us") < 10000);
	assert_true(get(&m, "periodic-0.slack_min_us") <=
		    get(&m, "periodic-0.slack_avg_us"));
	assert_true(get(&m, "periodic-0.wu_lat_avg_us") > 0);
	assert_true(get(&m, "periodic-0.wu_lat_max_us") >=
		    get(&m, "periodic-0.wu_lat_avg_us"));
	kt_payload_metrics_free(&m);
	free(t);
	/* a wrapped negative wake-up latency reads back negative */
	assert_int_equal(
	    kt_payload_parse_rt_app_log(
		"#idx perf run period start end rel_st slack c_duration "
		"c_period wu_lat\n"
		"0 1 2 3 4 5 6 100 8 9 18446744073709541704\n"
		"0 1 2 3 4 5 6 300 8 9 20\n",
		"t", &m),
	    0);
	assert_float_equal(get(&m, "t.wu_lat_avg_us"), (-9912.0 + 20) / 2, 0);
	assert_float_equal(get(&m, "t.slack_min_us"), 100, 0);
	kt_payload_metrics_free(&m);
	/* a header and no periods: the config lacks a timer */
	assert_int_equal(kt_payload_parse_rt_app_log(
			     "# Policy : SCHED_OTHER priority : 0\n#idx "
			     "perf run period start end rel_st slack "
			     "c_duration c_period wu_lat\n",
			     "t", &m),
			 -EINVAL);
	assert_non_null(strstr(kt_last_error(), "timer"));
}

static void test_schbench(void **state)
{
	struct kt_payload_metrics m = {0};
	char *t = slurp(FIX "schbench.txt");

	(void)state;
	assert_int_equal(kt_payload_parse_schbench(t, &m), 0);
	/* the last report wins */
	assert_float_equal(get(&m, "wakeup_p50_us"), 8, 0);
	assert_float_equal(get(&m, "wakeup_p99_us"), 57, 0);
	assert_float_equal(get(&m, "wakeup_p999_us"), 198, 0);
	assert_float_equal(get(&m, "wakeup_max_us"), 402, 0);
	assert_float_equal(get(&m, "request_p99_us"), 6072, 0);
	assert_float_equal(get(&m, "request_min_us"), 3580, 0);
	assert_float_equal(get(&m, "rps_p50"), 900, 0);
	assert_float_equal(get(&m, "average_rps"), 898.5, 1e-9);
	assert_false(
	    kt_payload_metrics_get(&m, "request_p99_us")->higher_is_better);
	assert_true(
	    kt_payload_metrics_get(&m, "average_rps")->higher_is_better);
	kt_payload_metrics_free(&m);
	free(t);
	/* the older format: "*99.0000th: N" */
	assert_int_equal(
	    kt_payload_parse_schbench("Wakeup Latencies percentiles (usec)\n"
				      "\t50.0000th: 35\n\t*99.0000th: 1786\n",
				      &m),
	    0);
	assert_float_equal(get(&m, "wakeup_p99_us"), 1786, 0);
	assert_float_equal(get(&m, "wakeup_p50_us"), 35, 0);
	kt_payload_metrics_free(&m);
	assert_int_equal(kt_payload_parse_schbench("nothing\n", &m), -EINVAL);
}

static void test_kinds_and_resolve(void **state)
{
	enum kt_payload_kind k;
	char path[4096];

	(void)state;
	for (int i = 0; i < KT_PAYLOAD__COUNT; i++) {
		assert_int_equal(
		    kt_payload_kind_parse(kt_payload_kind_name(i), &k), 0);
		assert_int_equal(k, i);
	}
	assert_int_equal(kt_payload_kind_parse("fio", &k), -EINVAL);
	assert_non_null(strstr(kt_last_error(), "rt-app"));
	/* PATH lookup, an absolute path, and a missing program */
	assert_int_equal(kt_payload_resolve("sh", path, sizeof(path)), 0);
	assert_int_equal(path[0], '/');
	assert_int_equal(kt_payload_resolve("/bin/sh", path, sizeof(path)), 0);
	assert_string_equal(path, "/bin/sh");
	assert_int_equal(
	    kt_payload_resolve("no-such-prog-ktstr", path, sizeof(path)),
	    -ENOENT);
	assert_non_null(strstr(kt_last_error(), "no-such-prog-ktstr"));
	assert_non_null(strstr(kt_last_error(), "install"));
	assert_int_equal(
	    kt_payload_resolve("/nonexistent/x", path, sizeof(path)), -ENOENT);
	assert_int_equal(kt_payload_resolve(KT_FIXTURES_DIR "/payload/"
							    "schbench.txt",
					    path, sizeof(path)),
			 -ENOENT); /* not executable */
	/* a provided copy wins over PATH */
	assert_int_equal(kt_payload_provide("no-such-prog-ktstr", "/bin/sh"),
			 0);
	assert_int_equal(
	    kt_payload_resolve("no-such-prog-ktstr", path, sizeof(path)), 0);
	assert_string_equal(path, "/bin/sh");
}

static void test_result_metrics_json(void **state)
{
	struct kt_result r, back;
	json_t *j;
	FILE *f;
	char *text = NULL;
	size_t len = 0;

	(void)state;
	kt_result_init(&r);
	kt_result_set_header(&r, "payload_x", "1n1l2c1t", "eevdf");
	assert_int_equal(kt_result_add_metric(&r, "stress", "cpu.bogo_ops_s",
					      "bogo-ops/s", 950.5, true),
			 0);
	assert_int_equal(
	    kt_result_add_metric(&r, "cyc", "latency_p99_us", "us", 120, false),
	    0);
	j = kt_result_to_json(&r);
	assert_non_null(j);
	assert_int_equal(json_array_size(json_object_get(j, "metrics")), 2);
	assert_int_equal(kt_result_from_json(j, &back), 0);
	assert_int_equal(back.nr_metrics, 2);
	assert_float_equal(
	    kt_result_metric(&back, "stress", "cpu.bogo_ops_s")->value, 950.5,
	    0);
	assert_false(
	    kt_result_metric(&back, "cyc", "latency_p99_us")->higher_is_better);
	assert_null(kt_result_metric(&back, "cyc", "nope"));
	f = open_memstream(&text, &len);
	kt_result_print(&back, f);
	fclose(f);
	assert_non_null(strstr(text, "--- payload metrics ---"));
	assert_non_null(strstr(text, "stress: cpu.bogo_ops_s 950.5"));
	free(text);
	/* merging carries them */
	assert_int_equal(kt_result_merge(&r, &back), 0);
	assert_int_equal(r.nr_metrics, 4);
	json_decref(j);
	kt_result_free(&back);
	kt_result_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_stress_ng),
	    cmocka_unit_test(test_cyclictest_hist),
	    cmocka_unit_test(test_cyclictest_p99_exact),
	    cmocka_unit_test(test_cyclictest_summary),
	    cmocka_unit_test(test_rt_app),
	    cmocka_unit_test(test_schbench),
	    cmocka_unit_test(test_kinds_and_resolve),
	    cmocka_unit_test(test_result_metrics_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
