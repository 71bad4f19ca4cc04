/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Scenario files in the run plan: the host's plan writer lists them as
 * /ktstr/scenarios/N.json (duration 0 without --duration, so each file's
 * duration_s applies), the guest's parser reads them back, and the
 * initramfs holds each file under that name.
 */
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
#include "vm/initramfs.h"
#include "vm/vm_plan.h"

#define GOOD KT_FIXTURES_DIR "/scenarios/good/"

static void test_plan_round_trip(void **state)
{
	static const char *const names[] = {"steady"};
	static const char *const files[] = {GOOD "minimal.json",
					    GOOD "vm_swap.json"};
	struct kt_vm_opts o = {
	    .topo = KT_TOPO(1, 2, 2, 1),
	    .mode = KT_VM_RUN,
	    .scenarios = names,
	    .nr_scenarios = 1,
	    .scenario_files = files,
	    .nr_scenario_files = 2,
	};
	struct kt_plan p;
	char *text;

	(void)state;
	text = kt_vm_plan_json(&o);
	assert_non_null(text);
	assert_non_null(strstr(text, "\"scenario_files\":[\"/ktstr/scenarios/"
				     "0.json\",\"/ktstr/scenarios/1.json\"]"));
	assert_non_null(strstr(text, "\"duration_ns\":0"));
	assert_int_equal(kt_plan_parse(text, "plan.json", &p), 0);
	free(text);
	assert_int_equal(p.nr_scenarios, 1);
	assert_string_equal(p.scenarios[0], "steady");
	assert_int_equal(p.nr_scenario_files, 2);
	assert_string_equal(p.scenario_files[0], "/ktstr/scenarios/0.json");
	assert_string_equal(p.scenario_files[1], "/ktstr/scenarios/1.json");
	assert_true(p.duration_ns == 0);
	kt_plan_free(&p);

	/* an explicit --duration is kept; no files, no key */
	o.duration_ns = KT_SEC(1);
	text = kt_vm_plan_json(&o);
	assert_non_null(strstr(text, "\"duration_ns\":1000000000"));
	free(text);
	o.nr_scenario_files = 0;
	o.duration_ns = 0;
	text = kt_vm_plan_json(&o);
	assert_null(strstr(text, "scenario_files"));
	assert_non_null(strstr(text, "\"duration_ns\":5000000000"));
	free(text);
}

static void test_plan_bad_files(void **state)
{
	struct kt_plan p;

	(void)state;
	assert_int_equal(
	    kt_plan_parse("{\"version\":1,\"scenario_files\":\"x\"}",
			  "plan.json", &p),
	    -EINVAL);
	assert_string_equal(kt_last_error(),
			    "plan plan.json: key \"scenario_files\" must be an "
			    "array of strings, not a string");
	assert_int_equal(kt_plan_parse("{\"version\":1,\"scenario_files\":[1]}",
				       "plan.json", &p),
			 -EINVAL);
	assert_string_equal(kt_last_error(),
			    "plan plan.json: key \"scenario_files\" entry 0 "
			    "must be a string, not an integer");
}

/* The initramfs holds every file as KT_VM_SCENARIO_DIR/N.json. */
static void test_initramfs_has_files(void **state)
{
	static const char *const files[] = {GOOD "minimal.json",
					    GOOD "every_op.json"};
	struct kt_initramfs_opts io = {
	    .init_path = "/bin/true",
	    .plan_json = "{}",
	    .scenario_files = files,
	    .nr_scenario_files = 2,
	};
	char dir[] = "/tmp/ktstr-sfplan-XXXXXX", path[128];
	char *buf;
	size_t len;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/initrd", dir);
	assert_int_equal(kt_initramfs_write(&io, path), 0);
	f = fopen(path, "r");
	assert_non_null(f);
	buf = malloc(64 << 20);
	assert_non_null(buf);
	len = fread(buf, 1, 64 << 20, f);
	fclose(f);
	assert_non_null(memmem(buf, len, "ktstr/scenarios/0.json", 22));
	assert_non_null(memmem(buf, len, "ktstr/scenarios/1.json", 22));
	assert_non_null(memmem(buf, len, "\"sf_every_op\"", 13));
	free(buf);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_plan_round_trip),
	    cmocka_unit_test(test_plan_bad_files),
	    cmocka_unit_test(test_initramfs_has_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
