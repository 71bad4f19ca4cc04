/* SPDX-License-Identifier: GPL-2.0-only */
/* Internals of kt_test_main: running one test in a forked child (in a VM,
 * or on the host for host_only tests) and shipping its record back. */
#ifndef KTSTR_TESTMAIN_H
#define KTSTR_TESTMAIN_H

#include <ktstr/test_runner.h>

struct kt_job_opts {
	const char *kernel;   /* bzImage for VM tests */
	enum kt_accel accel;  /* resolved (never AUTO) */
	uint64_t duration_ns; /* --duration; 0 = each test's own */
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

#endif
