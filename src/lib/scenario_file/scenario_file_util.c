/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Scenario-file parser plumbing: the pool that owns the loaded object's
 * strings and arrays, errors positioned at a key or a value, and typed
 * getters that name the key path in every message (the checks themselves
 * are json_get.c's, shared with the other JSON readers).
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_file_priv.h"

struct kt_sf_pool {
	size_t nr;
	size_t cap;
	void **p;
};

static int pool_add(struct kt_scenario_file *sf, void *ptr)
{
	struct kt_sf_pool *pl = sf->pool;

	if (!pl) {
		pl = calloc(1, sizeof(*pl));
		if (!pl)
			return -ENOMEM;
		sf->pool = pl;
	}
	if (pl->nr == pl->cap) {
		size_t cap = pl->cap ? pl->cap * 2 : 32;
		void **n = realloc(pl->p, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		pl->p = n;
		pl->cap = cap;
	}
	pl->p[pl->nr++] = ptr;
	return 0;
}

void *sf_alloc(struct kt_scenario_file *sf, size_t size)
{
	void *p = calloc(1, size ? size : 1);

	if (p && pool_add(sf, p)) {
		free(p);
		p = NULL;
	}
	if (!p)
		kt_err(ENOMEM, "scenario file: out of memory");
	return p;
}

char *sf_strdup(struct kt_scenario_file *sf, const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = sf_alloc(sf, n);

	if (d)
		memcpy(d, s, n);
	return d;
}

void kt_scenario_file_free(struct kt_scenario_file *sf)
{
	if (!sf)
		return;
	if (sf->pool) {
		for (size_t i = 0; i < sf->pool->nr; i++)
			free(sf->pool->p[i]);
		free(sf->pool->p);
		free(sf->pool);
	}
	free(sf->path);
	free(sf);
}

void kt_scenario_file_freep(struct kt_scenario_file **sf)
{
	kt_scenario_file_free(*sf);
	*sf = NULL;
}

/* ---- errors ---- */

static int emit(const struct sf_parse *p, bool have, struct kt_json_pos pos,
		const char *path, const char *fmt, va_list ap)
{
	char msg[1024];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (!have)
		return kt_err(EINVAL, "%s: %s: %s", p->origin,
			      *path ? path : "top level", msg);
	return kt_err(EINVAL, "%s:%d:%d: %s: %s", p->origin, pos.line, pos.col,
		      *path ? path : "top level", msg);
}

int sf_err_val(const struct sf_parse *p, const char *path, const char *fmt, ...)
{
	struct kt_json_pos pos = {0};
	bool have = kt_json_pos_value(p->pm, path, &pos);
	va_list ap;
	int err;

	va_start(ap, fmt);
	err = emit(p, have, pos, path, fmt, ap);
	va_end(ap);
	return err;
}

int sf_err_key(const struct sf_parse *p, const char *path, const char *key,
	       const char *fmt, ...)
{
	char child[SF_PATH_MAX];
	struct kt_json_pos pos = {0};
	bool have;
	va_list ap;
	int err;

	kt_json_path_key(child, sizeof(child), path, key);
	have = kt_json_pos_key(p->pm, child, &pos) ||
	       kt_json_pos_value(p->pm, path, &pos);
	va_start(ap, fmt);
	err = emit(p, have, pos, path, fmt, ap);
	va_end(ap);
	return err;
}

/* ---- getters ---- */

int sf_check_keys(const struct sf_parse *p, const json_t *obj, const char *path,
		  const char *const *allowed, const char *what)
{
	char list[1024]; /* the assert keys alone take over 600 */
	const char *key = kt_json_unknown_key(obj, allowed, list, sizeof(list));

	if (!key)
		return 0;
	return sf_err_key(p, path, key,
			  "unknown key \"%s\"%s%s (expected one of %s)", key,
			  what ? " for " : "", what ? what : "", list);
}

int sf_want_object(const struct sf_parse *p, const json_t *v, const char *path,
		   const char *what)
{
	if (json_is_object(v))
		return 0;
	return sf_err_val(p, path, "must be an object (%s), not %s", what,
			  kt_json_type_name(v));
}

static json_t *member(const json_t *obj, const char *path, const char *key,
		      char *child, size_t len)
{
	kt_json_path_key(child, len, path, key);
	return json_object_get(obj, key);
}

int sf_get_uint(const struct sf_parse *p, const json_t *obj, const char *path,
		const char *key, uint64_t lo, uint64_t hi, uint64_t *out,
		bool *present)
{
	char child[SF_PATH_MAX];
	json_t *v = member(obj, path, key, child, sizeof(child));
	json_int_t n;

	if (present)
		*present = v != NULL;
	if (!v)
		return 0;
	switch (kt_json_uint(v, lo, hi, &n)) {
	case KT_JSON_UINT_NOT_INT:
		return sf_err_val(p, child,
				  "must be an integer in %llu..%llu, not %s",
				  (unsigned long long)lo,
				  (unsigned long long)hi, kt_json_type_name(v));
	case KT_JSON_UINT_OUT_OF_RANGE:
		return sf_err_val(p, child, "%lld is out of range %llu..%llu",
				  (long long)n, (unsigned long long)lo,
				  (unsigned long long)hi);
	case KT_JSON_UINT_OK:
		break;
	}
	*out = (uint64_t)n;
	return 0;
}

int sf_get_num(const struct sf_parse *p, const json_t *obj, const char *path,
	       const char *key, double lo, bool lo_open, double hi, double *out,
	       bool *present)
{
	char child[SF_PATH_MAX];
	json_t *v = member(obj, path, key, child, sizeof(child));
	double d;

	if (present)
		*present = v != NULL;
	if (!v)
		return 0;
	if (!json_is_number(v))
		return sf_err_val(p, child, "must be a number, not %s",
				  kt_json_type_name(v));
	d = json_number_value(v);
	if (lo_open && lo == 0.0 && d <= 0.0)
		return sf_err_val(p, child, "must be greater than 0, not %g",
				  d);
	if (!isfinite(d) || d < lo || (lo_open && d == lo) || d > hi)
		return sf_err_val(p, child, "%g is out of range %s%g, %g]", d,
				  lo_open ? "(" : "[", lo, hi);
	*out = d;
	return 0;
}

int sf_get_bool(const struct sf_parse *p, const json_t *obj, const char *path,
		const char *key, bool *out, bool *present)
{
	char child[SF_PATH_MAX];
	json_t *v = member(obj, path, key, child, sizeof(child));

	if (present)
		*present = v != NULL;
	if (!v)
		return 0;
	if (!json_is_boolean(v))
		return sf_err_val(p, child, "must be true or false, not %s",
				  kt_json_type_name(v));
	*out = json_is_true(v);
	return 0;
}

int sf_get_str(const struct sf_parse *p, const json_t *obj, const char *path,
	       const char *key, bool required, const char **out)
{
	char child[SF_PATH_MAX];
	json_t *v = member(obj, path, key, child, sizeof(child));

	if (!v && required)
		return sf_err_val(p, path, "\"%s\" is missing", key);
	if (!v)
		return 0;
	if (!json_is_string(v))
		return sf_err_val(p, child, "must be a string, not %s",
				  kt_json_type_name(v));
	*out = sf_strdup(p->sf, json_string_value(v));
	return *out ? 0 : -ENOMEM;
}

bool sf_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > 64 || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '-' ||
		      *s == '.'))
			return false;
	return true;
}
