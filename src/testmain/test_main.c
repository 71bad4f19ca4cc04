/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kt_test_main: the command line of a KTSTR_TEST binary. As PID 1 it hands
 * over to the guest init (which runs the one test the plan names). On the
 * host it lists and filters the registered tests, runs each in a forked
 * child (its own VM, or on the host for host_only tests) with at most -j N
 * at once within the host's CPU budget, prints TAP in registration order
 * and the summary line, and writes JUnit on request.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ktstr/kernel.h>

#include "../guest/guest.h"
#include "testmain.h"

#define MAX_JOBS 256

struct opts {
	const char *prog;
	const char **patterns;
	size_t nr_patterns;
	bool list, quiet;
	unsigned jobs;
	const char *kernel_arg;
	const char *junit;
	enum kt_accel accel;
	uint64_t duration_ns;
};

struct job {
	const struct kt_test *t;
	struct kt_test_record rec;
	unsigned cost;
	pid_t pid;
	int fd;
	char *buf;
	size_t len, cap;
	bool started, done;
};

static volatile sig_atomic_t stop_sig;

static void on_signal(int sig)
{
	stop_sig = sig;
}

static void help(const char *prog)
{
	printf(
	    "usage: %s [PATTERN...] [--filter PATTERN] [--list] [-j N]\n"
	    "       %*s [--kernel K] [--duration S] [--junit FILE] "
	    "[--quiet]\n\n"
	    "Run the KTSTR_TEST tests of this binary, each in its own VM (the "
	    "binary\n"
	    "is the guest's /init) or on the host for host_only tests. A "
	    "PATTERN with\n"
	    "*, ? or [ is a glob over the whole name, otherwise a substring; "
	    "a test\n"
	    "runs when any pattern matches (no pattern: every test).\n\n"
	    "  --list           print the selected test names, run nothing\n"
	    "  --filter P       one more pattern (repeatable)\n"
	    "  -j, --jobs N     up to N tests at once (default 1); the VMs' "
	    "host CPUs\n"
	    "                   (1 per VM under TCG, its vCPUs under KVM) "
	    "stay within\n"
	    "                   the online CPUs, a larger VM runs alone, "
	    "host_only\n"
	    "                   tests run alone\n"
	    "  --kernel K       bzImage, cache entry dir, source tree or "
	    "cached release\n"
	    "                   (default $KTSTR_KERNEL, then the newest cached "
	    "kernel)\n"
	    "  --duration S     seconds each test runs (default: the test's "
	    ".duration_s)\n"
	    "  --accel A        auto (default), tcg, tcg-multi or kvm\n"
	    "  --junit FILE     write a JUnit XML report\n"
	    "  --quiet          no progress lines on stderr\n\n"
	    "Output: TAP (one line per test in registration order, failure "
	    "evidence as\n"
	    "'# ' lines), then 'N passed, N failed[, N skipped]'. exit: 0 "
	    "nothing failed,\n"
	    "1 a test failed, 2 usage error, 3 an infrastructure failure, "
	    "130 interrupted\n",
	    prog, (int)strlen(prog), "");
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

static int parse_seconds(const char *s, uint64_t *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v > 0) || v > 3600)
		return -EINVAL;
	*out = (uint64_t)(v * 1e9);
	return 0;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option lopts[] = {
	    {"list", no_argument, NULL, 'l'},
	    {"filter", required_argument, NULL, 'f'},
	    {"jobs", required_argument, NULL, 'j'},
	    {"kernel", required_argument, NULL, 'k'},
	    {"duration", required_argument, NULL, 'd'},
	    {"accel", required_argument, NULL, 'a'},
	    {"junit", required_argument, NULL, 'J'},
	    {"quiet", no_argument, NULL, 'q'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	char *end;
	long n;
	int c;

	o->patterns = calloc((size_t)argc + 1, sizeof(*o->patterns));
	if (!o->patterns)
		return usage_error(o, "out of memory");
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hj:q", lopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			help(o->prog);
			return -1;
		case 'l':
			o->list = true;
			break;
		case 'f':
			o->patterns[o->nr_patterns++] = optarg;
			break;
		case 'j':
			errno = 0;
			n = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || n < 1 ||
			    n > MAX_JOBS)
				return usage_error(o,
						   "-j: '%s' is not a number "
						   "of jobs (1..%d)",
						   optarg, MAX_JOBS);
			o->jobs = (unsigned)n;
			break;
		case 'k':
			o->kernel_arg = optarg;
			break;
		case 'd':
			if (parse_seconds(optarg, &o->duration_ns))
				return usage_error(o,
						   "--duration: '%s' is not a "
						   "number of seconds in "
						   "(0, 3600]",
						   optarg);
			break;
		case 'a':
			if (kt_accel_parse(optarg, &o->accel))
				return usage_error(o, "--accel: %s",
						   kt_last_error());
			break;
		case 'J':
			o->junit = optarg;
			break;
		case 'q':
			o->quiet = true;
			break;
		case ':':
			return usage_error(o, "%s needs a value",
					   argv[optind - 1]);
		default:
			return usage_error(o, "unknown option '%s'",
					   argv[optind - 1]);
		}
	}
	for (int i = optind; i < argc; i++)
		o->patterns[o->nr_patterns++] = argv[i];
	for (size_t i = 0; i < o->nr_patterns; i++)
		if (!o->patterns[i][0])
			return usage_error(o, "empty test name pattern");
	return 0;
}

static void progress(const struct opts *o, const char *fmt, ...)
    KT_PRINTF(2, 3);
static void progress(const struct opts *o, const char *fmt, ...)
{
	va_list ap;

	if (o->quiet)
		return;
	va_start(ap, fmt);
	fprintf(stderr, "%s: ", o->prog);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static int start_job(const struct opts *o, const struct kt_job_opts *jo,
		     struct job *j)
{
	struct kt_topo_spec spec = kt_test_topo(j->t);
	char topo[64];
	int p[2];

	if (pipe2(p, O_CLOEXEC))
		return kt_err(errno, "pipe: %s", strerror(errno));
	fflush(NULL);
	j->pid = fork();
	if (j->pid < 0) {
		int err = errno;

		close(p[0]);
		close(p[1]);
		return kt_err(err, "fork: %s", strerror(err));
	}
	if (j->pid == 0) {
		close(p[0]);
		kt_job_child(j->t, jo, p[1]);
	}
	close(p[1]);
	j->fd = p[0];
	j->started = true;
	kt_topo_spec_name(&spec, topo, sizeof(topo));
	progress(o, "%s: started (%s)", j->t->name,
		 j->t->host_only ? "host" : topo);
	return 0;
}

/* Read what the child sent; true once it is finished (EOF). */
static bool drain(struct job *j)
{
	for (;;) {
		ssize_t n;

		if (j->cap - j->len < 4096) {
			size_t cap = j->cap ? j->cap * 2 : 16384;
			char *b = realloc(j->buf, cap);

			if (!b)
				return false; /* retried on the next poll */
			j->buf = b;
			j->cap = cap;
		}
		n = read(j->fd, j->buf + j->len, j->cap - j->len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno != EAGAIN;
		if (n == 0)
			return true;
		j->len += (size_t)n;
		if (j->len < j->cap - 1)
			return false; /* more may come later */
	}
}

static void finish_job(const struct opts *o, struct job *j)
{
	const char *why;
	int st = 0;

	close(j->fd);
	j->fd = -1;
	while (waitpid(j->pid, &st, 0) < 0 && errno == EINTR)
		;
	j->done = true;
	if (j->buf)
		j->buf[j->len] = '\0';
	if (!j->buf || !j->len || kt_job_parse(j->buf, &j->rec)) {
		char msg[256];

		if (WIFSIGNALED(st))
			snprintf(msg, sizeof(msg),
				 "the test's runner process was killed by "
				 "signal %d (%s)",
				 WTERMSIG(st), strsignal(WTERMSIG(st)));
		else
			snprintf(msg, sizeof(msg),
				 "the test's runner process exited with "
				 "status %d without a record",
				 WIFEXITED(st) ? WEXITSTATUS(st) : -1);
		j->rec.verdict = KT_VERDICT_INFRA;
		j->rec.reason = strdup(msg);
	}
	free(j->buf);
	j->buf = NULL;
	switch (kt_test_judge(j->rec.verdict, j->rec.expect_err, &why)) {
	case KT_TEST_PASSED:
		progress(o, "%s: ok (%s%s) in %.1fs", j->t->name,
			 kt_verdict_name(j->rec.verdict),
			 j->rec.expect_err ? ", expected an error" : "",
			 j->rec.seconds);
		break;
	case KT_TEST_SKIPPED:
		progress(o, "%s: skipped", j->t->name);
		break;
	case KT_TEST_FAILED:
		progress(o, "%s: FAILED (%s) in %.1fs", j->t->name,
			 kt_verdict_name(j->rec.verdict), j->rec.seconds);
		break;
	}
}

/* A test never started (a signal, or the runner could not fork). */
static void mark_not_run(struct job *j, const char *why)
{
	char msg[600];

	snprintf(msg, sizeof(msg), "not run: %s", why);
	j->done = true;
	j->rec.verdict = KT_VERDICT_INFRA;
	j->rec.reason = strdup(msg);
}

/* Pass a stop signal on to the running children (once). */
static void forward_stop(struct job *jobs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (jobs[i].started && !jobs[i].done)
			kill(jobs[i].pid, SIGTERM);
}

static int run_all(const struct opts *o, const struct kt_job_opts *jo,
		   struct job *jobs, size_t n, struct kt_test_totals *tot)
{
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned budget = online > 0 ? (unsigned)online : 1;
	unsigned running = 0, running_cost = 0;
	size_t printed = 0, done = 0;
	bool forwarded = false;
	char why[512];
	struct pollfd *pfd = calloc(n, sizeof(*pfd));
	struct job **pj = calloc(n, sizeof(*pj));
	int err = 0;

	if (!pfd || !pj) {
		free(pfd);
		free(pj);
		return kt_err(ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		struct kt_topo_spec spec = kt_test_topo(jobs[i].t);

		jobs[i].cost = kt_test_cost(kt_topo_spec_cpus(&spec), jo->accel,
					    jobs[i].t->host_only, budget);
	}

	while (done < n) {
		size_t np = 0;
		int r;

		/* Start what fits, first pending test first (backfill). */
		for (size_t i = 0; i < n && !stop_sig && !err; i++) {
			struct job *j = &jobs[i];

			if (j->started || j->done)
				continue;
			if (!kt_test_admit(running, running_cost, j->cost,
					   o->jobs, budget))
				continue;
			err = start_job(o, jo, j);
			if (err)
				break;
			running++;
			running_cost += j->cost;
		}
		if (stop_sig && !forwarded) {
			forward_stop(jobs, n);
			forwarded = true;
		}
		if ((stop_sig || err) && !running) {
			if (stop_sig)
				snprintf(why, sizeof(why), "interrupted by %s",
					 strsignal(stop_sig));
			else
				snprintf(why, sizeof(why), "%s",
					 kt_last_error());
			for (size_t i = 0; i < n; i++)
				if (!jobs[i].started && !jobs[i].done) {
					mark_not_run(&jobs[i], why);
					done++;
				}
		}
		for (size_t i = 0; i < n; i++)
			if (jobs[i].started && !jobs[i].done) {
				pfd[np] = (struct pollfd){.fd = jobs[i].fd,
							  .events = POLLIN};
				pj[np++] = &jobs[i];
			}
		if (np) {
			r = poll(pfd, np, 200);
			if (r < 0 && errno != EINTR) {
				err =
				    kt_err(errno, "poll: %s", strerror(errno));
				r = 0;
			}
			for (size_t k = 0; r > 0 && k < np; k++) {
				if (!pfd[k].revents || !drain(pj[k]))
					continue;
				finish_job(o, pj[k]);
				running--;
				running_cost -= pj[k]->cost;
				done++;
			}
		}
		/* Results in registration order, as soon as they can be. */
		while (printed < n && jobs[printed].done) {
			kt_tap_print(stdout, (unsigned)printed + 1,
				     &jobs[printed].rec);
			kt_test_totals_add(tot, &jobs[printed].rec);
			printed++;
		}
		fflush(stdout);
	}
	free(pfd);
	free(pj);
	return err;
}

static int exit_code(const struct job *jobs, size_t n)
{
	int code = KT_EXIT_PASS;

	for (size_t i = 0; i < n; i++) {
		if (kt_test_record_status(&jobs[i].rec) != KT_TEST_FAILED)
			continue;
		if (jobs[i].rec.verdict == KT_VERDICT_INFRA)
			return KT_EXIT_INFRA;
		code = KT_EXIT_FAIL;
	}
	return code;
}

static int write_junit(const struct opts *o, FILE *f, const struct job *jobs,
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

static int run(struct opts *o, struct job *jobs, size_t n)
{
	struct sigaction sa = {.sa_handler = on_signal}, old_int, old_term;
	struct kt_test_totals tot = {0};
	struct kt_job_opts jo = {.duration_ns = o->duration_ns};
	char kernel[4096], config[4096];
	bool need_vm = false;
	FILE *junit = NULL;
	int err, rc;

	for (size_t i = 0; i < n; i++)
		need_vm |= !jobs[i].t->host_only;
	if (need_vm) {
		if (kt_kernel_resolve(o->kernel_arg, kernel, sizeof(kernel),
				      config, sizeof(config))) {
			fprintf(stderr, "%s: %s\n", o->prog, kt_last_error());
			return KT_EXIT_USAGE;
		}
		jo.kernel = kernel;
		jo.accel =
		    o->accel == KT_ACCEL_AUTO ? kt_accel_detect() : o->accel;
	}
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
	err = run_all(o, &jo, jobs, n, &tot);
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

int kt_test_main(int argc, char **argv)
{
	struct opts o = {.jobs = 1};
	struct job *jobs = NULL;
	const char *slash;
	size_t nr = kt_test_count(), n = 0;
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
	if (rc) {
		free(o.patterns);
		return rc < 0 ? KT_EXIT_PASS : rc;
	}
	jobs = calloc(nr ? nr : 1, sizeof(*jobs));
	if (!jobs) {
		free(o.patterns);
		return usage_error(&o, "out of memory");
	}
	for (size_t i = 0; i < nr; i++) {
		const struct kt_test *t = kt_test_at(i);

		if (!kt_test_selected(o.patterns, o.nr_patterns, t->name))
			continue;
		jobs[n] = (struct job){
		    .t = t,
		    .rec = {.name = t->name, .expect_err = t->expect_err},
		    .fd = -1,
		};
		n++;
	}
	if (o.list) {
		for (size_t i = 0; i < n; i++)
			printf("%s\n", jobs[i].t->name);
		rc = KT_EXIT_PASS;
	} else if (!n) {
		rc = o.nr_patterns ? usage_error(&o, "no test matches the "
						     "given pattern(s); --list "
						     "shows the names")
				   : usage_error(&o, "no tests registered");
	} else {
		rc = run(&o, jobs, n);
	}
	for (size_t i = 0; i < n; i++)
		kt_test_record_free(&jobs[i].rec);
	free(jobs);
	free(o.patterns);
	return rc;
}
