/* SPDX-License-Identifier: GPL-2.0-only */
/* Options shared by the commands that boot a VM (`vm`, `shell`). */
#ifndef KTSTR_CLI_VM_ARGS_H
#define KTSTR_CLI_VM_ARGS_H

#include <getopt.h>
#include <stddef.h>

#include <ktstr/vm.h>

/* The options of every command that boots a VM (`vm`, `shell`). */
/* clang-format off */
#define KT_CLI_VM_OPTIONS \
	{"topo", required_argument, NULL, 't'}, \
	{"kernel", required_argument, NULL, 'k'}, \
	{"memory", required_argument, NULL, 'm'}, \
	{"accel", required_argument, NULL, 'a'}, \
	{"quiet", no_argument, NULL, 'q'}
/* clang-format on */

/* --topo and --kernel as given (checked later, before the boot). */
struct kt_cli_vm_args {
	const char *topo;
	const char *kernel;
};

/*
 * Take getopt_long's c if it is one of KT_CLI_VM_OPTIONS: 0 when taken,
 * KT_EXIT_USAGE (error printed) for a bad value, KT_CLI_OPT_OTHER else.
 */
int kt_cli_vm_option(const char *cmd, int c, const char *arg,
		     struct kt_cli_vm_args *a, struct kt_vm_opts *o);
/* Parse --topo text; prints the error and returns KT_EXIT_USAGE, or 0. */
int kt_cli_vm_topo(const char *cmd, const char *text, struct kt_topo_spec *out);
/* Resolve --kernel (NULL = $KTSTR_KERNEL, then the cache) into buf;
 * prints the error and returns KT_EXIT_USAGE, or 0. */
int kt_cli_vm_kernel(const char *cmd, const char *arg, char *buf, size_t len);
/* --accel value; prints the error and returns KT_EXIT_USAGE, or 0. */
int kt_cli_vm_accel(const char *cmd, const char *text, enum kt_accel *out);
/* The process exit code for kt_vm_run's error return (setup failures). */
int kt_cli_vm_setup_error(const char *cmd, int err);
/* Print the failure of a VM that did not end with its exit message:
 * reason and console excerpt on stderr. */
void kt_cli_vm_print_failure(const char *cmd, const struct kt_vm_result *r);

#endif
