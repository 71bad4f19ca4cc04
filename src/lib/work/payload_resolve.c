/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Where a payload's program is: the binaries a VM guest was given (the
 * host copied them into the initramfs and named them in the plan), else a
 * path as written, else $PATH. The host runs the same lookup before it
 * boots anything, so a missing binary is a usage error there.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <ktstr/payload.h>

struct provided {
	char *program, *path;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct provided *provided;
static size_t nr_provided;

int kt_payload_provide(const char *program, const char *path)
{
	struct provided *n;
	char *a = strdup(program), *b = strdup(path);

	pthread_mutex_lock(&lock);
	n = a && b ? realloc(provided, (nr_provided + 1) * sizeof(*n)) : NULL;
	if (n) {
		provided = n;
		provided[nr_provided++] = (struct provided){a, b};
	}
	pthread_mutex_unlock(&lock);
	if (n)
		return 0;
	free(a);
	free(b);
	return kt_err(ENOMEM, "payload %s: out of memory", program);
}

static bool executable(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISREG(st.st_mode) && (st.st_mode & 0111);
}

static bool from_path(const char *program, char *out, size_t len)
{
	const char *path = getenv("PATH");

	for (const char *p = path ? path : "/usr/bin:/bin"; p && *p;) {
		const char *colon = strchr(p, ':');
		int n = colon ? (int)(colon - p) : (int)strlen(p);

		if (n &&
		    (size_t)snprintf(out, len, "%.*s/%s", n, p, program) <
			len &&
		    executable(out))
			return true;
		p = colon ? colon + 1 : NULL;
	}
	return false;
}

int kt_payload_resolve(const char *program, char *out, size_t len)
{
	bool found = false;

	if (!program || !program[0])
		return kt_err(EINVAL, "payload: no program named");
	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < nr_provided && !found; i++)
		if (!strcmp(provided[i].program, program))
			found = (size_t)snprintf(out, len, "%s",
						 provided[i].path) < len;
	pthread_mutex_unlock(&lock);
	if (found)
		return 0;
	if (strchr(program, '/')) {
		if (executable(program) &&
		    (size_t)snprintf(out, len, "%s", program) < len)
			return 0;
		return kt_err(ENOENT,
			      "payload program %s: not an executable file "
			      "(check the path)",
			      program);
	}
	if (from_path(program, out, len))
		return 0;
	return kt_err(ENOENT,
		      "payload program %s: not found in PATH (install it, e.g. "
		      "scripts/install-deps.sh for stress-ng, cyclictest and "
		      "rt-app, or give its full path)",
		      program);
}
