/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Tests of kt_cgroup_host_supported() and kt_cgroup_cleanup_stale() on
 * the real machine: its /sys/fs/cgroup, a plain directory, and a private
 * cgroup2 mount on a temporary directory (removed with everything in it
 * by the teardown).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <mntent.h>
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
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/magic.h>
#include <cmocka.h>

#include <ktstr/cgroup.h>

#include "cgroup2_util.h"

#define DEAD_PID 999999

struct fx {
	char dir[64];	   /* the temporary directory */
	bool mounted;	   /* a cgroup2 mount sits on dir */
	char made[8][128]; /* cgroups this test created below dir */
	int nmade;
	pid_t kid;
};

/* mkdir dir/name and remember it for the teardown. */
static void make_cg(struct fx *f, const char *name)
{
	char path[PATH_MAX];

	assert_true(f->nmade < 8);
	snprintf(f->made[f->nmade++], sizeof(f->made[0]), "%s", name);
	snprintf(path, sizeof(path), "%s/%s", f->dir, name);
	assert_int_equal(mkdir(path, 0755), 0);
}

static bool has_cg(const struct fx *f, const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", f->dir, name);
	return kt_cg2_is_dir(path);
}

static int fx_setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	*state = f;
	snprintf(f->dir, sizeof(f->dir), "/tmp/kt-cghost-XXXXXX");
	if (!mkdtemp(f->dir)) {
		perror("mkdtemp");
		f->dir[0] = '\0';
		return -1;
	}
	return 0;
}

static int fx_mount(struct fx *f)
{
	int err = kt_cg2_mount(f->dir);

	f->mounted = !err;
	return err;
}

static int fx_teardown(void **state)
{
	struct fx *f = *state;
	int ret = 0;

	if (f->kid > 0) {
		kill(f->kid, SIGKILL);
		waitpid(f->kid, NULL, 0);
	}
	if (f->mounted) {
		for (int i = f->nmade - 1; i >= 0; i--) {
			char path[PATH_MAX];

			snprintf(path, sizeof(path), "%s/%s", f->dir,
				 f->made[i]);
			if (!kt_cg2_remove(f->dir, path))
				ret = -1;
		}
		umount2(f->dir, MNT_DETACH);
	}
	if (f->dir[0] && rmdir(f->dir)) {
		perror("teardown: rmdir");
		ret = -1;
	}
	free(f);
	return ret;
}

/* Where the v1 hierarchy with the cpuset controller is mounted, or "". */
static void v1_cpuset_mount(char *buf, size_t len)
{
	FILE *m = setmntent("/proc/self/mounts", "re");
	struct mntent *e;

	buf[0] = '\0';
	assert_non_null(m);
	while ((e = getmntent(m))) {
		if (!strcmp(e->mnt_type, "cgroup") && hasmntopt(e, "cpuset") &&
		    !buf[0])
			snprintf(buf, len, "%s", e->mnt_dir);
	}
	endmntent(m);
}

static void test_sys_fs_cgroup_is_v1_here(void **state)
{
	struct statfs sfs;
	char want[PATH_MAX + 32], cpuset_mnt[PATH_MAX];
	const char *msg;

	(void)state;
	assert_int_equal(statfs("/sys/fs/cgroup", &sfs), 0);
	if (sfs.f_type == CGROUP2_SUPER_MAGIC)
		skip(); /* a cgroup2 machine: nothing v1 to report */
	assert_int_equal(kt_cgroup_host_supported("/sys/fs/cgroup"),
			 -EOPNOTSUPP);
	msg = kt_last_error();
	assert_non_null(strstr(msg, "host mode needs cgroup v2 with the cpu "
				    "and cpuset controllers at "
				    "/sys/fs/cgroup, but /sys/fs/cgroup is "
				    "not a cgroup2 mount"));
	assert_non_null(strstr(msg, "run the scenarios in a VM instead"));
	v1_cpuset_mount(cpuset_mnt, sizeof(cpuset_mnt));
	if (!cpuset_mnt[0])
		return;
	assert_non_null(strstr(msg, "(cgroup v1: "));
	snprintf(want, sizeof(want), "cpuset at %s)", cpuset_mnt);
	if (!strstr(msg, want))
		snprintf(want, sizeof(want), "cpuset is mounted at %s)",
			 cpuset_mnt);
	if (!strstr(msg, want))
		snprintf(want, sizeof(want),
			 "cpu and cpuset are mounted at %s)", cpuset_mnt);
	assert_non_null(strstr(msg, want));
}

static void test_plain_dir_is_not_cgroup2(void **state)
{
	struct fx *f = *state;
	char want[256];

	assert_int_equal(kt_cgroup_host_supported(f->dir), -EOPNOTSUPP);
	snprintf(want, sizeof(want), "but %s is not a cgroup2 mount", f->dir);
	assert_non_null(strstr(kt_last_error(), want));

	assert_int_equal(kt_cgroup_host_supported("/nonexistent-ktstr"),
			 -EOPNOTSUPP);
	assert_non_null(strstr(kt_last_error(), "/nonexistent-ktstr cannot "
						"be read: No such file"));
}

static void test_own_cgroup2_names_missing(void **state)
{
	struct fx *f = *state;
	char path[128], ctrls[512] = "", want[1024];
	bool cpu = false, cpuset = false;
	FILE *in;
	int ret;

	if (fx_mount(f))
		skip();
	snprintf(path, sizeof(path), "%s/cgroup.controllers", f->dir);
	in = fopen(path, "re");
	assert_non_null(in);
	if (!fgets(ctrls, sizeof(ctrls), in))
		ctrls[0] = '\0';
	fclose(in);
	ctrls[strcspn(ctrls, "\n")] = '\0';
	{
		char copy[512];

		snprintf(copy, sizeof(copy), "%s", ctrls);
		for (char *t = strtok(copy, " "); t; t = strtok(NULL, " ")) {
			cpu |= !strcmp(t, "cpu");
			cpuset |= !strcmp(t, "cpuset");
		}
	}

	ret = kt_cgroup_host_supported(f->dir);
	if (cpu && cpuset) {
		assert_int_equal(ret, 0);
		return;
	}
	assert_int_equal(ret, -EOPNOTSUPP);
	if (ctrls[0])
		snprintf(want, sizeof(want),
			 "but %s offers only '%s' (missing ", path, ctrls);
	else
		snprintf(want, sizeof(want),
			 "but %s offers no controllers (missing ", path);
	assert_non_null(strstr(kt_last_error(), want));
	snprintf(want, sizeof(want), "(missing %s)",
		 !cpu && !cpuset ? "cpu and cpuset"
		 : !cpu		 ? "cpu"
				 : "cpuset");
	assert_non_null(strstr(kt_last_error(), want));
}

static void test_cleanup_stale(void **state)
{
	struct fx *f = *state;
	char mine[64], path[PATH_MAX], line[64];
	FILE *in;
	int fd, n;

	if (fx_mount(f))
		skip();
	if (kill(DEAD_PID, 0) == 0 || errno != ESRCH)
		skip(); /* the "dead" pid is alive on this machine */
	snprintf(mine, sizeof(mine), "ktstr-%d", (int)getpid());
	make_cg(f, "ktstr-999999");
	make_cg(f, "ktstr-999999/cg_0");
	make_cg(f, "ktstr");
	make_cg(f, mine);
	make_cg(f, "other");
	make_cg(f, "ktstr-12x");

	/* a live task inside the stale tree is drained, not killed */
	f->kid = fork();
	assert_true(f->kid >= 0);
	if (f->kid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (;;)
			pause();
	}
	snprintf(path, sizeof(path), "%s/ktstr-999999/cg_0/cgroup.procs",
		 f->dir);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	n = snprintf(line, sizeof(line), "%d", (int)f->kid);
	assert_int_equal(write(fd, line, (size_t)n), n);
	close(fd);

	assert_int_equal(kt_cgroup_cleanup_stale(f->dir, false), 2);
	assert_false(has_cg(f, "ktstr-999999"));
	assert_false(has_cg(f, "ktstr"));
	assert_true(has_cg(f, mine));
	assert_true(has_cg(f, "other"));
	assert_true(has_cg(f, "ktstr-12x"));
	assert_int_equal(kill(f->kid, 0), 0);
	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)f->kid);
	in = fopen(path, "re");
	assert_non_null(in);
	n = 0;
	while (fgets(line, sizeof(line), in))
		if (!strcmp(line, "0::/\n"))
			n = 1;
	fclose(in);
	assert_int_equal(n, 1);

	/* nothing left to do the second time */
	assert_int_equal(kt_cgroup_cleanup_stale(f->dir, true), 0);
	assert_true(kt_cgroup_cleanup_stale("/nonexistent-ktstr", false) ==
		    -ENOENT);
}

#define FX_TEST(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sys_fs_cgroup_is_v1_here),
	    FX_TEST(test_plain_dir_is_not_cgroup2),
	    FX_TEST(test_own_cgroup2_names_missing),
	    FX_TEST(test_cleanup_stale),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
