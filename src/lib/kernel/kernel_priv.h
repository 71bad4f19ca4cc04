/* SPDX-License-Identifier: GPL-2.0-only */
/* Helpers shared by the kernel cache and kernel fetch code. */
#ifndef KTSTR_KERNEL_PRIV_H
#define KTSTR_KERNEL_PRIV_H

#include <stdbool.h>
#include <stddef.h>

/* Cache temp dirs are <root>/kernels/.tmp-XXXXXX holding an owner file. */
#define KT_KERNEL_TMP_PREFIX ".tmp-"
#define KT_KERNEL_TMP_OWNER  "owner.pid"

/* rm -rf path without following symlinks or crossing mounts. */
int kt_kernel_rmtree(const char *path);

/*
 * 0 if the cache entry dir has a valid vmlinuz (and, when complete, also
 * config, btf and metadata.json); otherwise -errno and a short reason.
 */
int kt_kernel_entry_check(const char *dir, bool complete, char *why,
			  size_t len);

#endif
