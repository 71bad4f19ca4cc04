/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests for the KTSTR_TEST runner's pure logic: name filters, the
 * expect_err rules, TAP / summary / JUnit text of fixed records, XML
 * escaping, the parallel admission rule, and registration itself (this
 * binary registers two tests with KTSTR_TEST).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <ktstr/test.h>
#include <ktstr/test_runner.h>

static int dummy_body_calls;

KTSTR_TEST(unit_first, .topo = KT_TOPO(1, 2, 2, 1), .duration_s = 3,
	   .workers = 5, .expect_err = true,
	   .assert = {.max_gap_ns = KT_SET(KT_MS(7))})
{
	(void)ctx;
	dummy_body_calls++;
	return kt_result_add(res, KT_DETAIL_STARVED, "unit: starved");
}

KTSTR_TEST(unit_second, .host_only = true)
{
	(void)ctx;
	(void)res;
	dummy_body_calls++;
	return 0;
}

/* Run fn(f) into a memory stream and return the text (malloc'd). */
#define CAPTURE(text, stmt)                                                    \
	do {                                                                   \
		size_t len_ = 0;                                               \
		FILE *f = open_memstream(&(text), &len_);                      \
		assert_non_null(f);                                            \
		stmt;                                                          \
		fclose(f);                                                     \
	} while (0)

static void test_filter_substring_and_glob(void **state)
{
	const char *pats[] = {"cpuset", "steady_*"};

	(void)state;
	assert_true(kt_test_filter_match("ead", "steady"));
	assert_true(kt_test_filter_match("steady", "steady"));
	assert_false(kt_test_filter_match("Steady", "steady"));
	assert_true(kt_test_filter_match("st*y", "steady"));
	assert_false(kt_test_filter_match("st*", "mixed_steady"));
	assert_true(kt_test_filter_match("*steady", "mixed_steady"));
	assert_true(kt_test_filter_match("cpuset_?pply", "cpuset_apply"));
	assert_true(kt_test_filter_match("[cm]*", "mixed"));
	assert_false(kt_test_filter_match("[cm]*", "steady"));
	assert_false(kt_test_filter_match("nomatch", "steady"));

	assert_true(kt_test_selected(NULL, 0, "anything"));
	assert_true(kt_test_selected(pats, 2, "cpuset_apply"));
	assert_true(kt_test_selected(pats, 2, "steady_llc"));
	assert_false(kt_test_selected(pats, 2, "steady"));
	assert_false(kt_test_selected(pats, 2, "mixed_workloads"));
}

static void test_judge_rules(void **state)
{
	const char *why;

	(void)state;
	assert_int_equal(kt_test_judge(KT_VERDICT_PASS, false, &why),
			 KT_TEST_PASSED);
	assert_null(why);
	assert_int_equal(kt_test_judge(KT_VERDICT_SKIP, false, &why),
			 KT_TEST_SKIPPED);
	assert_int_equal(kt_test_judge(KT_VERDICT_FAIL, false, &why),
			 KT_TEST_FAILED);
	assert_null(why);
	assert_int_equal(kt_test_judge(KT_VERDICT_SCHED, false, NULL),
			 KT_TEST_FAILED);
	assert_int_equal(kt_test_judge(KT_VERDICT_INFRA, false, &why),
			 KT_TEST_FAILED);
	assert_null(why);

	/* expect_err inverts FAIL/SCHED and PASS, never SKIP or INFRA */
	assert_int_equal(kt_test_judge(KT_VERDICT_FAIL, true, &why),
			 KT_TEST_PASSED);
	assert_null(why);
	assert_int_equal(kt_test_judge(KT_VERDICT_SCHED, true, &why),
			 KT_TEST_PASSED);
	assert_int_equal(kt_test_judge(KT_VERDICT_PASS, true, &why),
			 KT_TEST_FAILED);
	assert_string_equal(why, "expected an error, but the test passed");
	assert_int_equal(kt_test_judge(KT_VERDICT_SKIP, true, &why),
			 KT_TEST_SKIPPED);
	assert_int_equal(kt_test_judge(KT_VERDICT_INFRA, true, &why),
			 KT_TEST_FAILED);
	assert_string_equal(why,
			    "infrastructure failure (not the expected error)");

	/* INCONCLUSIVE is its own status, never a pass either way */
	assert_int_equal(kt_test_judge(KT_VERDICT_INCONCLUSIVE, false, &why),
			 KT_TEST_INCONCLUSIVE);
	assert_null(why);
	assert_int_equal(kt_test_judge(KT_VERDICT_INCONCLUSIVE, true, &why),
			 KT_TEST_INCONCLUSIVE);
	assert_string_equal(why, "inconclusive (not the expected error)");
}

static void test_tap_lines(void **state)
{
	struct kt_test_record pass = {.name = "steady"};
	struct kt_test_record fail = {
	    .name = "cpuset_apply",
	    .verdict = KT_VERDICT_FAIL,
	    .reason = "stuck",
	    .report = "FAIL cpuset_apply [topo=1n1l2c1t sched=eevdf] 2.0s\n"
		      "  stuck 3500ms on cpu1\n\n  end\n",
	};
	struct kt_test_record skip = {.name = "llc",
				      .verdict = KT_VERDICT_SKIP,
				      .reason = "one LLC\nsecond line"};
	struct kt_test_record skip_noreason = {.name = "s2",
					       .verdict = KT_VERDICT_SKIP};
	struct kt_test_record inv_ok = {.name = "neg",
					.verdict = KT_VERDICT_FAIL,
					.expect_err = true,
					.report = "FAIL neg\n"};
	struct kt_test_record inv_bad = {
	    .name = "neg2", .expect_err = true, .report = "PASS neg2\n"};
	struct kt_test_record infra = {.name = "boom",
				       .verdict = KT_VERDICT_INFRA,
				       .expect_err = true,
				       .reason = "guest Oops"};
	struct kt_test_record inc = {.name = "stall",
				     .verdict = KT_VERDICT_INCONCLUSIVE,
				     .reason = "host stall\nmore",
				     .report =
					 "INCONCLUSIVE stall\n  gap on cpu1\n"};
	char *text = NULL;

	(void)state;
	CAPTURE(text,
		(kt_tap_print(f, 1, &pass), kt_tap_print(f, 2, &fail),
		 kt_tap_print(f, 3, &skip), kt_tap_print(f, 4, &skip_noreason),
		 kt_tap_print(f, 5, &inv_ok), kt_tap_print(f, 6, &inv_bad),
		 kt_tap_print(f, 7, &infra), kt_tap_print(f, 8, &inc)));
	assert_string_equal(
	    text, "ok 1 - steady\n"
		  "not ok 2 - cpuset_apply\n"
		  "# FAIL cpuset_apply [topo=1n1l2c1t sched=eevdf] 2.0s\n"
		  "#   stuck 3500ms on cpu1\n"
		  "#\n"
		  "#   end\n"
		  "ok 3 - llc # SKIP one LLC\n"
		  "ok 4 - s2 # SKIP skipped\n"
		  "ok 5 - neg\n"
		  "not ok 6 - neg2\n"
		  "# expected an error, but the test passed\n"
		  "# PASS neg2\n"
		  "not ok 7 - boom\n"
		  "# infrastructure failure (not the expected error)\n"
		  "# guest Oops\n"
		  "not ok 8 - stall # INCONCLUSIVE host stall\n"
		  "# INCONCLUSIVE stall\n"
		  "#   gap on cpu1\n");
	free(text);
}

static void test_summary(void **state)
{
	struct kt_test_record recs[] = {
	    {.name = "a"},
	    {.name = "b", .verdict = KT_VERDICT_FAIL},
	    {.name = "c", .verdict = KT_VERDICT_FAIL, .expect_err = true},
	    {.name = "d", .verdict = KT_VERDICT_SKIP},
	    {.name = "e", .verdict = KT_VERDICT_INFRA, .expect_err = true},
	    {.name = "f", .verdict = KT_VERDICT_INCONCLUSIVE},
	};
	struct kt_test_totals t = {0}, t2 = {0};
	char *text = NULL;

	(void)state;
	for (size_t i = 0; i < KT_ARRAY_SIZE(recs); i++)
		kt_test_totals_add(&t, &recs[i]);
	assert_int_equal(t.passed, 2);
	assert_int_equal(t.failed, 2);
	assert_int_equal(t.skipped, 1);
	assert_int_equal(t.inconclusive, 1);
	CAPTURE(text, kt_test_summary_print(f, &t));
	assert_string_equal(text,
			    "2 passed, 2 failed, 1 skipped, 1 inconclusive\n");
	free(text);

	kt_test_totals_add(&t2, &recs[0]);
	CAPTURE(text, kt_test_summary_print(f, &t2));
	assert_string_equal(text, "1 passed, 0 failed\n");
	free(text);
}

static void test_xml_escape(void **state)
{
	char *s;

	(void)state;
	s = kt_xml_escape("a<b>&\"c\"'d'", false);
	assert_string_equal(s, "a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;");
	free(s);
	s = kt_xml_escape("l1\nl2\tx\x01y\x7f", false);
	assert_string_equal(s, "l1\nl2\tx?y?");
	free(s);
	s = kt_xml_escape("l1\nl2\tx\r", true);
	assert_string_equal(s, "l1&#10;l2&#9;x&#13;");
	free(s);
	s = kt_xml_escape(NULL, true);
	assert_string_equal(s, "");
	free(s);
	/* UTF-8 passes through untouched */
	s = kt_xml_escape("caf\xc3\xa9", true);
	assert_string_equal(s, "caf\xc3\xa9");
	free(s);
}

static void test_junit(void **state)
{
	struct kt_test_record recs[] = {
	    {.name = "steady", .seconds = 4.5},
	    {.name = "un<fair>",
	     .verdict = KT_VERDICT_FAIL,
	     .reason = "spread 42% > 15% & more",
	     .report = "FAIL un<fair>\n  spread \"42%\"\n",
	     .seconds = 2},
	    {.name = "llc",
	     .verdict = KT_VERDICT_SKIP,
	     .reason = "one LLC",
	     .seconds = 0.25},
	    {.name = "neg", .expect_err = true, .seconds = 1},
	    {.name = "neg_ok",
	     .verdict = KT_VERDICT_SCHED,
	     .expect_err = true,
	     .seconds = 1},
	    {.name = "oops",
	     .verdict = KT_VERDICT_INFRA,
	     .reason = "guest Oops",
	     .report = "vm: crash: guest Oops\n",
	     .seconds = 3},
	};
	char *text = NULL;

	(void)state;
	CAPTURE(text, assert_int_equal(kt_junit_write(f, "self&test", recs,
						      KT_ARRAY_SIZE(recs)),
				       0));
	assert_string_equal(
	    text,
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<testsuite name=\"self&amp;test\" tests=\"6\" failures=\"2\" "
	    "errors=\"1\" skipped=\"1\" time=\"11.750\">\n"
	    "  <testcase name=\"steady\" classname=\"self&amp;test\" "
	    "time=\"4.500\"/>\n"
	    "  <testcase name=\"un&lt;fair&gt;\" classname=\"self&amp;test\" "
	    "time=\"2.000\">\n"
	    "    <failure message=\"spread 42% &gt; 15% &amp; more\" "
	    "type=\"fail\">FAIL un&lt;fair&gt;\n"
	    "  spread &quot;42%&quot;\n"
	    "</failure>\n"
	    "  </testcase>\n"
	    "  <testcase name=\"llc\" classname=\"self&amp;test\" "
	    "time=\"0.250\">\n"
	    "    <skipped message=\"one LLC\"/>\n"
	    "  </testcase>\n"
	    "  <testcase name=\"neg\" classname=\"self&amp;test\" "
	    "time=\"1.000\">\n"
	    "    <failure message=\"expected an error, but the test passed\" "
	    "type=\"pass\"></failure>\n"
	    "  </testcase>\n"
	    "  <testcase name=\"neg_ok\" classname=\"self&amp;test\" "
	    "time=\"1.000\"/>\n"
	    "  <testcase name=\"oops\" classname=\"self&amp;test\" "
	    "time=\"3.000\">\n"
	    "    <error message=\"guest Oops\" type=\"infra\">vm: crash: guest "
	    "Oops\n"
	    "</error>\n"
	    "  </testcase>\n"
	    "</testsuite>\n");
	free(text);

	CAPTURE(text, assert_int_equal(kt_junit_write(f, "empty", NULL, 0), 0));
	assert_string_equal(text, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
				  "<testsuite name=\"empty\" tests=\"0\" "
				  "failures=\"0\" errors=\"0\" skipped=\"0\" "
				  "time=\"0.000\">\n"
				  "</testsuite>\n");
	free(text);
}

static void test_cost(void **state)
{
	(void)state;
	/* single-threaded TCG: one host thread per VM, whatever its size */
	assert_int_equal(kt_test_cost(4, KT_ACCEL_TCG, false, 2), 1);
	assert_int_equal(kt_test_cost(16, KT_ACCEL_TCG, false, 2), 1);
	assert_int_equal(kt_test_cost(4, KT_ACCEL_KVM, false, 8), 4);
	assert_int_equal(kt_test_cost(4, KT_ACCEL_TCG_MULTI, false, 8), 4);
	/* host tests take every CPU: they run alone */
	assert_int_equal(kt_test_cost(2, KT_ACCEL_TCG, true, 8), 8);
	assert_int_equal(kt_test_cost(2, KT_ACCEL_KVM, true, 0), 1);
}

static void test_admit(void **state)
{
	(void)state;
	/* nothing running: always, even over budget or with -j 1 */
	assert_true(kt_test_admit(0, 0, 1, 1, 2));
	assert_true(kt_test_admit(0, 0, 16, 2, 2));
	/* -j 1: never a second */
	assert_false(kt_test_admit(1, 1, 1, 1, 8));
	/* -j 2 on 2 CPUs under TCG: two VMs, not three */
	assert_true(kt_test_admit(1, 1, 1, 2, 2));
	assert_false(kt_test_admit(2, 2, 1, 3, 2));
	/* -j 4 on 8 CPUs under KVM: 4+4 fits, 4+4+1 does not */
	assert_true(kt_test_admit(1, 4, 4, 4, 8));
	assert_false(kt_test_admit(2, 8, 1, 4, 8));
	/* a big VM alone blocks the rest; a host test (cost = all) too */
	assert_false(kt_test_admit(1, 16, 1, 4, 8));
	assert_false(kt_test_admit(1, 1, 8, 4, 8));
	assert_false(kt_test_admit(1, 8, 1, 4, 8));
}

static void test_registry(void **state)
{
	const struct kt_test *a, *b;
	struct kt_topo_spec topo;
	struct kt_assert as;

	(void)state;
	assert_int_equal(kt_test_count(), 2);
	a = kt_test_at(0);
	b = kt_test_at(1);
	assert_non_null(a);
	assert_non_null(b);
	assert_null(kt_test_at(2));
	/* definition order within a file */
	assert_string_equal(a->name, "unit_first");
	assert_string_equal(b->name, "unit_second");
	assert_ptr_equal(kt_test_find("unit_second"), b);
	assert_null(kt_test_find("unit"));
	assert_null(kt_test_find(NULL));
	assert_int_equal(kt_test_validate_all(), 0);

	assert_true(a->expect_err);
	assert_false(a->host_only);
	assert_true(b->host_only);
	assert_non_null(strstr(a->file, "test_ktest_runner.c"));
	topo = kt_test_topo(a);
	assert_int_equal(kt_topo_spec_cpus(&topo), 4);
	topo = kt_test_topo(b);
	assert_int_equal(topo.numa, 1);
	assert_int_equal(topo.llcs, 1);
	assert_int_equal(topo.cores, 2);
	assert_int_equal(topo.threads, 1);
	assert_int_equal(kt_test_duration_ns(a), KT_SEC(3));
	assert_int_equal(kt_test_duration_ns(b),
			 KT_SEC(KT_TEST_DEFAULT_DURATION_S));
	assert_int_equal(kt_test_workers(a), 5);
	assert_int_equal(kt_test_workers(b), 2);

	/* defaults -> scheduler layer -> test */
	as = kt_test_assert(a, NULL);
	assert_true(as.not_starved.set && as.not_starved.val);
	assert_int_equal(as.max_gap_ns.val, KT_MS(7));
	{
		struct kt_assert sched = {
		    .max_gap_ns = KT_SET(KT_MS(100)),
		    .max_spread_pct = KT_SET(30.0),
		};

		as = kt_test_assert(a, &sched);
		assert_int_equal(as.max_gap_ns.val, KT_MS(7));
		assert_true(as.max_spread_pct.val == 30.0);
		as = kt_test_assert(b, &sched);
		assert_int_equal(as.max_gap_ns.val, KT_MS(100));
	}
}

/* The body runs through kt_test_run_here with the no-op double and a
 * recorded sysfs tree: header, merged ctx, verdict. */
static void test_run_here(void **state)
{
	struct kt_test_env env = {
	    .sysfs_root = KT_FIXTURES_DIR "/sysfs/vm-1n1l4c1t",
	    .sched_label = "scx_x",
	};
	struct kt_result res;

	(void)state;
	dummy_body_calls = 0;
	kt_result_init(&res);
	assert_int_equal(kt_test_run_here(kt_test_at(0), &env, &res), 0);
	assert_int_equal(dummy_body_calls, 1);
	assert_int_equal(res.verdict, KT_VERDICT_FAIL);
	assert_string_equal(res.scenario, "unit_first");
	assert_string_equal(res.topo, "1n1l4c1t");
	assert_string_equal(res.scheduler, "scx_x");
	kt_result_free(&res);

	env.sysfs_root = "/nonexistent-sysfs";
	kt_result_init(&res);
	assert_true(kt_test_run_here(kt_test_at(1), &env, &res) < 0);
	assert_int_equal(res.verdict, KT_VERDICT_INFRA);
	assert_int_equal(dummy_body_calls, 1);
	kt_result_free(&res);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_filter_substring_and_glob),
	    cmocka_unit_test(test_judge_rules),
	    cmocka_unit_test(test_tap_lines),
	    cmocka_unit_test(test_summary),
	    cmocka_unit_test(test_xml_escape),
	    cmocka_unit_test(test_junit),
	    cmocka_unit_test(test_cost),
	    cmocka_unit_test(test_admit),
	    cmocka_unit_test(test_registry),
	    cmocka_unit_test(test_run_here),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
