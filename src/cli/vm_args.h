/* SPDX-License-Identifier: GPL-2.0-only */
/* Options shared by the commands that boot a VM (`vm`, `shell`). */
#ifndef KTSTR_CLI_VM_ARGS_H
#define KTSTR_CLI_VM_ARGS_H

#include <stddef.h>

#include <ktstr/vm.h>

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
