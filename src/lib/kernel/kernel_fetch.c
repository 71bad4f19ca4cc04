/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `ktstr kernel fetch`: download Debian's sched_ext-capable kernel package
 * through the machine's own apt mirror (a private sources file and lists
 * dir for the sid suite), unpack it, check it, and install vmlinuz, config,
 * btf, System.map and metadata.json atomically into the kernel cache. This file
 * runs the steps in order; kernel_fetch.h names the files that do them.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ktstr/common.h>
#include <ktstr/kernel.h>

#include "bzimage.h"
#include "kernel_config.h"
#include "kernel_fetch.h"
#include "kernel_priv.h"

#define DEFAULT_META	    "linux-image-cloud-amd64"
#define DEFAULT_SUITE	    "sid"
#define KT_SYSMAP_MIN_BYTES (64 * 1024)

void kt_fetch_progress(struct kt_fetch *f, const char *fmt, ...)
{
	va_list ap;

	if (!f->o->progress)
		return;
	fputs("kernel fetch: ", f->o->progress);
	va_start(ap, fmt);
	vfprintf(f->o->progress, fmt, ap);
	va_end(ap);
	fputc('\n', f->o->progress);
	fflush(f->o->progress);
}

/* The first of two candidate paths (under <tmp>/x) that exists. */
static int pick(struct kt_fetch *f, const char *what, const char *a,
		const char *b, char *out, size_t len)
{
	int err;

	err = kt_fetch_fmt(out, len, "%s/x/%s", f->tmp, a);
	if (err || !access(out, F_OK))
		return err;
	err = kt_fetch_fmt(out, len, "%s/x/%s", f->tmp, b);
	if (err || !access(out, F_OK))
		return err;
	return kt_err(ENOENT,
		      "kernel fetch: the %s packages hold no %s (looked for "
		      "%s and %s)",
		      f->release, what, a, b);
}

/* The entry has System.map, or a fetch found the packages hold none. */
static bool has_sysmap(const char *entry)
{
	char p[KT_FETCH_PATH_LEN + 320];

	if (!kt_fetch_fmt(p, sizeof(p), "%s/" KT_KERNEL_SYSMAP, entry) &&
	    !access(p, R_OK))
		return true;
	return !kt_fetch_fmt(p, sizeof(p), "%s/" KT_KERNEL_NO_SYSMAP, entry) &&
	       !access(p, F_OK);
}

/* A real symbol map, not the one-line stub Debian's image packages ship
 * ("The real System.map is in the ...-dbg package"): a kernel has tens
 * of thousands of symbols, megabytes of lines. */
static bool real_sysmap(const char *path)
{
	struct stat st;

	return !stat(path, &st) && st.st_size >= KT_SYSMAP_MIN_BYTES;
}

/* f->sysmap: the unpacked usr/lib/modules/<release>/System.map or
 * boot/System.map-<release> when it is a real one, else "". */
static void find_sysmap(struct kt_fetch *f)
{
	if (!kt_fetch_fmt(f->sysmap, sizeof(f->sysmap),
			  "%s/x/usr/lib/modules/%s/System.map", f->tmp,
			  f->release) &&
	    real_sysmap(f->sysmap))
		return;
	if (kt_fetch_fmt(f->sysmap, sizeof(f->sysmap),
			 "%s/x/boot/System.map-%s", f->tmp, f->release) ||
	    !real_sysmap(f->sysmap))
		f->sysmap[0] = '\0';
}

/* A cached entry from before System.map was kept gets it now: the host
 * monitor needs its symbols (docs/monitor.md). */
static int add_sysmap(struct kt_fetch *f, struct kt_apt *a, const char *entry)
{
	int err;

	kt_fetch_progress(f, "adding the package's System.map to %s", entry);
	err = kt_fetch_download_and_unpack(f, a);
	if (err)
		return err;
	find_sysmap(f);
	if (!f->sysmap[0]) {
		kt_fetch_progress(f, "the packages hold no real System.map "
				     "(Debian ships a stub); the monitor "
				     "takes its symbols from the guest");
		return kt_fetch_add_sysmap(entry, NULL);
	}
	return kt_fetch_add_sysmap(entry, f->sysmap);
}

/* Every step in order; the caller removes the temp dirs. */
static int fetch(struct kt_fetch *f)
{
	char final[KT_FETCH_PATH_LEN + 300];
	char vmlinuz[KT_FETCH_PATH_LEN + 256], config[KT_FETCH_PATH_LEN + 256];
	char a1[512], a2[512];
	struct kt_bzimage_info info;
	struct kt_apt_mirror m;
	struct kt_apt a;
	int err;

	err = kt_fetch_find_mirror(&m);
	err = err ?: kt_fetch_apt_setup(f, &m, &a);
	if (err)
		return err;
	kt_fetch_progress(
	    f,
	    "updating the %s package lists from the apt mirror of this "
	    "machine",
	    f->suite);
	err = kt_fetch_apt_update(f, &a);
	err = err ?: kt_fetch_resolve_packages(f, &a);
	if (err)
		return err;
	kt_fetch_progress(f, "%s -> linux-image-%s (%s)", f->meta, f->release,
			  f->version[0] ? f->version : "unknown version");
	err = kt_fetch_fmt(final, sizeof(final), "%s/kernels/%s", f->root,
			   f->release);
	if (err)
		return err;
	if (kt_fetch_check_entry(final) == 0) {
		f->o->already_cached = true;
		kt_fetch_progress(f, "%s is already cached in %s", f->release,
				  final);
		return has_sysmap(final) ? 0 : add_sysmap(f, &a, final);
	}
	err = kt_fetch_download_and_unpack(f, &a);
	if (err)
		return err;
	find_sysmap(f);
	snprintf(a1, sizeof(a1), "usr/lib/modules/%s/vmlinuz", f->release);
	snprintf(a2, sizeof(a2), "boot/vmlinuz-%s", f->release);
	err = pick(f, "vmlinuz", a1, a2, vmlinuz, sizeof(vmlinuz));
	if (err)
		return err;
	snprintf(a1, sizeof(a1), "usr/lib/modules/%s/config", f->release);
	snprintf(a2, sizeof(a2), "boot/config-%s", f->release);
	err = pick(f, "config", a1, a2, config, sizeof(config));
	err = err ?: kt_kernel_config_check_scx(config);
	err = err ?: kt_bzimage_probe(vmlinuz, &info);
	if (err)
		return err;
	if (info.release[0] && strcmp(info.release, f->release))
		return kt_err(EINVAL,
			      "kernel fetch: %s reports release %s, but the "
			      "package is for %s",
			      vmlinuz, info.release, f->release);
	kt_fetch_progress(f, "installing into %s", final);
	return kt_fetch_install(f, vmlinuz, config);
}

int kt_kernel_fetch_ex(struct kt_kernel_fetch_opts *opts, char **release)
{
	const char *tmpdir = getenv("TMPDIR");
	struct kt_fetch *f;
	int err;

	if (release)
		*release = NULL;
	opts->already_cached = false;
	f = calloc(1, sizeof(*f));
	if (!f)
		return kt_err(ENOMEM, "kernel fetch: out of memory");
	f->o = opts;
	f->meta = opts->metapackage ? opts->metapackage : DEFAULT_META;
	f->suite = opts->suite ? opts->suite : DEFAULT_SUITE;
	if (opts->cache_root)
		err = kt_fetch_fmt(f->root, sizeof(f->root), "%s",
				   opts->cache_root);
	else
		err = kt_kernel_cache_root(f->root, sizeof(f->root));
	if (!err)
		err = kt_fetch_fmt(f->tmp, sizeof(f->tmp),
				   "%s/ktstr-kernel-XXXXXX",
				   tmpdir && *tmpdir ? tmpdir : "/tmp");
	if (err) {
		free(f);
		return err;
	}
	if (!mkdtemp(f->tmp)) {
		err = errno;
		err = kt_err(err, "kernel fetch: mkdtemp %s: %s", f->tmp,
			     strerror(err));
		free(f);
		return err;
	}
	/* Signals only set a flag; every step checks it and unwinds here. */
	kt_fetch_catch_signals(f);

	err = fetch(f);
	if (!err && release) {
		*release = strdup(f->release);
		if (!*release)
			err = kt_err(ENOMEM, "kernel fetch: out of memory");
	}

	if (f->stage[0])
		kt_kernel_rmtree(f->stage);
	kt_kernel_rmtree(f->tmp);
	kt_fetch_restore_signals(f);
	if (!err)
		err = kt_fetch_interrupted();
	free(f);
	return err;
}

int kt_kernel_fetch(const char *cache_root, char **release)
{
	struct kt_kernel_fetch_opts o = {.cache_root = cache_root};

	return kt_kernel_fetch_ex(&o, release);
}
