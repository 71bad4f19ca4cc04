/* SPDX-License-Identifier: GPL-2.0-only */
/* Queries of a kernel's config file (kernel_config.c). */
#ifndef KTSTR_KERNEL_CONFIG_H
#define KTSTR_KERNEL_CONFIG_H

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

#endif
