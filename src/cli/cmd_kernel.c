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

static void help(FILE *f)
{
	fprintf(f,
		"usage: ktstr kernel fetch | list | path [RELEASE] | clean "
		"[--keep N]\n\n"
		"Manage the sched_ext-capable guest kernels in the cache\n"
		"($KTSTR_CACHE_DIR, else $XDG_CACHE_HOME/ktstr, else "
		"~/.cache/ktstr).\n\n"
		"  fetch         download Debian sid's cloud kernel "
		"(linux-image-cloud-amd64)\n"
		"                through this machine's apt mirror and cache "
		"vmlinuz, config, btf\n"
		"  list          show the cached kernels, newest first\n"
		"  path [REL]    print the vmlinuz path of REL (default: the "
		"newest intact one)\n"
		"  clean         remove cached kernels (--keep N keeps the N "
		"newest)\n\n"
		"Other commands boot --kernel PATH|RELEASE, else "
		"$KTSTR_KERNEL, else the newest\n"
		"cached kernel. 'ktstr kernel SUBCOMMAND --help' describes "
		"one subcommand.\n");
}

static int exit_for(int err)
{
	return err == -ENOENT || err == -EINVAL ? KT_EXIT_USAGE : KT_EXIT_INFRA;
}

static int cmd_fetch(int argc, char **argv)
{
	struct kt_kernel_fetch_opts o = {.progress = stderr};
	char *release = NULL, path[4352];
	int err;

	if (argc > 1 && kt_cli_is_help(argv[1])) {
		printf("usage: ktstr kernel fetch\n\n"
		       "Resolve linux-image-cloud-amd64 in Debian sid through "
		       "the mirror configured\n"
		       "in /etc/apt (a private sources file and lists dir; "
		       "the system's apt state is\n"
		       "not touched), download and unpack the kernel "
		       "packages, check the config has\n"
		       "CONFIG_SCHED_CLASS_EXT=y, and install vmlinuz, config, "
		       "btf (the vmlinux .BTF\n"
		       "section) and metadata.json under "
		       "<cache>/kernels/<release>/. A complete entry\n"
		       "for the current release is kept. Exit 3 if the "
		       "download or a check fails.\n");
		return KT_EXIT_PASS;
	}
	if (argc > 1)
		return kt_cli_usage_error("kernel fetch",
					  "unexpected argument '%s'", argv[1]);
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
	int err;

	if (argc > 1 && kt_cli_is_help(argv[1])) {
		printf("usage: ktstr kernel list\n\n"
		       "List the cached kernels, newest release first, with "
		       "their size and whether\n"
		       "BTF and config are present. An entry whose vmlinuz "
		       "is missing or not a valid\n"
		       "bzImage is marked (corrupt: WHY); `ktstr kernel clean` "
		       "removes it.\n");
		return KT_EXIT_PASS;
	}
	if (argc > 1)
		return kt_cli_usage_error("kernel list",
					  "unexpected argument '%s'", argv[1]);
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
	int err;

	if (argc > 1 && kt_cli_is_help(argv[1])) {
		printf("usage: ktstr kernel path [RELEASE]\n\n"
		       "Print the vmlinuz path of the cached RELEASE, or of "
		       "the newest intact cached\n"
		       "kernel. Its config and btf are in the same "
		       "directory. Exit 2 if there is none.\n");
		return KT_EXIT_PASS;
	}
	if (argc > 2)
		return kt_cli_usage_error("kernel path",
					  "unexpected argument '%s'", argv[2]);
	if (argc == 2 && argv[1][0] == '-')
		return kt_cli_usage_error("kernel path", "unknown option '%s'",
					  argv[1]);
	err = kt_kernel_cache_path(NULL, argc == 2 ? argv[1] : NULL, path,
				   sizeof(path));
	if (err) {
		fprintf(stderr, "ktstr: %s\n", kt_last_error());
		return exit_for(err);
	}
	printf("%s\n", path);
	return KT_EXIT_PASS;
}

static int cmd_clean(int argc, char **argv)
{
	unsigned int keep = 0, removed = 0;
	int err;

	for (int i = 1; i < argc; i++) {
		if (kt_cli_is_help(argv[i])) {
			printf("usage: ktstr kernel clean [--keep N]\n\n"
			       "Remove cached kernels: all of them, or all "
			       "but the N newest intact ones\n"
			       "with --keep N. Corrupt entries and the temp "
			       "dirs of aborted fetches are\n"
			       "always removed.\n");
			return KT_EXIT_PASS;
		}
		if (!strcmp(argv[i], "--keep") && i + 1 < argc) {
			if (kt_cli_uint("--keep", argv[++i], 0, 1000000, &keep))
				return KT_EXIT_USAGE;
		} else if (!strncmp(argv[i], "--keep=", 7)) {
			if (kt_cli_uint("--keep", argv[i] + 7, 0, 1000000,
					&keep))
				return KT_EXIT_USAGE;
		} else if (!strcmp(argv[i], "--keep")) {
			return kt_cli_usage_error("kernel clean",
						  "--keep needs a number");
		} else {
			return kt_cli_usage_error("kernel clean",
						  "unexpected argument '%s'",
						  argv[i]);
		}
	}
	err = kt_kernel_cache_clean(NULL, keep, &removed);
	if (err) {
		fprintf(stderr, "ktstr: %s\n", kt_last_error());
		return KT_EXIT_INFRA;
	}
	printf("removed %u cache entr%s (kept at most %u)\n", removed,
	       removed == 1 ? "y" : "ies", keep);
	return KT_EXIT_PASS;
}

int kt_cmd_kernel(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int argc, char **argv);
	} sub[] = {
	    {"fetch", cmd_fetch},
	    {"list", cmd_list},
	    {"path", cmd_path},
	    {"clean", cmd_clean},
	};

	if (argc < 2) {
		help(stderr);
		return KT_EXIT_USAGE;
	}
	if (kt_cli_is_help(argv[1])) {
		help(stdout);
		return KT_EXIT_PASS;
	}
	for (size_t i = 0; i < KT_ARRAY_SIZE(sub); i++)
		if (!strcmp(argv[1], sub[i].name))
			return sub[i].fn(argc - 1, argv + 1);
	return kt_cli_usage_error("kernel", "unknown subcommand '%s'", argv[1]);
}
