/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kt_assert layers: the default checks, the last-set-wins merge of two
 * layers, and whether a layer enables any check that reads worker reports.
 * All three come from the one list of fields, KT_ASSERT_FIELDS (check.h).
 */
#include <ktstr/check.h>

#include "assert_fields.h"

struct kt_assert kt_assert_default_checks(void)
{
#define DEFAULT(m, kind, key, scale, lo, hi, role, def) .m = def,
	struct kt_assert a = {KT_ASSERT_FIELDS(DEFAULT)};
#undef DEFAULT

	return a;
}

struct kt_assert kt_assert_merge(const struct kt_assert *base,
				 const struct kt_assert *over)
{
	struct kt_assert out = *base;

#define MERGE(m, ...)                                                          \
	if (over->m.set)                                                       \
		out.m = over->m;
	KT_ASSERT_FIELDS(MERGE)
#undef MERGE
	return out;
}

/*
 * A LIMIT field (max_spread_pct, max_gap_ns) bounds a check that
 * not_starved switches on, so on its own it enables nothing. Counting them
 * would make every layer merged over the defaults "have worker checks",
 * because a later layer can switch a check off but cannot unset a field.
 */
bool kt_assert_has_worker_checks(const struct kt_assert *a)
{
	for (size_t i = 0; i < KT_ASSERT_NR_FIELDS; i++) {
		const struct kt_assert_field *f = &kt_assert_fields[i];

		if (!kt_assert_field_is_set(a, f))
			continue;
		if (f->role == KT_ASSERT_CHECK)
			return true;
		if (f->role == KT_ASSERT_SWITCH && kt_assert_field_get(a, f).b)
			return true;
	}
	return false;
}
