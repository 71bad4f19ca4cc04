/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Scenario files on the ktstr command line (KTSTR_BIN names the binary):
 * `ktstr run` and `ktstr vm` reject a bad file with its FILE:LINE:COLUMN
 * message and exit 2 before anything runs or boots (no kernel looked up,
 * no temp dir made), and tell files from catalog names.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include <ktstr/cgroup.h>

#include "ktstr_bin_util.h"

#define GOOD KT_FIXTURES_DIR "/scenarios/good/"
#define BAD  KT_FIXTURES_DIR "/scenarios/bad/"

static char out[65536];
static char errbuf[65536];
static char scratch[] = "/tmp/ktstr-sfcli-XXXXXX";

/* Run ktstr with args (NULL-terminated) and TMPDIR = the scratch dir. */
static int ktstr(const char *first, ...)
{
	/* were anything to boot, it would fail loudly */
	const char *const env[] = {"TMPDIR", scratch, "KTSTR_QEMU",
				   "/nonexistent/qemu", NULL};
	va_list ap;
	int rc;

	va_start(ap, first);
	rc = kt_run_ktstr(env, out, sizeof(out), errbuf, sizeof(errbuf), first,
			  ap);
	va_end(ap);
	return rc;
}

static void assert_scratch_empty(void)
{
	DIR *d = opendir(scratch);
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	assert_int_equal(n, 0);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(scratch) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return rmdir(scratch);
}

static void test_run_bad_file(void **state)
{
	(void)state;
	assert_int_equal(ktstr("run", BAD "bad_cpuset_key.json", NULL), 2);
	assert_non_null(strstr(errbuf,
			       "ktstr run: " BAD "bad_cpuset_key.json:8:26: "
			       "steps[1].ops[0].cpuset: unknown key "
			       "\"llcs\" (expected one of llc, numa, "
			       "range, disjoint, overlap, exact)\n"));
	assert_string_equal(out, "");
	/* a good file before it is not run either */
	assert_int_equal(ktstr("run", GOOD "minimal.json",
			       BAD "workers_string.json", "steady", NULL),
			 2);
	assert_non_null(strstr(errbuf, "workers_string.json:5:33: "
				       "cgroups[0].workers: must be an integer "
				       "in 1..1024, not a string"));
	assert_string_equal(out, "");
	assert_int_equal(ktstr("run", "missing.json", NULL), 2);
	assert_non_null(strstr(errbuf, "ktstr run: scenario file missing.json: "
				       "No such file or directory"));
	/* not a path: a catalog name, which must exist */
	assert_int_equal(ktstr("run", "nosuch", NULL), 2);
	assert_non_null(strstr(errbuf, "unknown scenario 'nosuch'"));
	assert_scratch_empty();
}

/* The file is checked before the kernel (a missing one would say so)
 * and before anything boots. */
static void test_vm_bad_file(void **state)
{
	(void)state;
	assert_int_equal(ktstr("vm", "--kernel", "/nonexistent/bzImage",
			       "--topo", "1n2l2c1t", "--duration", "1",
			       BAD "undefined_cgroup.json", NULL),
			 2);
	assert_non_null(strstr(errbuf,
			       "ktstr vm: " BAD "undefined_cgroup.json:7:54: "
			       "steps[1].ops[0].b: no cgroup \"cg_2\" "
			       "exists when this op runs (known "
			       "here: cg_0, cg_1)\n"));
	assert_null(strstr(errbuf, "bzImage"));
	assert_null(strstr(errbuf, "booting"));
	assert_string_equal(out, "");
	assert_int_equal(ktstr("vm", "steady", BAD "syntax.json", NULL), 2);
	assert_non_null(strstr(errbuf, "syntax.json:4:11: invalid JSON: '}' "
				       "expected near '\"cgroups\"'"));
	assert_scratch_empty();
}

/* A good file gets past the checks: host mode then needs cgroup v2 with
 * cpu+cpuset (exit 4 where it lacks them, verdicts where it has them). */
static void test_run_good_file(void **state)
{
	int rc;

	(void)state;
	if (kt_cgroup_host_supported("/sys/fs/cgroup")) {
		rc = ktstr("run", GOOD "minimal.json", NULL);
		assert_int_equal(rc, 4);
		assert_non_null(strstr(errbuf, "cpuset"));
	} else {
		rc = ktstr("run", "--duration", "0.5", GOOD "minimal.json",
			   NULL);
		assert_true(rc == 0 || rc == 1);
		assert_non_null(strstr(out, "sf_minimal"));
	}
	assert_scratch_empty();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_run_bad_file),
	    cmocka_unit_test(test_vm_bad_file),
	    cmocka_unit_test(test_run_good_file),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
