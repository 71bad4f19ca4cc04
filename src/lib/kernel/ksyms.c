/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kernel symbols from the System.map the kernel package ships (kept in
 * the kernel cache beside the vmlinuz): the addresses of the few globals
 * the host-side monitor reads (docs/monitor.md). The vmlinux inside a
 * bzImage is stripped (no .symtab), so System.map is where they are.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <ktstr/common.h>

#include "ksyms.h"

int kt_sysmap_parse_line(const char *line, uint64_t *addr, char *type,
			 char *name, size_t len)
{
	const char *p = line;
	char *end;
	size_t n;

	if (!isxdigit((unsigned char)*p))
		return -EINVAL;
	errno = 0;
	*addr = strtoull(p, &end, 16);
	if (errno || end == p || *end != ' ')
		return -EINVAL;
	p = end + 1;
	if (!isalpha((unsigned char)*p) || p[1] != ' ')
		return -EINVAL;
	*type = *p;
	p += 2;
	n = strcspn(p, " \t\r\n");
	if (!n || n >= len)
		return -EINVAL;
	memcpy(name, p, n);
	name[n] = '\0';
	return 0;
}

int kt_sysmap_lookup_file(FILE *f, const char *origin, const char *const *names,
			  uint64_t *out, size_t n)
{
	char line[512], name[256], type;
	bool found[64] = {0};
	size_t left = n;
	uint64_t addr;

	if (n > KT_ARRAY_SIZE(found))
		return kt_err(EINVAL, "%s: too many symbols asked for", origin);
	while (left && fgets(line, sizeof(line), f)) {
		if (kt_sysmap_parse_line(line, &addr, &type, name,
					 sizeof(name)))
			continue;
		for (size_t i = 0; i < n; i++) {
			if (found[i] || strcmp(name, names[i]))
				continue;
			found[i] = true;
			out[i] = addr;
			left--;
		}
	}
	for (size_t i = 0; i < n; i++)
		if (!found[i])
			return kt_err(ENOENT, "%s: no symbol %s", origin,
				      names[i]);
	return 0;
}

int kt_sysmap_lookup(const char *path, const char *const *names, uint64_t *out,
		     size_t n)
{
	FILE *f = fopen(path, "re");
	int err;

	if (!f)
		return kt_err(errno, "System.map %s: %s", path,
			      strerror(errno));
	err = kt_sysmap_lookup_file(f, path, names, out, n);
	fclose(f);
	return err;
}
