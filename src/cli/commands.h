/* SPDX-License-Identifier: GPL-2.0-only */
/* The ktstr subcommands: one file per command, dispatched from main.c. */
#ifndef KTSTR_CLI_COMMANDS_H
#define KTSTR_CLI_COMMANDS_H

/*
 * Each command gets argv with argv[0] = the subcommand name and returns a
 * process exit code (enum kt_exit_code). Usage errors print a message
 * naming the bad argument plus a hint to --help, and return KT_EXIT_USAGE.
 */
int kt_cmd_list(int argc, char **argv);
int kt_cmd_run(int argc, char **argv);
int kt_cmd_topo(int argc, char **argv);
int kt_cmd_cleanup(int argc, char **argv);
int kt_cmd_vm(int argc, char **argv);
int kt_cmd_shell(int argc, char **argv);
int kt_cmd_kernel(int argc, char **argv);
int kt_cmd_version(int argc, char **argv);
int kt_cmd_gauntlet(int argc, char **argv);
int kt_cmd_stats(int argc, char **argv);
int kt_cmd_compare(int argc, char **argv);
int kt_cmd_replay(int argc, char **argv);

#endif
