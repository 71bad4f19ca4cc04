/* SPDX-License-Identifier: GPL-2.0-only */
/* `ktstr cleanup`: remove cgroups that earlier ktstr runs left behind. */
#include <stdio.h>

#include <ktstr/cgroup.h>

#include "cli_util.h"
#include "commands.h"

struct cleanup_args {
	const char *root;
};

static const struct kt_cli_opt cleanup_opts[] = {
    KT_CLI_STRING("cgroup-root", 0, "DIR", struct cleanup_args, root,
		  "cgroup2 mount (default /sys/fs/cgroup)"),
    {0},
};

static const struct kt_cli_group cleanup_group = {.opts = cleanup_opts};

static const struct kt_cli_cmd cleanup_cmd = {
    .name = "ktstr cleanup",
    .about = "Remove cgroups named ktstr or ktstr-PID (PID no longer "
	     "running) directly below the cgroup2 mount, moving any task in "
	     "them to the parent first.",
};

int kt_cmd_cleanup(int argc, char **argv)
{
	struct cleanup_args a = {.root = "/sys/fs/cgroup"};
	const struct kt_cli_bind binds[] = {{&cleanup_group, &a}, {0}};
	int nr_operands, rc, n;

	if (!kt_cli_args(&cleanup_cmd, binds, argc, argv, &nr_operands, &rc))
		return rc;
	n = kt_cgroup_cleanup_stale(a.root, true);
	if (n < 0) {
		fprintf(stderr, "ktstr cleanup: %s\n", kt_last_error());
		return KT_EXIT_INFRA;
	}
	printf("removed %d cgroup%s\n", n, n == 1 ? "" : "s");
	return KT_EXIT_PASS;
}
