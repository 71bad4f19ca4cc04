/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Installing a fetched kernel into the cache: vmlinuz, config, the BTF
 * extracted from the vmlinux, the vmlinux itself (the PVH boot image), the
 * package's System.map (the host monitor's symbols) and metadata.json go
 * into a temp dir
 * <root>/kernels/.tmp-XXXXXX (with an owner file while it fills), which
 * is then renamed into place; a complete entry that is already there (a
 * parallel fetch) wins, a broken one is moved aside first.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "bzimage.h"
#include "kernel_fetch.h"
#include "kernel_priv.h"

static int copy_file(const char *src, const char *dst)
{
	char buf[1 << 16];
	int in, out, err = 0;
	ssize_t n;

	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return kt_err(errno, "copy %s: %s", src, strerror(errno));
	out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (out < 0) {
		err = errno;
		close(in);
		return kt_err(err, "copy to %s: %s", dst, strerror(err));
	}
	while ((n = read(in, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || write(out, buf, (size_t)n) != n) {
			err = errno ? errno : EIO;
			break;
		}
	}
	if (!err && fsync(out) < 0)
		err = errno;
	close(in);
	if (close(out) < 0 && !err)
		err = errno;
	if (err)
		return kt_err(err, "copy %s to %s: %s", src, dst,
			      strerror(err));
	return 0;
}

static int write_metadata(struct kt_fetch *f, const char *path)
{
	char when[32], source[64];
	time_t now = time(NULL);
	struct tm tm;
	json_t *j;
	int rc;

	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(source, sizeof(source), "debian-%s", f->suite);
	j = json_pack("{s:s, s:s, s:s, s:s, s:s}", "release", f->release,
		      "source", source, "fetched_at", when, "package",
		      f->pkgs[0], "version", f->version);
	if (!j)
		return kt_err(ENOMEM, "kernel fetch: metadata: out of memory");
	rc = json_dump_file(j, path, JSON_INDENT(2));
	json_decref(j);
	if (rc)
		return kt_err(EIO, "kernel fetch: write %s failed", path);
	return 0;
}

int kt_fetch_check_entry(const char *dir)
{
	char why[256];

	return kt_kernel_entry_check(dir, true, why, sizeof(why));
}

/* The entry's files into the stage dir: image, config, BTF, the vmlinux
 * a PVH boot uses (vmlinux_cache.c) and the metadata. */
static int stage_files(struct kt_fetch *f, const char *vmlinuz,
		       const char *config)
{
	char p[KT_FETCH_PATH_LEN + 128];
	int err;

	kt_fetch_fmt(p, sizeof(p), "%s/vmlinuz", f->stage);
	err = copy_file(vmlinuz, p);
	if (!err) {
		kt_fetch_fmt(p, sizeof(p), "%s/config", f->stage);
		err = copy_file(config, p);
	}
	if (!err) {
		kt_fetch_progress(f, "extracting BTF from the vmlinux in %s",
				  vmlinuz);
		kt_fetch_fmt(p, sizeof(p), "%s/btf", f->stage);
		err = kt_bzimage_extract_btf(vmlinuz, p);
	}
	if (!err) {
		kt_fetch_progress(f, "extracting the vmlinux for PVH boots");
		kt_fetch_fmt(p, sizeof(p), "%s/vmlinux", f->stage);
		err = kt_bzimage_extract_vmlinux(vmlinuz, p);
	}
	if (!err && f->sysmap[0]) {
		kt_fetch_fmt(p, sizeof(p), "%s/" KT_KERNEL_SYSMAP, f->stage);
		err = copy_file(f->sysmap, p);
	}
	if (!err) {
		kt_fetch_fmt(p, sizeof(p), "%s/metadata.json", f->stage);
		err = write_metadata(f, p);
	}
	return err;
}

int kt_fetch_add_sysmap(const char *entry, const char *sysmap)
{
	char tmp[KT_FETCH_PATH_LEN + 64], final[KT_FETCH_PATH_LEN + 64];
	int err;

	const char *name = sysmap ? KT_KERNEL_SYSMAP : KT_KERNEL_NO_SYSMAP;
	int fd;

	err = kt_fetch_fmt(tmp, sizeof(tmp), "%s/.%s.%ld", entry, name,
			   (long)getpid());
	err = err ?: kt_fetch_fmt(final, sizeof(final), "%s/%s", entry, name);
	if (err)
		return err;
	unlink(tmp);
	if (sysmap) {
		err = copy_file(sysmap, tmp);
	} else {
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd < 0)
			err = kt_err(errno, "kernel fetch: create %s: %s", tmp,
				     strerror(errno));
		else
			close(fd);
	}
	if (!err && rename(tmp, final) < 0)
		err = kt_err(errno, "kernel fetch: rename %s to %s: %s", tmp,
			     final, strerror(errno));
	if (err)
		unlink(tmp);
	return err;
}

int kt_fetch_install(struct kt_fetch *f, const char *vmlinuz,
		     const char *config)
{
	char kdir[KT_FETCH_PATH_LEN + 16], final[KT_FETCH_PATH_LEN + 300],
	    p[KT_FETCH_PATH_LEN + 128];
	char old[KT_FETCH_PATH_LEN + 64];
	FILE *fp;
	int err;

	err = kt_fetch_fmt(kdir, sizeof(kdir), "%s/kernels", f->root);
	err = err
		  ?: kt_fetch_fmt(final, sizeof(final), "%s/%s", kdir,
				  f->release);
	err = err
		  ?: kt_fetch_fmt(f->stage, sizeof(f->stage), "%s/%sXXXXXX",
				  kdir, KT_KERNEL_TMP_PREFIX);
	err = err ?: kt_fetch_mkdir_p(kdir);
	if (err)
		return err;
	if (!mkdtemp(f->stage)) {
		err = errno;
		f->stage[0] = '\0';
		return kt_err(err, "kernel fetch: mkdtemp in %s: %s", kdir,
			      strerror(err));
	}
	chmod(f->stage, 0755);
	kt_fetch_fmt(p, sizeof(p), "%s/%s", f->stage, KT_KERNEL_TMP_OWNER);
	fp = fopen(p, "we");
	if (fp) {
		fprintf(fp, "%ld\n", (long)getpid());
		fclose(fp);
	}
	err = stage_files(f, vmlinuz, config);
	err = err ?: kt_fetch_interrupted();
	if (err)
		return err;
	kt_fetch_fmt(p, sizeof(p), "%s/%s", f->stage, KT_KERNEL_TMP_OWNER);
	unlink(p);
	if (!access(final, F_OK)) {
		if (kt_fetch_check_entry(final) == 0)
			return 0; /* a parallel fetch won; keep it */
		/* An incomplete or corrupt entry: move it aside first. */
		err = kt_fetch_fmt(old, sizeof(old), "%s/%sXXXXXX", kdir,
				   KT_KERNEL_TMP_PREFIX);
		if (err)
			return err;
		if (!mkdtemp(old) || rename(final, old) < 0) {
			err = errno;
			return kt_err(err, "kernel fetch: replace %s: %s",
				      final, strerror(err));
		}
		kt_kernel_rmtree(old);
	}
	if (rename(f->stage, final) < 0) {
		err = errno;
		if ((err == ENOTEMPTY || err == EEXIST) &&
		    kt_fetch_check_entry(final) == 0)
			return 0;
		return kt_err(err, "kernel fetch: rename %s to %s: %s",
			      f->stage, final, strerror(err));
	}
	f->stage[0] = '\0';
	return 0;
}
