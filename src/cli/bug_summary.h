/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The BUG SUMMARY line: the first line on stderr of a run whose verdict
 * is FAIL, SCHED or INCONCLUSIVE, naming the first failing scenario, its
 * variant, verdict, first evidence and where its trace and dump went:
 *
 *   BUG SUMMARY: steady [topo=1n1l2c1t sched=scx-ktstr] FAIL: stuck
 *   2345ms on cpu1 at +512ms (trace: DIR/steady-scx-ktstr-1n1l2c1t.trace)
 *
 * (one line). To make it really the first line, the command holds its
 * stderr (everything written to fd 2, the library's progress lines
 * included) from before the run until the summary is printed or the run
 * ends, then replays what it held after it.
 */
#ifndef KTSTR_CLI_BUG_SUMMARY_H
#define KTSTR_CLI_BUG_SUMMARY_H

#include <stdbool.h>
#include <stddef.h>

#include <ktstr/result.h>

/* Whether a verdict gets a BUG SUMMARY: FAIL, SCHED, INCONCLUSIVE. */
bool kt_cli_bug_verdict(enum kt_verdict v);

/* The first result of rs[0..n) with such a verdict, or NULL. */
const struct kt_result *kt_cli_bug_first(const struct kt_result *rs, size_t n);

/*
 * The line for r (without a newline) into buf: the evidence is the first
 * detail that gives the verdict (SCHED: the scheduler's; INCONCLUSIVE:
 * a host stall or coverage), else the first that is not a note ("(no
 * detail)" without one); trace and dump
 * are paths or NULL ("trace: none" then; the dump only when there is
 * one).
 */
void kt_cli_bug_summary(const struct kt_result *r, const char *trace,
			const char *dump, char *buf, size_t len);

/* Stderr held in memory (a memfd on fd 2). */
struct kt_cli_hold {
	int saved; /* the real stderr; -1 when not holding */
	int mem;
};

/* Start holding fd 2; a failure leaves stderr as it is (h->saved = -1). */
void kt_cli_hold_stderr(struct kt_cli_hold *h);
/* Stop holding: line (when not NULL) goes out first, with a newline,
 * then everything held. Nothing when not holding (line too, then, goes
 * straight out). */
void kt_cli_release_stderr(struct kt_cli_hold *h, const char *line);

#endif
