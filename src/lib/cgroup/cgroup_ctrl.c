/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Controller files of one cgroup (cpu.weight, cpu.max, cpu.idle,
 * cpuset.cpus.partition): the cpu controller enabled in every level above
 * the cgroup, the write, and the read-back that proves the kernel took the
 * value (a partition the kernel cannot make reads "root invalid (...)").
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ktstr/common.h>

#include "cgroup_fs.h"
#include "core/small_file.h"

/* Enable cpu in every level from root down to dir's parent. */
static int enable_cpu_above(const char *root, const char *dir)
{
	char level[PATH_MAX];
	size_t rl = strlen(root);
	int err = 0;

	snprintf(level, sizeof(level), "%s", dir);
	for (size_t end = rl; level[end] && !err; end++) {
		if (end != rl && level[end] != '/')
			continue;
		char c = level[end];

		level[end] = '\0';
		err = kt_cg_ensure_ctrls(root, end == rl ? root : level, false,
					 true);
		level[end] = c;
	}
	return err;
}

/* text without trailing white space, into buf */
static void trim_into(const char *text, char *buf, size_t len)
{
	size_t n;

	snprintf(buf, len, "%s", text);
	n = strlen(buf);
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
}

int kt_cg_set_ctrl(const char *root, const char *dir, const char *file,
		   const char *val)
{
	char path[PATH_MAX], got[256];
	char *text = NULL;
	int err = 0;

	if (!strncmp(file, "cpu.", 4))
		err = enable_cpu_above(root, dir);
	if (err)
		return kt_err_wrap(err, "cgroup %s: %s \"%s\"",
				   kt_cg_rel(root, dir), file, val);
	err = kt_cg_write(root, dir, file, val, val);
	if (err)
		return kt_err_wrap(err, "the kernel refused %s \"%s\"", file,
				   val);
	err = kt_cg_join(path, dir, file);
	if (!err)
		err = kt_read_all(path, &text);
	if (err)
		return kt_err(err, "cgroup %s: read back %s: %s",
			      kt_cg_rel(root, dir), file, strerror(-err));
	trim_into(text, got, sizeof(got));
	free(text);
	if (!strcmp(got, val))
		return 0;
	return kt_err(EINVAL,
		      "cgroup %s: wrote %s \"%s\" but it reads \"%s\": the "
		      "kernel did not take it",
		      kt_cg_rel(root, dir), file, val, got);
}
