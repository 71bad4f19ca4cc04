/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `ktstr shell`: a busybox shell in a VM with the requested topology,
 * interactive on this terminal, or one command (--exec) whose console
 * output is printed here and whose exit status becomes ours.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ktstr/vm.h>

#include "cli_util.h"
#include "commands.h"
#include "vm_args.h"

#define DEFAULT_TOPO "1n1l1c1t"

/* The guest's own log lines around the command (src/guest/shell.c). */
#define MARK_BEGIN "ktstr-init: running: "
#define MARK_END   "ktstr-init: command "

struct shell_args {
	struct kt_cli_vm_args vm;
	const char *exec;
	struct kt_cli_strings includes;
};

static const struct kt_cli_opt shell_opts[] = {
    KT_CLI_STRING("topo", 0, "SHAPE", struct shell_args, vm.topo,
		  "VM topology (default " DEFAULT_TOPO ")"),
    KT_CLI_STRING("exec", 0, "CMD", struct shell_args, exec,
		  "run CMD with sh -c, then power off"),
    KT_CLI_STRINGS("include", 0, "FILE", struct shell_args, includes,
		   "copy FILE to /include"),
    {0},
};

static const struct kt_cli_group shell_group = {.opts = shell_opts};

static const struct kt_cli_cmd shell_cmd = {
    .name = "ktstr shell",
    .operand_hint = "use --exec 'CMD ARGS'",
    .about = "Boot a VM with a busybox shell. Interactive on this terminal "
	     "(QEMU's monitor: Ctrl-A c; quit: Ctrl-A x; `exit` powers off), "
	     "or with --exec run CMD, print its output and exit with its "
	     "status. Included files land in /include (on PATH), with their "
	     "shared libraries.",
    .exit = "CMD's status with --exec (128+N when killed by signal N), 2 "
	    "bad input, 3 infrastructure (crash, boot failure, timeout)",
};

/*
 * Print the console lines between the guest's "running:" and "command
 * exited/killed" lines; return the status those say (-1 unknown).
 */
static int print_exec_output(const char *text)
{
	const char *p = text, *begin = strstr(text, MARK_BEGIN);
	int status = -1;

	if (!begin)
		return -1;
	p = strchr(begin, '\n');
	while (p && *++p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		const char *end = strstr(p, MARK_END);

		if (end && end < p + len) {
			int v;

			if (sscanf(end, MARK_END "exited with status %d", &v) ==
			    1)
				status = v;
			else if (sscanf(end, MARK_END "killed by signal %d",
					&v) == 1)
				status = 128 + v;
			break;
		}
		while (len && p[len - 1] == '\r')
			len--;
		fwrite(p, 1, len, stdout);
		fputc('\n', stdout);
		p = nl;
	}
	fflush(stdout);
	return status;
}

/* Everything checked and o filled in; 0 or the exit code (printed). */
static int shell_checked(const struct shell_args *a, struct kt_vm_opts *o,
			 char *kernel, size_t len)
{
	if (kt_cli_vm_topo("shell", a->vm.topo, &o->topo))
		return KT_EXIT_USAGE;
	for (size_t i = 0; i < a->includes.nr; i++)
		if (access(a->includes.v[i], R_OK))
			return kt_cli_usage_error("shell", "--include %s: %s",
						  a->includes.v[i],
						  strerror(errno));
	if (kt_cli_vm_kernel("shell", a->vm.kernel, kernel, len))
		return KT_EXIT_USAGE;
	kt_cli_vm_apply(&a->vm, o);
	o->kernel = kernel;
	o->exec = a->exec;
	o->includes = a->includes.v;
	o->nr_includes = a->includes.nr;
	o->capture_console = o->exec != NULL;
	if (o->exec)
		o->quiet = true;
	return 0;
}

int kt_cmd_shell(int argc, char **argv)
{
	struct shell_args a = {.vm.topo = DEFAULT_TOPO};
	const struct kt_cli_bind binds[] = {
	    {&shell_group, &a},
	    {&kt_cli_vm_group, &a.vm},
	    {0},
	};
	struct kt_vm_opts o = {.mode = KT_VM_SHELL};
	struct kt_vm_result res;
	char kernel[4096];
	int nr_operands, err, rc;

	if (!kt_cli_args(&shell_cmd, binds, argc, argv, &nr_operands, &rc)) {
		kt_cli_strings_free(&a.includes);
		return rc;
	}
	rc = shell_checked(&a, &o, kernel, sizeof(kernel));
	if (rc) {
		kt_cli_strings_free(&a.includes);
		return rc;
	}
	err = kt_vm_run(&o, &res);
	kt_cli_strings_free(&a.includes);
	if (err)
		return kt_cli_vm_setup_error("shell", err);
	if (res.end != KT_VM_END_EXIT) {
		kt_cli_vm_print_failure("shell", &res);
		rc = res.exit_code;
	} else if (o.exec) {
		int st =
		    res.console_text ? print_exec_output(res.console_text) : -1;

		if (st < 0)
			st = res.guest_status;
		rc = st >= 0 ? st : res.guest_code;
	} else {
		rc = res.guest_code;
	}
	kt_vm_result_free(&res);
	return rc;
}
