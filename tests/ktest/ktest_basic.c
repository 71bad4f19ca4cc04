/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * VM tests of the harness under EEVDF, as KTSTR_TESTs: canned scenarios
 * pass in small topologies, and the guest hands a test a real ctx (its
 * topology read from sysfs, the cgroup manager, the merged assert).
 */
#include <string.h>

#include <ktstr/ktstr.h>
#include <ktstr/test.h>

#include "ktest_check.h"

KTSTR_TEST(steady, .topo = KT_TOPO(1, 1, 2, 1), .duration_s = 2)
{
	return kt_scenario_steady(ctx, res);
}

KTSTR_TEST(mixed_workloads, .topo = KT_TOPO(1, 1, 2, 1), .duration_s = 2)
{
	return kt_scenario_mixed_workloads(ctx, res);
}

/* 2 LLCs of one core: the ctx must say so, and the assert must be the
 * defaults with this test's layer on top. */
KTSTR_TEST(guest_ctx, .topo = KT_TOPO(1, 2, 1, 1), .duration_s = 1,
	   .workers = 1, .assert = {.max_gap_ns = KT_SET(KT_MS(1500))})
{
	KTEST_CHECK(res, ctx->topo && ctx->topo->nr_cpus == 2);
	KTEST_CHECK(res, ctx->topo && ctx->topo->nr_llcs == 2);
	KTEST_CHECK(res, ctx->workers_per_cgroup == 1);
	KTEST_CHECK(res, ctx->duration > 0);
	KTEST_CHECK(res,
		    ctx->assert.not_starved.set && ctx->assert.not_starved.val);
	KTEST_CHECK(res, ctx->assert.max_gap_ns.set &&
			     ctx->assert.max_gap_ns.val == KT_MS(1500));
	KTEST_CHECK(res, ctx->assert.max_spread_pct.set &&
			     ctx->assert.max_spread_pct.val ==
				 KT_DEFAULT_MAX_SPREAD_PCT);
	KTEST_CHECK(res, !strcmp(ctx->cgroups->parent(ctx->cgroups),
				 "/sys/fs/cgroup/ktstr"));
	if (res->verdict != KT_VERDICT_PASS)
		return 0;
	return kt_scenario_steady_llc(ctx, res);
}
