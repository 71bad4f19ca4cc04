/* SPDX-License-Identifier: GPL-2.0-only */
/* Argument handling and output helpers shared by the ktstr subcommands. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ktstr/common.h>

#include "core/json_file.h"

#include "cli_util.h"

bool kt_cli_args(const struct kt_cli_cmd *cmd, const struct kt_cli_bind *binds,
		 int argc, char **argv, int *nr_operands, int *exit_code)
{
	int err = kt_cli_parse(cmd, binds, argc, argv, nr_operands);

	if (!err)
		return true;
	if (err == KT_CLI_HELP) {
		kt_cli_help(stdout, cmd, binds);
		*exit_code = KT_EXIT_PASS;
		return false;
	}
	fprintf(stderr, "%s: %s\n'%s --help' shows the options\n", cmd->name,
		kt_last_error(), cmd->name);
	*exit_code = err == -ENOMEM ? KT_EXIT_INFRA : KT_EXIT_USAGE;
	return false;
}

int kt_cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "ktstr %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n'ktstr %s --help' shows the options\n", cmd);
	return KT_EXIT_USAGE;
}

int kt_cli_write_json(const char *path, json_t *j)
{
	int err = kt_json_write_file(path, j);

	if (err)
		fprintf(stderr, "ktstr: %s\n", kt_last_error());
	return err;
}
