/* SPDX-License-Identifier: GPL-2.0-only */
/* The ktstr command: global help and subcommand dispatch. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <ktstr/common.h>

#include "../guest/guest.h"
#include "commands.h"
#include "options.h"

static const struct kt_cli_subcmd commands[] = {
    {"list", NULL, "list the scenarios with one-line descriptions",
     kt_cmd_list},
    {"run", NULL, "run scenarios on this host under the active scheduler",
     kt_cmd_run},
    {"topo", NULL, "show this host's CPU topology", kt_cmd_topo},
    {"cleanup", NULL, "remove cgroups ktstr left behind", kt_cmd_cleanup},
    {"vm", NULL, "run scenarios in a VM with a given CPU topology", kt_cmd_vm},
    {"shell", NULL, "a shell (or one command) in a VM", kt_cmd_shell},
    {"gauntlet", NULL,
     "run scenarios across topology presets, scheduler profiles, work "
     "types and kernels within a time budget",
     kt_cmd_gauntlet},
    {"stats", NULL, "verdict matrix and metric distributions of results",
     kt_cmd_stats},
    {"compare", NULL, "significant regressions between two results dirs",
     kt_cmd_compare},
    {"replay", NULL, "rerun exactly the VM a sidecar describes", kt_cmd_replay},
    {"kernel", NULL, "fetch, list, locate and clean cached guest kernels",
     kt_cmd_kernel},
    {"version", NULL, "print the version (also --version)", kt_cmd_version},
};

static const struct kt_cli_cmd ktstr_cmd = {
    .name = "ktstr",
    .operands = "COMMAND [OPTIONS]",
    .about = "A test harness for Linux process schedulers.",
    .subcmds = commands,
    .nr_subcmds = KT_ARRAY_SIZE(commands),
    .notes = "'ktstr COMMAND --help' describes one command.",
    .exit = "0 pass, 1 a check failed, 2 usage or input error, 3 "
	    "infrastructure error, 4 unsupported here or skipped, 5 "
	    "inconclusive",
};

int main(int argc, char **argv)
{
	/* One binary, two roles: as PID 1 this is the guest's /init. */
	if (getpid() == 1)
		return kt_guest_main(argc, argv);
	if (argc < 2) {
		kt_cli_help(stderr, &ktstr_cmd, NULL);
		return KT_EXIT_USAGE;
	}
	if (kt_cli_is_help(argv[1]) || !strcmp(argv[1], "help")) {
		kt_cli_help(stdout, &ktstr_cmd, NULL);
		return KT_EXIT_PASS;
	}
	if (!strcmp(argv[1], "--version"))
		return kt_cmd_version(argc - 1, argv + 1);
	for (size_t i = 0; i < KT_ARRAY_SIZE(commands); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr,
		"ktstr: unknown command '%s'; 'ktstr --help' lists the "
		"commands\n",
		argv[1]);
	return KT_EXIT_USAGE;
}
