/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Tests of the cgroup v2 manager, the no-op double and kt_cgroup_group
 * against the real kernel: each test mounts its own view of the cgroup2
 * hierarchy on a temporary directory, works below <mnt>/ktstr-test-<pid>
 * and the teardown removes every cgroup, child process and the mount.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include <ktstr/cgroup.h>

#include "cgroup2_util.h"

#define MAX_KIDS 4

struct fx {
	char mnt[64];
	bool mounted;
	char parent[256];
	char parent_rel[64]; /* "/ktstr-test-<pid>", as /proc/PID/cgroup says */
	struct kt_cgroup_ops *ops;
	pid_t kids[MAX_KIDS];
	int nkids;
};

/* ---- helpers independent of the code under test ---- */

static bool exists_below(const struct fx *f, const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", f->parent, name);
	return kt_cg2_is_dir(path);
}

static pid_t spawn_sleeper(struct fx *f)
{
	pid_t pid;

	assert_true(f->nkids < MAX_KIDS);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (;;)
			pause();
	}
	f->kids[f->nkids++] = pid;
	return pid;
}

/* The cgroup2 path of pid from /proc/PID/cgroup ("0::/x/y"). */
static void cgroup_of(pid_t pid, char *buf, size_t len)
{
	char path[64], line[PATH_MAX];
	FILE *in;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	in = fopen(path, "re");
	assert_non_null(in);
	while (fgets(line, sizeof(line), in)) {
		if (strncmp(line, "0::", 3))
			continue;
		line[strcspn(line, "\n")] = '\0';
		snprintf(buf, len, "%s", line + 3);
	}
	fclose(in);
}

static bool procs_has(const char *dir, pid_t pid)
{
	char path[PATH_MAX], line[32];
	bool found = false;
	FILE *in;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	in = fopen(path, "re");
	if (!in)
		return false;
	while (fgets(line, sizeof(line), in))
		if (atoi(line) == pid)
			found = true;
	fclose(in);
	return found;
}

/* Does this hierarchy offer controller ctrl ("cpuset", "cpu")? */
static bool offers(const struct fx *f, const char *ctrl)
{
	char path[PATH_MAX], buf[512] = "";
	FILE *in;
	bool yes = false;

	snprintf(path, sizeof(path), "%s/cgroup.controllers", f->mnt);
	in = fopen(path, "re");
	if (!in)
		return false;
	if (fgets(buf, sizeof(buf), in))
		for (char *t = strtok(buf, " \n"); t; t = strtok(NULL, " \n"))
			yes |= !strcmp(t, ctrl);
	fclose(in);
	return yes;
}

/* ---- fixture ---- */

static int fx_setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	*state = f;
	if (geteuid() != 0)
		return 0; /* tests skip */
	snprintf(f->mnt, sizeof(f->mnt), "/tmp/kt-cgmgr-XXXXXX");
	if (!mkdtemp(f->mnt)) {
		perror("mkdtemp");
		return -1;
	}
	if (kt_cg2_mount(f->mnt)) {
		perror("mount cgroup2");
		rmdir(f->mnt);
		f->mnt[0] = '\0';
		return -1;
	}
	f->mounted = true;
	snprintf(f->parent, sizeof(f->parent), "%s/ktstr-test-%d", f->mnt,
		 (int)getpid());
	snprintf(f->parent_rel, sizeof(f->parent_rel), "/ktstr-test-%d",
		 (int)getpid());
	if (kt_cgroup_manager_new(f->parent, &f->ops)) {
		fprintf(stderr, "manager: %s\n", kt_last_error());
		return -1;
	}
	return 0;
}

static int fx_teardown(void **state)
{
	struct fx *f = *state;
	int ret = 0;

	for (int i = 0; i < f->nkids; i++) {
		kill(f->kids[i], SIGKILL);
		waitpid(f->kids[i], NULL, 0);
	}
	if (f->ops)
		f->ops->cleanup_all(f->ops);
	kt_cgroup_ops_free(f->ops);
	if (f->mounted) {
		if (!kt_cg2_remove(f->mnt, f->parent))
			ret = -1;
		umount2(f->mnt, MNT_DETACH);
	}
	if (f->mnt[0])
		rmdir(f->mnt);
	free(f);
	return ret;
}

#define NEED_MOUNT(f)                                                          \
	do {                                                                   \
		if (!(f)->mounted)                                             \
			skip();                                                \
	} while (0)

/* ---- tests ---- */

static void test_create_nested_idempotent(void **state)
{
	struct fx *f = *state;
	struct kt_cgroup_ops *ops;

	NEED_MOUNT(f);
	ops = f->ops;
	assert_string_equal(ops->parent(ops), f->parent);
	assert_int_equal(ops->create(ops, "a/b"), 0);
	assert_true(kt_cg2_is_dir(f->parent));
	assert_true(exists_below(f, "a"));
	assert_true(exists_below(f, "a/b"));
	/* a real cgroup: the kernel populated its interface files */
	{
		char path[PATH_MAX];

		snprintf(path, sizeof(path), "%s/a/b/cgroup.procs", f->parent);
		assert_int_equal(access(path, F_OK), 0);
	}
	assert_int_equal(ops->create(ops, "a/b"), 0);
	assert_int_equal(ops->create(ops, "a"), 0);
	assert_true(exists_below(f, "a/b"));

	assert_int_equal(ops->create(ops, "../escape"), -EINVAL);
	assert_int_equal(ops->create(ops, "/abs"), -EINVAL);
	assert_int_equal(ops->create(ops, "a//b"), -EINVAL);
	assert_int_equal(ops->create(ops, "a/"), -EINVAL);
}

static void test_move_task_and_move_all(void **state)
{
	struct fx *f = *state;
	struct kt_cgroup_ops *ops;
	char cg[PATH_MAX], want[PATH_MAX], dir[PATH_MAX];
	pid_t pid, dead;

	NEED_MOUNT(f);
	ops = f->ops;
	assert_int_equal(ops->create(ops, "a/b"), 0);
	pid = spawn_sleeper(f);
	assert_int_equal(ops->move_task(ops, "a/b", pid), 0);
	cgroup_of(pid, cg, sizeof(cg));
	snprintf(want, sizeof(want), "%s/a/b", f->parent_rel);
	assert_string_equal(cg, want);
	snprintf(dir, sizeof(dir), "%s/a/b", f->parent);
	assert_true(procs_has(dir, pid));

	assert_int_equal(ops->move_all(ops, "a/b", ""), 0);
	cgroup_of(pid, cg, sizeof(cg));
	assert_string_equal(cg, f->parent_rel);
	assert_false(procs_has(dir, pid));
	assert_true(procs_has(f->parent, pid));

	/* a task that is gone is not an error */
	dead = fork();
	assert_true(dead >= 0);
	if (dead == 0)
		_exit(0);
	assert_int_equal(waitpid(dead, NULL, 0), dead);
	assert_int_equal(ops->move_task(ops, "a/b", dead), 0);

	/* moving into a missing cgroup is, and the message says where */
	assert_int_equal(ops->move_task(ops, "nope", pid), -ENOENT);
	snprintf(want, sizeof(want),
		 "cgroup ktstr-test-%d/nope: write cgroup.procs \"%d\": %s",
		 (int)getpid(), (int)pid, strerror(ENOENT));
	assert_string_equal(kt_last_error(), want);
}

static void test_remove_drains_live_task(void **state)
{
	struct fx *f = *state;
	struct kt_cgroup_ops *ops;
	char cg[PATH_MAX];
	pid_t pid;

	NEED_MOUNT(f);
	ops = f->ops;
	assert_int_equal(ops->create(ops, "a/b"), 0);
	pid = spawn_sleeper(f);
	assert_int_equal(ops->move_task(ops, "a/b", pid), 0);

	assert_int_equal(ops->remove(ops, "a"), 0);
	assert_false(exists_below(f, "a/b"));
	assert_false(exists_below(f, "a"));
	assert_true(kt_cg2_is_dir(f->parent));
	cgroup_of(pid, cg, sizeof(cg));
	assert_string_equal(cg, f->parent_rel);
	assert_int_equal(kill(pid, 0), 0);

	/* missing cgroups are already removed */
	assert_int_equal(ops->remove(ops, "a"), 0);
	assert_int_equal(ops->remove(ops, "missing/deeper"), 0);
	/* the parent itself is only removed by cleanup_all */
	assert_int_equal(ops->remove(ops, ""), -EINVAL);
	assert_true(kt_cg2_is_dir(f->parent));
}

static void test_cpuset_write_fails_with_message(void **state)
{
	struct fx *f = *state;
	struct kt_cgroup_ops *ops;
	struct kt_cpuset set;
	char want[512];

	NEED_MOUNT(f);
	if (offers(f, "cpuset"))
		skip(); /* this hierarchy has cpuset: the write would work */
	ops = f->ops;
	assert_int_equal(ops->create(ops, "a"), 0);
	kt_cpuset_zero(&set);
	kt_cpuset_set_range(&set, 0, 1);

	assert_int_equal(ops->set_cpuset(ops, "a", &set), -ENOENT);
	snprintf(want, sizeof(want),
		 "cgroup ktstr-test-%d/a: write cpuset.cpus \"0-1\": %s",
		 (int)getpid(), strerror(ENOENT));
	assert_string_equal(kt_last_error(), want);

	assert_int_equal(ops->clear_cpuset(ops, "a"), -ENOENT);
	snprintf(want, sizeof(want),
		 "cgroup ktstr-test-%d/a: write cpuset.cpus \"\": %s",
		 (int)getpid(), strerror(ENOENT));
	assert_string_equal(kt_last_error(), want);

	kt_cpuset_zero(&set);
	kt_cpuset_set(&set, 0);
	assert_int_equal(ops->set_mems(ops, "a", &set), -ENOENT);
	snprintf(want, sizeof(want),
		 "cgroup ktstr-test-%d/a: write cpuset.mems \"0\": %s",
		 (int)getpid(), strerror(ENOENT));
	assert_string_equal(kt_last_error(), want);
	assert_int_equal(ops->clear_mems(ops, "a"), -ENOENT);
}

static void test_setup_names_root_write(void **state)
{
	struct fx *f = *state;
	struct kt_cgroup_ops *ops;
	char want[256];

	NEED_MOUNT(f);
	if (offers(f, "cpuset"))
		skip(); /* would really enable cpuset on the machine's root */
	ops = f->ops;
	/* "+cpuset" is refused by the root (cpuset is bound to v1 here):
	 * nothing changes, and the message names root, file and value. */
	assert_int_equal(ops->setup(ops, false), -ENOENT);
	snprintf(want, sizeof(want),
		 "cgroup /: write cgroup.subtree_control \"+cpuset\": %s",
		 strerror(ENOENT));
	assert_string_equal(kt_last_error(), want);
	/* the parent was created before the controllers were enabled */
	assert_true(kt_cg2_is_dir(f->parent));
}

/* A spy around the real manager that logs the order of removals. */
static char removed[4][32];
static int nremoved;
static int (*real_remove)(const struct kt_cgroup_ops *, const char *);

static int spy_remove(const struct kt_cgroup_ops *ops, const char *name)
{
	if (nremoved < 4)
		snprintf(removed[nremoved++], sizeof(removed[0]), "%s", name);
	return real_remove(ops, name);
}

static void test_group_removes_in_reverse(void **state)
{
	struct fx *f = *state;
	struct kt_cgroup_ops spy;
	struct kt_cgroup_group *g = NULL;

	NEED_MOUNT(f);
	spy = *f->ops; /* same priv: the real functions work on it */
	real_remove = f->ops->remove;
	spy.remove = spy_remove;
	nremoved = 0;

	assert_int_equal(kt_cgroup_group_new(&spy, &g), 0);
	assert_int_equal(kt_cgroup_group_add(g, "x"), 0);
	assert_int_equal(kt_cgroup_group_add(g, "x/y"), 0);
	assert_true(exists_below(f, "x/y"));
	assert_int_equal(f->ops->create(f->ops, "z"), 0);
	assert_int_equal(kt_cgroup_group_track(g, "z"), 0);
	/* tracked but already gone: silent */
	assert_int_equal(kt_cgroup_group_track(g, "never-made"), 0);

	/* the guard keeps the caller's error message */
	kt_err(EINVAL, "the real failure");
	kt_cgroup_group_free(g);
	assert_string_equal(kt_last_error(), "the real failure");

	assert_int_equal(nremoved, 4);
	assert_string_equal(removed[0], "never-made");
	assert_string_equal(removed[1], "z");
	assert_string_equal(removed[2], "x/y");
	assert_string_equal(removed[3], "x");
	assert_false(exists_below(f, "x/y"));
	assert_false(exists_below(f, "x"));
	assert_false(exists_below(f, "z"));
	kt_cgroup_group_free(NULL);
}

static void test_cleanup_all_leaves_nothing(void **state)
{
	struct fx *f = *state;
	struct kt_cgroup_ops *ops;
	char cg[PATH_MAX];
	pid_t pid;

	NEED_MOUNT(f);
	ops = f->ops;
	assert_int_equal(ops->create(ops, "a/b/c"), 0);
	assert_int_equal(ops->create(ops, "d"), 0);
	pid = spawn_sleeper(f);
	assert_int_equal(ops->move_task(ops, "a/b/c", pid), 0);

	assert_int_equal(ops->cleanup_all(ops), 0);
	assert_false(kt_cg2_is_dir(f->parent));
	/* drained to the parent's parent: the hierarchy root here */
	cgroup_of(pid, cg, sizeof(cg));
	assert_string_equal(cg, "/");
	assert_int_equal(ops->cleanup_all(ops), 0);
}

static void test_manager_new_rejects(void **state)
{
	struct kt_cgroup_ops *ops = NULL;

	(void)state;
	assert_int_equal(kt_cgroup_manager_new("relative/ktstr", &ops),
			 -EINVAL);
	assert_null(ops);
	assert_int_equal(kt_cgroup_manager_new("/proc/ktstr-none/x", &ops),
			 -EOPNOTSUPP);
	assert_null(ops);
	assert_non_null(
	    strstr(kt_last_error(), "/proc is not on a cgroup2 mount"));
	assert_int_equal(kt_cgroup_manager_new("/sys/fs/cgroup/../x", &ops),
			 -EINVAL);
}

static void test_noop_double(void **state)
{
	_cleanup_(kt_cgroup_ops_freep) struct kt_cgroup_ops *ops = NULL;
	struct kt_cgroup_group *g = NULL;
	struct kt_cpuset set;

	(void)state;
	kt_cpuset_zero(&set);
	kt_cpuset_set(&set, 3);
	assert_int_equal(kt_cgroup_noop_new(&ops), 0);
	assert_non_null(ops);
	assert_string_equal(ops->parent(ops), "");
	assert_int_equal(ops->setup(ops, true), 0);
	assert_int_equal(ops->create(ops, "a/b"), 0);
	assert_int_equal(ops->set_cpuset(ops, "a", &set), 0);
	assert_int_equal(ops->clear_cpuset(ops, "a"), 0);
	assert_int_equal(ops->set_mems(ops, "a", &set), 0);
	assert_int_equal(ops->clear_mems(ops, "a"), 0);
	assert_int_equal(ops->move_task(ops, "a", 1), 0);
	assert_int_equal(ops->move_all(ops, "a", ""), 0);
	assert_int_equal(ops->remove(ops, "a"), 0);
	assert_int_equal(ops->cleanup_all(ops), 0);
	assert_int_equal(kt_cgroup_group_new(ops, &g), 0);
	assert_int_equal(kt_cgroup_group_add(g, "x"), 0);
	kt_cgroup_group_freep(&g);
	assert_null(g);
}

/* set_ctrl enables cpu above the cgroup, writes, reads back; the kernel's
 * refusal names the file and value. */
static void test_set_ctrl_reads_back(void **state)
{
	struct fx *f = *state;
	struct kt_cgroup_ops *ops;
	char path[PATH_MAX], buf[64] = "";
	FILE *in;

	NEED_MOUNT(f);
	if (!offers(f, "cpu"))
		skip();
	ops = f->ops;
	assert_int_equal(ops->setup(ops, false), 0);
	assert_int_equal(ops->create(ops, "w"), 0);
	assert_int_equal(ops->set_ctrl(ops, "w", "cpu.weight", "200"), 0);
	snprintf(path, sizeof(path), "%s/w/cpu.weight", f->parent);
	in = fopen(path, "re");
	assert_non_null(in);
	assert_non_null(fgets(buf, sizeof(buf), in));
	fclose(in);
	assert_string_equal(buf, "200\n");
	assert_int_equal(ops->set_ctrl(ops, "w", "cpu.max", "50000 100000"), 0);
	assert_int_equal(ops->set_ctrl(ops, "w", "cpu.max", "max 100000"), 0);
	assert_int_equal(ops->set_ctrl(ops, "w", "cpu.weight", "0"), -EINVAL);
	assert_non_null(strstr(kt_last_error(), "cpu.weight \"0\""));
	assert_non_null(strstr(kt_last_error(), "ktstr-test-"));
	/* accepted but read back differently: "max" reads "max 100000" */
	assert_int_equal(ops->set_ctrl(ops, "w", "cpu.max", "max"), -EINVAL);
	assert_non_null(strstr(kt_last_error(), "reads \"max 100000\""));
}

/* A partition's exclusive-CPU claim goes on every level above the cgroup:
 * with a parent deeper than one level below the root it is refused before
 * anything is written. */
static void test_partition_needs_top_level_parent(void **state)
{
	struct fx *f = *state;
	struct kt_cgroup_ops *ops;
	char deep[PATH_MAX + 8];

	NEED_MOUNT(f);
	snprintf(deep, sizeof(deep), "%s/deep", f->parent);
	assert_int_equal(kt_cgroup_manager_new(deep, &ops), 0);
	assert_int_equal(
	    ops->set_ctrl(ops, "p", "cpuset.cpus.partition", "isolated"),
	    -EINVAL);
	assert_non_null(
	    strstr(kt_last_error(), "directly below the cgroup2 root"));
	assert_non_null(strstr(kt_last_error(), "/deep"));
	assert_int_equal(access(deep, F_OK), -1);
	ops->destroy(ops);
}

#define FX_TEST(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    FX_TEST(test_create_nested_idempotent),
	    FX_TEST(test_move_task_and_move_all),
	    FX_TEST(test_remove_drains_live_task),
	    FX_TEST(test_cpuset_write_fails_with_message),
	    FX_TEST(test_setup_names_root_write),
	    FX_TEST(test_group_removes_in_reverse),
	    FX_TEST(test_cleanup_all_leaves_nothing),
	    FX_TEST(test_set_ctrl_reads_back),
	    FX_TEST(test_partition_needs_top_level_parent),
	    cmocka_unit_test(test_manager_new_rejects),
	    cmocka_unit_test(test_noop_double),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
