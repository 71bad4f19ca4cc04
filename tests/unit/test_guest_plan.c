/* SPDX-License-Identifier: GPL-2.0-only */
/* Unit tests for the guest's run plan parser (src/guest/plan.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <ktstr/common.h>
#include <ktstr/vm.h>

#include "../../src/guest/plan.h"
#include "vm/vm_plan.h"

static void assert_contains(const char *hay, const char *needle)
{
	if (!strstr(hay, needle))
		fail_msg("\"%s\" does not contain \"%s\"", hay, needle);
}

static void test_full_plan(void **state)
{
	struct kt_plan p;

	(void)state;
	assert_int_equal(
	    kt_plan_parse("{\"version\": 1, \"mode\": \"run\","
			  " \"scenarios\": [\"steady\", \"mixed\"],"
			  " \"duration_ns\": 2000000000,"
			  " \"workers\": 3, \"topo\": \"1n2l2c1t\","
			  " \"sched\": null}",
			  "p.json", &p),
	    0);
	assert_int_equal(p.version, 1);
	assert_int_equal(p.mode, KT_PLAN_RUN);
	assert_int_equal(p.nr_scenarios, 2);
	assert_string_equal(p.scenarios[0], "steady");
	assert_string_equal(p.scenarios[1], "mixed");
	assert_true(p.duration_ns == KT_SEC(2));
	assert_int_equal(p.workers, 3);
	assert_string_equal(p.topo, "1n2l2c1t");
	assert_null(p.exec);
	kt_plan_free(&p);
	assert_null(p.scenarios);
	assert_int_equal(p.nr_scenarios, 0);
}

static void test_sched_plan(void **state)
{
	struct kt_plan p;

	(void)state;
	assert_int_equal(
	    kt_plan_parse(
		"{\"version\": 1, \"sched\": {"
		"\"path\": \"/ktstr/scheduler\", \"name\": \"scx\","
		" \"label\": \"scx+llc\", \"args\": [\"-v\", \"--x\"],"
		" \"attach_timeout_ms\": 7000,"
		" \"assert\": {\"max_migration_ratio\": 0.5}}}",
		"p.json", &p),
	    0);
	assert_non_null(p.sched);
	assert_string_equal(p.sched->path, "/ktstr/scheduler");
	assert_string_equal(p.sched->name, "scx");
	assert_string_equal(p.sched->label, "scx+llc");
	assert_int_equal(p.sched->nr_args, 2);
	assert_string_equal(p.sched->args[1], "--x");
	assert_null(p.sched->args[2]);
	assert_true(p.sched->attach_timeout_ns == KT_MS(7000));
	assert_true(p.sched->has_assert);
	assert_true(p.sched->assert.max_migration_ratio.set);
	assert_false(p.sched->assert.not_starved.set);
	kt_plan_free(&p);
	assert_null(p.sched);
	/* The label defaults to the name; no args is an empty list. */
	assert_int_equal(
	    kt_plan_parse("{\"version\": 1, \"sched\": {\"path\": \"/s\","
			  " \"name\": \"n\"}}",
			  "p.json", &p),
	    0);
	assert_string_equal(p.sched->label, "n");
	assert_int_equal(p.sched->nr_args, 0);
	assert_false(p.sched->has_assert);
	kt_plan_free(&p);
}

static void test_defaults(void **state)
{
	struct kt_plan p;

	(void)state;
	/* Only the version: run mode, the default set, runner defaults. */
	assert_int_equal(kt_plan_parse("{\"version\":1}", NULL, &p), 0);
	assert_int_equal(p.mode, KT_PLAN_RUN);
	assert_int_equal(p.nr_scenarios, 0);
	assert_null(p.scenarios);
	assert_true(p.duration_ns == 0);
	assert_int_equal(p.workers, 0);
	assert_null(p.topo);
	assert_null(p.exec);
	kt_plan_free(&p);

	/* null counts as absent; [] is the default set. */
	assert_int_equal(kt_plan_parse("{\"version\":1,\"scenarios\":[],"
				       "\"topo\":null,\"exec\":null,"
				       "\"workers\":null}",
				       NULL, &p),
			 0);
	assert_int_equal(p.nr_scenarios, 0);
	assert_null(p.topo);
	kt_plan_free(&p);
}

static void test_shell_and_panic(void **state)
{
	struct kt_plan p;

	(void)state;
	assert_int_equal(kt_plan_parse("{\"version\":1,\"mode\":\"shell\","
				       "\"exec\":\"uname -a\"}",
				       NULL, &p),
			 0);
	assert_int_equal(p.mode, KT_PLAN_SHELL);
	assert_string_equal(p.exec, "uname -a");
	assert_string_equal(kt_plan_mode_name(p.mode), "shell");
	kt_plan_free(&p);

	assert_int_equal(
	    kt_plan_parse("{\"version\":1,\"mode\":\"panic\"}", NULL, &p), 0);
	assert_int_equal(p.mode, KT_PLAN_PANIC);
	assert_string_equal(kt_plan_mode_name(p.mode), "panic");
	kt_plan_free(&p);
}

static void test_unknown_keys_ignored(void **state)
{
	struct kt_plan p;

	(void)state;
	assert_int_equal(kt_plan_parse("{\"version\":1,\"future\":{\"x\":[1]},"
				       "\"workers\":2,\"also\":\"new\"}",
				       NULL, &p),
			 0);
	assert_int_equal(p.workers, 2);
	kt_plan_free(&p);
}

/* Each bad plan fails with -EINVAL and a message holding every needle. */
static void assert_bad(const char *text, const char *n1, const char *n2)
{
	struct kt_plan p;

	memset(&p, 0xa5, sizeof(p)); /* the parser must reset it */
	assert_int_equal(kt_plan_parse(text, "plan.json", &p), -EINVAL);
	assert_int_equal(errno, EINVAL);
	assert_contains(kt_last_error(), "plan.json");
	assert_contains(kt_last_error(), n1);
	if (n2)
		assert_contains(kt_last_error(), n2);
	/* Left empty and safe to free. */
	assert_null(p.scenarios);
	assert_null(p.topo);
	assert_null(p.exec);
	kt_plan_free(&p);
}

static void test_wrong_types(void **state)
{
	(void)state;
	assert_bad("{\"version\":\"1\"}", "\"version\"", "not a string");
	assert_bad("{\"version\":1,\"mode\":3}", "\"mode\"", "a string");
	assert_bad("{\"version\":1,\"mode\":\"walk\"}", "\"mode\"", "walk");
	assert_bad("{\"version\":1,\"scenarios\":\"steady\"}", "\"scenarios\"",
		   "an array");
	assert_bad("{\"version\":1,\"scenarios\":[\"steady\",7]}",
		   "\"scenarios\" entry 1", "an integer");
	assert_bad("{\"version\":1,\"scenarios\":[\"\"]}", "entry 0", "empty");
	assert_bad("{\"version\":1,\"duration_ns\":1.5}", "\"duration_ns\"",
		   "a real number");
	assert_bad("{\"version\":1,\"duration_ns\":-1}", "\"duration_ns\"",
		   "out of range");
	assert_bad("{\"version\":1,\"workers\":true}", "\"workers\"",
		   "a boolean");
	assert_bad("{\"version\":1,\"workers\":100000}", "\"workers\"",
		   "out of range");
	assert_bad("{\"version\":1,\"topo\":[1]}", "\"topo\"", "an array");
	assert_bad("{\"version\":1,\"exec\":{}}", "\"exec\"", "an object");
	/* A scenario list that fails late frees what it had copied. */
	assert_bad("{\"version\":1,\"scenarios\":[\"a\",\"b\",null]}",
		   "entry 2", "null");
	/* Errors after the scenarios were copied free them too. */
	assert_bad("{\"version\":1,\"scenarios\":[\"a\"],\"topo\":\"x\","
		   "\"exec\":5}",
		   "\"exec\"", NULL);
}

static void test_version_and_shape(void **state)
{
	(void)state;
	assert_bad("{}", "\"version\" is missing", NULL);
	assert_bad("{\"version\":null}", "\"version\" is missing", NULL);
	assert_bad("{\"version\":2}", "version 2", "not supported");
	assert_bad("[1,2]", "JSON object", "an array");
	assert_bad("{\"version\":1,\"sched\":{\"name\":\"scx_simple\"}}",
		   "\"sched.path\"", "missing");
	assert_bad("{\"version\":1,\"sched\":[]}", "\"sched\"", "an array");
	assert_bad("{\"version\":1,\"sched\":{\"path\":\"/s\",\"name\":\"x\","
		   "\"args\":[1]}}",
		   "sched.args", "entry 0");
	assert_bad("{\"version\":1,\"sched\":{\"path\":\"/s\",\"name\":\"x\","
		   "\"assert\":{\"max_gap\":1}}}",
		   "sched.assert", "max_gap");
	/* Duplicate keys are ambiguous: rejected. */
	assert_bad("{\"version\":1,\"workers\":1,\"workers\":2}", "line 1",
		   "duplicate");
}

static void test_bad_json_position(void **state)
{
	(void)state;
	/* The comma missing after "run" shows at the next token, line 4. */
	assert_bad(
	    "{\n  \"version\": 1,\n  \"mode\": \"run\"\n  \"workers\": 2\n}",
	    "line 4", "column");
	assert_bad("", "line 1", NULL);
	assert_bad("{\"version\": 1,", "line 1 column", NULL);
}

static void test_load_file(void **state)
{
	char dir[] = "/tmp/kt-plan-XXXXXX", path[64];
	struct kt_plan p;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/plan.json", dir);

	/* Missing file: the errno and the path. */
	assert_int_equal(kt_plan_load(path, &p), -ENOENT);
	assert_contains(kt_last_error(), path);
	assert_contains(kt_last_error(), "No such file");

	f = fopen(path, "w");
	assert_non_null(f);
	fputs("{\"version\":1,\n\"mode\":\"shell\",\"exec\":\"true\"}\n", f);
	fclose(f);
	assert_int_equal(kt_plan_load(path, &p), 0);
	assert_int_equal(p.mode, KT_PLAN_SHELL);
	assert_string_equal(p.exec, "true");
	kt_plan_free(&p);

	f = fopen(path, "w");
	assert_non_null(f);
	fputs("{\"version\":1,\n\"workers\":\"two\"}\n", f);
	fclose(f);
	assert_int_equal(kt_plan_load(path, &p), -EINVAL);
	assert_contains(kt_last_error(), path);
	assert_contains(kt_last_error(), "\"workers\"");

	f = fopen(path, "w");
	assert_non_null(f);
	fputs("{\"version\":1,\n\"workers\":2 3}\n", f);
	fclose(f);
	assert_int_equal(kt_plan_load(path, &p), -EINVAL);
	assert_contains(kt_last_error(), "line 2 column");

	unlink(path);
	rmdir(dir);
}

/* Test mode (KTSTR_TEST binaries): the name is required, and the host's
 * plan for a KT_VM_TEST run parses back to it. */
static void test_test_mode(void **state)
{
	struct kt_vm_opts o = {.topo = KT_TOPO(1, 1, 2, 1),
			       .mode = KT_VM_TEST,
			       .test = "guest_ctx",
			       .duration_ns = KT_SEC(1)};
	struct kt_plan p;
	char *text;

	(void)state;
	assert_int_equal(kt_plan_parse("{\"version\":1,\"mode\":\"test\","
				       "\"test\":\"steady\"}",
				       NULL, &p),
			 0);
	assert_int_equal(p.mode, KT_PLAN_TEST);
	assert_string_equal(kt_plan_mode_name(p.mode), "test");
	assert_string_equal(p.test, "steady");
	kt_plan_free(&p);

	assert_int_equal(
	    kt_plan_parse("{\"version\":1,\"mode\":\"test\"}", "p.json", &p),
	    -EINVAL);
	assert_string_equal(kt_last_error(), "plan p.json: mode \"test\" needs "
					     "a \"test\" name");
	assert_int_equal(kt_plan_parse("{\"version\":1,\"mode\":\"test\","
				       "\"test\":7}",
				       NULL, &p),
			 -EINVAL);

	text = kt_vm_plan_json(&o);
	assert_non_null(text);
	assert_int_equal(kt_plan_parse(text, NULL, &p), 0);
	assert_int_equal(p.mode, KT_PLAN_TEST);
	assert_string_equal(p.test, "guest_ctx");
	assert_int_equal(p.duration_ns, KT_SEC(1));
	assert_string_equal(p.topo, "1n1l2c1t");
	kt_plan_free(&p);
	free(text);
}

/* The work-type override goes from the host's options through the plan
 * to the guest's plan; absent by default. */
static void test_work_type(void **state)
{
	struct kt_vm_opts o = {.topo = KT_TOPO(1, 1, 2, 1),
			       .work_type = "Mixed"};
	struct kt_plan p;
	char *text;

	(void)state;
	text = kt_vm_plan_json(&o);
	assert_non_null(text);
	assert_int_equal(kt_plan_parse(text, NULL, &p), 0);
	assert_string_equal(p.work_type, "Mixed");
	kt_plan_free(&p);
	free(text);
	o.work_type = NULL;
	text = kt_vm_plan_json(&o);
	assert_int_equal(kt_plan_parse(text, NULL, &p), 0);
	assert_null(p.work_type);
	kt_plan_free(&p);
	free(text);
}

/* The payload binaries' map goes from the host's options through the
 * plan to the guest's; a relative path is refused. */
static void test_payloads(void **state)
{
	const struct kt_vm_payload pl[] = {{"stress-ng", "/usr/bin/stress-ng"},
					   {"sh", "/usr/bin/dash"}};
	struct kt_vm_opts o = {
	    .topo = KT_TOPO(1, 1, 2, 1), .payloads = pl, .nr_payloads = 2};
	struct kt_plan p;
	char *text;

	(void)state;
	text = kt_vm_plan_json(&o);
	assert_non_null(text);
	assert_contains(text, "\"payloads\":{\"stress-ng\":\"/usr/bin/"
			      "stress-ng\",\"sh\":\"/usr/bin/dash\"}");
	assert_int_equal(kt_plan_parse(text, NULL, &p), 0);
	assert_int_equal(p.nr_payloads, 2);
	assert_string_equal(p.payload_programs[1], "sh");
	assert_string_equal(p.payload_paths[1], "/usr/bin/dash");
	kt_plan_free(&p);
	free(text);
	assert_int_equal(kt_plan_parse("{\"version\":1,\"payloads\":"
				       "{\"x\":\"x\"}}",
				       "p.json", &p),
			 -EINVAL);
	assert_contains(kt_last_error(), "payloads");
	o.nr_payloads = 0;
	text = kt_vm_plan_json(&o);
	assert_null(strstr(text, "payloads"));
	free(text);
}

/* The host monitor's keys: the symbols the guest sends (run mode, not
 * with --no-monitor) and the wedge self-test's delay. */
static void test_monitor_keys(void **state)
{
	struct kt_vm_opts o = {.topo = KT_TOPO(1, 1, 2, 1),
			       .wedge_after_ns = KT_MS(2500)};
	struct kt_plan p;
	char *text;

	(void)state;
	text = kt_vm_plan_json(&o);
	assert_non_null(text);
	assert_int_equal(kt_plan_parse(text, NULL, &p), 0);
	assert_int_equal(p.nr_monitor_symbols, 5);
	assert_string_equal(p.monitor_symbols[0], "runqueues");
	assert_string_equal(p.monitor_symbols[4], "page_offset_base");
	assert_int_equal(p.wedge_after_ms, 2500);
	kt_plan_free(&p);
	free(text);
	o.no_monitor = true;
	o.wedge_after_ns = 0;
	text = kt_vm_plan_json(&o);
	assert_int_equal(kt_plan_parse(text, NULL, &p), 0);
	assert_int_equal(p.nr_monitor_symbols, 0);
	assert_int_equal(p.wedge_after_ms, 0);
	kt_plan_free(&p);
	free(text);
	assert_int_equal(kt_plan_parse("{\"version\":1,\"monitor_symbols\":"
				       "[\"\"]}",
				       "p.json", &p),
			 -EINVAL);
	assert_contains(kt_last_error(), "monitor_symbols");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_monitor_keys),
	    cmocka_unit_test(test_payloads),
	    cmocka_unit_test(test_full_plan),
	    cmocka_unit_test(test_work_type),
	    cmocka_unit_test(test_defaults),
	    cmocka_unit_test(test_sched_plan),
	    cmocka_unit_test(test_shell_and_panic),
	    cmocka_unit_test(test_unknown_keys_ignored),
	    cmocka_unit_test(test_wrong_types),
	    cmocka_unit_test(test_version_and_shape),
	    cmocka_unit_test(test_bad_json_position),
	    cmocka_unit_test(test_load_file),
	    cmocka_unit_test(test_test_mode),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
