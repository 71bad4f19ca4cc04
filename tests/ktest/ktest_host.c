/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * host_only tests: they run in the runner's own kernel, never in a VM,
 * with the real cgroup manager where cgroup v2 offers cpu+cpuset and the
 * no-op double elsewhere.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <ktstr/ktstr.h>
#include <ktstr/test.h>

#include "ktest_check.h"

/* The ctx a host test gets, then one short worker. */
KTSTR_TEST(host_ctx, .host_only = true, .duration_s = 1, .workers = 1,
	   .assert = {.max_gap_ns = KT_SET(KT_MS(1800))})
{
	struct kt_workload_config wl = kt_dfl_wl(ctx);
	_cleanup_(kt_cgroup_group_freep) struct kt_cgroup_group *guard = NULL;
	_cleanup_(kt_handles_freep) struct kt_handles *h = NULL;
	int err;

	KTEST_CHECK(res, ctx->topo && ctx->topo->nr_cpus >= 1);
	KTEST_CHECK(res, ctx->cgroups && ctx->cgroups->parent(ctx->cgroups));
	KTEST_CHECK(res, ctx->workers_per_cgroup == 1);
	KTEST_CHECK(res, ctx->assert.not_starved.set);
	KTEST_CHECK(res, ctx->assert.max_gap_ns.val == KT_MS(1800));
	KTEST_CHECK(res, ctx->sched_pid == 0);
	err = kt_setup_cgroups(ctx, 1, &wl, &h, &guard);
	if (err)
		return err;
	kt_sleep(KT_MS(300));
	return kt_collect_all(h, &ctx->assert, res);
}

/* The verdict v names (pass, fail, sched, skip, error), into res. */
static int probe(const char *v, struct kt_result *res)
{
	if (!strcmp(v, "pass"))
		return 0;
	if (!strcmp(v, "fail"))
		return kt_result_add(res, KT_DETAIL_UNFAIR,
				     "probe: unfair <cg_0> & \"cg_1\"");
	if (!strcmp(v, "sched"))
		return kt_result_add(res, KT_DETAIL_SCHEDULER,
				     "probe: scheduler ejected");
	if (!strcmp(v, "skip"))
		return kt_result_skip(res, "probe: skipped on request");
	return kt_err(EIO, "probe: error on request");
}

/*
 * The verdict named by $KTSTR_SELFTEST_VERDICT (default pass): lets
 * tests/vm/run-ktest-tests.sh drive the runner's report paths without
 * booting anything.
 */
KTSTR_TEST(host_verdict_probe, .host_only = true)
{
	const char *v = getenv("KTSTR_SELFTEST_VERDICT");

	(void)ctx;
	return probe(v ? v : "pass", res);
}

/* The same with .expect_err (default fail): pass must turn into a
 * failure, error (INFRA) must stay one. */
KTSTR_TEST(host_expect_err_probe, .host_only = true, .expect_err = true)
{
	const char *v = getenv("KTSTR_SELFTEST_VERDICT");

	(void)ctx;
	return probe(v ? v : "fail", res);
}
