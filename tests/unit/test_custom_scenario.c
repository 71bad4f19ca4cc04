/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The seed's custom-scenario API, exercised for real on this host with the
 * no-op cgroup double (workers are real forked processes; only the cgroup
 * writes are skipped): the README's example compiles and runs, a worker
 * held off the CPU for the whole run is reported starved, and a run with
 * no worker checks stays a pass.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <ktstr/ktstr.h>

/* The example from the README, as a test author writes it. */
static int my_custom_scenario(const struct kt_ctx *ctx, struct kt_result *res)
{
	struct kt_workload_config wl = kt_dfl_wl(ctx);
	_cleanup_(kt_cgroup_group_freep) struct kt_cgroup_group *guard = NULL;
	_cleanup_(kt_handles_freep) struct kt_handles *h = NULL;
	int err = kt_setup_cgroups(ctx, 2, &wl, &h, &guard);

	if (err)
		return err;
	/* custom logic: resize cpusets, move workers, ... */
	kt_sleep(ctx->duration);
	return kt_collect_all(h, &ctx->assert, res);
}

/* A custom scenario that freezes cg_1's first worker for the whole run. */
static int frozen_worker_scenario(const struct kt_ctx *ctx,
				  struct kt_result *res)
{
	struct kt_workload_config wl = kt_dfl_wl(ctx);
	_cleanup_(kt_cgroup_group_freep) struct kt_cgroup_group *guard = NULL;
	_cleanup_(kt_handles_freep) struct kt_handles *h = NULL;
	struct kt_workload *w;
	int err;

	err = kt_cgroup_group_new(ctx->cgroups, &guard);
	if (!err)
		err = kt_cgroup_group_add(guard, "cg_0");
	if (err)
		return err;
	err = kt_workload_spawn(&wl, &w);
	if (err)
		return err;
	/* Stopped before the gate opens: it never does a unit of work. */
	kill(kt_workload_pid(w, 0), SIGSTOP);
	kt_workload_start(w);
	h = calloc(1, sizeof(*h));
	h->h = calloc(1, sizeof(*h->h));
	h->nr = 1;
	h->h[0].cgroup = strdup("cg_0");
	h->h[0].wl = w;
	kt_sleep(ctx->duration);
	return kt_collect_all(h, &ctx->assert, res);
}

struct fixture {
	struct kt_cgroup_ops *noop;
	struct kt_topo *topo;
	struct kt_ctx ctx;
};

static int setup(void **state)
{
	static struct fixture f;
	struct kt_assert test_layer = {
	    /* The machine is shared and loaded: judge starvation and
	     * gaps, but not fairness, in these host-side tests. */
	    .max_spread_pct = KT_SET(100.0),
	};
	struct kt_assert defaults = kt_assert_default_checks();

	memset(&f, 0, sizeof(f));
	if (kt_cgroup_noop_new(&f.noop) || kt_topo_from_sysfs("/", &f.topo))
		return -1;
	f.ctx = (struct kt_ctx){
	    .cgroups = f.noop,
	    .topo = f.topo,
	    .duration = KT_MS(400),
	    .workers_per_cgroup = 2,
	    .settle = 0,
	    .assert = kt_assert_merge(&defaults, &test_layer),
	};
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	kt_cgroup_ops_free(f->noop);
	kt_topo_free(f->topo);
	return 0;
}

static void test_example_runs_and_measures(void **state)
{
	struct fixture *f = *state;
	struct kt_result res;

	kt_result_init(&res);
	assert_int_equal(my_custom_scenario(&f->ctx, &res), 0);
	/* Both cgroups were judged and their workers did work. */
	assert_int_equal(res.nr_stats, 2);
	for (size_t i = 0; i < res.nr_stats; i++) {
		assert_int_equal(res.stats[i].workers, 2);
		assert_true(res.stats[i].total_work_units > 0);
	}
	assert_string_equal(res.stats[0].cgroup, "cg_0");
	assert_string_equal(res.stats[1].cgroup, "cg_1");
	for (size_t i = 0; i < res.nr_details; i++)
		assert_int_not_equal(res.details[i].kind, KT_DETAIL_STARVED);
	kt_result_free(&res);
}

static void test_frozen_worker_is_starved(void **state)
{
	struct fixture *f = *state;
	struct kt_result res;
	bool starved = false;

	kt_result_init(&res);
	assert_int_equal(frozen_worker_scenario(&f->ctx, &res), 0);
	assert_int_equal(res.verdict, KT_VERDICT_FAIL);
	for (size_t i = 0; i < res.nr_details; i++)
		if (res.details[i].kind == KT_DETAIL_STARVED &&
		    strstr(res.details[i].msg, "starved (0 work units)"))
			starved = true;
	assert_true(starved);
	kt_result_free(&res);
}

static void test_no_worker_checks_stays_pass(void **state)
{
	struct fixture *f = *state;
	struct kt_ctx ctx = f->ctx;
	struct kt_result res;

	ctx.assert = (struct kt_assert){
	    .not_starved = KT_SET(false),
	    .isolation = KT_SET(false),
	};
	assert_false(kt_assert_has_worker_checks(&ctx.assert));
	kt_result_init(&res);
	assert_int_equal(frozen_worker_scenario(&ctx, &res), 0);
	assert_int_equal(res.verdict, KT_VERDICT_PASS);
	assert_int_equal(res.nr_stats, 0);
	kt_result_free(&res);
}

static void test_canned_steady_with_noop_cgroups(void **state)
{
	struct fixture *f = *state;
	struct kt_result res;

	kt_result_init(&res);
	assert_int_equal(kt_run_scenario(kt_catalog_find("steady"), &f->ctx,
					 "host", "eevdf", &res),
			 0);
	assert_string_equal(res.scenario, "steady");
	assert_int_equal(res.nr_stats, 2);
	assert_true(res.duration_ns >= KT_MS(400));
	assert_int_not_equal(res.verdict, KT_VERDICT_INFRA);
	kt_result_free(&res);
}

static void test_work_type_override_respects_groups(void **state)
{
	struct fixture *f = *state;
	struct kt_work_type pipe = KT_WORK(KT_WORK_PIPE_IO);
	struct kt_ctx ctx = f->ctx;
	struct kt_workload_config wl;

	ctx.work_type_override = &pipe;
	ctx.workers_per_cgroup = 2;
	wl = kt_dfl_wl(&ctx);
	assert_int_equal(wl.work.kind, KT_WORK_PIPE_IO);
	assert_int_equal(wl.num_workers, 2);
	/* 3 workers cannot form PipeIo pairs: SpinWait stays. */
	ctx.workers_per_cgroup = 3;
	wl = kt_dfl_wl(&ctx);
	assert_int_equal(wl.work.kind, KT_WORK_SPIN_WAIT);
	assert_int_equal(wl.num_workers, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_example_runs_and_measures),
	    cmocka_unit_test(test_frozen_worker_is_starved),
	    cmocka_unit_test(test_no_worker_checks_stays_pass),
	    cmocka_unit_test(test_canned_steady_with_noop_cgroups),
	    cmocka_unit_test(test_work_type_override_respects_groups),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
