/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shared pieces of the strict JSON readers (scheduler definitions, scenario
 * files, the guest's run plan): the article-and-noun name of a value's
 * type, the "key K must be T, not U" error, the unknown-key check with its
 * list of allowed keys, and the range check of a non-negative integer.
 * Each reader keeps its own message prefixes; these only share the logic.
 */
#ifndef KTSTR_JSON_GET_H
#define KTSTR_JSON_GET_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/* "an object", "an array", "a string", "an integer", "a real number",
 * "a boolean", "null". */
const char *kt_json_type_name(const json_t *v);

/*
 * kt_err(EINVAL, "KIND ORIGIN: key \"KEY\" must be WANT, not GOT"); with
 * kind NULL the prefix is just "ORIGIN".
 */
int kt_json_bad_type(const char *kind, const char *origin, const char *key,
		     const char *want, const char *got);

/*
 * The first key of obj not in allowed (NULL-terminated), or NULL when all
 * are allowed. On a hit, list (len bytes) holds the allowed keys as
 * "a, b, c", truncated to fit.
 */
const char *kt_json_unknown_key(const json_t *obj, const char *const *allowed,
				char *list, size_t len);

enum kt_json_uint_res {
	KT_JSON_UINT_OK,
	KT_JSON_UINT_NOT_INT,	   /* v is not a JSON integer */
	KT_JSON_UINT_OUT_OF_RANGE, /* an integer outside lo..hi; *n holds it */
};

/*
 * Check that v is an integer in lo..hi (negative integers are out of
 * range). *n receives the integer whenever v is one.
 */
enum kt_json_uint_res kt_json_uint(const json_t *v, uint64_t lo, uint64_t hi,
				   json_int_t *n);

#endif
