/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The JSON form of a kt_assert layer as scheduler definitions and the
 * guest's run plan carry it: the writer, and the reader with its messages
 * ("WHERE: key \"K\" must be a number in 0..100, not 150"). Keys, kinds,
 * scales and ranges come from the field table (assert_fields.c), the same
 * rows the scenario-file reader checks against.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>

#include <ktstr/result.h>

#include "assert_fields.h"
#include "core/json_get.h"

/* Reals read "a number" in this reader's messages. */
static const char *type_name(const json_t *v)
{
	return json_is_real(v) ? "a number" : kt_json_type_name(v);
}

/* "a number in 0..100" / "an integer in 1..86400000" (the row's range) */
static void want_range(const struct kt_assert_field *f, char *buf, size_t sz)
{
	if (f->kind == KT_ASSERT_F64)
		snprintf(buf, sz, "a number in %g..%g", f->lo, f->hi);
	else
		snprintf(buf, sz, "an integer in %llu..%llu",
			 (unsigned long long)f->ulo,
			 (unsigned long long)f->uhi);
}

/* What v is, for the message: its type, or the number itself. */
static void got_text(const json_t *v, char *buf, size_t sz)
{
	if (json_is_integer(v))
		snprintf(buf, sz, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		snprintf(buf, sz, "%g", json_real_value(v));
	else
		snprintf(buf, sz, "%s", type_name(v));
}

static int get_value(void *ctx, const json_t *obj,
		     const struct kt_assert_field *f,
		     union kt_assert_value *out, bool *present)
{
	const char *where = ctx;
	json_t *v = json_object_get(obj, f->key);
	char want[64], got[64];
	bool good = true;
	json_int_t n = 0;

	*present = v != NULL;
	if (!v)
		return 0;
	switch (f->kind) {
	case KT_ASSERT_BOOL:
		if (!json_is_boolean(v))
			return kt_json_bad_type(NULL, where, f->key,
						"a boolean", type_name(v));
		out->b = json_is_true(v);
		return 0;
	case KT_ASSERT_F64:
		out->f = json_number_value(v);
		good = json_is_number(v) && isfinite(out->f) &&
		       out->f >= f->lo && out->f <= f->hi;
		break;
	case KT_ASSERT_U64:
		good = kt_json_uint(v, f->ulo, f->uhi, &n) == KT_JSON_UINT_OK;
		out->u = (uint64_t)n;
		break;
	}
	if (good)
		return 0;
	want_range(f, want, sizeof(want));
	got_text(v, got, sizeof(got));
	return kt_json_bad_type(NULL, where, f->key, want, got);
}

int kt_assert_from_json(const json_t *j, const char *where,
			struct kt_assert *out)
{
	char list[512];
	const char *key;

	if (!json_is_object(j))
		return kt_err(EINVAL, "%s: must be an object, not %s", where,
			      type_name(j));
	key = kt_json_unknown_key(j, kt_assert_keys, list, sizeof(list));
	if (key)
		return kt_err(EINVAL, "%s: unknown key \"%s\" (known keys: %s)",
			      where, key, list);
	return kt_assert_read(j, get_value, (void *)where, out);
}

static json_t *value_json(const struct kt_assert_field *f,
			  union kt_assert_value v)
{
	switch (f->kind) {
	case KT_ASSERT_BOOL:
		return json_boolean(v.b);
	case KT_ASSERT_F64:
		return json_real(v.f);
	case KT_ASSERT_U64:
		return json_integer((json_int_t)v.u);
	}
	return NULL;
}

json_t *kt_assert_to_json(const struct kt_assert *a)
{
	json_t *j = json_object();

	for (size_t i = 0; j && i < KT_ASSERT_NR_FIELDS; i++) {
		const struct kt_assert_field *f = &kt_assert_fields[i];

		if (kt_assert_field_is_set(a, f))
			json_object_set_new(
			    j, f->key,
			    value_json(f, kt_assert_field_get(a, f)));
	}
	return j;
}
