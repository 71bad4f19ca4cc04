/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Cgroup operations as a vtable (struct kt_cgroup_ops): the real cgroup v2
 * manager rooted at a parent directory, and a no-op double for logic tests.
 * kt_cgroup_group removes the cgroups it created in reverse order when it
 * goes out of scope.
 */
#ifndef KTSTR_CGROUP_H
#define KTSTR_CGROUP_H

#include <sys/types.h>

#include <ktstr/common.h>
#include <ktstr/cpuset.h>

/* Names are relative to the manager's parent and may nest ("a/b"). */
struct kt_cgroup_ops {
	void *priv;
	/* Absolute path of the parent directory ("" for the double). */
	const char *(*parent)(const struct kt_cgroup_ops *ops);
	/* Enable +cpuset (and +cpu when enable_cpu) from the cgroup2 root down
	 * to the parent, creating the parent. */
	int (*setup)(const struct kt_cgroup_ops *ops, bool enable_cpu);
	/* mkdir -p, idempotent; enables the controllers on intermediate
	 * levels so nested cgroups get cpuset files. */
	int (*create)(const struct kt_cgroup_ops *ops, const char *name);
	/* Drain tasks to the parent, then rmdir (children first; EBUSY
	 * retried). ENOENT is success. */
	int (*remove)(const struct kt_cgroup_ops *ops, const char *name);
	int (*set_cpuset)(const struct kt_cgroup_ops *ops, const char *name,
			  const struct kt_cpuset *cpus);
	int (*clear_cpuset)(const struct kt_cgroup_ops *ops, const char *name);
	int (*set_mems)(const struct kt_cgroup_ops *ops, const char *name,
			const struct kt_cpuset *nodes);
	int (*clear_mems)(const struct kt_cgroup_ops *ops, const char *name);
	/* Move one task; a task that is gone (ESRCH) is not an error;
	 * EBUSY is retried. */
	int (*move_task)(const struct kt_cgroup_ops *ops, const char *name,
			 pid_t pid);
	/* Move every task of cgroup `from` to `to` ("" = the parent). */
	int (*move_all)(const struct kt_cgroup_ops *ops, const char *from,
			const char *to);
	/* Remove the parent directory and everything below it. */
	int (*cleanup_all)(const struct kt_cgroup_ops *ops);
	void (*destroy)(struct kt_cgroup_ops *ops);
	/*
	 * Write val to a controller file of cgroup name ("cpu.weight",
	 * "cpu.max", "cpu.idle", "cpuset.cpus.partition") and read it back:
	 * it must read val. A cpu.* file first gets the cpu controller
	 * enabled in every level above name. A refused write or a different
	 * read-back ("root invalid (...)") is an error naming the cgroup,
	 * file and value. NULL in a double that cannot.
	 */
	int (*set_ctrl)(const struct kt_cgroup_ops *ops, const char *name,
			const char *file, const char *val);
};

/*
 * The real manager. parent is an absolute path below a cgroup2 mount
 * ("/sys/fs/cgroup/ktstr"). Every write failure reads
 * "cgroup ktstr/cg_0: write cpuset.cpus \"0-3\": Invalid argument".
 */
int kt_cgroup_manager_new(const char *parent, struct kt_cgroup_ops **out);

/*
 * Defer the real manager's remove() (it succeeds at once and leaves the
 * cgroup for cleanup_all), process-wide, while on. A run that ended at a
 * stall turns it on: moving a task that the stalled scheduler does not run
 * out of its cgroup blocks until the kernel ejects the scheduler, and the
 * verdict must not wait for that. cleanup_all is never deferred.
 */
void kt_cgroup_defer_removal(bool on);
bool kt_cgroup_removal_deferred(void);
/* A double that records nothing and always succeeds. */
int kt_cgroup_noop_new(struct kt_cgroup_ops **out);
void kt_cgroup_ops_free(struct kt_cgroup_ops *ops);
void kt_cgroup_ops_freep(struct kt_cgroup_ops **ops);

/*
 * Can host mode run here? Checks that a cgroup2 hierarchy is mounted at
 * root ("/sys/fs/cgroup") and offers cpu and cpuset. Returns 0, or
 * -EOPNOTSUPP with a message saying exactly what is missing (e.g. the
 * controllers are bound to cgroup v1 at /sys/fs/cgroup/cpuset).
 */
int kt_cgroup_host_supported(const char *root);

/*
 * Remove cgroups ktstr left behind below root: directories named
 * "ktstr" or "ktstr-PID" whose PID is not a live process. Prints one line
 * per removed directory to stdout when verbose. Returns the count removed
 * or a negative errno.
 */
int kt_cgroup_cleanup_stale(const char *root, bool verbose);

struct kt_cgroup_group;
int kt_cgroup_group_new(const struct kt_cgroup_ops *ops,
			struct kt_cgroup_group **out);
/* Create name and remember it for removal. */
int kt_cgroup_group_add(struct kt_cgroup_group *g, const char *name);
/* Remember a cgroup created elsewhere. */
int kt_cgroup_group_track(struct kt_cgroup_group *g, const char *name);
/* Remove the cgroups in reverse order; ENOENT is silent, other errors
 * are printed to stderr. NULL is fine. */
void kt_cgroup_group_free(struct kt_cgroup_group *g);
void kt_cgroup_group_freep(struct kt_cgroup_group **g);

#endif
