/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Where the uncompressed vmlinux of a bzImage is kept, so a VM can boot
 * it through its PVH entry without decompressing it each time: beside the
 * vmlinuz of a kernel cache entry (<root>/kernels/<release>/vmlinux; new
 * entries get it at fetch time, older ones on first use), and for any
 * other bzImage in <root>/vmlinux/<key>. The key hashes the image's size,
 * mtime and first 64 KiB, so a rebuilt kernel gets a new file; only the
 * KT_VMLINUX_KEEP most recently used ones are kept there (about 60 MB
 * each). Why a cache and not the VM's temp dir: extracting takes 0.2-0.3 s
 * of host CPU and 60 MB written per VM, half of what PVH saves, and every
 * VM of a test binary's job pool would pay it again.
 *
 * A file appears whole or not at all: it is written to a temp file
 * (.vmlinux-XXXXXX, O_EXCL) in the same directory, synced and renamed,
 * so two VMs extracting at once both succeed and neither sees half a
 * file. Temp files of a killed process are removed after ten minutes.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <ktstr/common.h>
#include <ktstr/kernel.h>

#include "bzimage.h"
#include "kernel_fetch.h"

#define KT_VMLINUX_KEEP	  3
#define TMP_PREFIX	  ".vmlinux-"
#define STALE_TMP_SECONDS 600
#define KEY_HEAD_BYTES	  (64 * 1024)

/* FNV-1a, 64-bit. */
static uint64_t fnv(uint64_t h, const void *data, size_t n)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h;
}

static int image_key(const char *path, char *key, size_t len)
{
	unsigned char head[KEY_HEAD_BYTES];
	uint64_t h = 0xcbf29ce484222325ULL;
	struct stat st;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return kt_err(errno, "kernel %s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0 || (n = pread(fd, head, sizeof(head), 0)) < 0) {
		int err = errno;

		close(fd);
		return kt_err(err, "kernel %s: %s", path, strerror(err));
	}
	close(fd);
	h = fnv(h, &st.st_size, sizeof(st.st_size));
	h = fnv(h, &st.st_mtim.tv_sec, sizeof(st.st_mtim.tv_sec));
	h = fnv(h, &st.st_mtim.tv_nsec, sizeof(st.st_mtim.tv_nsec));
	h = fnv(h, head, (size_t)n);
	snprintf(key, len, "%016llx", (unsigned long long)h);
	return 0;
}

/* Temp files of a process that died while extracting. */
static void sweep_stale(const char *dir)
{
	time_t now = time(NULL);
	struct dirent *e;
	struct stat st;
	DIR *d = opendir(dir);

	if (!d)
		return;
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, TMP_PREFIX, strlen(TMP_PREFIX)) &&
		    !fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) &&
		    S_ISREG(st.st_mode) &&
		    now - st.st_mtime > STALE_TMP_SECONDS)
			unlinkat(dirfd(d), e->d_name, 0);
	closedir(d);
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? errno : EIO;
		p += n;
		len -= (size_t)n;
	}
	return fsync(fd) < 0 ? errno : 0;
}

/* Decompress the vmlinux of bz into out via a temp file in its dir. */
static int extract_atomic(const char *bz, const char *dir, const char *out)
{
	char tmp[PATH_MAX];
	size_t len;
	void *elf;
	int fd, err;

	sweep_stale(dir);
	err = kt_fetch_fmt(tmp, sizeof(tmp), "%s/%sXXXXXX", dir, TMP_PREFIX);
	err = err ?: kt_bzimage_vmlinux(bz, &elf, &len);
	if (err)
		return err;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		free(elf);
		return kt_err(err,
			      "vmlinux of %s: create a temp file in %s: %s", bz,
			      dir, strerror(err));
	}
	err = write_all(fd, elf, len);
	free(elf);
	if (!err && fchmod(fd, 0644) < 0)
		err = errno;
	if (close(fd) < 0 && !err)
		err = errno;
	if (!err && rename(tmp, out) < 0)
		err = errno;
	if (err) {
		unlink(tmp);
		return kt_err(err, "vmlinux of %s: write %s: %s", bz, out,
			      strerror(err));
	}
	return 0;
}

static int newest_first(const void *a, const void *b)
{
	const struct timespec *x = a, *y = b;

	if (x->tv_sec != y->tv_sec)
		return x->tv_sec < y->tv_sec ? 1 : -1;
	return (x->tv_nsec < y->tv_nsec) - (x->tv_nsec > y->tv_nsec);
}

/* Keep the KT_VMLINUX_KEEP most recently used files of dir. */
static void evict(const char *dir)
{
	struct timespec t[64];
	struct dirent *e;
	struct stat st;
	size_t n = 0;
	DIR *d = opendir(dir);

	if (!d)
		return;
	while ((e = readdir(d)) && n < KT_ARRAY_SIZE(t))
		if (e->d_name[0] != '.' &&
		    !fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) &&
		    S_ISREG(st.st_mode))
			t[n++] = st.st_mtim;
	if (n > KT_VMLINUX_KEEP) {
		struct timespec cut;

		qsort(t, n, sizeof(t[0]), newest_first);
		cut = t[KT_VMLINUX_KEEP - 1];
		rewinddir(d);
		while ((e = readdir(d)))
			if (e->d_name[0] != '.' &&
			    !fstatat(dirfd(d), e->d_name, &st,
				     AT_SYMLINK_NOFOLLOW) &&
			    S_ISREG(st.st_mode) &&
			    newest_first(&st.st_mtim, &cut) > 0)
				unlinkat(dirfd(d), e->d_name, 0);
	}
	closedir(d);
}

/* The cache entry dir when path is <root>/kernels/<release>/vmlinuz. */
static bool cache_entry_dir(const char *path, const char *root, char *dir,
			    size_t len)
{
	char real[PATH_MAX], kdir[PATH_MAX], rk[PATH_MAX], parent[PATH_MAX];
	char *slash;

	if (!realpath(path, real) ||
	    kt_fetch_fmt(kdir, sizeof(kdir), "%s/kernels", root) ||
	    !realpath(kdir, rk))
		return false;
	slash = strrchr(real, '/');
	if (!slash || strcmp(slash + 1, "vmlinuz"))
		return false;
	*slash = '\0';
	snprintf(parent, sizeof(parent), "%s", real);
	slash = strrchr(parent, '/');
	if (!slash)
		return false;
	*slash = '\0';
	if (strcmp(parent, rk))
		return false;
	snprintf(dir, len, "%s", real);
	return true;
}

int kt_kernel_vmlinux(const char *path, char *out, size_t len)
{
	char root[PATH_MAX], dir[PATH_MAX], key[32];
	bool entry;
	int err;

	err = kt_kernel_cache_root(root, sizeof(root));
	if (err)
		return kt_err_wrap(err, "vmlinux of %s", path);
	entry = cache_entry_dir(path, root, dir, sizeof(dir));
	if (entry) {
		err = kt_fetch_fmt(out, len, "%s/vmlinux", dir);
	} else {
		err = image_key(path, key, sizeof(key));
		err = err ?: kt_fetch_fmt(dir, sizeof(dir), "%s/vmlinux", root);
		err = err ?: kt_fetch_fmt(out, len, "%s/%s", dir, key);
	}
	if (err)
		return err;
	if (!access(out, R_OK)) {
		if (!entry)
			utimensat(AT_FDCWD, out, NULL, 0); /* recently used */
		return 0;
	}
	err = entry ? 0 : kt_fetch_mkdir_p(dir);
	err = err ?: extract_atomic(path, dir, out);
	if (!err && !entry)
		evict(dir);
	return err;
}
