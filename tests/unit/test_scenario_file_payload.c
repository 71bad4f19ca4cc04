/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Scenario files with binary payloads: RunPayload / WaitPayload /
 * KillPayload read into the op's payload spec (name, program, kind, args,
 * input, bounds), the file's program list, and the mistakes named with
 * their position and key.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <ktstr/scenario_file.h>

#define HEAD                                                                   \
	"{\"name\": \"t\", \"description\": \"d\",\n"                          \
	"\"backdrop\": {\"ops\": [{\"op\": \"AddCgroup\", \"cgroup\": "        \
	"\"p\"}]},\n"

static const char good[] =
    HEAD "\"steps\": [{\"ops\": [\n"
	 "{\"op\": \"RunPayload\", \"cgroup\": \"p\", \"name\": \"s\", "
	 "\"program\": \"stress-ng\", \"kind\": \"stress-ng\", "
	 "\"args\": [\"--cpu\", \"1\"], \"input\": \"x\", "
	 "\"bounds\": {\"cpu.bogo_ops_s\": {\"min\": 1}, "
	 "\"cpu.bogo_ops\": {\"min\": 2, \"max\": 1e9}}},\n"
	 "{\"op\": \"RunPayload\", \"cgroup\": \"p\", \"name\": \"c\", "
	 "\"program\": \"/usr/bin/cyclictest\"},\n"
	 "{\"op\": \"RunPayload\", \"cgroup\": \"p\", \"name\": \"s2\", "
	 "\"program\": \"stress-ng\"}]},\n"
	 "{\"ops\": [{\"op\": \"WaitPayload\", \"name\": \"s\"}, "
	 "{\"op\": \"KillPayload\", \"name\": \"c\"}]}]}\n";

static void test_good(void **state)
{
	struct kt_scenario_file *sf = NULL;
	const struct kt_op *ops;
	const struct kt_payload_spec *s;
	const char **progs;
	size_t nr;

	(void)state;
	if (kt_scenario_file_parse(good, strlen(good), "t.json", &sf))
		fail_msg("%s", kt_last_error());
	ops = sf->steps.steps[0].ops.ops;
	assert_int_equal(sf->steps.steps[0].ops.nr, 3);
	assert_int_equal(ops[0].kind, KT_OP_KIND_RUN_PAYLOAD);
	assert_string_equal(ops[0].cgroup, "p");
	s = &ops[0].payload;
	assert_string_equal(s->name, "s");
	assert_string_equal(s->program, "stress-ng");
	assert_int_equal(s->kind, KT_PAYLOAD_STRESS_NG);
	assert_string_equal(s->args[0], "--cpu");
	assert_string_equal(s->args[1], "1");
	assert_null(s->args[2]);
	assert_string_equal(s->input, "x");
	assert_int_equal(s->bounds.nr, 2);
	assert_string_equal(s->bounds.v[0].metric, "cpu.bogo_ops_s");
	assert_true(s->bounds.v[0].has_min);
	assert_false(s->bounds.v[0].has_max);
	assert_true(s->bounds.v[1].has_min && s->bounds.v[1].has_max);
	assert_true(s->bounds.v[1].max == 1e9);
	/* defaults: generic, no args */
	assert_int_equal(ops[1].payload.kind, KT_PAYLOAD_GENERIC);
	assert_null(ops[1].payload.args);
	ops = sf->steps.steps[1].ops.ops;
	assert_int_equal(ops[0].kind, KT_OP_KIND_WAIT_PAYLOAD);
	assert_string_equal(ops[0].payload.name, "s");
	assert_int_equal(ops[1].kind, KT_OP_KIND_KILL_PAYLOAD);
	/* each program once, in order */
	progs = kt_scenario_file_programs(sf, &nr);
	assert_int_equal(nr, 2);
	assert_string_equal(progs[0], "stress-ng");
	assert_string_equal(progs[1], "/usr/bin/cyclictest");
	free(progs);
	kt_scenario_file_free(sf);
}

static void expect_bad(const char *ops, const char *want)
{
	struct kt_scenario_file *sf = NULL;
	char text[2048];

	snprintf(text, sizeof(text), HEAD "\"steps\": [{\"ops\": [%s]}]}", ops);
	assert_int_equal(
	    kt_scenario_file_parse(text, strlen(text), "t.json", &sf), -EINVAL);
	assert_null(sf);
	if (!strstr(kt_last_error(), want))
		fail_msg("got  %s\nwant ...%s...", kt_last_error(), want);
}

#define RUN "{\"op\": \"RunPayload\", \"cgroup\": \"p\", \"name\": \"s\", "

static void test_mistakes(void **state)
{
	(void)state;
	expect_bad("{\"op\": \"RunPayload\", \"cgroup\": \"p\", \"name\": "
		   "\"s\"}",
		   "steps[0].ops[0]: op RunPayload needs \"program\"");
	expect_bad("{\"op\": \"RunPayload\", \"cgroup\": \"p\", \"program\": "
		   "\"x\"}",
		   "op RunPayload needs \"name\"");
	expect_bad(RUN "\"program\": \"x\", \"kind\": \"fio\"}",
		   "steps[0].ops[0]: unknown payload kind \"fio\" (expected "
		   "one of generic, stress-ng, cyclictest, rt-app, schbench)");
	expect_bad(RUN "\"program\": \"x\", \"args\": \"-c 1\"}",
		   "steps[0].ops[0].args: must be an array of strings, not a "
		   "string");
	expect_bad(RUN "\"program\": \"x\", \"args\": [1]}",
		   "steps[0].ops[0].args[0]: must be a string, not an integer");
	expect_bad(RUN "\"program\": \"x\", \"bounds\": {\"m\": {}}}",
		   "steps[0].ops[0].bounds.m: needs \"min\" or \"max\"");
	expect_bad(RUN "\"program\": \"x\", \"bounds\": {\"m\": {\"min\": 2, "
		       "\"max\": 1}}}",
		   "bounds.m: min 2 > max 1");
	expect_bad(RUN "\"program\": \"x\", \"bounds\": {\"m\": {\"low\": 2}}}",
		   "bounds.m");
	expect_bad(RUN "\"program\": \"\"}", "ops[0]: \"program\" is empty");
	expect_bad("{\"op\": \"RunPayload\", \"cgroup\": \"p\", \"name\": "
		   "\"a b\", \"program\": \"x\"}",
		   "\"a b\" is not a usable payload name");
	expect_bad("{\"op\": \"WaitPayload\"}",
		   "op WaitPayload needs \"name\"");
	expect_bad("{\"op\": \"KillPayload\", \"name\": \"s\", \"cgroup\": "
		   "\"p\"}",
		   "cgroup");
	/* names: started once, and before they are waited for or killed */
	expect_bad("{\"op\": \"WaitPayload\", \"name\": \"s\"}",
		   "steps[0].ops[0]: no payload \"s\" started before this op");
	expect_bad(RUN "\"program\": \"x\"}, " RUN "\"program\": \"y\"}",
		   "steps[0].ops[1]: payload \"s\" is started twice");
}

static void test_loop_step(void **state)
{
	struct kt_scenario_file *sf = NULL;
	const char text[] =
	    HEAD "\"steps\": [{\"ops\": [" RUN "\"program\": \"x\"}], "
		 "\"hold\": {\"loop_ms\": 100}}]}";

	(void)state;
	assert_int_equal(
	    kt_scenario_file_parse(text, strlen(text), "t.json", &sf), -EINVAL);
	assert_non_null(strstr(kt_last_error(),
			       "steps[0].ops[0]: RunPayload cannot be in a "
			       "loop step"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_good),
	    cmocka_unit_test(test_mistakes),
	    cmocka_unit_test(test_loop_step),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
