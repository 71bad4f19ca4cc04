/* SPDX-License-Identifier: GPL-2.0-only */
/* The options of the commands that run scenarios (`run`, `vm`). */
#ifndef KTSTR_CLI_RUN_ARGS_H
#define KTSTR_CLI_RUN_ARGS_H

#include <stdbool.h>
#include <stdint.h>

#include "options.h"

/* --duration and --workers (0 = the scenario's own), --keep-going. */
struct kt_cli_run_args {
	uint64_t duration_ns;
	unsigned workers;
	bool keep_going;
};

/* Binds to a struct kt_cli_run_args. */
extern const struct kt_cli_group kt_cli_run_group;

#endif
