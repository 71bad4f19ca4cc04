/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kt_test_run_here: one registered test in the running kernel (the
 * guest's test mode, or a host_only test on the host). Owns the test's
 * ctx: topology from sysfs, the cgroup manager (or the no-op double) from
 * setup to removal, the merged assert and the step counter.
 */
#include <errno.h>
#include <stdio.h>

#include <ktstr/runner.h>
#include <ktstr/test.h>

static int setup_failed(struct kt_result *res, int err, const char *what)
{
	kt_result_add(res, KT_DETAIL_INFRA, "%s: %s", what, kt_last_error());
	return err;
}

/* The body, with the test's map writes applied around it. */
static int run_body(const struct kt_test *t, const struct kt_scenario *s,
		    struct kt_ctx *ctx, const char *topo, const char *sched,
		    struct kt_result *res)
{
	struct kt_map_writes_run *mw = NULL;
	int err;

	ctx->wait_for_map_write = t->wait_for_map_write;
	if (kt_map_writes_begin(ctx, t->map_writes, t->wait_for_map_write, res,
				&mw)) {
		kt_result_add(res, KT_DETAIL_INFRA, "%s", kt_last_error());
		return 0;
	}
	kt_harness_begin(stderr);
	err = kt_run_scenario(s, ctx, topo, sched, res);
	kt_harness_end();
	kt_map_writes_end(mw, res);
	return err;
}

int kt_test_run_here(const struct kt_test *t, const struct kt_test_env *env,
		     struct kt_result *res)
{
	static const struct kt_test_env none;
	_cleanup_(kt_topo_freep) struct kt_topo *topo = NULL;
	struct kt_cgroup_ops *cg = NULL;
	const char *sched_label;
	struct kt_scenario s = {.name = t->name, .fn = t->fn};
	atomic_ushort step = 0;
	char topo_name[64];
	struct kt_ctx ctx;
	int err, cerr;

	if (!env)
		env = &none;
	sched_label = env->sched_label ? env->sched_label : "eevdf";
	err =
	    kt_topo_from_sysfs(env->sysfs_root ? env->sysfs_root : "/", &topo);
	if (err) {
		kt_result_set_header(res, t->name, env->topo_label,
				     sched_label);
		return setup_failed(res, err, "topology");
	}
	kt_topo_name(topo, topo_name, sizeof(topo_name));
	kt_result_set_header(res, t->name,
			     env->topo_label ? env->topo_label : topo_name,
			     sched_label);
	if (env->cgroup_parent)
		err = kt_cgroup_manager_new(env->cgroup_parent, &cg);
	else
		err = kt_cgroup_noop_new(&cg);
	if (err)
		return setup_failed(res, err, "cgroup manager");
	err = cg->setup(cg, true);
	if (err) {
		cg->cleanup_all(cg);
		kt_cgroup_ops_free(cg);
		return setup_failed(res, err, "cgroup setup");
	}

	ctx = (struct kt_ctx){
	    .cgroups = cg,
	    .topo = topo,
	    .duration =
		env->duration_ns ? env->duration_ns : kt_test_duration_ns(t),
	    .workers_per_cgroup =
		env->workers ? env->workers : kt_test_workers(t),
	    .sched_pid = env->sched_pid,
	    .settle = KT_MS(500),
	    .assert = kt_test_assert(t, env->sched_assert),
	    .current_step = &step,
	    .keep_going = env->keep_going,
	};
	err =
	    run_body(t, &s, &ctx, env->topo_label ? env->topo_label : topo_name,
		     sched_label, res);
	kt_workload_reap_orphans(KT_SEC(2));
	cerr = cg->cleanup_all(cg);
	if (cerr)
		kt_result_add(res, KT_DETAIL_INFRA, "remove cgroup %s: %s",
			      cg->parent(cg), kt_last_error());
	kt_cgroup_ops_free(cg);
	return err;
}
