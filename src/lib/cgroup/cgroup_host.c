/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The host side of the cgroup layer: can host mode run on this machine
 * (a cgroup2 root offering cpu and cpuset), and removal of cgroups that
 * earlier ktstr runs left behind.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>
#include <linux/magic.h>

#include <ktstr/cgroup.h>

#include "core/small_file.h"

#define HOST_HINT "; run the scenarios in a VM instead (ktstr vm)"

/* Where cgroup v1 hierarchies carrying cpu / cpuset are mounted. */
struct v1_binding {
	char cpu[PATH_MAX];
	char cpuset[PATH_MAX];
};

static bool opt_has(const char *opts, const char *word)
{
	size_t wl = strlen(word);
	const char *p = opts;

	for (;;) {
		size_t len = strcspn(p, ",");

		if (len == wl && !strncmp(p, word, wl))
			return true;
		if (!p[len])
			return false;
		p += len + 1;
	}
}

static void find_v1(struct v1_binding *b)
{
	char line[4096];
	FILE *f = fopen("/proc/self/mounts", "re");

	b->cpu[0] = b->cpuset[0] = '\0';
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char mnt[PATH_MAX], type[64], opts[1024];

		if (sscanf(line, "%*s %4095s %63s %1023s", mnt, type, opts) !=
		    3)
			continue;
		if (strcmp(type, "cgroup"))
			continue;
		if (!b->cpu[0] && opt_has(opts, "cpu"))
			snprintf(b->cpu, sizeof(b->cpu), "%s", mnt);
		if (!b->cpuset[0] && opt_has(opts, "cpuset"))
			snprintf(b->cpuset, sizeof(b->cpuset), "%s", mnt);
	}
	fclose(f);
}

/* " (cgroup v1: cpu is mounted at X, cpuset at Y)", or "" if neither
 * missing controller is bound to v1. */
static void v1_note(char *buf, size_t len, bool cpu, bool cpuset)
{
	struct v1_binding b;

	find_v1(&b);
	if (!cpu)
		b.cpu[0] = '\0';
	if (!cpuset)
		b.cpuset[0] = '\0';
	if (b.cpu[0] && b.cpuset[0] && !strcmp(b.cpu, b.cpuset))
		snprintf(buf, len,
			 " (cgroup v1: cpu and cpuset are mounted at %s)",
			 b.cpu);
	else if (b.cpu[0] && b.cpuset[0])
		snprintf(buf, len,
			 " (cgroup v1: cpu is mounted at %s, cpuset at %s)",
			 b.cpu, b.cpuset);
	else if (b.cpu[0])
		snprintf(buf, len, " (cgroup v1: cpu is mounted at %s)", b.cpu);
	else if (b.cpuset[0])
		snprintf(buf, len, " (cgroup v1: cpuset is mounted at %s)",
			 b.cpuset);
	else
		buf[0] = '\0';
}

int kt_cgroup_host_supported(const char *root)
{
	char path[PATH_MAX], ctrls[1024], note[2 * PATH_MAX + 64];
	char missing[32] = "";
	struct statfs sfs;
	bool cpu, cpuset;
	int err;

	if (statfs(root, &sfs))
		return kt_err(EOPNOTSUPP,
			      "host mode needs cgroup v2 with the cpu and "
			      "cpuset controllers at %s, but %s cannot be "
			      "read: %s" HOST_HINT,
			      root, root, strerror(errno));
	if (sfs.f_type != CGROUP2_SUPER_MAGIC) {
		v1_note(note, sizeof(note), true, true);
		return kt_err(EOPNOTSUPP,
			      "host mode needs cgroup v2 with the cpu and "
			      "cpuset controllers at %s, but %s is not a "
			      "cgroup2 mount%s" HOST_HINT,
			      root, root, note);
	}
	snprintf(path, sizeof(path), "%s/cgroup.controllers", root);
	err = kt_read_small(path, ctrls, sizeof(ctrls));
	if (err)
		return kt_err(EOPNOTSUPP,
			      "host mode needs cgroup v2 with the cpu and "
			      "cpuset controllers at %s, but reading %s "
			      "failed: %s" HOST_HINT,
			      root, path, strerror(-err));
	for (size_t n = strlen(ctrls);
	     n > 0 && isspace((unsigned char)ctrls[n - 1]);)
		ctrls[--n] = '\0';
	cpu = kt_has_word(ctrls, "cpu");
	cpuset = kt_has_word(ctrls, "cpuset");
	if (cpu && cpuset)
		return 0;
	snprintf(missing, sizeof(missing), "%s%s%s", cpu ? "" : "cpu",
		 !cpu && !cpuset ? " and " : "", cpuset ? "" : "cpuset");
	v1_note(note, sizeof(note), !cpu, !cpuset);
	if (!ctrls[0])
		return kt_err(EOPNOTSUPP,
			      "host mode needs cgroup v2 with the cpu and "
			      "cpuset controllers at %s, but %s offers no "
			      "controllers (missing %s)%s" HOST_HINT,
			      root, path, missing, note);
	return kt_err(EOPNOTSUPP,
		      "host mode needs cgroup v2 with the cpu and cpuset "
		      "controllers at %s, but %s offers only '%s' (missing "
		      "%s)%s" HOST_HINT,
		      root, path, ctrls, missing, note);
}

/* "ktstr" or "ktstr-PID" with a PID that is not a live process. */
static bool is_stale(const char *name)
{
	const char *digits;
	char *end;
	long pid;

	if (!strcmp(name, "ktstr"))
		return true;
	if (strncmp(name, "ktstr-", 6))
		return false;
	digits = name + 6;
	if (!isdigit((unsigned char)digits[0]))
		return false;
	errno = 0;
	pid = strtol(digits, &end, 10);
	if (*end || errno || pid <= 0 || pid > INT_MAX)
		return false;
	return kill((pid_t)pid, 0) == -1 && errno == ESRCH;
}

int kt_cgroup_cleanup_stale(const char *root, bool verbose)
{
	char first_msg[1024] = "";
	struct dirent *de;
	int count = 0, first_err = 0;
	DIR *d = opendir(root);

	if (!d)
		return kt_err(errno, "cgroup cleanup: open %s: %s", root,
			      strerror(errno));
	while ((de = readdir(d))) {
		char path[PATH_MAX];
		struct kt_cgroup_ops *ops = NULL;
		struct stat st;
		int err;

		if (!is_stale(de->d_name))
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", root, de->d_name) >=
		    PATH_MAX)
			continue;
		if (lstat(path, &st) || !S_ISDIR(st.st_mode))
			continue;
		err = kt_cgroup_manager_new(path, &ops);
		if (!err)
			err = ops->cleanup_all(ops);
		kt_cgroup_ops_free(ops);
		if (err) {
			if (!first_err) {
				first_err = err;
				snprintf(first_msg, sizeof(first_msg), "%s",
					 kt_last_error());
			}
			continue;
		}
		count++;
		if (verbose)
			printf("removed stale cgroup %s\n", path);
	}
	closedir(d);
	/* Every candidate was tried; the first failure is the one reported. */
	if (first_err)
		return kt_err(first_err, "%s", first_msg);
	return count;
}
