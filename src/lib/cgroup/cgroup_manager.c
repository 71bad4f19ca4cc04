/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The real cgroup v2 manager behind struct kt_cgroup_ops: it creates,
 * fills, drains and removes cgroups below one parent directory of a
 * cgroup2 mount and enables cpuset (and cpu) on the way down. Also the
 * generic kt_cgroup_ops_free() of the vtable. The file operations it is
 * built from are in cgroup_fs.c (draining rules there).
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

#include "cgroup_fs.h"
#include "core/small_file.h"

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

static int cg_path(const struct cg_mgr *m, const char *name, char *buf)
{
	int err = kt_cg_check_name(name);

	return err ? err : kt_cg_join(buf, m->parent, name);
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
	int err = kt_cg_mkdir_p(m->root, m->parent);

	if (err)
		return err;
	/* Every level from the root down to the parent itself, top first:
	 * a cgroup can only enable what its own parent enabled. */
	snprintf(level, sizeof(level), "%s", m->parent);
	for (size_t end = rl;; end++) {
		if (m->parent[end] != '/' && m->parent[end] != '\0')
			continue;
		level[end] = '\0';
		err = kt_cg_ensure_ctrls(m->root, level, true, enable_cpu);
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
	err = kt_cg_mkdir_p(m->root, m->parent);
	if (err || !name[0])
		return err;
	for (char *p = path + pl + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;

		*p = '\0';
		err = kt_cg_mkdir(m->root, path);
		/* intermediate levels pass the controllers on */
		if (!err && c)
			err = kt_cg_ensure_ctrls(m->root, path, m->cpuset_on,
						 m->cpu_on);
		*p = c;
		if (err || !c)
			return err;
	}
}

static bool removal_deferred;

void kt_cgroup_defer_removal(bool on)
{
	removal_deferred = on;
}

bool kt_cgroup_removal_deferred(void)
{
	return removal_deferred;
}

static int mgr_remove(const struct kt_cgroup_ops *ops, const char *name)
{
	struct cg_mgr *m = to_mgr(ops);
	char path[PATH_MAX];
	int err = cg_path(m, name, path);

	if (err)
		return err;
	if (removal_deferred)
		return 0; /* cleanup_all takes it with the rest */
	if (!name[0])
		return kt_err(EINVAL,
			      "cgroup %s: remove needs a name below "
			      "the parent (use cleanup_all)",
			      kt_cg_rel(m->root, m->parent));
	return kt_cg_remove_tree(m->root, path, m->parent);
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
			      kt_cg_rel(m->root, path), file, sizeof(val));
	/* An empty set is written as an empty line (the kernel ignores a
	 * zero-length write). */
	return kt_cg_write(m->root, path, file, n ? val : "\n", val);
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

	return err ? err : kt_cg_write(m->root, path, file, "\n", "");
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
			      kt_cg_rel(m->root, path), (int)pid);
	return kt_cg_move_pid(m->root, path, pid);
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

		err = kt_cg_read_pids(m->root, src, &pids, &n);
		if (err || !n)
			return err;
		for (size_t i = 0; i < n && !err; i++)
			err = kt_cg_move_pid(m->root, dst, pids[i]);
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
	kt_cg_up_one(target);
	return kt_cg_remove_tree(m->root, m->parent, target);
}

static int mgr_set_ctrl(const struct kt_cgroup_ops *ops, const char *name,
			const char *file, const char *val)
{
	struct cg_mgr *m = to_mgr(ops);
	char path[PATH_MAX];
	int err = cg_path(m, name, path);

	if (!err && !name[0])
		err = kt_err(EINVAL,
			     "cgroup %s: %s is for a cgroup below the "
			     "parent",
			     kt_cg_rel(m->root, m->parent), file);
	/*
	 * A partition claims its CPUs in cpuset.cpus.exclusive of every level
	 * from just below the root: with the parent directly below the root
	 * every such level is the parent or below it, which the run removes
	 * at its end. Deeper, the claim would stay on cgroups ktstr does not
	 * own.
	 */
	if (!err && !strcmp(file, "cpuset.cpus.partition") &&
	    strlen(m->parent) > strlen(m->root) &&
	    strchr(m->parent + strlen(m->root) + 1, '/'))
		err = kt_err(EINVAL,
			     "cgroup %s: %s needs the run's cgroup parent "
			     "directly below the cgroup2 root (it is %s): "
			     "the kernel wants the CPUs claimed in "
			     "cpuset.cpus.exclusive of every level above, and "
			     "ktstr does not write into cgroups it does not "
			     "remove; use a parent such as %s/ktstr",
			     name, file, m->parent, m->root);
	return err ? err : kt_cg_set_ctrl(m->root, path, file, val);
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
		if (errno != ENOENT || !kt_cg_up_one(cur))
			return kt_err(errno, "cgroup parent %s: stat %s: %s",
				      parent, cur, strerror(errno));
	}
	if (statfs(cur, &sfs) || sfs.f_type != CGROUP2_SUPER_MAGIC)
		return kt_err(EOPNOTSUPP,
			      "cgroup parent %s: %s is not on a cgroup2 mount",
			      parent, cur);
	for (;;) {
		memcpy(up, cur, sizeof(up));
		if (!kt_cg_up_one(up))
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
	    .set_ctrl = mgr_set_ctrl,
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
