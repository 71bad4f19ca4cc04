/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A cgroup2 hierarchy as files: path building and name checks, writes of
 * interface files with messages that name the cgroup, mkdir of every
 * level with the controllers passed down, reading and moving the pids of
 * cgroup.procs, and removal of a subtree (children first, each drained
 * before its rmdir). The manager (cgroup_manager.c) is built from these.
 *
 * Draining: tasks of a cgroup being removed go to a target cgroup (the
 * manager's parent). When that cgroup refuses them with EBUSY (it has
 * controllers enabled in cgroup.subtree_control, the "no internal
 * processes" rule), they go one level further up, at worst to the
 * cgroup2 root, which takes anything.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ktstr/common.h>

#include "cgroup_fs.h"
#include "core/small_file.h"

#define CG_RMDIR_TRIES	10
#define CG_RMDIR_GAP	KT_MS(50)
#define CG_MOVE_RETRIES 3
#define CG_MOVE_GAP	KT_MS(100)

/* The cgroup's name relative to the cgroup2 root, for messages. */
const char *kt_cg_rel(const char *root, const char *path)
{
	size_t n = strlen(root);

	if (strncmp(path, root, n) || (path[n] != '/' && path[n] != '\0'))
		return path;
	if (path[n] == '\0' || path[n + 1] == '\0')
		return "/";
	return path + n + 1;
}

int kt_cg_join(char *buf, const char *dir, const char *name)
{
	int n;

	if (!name || !name[0])
		n = snprintf(buf, PATH_MAX, "%s", dir);
	else
		n = snprintf(buf, PATH_MAX, "%s/%s", dir, name);
	if (n < 0 || n >= PATH_MAX)
		return kt_err(ENAMETOOLONG, "cgroup path %s/%s: %s", dir,
			      name ? name : "", strerror(ENAMETOOLONG));
	return 0;
}

/* Names are relative: no leading '/', no empty, "." or ".." parts. */
int kt_cg_check_name(const char *name)
{
	const char *p = name;

	if (!name)
		return kt_err(EINVAL, "cgroup name is NULL");
	if (!name[0])
		return 0;
	while (*p) {
		size_t len = strcspn(p, "/");

		if (len == 0 || (len == 1 && p[0] == '.') ||
		    (len == 2 && p[0] == '.' && p[1] == '.'))
			return kt_err(
			    EINVAL,
			    "cgroup name \"%s\": want a relative "
			    "path without empty, \".\" or \"..\" parts",
			    name);
		p += len;
		if (*p == '/') {
			p++;
			if (!*p)
				return kt_err(
				    EINVAL, "cgroup name \"%s\": trailing '/'",
				    name);
		}
	}
	return 0;
}

/* Strip the last component in place ("/a" becomes "/"); false if path
 * is "/" or has no '/'. */
bool kt_cg_up_one(char *path)
{
	char *slash = strrchr(path, '/');

	if (!slash || !strcmp(path, "/"))
		return false;
	if (slash == path)
		slash++;
	*slash = '\0';
	return true;
}

/* One write of val to dir/file; returns 0 or -errno, no message. */
static int raw_write(const char *dir, const char *file, const char *val,
		     size_t len)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd, err = 0;

	if (snprintf(path, sizeof(path), "%s/%s", dir, file) >= PATH_MAX)
		return -ENAMETOOLONG;
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, val, len);
	if (n < 0)
		err = -errno;
	else if ((size_t)n != len)
		err = -EIO;
	close(fd);
	return err;
}

static int write_fail(const char *root, const char *dir, const char *file,
		      const char *shown, int err)
{
	return kt_err(err, "cgroup %s: write %s \"%s\": %s",
		      kt_cg_rel(root, dir), file, shown, strerror(-err));
}

int kt_cg_write(const char *root, const char *dir, const char *file,
		const char *val, const char *shown)
{
	int err = raw_write(dir, file, val, strlen(val));

	return err ? write_fail(root, dir, file, shown, err) : 0;
}

int kt_cg_mkdir(const char *root, const char *path)
{
	struct stat st;

	if (!mkdir(path, 0755))
		return 0;
	if (errno == EEXIST && !stat(path, &st) && S_ISDIR(st.st_mode))
		return 0;
	return kt_err(errno, "cgroup %s: mkdir %s: %s", kt_cg_rel(root, path),
		      path, strerror(errno));
}

/* Enable the wanted controllers in dir/cgroup.subtree_control unless they
 * already are (enabling in a populated non-root cgroup fails EBUSY, so do
 * not write what is there). */
int kt_cg_ensure_ctrls(const char *root, const char *dir, bool cpuset, bool cpu)
{
	const char *want[2];
	char path[PATH_MAX];
	char *cur = NULL;
	int n = 0, err;

	if (cpuset)
		want[n++] = "cpuset";
	if (cpu)
		want[n++] = "cpu";
	if (!n)
		return 0;
	err = kt_cg_join(path, dir, "cgroup.subtree_control");
	if (err)
		return err;
	err = kt_read_all(path, &cur);
	if (err)
		return kt_err(err, "cgroup %s: read cgroup.subtree_control: %s",
			      kt_cg_rel(root, dir), strerror(-err));
	for (int i = 0; i < n && !err; i++) {
		char val[16];

		if (kt_has_word(cur, want[i]))
			continue;
		snprintf(val, sizeof(val), "+%s", want[i]);
		err =
		    kt_cg_write(root, dir, "cgroup.subtree_control", val, val);
	}
	free(cur);
	return err;
}

/* mkdir every level from just below the cgroup2 root down to path. */
int kt_cg_mkdir_p(const char *root, const char *path)
{
	char buf[PATH_MAX];
	size_t rl = strlen(root), len = strlen(path);
	int err;

	if (len >= PATH_MAX)
		return kt_err(ENAMETOOLONG, "cgroup path %s: %s", path,
			      strerror(ENAMETOOLONG));
	if (len <= rl)
		return 0;
	memcpy(buf, path, len + 1);
	for (char *p = buf + rl + 1; p <= buf + len; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;

		*p = '\0';
		err = kt_cg_mkdir(root, buf);
		*p = c;
		if (err)
			return err;
		if (!c)
			break;
	}
	return 0;
}

/* Parse the pids of a cgroup.procs text into a malloc'd array. */
static int parse_pids(const char *text, pid_t **out, size_t *count)
{
	size_t n = 0, cap = 0;
	pid_t *pids = NULL;
	const char *p = text;

	while (*p) {
		char *end;
		long v = strtol(p, &end, 10);

		if (end == p) {
			p++;
			continue;
		}
		p = end;
		if (v <= 0 || v > INT_MAX)
			continue;
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 16;
			pid_t *np = realloc(pids, nc * sizeof(*np));

			if (!np) {
				free(pids);
				return -ENOMEM;
			}
			pids = np;
			cap = nc;
		}
		pids[n++] = (pid_t)v;
	}
	*out = pids;
	*count = n;
	return 0;
}

int kt_cg_read_pids(const char *root, const char *dir, pid_t **pids, size_t *n)
{
	char path[PATH_MAX];
	char *text = NULL;
	int err = kt_cg_join(path, dir, "cgroup.procs");

	if (err)
		return err;
	err = kt_read_all(path, &text);
	if (err == -ENOENT) {
		*pids = NULL;
		*n = 0;
		return 0;
	}
	if (err)
		return kt_err(err, "cgroup %s: read cgroup.procs: %s",
			      kt_cg_rel(root, dir), strerror(-err));
	err = parse_pids(text, pids, n);
	free(text);
	return err;
}

/* Move pid into dir; ESRCH is success, EBUSY is retried. */
int kt_cg_move_pid(const char *root, const char *dir, pid_t pid)
{
	char val[24];
	int err = 0;

	snprintf(val, sizeof(val), "%d", (int)pid);
	for (int i = 0; i <= CG_MOVE_RETRIES; i++) {
		if (i)
			kt_sleep(CG_MOVE_GAP);
		err = raw_write(dir, "cgroup.procs", val, strlen(val));
		if (!err || err == -ESRCH)
			return 0;
		if (err != -EBUSY)
			break;
	}
	return write_fail(root, dir, "cgroup.procs", val, err);
}

/* Move every task of dir to target (or an ancestor of target, see the top
 * of the file). */
static int drain(const char *root, const char *dir, const char *target)
{
	char tgt[PATH_MAX];

	snprintf(tgt, sizeof(tgt), "%s", target);
	for (int pass = 0; pass < CG_DRAIN_PASSES; pass++) {
		pid_t *pids;
		size_t n;
		int err = kt_cg_read_pids(root, dir, &pids, &n);

		if (err)
			return err;
		if (!n)
			return 0;
		for (size_t i = 0; i < n; i++) {
			char val[24];

			snprintf(val, sizeof(val), "%d", (int)pids[i]);
			for (;;) {
				err = raw_write(tgt, "cgroup.procs", val,
						strlen(val));
				if (err != -EBUSY || !strcmp(tgt, root) ||
				    !kt_cg_up_one(tgt))
					break;
			}
			if (err == -ESRCH)
				err = 0;
			if (err) {
				free(pids);
				return write_fail(root, tgt, "cgroup.procs",
						  val, err);
			}
		}
		free(pids);
	}
	return 0;
}

/* Depth-first: remove children, drain, rmdir with EBUSY retries. */
int kt_cg_remove_tree(const char *root, const char *path, const char *target)
{
	struct dirent *de;
	DIR *d = opendir(path);
	int err = 0;

	if (!d) {
		if (errno == ENOENT)
			return 0;
		return kt_err(errno, "cgroup %s: open directory: %s",
			      kt_cg_rel(root, path), strerror(errno));
	}
	while (!err && (de = readdir(d))) {
		char child[PATH_MAX];
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN)
			continue;
		err = kt_cg_join(child, path, de->d_name);
		if (err)
			break;
		if (de->d_type == DT_UNKNOWN &&
		    (lstat(child, &st) || !S_ISDIR(st.st_mode)))
			continue;
		err = kt_cg_remove_tree(root, child, target);
	}
	closedir(d);
	if (err)
		return err;

	for (int i = 0; i < CG_RMDIR_TRIES; i++) {
		err = drain(root, path, target);
		if (err)
			return err;
		if (!rmdir(path) || errno == ENOENT)
			return 0;
		err = -errno;
		if (err != -EBUSY)
			break;
		kt_sleep(CG_RMDIR_GAP);
	}
	return kt_err(err, "cgroup %s: rmdir: %s", kt_cg_rel(root, path),
		      strerror(-err));
}
