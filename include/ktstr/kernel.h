/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest kernel: bzImage validation and BTF extraction, kernel config
 * queries, fetching Debian's sched_ext-capable kernel into the cache, the
 * cache itself, and resolving which kernel a command should boot.
 */
#ifndef KTSTR_KERNEL_H
#define KTSTR_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- bzImage (src/vm/bzimage.c) ---- */

/* What the x86 boot header of a bzImage says. */
struct kt_bzimage_info {
	uint16_t protocol;	 /* boot protocol version, 0x020f = 2.15 */
	uint8_t setup_sects;	 /* real-mode setup size in 512-byte sectors */
	uint64_t file_size;	 /* size of the image file in bytes */
	uint64_t payload_offset; /* file offset of the compressed vmlinux */
	uint64_t payload_length; /* its length (0 if the header has none) */
	char release[128];	 /* "7.2.13+deb14-cloud-amd64", or "" */
};

/*
 * Validate path as an x86 bzImage: boot-sector magic, "HdrS", protocol
 * >= 2.06, loaded high (loadflags bit 0), payload inside the file. Fills
 * info (may be NULL). -ENOENT if the file is missing, -EINVAL if it is not
 * a usable bzImage; kt_last_error() names the file and the reason.
 */
int kt_bzimage_probe(const char *path, struct kt_bzimage_info *info);

/*
 * Decompress the vmlinux ELF embedded in a bzImage (zstd payloads only)
 * into a malloc'd buffer the caller frees.
 */
int kt_bzimage_vmlinux(const char *path, void **elf, size_t *len);

/* Write the embedded vmlinux ELF of a bzImage to out_path. */
int kt_bzimage_extract_vmlinux(const char *path, const char *out_path);

/*
 * Find section name in an in-memory ELF64 image. *data points into elf.
 * -ENOENT if there is no such section, -EINVAL if the ELF is malformed.
 */
int kt_elf_section(const void *elf, size_t len, const char *name,
		   const void **data, size_t *size);

/* Copy section name of the ELF64 file elf_path into out_path. */
int kt_elf_extract_section(const char *elf_path, const char *name,
			   const char *out_path);

/* BTF blobs start with this 16-bit magic (little-endian bytes 9f eb). */
#define KT_BTF_MAGIC 0xEB9F

/*
 * Extract the raw .BTF section of the vmlinux inside a bzImage into
 * out_path (usable as vmlinux BTF by bpftool); checks the BTF magic.
 */
int kt_bzimage_extract_btf(const char *path, const char *out_path);

/* ---- kernel config (src/vm/kernel_config.c) ---- */

enum kt_kconfig_val {
	KT_KCONFIG_NOT_SET = 0, /* absent or "# CONFIG_X is not set" */
	KT_KCONFIG_Y,		/* CONFIG_X=y */
	KT_KCONFIG_M,		/* CONFIG_X=m */
	KT_KCONFIG_VALUE,	/* CONFIG_X=<string or number> */
};

/*
 * Look sym up ("CONFIG_SCHED_CLASS_EXT" or "SCHED_CLASS_EXT") in the
 * kernel config file path. Returns an enum kt_kconfig_val (>= 0) or a
 * negative errno if the file cannot be read.
 */
int kt_kernel_config_has(const char *path, const char *sym);

/*
 * 0 if the config at path has CONFIG_SCHED_CLASS_EXT=y; -EINVAL with a
 * message saying how to get a suitable kernel otherwise.
 */
int kt_kernel_config_check_scx(const char *path);

/* ---- kernel fetch (src/vm/kernel_fetch.c) ---- */

struct kt_kernel_fetch_opts {
	const char *cache_root;	 /* NULL = kt_kernel_cache_root() */
	const char *metapackage; /* NULL = "linux-image-cloud-amd64" */
	const char *suite;	 /* NULL = "sid" */
	FILE *progress;		 /* one line per step, or NULL for quiet */
	bool already_cached;	 /* out: the release was already cached */
};

/*
 * Fetch the current kernel of the metapackage from the suite through the
 * machine's configured Debian mirror and install vmlinuz, config, btf and
 * metadata.json atomically under <cache>/kernels/<release>/. An existing
 * complete entry is kept. *release (may be NULL) gets a malloc'd release
 * string. SIGINT/SIGTERM during the fetch remove the temp dirs and make
 * it fail with -EINTR.
 */
int kt_kernel_fetch_ex(struct kt_kernel_fetch_opts *opts, char **release);

/* kt_kernel_fetch_ex() with defaults and no progress output. */
int kt_kernel_fetch(const char *cache_root, char **release);

/* ---- kernel cache (src/vm/kernel_cache.c) ---- */

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
