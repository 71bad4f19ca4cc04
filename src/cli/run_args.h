/* SPDX-License-Identifier: GPL-2.0-only */
/* The options of the commands that run scenarios (`run`, `vm`). */
#ifndef KTSTR_CLI_RUN_ARGS_H
#define KTSTR_CLI_RUN_ARGS_H

#include <stdbool.h>
#include <stdint.h>

#include "options.h"

#include <ktstr/workload.h>

/* --duration and --workers (0 = the scenario's own), --keep-going,
 * --work-type. */
struct kt_cli_run_args {
	uint64_t duration_ns;
	unsigned workers;
	bool keep_going;
	const char *work_type;	  /* NULL = none */
	struct kt_work_type work; /* work_type parsed by kt_cli_run_resolve */
};

/* Binds to a struct kt_cli_run_args. */
extern const struct kt_cli_group kt_cli_run_group;

/* Check --work-type (a work kind without parameters) into a->work;
 * prints the error and returns KT_EXIT_USAGE, or 0. */
int kt_cli_run_resolve(const char *cmd, struct kt_cli_run_args *a);

#endif
