/* SPDX-License-Identifier: GPL-2.0-only */
/* Helpers shared by the kernel cache and kernel fetch code. */
#ifndef KTSTR_KERNEL_PRIV_H
#define KTSTR_KERNEL_PRIV_H

#include <stdbool.h>
#include <stddef.h>

/* Cache temp dirs are <root>/kernels/.tmp-XXXXXX holding an owner file. */
#define KT_KERNEL_TMP_PREFIX ".tmp-"
#define KT_KERNEL_TMP_OWNER  "owner.pid"
/* The kernel package's symbol map in a cache entry (optional: entries
 * fetched before it was kept lack it until the next fetch). */
#define KT_KERNEL_SYSMAP "System.map"
/* An empty file saying the packages hold no real System.map (Debian's
 * image packages ship a stub), so a later fetch does not look again. */
#define KT_KERNEL_NO_SYSMAP "no-System.map"

/* rm -rf path without following symlinks or crossing mounts. */
int kt_kernel_rmtree(const char *path);

/*
 * 0 if the cache entry dir has a valid vmlinuz (and, when complete, also
 * config, btf and metadata.json); otherwise -errno and a short reason.
 */
int kt_kernel_entry_check(const char *dir, bool complete, char *why,
			  size_t len);

#endif
