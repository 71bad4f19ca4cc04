/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The no-op cgroup double: a struct kt_cgroup_ops whose every operation
 * succeeds without touching the system, for logic tests that need a
 * cgroup layer but no kernel.
 */
#include <errno.h>
#include <stdlib.h>

#include <ktstr/cgroup.h>

static const char *noop_parent(const struct kt_cgroup_ops *ops)
{
	(void)ops;
	return "";
}

static int noop_setup(const struct kt_cgroup_ops *ops, bool enable_cpu)
{
	(void)ops;
	(void)enable_cpu;
	return 0;
}

static int noop_name(const struct kt_cgroup_ops *ops, const char *name)
{
	(void)ops;
	(void)name;
	return 0;
}

static int noop_set(const struct kt_cgroup_ops *ops, const char *name,
		    const struct kt_cpuset *set)
{
	(void)ops;
	(void)name;
	(void)set;
	return 0;
}

static int noop_move_task(const struct kt_cgroup_ops *ops, const char *name,
			  pid_t pid)
{
	(void)ops;
	(void)name;
	(void)pid;
	return 0;
}

static int noop_move_all(const struct kt_cgroup_ops *ops, const char *from,
			 const char *to)
{
	(void)ops;
	(void)from;
	(void)to;
	return 0;
}

static int noop_cleanup_all(const struct kt_cgroup_ops *ops)
{
	(void)ops;
	return 0;
}

static int noop_set_ctrl(const struct kt_cgroup_ops *ops, const char *name,
			 const char *file, const char *val)
{
	(void)ops;
	(void)name;
	(void)file;
	(void)val;
	return 0;
}

static void noop_destroy(struct kt_cgroup_ops *ops)
{
	free(ops);
}

int kt_cgroup_noop_new(struct kt_cgroup_ops **out)
{
	struct kt_cgroup_ops *ops = calloc(1, sizeof(*ops));

	*out = NULL;
	if (!ops)
		return kt_err(ENOMEM, "cgroup double: out of memory");
	*ops = (struct kt_cgroup_ops){
	    .priv = NULL,
	    .parent = noop_parent,
	    .setup = noop_setup,
	    .create = noop_name,
	    .remove = noop_name,
	    .set_cpuset = noop_set,
	    .clear_cpuset = noop_name,
	    .set_mems = noop_set,
	    .clear_mems = noop_name,
	    .move_task = noop_move_task,
	    .move_all = noop_move_all,
	    .cleanup_all = noop_cleanup_all,
	    .destroy = noop_destroy,
	    .set_ctrl = noop_set_ctrl,
	};
	*out = ops;
	return 0;
}
