/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The test runner of KTSTR_TEST binaries: kt_test_main() (libktstr-test.a,
 * which also provides a main() calling it) and the pure pieces it is made
 * of: name filters, the expect_err verdict rules, TAP and summary lines,
 * JUnit XML, and the admission rule of the parallel (-j N) scheduler.
 * See docs/ktest.md.
 */
#ifndef KTSTR_TEST_RUNNER_H
#define KTSTR_TEST_RUNNER_H

#include <stdio.h>

#include <ktstr/result.h>
#include <ktstr/test.h>
#include <ktstr/vm.h>

/*
 * The whole runner: list, filter, run each test in its own VM (or on the
 * host for host_only tests), print TAP and a summary, write JUnit. As PID 1
 * it is the guest's /init instead (kt_guest_main) and never returns.
 * Returns the process exit code.
 */
int kt_test_main(int argc, char **argv);

/* ---- name filters ---- */

/* A pattern holding *, ? or [ is a glob over the whole name (fnmatch);
 * any other pattern matches as a substring. */
bool kt_test_filter_match(const char *pattern, const char *name);
/* No patterns selects everything; otherwise any matching pattern. */
bool kt_test_selected(const char *const *patterns, size_t nr, const char *name);

/* ---- outcomes ---- */

enum kt_test_status {
	KT_TEST_PASSED = 0,
	KT_TEST_FAILED,
	KT_TEST_SKIPPED,
	KT_TEST_INCONCLUSIVE, /* the run could not decide: not a pass */
};

/* What one test run produced, before expect_err is applied. */
struct kt_test_record {
	const char *name;
	enum kt_verdict verdict; /* the raw verdict of the run */
	bool expect_err;
	char *reason; /* one line: skip reason, first violation, VM end */
	char *report; /* multi-line evidence (kt_result_print + console) */
	double seconds;
};

/*
 * The rules: without expect_err PASS passes, SKIP skips, anything else
 * fails. With expect_err FAIL and SCHED pass (the error was expected),
 * PASS fails ("expected an error, but the test passed"), SKIP skips and
 * INFRA still fails: an infrastructure failure is never the expected
 * error. *why (may be NULL) gets a static one-line explanation or NULL.
 */
enum kt_test_status kt_test_judge(enum kt_verdict v, bool expect_err,
				  const char **why);
enum kt_test_status kt_test_record_status(const struct kt_test_record *r);
void kt_test_record_free(struct kt_test_record *r);

/* ---- TAP and summary ---- */

/*
 * "ok N - name", "not ok N - name", "ok N - name # SKIP reason",
 * "not ok N - name # INCONCLUSIVE reason" (TAP consumers see a test that
 * did not pass). A failure or an inconclusive run is followed by its
 * explanation and report as "# " comment lines.
 */
void kt_tap_print(FILE *f, unsigned n, const struct kt_test_record *r);

struct kt_test_totals {
	unsigned passed, failed, skipped, inconclusive;
};
void kt_test_totals_add(struct kt_test_totals *t,
			const struct kt_test_record *r);
/* "N passed, N failed" plus ", N skipped" and ", N inconclusive" when
 * there were any. */
void kt_test_summary_print(FILE *f, const struct kt_test_totals *t);

/* ---- JUnit ---- */

/* Escape text for XML content and attributes (&, <, >, ", ', control
 * characters other than tab/newline/CR become '?'; newlines in attributes
 * become &#10;). Malloc'd; NULL on ENOMEM. */
char *kt_xml_escape(const char *s, bool attribute);

/*
 * <testsuite name tests failures errors skipped time> with one <testcase>
 * per record: <failure message> (a failed verdict or an unexpected pass),
 * <error message> (INFRA, INCONCLUSIVE), <skipped message>. The suite's
 * failures, errors and skipped attributes count those elements.
 */
int kt_junit_write(FILE *f, const char *suite,
		   const struct kt_test_record *recs, size_t nr);

/* ---- parallel runs ---- */

/*
 * Host CPUs a running VM occupies: one under single-threaded TCG (one
 * host thread emulates every vCPU), its vCPU count under KVM or
 * multi-threaded TCG. A host_only test occupies every host CPU (it
 * measures the host, so it runs alone).
 */
unsigned kt_test_cost(unsigned vcpus, enum kt_accel accel, bool host_only,
		      unsigned host_cpus);

/*
 * May a job of cost `cost` start now? Anything may start when nothing
 * runs (so a job larger than the budget still runs, alone); otherwise at
 * most max_jobs run at once and the sum of their costs stays within
 * budget (the host's online CPUs).
 */
bool kt_test_admit(unsigned running, unsigned running_cost, unsigned cost,
		   unsigned max_jobs, unsigned budget);

#endif
