/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kernel cache (<root>/kernels/<release>/{vmlinuz,config,btf,
 * metadata.json} and vmlinux, which entries fetched before PVH boots get
 * on first use, see vmlinux_cache.c): listing, newest entry, cleaning,
 * and resolving which kernel a command boots (--kernel, $KTSTR_KERNEL, or
 * the cache).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <ktstr/common.h>
#include <ktstr/kernel.h>

#include "bzimage.h"
#include "kernel_config.h"
#include "kernel_priv.h"

#define NO_KERNEL_MSG                                                          \
	"no kernel: run `ktstr kernel fetch` or pass --kernel PATH"

static int fmt_path(char *buf, size_t len, const char *fmt, ...)
    KT_PRINTF(3, 4);

static int fmt_path(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len)
		return kt_err(ENAMETOOLONG, "path too long: %.200s...", buf);
	return 0;
}

int kt_kernel_cache_root(char *buf, size_t len)
{
	const char *v = getenv("KTSTR_CACHE_DIR");

	if (v && *v)
		return fmt_path(buf, len, "%s", v);
	v = getenv("XDG_CACHE_HOME");
	if (v && *v == '/')
		return fmt_path(buf, len, "%s/ktstr", v);
	v = getenv("HOME");
	if (v && *v)
		return fmt_path(buf, len, "%s/.cache/ktstr", v);
	return kt_err(ENOENT, "kernel cache: none of KTSTR_CACHE_DIR, "
			      "XDG_CACHE_HOME or HOME is set");
}

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (remove(path) < 0 && errno != ENOENT)
		return flag == FTW_DP ? 0 : -1;
	return 0;
}

int kt_kernel_rmtree(const char *path)
{
	int err;

	if (nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT) == 0)
		return 0;
	err = errno ? errno : EIO;
	if (err == ENOENT)
		return 0;
	return kt_err(err, "remove %s: %s", path, strerror(err));
}

static bool file_nonempty(const char *dir, const char *name)
{
	char p[4352];
	struct stat st;

	if (fmt_path(p, sizeof(p), "%s/%s", dir, name))
		return false;
	return !stat(p, &st) && S_ISREG(st.st_mode) && st.st_size > 0;
}

int kt_kernel_entry_check(const char *dir, bool complete, char *why, size_t len)
{
	static const char *const need[] = {"config", "btf", "metadata.json"};
	char p[4352];
	const char *msg;
	size_t plen;
	int err;

	err = fmt_path(p, sizeof(p), "%s/vmlinuz", dir);
	if (err)
		return err;
	err = kt_bzimage_probe(p, NULL);
	if (err == -ENOENT) {
		snprintf(why, len, "missing vmlinuz");
		return err;
	}
	if (err) {
		/* "kernel <path> is truncated: ..." -> "vmlinuz is ..." */
		msg = kt_last_error();
		plen = strlen("kernel ") + strlen(p);
		if (!strncmp(msg, "kernel ", 7) &&
		    !strncmp(msg + 7, p, strlen(p)))
			snprintf(why, len, "vmlinuz%s", msg + plen);
		else
			snprintf(why, len, "vmlinuz: %s", msg);
		return err;
	}
	for (size_t i = 0; complete && i < KT_ARRAY_SIZE(need); i++) {
		if (!file_nonempty(dir, need[i])) {
			snprintf(why, len, "missing %s", need[i]);
			return -ENOENT;
		}
	}
	return 0;
}

static uint64_t dir_size(const char *dir)
{
	uint64_t total = 0;
	struct dirent *de;
	struct stat st;
	DIR *d;

	d = opendir(dir);
	if (!d)
		return 0;
	while ((de = readdir(d)))
		if (!fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) &&
		    S_ISREG(st.st_mode))
			total += (uint64_t)st.st_size;
	closedir(d);
	return total;
}

static int newest_first(const void *a, const void *b)
{
	const struct kt_kernel_entry *x = a, *y = b;

	return strverscmp(y->release, x->release);
}

int kt_kernel_cache_list(const char *root, struct kt_kernel_entry **entries,
			 size_t *n)
{
	char rootbuf[4096], kdir[4160];
	struct kt_kernel_entry *v = NULL, *e;
	size_t cnt = 0, cap = 0;
	struct dirent *de;
	struct stat st;
	int err;
	DIR *d;

	*entries = NULL;
	*n = 0;
	if (!root) {
		err = kt_kernel_cache_root(rootbuf, sizeof(rootbuf));
		if (err)
			return err;
		root = rootbuf;
	}
	err = fmt_path(kdir, sizeof(kdir), "%s/kernels", root);
	if (err)
		return err;
	d = opendir(kdir);
	if (!d) {
		err = errno;
		if (err == ENOENT)
			return 0;
		return kt_err(err, "kernel cache %s: %s", kdir, strerror(err));
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue; /* ., .. and .tmp-* of running fetches */
		if (fstatat(dirfd(d), de->d_name, &st, 0) ||
		    !S_ISDIR(st.st_mode))
			continue;
		if (cnt == cap) {
			size_t ncap = cap ? cap * 2 : 8;
			void *nv = realloc(v, ncap * sizeof(*v));

			if (!nv) {
				free(v);
				closedir(d);
				return kt_err(ENOMEM,
					      "kernel cache %s: out of "
					      "memory",
					      kdir);
			}
			v = nv;
			cap = ncap;
		}
		e = &v[cnt];
		memset(e, 0, sizeof(*e));
		snprintf(e->release, sizeof(e->release), "%s", de->d_name);
		if (fmt_path(e->dir, sizeof(e->dir), "%s/%s", kdir, de->d_name))
			continue;
		cnt++;
		e->size = dir_size(e->dir);
		e->has_btf = file_nonempty(e->dir, "btf");
		e->has_config = file_nonempty(e->dir, "config");
		e->corrupt = kt_kernel_entry_check(e->dir, false, e->reason,
						   sizeof(e->reason)) != 0;
	}
	closedir(d);
	if (cnt)
		qsort(v, cnt, sizeof(*v), newest_first);
	*entries = v;
	*n = cnt;
	kt_clear_error();
	return 0;
}

int kt_kernel_cache_path(const char *root, const char *release, char *buf,
			 size_t len)
{
	struct kt_kernel_entry *v;
	char cached[512] = "";
	size_t n, i, used = 0;
	int err;

	err = kt_kernel_cache_list(root, &v, &n);
	if (err)
		return err;
	for (i = 0; i < n; i++) {
		if (release && strcmp(v[i].release, release))
			continue;
		if (v[i].corrupt && !release)
			continue; /* the newest intact one */
		if (v[i].corrupt) {
			err = kt_err(EINVAL,
				     "cached kernel %s is corrupt (%s): run "
				     "`ktstr kernel clean` and `ktstr kernel "
				     "fetch`",
				     release, v[i].reason);
		} else {
			err = fmt_path(buf, len, "%s/vmlinuz", v[i].dir);
		}
		free(v);
		return err;
	}
	for (i = 0; i < n && used < sizeof(cached) - 1; i++) {
		int w = snprintf(cached + used, sizeof(cached) - used, "%s%s",
				 i ? ", " : "", v[i].release);

		if (w < 0)
			break;
		used += (size_t)w;
	}
	free(v);
	if (!release)
		return kt_err(ENOENT, NO_KERNEL_MSG);
	return kt_err(ENOENT,
		      "kernel release %s is not cached (cached: %s); see "
		      "`ktstr kernel list`",
		      release, n ? cached : "none");
}

/* A temp dir is stale when its fetch process is gone (or never wrote). */
static bool tmp_is_stale(const char *dir)
{
	char p[4352];
	struct stat st;
	long pid = 0;
	FILE *f;

	if (fmt_path(p, sizeof(p), "%s/%s", dir, KT_KERNEL_TMP_OWNER))
		return false;
	f = fopen(p, "re");
	if (f) {
		if (fscanf(f, "%ld", &pid) != 1)
			pid = 0;
		fclose(f);
		if (pid > 0)
			return kill((pid_t)pid, 0) < 0 && errno == ESRCH;
	}
	/* No owner yet: give a fetch that just created it a minute. */
	return !stat(dir, &st) && time(NULL) - st.st_mtime > 60;
}

int kt_kernel_cache_clean(const char *root, unsigned int keep,
			  unsigned int *removed)
{
	char rootbuf[4096], kdir[4160], p[4352];
	struct kt_kernel_entry *v;
	unsigned int kept = 0, cnt = 0;
	struct dirent *de;
	size_t n, i;
	int err, first = 0;
	DIR *d;

	if (removed)
		*removed = 0;
	if (!root) {
		err = kt_kernel_cache_root(rootbuf, sizeof(rootbuf));
		if (err)
			return err;
		root = rootbuf;
	}
	err = kt_kernel_cache_list(root, &v, &n);
	if (err)
		return err;
	for (i = 0; i < n; i++) {
		if (!v[i].corrupt && kept < keep) {
			kept++;
			continue;
		}
		err = kt_kernel_rmtree(v[i].dir);
		if (err && !first)
			first = err;
		else if (!err)
			cnt++;
	}
	free(v);
	err = fmt_path(kdir, sizeof(kdir), "%s/kernels", root);
	if (!err && (d = opendir(kdir))) {
		while ((de = readdir(d))) {
			if (strncmp(de->d_name, KT_KERNEL_TMP_PREFIX,
				    strlen(KT_KERNEL_TMP_PREFIX)))
				continue;
			if (fmt_path(p, sizeof(p), "%s/%s", kdir, de->d_name) ||
			    !tmp_is_stale(p))
				continue;
			err = kt_kernel_rmtree(p);
			if (err && !first)
				first = err;
			else if (!err)
				cnt++;
		}
		closedir(d);
	}
	if (removed)
		*removed = cnt;
	return first;
}

/* Config beside a bzImage: "config", or the .config of a source tree. */
static void find_config(const char *image, char *out, size_t len)
{
	static const char tree_tail[] = "/arch/x86/boot/bzImage";
	char p[4352];
	const char *slash = strrchr(image, '/');
	size_t ilen = strlen(image), tlen = strlen(tree_tail);
	struct stat st;

	out[0] = '\0';
	if (slash)
		snprintf(p, sizeof(p), "%.*s/config", (int)(slash - image),
			 image);
	else
		snprintf(p, sizeof(p), "config");
	if (!stat(p, &st) && S_ISREG(st.st_mode)) {
		snprintf(out, len, "%s", p);
		return;
	}
	if (ilen >= tlen && !strcmp(image + ilen - tlen, tree_tail)) {
		snprintf(p, sizeof(p), "%.*s/.config", (int)(ilen - tlen),
			 image);
		if (!stat(p, &st) && S_ISREG(st.st_mode))
			snprintf(out, len, "%s", p);
	}
}

static int resolve_arg(const char *src, const char *how, char *path,
		       size_t path_len)
{
	struct stat st;
	int err;

	if (stat(src, &st) == 0) {
		if (!S_ISDIR(st.st_mode))
			return fmt_path(path, path_len, "%s", src);
		err = fmt_path(path, path_len, "%s/vmlinuz", src);
		if (!err && !access(path, F_OK))
			return 0;
		err = fmt_path(path, path_len, "%s/arch/x86/boot/bzImage", src);
		if (!err && !access(path, F_OK))
			return 0;
		return kt_err(EINVAL,
			      "kernel %s (%s) is a directory with neither a "
			      "vmlinuz nor arch/x86/boot/bzImage; pass the "
			      "kernel image (vmlinuz/bzImage)",
			      src, how);
	}
	if (errno != ENOENT)
		return kt_err(errno, "kernel %s (%s): %s", src, how,
			      strerror(errno));
	if (strchr(src, '/'))
		return kt_err(ENOENT, "kernel %s (%s): no such file", src, how);
	err = kt_kernel_cache_path(NULL, src, path, path_len);
	if (err == -ENOENT)
		return kt_err(ENOENT, "kernel %s (%s): no such file; %s", src,
			      how, kt_last_error());
	return err;
}

int kt_kernel_resolve(const char *arg, char *path_out, size_t path_len,
		      char *config_out, size_t config_len)
{
	const char *how = "--kernel";
	int err;

	path_out[0] = '\0';
	config_out[0] = '\0';
	if (!arg || !*arg) {
		arg = getenv("KTSTR_KERNEL");
		how = "KTSTR_KERNEL";
	}
	if (arg && *arg)
		err = resolve_arg(arg, how, path_out, path_len);
	else
		err = kt_kernel_cache_path(NULL, NULL, path_out, path_len);
	if (err)
		goto fail;
	err = kt_bzimage_probe(path_out, NULL);
	if (err)
		goto fail;
	find_config(path_out, config_out, config_len);
	if (config_out[0]) {
		err = kt_kernel_config_check_scx(config_out);
		if (err)
			goto fail;
	}
	return 0;
fail:
	path_out[0] = '\0';
	config_out[0] = '\0';
	return err;
}
