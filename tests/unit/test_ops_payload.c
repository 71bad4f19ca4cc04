/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The payload ops run real programs (sh, sleep) through the engine with
 * the no-op cgroup double: a non-zero exit FAILs with the output's tail
 * (the input file is there to read), KillPayload and a step's end stop a
 * payload without failing, a program nowhere to be found makes a SKIP
 * naming it, a schbench-kind payload's output becomes result metrics and
 * a bound outside FAILs, and a name is checked before anything runs.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <ktstr/ktstr.h>

static struct kt_topo *topo;
static struct kt_cgroup_ops *cgs;
static atomic_ushort step;

static int setup(void **state)
{
	struct kt_topo_spec spec = KT_TOPO(1, 1, 2, 1);

	(void)state;
	kt_clear_error();
	if (kt_cgroup_noop_new(&cgs))
		return -1;
	return kt_topo_from_spec(&spec, 0, &topo);
}

static int teardown(void **state)
{
	(void)state;
	kt_topo_free(topo);
	kt_cgroup_ops_free(cgs);
	return 0;
}

static struct kt_ctx ctx(void)
{
	return (struct kt_ctx){.cgroups = cgs,
			       .topo = topo,
			       .duration = KT_MS(300),
			       .workers_per_cgroup = 1,
			       .current_step = &step};
}

/* The detail of kind k whose message holds s, or NULL. */
static const char *detail(const struct kt_result *r, enum kt_detail_kind k,
			  const char *s)
{
	for (size_t i = 0; i < r->nr_details; i++)
		if (r->details[i].kind == k && strstr(r->details[i].msg, s))
			return r->details[i].msg;
	return NULL;
}

static void test_nonzero_exit_fails_with_tail(void **state)
{
	struct kt_ctx c = ctx();
	struct kt_result res;
	struct kt_backdrop bd = kt_backdrop(.ops = KT_OPS(KT_OP_ADD("p")));
	const char *msg;

	(void)state;
	kt_result_init(&res);
	assert_int_equal(
	    kt_execute_scenario(
		&c, &res, &bd,
		KT_STEPS(kt_step(.ops = KT_OPS(KT_OP_RUN_PAYLOAD(
				     "p", "bad", "sh",
				     .args = KT_PAYLOAD_ARGS(
					 "-c", "cat input; echo oops >&2; "
					       "exit 3"),
				     .input = "from-the-input-file\n")),
				 .hold = KT_HOLD_FIXED(KT_MS(50))),
			 kt_step(.ops = KT_OPS(KT_OP_WAIT_PAYLOAD("bad")),
				 .hold = KT_HOLD_FIXED(KT_MS(1))))),
	    0);
	assert_int_equal(res.verdict, KT_VERDICT_FAIL);
	msg = detail(&res, KT_DETAIL_PAYLOAD,
		     "payload bad (sh) exited with "
		     "status 3; last output:");
	assert_non_null(msg);
	assert_non_null(strstr(msg, "    from-the-input-file\n    oops"));
	kt_result_free(&res);
}

static void test_kill_and_step_end_do_not_fail(void **state)
{
	struct kt_ctx c = ctx();
	struct kt_result res;
	struct kt_backdrop bd = kt_backdrop(.ops = KT_OPS(KT_OP_ADD("p")));

	(void)state;
	kt_result_init(&res);
	assert_int_equal(
	    kt_execute_scenario(
		&c, &res, &bd,
		KT_STEPS(
		    kt_step(.ops = KT_OPS(KT_OP_RUN_PAYLOAD(
					      "p", "a", "sleep",
					      .args = KT_PAYLOAD_ARGS("60")),
					  KT_OP_ADD("q"),
					  KT_OP_RUN_PAYLOAD(
					      "q", "b", "sleep",
					      .args = KT_PAYLOAD_ARGS("60"))),
			    .hold = KT_HOLD_FIXED(KT_MS(50))),
		    kt_step(.ops = KT_OPS(KT_OP_KILL_PAYLOAD("a"),
					  KT_OP_WAIT_PAYLOAD("a")),
			    .hold = KT_HOLD_FIXED(KT_MS(1))))),
	    0);
	assert_int_equal(res.verdict, KT_VERDICT_PASS);
	assert_non_null(detail(&res, KT_DETAIL_NOTE,
			       "payload a (sleep) stopped by "
			       "KillPayload"));
	/* q belongs to step 1: its end stops b */
	assert_non_null(detail(&res, KT_DETAIL_NOTE,
			       "payload b (sleep) stopped at the end of its "
			       "step"));
	kt_result_free(&res);
}

static void test_missing_program_skips(void **state)
{
	struct kt_ctx c = ctx();
	struct kt_result res;

	(void)state;
	kt_result_init(&res);
	assert_int_equal(
	    kt_execute_steps(
		&c, &res,
		KT_STEPS(kt_step(.ops = KT_OPS(
				     KT_OP_ADD("p"),
				     KT_OP_RUN_PAYLOAD(
					 "p", "x", "ktstr-no-such-prog"))))),
	    0);
	assert_int_equal(res.verdict, KT_VERDICT_SKIP);
	assert_non_null(strstr(res.skip_reason, "payload x: payload program "
						"ktstr-no-such-prog: not "
						"found in PATH"));
	kt_result_free(&res);
}

static void test_metrics_and_bounds(void **state)
{
	struct kt_ctx c = ctx();
	struct kt_result res;
	struct kt_backdrop bd = kt_backdrop(.ops = KT_OPS(KT_OP_ADD("p")));
	const struct kt_result_metric *m;

	(void)state;
	kt_result_init(&res);
	assert_int_equal(
	    kt_execute_scenario(
		&c, &res, &bd,
		KT_STEPS(
		    kt_step(.ops = KT_OPS(KT_OP_RUN_PAYLOAD(
				"p", "sch", "cat", .kind = KT_PAYLOAD_SCHBENCH,
				.args = KT_PAYLOAD_ARGS(KT_FIXTURES_DIR
							"/payload/"
							"schbench.txt"),
				.bounds = KT_PAYLOAD_BOUNDS(
				    KT_PAYLOAD_MAX("wakeup_p99_us", 10),
				    KT_PAYLOAD_MIN("average_rps", 1),
				    KT_PAYLOAD_MIN("nope", 1)))),
			    .hold = KT_HOLD_FIXED(KT_MS(50))),
		    kt_step(.ops = KT_OPS(KT_OP_WAIT_PAYLOAD("sch")),
			    .hold = KT_HOLD_FIXED(KT_MS(1))))),
	    0);
	assert_int_equal(res.verdict, KT_VERDICT_FAIL);
	m = kt_result_metric(&res, "sch", "wakeup_p99_us");
	assert_non_null(m);
	assert_float_equal(m->value, 57, 0);
	assert_false(m->higher_is_better);
	assert_non_null(detail(&res, KT_DETAIL_PAYLOAD,
			       "payload sch: wakeup_p99_us 57 us above its "
			       "maximum 10"));
	assert_null(detail(&res, KT_DETAIL_PAYLOAD, "average_rps"));
	assert_non_null(
	    detail(&res, KT_DETAIL_PAYLOAD, "payload sch: no metric nope"));
	kt_result_free(&res);
}

static void test_checked_before_running(void **state)
{
	struct kt_ctx c = ctx();
	struct kt_result res;

	(void)state;
	kt_result_init(&res);
	assert_int_equal(
	    kt_execute_steps(
		&c, &res,
		KT_STEPS(
		    kt_step(.ops = KT_OPS(KT_OP_ADD("p"),
					  KT_OP_RUN_PAYLOAD("p", "", "sh"))))),
	    -EINVAL);
	assert_non_null(strstr(kt_last_error(), "no payload name"));
	assert_int_equal(
	    kt_execute_steps(
		&c, &res,
		KT_STEPS(kt_step(.ops = KT_OPS(
				     KT_OP_ADD("p"),
				     KT_OP_RUN_PAYLOAD(
					 "p", "x", "sh",
					 .bounds = KT_PAYLOAD_BOUNDS(
					     KT_PAYLOAD_RANGE("m", 2, 1))))))),
	    -EINVAL);
	assert_non_null(strstr(kt_last_error(), "min 2 > max 1"));
	kt_result_free(&res);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_nonzero_exit_fails_with_tail,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_kill_and_step_end_do_not_fail,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_missing_program_skips, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_metrics_and_bounds, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_checked_before_running, setup,
					    teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
