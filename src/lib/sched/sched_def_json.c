/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The JSON form of a scheduler definition (docs/scheduler.md); its
 * "assert" layer is read by kt_assert_from_json (result/assert_json.c).
 * Strict: unknown keys and wrong types are rejected with the key path
 * named; syntax errors carry jansson's file:line:column.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ktstr/sched.h>

#include "core/json_get.h"

/* The message prefix of every error: "scheduler FILE: ". */
struct ctx {
	const char *origin;
};

/* Reals read "a number" in this reader's messages. */
static const char *type_name(const json_t *v)
{
	return json_is_real(v) ? "a number" : kt_json_type_name(v);
}

static int bad_type(const struct ctx *c, const char *key, const char *want,
		    const json_t *v)
{
	return kt_json_bad_type("scheduler", c->origin, key, want,
				type_name(v));
}

/* Reject keys of obj not in known (NULL-terminated); path prefixes them. */
static int only_keys(const struct ctx *c, const json_t *obj, const char *path,
		     const char *const *known)
{
	char list[512];
	const char *key = kt_json_unknown_key(obj, known, list, sizeof(list));

	if (key)
		return kt_err(EINVAL,
			      "scheduler %s: unknown key \"%s%s%s\" (known "
			      "keys%s%s: %s)",
			      c->origin, path, *path ? "." : "", key,
			      *path ? " of " : "", path, list);
	return 0;
}

/* Each string of the array at key (path) -> add(d-ish, s). */
static int str_array(const struct ctx *c, const json_t *v, const char *path,
		     int (*add)(void *obj, const char *s), void *obj)
{
	size_t i;
	json_t *e;

	if (!json_is_array(v))
		return bad_type(c, path, "an array of strings", v);
	json_array_foreach((json_t *)v, i, e)
	{
		char key[256];
		int err;

		snprintf(key, sizeof(key), "%s[%zu]", path, i);
		if (!json_is_string(e))
			return bad_type(c, key, "a string", e);
		err = add(obj, json_string_value(e));
		if (err)
			return err;
	}
	return 0;
}

/* ---- the definition ---- */

static const char *const top_keys[] = {
    "name",   "binary",	  "args",
    "flags",  "sysctls",  "kernel_args",
    "assert", "topology", "attach_timeout_ms",
    NULL,
};
static const char *const flag_keys[] = {"name", "args", "requires", NULL};
static const char *const topo_keys[] = {
    "min_cpus",	 "max_cpus",  "min_llcs",     "max_llcs",
    "min_nodes", "max_nodes", "requires_smt", NULL,
};

static int add_arg(void *obj, const char *s)
{
	return kt_sched_def_add_arg(obj, s);
}

static int add_karg(void *obj, const char *s)
{
	return kt_sched_def_add_karg(obj, s);
}

struct sysctl_add {
	const struct ctx *c;
	struct kt_sched_def *d;
};

static int add_sysctl(void *obj, const char *s)
{
	struct sysctl_add *sa = obj;
	const char *eq = strchr(s, '=');
	char key[256];

	if (!eq || eq == s || (size_t)(eq - s) >= sizeof(key))
		return kt_err(EINVAL,
			      "scheduler %s: sysctl \"%s\" must read "
			      "\"key=value\"",
			      sa->c->origin, s);
	memcpy(key, s, (size_t)(eq - s));
	key[eq - s] = '\0';
	return kt_sched_def_add_sysctl(sa->d, key, eq + 1);
}

/* Collect a NULL-terminated copy list of strings for add_flag. */
struct strlist {
	const char **v;
	size_t nr;
};

static int list_add(void *obj, const char *s)
{
	struct strlist *l = obj;
	const char **nv = realloc(l->v, (l->nr + 2) * sizeof(*nv));

	if (!nv)
		return kt_err(ENOMEM, "out of memory");
	l->v = nv;
	nv[l->nr++] = s;
	nv[l->nr] = NULL;
	return 0;
}

static int parse_flags(const struct ctx *c, const json_t *v,
		       struct kt_sched_def *d)
{
	size_t i;
	json_t *f;

	if (!json_is_array(v))
		return bad_type(c, "flags", "an array of objects", v);
	json_array_foreach((json_t *)v, i, f)
	{
		struct strlist args = {0}, req = {0};
		char path[64], key[96];
		json_t *name, *a, *r;
		int err;

		snprintf(path, sizeof(path), "flags[%zu]", i);
		if (!json_is_object(f))
			return bad_type(c, path, "an object", f);
		err = only_keys(c, f, path, flag_keys);
		if (err)
			return err;
		name = json_object_get(f, "name");
		snprintf(key, sizeof(key), "%s.name", path);
		if (!name)
			return kt_err(EINVAL,
				      "scheduler %s: key \"%s\" is missing",
				      c->origin, key);
		if (!json_is_string(name))
			return bad_type(c, key, "a string", name);
		a = json_object_get(f, "args");
		r = json_object_get(f, "requires");
		snprintf(key, sizeof(key), "%s.args", path);
		if (a)
			err = str_array(c, a, key, list_add, &args);
		snprintf(key, sizeof(key), "%s.requires", path);
		if (!err && r)
			err = str_array(c, r, key, list_add, &req);
		if (!err)
			err = kt_sched_def_add_flag(d, json_string_value(name),
						    args.v, req.v);
		free(args.v);
		free(req.v);
		if (err)
			return err;
	}
	return 0;
}

static int topo_uint(const struct ctx *c, const json_t *t, const char *key,
		     unsigned *out)
{
	json_t *v = json_object_get(t, key);
	char path[64];
	json_int_t n;

	if (!v)
		return 0;
	snprintf(path, sizeof(path), "topology.%s", key);
	if (kt_json_uint(v, 0, 65536, &n) != KT_JSON_UINT_OK)
		return bad_type(c, path, "an integer 0..65536", v);
	*out = (unsigned)n;
	return 0;
}

static int parse_topo(const struct ctx *c, const json_t *t,
		      struct kt_sched_topo_req *r)
{
	json_t *smt;
	int err;

	if (!json_is_object(t))
		return bad_type(c, "topology", "an object", t);
	err = only_keys(c, t, "topology", topo_keys);
	err = err ?: topo_uint(c, t, "min_cpus", &r->min_cpus);
	err = err ?: topo_uint(c, t, "max_cpus", &r->max_cpus);
	err = err ?: topo_uint(c, t, "min_llcs", &r->min_llcs);
	err = err ?: topo_uint(c, t, "max_llcs", &r->max_llcs);
	err = err ?: topo_uint(c, t, "min_nodes", &r->min_nodes);
	err = err ?: topo_uint(c, t, "max_nodes", &r->max_nodes);
	if (err)
		return err;
	smt = json_object_get(t, "requires_smt");
	if (smt && !json_is_boolean(smt))
		return bad_type(c, "topology.requires_smt", "a boolean", smt);
	r->requires_smt = json_is_true(smt);
	return 0;
}

static int set_binary(const struct ctx *c, const char *bin,
		      const char *base_dir, struct kt_sched_def *d)
{
	if (!bin[0])
		return kt_err(EINVAL, "scheduler %s: key \"binary\" is empty",
			      c->origin);
	if (bin[0] == '/' || !base_dir) {
		d->binary = strdup(bin);
	} else if (asprintf(&d->binary, "%s/%s", base_dir, bin) < 0) {
		d->binary = NULL;
	}
	return d->binary ? 0 : kt_err(ENOMEM, "out of memory");
}

static int from_json(const struct ctx *c, const json_t *root,
		     const char *base_dir, struct kt_sched_def *d)
{
	struct sysctl_add sa = {.c = c, .d = d};
	json_t *v;
	int err;

	if (!json_is_object(root))
		return kt_err(EINVAL,
			      "scheduler %s: must be a JSON object, not %s",
			      c->origin, type_name(root));
	err = only_keys(c, root, "", top_keys);
	if (err)
		return err;
	v = json_object_get(root, "name");
	if (!v)
		return kt_err(EINVAL, "scheduler %s: key \"name\" is missing",
			      c->origin);
	if (!json_is_string(v))
		return bad_type(c, "name", "a string", v);
	err = kt_sched_def_init(d, json_string_value(v));
	if (err)
		return err;
	v = json_object_get(root, "binary");
	if (v && !json_is_null(v)) {
		if (!json_is_string(v))
			return bad_type(c, "binary",
					"a string (or null for "
					"EEVDF)",
					v);
		err = set_binary(c, json_string_value(v), base_dir, d);
	}
	if (!err && (v = json_object_get(root, "args")))
		err = str_array(c, v, "args", add_arg, d);
	if (!err && (v = json_object_get(root, "flags")))
		err = parse_flags(c, v, d);
	if (!err && (v = json_object_get(root, "sysctls")))
		err = str_array(c, v, "sysctls", add_sysctl, &sa);
	if (!err && (v = json_object_get(root, "kernel_args")))
		err = str_array(c, v, "kernel_args", add_karg, d);
	if (!err && (v = json_object_get(root, "assert"))) {
		char where[512];

		snprintf(where, sizeof(where), "scheduler %s: assert",
			 c->origin);
		err = kt_assert_from_json(v, where, &d->assert);
	}
	if (!err && (v = json_object_get(root, "topology")))
		err = parse_topo(c, v, &d->topo);
	if (!err && (v = json_object_get(root, "attach_timeout_ms"))) {
		json_int_t n;

		if (kt_json_uint(v, 1, 600000, &n) != KT_JSON_UINT_OK)
			return bad_type(c, "attach_timeout_ms",
					"an integer 1..600000", v);
		d->attach_timeout_ns = KT_MS(n);
	}
	if (err)
		return err;
	err = kt_sched_def_validate(d);
	if (err)
		return kt_err_wrap(EINVAL, "scheduler %s", c->origin);
	return 0;
}

static int finish(json_t *root, const json_error_t *jerr, const char *origin,
		  const char *base_dir, struct kt_sched_def *out)
{
	struct ctx c = {.origin = origin};
	int err;

	if (!root)
		return kt_err(EINVAL, "scheduler %s:%d:%d: %s", origin,
			      jerr->line, jerr->column, jerr->text);
	err = from_json(&c, root, base_dir, out);
	json_decref(root);
	if (err) {
		struct kt_err_saved e;

		kt_err_save(&e);
		kt_sched_def_free(out);
		kt_err_restore(&e);
	}
	return err;
}

int kt_sched_def_parse(const char *text, const char *origin,
		       const char *base_dir, struct kt_sched_def *out)
{
	json_error_t jerr;

	memset(out, 0, sizeof(*out));
	if (!origin)
		origin = "(string)";
	return finish(json_loads(text, JSON_REJECT_DUPLICATES, &jerr), &jerr,
		      origin, base_dir, out);
}

int kt_sched_def_load(const char *path, struct kt_sched_def *out)
{
	json_error_t jerr;
	char *dup, *dir;
	json_t *root;
	FILE *f;
	int err;

	memset(out, 0, sizeof(*out));
	f = fopen(path, "re");
	if (!f)
		return kt_err(errno, "scheduler %s: %s", path, strerror(errno));
	root = json_loadf(f, JSON_REJECT_DUPLICATES, &jerr);
	fclose(f);
	dup = strdup(path);
	if (!dup) {
		json_decref(root);
		return kt_err(ENOMEM, "out of memory");
	}
	dir = dirname(dup);
	err = finish(root, &jerr, path, dir, out);
	free(dup);
	return err;
}

bool kt_sched_file_is_json(const char *path)
{
	size_t len = strlen(path);
	char buf[64];
	ssize_t n;
	int fd;

	if (len > 5 && !strcmp(path + len - 5, ".json"))
		return true;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	for (ssize_t i = 0; i < n; i++) {
		if (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\n' ||
		    buf[i] == '\r')
			continue;
		return buf[i] == '{';
	}
	return false;
}
