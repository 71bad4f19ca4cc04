/* SPDX-License-Identifier: GPL-2.0-only */
/* Argument parsing and output helpers shared by the ktstr subcommands. */
#ifndef KTSTR_CLI_UTIL_H
#define KTSTR_CLI_UTIL_H

#include <getopt.h>
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
/*
 * getopt_long's return that no option took (needs opterr = 0 and a ':'
 * leading the short options): ':' is "OPT needs a value", anything else
 * "unknown option 'OPT'", OPT being argv[optind - 1]. Returns 2.
 */
int kt_cli_bad_option(const char *cmd, int c, char *const *argv);

/* What the kt_cli_*_option handlers return for an option not theirs. */
#define KT_CLI_OPT_OTHER (-1)

/* The options of the commands that run scenarios (`run`, `vm`). */
/* clang-format off */
#define KT_CLI_RUN_OPTIONS \
	{"duration", required_argument, NULL, 'd'}, \
	{"workers", required_argument, NULL, 'w'}, \
	{"json", required_argument, NULL, 'j'}
/* clang-format on */
/*
 * Take getopt_long's c if it is one of KT_CLI_RUN_OPTIONS: 0 when taken,
 * KT_EXIT_USAGE (error printed) for a bad value, KT_CLI_OPT_OTHER else.
 */
int kt_cli_run_option(int c, const char *arg, uint64_t *duration_ns,
		      unsigned *workers, const char **json_path);
/* Write json to path atomically (temp file in the same dir + rename).
 * Prints the error; returns 0 or -errno. */
int kt_cli_write_json(const char *path, json_t *j);

#endif
