/* SPDX-License-Identifier: GPL-2.0-only */
/* The `ktstr` arguments that rerun one VM exactly: what a sidecar keeps
 * for `ktstr replay`, and what the gauntlet runs per variant. */
#ifndef KTSTR_CLI_VM_REPLAY_H
#define KTSTR_CLI_VM_REPLAY_H

#include <stddef.h>

#include <ktstr/vm.h>

#include "sched_args.h"

struct kt_cli_argv {
	char **v; /* NULL-terminated */
	size_t nr, cap;
};
int kt_cli_argv_push(struct kt_cli_argv *a, const char *s);
int kt_cli_argv_pushf(struct kt_cli_argv *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void kt_cli_argv_free(struct kt_cli_argv *a);

/*
 * "vm" and the options of o as given (topology shape, absolute kernel
 * path, duration, workers, memory, accel and boot unless auto, keep-going,
 * work-type, the scheduler by its absolute path with --sched-arg and
 * --flags), then the scenario names and absolute scenario file paths.
 * 0 or -ENOMEM / -errno (a path that no longer resolves).
 */
int kt_cli_vm_replay_args(const struct kt_vm_opts *o,
			  const struct kt_cli_sched *sched,
			  struct kt_cli_argv *out);

#endif
