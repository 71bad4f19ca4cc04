/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests for the BUG SUMMARY line and the stderr hold that keeps it
 * first (src/cli/bug_summary.c), and the artifacts directory's default
 * and checks (src/cli/artifacts_args.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <ktstr/common.h>
#include <ktstr/result.h>

#include "../../src/cli/artifacts_args.h"
#include "../../src/cli/bug_summary.h"
#include "core/small_file.h"

static void test_summary_line(void **state)
{
	struct kt_result r[3];
	char line[1024];

	(void)state;
	for (int i = 0; i < 3; i++)
		kt_result_init(&r[i]);
	kt_result_set_header(&r[0], "steady", "1n1l2c1t", "eevdf");
	kt_result_set_header(&r[1], "mixed", "1n1l2c1t", "scx-ktstr+llc");
	kt_result_add(&r[1], KT_DETAIL_NOTE, "ended at the evidence");
	/* the stuck worker's exit detail comes first; the gap is the evidence
	 */
	kt_result_add(&r[1], KT_DETAIL_WORKER, "tid 7 did not stop in time");
	kt_result_add(&r[1], KT_DETAIL_STUCK, "stuck 2293ms on cpu0\nat +1ms");
	kt_result_add(&r[1], KT_DETAIL_STUCK, "stuck 99ms");
	kt_result_set_header(&r[2], "x", "1n1l2c1t", "eevdf");
	kt_result_add(&r[2], KT_DETAIL_NOTE, "a note");
	kt_result_add(&r[2], KT_DETAIL_HOST_STALL, "host");
	kt_result_raise(&r[2], KT_VERDICT_INCONCLUSIVE);
	assert_ptr_equal(kt_cli_bug_first(r, 3), &r[1]);
	assert_null(kt_cli_bug_first(r, 1));
	kt_cli_bug_summary(&r[1], "/a/mixed.trace", NULL, line, sizeof(line));
	assert_string_equal(line,
			    "BUG SUMMARY: mixed [topo=1n1l2c1t "
			    "sched=scx-ktstr+llc] FAIL: stuck 2293ms on cpu0 "
			    "at +1ms (trace: /a/mixed.trace)");
	kt_cli_bug_summary(&r[1], NULL, "/a/mixed.dump", line, sizeof(line));
	assert_non_null(strstr(line, "(trace: none; dump: /a/mixed.dump)"));
	kt_result_add(&r[0], KT_DETAIL_CONSERVATION, "cg_0: waited");
	kt_result_add(&r[0], KT_DETAIL_SCHEDULER, "scheduler ejected");
	kt_cli_bug_summary(&r[0], "t", "d", line, sizeof(line));
	assert_string_equal(line, "BUG SUMMARY: steady [topo=1n1l2c1t "
				  "sched=eevdf] SCHED: scheduler ejected "
				  "(trace: t; dump: d)");
	kt_cli_bug_summary(&r[2], NULL, NULL, line, sizeof(line));
	assert_non_null(strstr(line, "] INCONCLUSIVE: host (trace: none)"));
	assert_true(kt_cli_bug_verdict(KT_VERDICT_FAIL));
	assert_false(kt_cli_bug_verdict(KT_VERDICT_INFRA));
	assert_false(kt_cli_bug_verdict(KT_VERDICT_SKIP));
	for (int i = 0; i < 3; i++)
		kt_result_free(&r[i]);
}

/* What went to fd 2 while held comes after the summary line. */
static void test_hold_order(void **state)
{
	char path[] = "/tmp/kt-hold-test.XXXXXX", *got = NULL;
	struct kt_cli_hold h;
	int fd = mkstemp(path), saved = dup(2);

	(void)state;
	assert_true(fd >= 0 && saved >= 0);
	assert_true(dup2(fd, 2) == 2);
	kt_cli_hold_stderr(&h);
	assert_true(h.saved >= 0);
	fprintf(stderr, "progress one\n");
	assert_int_equal(write(2, "raw two\n", 8), 8);
	kt_cli_release_stderr(&h, "BUG SUMMARY: x");
	fprintf(stderr, "after\n");
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	close(fd);
	assert_int_equal(kt_read_all(path, &got), 0);
	assert_string_equal(got,
			    "BUG SUMMARY: x\nprogress one\nraw two\nafter\n");
	free(got);
	unlink(path);
}

static void test_artifacts_dir(void **state)
{
	char buf[256];
	bool fresh = true;

	(void)state;
	assert_int_equal(kt_cli_artifacts_dir("out/a", "r.json", "res", buf,
					      sizeof(buf), &fresh),
			 0);
	assert_string_equal(buf, "out/a");
	assert_false(fresh);
	assert_int_equal(kt_cli_artifacts_dir(NULL, "/w/run/r.json", "res", buf,
					      sizeof(buf), &fresh),
			 0);
	assert_string_equal(buf, "/w/run/r.artifacts");
	assert_int_equal(kt_cli_artifacts_dir(NULL, "r.json", NULL, buf,
					      sizeof(buf), &fresh),
			 0);
	assert_string_equal(buf, "./r.artifacts");
	assert_int_equal(kt_cli_artifacts_dir(NULL, "/report", NULL, buf,
					      sizeof(buf), &fresh),
			 0);
	assert_string_equal(buf, "/report.artifacts");
	assert_int_equal(
	    kt_cli_artifacts_dir("", NULL, "/w/res", buf, sizeof(buf), &fresh),
	    0);
	assert_string_equal(buf, "/w/res/artifacts");
	assert_false(fresh);
	setenv("TMPDIR", "/var/tmp", 1);
	assert_int_equal(
	    kt_cli_artifacts_dir(NULL, NULL, NULL, buf, sizeof(buf), &fresh),
	    0);
	assert_string_equal(buf, "/var/tmp/ktstr-artifacts.XXXXXX");
	assert_true(fresh);
	unsetenv("TMPDIR");
	assert_int_equal(
	    kt_cli_artifacts_dir(NULL, NULL, NULL, buf, sizeof(buf), &fresh),
	    0);
	assert_string_equal(buf, "/tmp/ktstr-artifacts.XXXXXX");
	assert_int_equal(
	    kt_cli_artifacts_dir("0123456789", NULL, NULL, buf, 8, &fresh),
	    -ENAMETOOLONG);
}

static void test_artifacts_check(void **state)
{
	char dir[] = "/tmp/kt-art-check.XXXXXX", sub[256], file[256];
	int fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(sub, sizeof(sub), "%s/new", dir);
	snprintf(file, sizeof(file), "%s/file", dir);
	fd = open(file, O_CREAT | O_WRONLY, 0644);
	assert_true(fd >= 0);
	close(fd);
	/* an existing directory, a new one in one, a fresh template */
	assert_int_equal(
	    kt_cli_artifacts_check("ktstr vm", "--artifacts", dir, 1), 0);
	assert_int_equal(
	    kt_cli_artifacts_check("ktstr vm", "--artifacts", sub, 1), 0);
	assert_int_equal(access(sub, F_OK), -1); /* not made before a file */
	assert_int_equal(kt_cli_artifacts_check("ktstr vm", "TMPDIR",
						"/tmp/ktstr-artifacts.XXXXXX",
						1),
			 0);
	/* a file, a missing parent */
	assert_int_equal(
	    kt_cli_artifacts_check("ktstr vm", "--artifacts", file, 1),
	    KT_EXIT_USAGE);
	snprintf(sub, sizeof(sub), "%s/no/such", dir);
	assert_int_equal(
	    kt_cli_artifacts_check("ktstr vm", "--artifacts", sub, 1),
	    KT_EXIT_USAGE);
	/* under --results DIR, DIR itself may be new too */
	snprintf(sub, sizeof(sub), "%s/res/artifacts", dir);
	assert_int_equal(
	    kt_cli_artifacts_check("ktstr vm", "--results", sub, 2), 0);
	assert_int_equal(
	    kt_cli_artifacts_check("ktstr vm", "--results", sub, 1),
	    KT_EXIT_USAGE);
	/* below a file */
	snprintf(sub, sizeof(sub), "%s/file/sub", dir);
	assert_int_equal(
	    kt_cli_artifacts_check("ktstr vm", "--artifacts", sub, 2),
	    KT_EXIT_USAGE);
	unlink(file);
	assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_summary_line),
	    cmocka_unit_test(test_hold_order),
	    cmocka_unit_test(test_artifacts_dir),
	    cmocka_unit_test(test_artifacts_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
