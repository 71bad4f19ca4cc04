/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Host-side helpers of the VM benchmarks (bench_host.h): linked into every
 * benchmark, not a benchmark itself.
 */
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <unistd.h>

#include "bench_host.h"

bool bench_find_qemu(char *out, size_t len)
{
	const char *name = getenv("KTSTR_QEMU"), *path = getenv("PATH");
	char *copy, *save = NULL;
	bool found = false;

	if (!name || !*name)
		name = "qemu-system-x86_64";
	if (strchr(name, '/')) {
		snprintf(out, len, "%s", name);
		return !access(out, X_OK);
	}
	copy = strdup(path && *path ? path : "/usr/bin:/bin");
	for (char *d = copy ? strtok_r(copy, ":", &save) : NULL; d && !found;
	     d = strtok_r(NULL, ":", &save)) {
		snprintf(out, len, "%s/%s", d, name);
		found = !access(out, X_OK);
	}
	free(copy);
	return found;
}
