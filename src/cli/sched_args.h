/* SPDX-License-Identifier: GPL-2.0-only */
/* The scheduler options of `ktstr vm`: --scheduler, --sched-arg, --flags. */
#ifndef KTSTR_CLI_SCHED_ARGS_H
#define KTSTR_CLI_SCHED_ARGS_H

#include <ktstr/sched.h>
#include <ktstr/vm.h>

#include "vm/strv.h" /* the --sched-arg list is a kt_strv */

struct kt_cli_sched {
	const char *arg;      /* --scheduler PATH|JSON, NULL = EEVDF */
	const char *flags;    /* --flags a,b */
	struct kt_strv extra; /* --sched-arg ARG... */
	struct kt_sched_def def;
	bool has_def;
	kt_sched_mask mask;
};

/*
 * Resolve the options into s->def: a JSON definition, or a binary (a
 * definition with just that binary). The file must exist on the host; a
 * file that is not executable is still taken (the guest reports the exec
 * failure as the scheduler's verdict). Prints the error and returns
 * KT_EXIT_USAGE on bad input, else 0.
 */
int kt_cli_sched_resolve(const char *cmd, struct kt_cli_sched *s);
void kt_cli_sched_free(struct kt_cli_sched *s);

/* Fill o's scheduler fields from s (no-op without --scheduler). */
void kt_cli_sched_apply(const struct kt_cli_sched *s, struct kt_vm_opts *o);

#endif
