/* SPDX-License-Identifier: GPL-2.0-only */
/* Reading sidecars back: one file, or every sidecar of results
 * directories (in name order), with the variant's parts for grouping. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "results/results_priv.h"

const char *const kt_part_names[4] = {"topo", "sched", "work", "kernel"};

const char *kt_sidecar_str(const json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s && *s ? s : "-";
}

static int set_parts(struct kt_sidecar *s)
{
	json_t *v = json_object_get(s->root, "variant");
	const char *preset = kt_sidecar_str(v, "preset");
	char buf[1024];

	s->part[KT_PART_TOPO] =
	    strdup(strcmp(preset, "-") ? preset : kt_sidecar_str(v, "topo"));
	s->part[KT_PART_SCHED] = strdup(kt_sidecar_str(v, "sched"));
	s->part[KT_PART_WORK] = strdup(kt_sidecar_str(v, "work_type"));
	s->part[KT_PART_KERNEL] =
	    strdup(kt_sidecar_str(json_object_get(v, "kernel"), "release"));
	for (int i = 0; i < 4; i++)
		if (!s->part[i])
			return -ENOMEM;
	snprintf(buf, sizeof(buf), "topo=%s sched=%s work=%s kernel=%s",
		 s->part[0], s->part[1], s->part[2], s->part[3]);
	s->variant = strdup(buf);
	return s->variant ? 0 : -ENOMEM;
}

int kt_sidecar_load(const char *path, struct kt_sidecar *out)
{
	json_error_t e;
	json_t *fmt;

	memset(out, 0, sizeof(*out));
	out->root = json_load_file(path, 0, &e);
	if (!out->root)
		return kt_err(EINVAL, "sidecar %s:%d:%d: %s", path, e.line,
			      e.column, e.text);
	fmt = json_object_get(out->root, "format");
	if (!json_is_integer(fmt) ||
	    !json_is_object(json_object_get(out->root, "variant"))) {
		kt_sidecar_free(out);
		return kt_err(ENOMSG,
			      "%s: not a ktstr sidecar (no \"format\" "
			      "and \"variant\")",
			      path);
	}
	if (json_integer_value(fmt) != KT_SIDECAR_FORMAT) {
		kt_sidecar_free(out);
		return kt_err(EINVAL,
			      "sidecar %s: format %lld, this ktstr reads %d",
			      path, (long long)json_integer_value(fmt),
			      KT_SIDECAR_FORMAT);
	}
	if (!(out->path = strdup(path)) || set_parts(out)) {
		kt_sidecar_free(out);
		return kt_err(ENOMEM, "sidecar %s: out of memory", path);
	}
	return 0;
}

void kt_sidecar_free(struct kt_sidecar *s)
{
	free(s->path);
	free(s->variant);
	for (int i = 0; i < 4; i++)
		free(s->part[i]);
	json_decref(s->root);
	memset(s, 0, sizeof(*s));
}

void kt_results_free(struct kt_results *r)
{
	for (size_t i = 0; i < r->nr; i++)
		kt_sidecar_free(&r->s[i]);
	free(r->s);
	memset(r, 0, sizeof(*r));
}

static int is_json(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 5 &&
	       !strcmp(d->d_name + n - 5, ".json");
}

static int load_dir(const char *dir, struct kt_results *r)
{
	struct dirent **names;
	int n = scandir(dir, &names, is_json, alphasort), err = 0;

	if (n < 0)
		return kt_err(errno, "results %s: %s", dir, strerror(errno));
	for (int i = 0; i < n; i++) {
		char path[4096];
		struct kt_sidecar s, *grown;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		if (!err) {
			err = kt_sidecar_load(path, &s);
			if (err == -ENOMSG) {
				err = 0;
				continue;
			}
		}
		if (!err && !(grown = realloc(r->s, (r->nr + 1) * sizeof(s)))) {
			kt_sidecar_free(&s);
			err = kt_err(ENOMEM, "results %s: out of memory", dir);
		}
		if (!err) {
			r->s = grown;
			r->s[r->nr++] = s;
		}
	}
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return err;
}

int kt_results_load(const char *const *dirs, size_t nr_dirs,
		    struct kt_results *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < nr_dirs; i++) {
		int err = load_dir(dirs[i], out);

		if (err) {
			kt_results_free(out);
			return err;
		}
	}
	if (!out->nr)
		return kt_err(ENOENT,
			      "results %s%s: no sidecars (write them with "
			      "`ktstr vm --results DIR` or `ktstr gauntlet`)",
			      nr_dirs ? dirs[0] : "",
			      nr_dirs > 1 ? " ..." : "");
	return 0;
}
