/* SPDX-License-Identifier: GPL-2.0-only */
/* The artifacts directory of a VM run: its default and its checks. */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ktstr/common.h>

#include "artifacts_args.h"

#define FRESH_NAME "ktstr-artifacts.XXXXXX"

static int fit(size_t len, int n)
{
	if (n < 0 || (size_t)n >= len)
		return kt_err(ENAMETOOLONG,
			      "artifacts directory: path too long");
	return 0;
}

/* "<dir of json>/<stem>.artifacts" ("r.json" -> "./r.artifacts"). */
static int beside_json(const char *json_path, char *buf, size_t len)
{
	const char *slash = strrchr(json_path, '/');
	const char *base = slash ? slash + 1 : json_path;
	const char *dot = strrchr(base, '.');
	size_t stem = dot && dot != base ? (size_t)(dot - base) : strlen(base);
	int dirlen = slash ? (int)(slash - json_path) : 1;

	if (slash == json_path)
		dirlen = 0; /* "/r.json" -> "/r.artifacts" */
	return fit(len, snprintf(buf, len, "%.*s/%.*s.artifacts", dirlen,
				 slash ? json_path : ".", (int)stem, base));
}

int kt_cli_artifacts_dir(const char *dir, const char *json_path,
			 const char *results_dir, char *buf, size_t len,
			 bool *fresh)
{
	const char *tmp = getenv("TMPDIR");

	*fresh = false;
	if (dir && *dir)
		return fit(len, snprintf(buf, len, "%s", dir));
	if (json_path && *json_path)
		return beside_json(json_path, buf, len);
	if (results_dir && *results_dir)
		return fit(len,
			   snprintf(buf, len, "%s/artifacts", results_dir));
	*fresh = true;
	return fit(len, snprintf(buf, len, "%s/" FRESH_NAME,
				 tmp && *tmp ? tmp : "/tmp"));
}

/* A writable directory: 0, else a reason in why. */
static int writable_dir(const char *path, char *why, size_t len)
{
	struct stat st;

	if (stat(path, &st)) {
		snprintf(why, len, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(why, len, "%s: not a directory", path);
		return -1;
	}
	if (access(path, W_OK | X_OK)) {
		snprintf(why, len, "%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int kt_cli_artifacts_check(const char *prog, const char *opt, const char *dir,
			   unsigned levels)
{
	char *copy = strdup(dir), *at, why[4400];
	struct stat st;
	int bad = -1;

	if (!copy) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return KT_EXIT_INFRA;
	}
	/* the first of dir and its ancestors (up to levels) that exists */
	at = copy;
	for (unsigned up = 0; up <= levels; up++) {
		if (!stat(at, &st) || errno != ENOENT || up == levels) {
			bad = writable_dir(at, why, sizeof(why));
			break;
		}
		at = dirname(at);
	}
	free(copy);
	if (!bad)
		return 0;
	fprintf(stderr,
		"%s: %s %s: cannot hold artifacts (%s); give a "
		"writable directory with --artifacts DIR\n",
		prog, opt, dir, why);
	return KT_EXIT_USAGE;
}

void kt_cli_artifacts_print(const struct kt_vm_result *res,
			    const char *scenario, FILE *f)
{
	for (size_t i = 0; i < res->nr_artifacts; i++) {
		const struct kt_vm_artifact *a = &res->artifacts[i];

		if (!strcmp(a->scenario, scenario ? scenario : ""))
			fprintf(f, "  artifact %s: %s\n", a->kind, a->path);
	}
}
