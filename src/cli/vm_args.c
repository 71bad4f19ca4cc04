/* SPDX-License-Identifier: GPL-2.0-only */
/* Options shared by the commands that boot a VM (`vm`, `shell`). */
#include <errno.h>
#include <stdio.h>

#include <ktstr/kernel.h>

#include "cli_util.h"
#include "vm_args.h"

int kt_cli_set_accel(const char *value, void *target)
{
	if (kt_accel_parse(value, target))
		return kt_err_wrap(EINVAL, "--accel");
	return 0;
}

int kt_cli_set_boot(const char *value, void *target)
{
	if (kt_vm_boot_parse(value, target))
		return kt_err_wrap(EINVAL, "--boot");
	return 0;
}

static const struct kt_cli_opt vm_opts[] = {
    KT_CLI_STRING("kernel", 0, "K", struct kt_cli_vm_args, kernel,
		  "bzImage, cache entry dir, source tree or cached release "
		  "(default $KTSTR_KERNEL, then the newest cached kernel)"),
    KT_CLI_UINT("memory", 0, "MB", struct kt_cli_vm_args, memory_mb, 128,
		1 << 20,
		"guest memory (default max(256, 192 + 16 per vCPU), at least "
		"128 per NUMA node, more with --workers above 2)"),
    KT_CLI_CALL("accel", 0, "A", struct kt_cli_vm_args, accel, kt_cli_set_accel,
		"auto (default), tcg, tcg-multi or kvm; also $KTSTR_ACCEL"),
    KT_CLI_CALL("boot", 0, "B", struct kt_cli_vm_args, boot, kt_cli_set_boot,
		"auto (default: pvh when the kernel allows it), pvh (the "
		"uncompressed vmlinux through its PVH entry) or bzimage; also "
		"$KTSTR_BOOT"),
    KT_CLI_FLAG("quiet", 0, struct kt_cli_vm_args, quiet, "no progress lines"),
    {0},
};

const struct kt_cli_group kt_cli_vm_group = {
    .title = "VM options",
    .opts = vm_opts,
};

void kt_cli_vm_apply(const struct kt_cli_vm_args *a, struct kt_vm_opts *o)
{
	o->memory_mb = a->memory_mb;
	o->accel = a->accel;
	o->boot = a->boot;
	o->quiet = a->quiet;
}

int kt_cli_vm_topo(const char *cmd, const char *text, struct kt_topo_spec *out)
{
	if (kt_topo_spec_parse(text, out))
		return kt_cli_usage_error(cmd, "--topo: %s", kt_last_error());
	return 0;
}

int kt_cli_vm_kernel(const char *cmd, const char *arg, char *buf, size_t len)
{
	char config[4096];
	int err = kt_kernel_resolve(arg, buf, len, config, sizeof(config));

	if (err) {
		fprintf(stderr, "ktstr %s: %s\n", cmd, kt_last_error());
		return KT_EXIT_USAGE;
	}
	return 0;
}

int kt_cli_vm_setup_error(const char *cmd, int err)
{
	fprintf(stderr, "ktstr %s: %s\n", cmd, kt_last_error());
	if (err == -EINTR)
		return 130;
	if (err == -EINVAL)
		return KT_EXIT_USAGE;
	return KT_EXIT_INFRA;
}

void kt_cli_vm_print_failure(const char *cmd, const struct kt_vm_result *r)
{
	if (r->end == KT_VM_END_EXIT && !r->reason)
		return;
	fprintf(stderr, "ktstr %s: %s: %s\n", cmd, kt_vm_end_name(r->end),
		r->reason ? r->reason : "(no reason)");
	if (r->end != KT_VM_END_EXIT && r->console_excerpt)
		fprintf(stderr,
			"--- console (%s) ---\n%s--- end of console ---\n",
			kt_console_is_crash(r->console_kind)
			    ? kt_console_kind_name(r->console_kind)
			    : "last lines",
			r->console_excerpt);
}
