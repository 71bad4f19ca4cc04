/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The descriptor of each kt_assert field, made from KT_ASSERT_FIELDS, and
 * access to a field through it: set?, get and set in JSON units, and the
 * field-by-field walk the JSON readers share.
 */
#include "assert_fields.h"

#define FIELD(m, kind_, key_, scale_, lo_, hi_, role_, def)                    \
	{                                                                      \
	    .member = #m,                                                      \
	    .key = key_,                                                       \
	    .kind = KT_ASSERT_##kind_,                                         \
	    .role = KT_ASSERT_##role_,                                         \
	    .off = offsetof(struct kt_assert, m),                              \
	    .scale = scale_,                                                   \
	    .lo = lo_,                                                         \
	    .hi = hi_,                                                         \
	    .ulo = (uint64_t)(lo_),                                            \
	    .uhi = (uint64_t)(hi_),                                            \
	},
const struct kt_assert_field kt_assert_fields[KT_ASSERT_NR_FIELDS] = {
    KT_ASSERT_FIELDS(FIELD)};
#undef FIELD

#define KEY(m, kind, key, ...) key,
const char *const kt_assert_keys[KT_ASSERT_NR_FIELDS + 1] = {
    KT_ASSERT_FIELDS(KEY) NULL};
#undef KEY

/* A field's opt struct, typed by its kind. */
#define OPT(type, a, f)	 ((type *)((char *)(a) + (f)->off))
#define COPT(type, a, f) ((const type *)((const char *)(a) + (f)->off))

bool kt_assert_field_is_set(const struct kt_assert *a,
			    const struct kt_assert_field *f)
{
	switch (f->kind) {
	case KT_ASSERT_BOOL:
		return COPT(struct kt_opt_bool, a, f)->set;
	case KT_ASSERT_F64:
		return COPT(struct kt_opt_f64, a, f)->set;
	case KT_ASSERT_U64:
		return COPT(struct kt_opt_u64, a, f)->set;
	}
	return false;
}

union kt_assert_value kt_assert_field_get(const struct kt_assert *a,
					  const struct kt_assert_field *f)
{
	union kt_assert_value v = {0};

	switch (f->kind) {
	case KT_ASSERT_BOOL:
		v.b = COPT(struct kt_opt_bool, a, f)->val;
		break;
	case KT_ASSERT_F64:
		v.f = COPT(struct kt_opt_f64, a, f)->val;
		break;
	case KT_ASSERT_U64:
		v.u = COPT(struct kt_opt_u64, a, f)->val / f->scale;
		break;
	}
	return v;
}

void kt_assert_field_set(struct kt_assert *a, const struct kt_assert_field *f,
			 union kt_assert_value v)
{
	switch (f->kind) {
	case KT_ASSERT_BOOL:
		*OPT(struct kt_opt_bool, a, f) =
		    (struct kt_opt_bool)KT_SET(v.b);
		break;
	case KT_ASSERT_F64:
		*OPT(struct kt_opt_f64, a, f) = (struct kt_opt_f64)KT_SET(v.f);
		break;
	case KT_ASSERT_U64:
		*OPT(struct kt_opt_u64, a, f) =
		    (struct kt_opt_u64)KT_SET(v.u * f->scale);
		break;
	}
}

int kt_assert_read(const json_t *obj, kt_assert_get_fn get, void *ctx,
		   struct kt_assert *out)
{
	struct kt_assert a = {0};

	for (size_t i = 0; i < KT_ASSERT_NR_FIELDS; i++) {
		const struct kt_assert_field *f = &kt_assert_fields[i];
		union kt_assert_value v = {0};
		bool present = false;
		int err = get(ctx, obj, f, &v, &present);

		if (err)
			return err;
		if (present)
			kt_assert_field_set(&a, f, v);
	}
	*out = a;
	return 0;
}
