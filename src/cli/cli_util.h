/* SPDX-License-Identifier: GPL-2.0-only */
/* Argument handling and output helpers shared by the ktstr subcommands. */
#ifndef KTSTR_CLI_UTIL_H
#define KTSTR_CLI_UTIL_H

#include <stdbool.h>

#include <jansson.h>

#include "options.h"

/*
 * Parse a subcommand's arguments (kt_cli_parse) the way every ktstr
 * command reports them: true to go on (the operands are argv[1 ..
 * 1 + *nr_operands)); false when the command is done, with *exit_code
 * set: 0 after printing --help, 2 after a usage error printed as
 * "ktstr CMD: MESSAGE" plus a hint to --help, 3 out of memory.
 */
bool kt_cli_args(const struct kt_cli_cmd *cmd, const struct kt_cli_bind *binds,
		 int argc, char **argv, int *nr_operands, int *exit_code);
/* Usage error: "ktstr CMD: MESSAGE" + hint to --help; returns 2. */
int kt_cli_usage_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Write json to path atomically (temp file in the same dir + rename).
 * Prints the error; returns 0 or -errno. */
int kt_cli_write_json(const char *path, json_t *j);

#endif
