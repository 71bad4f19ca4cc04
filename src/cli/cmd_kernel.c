/* SPDX-License-Identifier: GPL-2.0-only */
/* `ktstr kernel fetch | list | path | clean`: the guest kernel cache. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ktstr/common.h>
#include <ktstr/kernel.h>

#include "cli_util.h"
#include "commands.h"

/* The subcommands that take no options share this empty table. */
static const struct kt_cli_bind no_options[] = {{0}};

static const struct kt_cli_cmd fetch_cmd = {
    .name = "ktstr kernel fetch",
    .about = "Resolve linux-image-cloud-amd64 in Debian sid through the "
	     "mirror configured in /etc/apt (a private sources file and lists "
	     "dir; the system's apt state is not touched), download and "
	     "unpack the kernel packages, check the config has "
	     "CONFIG_SCHED_CLASS_EXT=y, and install vmlinuz, config, btf (the "
	     "vmlinux .BTF section) and metadata.json under "
	     "<cache>/kernels/<release>/. A complete entry for the current "
	     "release is kept. Exit 3 if the download or a check fails.",
};

static const struct kt_cli_cmd list_cmd = {
    .name = "ktstr kernel list",
    .about = "List the cached kernels, newest release first, with their "
	     "size and whether BTF and config are present. An entry whose "
	     "vmlinuz is missing or not a valid bzImage is marked (corrupt: "
	     "WHY); `ktstr kernel clean` removes it.",
};

static const struct kt_cli_cmd path_cmd = {
    .name = "ktstr kernel path",
    .operands = "[RELEASE]",
    .max_operands = 1,
    .about = "Print the vmlinuz path of the cached RELEASE, or of the "
	     "newest intact cached kernel. Its config and btf are in the same "
	     "directory. Exit 2 if there is none.",
};

struct clean_args {
	unsigned keep;
};

static const struct kt_cli_opt clean_opts[] = {
    KT_CLI_UINT("keep", 0, "N", struct clean_args, keep, 0, 1000000,
		"keep the N newest intact kernels"),
    {0},
};

static const struct kt_cli_group clean_group = {.opts = clean_opts};

static const struct kt_cli_cmd clean_cmd = {
    .name = "ktstr kernel clean",
    .about = "Remove cached kernels: all of them, or all but the N newest "
	     "intact ones with --keep N. Corrupt entries and the temp dirs of "
	     "aborted fetches are always removed.",
};

static int exit_for(int err)
{
	return err == -ENOENT || err == -EINVAL ? KT_EXIT_USAGE : KT_EXIT_INFRA;
}

static int cmd_fetch(int argc, char **argv)
{
	struct kt_kernel_fetch_opts o = {.progress = stderr};
	char *release = NULL, path[4352];
	int nr, err, rc;

	if (!kt_cli_args(&fetch_cmd, no_options, argc, argv, &nr, &rc))
		return rc;
	err = kt_kernel_fetch_ex(&o, &release);
	if (err) {
		fprintf(stderr, "ktstr: %s\n", kt_last_error());
		return KT_EXIT_INFRA;
	}
	err = kt_kernel_cache_path(NULL, release, path, sizeof(path));
	if (err) {
		fprintf(stderr, "ktstr: %s\n", kt_last_error());
		free(release);
		return KT_EXIT_INFRA;
	}
	printf("%s %s: %s\n", release,
	       o.already_cached ? "was already cached" : "fetched", path);
	free(release);
	return KT_EXIT_PASS;
}

static int cmd_list(int argc, char **argv)
{
	struct kt_kernel_entry *v;
	bool newest_marked = false;
	char root[4096];
	size_t n;
	int nr, err, rc;

	if (!kt_cli_args(&list_cmd, no_options, argc, argv, &nr, &rc))
		return rc;
	err = kt_kernel_cache_root(root, sizeof(root));
	if (!err)
		err = kt_kernel_cache_list(root, &v, &n);
	if (err) {
		fprintf(stderr, "ktstr: %s\n", kt_last_error());
		return KT_EXIT_INFRA;
	}
	if (!n) {
		printf("no kernels cached in %s/kernels; run `ktstr kernel "
		       "fetch`\n",
		       root);
		free(v);
		return KT_EXIT_PASS;
	}
	printf("kernels in %s/kernels:\n", root);
	printf("%-40s %9s  %-3s  %-6s\n", "RELEASE", "SIZE", "BTF", "CONFIG");
	for (size_t i = 0; i < n; i++) {
		printf("%-40s %7.1fMB  %-3s  %-6s", v[i].release,
		       (double)v[i].size / 1e6, v[i].has_btf ? "yes" : "no",
		       v[i].has_config ? "yes" : "no");
		if (v[i].corrupt) {
			printf("  (corrupt: %s)", v[i].reason);
		} else if (!newest_marked) {
			printf("  (default)");
			newest_marked = true;
		}
		putchar('\n');
	}
	free(v);
	return KT_EXIT_PASS;
}

static int cmd_path(int argc, char **argv)
{
	char path[4352];
	int nr, err, rc;

	if (!kt_cli_args(&path_cmd, no_options, argc, argv, &nr, &rc))
		return rc;
	err =
	    kt_kernel_cache_path(NULL, nr ? argv[1] : NULL, path, sizeof(path));
	if (err) {
		fprintf(stderr, "ktstr: %s\n", kt_last_error());
		return exit_for(err);
	}
	printf("%s\n", path);
	return KT_EXIT_PASS;
}

static int cmd_clean(int argc, char **argv)
{
	struct clean_args a = {0};
	const struct kt_cli_bind binds[] = {{&clean_group, &a}, {0}};
	unsigned int removed = 0;
	int nr, err, rc;

	if (!kt_cli_args(&clean_cmd, binds, argc, argv, &nr, &rc))
		return rc;
	err = kt_kernel_cache_clean(NULL, a.keep, &removed);
	if (err) {
		fprintf(stderr, "ktstr: %s\n", kt_last_error());
		return KT_EXIT_INFRA;
	}
	printf("removed %u cache entr%s (kept at most %u)\n", removed,
	       removed == 1 ? "y" : "ies", a.keep);
	return KT_EXIT_PASS;
}

static const struct kt_cli_subcmd kernel_subcmds[] = {
    {"fetch", NULL,
     "download Debian sid's cloud kernel (linux-image-cloud-amd64) through "
     "this machine's apt mirror and cache vmlinuz, config, btf",
     cmd_fetch},
    {"list", NULL, "show the cached kernels, newest first", cmd_list},
    {"path", "[RELEASE]",
     "print the vmlinuz path of RELEASE (default: the newest intact one)",
     cmd_path},
    {"clean", "[--keep N]",
     "remove cached kernels (--keep N keeps the N newest)", cmd_clean},
};

static const struct kt_cli_cmd kernel_cmd = {
    .name = "ktstr kernel",
    .about = "Manage the sched_ext-capable guest kernels in the cache "
	     "($KTSTR_CACHE_DIR, else $XDG_CACHE_HOME/ktstr, else "
	     "~/.cache/ktstr).",
    .subcmds = kernel_subcmds,
    .nr_subcmds = KT_ARRAY_SIZE(kernel_subcmds),
    .notes = "Other commands boot --kernel PATH|RELEASE, else "
	     "$KTSTR_KERNEL, else the newest cached kernel. 'ktstr kernel "
	     "SUBCOMMAND --help' describes one subcommand.",
};

int kt_cmd_kernel(int argc, char **argv)
{
	if (argc < 2) {
		kt_cli_help(stderr, &kernel_cmd, NULL);
		return KT_EXIT_USAGE;
	}
	if (kt_cli_is_help(argv[1])) {
		kt_cli_help(stdout, &kernel_cmd, NULL);
		return KT_EXIT_PASS;
	}
	for (size_t i = 0; i < KT_ARRAY_SIZE(kernel_subcmds); i++)
		if (!strcmp(argv[1], kernel_subcmds[i].name))
			return kernel_subcmds[i].fn(argc - 1, argv + 1);
	return kt_cli_usage_error("kernel", "unknown subcommand '%s'", argv[1]);
}
