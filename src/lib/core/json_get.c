/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The logic the strict JSON readers share (json_get.h): type names, the
 * wrong-type error, unknown keys, non-negative integer ranges.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <ktstr/common.h>

#include "json_get.h"

const char *kt_json_type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
		return "an integer";
	case JSON_REAL:
		return "a real number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	case JSON_NULL:
		return "null";
	}
	return "?";
}

int kt_json_bad_type(const char *kind, const char *origin, const char *key,
		     const char *want, const char *got)
{
	return kt_err(EINVAL, "%s%s%s: key \"%s\" must be %s, not %s",
		      kind ? kind : "", kind ? " " : "", origin, key, want,
		      got);
}

const char *kt_json_unknown_key(const json_t *obj, const char *const *allowed,
				char *list, size_t len)
{
	const char *key;
	json_t *v;

	json_object_foreach((json_t *)obj, key, v)
	{
		size_t off = 0;
		bool ok = false;

		for (size_t i = 0; allowed[i] && !ok; i++)
			ok = !strcmp(key, allowed[i]);
		if (ok)
			continue;
		if (len)
			list[0] = '\0';
		for (size_t i = 0; allowed[i] && off < len; i++) {
			int n = snprintf(list + off, len - off, "%s%s",
					 i ? ", " : "", allowed[i]);

			if (n < 0)
				break;
			off += (size_t)n;
		}
		return key;
	}
	return NULL;
}

enum kt_json_uint_res kt_json_uint(const json_t *v, uint64_t lo, uint64_t hi,
				   json_int_t *n)
{
	if (!json_is_integer(v))
		return KT_JSON_UINT_NOT_INT;
	*n = json_integer_value(v);
	if (*n < 0 || (uint64_t)*n < lo || (uint64_t)*n > hi)
		return KT_JSON_UINT_OUT_OF_RANGE;
	return KT_JSON_UINT_OK;
}
