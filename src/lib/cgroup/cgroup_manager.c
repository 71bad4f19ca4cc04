/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The real cgroup v2 manager behind struct kt_cgroup_ops: it creates,
 * fills, drains and removes cgroups below one parent directory of a
 * cgroup2 mount and enables cpuset (and cpu) on the way down. Also the
 * generic kt_cgroup_ops_free() of the vtable.
 *
 * Draining: tasks of a cgroup being removed go to the manager's parent.
 * When that cgroup refuses them with EBUSY (it has controllers enabled in
 * cgroup.subtree_control, the "no internal processes" rule), they go one
 * level further up, at worst to the cgroup2 root, which takes anything.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>
#include <linux/magic.h>

#include <ktstr/cgroup.h>

#include "core/small_file.h"

#define CG_RMDIR_TRIES	10
#define CG_RMDIR_GAP	KT_MS(50)
#define CG_MOVE_RETRIES 3
#define CG_MOVE_GAP	KT_MS(100)
#define CG_DRAIN_PASSES 5

struct cg_mgr {
	struct kt_cgroup_ops ops;
	char *parent;	/* absolute, normalised, no trailing slash */
	char *root;	/* the cgroup2 mount the parent lives on */
	bool cpuset_on; /* set by a successful setup() */
	bool cpu_on;
};

static struct cg_mgr *to_mgr(const struct kt_cgroup_ops *ops)
{
	return ops->priv;
}

/* The cgroup's name relative to the cgroup2 root, for messages. */
static const char *rel(const struct cg_mgr *m, const char *path)
{
	size_t n = strlen(m->root);

	if (strncmp(path, m->root, n) || (path[n] != '/' && path[n] != '\0'))
		return path;
	if (path[n] == '\0' || path[n + 1] == '\0')
		return "/";
	return path + n + 1;
}

static int join(char *buf, const char *dir, const char *name)
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
static int check_name(const char *name)
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

static int cg_path(const struct cg_mgr *m, const char *name, char *buf)
{
	int err = check_name(name);

	return err ? err : join(buf, m->parent, name);
}

/* Strip the last component in place ("/a" becomes "/"); false if path
 * is "/" or has no '/'. */
static bool up_one(char *path)
{
	char *slash = strrchr(path, '/');

	if (!slash || !strcmp(path, "/"))
		return false;
	if (slash == path)
		slash++;
	*slash = '\0';
	return true;
}

/* Read a whole (small) file into a NUL-terminated malloc'd buffer. */
static int read_all(const char *path, char **out)
{
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);
	int fd, err = 0;

	if (!buf)
		return -ENOMEM;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		free(buf);
		return err;
	}
	for (;;) {
		ssize_t n;

		if (len + 1 >= cap) {
			char *nb = realloc(buf, cap * 2);

			if (!nb) {
				err = -ENOMEM;
				break;
			}
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			break;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (err) {
		free(buf);
		return err;
	}
	buf[len] = '\0';
	*out = buf;
	return 0;
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

static int write_fail(const struct cg_mgr *m, const char *dir, const char *file,
		      const char *shown, int err)
{
	return kt_err(err, "cgroup %s: write %s \"%s\": %s", rel(m, dir), file,
		      shown, strerror(-err));
}

static int cg_write(const struct cg_mgr *m, const char *dir, const char *file,
		    const char *val, const char *shown)
{
	int err = raw_write(dir, file, val, strlen(val));

	return err ? write_fail(m, dir, file, shown, err) : 0;
}

static int cg_mkdir(const struct cg_mgr *m, const char *path)
{
	struct stat st;

	if (!mkdir(path, 0755))
		return 0;
	if (errno == EEXIST && !stat(path, &st) && S_ISDIR(st.st_mode))
		return 0;
	return kt_err(errno, "cgroup %s: mkdir %s: %s", rel(m, path), path,
		      strerror(errno));
}

/* Enable the wanted controllers in dir/cgroup.subtree_control unless they
 * already are (enabling in a populated non-root cgroup fails EBUSY, so do
 * not write what is there). */
static int ensure_ctrls(const struct cg_mgr *m, const char *dir, bool cpuset,
			bool cpu)
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
	err = join(path, dir, "cgroup.subtree_control");
	if (err)
		return err;
	err = read_all(path, &cur);
	if (err)
		return kt_err(err, "cgroup %s: read cgroup.subtree_control: %s",
			      rel(m, dir), strerror(-err));
	for (int i = 0; i < n && !err; i++) {
		char val[16];

		if (kt_has_word(cur, want[i]))
			continue;
		snprintf(val, sizeof(val), "+%s", want[i]);
		err = cg_write(m, dir, "cgroup.subtree_control", val, val);
	}
	free(cur);
	return err;
}

/* mkdir every level from just below the cgroup2 root down to path. */
static int mkdir_p(const struct cg_mgr *m, const char *path)
{
	char buf[PATH_MAX];
	size_t rl = strlen(m->root), len = strlen(path);
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
		err = cg_mkdir(m, buf);
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

static int read_pids(const struct cg_mgr *m, const char *dir, pid_t **pids,
		     size_t *n)
{
	char path[PATH_MAX];
	char *text = NULL;
	int err = join(path, dir, "cgroup.procs");

	if (err)
		return err;
	err = read_all(path, &text);
	if (err == -ENOENT) {
		*pids = NULL;
		*n = 0;
		return 0;
	}
	if (err)
		return kt_err(err, "cgroup %s: read cgroup.procs: %s",
			      rel(m, dir), strerror(-err));
	err = parse_pids(text, pids, n);
	free(text);
	return err;
}

/* Move pid into dir; ESRCH is success, EBUSY is retried. */
static int move_pid(const struct cg_mgr *m, const char *dir, pid_t pid)
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
	return write_fail(m, dir, "cgroup.procs", val, err);
}

/* Move every task of dir to target (or an ancestor of target, see the top
 * of the file). */
static int drain(const struct cg_mgr *m, const char *dir, const char *target)
{
	char tgt[PATH_MAX];

	snprintf(tgt, sizeof(tgt), "%s", target);
	for (int pass = 0; pass < CG_DRAIN_PASSES; pass++) {
		pid_t *pids;
		size_t n;
		int err = read_pids(m, dir, &pids, &n);

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
				if (err != -EBUSY || !strcmp(tgt, m->root) ||
				    !up_one(tgt))
					break;
			}
			if (err == -ESRCH)
				err = 0;
			if (err) {
				free(pids);
				return write_fail(m, tgt, "cgroup.procs", val,
						  err);
			}
		}
		free(pids);
	}
	return 0;
}

/* Depth-first: remove children, drain, rmdir with EBUSY retries. */
static int remove_tree(const struct cg_mgr *m, const char *path,
		       const char *target)
{
	struct dirent *de;
	DIR *d = opendir(path);
	int err = 0;

	if (!d) {
		if (errno == ENOENT)
			return 0;
		return kt_err(errno, "cgroup %s: open directory: %s",
			      rel(m, path), strerror(errno));
	}
	while (!err && (de = readdir(d))) {
		char child[PATH_MAX];
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN)
			continue;
		err = join(child, path, de->d_name);
		if (err)
			break;
		if (de->d_type == DT_UNKNOWN &&
		    (lstat(child, &st) || !S_ISDIR(st.st_mode)))
			continue;
		err = remove_tree(m, child, target);
	}
	closedir(d);
	if (err)
		return err;

	for (int i = 0; i < CG_RMDIR_TRIES; i++) {
		err = drain(m, path, target);
		if (err)
			return err;
		if (!rmdir(path) || errno == ENOENT)
			return 0;
		err = -errno;
		if (err != -EBUSY)
			break;
		kt_sleep(CG_RMDIR_GAP);
	}
	return kt_err(err, "cgroup %s: rmdir: %s", rel(m, path),
		      strerror(-err));
}

static const char *mgr_parent(const struct kt_cgroup_ops *ops)
{
	return to_mgr(ops)->parent;
}

static int mgr_setup(const struct kt_cgroup_ops *ops, bool enable_cpu)
{
	struct cg_mgr *m = to_mgr(ops);
	char level[PATH_MAX];
	size_t rl = strlen(m->root);
	int err = mkdir_p(m, m->parent);

	if (err)
		return err;
	/* Every level from the root down to the parent itself, top first:
	 * a cgroup can only enable what its own parent enabled. */
	snprintf(level, sizeof(level), "%s", m->parent);
	for (size_t end = rl;; end++) {
		if (m->parent[end] != '/' && m->parent[end] != '\0')
			continue;
		level[end] = '\0';
		err = ensure_ctrls(m, level, true, enable_cpu);
		level[end] = m->parent[end];
		if (err || !m->parent[end])
			break;
	}
	if (err)
		return err;
	m->cpuset_on = true;
	m->cpu_on = enable_cpu;
	return 0;
}

static int mgr_create(const struct kt_cgroup_ops *ops, const char *name)
{
	struct cg_mgr *m = to_mgr(ops);
	char path[PATH_MAX];
	size_t pl = strlen(m->parent);
	int err = cg_path(m, name, path);

	if (err)
		return err;
	err = mkdir_p(m, m->parent);
	if (err || !name[0])
		return err;
	for (char *p = path + pl + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;

		*p = '\0';
		err = cg_mkdir(m, path);
		/* intermediate levels pass the controllers on */
		if (!err && c)
			err = ensure_ctrls(m, path, m->cpuset_on, m->cpu_on);
		*p = c;
		if (err || !c)
			return err;
	}
}

static int mgr_remove(const struct kt_cgroup_ops *ops, const char *name)
{
	struct cg_mgr *m = to_mgr(ops);
	char path[PATH_MAX];
	int err = cg_path(m, name, path);

	if (err)
		return err;
	if (!name[0])
		return kt_err(EINVAL,
			      "cgroup %s: remove needs a name below "
			      "the parent (use cleanup_all)",
			      rel(m, m->parent));
	return remove_tree(m, path, m->parent);
}

static int write_set(const struct kt_cgroup_ops *ops, const char *name,
		     const char *file, const struct kt_cpuset *set)
{
	struct cg_mgr *m = to_mgr(ops);
	char path[PATH_MAX];
	char val[8192];
	int err = cg_path(m, name, path);
	int n;

	if (err)
		return err;
	n = kt_cpuset_format(set, val, sizeof(val));
	if (n < 0 || (size_t)n >= sizeof(val))
		return kt_err(EINVAL,
			      "cgroup %s: %s list does not fit in %zu "
			      "bytes",
			      rel(m, path), file, sizeof(val));
	/* An empty set is written as an empty line (the kernel ignores a
	 * zero-length write). */
	return cg_write(m, path, file, n ? val : "\n", val);
}

static int mgr_set_cpuset(const struct kt_cgroup_ops *ops, const char *name,
			  const struct kt_cpuset *cpus)
{
	return write_set(ops, name, "cpuset.cpus", cpus);
}

static int mgr_set_mems(const struct kt_cgroup_ops *ops, const char *name,
			const struct kt_cpuset *nodes)
{
	return write_set(ops, name, "cpuset.mems", nodes);
}

static int clear_file(const struct kt_cgroup_ops *ops, const char *name,
		      const char *file)
{
	struct cg_mgr *m = to_mgr(ops);
	char path[PATH_MAX];
	int err = cg_path(m, name, path);

	return err ? err : cg_write(m, path, file, "\n", "");
}

static int mgr_clear_cpuset(const struct kt_cgroup_ops *ops, const char *name)
{
	return clear_file(ops, name, "cpuset.cpus");
}

static int mgr_clear_mems(const struct kt_cgroup_ops *ops, const char *name)
{
	return clear_file(ops, name, "cpuset.mems");
}

static int mgr_move_task(const struct kt_cgroup_ops *ops, const char *name,
			 pid_t pid)
{
	struct cg_mgr *m = to_mgr(ops);
	char path[PATH_MAX];
	int err = cg_path(m, name, path);

	if (err)
		return err;
	if (pid <= 0)
		return kt_err(EINVAL, "cgroup %s: move task: bad pid %d",
			      rel(m, path), (int)pid);
	return move_pid(m, path, pid);
}

static int mgr_move_all(const struct kt_cgroup_ops *ops, const char *from,
			const char *to)
{
	struct cg_mgr *m = to_mgr(ops);
	char src[PATH_MAX], dst[PATH_MAX];
	int err = cg_path(m, from, src);

	if (!err)
		err = cg_path(m, to, dst);
	if (err || !strcmp(src, dst))
		return err;
	/* Tasks may fork while we move them: a few passes. */
	for (int pass = 0; pass < CG_DRAIN_PASSES; pass++) {
		pid_t *pids;
		size_t n;

		err = read_pids(m, src, &pids, &n);
		if (err || !n)
			return err;
		for (size_t i = 0; i < n && !err; i++)
			err = move_pid(m, dst, pids[i]);
		free(pids);
		if (err)
			return err;
	}
	return 0;
}

static int mgr_cleanup_all(const struct kt_cgroup_ops *ops)
{
	struct cg_mgr *m = to_mgr(ops);
	char target[PATH_MAX];

	if (!strcmp(m->parent, m->root))
		return kt_err(EINVAL,
			      "cgroup parent %s is the cgroup2 root; "
			      "refusing to remove it",
			      m->parent);
	snprintf(target, sizeof(target), "%s", m->parent);
	up_one(target);
	return remove_tree(m, m->parent, target);
}

static void mgr_destroy(struct kt_cgroup_ops *ops)
{
	struct cg_mgr *m = to_mgr(ops);

	free(m->parent);
	free(m->root);
	free(m);
}

/* Absolute path with "//", trailing '/' removed; "." or ".." rejected. */
static int normalise(const char *in, char **out)
{
	size_t len = strlen(in);
	char *buf = malloc(len + 2);
	size_t o = 0;
	const char *p = in;

	if (!buf)
		return -ENOMEM;
	while (*p) {
		size_t n;

		p += strspn(p, "/");
		n = strcspn(p, "/");
		if (!n)
			break;
		if ((n == 1 && p[0] == '.') ||
		    (n == 2 && p[0] == '.' && p[1] == '.')) {
			free(buf);
			return kt_err(EINVAL,
				      "cgroup parent %s: \".\" and \"..\" "
				      "are not allowed",
				      in);
		}
		buf[o++] = '/';
		memcpy(buf + o, p, n);
		o += n;
		p += n;
	}
	if (!o)
		buf[o++] = '/';
	buf[o] = '\0';
	*out = buf;
	return 0;
}

/* The highest ancestor of the parent's nearest existing directory that is
 * still on the same cgroup2 file system. */
static int find_root(const char *parent, char **out)
{
	char cur[PATH_MAX], up[PATH_MAX];
	struct statfs sfs;
	struct stat st, ust;

	if (snprintf(cur, sizeof(cur), "%s", parent) >= PATH_MAX)
		return kt_err(ENAMETOOLONG, "cgroup parent %s: %s", parent,
			      strerror(ENAMETOOLONG));
	while (stat(cur, &st)) {
		if (errno != ENOENT || !up_one(cur))
			return kt_err(errno, "cgroup parent %s: stat %s: %s",
				      parent, cur, strerror(errno));
	}
	if (statfs(cur, &sfs) || sfs.f_type != CGROUP2_SUPER_MAGIC)
		return kt_err(EOPNOTSUPP,
			      "cgroup parent %s: %s is not on a cgroup2 mount",
			      parent, cur);
	for (;;) {
		memcpy(up, cur, sizeof(up));
		if (!up_one(up))
			break;
		if (stat(up, &ust) || ust.st_dev != st.st_dev ||
		    statfs(up, &sfs) || sfs.f_type != CGROUP2_SUPER_MAGIC)
			break;
		memcpy(cur, up, sizeof(cur));
	}
	*out = strdup(cur);
	return *out ? 0 : -ENOMEM;
}

int kt_cgroup_manager_new(const char *parent, struct kt_cgroup_ops **out)
{
	struct cg_mgr *m;
	int err;

	*out = NULL;
	if (!parent || parent[0] != '/')
		return kt_err(EINVAL,
			      "cgroup parent \"%s\" is not an absolute "
			      "path",
			      parent ? parent : "(null)");
	m = calloc(1, sizeof(*m));
	if (!m)
		return kt_err(ENOMEM, "cgroup manager: out of memory");
	err = normalise(parent, &m->parent);
	if (!err)
		err = find_root(m->parent, &m->root);
	if (err) {
		free(m->parent);
		free(m);
		return err;
	}
	m->ops = (struct kt_cgroup_ops){
	    .priv = m,
	    .parent = mgr_parent,
	    .setup = mgr_setup,
	    .create = mgr_create,
	    .remove = mgr_remove,
	    .set_cpuset = mgr_set_cpuset,
	    .clear_cpuset = mgr_clear_cpuset,
	    .set_mems = mgr_set_mems,
	    .clear_mems = mgr_clear_mems,
	    .move_task = mgr_move_task,
	    .move_all = mgr_move_all,
	    .cleanup_all = mgr_cleanup_all,
	    .destroy = mgr_destroy,
	};
	*out = &m->ops;
	return 0;
}

void kt_cgroup_ops_free(struct kt_cgroup_ops *ops)
{
	if (ops && ops->destroy)
		ops->destroy(ops);
}

void kt_cgroup_ops_freep(struct kt_cgroup_ops **ops)
{
	kt_cgroup_ops_free(*ops);
	*ops = NULL;
}
