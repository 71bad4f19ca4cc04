/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kernel config files (.config, /boot/config-*): look up one symbol, and
 * the sched_ext requirement every guest kernel must meet.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ktstr/common.h>

#include "kernel_config.h"

/* The value of line for symbol name (with CONFIG_), or -1 if not about it. */
static int match_line(const char *line, const char *name, size_t nlen)
{
	const char *v;

	if (!strncmp(line, "# ", 2) && !strncmp(line + 2, name, nlen) &&
	    !strncmp(line + 2 + nlen, " is not set", 11))
		return KT_KCONFIG_NOT_SET;
	if (strncmp(line, name, nlen) || line[nlen] != '=')
		return -1;
	v = line + nlen + 1;
	if (!strcmp(v, "y"))
		return KT_KCONFIG_Y;
	if (!strcmp(v, "m"))
		return KT_KCONFIG_M;
	if (!strcmp(v, "n") || !*v)
		return KT_KCONFIG_NOT_SET;
	return KT_KCONFIG_VALUE;
}

int kt_kernel_config_has(const char *path, const char *sym)
{
	char name[256], *line = NULL;
	int val = KT_KCONFIG_NOT_SET, err;
	size_t cap = 0, nlen;
	ssize_t n;
	FILE *f;

	if (!sym || !*sym)
		return kt_err(EINVAL, "kernel config %s: empty symbol name",
			      path);
	snprintf(name, sizeof(name), "%s%s",
		 strncmp(sym, "CONFIG_", 7) ? "CONFIG_" : "", sym);
	nlen = strlen(name);
	f = fopen(path, "re");
	if (!f) {
		err = errno;
		return kt_err(err, "kernel config %s: %s", path,
			      err == ENOENT ? "no such file" : strerror(err));
	}
	while ((n = getline(&line, &cap, f)) > 0) {
		int v;

		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		v = match_line(line, name, nlen);
		if (v >= 0)
			val = v; /* the last assignment wins, as in Kconfig */
	}
	err = ferror(f) ? errno : 0;
	free(line);
	fclose(f);
	if (err)
		return kt_err(err, "kernel config %s: read: %s", path,
			      strerror(err));
	return val;
}

int kt_kernel_config_check_scx(const char *path)
{
	static const char *const what[] = {
	    [KT_KCONFIG_NOT_SET] = "it is not set",
	    [KT_KCONFIG_Y] = "=y",
	    [KT_KCONFIG_M] = "it is =m, but sched_ext cannot be a module",
	    [KT_KCONFIG_VALUE] = "it has a non-boolean value",
	};
	int v = kt_kernel_config_has(path, "CONFIG_SCHED_CLASS_EXT");

	if (v < 0)
		return v;
	if (v == KT_KCONFIG_Y)
		return 0;
	return kt_err(EINVAL,
		      "kernel config %s has no CONFIG_SCHED_CLASS_EXT=y (%s): "
		      "this kernel cannot run sched_ext schedulers; use "
		      "`ktstr kernel fetch` or build with "
		      "CONFIG_SCHED_CLASS_EXT=y, CONFIG_BPF_SYSCALL=y, "
		      "CONFIG_BPF_JIT=y and CONFIG_DEBUG_INFO_BTF=y",
		      path, what[v]);
}
