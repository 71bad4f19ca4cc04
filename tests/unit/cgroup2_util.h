/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A private cgroup2 view for unit tests that touch the real kernel: mount
 * the cgroup2 hierarchy on a temporary directory and, in the teardown,
 * remove the cgroups a test made (tasks drained to the mount's root) with
 * code independent of the cgroup code under test.
 */
#ifndef KTSTR_TEST_CGROUP2_UTIL_H
#define KTSTR_TEST_CGROUP2_UTIL_H

#include <stdbool.h>

bool kt_cg2_is_dir(const char *path);
/* Mount cgroup2 on dir; 0 or -errno (-EPERM when not root). */
int kt_cg2_mount(const char *dir);
/*
 * Depth-first rmdir of the cgroup tree at path below the mount mnt, tasks
 * moved to mnt first; false (and a "teardown: PATH still exists" line on
 * stderr) when path is still there.
 */
bool kt_cg2_remove(const char *mnt, const char *path);

#endif
