/* SPDX-License-Identifier: GPL-2.0-only */
/* Options shared by the commands that boot a VM (`vm`, `shell`). */
#ifndef KTSTR_CLI_VM_ARGS_H
#define KTSTR_CLI_VM_ARGS_H

#include <stdbool.h>
#include <stddef.h>

#include <ktstr/vm.h>

#include "options.h"

/*
 * What the VM options say. --topo is the command's own option (each has
 * its own default shape) but lands here too; --topo and --kernel are
 * checked later, just before the boot.
 */
struct kt_cli_vm_args {
	const char *topo;
	const char *kernel;
	unsigned memory_mb; /* 0 = kt_vm_default_memory_mb */
	enum kt_accel accel;
	enum kt_vm_boot boot;
	bool quiet;
};

/* --kernel, --memory, --accel, --boot, --quiet; binds to a struct
 * kt_cli_vm_args. */
extern const struct kt_cli_group kt_cli_vm_group;

/* The --accel option's parser (KT_CLI_CALL): "--accel: " and the
 * library's reason. */
int kt_cli_set_accel(const char *value, void *target);
/* The --boot option's parser: "--boot: " and the library's reason. */
int kt_cli_set_boot(const char *value, void *target);
/* Copy memory, accel, boot and quiet into o. */
void kt_cli_vm_apply(const struct kt_cli_vm_args *a, struct kt_vm_opts *o);
/* Parse --topo text; prints the error and returns KT_EXIT_USAGE, or 0. */
int kt_cli_vm_topo(const char *cmd, const char *text, struct kt_topo_spec *out);
/* Resolve --kernel (NULL = $KTSTR_KERNEL, then the cache) into buf;
 * prints the error and returns KT_EXIT_USAGE, or 0. */
int kt_cli_vm_kernel(const char *cmd, const char *arg, char *buf, size_t len);
/* The process exit code for kt_vm_run's error return (setup failures). */
int kt_cli_vm_setup_error(const char *cmd, int err);
/* Print the failure of a VM that did not end with its exit message:
 * reason and console excerpt on stderr. */
void kt_cli_vm_print_failure(const char *cmd, const struct kt_vm_result *r);

#endif
