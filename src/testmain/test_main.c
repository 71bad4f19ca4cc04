/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kt_test_main: the command line of a KTSTR_TEST binary. As PID 1 it hands
 * over to the guest init (which runs the one test the plan names). On the
 * host it lists and filters the registered tests, runs them through the
 * job pool (test_pool.c), prints TAP and the summary line, and writes
 * JUnit on request. Its options are a table (src/cli/options.h).
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ktstr/kernel.h>
#include <ktstr/version.h>

#include "../cli/artifacts_args.h"
#include "../cli/options.h"
#include "../guest/guest.h"
#include "testmain.h"

#define MAX_JOBS 256

struct opts {
	const char *prog;
	struct kt_cli_strings patterns;
	bool list, quiet, version;
	unsigned jobs;
	const char *kernel_arg;
	const char *junit;
	enum kt_accel accel;
	uint64_t duration_ns;
	bool keep_going;
	const char *artifacts;
};

static volatile sig_atomic_t stop_sig;

static void on_signal(int sig)
{
	stop_sig = sig;
}

static int set_jobs(const char *value, void *target)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(value, &end, 10);
	if (errno || end == value || *end || n < 1 || n > MAX_JOBS)
		return kt_err(EINVAL,
			      "-j: '%s' is not a number of jobs (1..%d)", value,
			      MAX_JOBS);
	*(unsigned *)target = (unsigned)n;
	return 0;
}

static int set_seconds(const char *value, void *target)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(value, &end);
	if (errno || end == value || *end || !(v > 0) || v > 3600)
		return kt_err(EINVAL,
			      "--duration: '%s' is not a number of seconds in "
			      "(0, 3600]",
			      value);
	*(uint64_t *)target = (uint64_t)(v * 1e9);
	return 0;
}

static int set_accel(const char *value, void *target)
{
	if (kt_accel_parse(value, target))
		return kt_err_wrap(EINVAL, "--accel");
	return 0;
}

static const struct kt_cli_opt test_opts[] = {
    KT_CLI_FLAG("list", 0, struct opts, list,
		"print the selected test names, run nothing"),
    KT_CLI_STRINGS("filter", 0, "P", struct opts, patterns, "one more pattern"),
    KT_CLI_CALL("jobs", 'j', "N", struct opts, jobs, set_jobs,
		"up to N tests at once (default 1); the VMs' host CPUs (1 per "
		"VM under TCG, its vCPUs under KVM) stay within the online "
		"CPUs, a larger VM runs alone, host_only tests run alone"),
    KT_CLI_STRING("kernel", 0, "K", struct opts, kernel_arg,
		  "bzImage, cache entry dir, source tree or cached release "
		  "(default $KTSTR_KERNEL, then the newest cached kernel)"),
    KT_CLI_CALL("duration", 0, "S", struct opts, duration_ns, set_seconds,
		"seconds each test runs (default: the test's .duration_s)"),
    KT_CLI_FLAG("keep-going", 0, struct opts, keep_going,
		"run each test its full duration even after a worker stalled "
		"past the gap limit"),
    KT_CLI_CALL("accel", 0, "A", struct opts, accel, set_accel,
		"auto (default), tcg, tcg-multi or kvm; also $KTSTR_ACCEL"),
    KT_CLI_STRING("junit", 0, "FILE", struct opts, junit,
		  "write a JUnit XML report"),
    KT_CLI_FLAG("quiet", 'q', struct opts, quiet,
		"no progress lines on stderr"),
    KT_CLI_FLAG("version", 0, struct opts, version,
		"print the ktstr version this binary was built with"),
    KT_CLI_STRING("artifacts", 0, "DIR", struct opts, artifacts,
		  "run the flight recorder in the tests' VMs and write a "
		  "failing test's trace window into DIR (made at the first "
		  "one; docs/recorder.md); without it the recorder is off"),
    {0},
};

static const struct kt_cli_group test_group = {.opts = test_opts};

/* The binary's own name goes into the usage line and the messages. */
static struct kt_cli_cmd test_cmd(const char *prog)
{
	return (struct kt_cli_cmd){
	    .name = prog,
	    .operands = "[PATTERN...]",
	    .about = "Run the KTSTR_TEST tests of this binary, each in its own "
		     "VM (the binary is the guest's /init) or on the host for "
		     "host_only tests. A PATTERN with *, ? or [ is a glob over "
		     "the whole name, otherwise a substring; a test runs when "
		     "any pattern matches (no pattern: every test).",
	    .notes = "Output: TAP (one line per test in registration order, "
		     "failure evidence as '# ' lines), then 'N passed, N "
		     "failed[, N skipped][, N inconclusive]'.",
	    .exit = "0 nothing failed, 1 a test failed, 2 usage error, 3 an "
		    "infrastructure failure, 5 a test was inconclusive (and "
		    "none failed), 130 interrupted",
	};
}

static int usage_error(const struct opts *o, const char *fmt, ...)
    KT_PRINTF(2, 3);
static int usage_error(const struct opts *o, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", o->prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " ('%s --help' shows the options)\n", o->prog);
	return KT_EXIT_USAGE;
}

/* 0 to go on, -1 after --help or --version, else the exit code (the
 * error printed). Patterns: the --filter ones, then the operands. */
static int parse_opts(int argc, char **argv, struct opts *o)
{
	const struct kt_cli_cmd cmd = test_cmd(o->prog);
	const struct kt_cli_bind binds[] = {{&test_group, o}, {0}};
	int nr, err = kt_cli_parse(&cmd, binds, argc, argv, &nr);

	if (err == KT_CLI_HELP) {
		kt_cli_help(stdout, &cmd, binds);
		return -1;
	}
	if (err)
		return usage_error(o, "%s", kt_last_error());
	if (o->version) {
		printf("%s (ktstr %s)\n", o->prog, KTSTR_VERSION);
		return -1;
	}
	for (int i = 1; i <= nr; i++)
		if (kt_cli_strings_push(&o->patterns, argv[i]))
			return usage_error(o, "out of memory");
	for (size_t i = 0; i < o->patterns.nr; i++)
		if (!o->patterns.v[i][0])
			return usage_error(o, "empty test name pattern");
	return 0;
}

static int exit_code(const struct kt_job *jobs, size_t n)
{
	int code = KT_EXIT_PASS;

	/* INFRA beats a failure, a failure beats an inconclusive run */
	for (size_t i = 0; i < n; i++) {
		enum kt_test_status st = kt_test_record_status(&jobs[i].rec);

		if (st == KT_TEST_INCONCLUSIVE && code == KT_EXIT_PASS)
			code = KT_EXIT_INCONCLUSIVE;
		if (st != KT_TEST_FAILED)
			continue;
		if (jobs[i].rec.verdict == KT_VERDICT_INFRA)
			return KT_EXIT_INFRA;
		code = KT_EXIT_FAIL;
	}
	return code;
}

static int write_junit(const struct opts *o, FILE *f, const struct kt_job *jobs,
		       size_t n)
{
	struct kt_test_record *recs = calloc(n ? n : 1, sizeof(*recs));
	int err;

	if (!recs)
		return kt_err(ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++)
		recs[i] = jobs[i].rec;
	err = kt_junit_write(f, o->prog, recs, n);
	free(recs);
	if (fclose(f) && !err)
		err = kt_err(errno, "%s: %s", o->junit, strerror(errno));
	return err;
}

/* The kernel and accelerator of the VM tests among jobs; 0 or the exit
 * code (the error printed). */
static int resolve_vm(const struct opts *o, const struct kt_job *jobs, size_t n,
		      struct kt_job_opts *jo, char *kernel, size_t len)
{
	char config[4096];
	bool need_vm = false;

	for (size_t i = 0; i < n; i++)
		need_vm |= !jobs[i].t->host_only;
	if (!need_vm)
		return 0;
	if (kt_kernel_resolve(o->kernel_arg, kernel, len, config,
			      sizeof(config))) {
		fprintf(stderr, "%s: %s\n", o->prog, kt_last_error());
		return KT_EXIT_USAGE;
	}
	jo->kernel = kernel;
	jo->accel = o->accel == KT_ACCEL_AUTO ? kt_accel_detect() : o->accel;
	return 0;
}

static int run(struct opts *o, struct kt_job *jobs, size_t n)
{
	struct sigaction sa = {.sa_handler = on_signal}, old_int, old_term;
	struct kt_test_totals tot = {0};
	struct kt_job_opts jo = {.duration_ns = o->duration_ns,
				 .keep_going = o->keep_going,
				 .artifacts_dir = o->artifacts};
	struct kt_pool_opts po = {
	    .prog = o->prog,
	    .quiet = o->quiet,
	    .max_jobs = o->jobs,
	    .job = &jo,
	    .stop = &stop_sig,
	};
	char kernel[4096];
	FILE *junit = NULL;
	int err, rc;

	rc = resolve_vm(o, jobs, n, &jo, kernel, sizeof(kernel));
	if (!rc && o->artifacts)
		rc = kt_cli_artifacts_check(o->prog, "--artifacts",
					    o->artifacts, 1);
	if (rc)
		return rc;
	if (o->junit) {
		junit = fopen(o->junit, "we");
		if (!junit) {
			fprintf(stderr, "%s: --junit %s: %s\n", o->prog,
				o->junit, strerror(errno));
			return KT_EXIT_USAGE;
		}
	}
	stop_sig = 0;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);

	printf("1..%zu\n", n);
	fflush(stdout);
	err = kt_job_pool_run(&po, jobs, n, &tot);
	kt_test_summary_print(stdout, &tot);
	fflush(stdout);
	rc = exit_code(jobs, n);
	if (err) {
		fprintf(stderr, "%s: %s\n", o->prog, kt_last_error());
		rc = KT_EXIT_INFRA;
	}
	if (junit && write_junit(o, junit, jobs, n)) {
		fprintf(stderr, "%s: %s\n", o->prog, kt_last_error());
		rc = rc ? rc : KT_EXIT_INFRA;
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	if (stop_sig)
		return stop_sig == SIGINT ? 130 : KT_EXIT_INFRA;
	return rc;
}

/* The registered tests the patterns select, in registration order. */
static size_t select_jobs(const struct opts *o, struct kt_job *jobs)
{
	size_t n = 0;

	for (size_t i = 0; i < kt_test_count(); i++) {
		const struct kt_test *t = kt_test_at(i);

		if (!kt_test_selected(o->patterns.v, o->patterns.nr, t->name))
			continue;
		jobs[n++] = (struct kt_job){
		    .t = t,
		    .rec = {.name = t->name, .expect_err = t->expect_err},
		    .fd = -1,
		};
	}
	return n;
}

static int list_or_run(struct opts *o, struct kt_job *jobs, size_t n)
{
	if (o->list) {
		for (size_t i = 0; i < n; i++)
			printf("%s\n", jobs[i].t->name);
		return KT_EXIT_PASS;
	}
	if (!n)
		return o->patterns.nr
			   ? usage_error(o,
					 "no test matches the given "
					 "pattern(s); --list shows the names")
			   : usage_error(o, "no tests registered");
	return run(o, jobs, n);
}

int kt_test_main(int argc, char **argv)
{
	struct opts o = {.jobs = 1};
	struct kt_job *jobs = NULL;
	const char *slash;
	size_t n;
	int rc;

	/* One binary, two roles: as PID 1 this is the guest's /init. */
	if (getpid() == 1)
		return kt_guest_main(argc, argv);
	o.prog = argc > 0 && argv[0] ? argv[0] : "ktstr-test";
	slash = strrchr(o.prog, '/');
	if (slash)
		o.prog = slash + 1;
	if (kt_test_validate_all()) {
		fprintf(stderr, "%s: %s\n", o.prog, kt_last_error());
		return KT_EXIT_USAGE;
	}
	rc = parse_opts(argc, argv, &o);
	if (!rc) {
		jobs = calloc(kt_test_count() ? kt_test_count() : 1,
			      sizeof(*jobs));
		rc = jobs ? 0 : usage_error(&o, "out of memory");
	}
	if (!rc) {
		n = select_jobs(&o, jobs);
		rc = list_or_run(&o, jobs, n);
		for (size_t i = 0; i < n; i++)
			kt_test_record_free(&jobs[i].rec);
	}
	free(jobs);
	kt_cli_strings_free(&o.patterns);
	return rc < 0 ? KT_EXIT_PASS : rc;
}
