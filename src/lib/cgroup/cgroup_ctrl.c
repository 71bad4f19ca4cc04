/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Controller files of one cgroup (cpu.weight, cpu.max, cpu.idle,
 * cpuset.cpus.partition): the cpu controller enabled in every level above
 * the cgroup, a partition's CPUs claimed in cpuset.cpus.exclusive down the
 * tree (a remote partition), the write, and the read-back that proves the
 * kernel took the value (a partition the kernel cannot make reads "root
 * invalid (...)").
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ktstr/common.h>
#include <ktstr/cpuset.h>

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

/* Read dir/file into a CPU set (an empty file is the empty set). */
static int read_cpus(const char *root, const char *dir, const char *file,
		     struct kt_cpuset *out)
{
	char path[PATH_MAX], text[8192];
	int err = kt_cg_join(path, dir, file);

	if (!err)
		err = kt_read_small(path, text, sizeof(text));
	if (!err && kt_cpuset_parse(text, out))
		err = -EINVAL;
	if (err)
		return kt_err(err, "cgroup %s: read %s: %s",
			      kt_cg_rel(root, dir), file, strerror(-err));
	return 0;
}

/*
 * A partition below a parent that is not one is a remote partition: the
 * kernel wants its CPUs in cpuset.cpus.exclusive of every level from just
 * below the root down to the cgroup. Claim them (the parents keep the
 * claim until they go; CPUs of no valid partition stay usable).
 */
static int claim_exclusive(const char *root, const char *dir)
{
	char level[PATH_MAX], val[8192];
	struct kt_cpuset want, cur;
	size_t rl = strlen(root);
	int err = read_cpus(root, dir, "cpuset.cpus.effective", &want);

	snprintf(level, sizeof(level), "%s", dir);
	for (size_t end = rl + 1; !err && end <= strlen(dir); end++) {
		if (level[end] != '/' && level[end] != '\0')
			continue;
		char c = level[end];

		level[end] = '\0';
		err = read_cpus(root, level, "cpuset.cpus.exclusive", &cur);
		if (!err && !kt_cpuset_subset(&want, &cur)) {
			kt_cpuset_or(&cur, &want);
			kt_cpuset_format(&cur, val, sizeof(val));
			err = kt_cg_write(root, level, "cpuset.cpus.exclusive",
					  val, val);
		}
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
	if (!strcmp(file, "cpuset.cpus.partition"))
		err = claim_exclusive(root, dir);
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
