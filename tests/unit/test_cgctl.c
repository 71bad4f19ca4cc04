/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of the cgroup-controller knobs and checks: cpu.max text,
 * partition names and the def range checks (ops/ops_cgctl.c), the
 * scenario-file keys (scenario_file_cgroups.c), cpu.stat parsing, the
 * weighted max-min expected shares and the weighted-fairness and
 * bandwidth verdicts (result/check_cgctl.c).
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <ktstr/check.h>
#include <ktstr/ops.h>
#include <ktstr/result.h>
#include <ktstr/scenario_file.h>

static void test_cpu_max_parse(void **state)
{
	static const char *const bad[] = {
	    "",		 "0",
	    "500",	 "abc",
	    "50000 500", "50000 2000000",
	    "-5",	 "50000 100000 x",
	    "max x",	 "max 0",
	};
	struct kt_cpu_max m;
	char buf[64];

	(void)state;
	assert_int_equal(kt_cpu_max_parse("50000 100000", &m), 0);
	assert_true(m.quota_us == 50000 && m.period_us == 100000);
	assert_int_equal(kt_cpu_max_parse("25000", &m), 0);
	assert_true(m.quota_us == 25000 && m.period_us == 0);
	kt_cpu_max_format(&m, buf, sizeof(buf));
	assert_string_equal(buf, "25000 100000");
	assert_int_equal(kt_cpu_max_parse("max", &m), 0);
	assert_true(m.quota_us == KT_CPU_MAX_INF);
	kt_cpu_max_format(&m, buf, sizeof(buf));
	assert_string_equal(buf, "max 100000");
	assert_int_equal(kt_cpu_max_parse("max 200000", &m), 0);
	assert_true(m.period_us == 200000);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (kt_cpu_max_parse(bad[i], &m) != -EINVAL)
			fail_msg("\"%s\" accepted", bad[i]);
		assert_non_null(strstr(kt_last_error(), "cpu.max"));
	}
}

static void test_partition_and_def_checks(void **state)
{
	enum kt_partition p;

	(void)state;
	assert_int_equal(kt_partition_parse("root", &p), 0);
	assert_int_equal(p, KT_PARTITION_ROOT);
	assert_int_equal(kt_partition_parse("isolated", &p), 0);
	assert_int_equal(p, KT_PARTITION_ISOLATED);
	assert_int_equal(kt_partition_parse("member", &p), -EINVAL);
	assert_string_equal(kt_partition_name(KT_PARTITION_ROOT), "root");
	assert_null(kt_partition_name(KT_PARTITION_NONE));

	assert_int_equal(
	    kt_cgroup_def_check_ctrl(&kt_cgroup_def(
		"a", .cpu_weight = 10000, .cpu_max = KT_CPU_MAX(1000, 1000))),
	    0);
	assert_int_equal(
	    kt_cgroup_def_check_ctrl(&kt_cgroup_def("a", .cpu_weight = 10001)),
	    -EINVAL);
	assert_non_null(strstr(kt_last_error(), "cpu.weight 10001"));
	assert_int_equal(kt_cgroup_def_check_ctrl(&kt_cgroup_def(
			     "a", .cpu_max = KT_CPU_MAX(999, 0))),
			 -EINVAL);
	assert_int_equal(kt_cgroup_def_check_ctrl(&kt_cgroup_def(
			     "a", .cpu_max = KT_CPU_MAX(0, 100000))),
			 -EINVAL);
	assert_int_equal(kt_cgroup_def_check_ctrl(&kt_cgroup_def(
			     "a", .partition = KT_PARTITION_ROOT)),
			 -EINVAL);
	assert_non_null(strstr(kt_last_error(), "needs a cpuset"));
	assert_int_equal(kt_cgroup_def_check_ctrl(&kt_cgroup_def(
			     "a", .partition = KT_PARTITION_ISOLATED,
			     .cpuset = KT_CPUSET_LLC(0))),
			 0);
}

/* Parse one cgroup def `def` (JSON object text) in a minimal file. */
static int parse_def(const char *def, struct kt_cgroup_def *out)
{
	char text[1024];
	struct kt_scenario_file *sf = NULL;
	int err;

	snprintf(text, sizeof(text),
		 "{\"name\": \"t\", \"description\": \"d\",\n"
		 " \"cgroups\": [%s]}",
		 def);
	err = kt_scenario_file_parse(text, strlen(text), "t.json", &sf);
	if (!err)
		*out = sf->steps.steps[0].defs.defs[0];
	kt_scenario_file_free(sf);
	return err;
}

static void test_scenario_file_keys(void **state)
{
	static const struct {
		const char *def, *want;
	} bad[] = {
	    {"{\"name\": \"a\", \"cpu.weight\": 0}", "cpu.weight"},
	    {"{\"name\": \"a\", \"cpu.weight\": 10001}", "cpu.weight"},
	    {"{\"name\": \"a\", \"cpu.max\": \"abc\"}", "cpu.max"},
	    {"{\"name\": \"a\", \"cpu.max\": 50000}", "cpu.max"},
	    {"{\"name\": \"a\", \"cpu.idle\": 2}", "cpu.idle"},
	    {"{\"name\": \"a\", \"cpuset.cpus.partition\": \"member\"}",
	     "partition"},
	    {"{\"name\": \"a\", \"cpuset.cpus.partition\": \"root\"}",
	     "needs a cpuset"},
	};
	struct kt_cgroup_def d;

	(void)state;
	assert_int_equal(
	    parse_def("{\"name\": \"a\", \"cpu.weight\": 200, \"cpu.max\": "
		      "\"max\", \"cpu.idle\": 1, \"cpuset\": {\"llc\": 0}, "
		      "\"cpuset.cpus.partition\": \"isolated\"}",
		      &d),
	    0);
	assert_int_equal(d.cpu_weight, 200);
	assert_true(d.cpu_max.quota_us == KT_CPU_MAX_INF);
	assert_true(d.cpu_idle.set && d.cpu_idle.val);
	assert_int_equal(d.partition, KT_PARTITION_ISOLATED);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (parse_def(bad[i].def, &d) != -EINVAL)
			fail_msg("%s accepted", bad[i].def);
		if (!strstr(kt_last_error(), bad[i].want))
			fail_msg("%s: %s", bad[i].def, kt_last_error());
	}
}

static void test_cpu_stat_parse(void **state)
{
	struct kt_cg_cpu_stat s;

	(void)state;
	assert_int_equal(kt_cg_cpu_stat_parse("usage_usec 1505000\n"
					      "user_usec 1500000\n"
					      "system_usec 5000\n"
					      "nr_periods 31\n"
					      "nr_throttled 30\n"
					      "throttled_usec 3012000\n",
					      &s),
			 0);
	assert_true(s.usage_us == 1505000 && s.nr_periods == 31 &&
		    s.nr_throttled == 30 && s.throttled_us == 3012000);
	assert_int_equal(kt_cg_cpu_stat_parse("user_usec 5\n", &s), -EINVAL);
}

#define CG(n, w, d, u)                                                         \
	((struct kt_cgroup_cpu){                                               \
	    .cgroup = (n), .weight = (w), .demand = (d), .usage_us = (u)})

static void test_expected_shares(void **state)
{
	struct kt_cgroup_cpu two[] = {CG("a", 200, 2, 0), CG("b", 100, 2, 0)};
	struct kt_cgroup_cpu capped[] = {CG("a", 100, 1, 0),
					 CG("b", 100, 4, 0)};
	struct kt_cgroup_cpu three[] = {CG("a", 300, 8, 0), CG("b", 100, 8, 0),
					CG("c", 100, 0.5, 0)};
	double out[3];

	(void)state;
	assert_int_equal(kt_weight_expected_shares(two, 2, 2, out), 0);
	assert_true(fabs(out[0] - 2.0 / 3) < 1e-9);
	assert_true(fabs(out[1] - 1.0 / 3) < 1e-9);
	/* a cannot use its half of 3 CPUs: it gets 1, b the other 2 */
	assert_int_equal(kt_weight_expected_shares(capped, 2, 3, out), 0);
	assert_true(fabs(out[0] - 1.0 / 3) < 1e-9);
	assert_true(fabs(out[1] - 2.0 / 3) < 1e-9);
	/* c (0.5 CPU under cpu.max) is fixed; 3.5 split 3:1 */
	assert_int_equal(kt_weight_expected_shares(three, 3, 4, out), 0);
	assert_true(fabs(out[2] - 0.5 / 4) < 1e-9);
	assert_true(fabs(out[0] - 3.5 * 0.75 / 4) < 1e-9);
	assert_true(fabs(out[1] - 3.5 * 0.25 / 4) < 1e-9);
}

static const char *detail_of(const struct kt_result *r,
			     enum kt_detail_kind kind)
{
	for (size_t i = 0; i < r->nr_details; i++)
		if (r->details[i].kind == kind)
			return r->details[i].msg;
	return NULL;
}

static void test_weight_verdicts(void **state)
{
	struct kt_cgroup_cpu good[] = {CG("cg_heavy", 200, 2, 3960000),
				       CG("cg_light", 100, 2, 2040000)};
	struct kt_cgroup_cpu fifo[] = {CG("cg_heavy", 200, 2, 3000000),
				       CG("cg_light", 100, 2, 3000000)};
	struct kt_cgroup_cpu idle[] = {CG("a", 200, 1, 1000000),
				       CG("b", 100, 1, 1000000)};
	struct kt_result r;

	(void)state;
	kt_result_init(&r);
	assert_int_equal(kt_check_weight_shares(good, 2, 2, 15, &r), 0);
	assert_int_equal(r.verdict, KT_VERDICT_PASS);
	assert_non_null(strstr(detail_of(&r, KT_DETAIL_NOTE),
			       "cg_heavy weight 200: weight share 66.7%, "
			       "measured 66.0%"));
	kt_result_free(&r);

	kt_result_init(&r);
	assert_int_equal(kt_check_weight_shares(fifo, 2, 2, 15, &r), 0);
	assert_int_equal(r.verdict, KT_VERDICT_FAIL);
	assert_non_null(strstr(detail_of(&r, KT_DETAIL_UNFAIR),
			       "cg_light is 50% off its weight share"));
	assert_non_null(strstr(detail_of(&r, KT_DETAIL_UNFAIR),
			       "cg_light weight 100: weight share 33.3%, "
			       "measured 50.0%"));
	kt_result_free(&r);

	/* 2 workers on 2 CPUs do not compete: nothing judged */
	kt_result_init(&r);
	assert_int_equal(kt_check_weight_shares(idle, 2, 2, 15, &r), 0);
	assert_int_equal(r.nr_details, 0);
	kt_result_free(&r);
}

static void test_bandwidth_verdicts(void **state)
{
	struct kt_cg_cpu_stat ok = {.usage_us = 1505000,
				    .nr_periods = 31,
				    .nr_throttled = 31,
				    .throttled_us = 3012000};
	struct kt_cg_cpu_stat over = {.usage_us = 3000000, .nr_periods = 31};
	struct kt_result r;

	(void)state;
	kt_result_init(&r);
	assert_int_equal(kt_check_bandwidth("cg_capped", 50000, 100000, 3026000,
					    &ok, 10, &r),
			 0);
	assert_int_equal(r.verdict, KT_VERDICT_PASS);
	assert_non_null(strstr(detail_of(&r, KT_DETAIL_NOTE),
			       "throttled 31 of 31 periods"));
	kt_result_free(&r);

	/* a whole CPU for 3 s against 1.5 s allowed: 98% over */
	kt_result_init(&r);
	assert_int_equal(kt_check_bandwidth("cg_capped", 50000, 100000, 3026000,
					    &over, 10, &r),
			 0);
	assert_int_equal(r.verdict, KT_VERDICT_FAIL);
	assert_non_null(strstr(detail_of(&r, KT_DETAIL_UNFAIR),
			       "allowed 1.513s, 98% over"));
	kt_result_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cpu_max_parse),
	    cmocka_unit_test(test_partition_and_def_checks),
	    cmocka_unit_test(test_scenario_file_keys),
	    cmocka_unit_test(test_cpu_stat_parse),
	    cmocka_unit_test(test_expected_shares),
	    cmocka_unit_test(test_weight_verdicts),
	    cmocka_unit_test(test_bandwidth_verdicts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
