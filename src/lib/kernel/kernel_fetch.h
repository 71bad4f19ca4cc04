/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The state of one `ktstr kernel fetch` and the steps its files share:
 *   kernel_fetch.c          the steps in order, the public entry points
 *   kernel_fetch_run.c      paths, logs, running apt and dpkg, signals
 *   kernel_fetch_mirror.c   the machine's Debian mirror from etc/apt
 *   kernel_fetch_apt.c      a private apt setup: lists, packages, download
 *   kernel_fetch_install.c  the cache entry, built aside and renamed in
 */
#ifndef KTSTR_KERNEL_FETCH_H
#define KTSTR_KERNEL_FETCH_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include <ktstr/common.h>
#include <ktstr/kernel.h>

#define KT_FETCH_PATH_LEN   4096
#define KT_FETCH_MAX_PKGS   16
#define KT_FETCH_NR_SIGNALS 3 /* SIGINT, SIGTERM, SIGHUP */

struct kt_fetch {
	struct kt_kernel_fetch_opts *o;
	const char *suite, *meta;
	char root[KT_FETCH_PATH_LEN];
	char tmp[KT_FETCH_PATH_LEN]; /* work dir: sources, lists, debs, x */
	char stage[KT_FETCH_PATH_LEN + 64]; /* <root>/kernels/.tmp-XXXXXX */
	char release[256];
	char version[128];
	char pkgs[KT_FETCH_MAX_PKGS][320];
	int npkgs;
	/* the unpacked package's System.map, "" when it has none */
	char sysmap[KT_FETCH_PATH_LEN + 256];
	struct sigaction old[KT_FETCH_NR_SIGNALS];
};

/* ---- kernel_fetch.c ---- */

/* "kernel fetch: <what>" on the progress stream, if there is one. */
void kt_fetch_progress(struct kt_fetch *f, const char *fmt, ...)
    KT_PRINTF(2, 3);

/* ---- kernel_fetch_run.c ---- */

/* snprintf into buf; -ENAMETOOLONG with a message when it does not fit. */
int kt_fetch_fmt(char *buf, size_t len, const char *f, ...) KT_PRINTF(3, 4);
int kt_fetch_mkdir_p(const char *path);
/* Copy s into d (size n), truncating. */
void kt_fetch_scopy(char *d, size_t n, const char *s);
/* The last lines of a log file (at most len-1 bytes), for messages. */
void kt_fetch_log_tail(const char *log, char *out, size_t len);

/* SIGINT, SIGTERM and SIGHUP only set a flag from here until restore;
 * every step checks it and the fetch unwinds with -EINTR. */
void kt_fetch_catch_signals(struct kt_fetch *f);
void kt_fetch_restore_signals(struct kt_fetch *f);
/* -EINTR with a message once a signal arrived, else 0. */
int kt_fetch_interrupted(void);

/*
 * Run argv (PATH lookup) in cwd (NULL = ours) with stdout to out (NULL =
 * the log) and stderr to <tmp>/<name>.log. Fails with the log's tail.
 */
int kt_fetch_run(struct kt_fetch *f, const char *name, char *const argv[],
		 const char *cwd, const char *out);

/* ---- kernel_fetch_mirror.c ---- */

struct kt_apt_mirror {
	char uri[1024];
	char signed_by[8192]; /* a keyring path or an inline key block */
};

/* The first `deb` source of a main-archive suite in $KTSTR_APT_ETC (tests)
 * or /etc/apt: sources.list, then the *.list and *.sources files of
 * sources.list.d. */
int kt_fetch_find_mirror(struct kt_apt_mirror *m);

/* ---- kernel_fetch_apt.c ---- */

#define KT_APT_OPTS 14

/* apt-get / apt-cache argv with the options of the private setup. */
struct kt_apt {
	char opt[7][KT_FETCH_PATH_LEN + 64];
	char *argv[KT_APT_OPTS + KT_FETCH_MAX_PKGS + 8];
	int base;
};

/* A sources file for the suite on the mirror and a lists dir, in tmp. */
int kt_fetch_apt_setup(struct kt_fetch *f, const struct kt_apt_mirror *m,
		       struct kt_apt *a);
int kt_fetch_apt_update(struct kt_fetch *f, struct kt_apt *a);
/* The metapackage -> linux-image-<release> (f->release, f->version) and
 * the packages holding vmlinuz and config (f->pkgs). */
int kt_fetch_resolve_packages(struct kt_fetch *f, struct kt_apt *a);
/* Download f->pkgs and unpack them all into <tmp>/x. */
int kt_fetch_download_and_unpack(struct kt_fetch *f, struct kt_apt *a);

/* ---- kernel_fetch_install.c ---- */

/* 0 when dir is a complete, valid cache entry. */
int kt_fetch_check_entry(const char *dir);
/* Build the entry in <root>/kernels/.tmp-XXXXXX and rename it into place. */
int kt_fetch_install(struct kt_fetch *f, const char *vmlinuz,
		     const char *config);
/* Add System.map to the existing cache entry dir (a temp file renamed
 * in): entries fetched before it was kept get it on the next fetch.
 * sysmap NULL: the empty no-System.map marker instead. */
int kt_fetch_add_sysmap(const char *entry, const char *sysmap);

#endif
