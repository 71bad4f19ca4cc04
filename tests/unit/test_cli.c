/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The ktstr command as users call it: exit codes, help, usage errors that
 * name the bad input, `topo` on recorded sysfs trees, `list`, and host mode
 * on a machine whose cgroup v2 lacks cpu/cpuset. KTSTR_BIN names the binary.
 */
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

static char out[65536];
static char errbuf[65536];

/* Run ktstr with args (NULL-terminated); stdout/stderr into out/errbuf. */
static int ktstr(const char *first, ...)
{
	va_list ap;
	int rc;

	va_start(ap, first);
	rc = kt_run_ktstr(NULL, out, sizeof(out), errbuf, sizeof(errbuf), first,
			  ap);
	va_end(ap);
	return rc;
}

static void test_help_and_unknown_command(void **state)
{
	(void)state;
	assert_int_equal(ktstr("--help", NULL), 0);
	assert_non_null(strstr(out, "usage: ktstr COMMAND"));
	assert_non_null(strstr(out, "4 unsupported here"));
	assert_int_equal(ktstr("frobnicate", NULL), 2);
	assert_non_null(strstr(errbuf, "unknown command 'frobnicate'"));
	assert_int_equal(ktstr(NULL), 2);
	for (const char *const *c =
		 (const char *const[]){"list", "run", "topo", "cleanup", NULL};
	     *c; c++) {
		assert_int_equal(ktstr(*c, "--help", NULL), 0);
		assert_non_null(strstr(out, "usage: ktstr"));
	}
}

/* Every subcommand's --help exits 0 and names each of its options. */
static void test_every_help(void **state)
{
	static const struct {
		const char *cmd, *sub;
		const char *want[20];
	} cases[] = {
	    {"list", NULL, {"--json"}},
	    {"run",
	     NULL,
	     {"[NAME|FILE.json...]", "--duration S", "--workers N",
	      "--json FILE", "--cgroup-root D", "exit: "}},
	    {"topo", NULL, {"--json", "--sysfs ROOT"}},
	    {"cleanup", NULL, {"--cgroup-root DIR"}},
	    {"vm",
	     NULL,
	     {"[SCENARIO...]", "--topo SHAPE", "--kernel K", "--memory MB",
	      "--duration S", "--workers N", "--json FILE", "--accel A",
	      "--boot B", "--boot-timeout S", "--scheduler F",
	      "--sched-arg ARG", "--flags A,B", "--quiet", "--guest-panic",
	      "130 interrupted"}},
	    {"shell",
	     NULL,
	     {"--topo SHAPE", "--kernel K", "--memory MB", "--exec CMD",
	      "--include FILE", "--accel A", "--boot B", "--quiet"}},
	    {"kernel",
	     NULL,
	     {"fetch", "list", "path [RELEASE]", "clean [--keep N]"}},
	    {"kernel", "fetch", {"CONFIG_SCHED_CLASS_EXT=y"}},
	    {"kernel", "list", {"newest release first"}},
	    {"kernel", "path", {"[RELEASE]"}},
	    {"kernel", "clean", {"--keep N"}},
	    {"version", NULL, {"ktstr MAJOR.MINOR"}},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char usage[64];
		int rc = cases[i].sub
			     ? ktstr(cases[i].cmd, cases[i].sub, "--help", NULL)
			     : ktstr(cases[i].cmd, "--help", NULL);

		assert_int_equal(rc, 0);
		snprintf(usage, sizeof(usage), "usage: ktstr %s%s%s",
			 cases[i].cmd, cases[i].sub ? " " : "",
			 cases[i].sub ? cases[i].sub : "");
		assert_non_null(strstr(out, usage));
		if (strcmp(cases[i].cmd, "kernel") || cases[i].sub)
			assert_non_null(strstr(out, "-h, --help"));
		for (size_t k = 0; cases[i].want[k]; k++)
			if (!strstr(out, cases[i].want[k]))
				fail_msg("ktstr %s %s --help: no '%s' in\n%s",
					 cases[i].cmd,
					 cases[i].sub ? cases[i].sub : "",
					 cases[i].want[k], out);
	}
}

static void test_version(void **state)
{
	(void)state;
	assert_int_equal(ktstr("--version", NULL), 0);
	assert_string_equal(out, "ktstr 0.9\n");
	assert_int_equal(ktstr("version", NULL), 0);
	assert_string_equal(out, "ktstr 0.9\n");
	assert_int_equal(ktstr("version", "extra", NULL), 2);
	assert_non_null(strstr(errbuf, "unexpected argument 'extra'"));
}

static void test_list(void **state)
{
	static const char *const names[] = {
	    "steady",	    "steady_llc",   "oversubscribed", "mixed_workloads",
	    "cpuset_apply", "cpuset_clear", "cgroup_add",     "cgroup_remove",
	};

	(void)state;
	assert_int_equal(ktstr("list", NULL), 0);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		assert_non_null(strstr(out, names[i]));
	assert_int_equal(ktstr("list", "--json", NULL), 0);
	assert_non_null(strstr(out, "\"name\": \"cgroup_remove\""));
	assert_int_equal(ktstr("list", "--bogus", NULL), 2);
	assert_non_null(strstr(errbuf, "unknown option '--bogus'"));
}

static void test_topo_recorded_trees(void **state)
{
	(void)state;
	assert_int_equal(ktstr("topo", "--sysfs",
			       KT_FIXTURES_DIR "/sysfs/vm-2n4l2c2t", NULL),
			 0);
	assert_non_null(strstr(out, "topology 2n4l2c2t: 16 cpus [0-15], "
				    "usable [0-14]"));
	assert_non_null(strstr(out, "node 1: cpus [8-15]"));
	assert_int_equal(ktstr("topo", "--json", "--sysfs",
			       KT_FIXTURES_DIR "/sysfs/vm-1n2l3c2t", NULL),
			 0);
	assert_non_null(strstr(out, "\"name\": \"1n2l3c2t\""));
	assert_non_null(strstr(out, "\"cpus\": \"6-11\""));
	assert_int_equal(ktstr("topo", "--sysfs", "/nonexistent-ktstr", NULL),
			 2);
	assert_non_null(strstr(errbuf, "/nonexistent-ktstr"));
}

static void test_run_bad_input(void **state)
{
	(void)state;
	assert_int_equal(ktstr("run", "nosuch", NULL), 2);
	assert_non_null(strstr(errbuf, "unknown scenario 'nosuch'"));
	assert_int_equal(ktstr("run", "--duration", "soon", NULL), 2);
	assert_non_null(strstr(errbuf, "--duration 'soon'"));
	assert_int_equal(ktstr("run", "--workers", "0", NULL), 2);
	assert_non_null(strstr(errbuf, "--workers '0'"));
	assert_int_equal(ktstr("run", "--duration", NULL), 2);
	assert_string_equal(errbuf, "ktstr run: --duration needs a value\n"
				    "'ktstr run --help' shows the options\n");
	assert_int_equal(ktstr("vm", "--bogus", NULL), 2);
	assert_string_equal(errbuf, "ktstr vm: unknown option '--bogus'\n"
				    "'ktstr vm --help' shows the options\n");
	assert_int_equal(ktstr("kernel", "clean", "--keep", "x", NULL), 2);
	assert_non_null(strstr(errbuf, "--keep 'x': expected a whole number"));
	assert_int_equal(ktstr("kernel", "path", "a", "b", NULL), 2);
	assert_non_null(strstr(errbuf, "unexpected argument 'b'"));
	assert_int_equal(ktstr("shell", "ls", NULL), 2);
	assert_non_null(strstr(errbuf, "(use --exec 'CMD ARGS')"));
}

/*
 * Host mode where cgroup v2 has no cpu/cpuset (our build machines): exit 4
 * with the reason, and no JSON file written. Where the host does support it,
 * the run must produce verdicts instead.
 */
static void test_run_host_mode(void **state)
{
	char dir[] = "/tmp/ktstr-cli-XXXXXX", json[128];
	int rc;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(json, sizeof(json), "%s/out.json", dir);
	if (kt_cgroup_host_supported("/sys/fs/cgroup")) {
		rc = ktstr("run", "steady", "--duration", "0.2", "--json", json,
			   NULL);
		assert_int_equal(rc, 4);
		assert_non_null(strstr(errbuf, "cpu"));
		assert_non_null(strstr(errbuf, "cpuset"));
		assert_int_equal(access(json, F_OK), -1);
	} else {
		rc = ktstr("run", "steady", "--duration", "0.5", "--json", json,
			   NULL);
		assert_true(rc == 0 || rc == 1);
		assert_non_null(strstr(out, "steady"));
		assert_int_equal(access(json, F_OK), 0);
		unlink(json);
	}
	assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_help_and_unknown_command),
	    cmocka_unit_test(test_every_help),
	    cmocka_unit_test(test_version),
	    cmocka_unit_test(test_list),
	    cmocka_unit_test(test_topo_recorded_trees),
	    cmocka_unit_test(test_run_bad_input),
	    cmocka_unit_test(test_run_host_mode),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
