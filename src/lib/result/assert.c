/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kt_assert layers: the default checks, the last-set-wins merge of two
 * layers, and whether a layer enables any check that reads worker reports.
 */
#include <ktstr/check.h>

struct kt_assert kt_assert_default_checks(void)
{
	struct kt_assert a = {
	    .not_starved = KT_SET(true),
	    .isolation = KT_SET(true),
	    .max_spread_pct = KT_SET(KT_DEFAULT_MAX_SPREAD_PCT),
	    .max_gap_ns = KT_SET(KT_DEFAULT_MAX_GAP_NS),
	};

	return a;
}

#define KT_MERGE_FIELD(out, over, f)                                           \
	do {                                                                   \
		if ((over)->f.set)                                             \
			(out).f = (over)->f;                                   \
	} while (0)

struct kt_assert kt_assert_merge(const struct kt_assert *base,
				 const struct kt_assert *over)
{
	struct kt_assert out = *base;

	KT_MERGE_FIELD(out, over, not_starved);
	KT_MERGE_FIELD(out, over, isolation);
	KT_MERGE_FIELD(out, over, max_spread_pct);
	KT_MERGE_FIELD(out, over, max_gap_ns);
	KT_MERGE_FIELD(out, over, max_throughput_cv);
	KT_MERGE_FIELD(out, over, min_work_rate);
	KT_MERGE_FIELD(out, over, max_p99_wake_latency_ns);
	KT_MERGE_FIELD(out, over, max_migration_ratio);
	return out;
}

/*
 * max_spread_pct and max_gap_ns are limits of checks that not_starved
 * switches on, so on their own they enable nothing. Counting them would
 * make every layer merged over the defaults "have worker checks", because
 * a later layer can switch a check off but cannot unset a field.
 */
bool kt_assert_has_worker_checks(const struct kt_assert *a)
{
	return (a->not_starved.set && a->not_starved.val) ||
	       (a->isolation.set && a->isolation.val) ||
	       a->max_throughput_cv.set || a->min_work_rate.set ||
	       a->max_p99_wake_latency_ns.set || a->max_migration_ratio.set;
}
