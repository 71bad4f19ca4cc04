/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kt_assert fields as data: one descriptor per row of KT_ASSERT_FIELDS
 * (check.h), reading and writing a field through its descriptor, and the
 * walk every JSON reader of an assert layer shares. Each reader checks a
 * value its own way (and words its own messages); the walk stores it.
 */
#ifndef KTSTR_RESULT_ASSERT_FIELDS_H
#define KTSTR_RESULT_ASSERT_FIELDS_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include <ktstr/check.h>

enum kt_assert_kind {
	KT_ASSERT_BOOL,
	KT_ASSERT_F64,
	KT_ASSERT_U64,
};

enum kt_assert_role {
	KT_ASSERT_SWITCH, /* a bool that switches its checks on */
	KT_ASSERT_LIMIT,  /* a limit of not_starved's checks, enables nothing */
	KT_ASSERT_CHECK,  /* setting it enables its check of the workers */
	KT_ASSERT_RUN,	  /* setting it enables a check of the whole run */
};

struct kt_assert_field {
	const char *member; /* "max_gap_ns" */
	const char *key;    /* "max_gap_ms" */
	enum kt_assert_kind kind;
	enum kt_assert_role role;
	size_t off;	   /* offsetof(struct kt_assert, member) */
	uint64_t scale;	   /* U64: C value = JSON integer * scale */
	double lo, hi;	   /* F64: the range a scenario file accepts */
	uint64_t ulo, uhi; /* U64: the same, in JSON units */
};

#define KT_ASSERT_COUNT_ONE(...) +1
enum { KT_ASSERT_NR_FIELDS = 0 KT_ASSERT_FIELDS(KT_ASSERT_COUNT_ONE) };

/* In the order of KT_ASSERT_FIELDS. */
extern const struct kt_assert_field kt_assert_fields[KT_ASSERT_NR_FIELDS];
/* Their JSON keys, NULL-terminated (for the unknown-key checks). */
extern const char *const kt_assert_keys[KT_ASSERT_NR_FIELDS + 1];

/* One field's value in JSON units: .b (BOOL), .f (F64), .u (U64). */
union kt_assert_value {
	bool b;
	double f;
	uint64_t u;
};

bool kt_assert_field_is_set(const struct kt_assert *a,
			    const struct kt_assert_field *f);
/* The value of a set field, in JSON units (U64: divided by scale). */
union kt_assert_value kt_assert_field_get(const struct kt_assert *a,
					  const struct kt_assert_field *f);
/* Set the field to v, given in JSON units (U64: multiplied by scale). */
void kt_assert_field_set(struct kt_assert *a, const struct kt_assert_field *f,
			 union kt_assert_value v);

/*
 * A reader's check of one field of obj: 0 with *present false when the
 * key is absent, 0 with *present true and *out set when the value is
 * good, a negative errno (message set) when it is not.
 */
typedef int (*kt_assert_get_fn)(void *ctx, const json_t *obj,
				const struct kt_assert_field *f,
				union kt_assert_value *out, bool *present);

/*
 * Read the layer in obj field by field with get, in table order. *out is
 * written only when every field is good. The caller has checked that obj
 * is an object with no unknown key.
 */
int kt_assert_read(const json_t *obj, kt_assert_get_fn get, void *ctx,
		   struct kt_assert *out);

#endif
