/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `ktstr shell`: a busybox shell in a VM with the requested topology,
 * interactive on this terminal, or one command (--exec) whose console
 * output is printed here and whose exit status becomes ours.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ktstr/vm.h>

#include "cli_util.h"
#include "commands.h"
#include "vm_args.h"

#define DEFAULT_TOPO "1n1l1c1t"
#define MAX_INCLUDES 64

/* The guest's own log lines around the command (src/guest/shell.c). */
#define MARK_BEGIN "ktstr-init: running: "
#define MARK_END   "ktstr-init: command "

static void help(void)
{
	printf("usage: ktstr shell [--topo SHAPE] [--kernel K] [--memory MB] "
	       "[--exec CMD]\n"
	       "                   [--include FILE]... [--accel A]\n\n"
	       "Boot a VM with a busybox shell. Interactive on this terminal "
	       "(QEMU's\n"
	       "monitor: Ctrl-A c; quit: Ctrl-A x; `exit` powers off), or with "
	       "--exec run\n"
	       "CMD, print its output and exit with its status. Included "
	       "files land in\n"
	       "/include (on PATH), with their shared libraries.\n\n"
	       "  --topo SHAPE     VM topology (default " DEFAULT_TOPO ")\n"
	       "  --kernel K       kernel (default $KTSTR_KERNEL, then the "
	       "cache)\n"
	       "  --memory MB      guest memory\n"
	       "  --exec CMD       run CMD with sh -c, then power off\n"
	       "  --include FILE   copy FILE to /include (repeatable)\n"
	       "  --accel A        auto (default), tcg, tcg-multi or kvm\n\n"
	       "exit: CMD's status with --exec (128+N when killed by signal "
	       "N), 2 bad\n"
	       "      input, 3 infrastructure (crash, boot failure, "
	       "timeout)\n");
}

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

int kt_cmd_shell(int argc, char **argv)
{
	static const struct option opts[] = {
	    KT_CLI_VM_OPTIONS,
	    {"exec", required_argument, NULL, 'e'},
	    {"include", required_argument, NULL, 'i'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	struct kt_cli_vm_args va = {.topo = DEFAULT_TOPO};
	const char *includes[MAX_INCLUDES];
	struct kt_vm_opts o = {.mode = KT_VM_SHELL};
	struct kt_vm_result res;
	char kernel[4096];
	int c, err, rc;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		rc = kt_cli_vm_option("shell", c, optarg, &va, &o);
		if (rc == 0)
			continue;
		if (rc != KT_CLI_OPT_OTHER)
			return rc;
		switch (c) {
		case 'h':
			help();
			return KT_EXIT_PASS;
		case 'e':
			o.exec = optarg;
			break;
		case 'i':
			if (o.nr_includes == MAX_INCLUDES)
				return kt_cli_usage_error(
				    "shell", "at most %d --include files",
				    MAX_INCLUDES);
			includes[o.nr_includes++] = optarg;
			break;
		default:
			return kt_cli_bad_option("shell", c, argv);
		}
	}
	if (optind < argc)
		return kt_cli_usage_error("shell",
					  "unexpected argument '%s' (use "
					  "--exec 'CMD ARGS')",
					  argv[optind]);
	if (kt_cli_vm_topo("shell", va.topo, &o.topo))
		return KT_EXIT_USAGE;
	for (size_t i = 0; i < o.nr_includes; i++)
		if (access(includes[i], R_OK))
			return kt_cli_usage_error("shell", "--include %s: %s",
						  includes[i], strerror(errno));
	if (kt_cli_vm_kernel("shell", va.kernel, kernel, sizeof(kernel)))
		return KT_EXIT_USAGE;
	o.kernel = kernel;
	o.includes = includes;
	o.capture_console = o.exec != NULL;
	if (o.exec)
		o.quiet = true;

	err = kt_vm_run(&o, &res);
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
