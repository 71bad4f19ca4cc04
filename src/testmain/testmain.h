/* SPDX-License-Identifier: GPL-2.0-only */
/* Internals of kt_test_main: running one test in a forked child (in a VM,
 * or on the host for host_only tests), shipping its record back, and the
 * pool that runs the selected tests side by side. */
#ifndef KTSTR_TESTMAIN_H
#define KTSTR_TESTMAIN_H

#include <signal.h>
#include <sys/types.h>

#include <ktstr/test_runner.h>

struct kt_job_opts {
	const char *kernel;   /* bzImage for VM tests */
	enum kt_accel accel;  /* resolved (never AUTO) */
	uint64_t duration_ns; /* --duration; 0 = each test's own */
	bool keep_going;      /* --keep-going */
	/* --artifacts: the recorder's traces go there; NULL = recorder off */
	const char *artifacts_dir;
};

/*
 * The child's whole life: run t as o says, write its record as one JSON
 * object to fd ({verdict, reason, report, seconds}) and _exit. Never
 * returns.
 */
_Noreturn void kt_job_child(const struct kt_test *t,
			    const struct kt_job_opts *o, int fd);

/* Parse what kt_job_child wrote into rec (name and expect_err are the
 * caller's); -EINVAL with a message. */
int kt_job_parse(const char *text, struct kt_test_record *rec);

/* One selected test in the pool: t and rec (name, expect_err) set by the
 * caller, fd = -1; the rest is the pool's. */
struct kt_job {
	const struct kt_test *t;
	struct kt_test_record rec;
	unsigned cost; /* host CPUs it holds (kt_test_cost) */
	pid_t pid;
	int fd; /* the child's record comes through it */
	char *buf;
	size_t len, cap;
	bool started, done;
};

struct kt_pool_opts {
	const char *prog; /* prefix of the progress lines */
	bool quiet;	  /* no progress lines on stderr */
	unsigned max_jobs;
	const struct kt_job_opts *job;
	/* set by a signal handler: the signal that asks to stop, or 0 */
	const volatile sig_atomic_t *stop;
};

/*
 * Run every job to its record (or "not run: WHY" after a stop or a
 * failure to start one), print their TAP lines to stdout in order and add
 * them to tot. 0, or a negative errno with a message (the jobs all have a
 * record even then).
 */
int kt_job_pool_run(const struct kt_pool_opts *o, struct kt_job *jobs, size_t n,
		    struct kt_test_totals *tot);

#endif
