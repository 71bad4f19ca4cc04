/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Private to cgroup/: the cgroup2 file operations of cgroup_fs.c. root is
 * the cgroup2 mount the paths live on; messages name a cgroup relative to
 * it. Every function returns 0 or a negative errno with a message.
 */
#ifndef KTSTR_CGROUP_FS_H
#define KTSTR_CGROUP_FS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Passes over cgroup.procs when emptying a cgroup (tasks may fork). */
#define CG_DRAIN_PASSES 5

/* path relative to root, for messages ("/" for the root itself). */
const char *kt_cg_rel(const char *root, const char *path);
/* buf (PATH_MAX) = dir/name, or dir when name is empty. */
int kt_cg_join(char *buf, const char *dir, const char *name);
/* Names are relative: no leading '/', no empty, "." or ".." parts. */
int kt_cg_check_name(const char *name);
/* Strip the last component in place ("/a" becomes "/"); false if path is
 * "/" or has no '/'. */
bool kt_cg_up_one(char *path);
/* Write val to dir/file; the message shows `shown` as the value. */
int kt_cg_write(const char *root, const char *dir, const char *file,
		const char *val, const char *shown);
/* mkdir path (an existing directory is fine). */
int kt_cg_mkdir(const char *root, const char *path);
/* Enable cpuset and/or cpu in dir/cgroup.subtree_control unless they are. */
int kt_cg_ensure_ctrls(const char *root, const char *dir, bool cpuset,
		       bool cpu);
/* mkdir every level from just below root down to path. */
int kt_cg_mkdir_p(const char *root, const char *path);
/* The pids in dir/cgroup.procs (malloc'd; none when dir is gone). */
int kt_cg_read_pids(const char *root, const char *dir, pid_t **pids, size_t *n);
/* Move pid into dir; a pid that exited meanwhile is success. */
int kt_cg_move_pid(const char *root, const char *dir, pid_t pid);
/* Remove path and everything below it, moving their tasks to target. */
int kt_cg_remove_tree(const char *root, const char *path, const char *target);
/* Write val to dir/file and read it back (cgroup_ctrl.c): a cpu.* file
 * gets the cpu controller enabled above dir first; a value that does not
 * read back as written is -EINVAL with what the kernel shows. */
int kt_cg_set_ctrl(const char *root, const char *dir, const char *file,
		   const char *val);

#endif
