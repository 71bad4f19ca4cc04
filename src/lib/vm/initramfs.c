/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest's initramfs: /init (this very binary), the run plan, the
 * optional scheduler, user includes and busybox, the directories init
 * mounts on, /dev/console and /dev/null, and the shared libraries of every
 * dynamic binary in it at the paths the dynamic loader will look.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cpio.h"
#include "elf_deps.h"
#include "initramfs.h"
#include "strv.h"

static const char *const base_dirs[] = {
    "/dev", "/proc", "/sys", "/tmp", "/run", "/ktstr", "/bin", "/include",
};

/* Add a binary at dst and remember its libraries in libs. */
static int add_binary(struct kt_cpio *c, const char *dst, const char *src,
		      struct kt_strv *libs)
{
	int err = kt_cpio_file_from_path(c, dst, 0755, src);

	if (err)
		return err;
	err = kt_elf_closure(src, libs);
	/* A non-ELF include (a script, data) has no libraries. */
	return err == -ENOEXEC ? 0 : err;
}

/* The scheduler keeps a missing execute bit, so the guest reports the
 * exec failure as the scheduler's verdict (docs/scheduler.md). */
static int add_scheduler(struct kt_cpio *c, const char *src,
			 struct kt_strv *libs)
{
	struct stat st;

	if (stat(src, &st) < 0)
		return kt_err(errno, "scheduler %s: %s", src, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return kt_err(EINVAL, "scheduler %s: not a regular file", src);
	if (!(st.st_mode & 0111))
		return kt_cpio_file_from_path(c, KT_VM_SCHED_PATH, 0644, src);
	return add_binary(c, KT_VM_SCHED_PATH, src, libs);
}

static int add_includes(struct kt_cpio *c, const struct kt_initramfs_opts *o,
			struct kt_strv *libs)
{
	for (size_t i = 0; i < o->nr_includes; i++) {
		char *dup = strdup(o->includes[i]), *dst;
		struct stat st;
		int err;

		if (!dup)
			return kt_err(ENOMEM, "out of memory");
		if (stat(o->includes[i], &st) < 0 || !S_ISREG(st.st_mode)) {
			free(dup);
			return kt_err(ENOENT,
				      "include %s: not a readable "
				      "regular file",
				      o->includes[i]);
		}
		if (asprintf(&dst, "/include/%s", basename(dup)) < 0) {
			free(dup);
			return kt_err(ENOMEM, "out of memory");
		}
		free(dup);
		if (kt_cpio_has(c, dst))
			err = kt_err(EEXIST,
				     "include %s: %s is already taken "
				     "by another include",
				     o->includes[i], dst);
		else if (st.st_mode & 0111)
			err = add_binary(c, dst, o->includes[i], libs);
		else
			err = kt_cpio_file_from_path(c, dst, 0644,
						     o->includes[i]);
		free(dst);
		if (err)
			return err;
	}
	return 0;
}

/*
 * glibc dlopen()s libgcc_s.so.1 when a thread exits or is cancelled (the
 * unwinder): no DT_NEEDED names it, so the closure misses it and a
 * threaded payload such as rt-app aborts at its end ("libgcc_s.so.1 must
 * be installed for pthread_exit to work"). It goes beside libc.
 */
static int add_libgcc_s(struct kt_cpio *c, struct kt_strv *libs)
{
	for (size_t i = 0; i < libs->nr; i++) {
		const char *l = libs->v[i], *slash = strrchr(l, '/');
		char path[PATH_MAX];

		if (!slash || strcmp(slash, "/libc.so.6"))
			continue;
		snprintf(path, sizeof(path), "%.*s/libgcc_s.so.1",
			 (int)(slash - l), l);
		if (access(path, R_OK) || kt_cpio_has(c, path))
			return 0;
		return kt_cpio_file_from_path(c, path, 0755, path);
	}
	return 0;
}

static int add_payloads(struct kt_cpio *c, const struct kt_initramfs_opts *o)
{
	struct kt_strv libs = {0};
	int err = 0;

	/* payload binaries keep their path; one already there (a second
	 * name for it) is the same file */
	for (size_t i = 0; i < o->nr_payloads && !err; i++)
		if (!kt_cpio_has(c, o->payloads[i]))
			err = add_binary(c, o->payloads[i], o->payloads[i],
					 &libs);
	for (size_t i = 0; i < libs.nr && !err; i++)
		if (!kt_cpio_has(c, libs.v[i]))
			err = kt_cpio_file_from_path(c, libs.v[i], 0755,
						     libs.v[i]);
	if (!err && o->nr_payloads)
		err = add_libgcc_s(c, &libs);
	kt_strv_free(&libs);
	return err;
}

static int add_all(struct kt_cpio *c, const struct kt_initramfs_opts *o)
{
	struct kt_strv libs = {0};
	char self[PATH_MAX];
	const char *init = o->init_path;
	int err = 0;

	if (!init) {
		/* The real path, so $ORIGIN resolves against it. */
		ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

		if (n < 0)
			return kt_err(errno, "readlink /proc/self/exe: %s",
				      strerror(errno));
		self[n] = '\0';
		init = self;
	}
	for (size_t i = 0; i < KT_ARRAY_SIZE(base_dirs) && !err; i++)
		err = kt_cpio_dir(c, base_dirs[i], 0755);
	err = err ?: kt_cpio_dir(c, "/root", 0700);
	err = err ?: kt_cpio_node(c, "/dev/console", S_IFCHR, 0600, 5, 1);
	err = err ?: kt_cpio_node(c, "/dev/null", S_IFCHR, 0666, 1, 3);
	err = err ?: add_binary(c, "/init", init, &libs);
	if (!err && o->plan_json)
		err = kt_cpio_file(c, "/ktstr/plan.json", 0644, o->plan_json,
				   strlen(o->plan_json));
	if (!err && o->scheduler)
		err = add_scheduler(c, o->scheduler, &libs);
	if (!err && o->busybox)
		err = add_binary(c, "/bin/busybox", o->busybox, &libs);
	err = err ?: add_includes(c, o, &libs);
	for (size_t i = 0; i < o->nr_scenario_files && !err; i++) {
		char dst[64];

		snprintf(dst, sizeof(dst), KT_VM_SCENARIO_DIR "/%zu.json", i);
		err =
		    kt_cpio_file_from_path(c, dst, 0644, o->scenario_files[i]);
	}
	for (size_t i = 0; i < libs.nr && !err; i++)
		if (!kt_cpio_has(c, libs.v[i]))
			err = kt_cpio_file_from_path(c, libs.v[i], 0755,
						     libs.v[i]);
	kt_strv_free(&libs);
	return err ?: add_payloads(c, o);
}

int kt_initramfs_write(const struct kt_initramfs_opts *o, const char *out_path)
{
	struct kt_cpio *c;
	FILE *f;
	int fd, err;

	fd = open(out_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return kt_err(errno, "initramfs: create %s: %s", out_path,
			      strerror(errno));
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		return kt_err(errno, "initramfs: fdopen: %s", strerror(errno));
	}
	err = kt_cpio_new(f, &c);
	if (!err) {
		err = add_all(c, o);
		if (err)
			kt_cpio_free(c);
		else
			err = kt_cpio_finish(c);
	}
	if (fclose(f) && !err)
		err = kt_err(EIO, "initramfs: writing %s failed", out_path);
	return err;
}
