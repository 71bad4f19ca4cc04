/* SPDX-License-Identifier: GPL-2.0-only */
/* A private cgroup2 view for unit tests: mount, teardown (cgroup2_util.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup2_util.h"

bool kt_cg2_is_dir(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

int kt_cg2_mount(const char *dir)
{
	if (geteuid() != 0)
		return -EPERM;
	if (mount("none", dir, "cgroup2", 0, NULL))
		return -errno;
	return 0;
}

static void move_pids_raw(const char *from, const char *to)
{
	char path[PATH_MAX], line[32];
	FILE *in;

	snprintf(path, sizeof(path), "%s/cgroup.procs", from);
	in = fopen(path, "re");
	if (!in)
		return;
	snprintf(path, sizeof(path), "%s/cgroup.procs", to);
	while (fgets(line, sizeof(line), in)) {
		int fd = open(path, O_WRONLY | O_CLOEXEC);

		if (fd >= 0) {
			if (write(fd, line, strlen(line)) < 0) {
				/* gone or not movable: rmdir will say */
			}
			close(fd);
		}
	}
	fclose(in);
}

static void rm_tree_raw(const char *mnt, const char *path)
{
	struct dirent *de;
	DIR *d = opendir(path);

	if (!d)
		return;
	while ((de = readdir(d))) {
		char child[PATH_MAX];

		if (de->d_type != DT_DIR || !strcmp(de->d_name, ".") ||
		    !strcmp(de->d_name, ".."))
			continue;
		snprintf(child, sizeof(child), "%s/%s", path, de->d_name);
		rm_tree_raw(mnt, child);
	}
	closedir(d);
	for (int i = 0; i < 20; i++) {
		move_pids_raw(path, mnt);
		if (!rmdir(path) || errno == ENOENT)
			return;
		usleep(50000);
	}
}

bool kt_cg2_remove(const char *mnt, const char *path)
{
	rm_tree_raw(mnt, path);
	if (!kt_cg2_is_dir(path))
		return true;
	fprintf(stderr, "teardown: %s still exists\n", path);
	return false;
}
