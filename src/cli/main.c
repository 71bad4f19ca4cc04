/* SPDX-License-Identifier: GPL-2.0-only */
/* The ktstr command: global help and subcommand dispatch. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <ktstr/common.h>

#include "../guest/guest.h"
#include "commands.h"

struct kt_command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct kt_command commands[] = {
    {"list", kt_cmd_list, "list the scenarios with one-line descriptions"},
    {"run", kt_cmd_run,
     "run scenarios on this host under the active scheduler"},
    {"topo", kt_cmd_topo, "show this host's CPU topology"},
    {"cleanup", kt_cmd_cleanup, "remove cgroups ktstr left behind"},
    {"vm", kt_cmd_vm, "run scenarios in a VM with a given CPU topology"},
    {"shell", kt_cmd_shell, "a shell (or one command) in a VM"},
    {"kernel", kt_cmd_kernel,
     "fetch, list, locate and clean cached guest kernels"},
};

static void usage(FILE *f)
{
	fprintf(f, "usage: ktstr COMMAND [OPTIONS]\n\n"
		   "A test harness for Linux process schedulers.\n\n"
		   "commands:\n");
	for (size_t i = 0; i < KT_ARRAY_SIZE(commands); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name,
			commands[i].summary);
	fprintf(f, "\n'ktstr COMMAND --help' describes one command.\n"
		   "exit codes: 0 pass, 1 a check failed, 2 usage or input "
		   "error,\n"
		   "            3 infrastructure error, 4 unsupported here or "
		   "skipped\n");
}

bool kt_cli_is_help(const char *arg)
{
	return !strcmp(arg, "-h") || !strcmp(arg, "--help");
}

int main(int argc, char **argv)
{
	/* One binary, two roles: as PID 1 this is the guest's /init. */
	if (getpid() == 1)
		return kt_guest_main(argc, argv);
	if (argc < 2) {
		usage(stderr);
		return KT_EXIT_USAGE;
	}
	if (kt_cli_is_help(argv[1]) || !strcmp(argv[1], "help")) {
		usage(stdout);
		return KT_EXIT_PASS;
	}
	for (size_t i = 0; i < KT_ARRAY_SIZE(commands); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr,
		"ktstr: unknown command '%s'; 'ktstr --help' lists the "
		"commands\n",
		argv[1]);
	return KT_EXIT_USAGE;
}
