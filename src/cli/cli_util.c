/* SPDX-License-Identifier: GPL-2.0-only */
/* Argument parsing and output helpers shared by the ktstr subcommands. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <sys/stat.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ktstr/common.h>

#include "cli_util.h"

int kt_cli_duration(const char *opt, const char *text, uint64_t *ns)
{
	char *end;
	double v;
	double scale = 1e9;

	errno = 0;
	v = strtod(text, &end);
	if (end == text || errno)
		goto bad;
	if (!strcmp(end, "ms"))
		scale = 1e6;
	else if (*end && strcmp(end, "s"))
		goto bad;
	v *= scale;
	if (!(v >= 1e6 && v <= 86400e9))
		goto bad;
	*ns = (uint64_t)v;
	return 0;
bad:
	fprintf(stderr,
		"ktstr: %s '%s': expected a duration in seconds between "
		"0.001 and 86400 (e.g. 2, 0.5, 500ms)\n",
		opt, text);
	return -EINVAL;
}

int kt_cli_uint(const char *opt, const char *text, unsigned min, unsigned max,
		unsigned *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(text, &end, 10);
	if (end == text || *end || errno || text[0] == '-' || v < min ||
	    v > max) {
		fprintf(stderr,
			"ktstr: %s '%s': expected a whole number from %u to "
			"%u\n",
			opt, text, min, max);
		return -EINVAL;
	}
	*out = (unsigned)v;
	return 0;
}

int kt_cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "ktstr %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n'ktstr %s --help' shows the options\n", cmd);
	return KT_EXIT_USAGE;
}

int kt_cli_bad_option(const char *cmd, int c, char *const *argv)
{
	if (c == ':')
		return kt_cli_usage_error(cmd, "%s needs a value",
					  argv[optind - 1]);
	return kt_cli_usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
}

int kt_cli_run_option(int c, const char *arg, uint64_t *duration_ns,
		      unsigned *workers, const char **json_path)
{
	switch (c) {
	case 'd':
		if (kt_cli_duration("--duration", arg, duration_ns))
			return KT_EXIT_USAGE;
		return 0;
	case 'w':
		if (kt_cli_uint("--workers", arg, 1, 1024, workers))
			return KT_EXIT_USAGE;
		return 0;
	case 'j':
		*json_path = arg;
		return 0;
	}
	return KT_CLI_OPT_OTHER;
}

int kt_cli_write_json(const char *path, json_t *j)
{
	char *dirc = strdup(path), tmp[4096];
	int fd, err = 0;

	if (!dirc)
		return -ENOMEM;
	snprintf(tmp, sizeof(tmp), "%s/.ktstr-json-XXXXXX", dirname(dirc));
	free(dirc);
	fd = mkstemp(tmp);
	if (fd < 0) {
		err = -errno;
		fprintf(stderr, "ktstr: write %s: %s\n", path, strerror(errno));
		return err;
	}
	if (json_dumpfd(j, fd, JSON_INDENT(2) | JSON_SORT_KEYS) ||
	    write(fd, "\n", 1) != 1 || fsync(fd))
		err = -EIO;
	if (close(fd) && !err)
		err = -errno;
	if (!err && fchmodat(AT_FDCWD, tmp, 0644, 0))
		err = -errno;
	if (!err && rename(tmp, path))
		err = -errno;
	if (err) {
		unlink(tmp);
		fprintf(stderr, "ktstr: write %s: %s\n", path, strerror(-err));
	}
	return err;
}
