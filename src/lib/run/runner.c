/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kt_run_scenarios: run catalog scenarios in the running kernel (host mode,
 * or inside a ktstr guest). Owns the run's cgroup parent from creation to
 * removal, SIGINT/SIGTERM handling, and the per-scenario report. With a
 * scheduler under test, its death or ejection becomes the SCHED verdict
 * of the scenario that saw it and the rest are not run.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <ktstr/runner.h>
#include <ktstr/scenario.h>
#include <ktstr/scenario_file.h>
#include <ktstr/sched.h>

static void on_stop_signal(int sig)
{
	(void)sig;
	kt_request_stop();
}

static int check_names(const struct kt_run_opts *o)
{
	for (size_t i = 0; i < o->nr_names; i++)
		if (!kt_catalog_find(o->names[i]))
			return kt_err(EINVAL,
				      "unknown scenario '%s'; 'ktstr list' "
				      "shows the names",
				      o->names[i]);
	return 0;
}

/* The scenarios to run, in order: the names given, or the default set. */
static size_t pick(const struct kt_run_opts *o, const struct kt_scenario **out,
		   size_t max)
{
	size_t nr, n = 0;
	const struct kt_scenario *all = kt_catalog(&nr);

	if (o->nr_names) {
		for (size_t i = 0; i < o->nr_names && n < max; i++)
			out[n++] = kt_catalog_find(o->names[i]);
		return n;
	}
	if (o->nr_files) /* files alone: no default set */
		return 0;
	for (size_t i = 0; i < nr && n < max; i++)
		if (all[i].in_default_set)
			out[n++] = &all[i];
	return n;
}

int kt_run_scenarios(const struct kt_run_opts *o, enum kt_verdict *worst)
{
	const char *cg_root =
	    o->cgroup_root ? o->cgroup_root : "/sys/fs/cgroup";
	_cleanup_(kt_topo_freep) struct kt_topo *topo = NULL;
	struct kt_cgroup_ops *cg = NULL;
	const struct kt_scenario *list[256];
	struct sigaction sa = {.sa_handler = on_stop_signal}, old_int, old_term;
	char parent[4096], topo_name[64];
	FILE *out = o->report ? o->report : stdout;
	atomic_ushort step = 0;
	struct kt_assert base;
	bool sched_reported = false;
	size_t n;
	int err;

	*worst = KT_VERDICT_PASS;
	err = check_names(o);
	if (err)
		return err;
	err = kt_topo_from_sysfs(o->sysfs_root ? o->sysfs_root : "/", &topo);
	if (err)
		return err;
	kt_topo_name(topo, topo_name, sizeof(topo_name));
	err = kt_cgroup_host_supported(cg_root);
	if (err)
		return err;
	if (o->cgroup_name)
		snprintf(parent, sizeof(parent), "%s/%s", cg_root,
			 o->cgroup_name);
	else
		snprintf(parent, sizeof(parent), "%s/ktstr-%d", cg_root,
			 (int)getpid());
	err = kt_cgroup_manager_new(parent, &cg);
	if (err)
		return err;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	err = cg->setup(cg, true);
	if (err)
		goto out;

	base = kt_assert_default_checks();
	if (o->sched_assert)
		base = kt_assert_merge(&base, o->sched_assert);
	n = pick(o, list, KT_ARRAY_SIZE(list));
	for (size_t i = 0; i < n + o->nr_files && !kt_stop_requested(); i++) {
		const struct kt_scenario_file *f =
		    i >= n ? o->files[i - n] : NULL;
		const char *name = f ? f->name : list[i]->name;
		struct kt_ctx ctx = {
		    .cgroups = cg,
		    .topo = topo,
		    .duration = o->duration_ns ? o->duration_ns : KT_SEC(2),
		    .workers_per_cgroup = o->workers ? o->workers : 2,
		    .sched_pid =
			o->sched ? kt_sched_run_pid(o->sched) : o->sched_pid,
		    .settle = KT_MS(500),
		    .assert = base,
		    .current_step = &step,
		};
		const char *tl = o->topo_label ? o->topo_label : topo_name;
		const char *sl = o->sched_label ? o->sched_label : "eevdf";
		struct kt_result res;

		if (f && !o->duration_ns && f->duration_ns)
			ctx.duration = f->duration_ns;
		if (f && !o->workers && f->workers)
			ctx.workers_per_cgroup = f->workers;
		kt_result_init(&res);
		if (o->sched && !kt_sched_run_alive(o->sched)) {
			/* Gone before this scenario: it is not run. */
			kt_result_set_header(&res, name, tl, sl);
			if (sched_reported)
				kt_result_skip(&res, "not run: scheduler gone");
			else
				kt_sched_exit_to_result(o->sched, 0,
							"not run: ", &res);
			sched_reported = true;
		} else {
			uint64_t t0 = kt_now_ns();

			if (o->on_start)
				o->on_start(name, o->arg);
			if (f)
				kt_scenario_file_run(f, &ctx, tl, sl, &res);
			else
				kt_run_scenario(list[i], &ctx, tl, sl, &res);
			if (o->sched && !kt_sched_run_alive(o->sched) &&
			    !sched_reported) {
				kt_sched_exit_to_result(o->sched, t0, "", &res);
				sched_reported = true;
			}
		}
		kt_result_print(&res, out);
		fflush(out);
		if (o->on_result)
			o->on_result(&res, o->arg);
		if (res.verdict > *worst)
			*worst = res.verdict;
		kt_result_free(&res);
	}
	if (kt_stop_requested())
		err = kt_err(EINTR, "run interrupted by a signal");
out:
	if (cg->cleanup_all(cg) && !err)
		err = kt_err_wrap(EBUSY, "remove cgroup %s", parent);
	kt_cgroup_ops_free(cg);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	return err;
}
