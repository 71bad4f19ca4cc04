/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest kernel as a library user sees it: fetching Debian's
 * sched_ext-capable kernel into the cache, the cache itself, and
 * resolving which kernel a command should boot. bzImage parsing (BTF
 * extraction) and kernel config queries are private to src/lib/kernel/.
 */
#ifndef KTSTR_KERNEL_H
#define KTSTR_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- kernel fetch ---- */

struct kt_kernel_fetch_opts {
	const char *cache_root;	 /* NULL = kt_kernel_cache_root() */
	const char *metapackage; /* NULL = "linux-image-cloud-amd64" */
	const char *suite;	 /* NULL = "sid" */
	FILE *progress;		 /* one line per step, or NULL for quiet */
	bool already_cached;	 /* out: the release was already cached */
};

/*
 * Fetch the current kernel of the metapackage from the suite through the
 * machine's configured Debian mirror and install vmlinuz, config, btf,
 * vmlinux (the uncompressed ELF, for PVH boots) and metadata.json
 * atomically under <cache>/kernels/<release>/. An existing
 * complete entry is kept. *release (may be NULL) gets a malloc'd release
 * string. SIGINT/SIGTERM during the fetch remove the temp dirs and make
 * it fail with -EINTR.
 */
int kt_kernel_fetch_ex(struct kt_kernel_fetch_opts *opts, char **release);

/* kt_kernel_fetch_ex() with defaults and no progress output. */
int kt_kernel_fetch(const char *cache_root, char **release);

/* ---- kernel cache ---- */

/*
 * The cache root: $KTSTR_CACHE_DIR, else $XDG_CACHE_HOME/ktstr, else
 * $HOME/.cache/ktstr. Kernels live in <root>/kernels/<release>/.
 */
int kt_kernel_cache_root(char *buf, size_t len);

struct kt_kernel_entry {
	char release[256];
	char dir[4096];	  /* <root>/kernels/<release> */
	uint64_t size;	  /* bytes of all files in the entry */
	bool has_btf;	  /* btf file present */
	bool has_config;  /* config file present */
	bool corrupt;	  /* vmlinuz missing or not a valid bzImage */
	char reason[256]; /* why it is corrupt */
};

/*
 * The entries under <root>/kernels (root NULL = default), newest release
 * first (strverscmp order). Temp dirs of running or aborted fetches are
 * skipped. A missing kernels dir gives 0 entries. Free with free().
 */
int kt_kernel_cache_list(const char *root, struct kt_kernel_entry **entries,
			 size_t *n);

/*
 * The vmlinuz path of cached release (NULL = the newest intact entry).
 * -ENOENT with a message saying what to do if there is none.
 */
int kt_kernel_cache_path(const char *root, const char *release, char *buf,
			 size_t len);

/*
 * The uncompressed vmlinux ELF inside the bzImage at path (what a VM boots
 * through the PVH entry), extracted once and kept: <entry>/vmlinux for
 * the vmlinuz of a cache entry, else <root>/vmlinux/<key> (the key hashes
 * the image's size, mtime and first 64 KiB; the 3 most recently used such
 * files are kept). The file appears atomically (temp file + rename), so
 * concurrent callers never see half of it. out gets its path; -errno with
 * a message when the image cannot be decompressed or the file written.
 */
int kt_kernel_vmlinux(const char *path, char *out, size_t len);

/*
 * Remove all but the keep newest intact entries, every corrupt entry, and
 * the temp dirs of aborted fetches. *removed (may be NULL) counts the
 * entries and temp dirs removed.
 */
int kt_kernel_cache_clean(const char *root, unsigned int keep,
			  unsigned int *removed);

/*
 * Decide which kernel to boot: arg (--kernel), else $KTSTR_KERNEL, else
 * the newest cache entry. arg may be a bzImage path, a directory holding
 * a vmlinuz (a cache entry) or arch/x86/boot/bzImage (a source tree), or a
 * cached release name. path_out gets the bzImage; config_out the config
 * found beside it ("config", or a source tree's .config), or "" if none.
 * -ENOENT if there is no kernel, -EINVAL if the image is not a bzImage or
 * its config lacks CONFIG_SCHED_CLASS_EXT=y.
 */
int kt_kernel_resolve(const char *arg, char *path_out, size_t path_len,
		      char *config_out, size_t config_len);

#endif
