/* SPDX-License-Identifier: GPL-2.0-only */
/* `ktstr version` (also `ktstr --version`): which ktstr this is. */
#include <stdio.h>

#include <ktstr/common.h>
#include <ktstr/version.h>

#include "cli_util.h"
#include "commands.h"

static const struct kt_cli_cmd version_cmd = {
    .name = "ktstr version",
    .about = "Print the version of ktstr (KTSTR_VERSION_MAJOR.MINOR of "
	     "<ktstr/version.h>) as 'ktstr MAJOR.MINOR'.",
};

int kt_cmd_version(int argc, char **argv)
{
	static const struct kt_cli_bind no_options[] = {{0}};
	int nr, rc;

	if (!kt_cli_args(&version_cmd, no_options, argc, argv, &nr, &rc))
		return rc;
	printf("ktstr %s\n", KTSTR_VERSION);
	return KT_EXIT_PASS;
}
