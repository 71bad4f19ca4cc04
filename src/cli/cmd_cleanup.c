/* SPDX-License-Identifier: GPL-2.0-only */
/* `ktstr cleanup`: remove cgroups that earlier ktstr runs left behind. */
#include <getopt.h>
#include <stdio.h>

#include <ktstr/cgroup.h>

#include "cli_util.h"
#include "commands.h"

static void help(void)
{
	printf("usage: ktstr cleanup [--cgroup-root DIR]\n\n"
	       "Remove cgroups named ktstr or ktstr-PID (PID no longer "
	       "running) directly\n"
	       "below the cgroup2 mount, moving any task in them to the "
	       "parent first.\n\n"
	       "  --cgroup-root DIR  cgroup2 mount (default /sys/fs/cgroup)\n");
}

int kt_cmd_cleanup(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"cgroup-root", required_argument, NULL, 'c'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	const char *root = "/sys/fs/cgroup";
	int c, n;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		if (c == 'h') {
			help();
			return KT_EXIT_PASS;
		} else if (c == 'c') {
			root = optarg;
		} else {
			return kt_cli_bad_option("cleanup", c, argv);
		}
	}
	if (optind < argc)
		return kt_cli_usage_error("cleanup", "unexpected argument '%s'",
					  argv[optind]);
	n = kt_cgroup_cleanup_stale(root, true);
	if (n < 0) {
		fprintf(stderr, "ktstr cleanup: %s\n", kt_last_error());
		return KT_EXIT_INFRA;
	}
	printf("removed %d cgroup%s\n", n, n == 1 ? "" : "s");
	return KT_EXIT_PASS;
}
