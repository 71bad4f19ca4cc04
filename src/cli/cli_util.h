/* SPDX-License-Identifier: GPL-2.0-only */
/* Argument parsing and output helpers shared by the ktstr subcommands. */
#ifndef KTSTR_CLI_UTIL_H
#define KTSTR_CLI_UTIL_H

#include <stdint.h>

#include <jansson.h>

/* "2", "0.5", "1.5s", "500ms" -> ns; 0 < d <= 24 h. Prints the error
 * (naming opt and text) and returns -EINVAL. */
int kt_cli_duration(const char *opt, const char *text, uint64_t *ns);
/* Decimal integer in [min, max]; prints the error, -EINVAL. */
int kt_cli_uint(const char *opt, const char *text, unsigned min, unsigned max,
		unsigned *out);
/* Usage error: "ktstr CMD: MESSAGE" + hint to --help; returns 2. */
int kt_cli_usage_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Write json to path atomically (temp file in the same dir + rename).
 * Prints the error; returns 0 or -errno. */
int kt_cli_write_json(const char *path, json_t *j);

#endif
