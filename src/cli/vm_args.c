/* SPDX-License-Identifier: GPL-2.0-only */
/* Options shared by the commands that boot a VM (`vm`, `shell`). */
#include <errno.h>
#include <stdio.h>

#include <ktstr/kernel.h>

#include "cli_util.h"
#include "vm_args.h"

int kt_cli_vm_option(const char *cmd, int c, const char *arg,
		     struct kt_cli_vm_args *a, struct kt_vm_opts *o)
{
	switch (c) {
	case 't':
		a->topo = arg;
		return 0;
	case 'k':
		a->kernel = arg;
		return 0;
	case 'm':
		if (kt_cli_uint("--memory", arg, 128, 1 << 20, &o->memory_mb))
			return KT_EXIT_USAGE;
		return 0;
	case 'a':
		return kt_cli_vm_accel(cmd, arg, &o->accel);
	case 'q':
		o->quiet = true;
		return 0;
	}
	return KT_CLI_OPT_OTHER;
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

int kt_cli_vm_accel(const char *cmd, const char *text, enum kt_accel *out)
{
	if (kt_accel_parse(text, out))
		return kt_cli_usage_error(cmd, "--accel: %s", kt_last_error());
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
