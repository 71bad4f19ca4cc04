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

/* What every scenario of one run shares. */
struct run {
	const struct kt_run_opts *o;
	const struct kt_topo *topo;
	char topo_name[64];
	struct kt_cgroup_ops *cg;
	struct kt_assert base; /* defaults -> the scheduler's layer */
	atomic_ushort step;
	bool sched_reported; /* the scheduler's end is in a result */
	FILE *out;
};

/* The run's cgroup parent, <root>/<cgroup_name> or <root>/ktstr-<pid>,
 * under a manager (not set up yet). */
static int open_cgroups(const struct kt_run_opts *o, char *parent, size_t len,
			struct kt_cgroup_ops **cg)
{
	const char *cg_root =
	    o->cgroup_root ? o->cgroup_root : "/sys/fs/cgroup";
	int err = kt_cgroup_host_supported(cg_root);

	if (err)
		return err;
	if (o->cgroup_name)
		snprintf(parent, len, "%s/%s", cg_root, o->cgroup_name);
	else
		snprintf(parent, len, "%s/ktstr-%d", cg_root, (int)getpid());
	return kt_cgroup_manager_new(parent, cg);
}

/* The ctx of one scenario; a file's duration and workers apply unless
 * the options give them. */
static struct kt_ctx scenario_ctx(struct run *r,
				  const struct kt_scenario_file *f)
{
	const struct kt_run_opts *o = r->o;
	struct kt_ctx ctx = {
	    .cgroups = r->cg,
	    .topo = r->topo,
	    .duration =
		o->duration_ns ? o->duration_ns : KT_RUN_DEFAULT_DURATION_NS,
	    .workers_per_cgroup = o->workers ? o->workers : 2,
	    .sched_pid = o->sched ? kt_sched_run_pid(o->sched) : o->sched_pid,
	    .settle = KT_MS(500),
	    .assert = r->base,
	    .current_step = o->current_step ? o->current_step : &r->step,
	    .keep_going = o->keep_going,
	    .work_type_override = o->work_type,
	};

	if (f && !o->duration_ns && f->duration_ns)
		ctx.duration = f->duration_ns;
	if (f && !o->workers && f->workers)
		ctx.workers_per_cgroup = f->workers;
	return ctx;
}

/* A gap (or starvation) failure among res's details? */
static bool gap_failed(const struct kt_result *res)
{
	for (size_t i = 0; i < res->nr_details; i++)
		if (res->details[i].kind == KT_DETAIL_STUCK ||
		    res->details[i].kind == KT_DETAIL_STARVED)
			return true;
	return false;
}

/*
 * The SysRq-D dump the stall watch took at the evidence goes into res.
 * A gap failure only the checks at the end found (--keep-going turns the
 * watch off) gets one now, after its workers stopped: later than the
 * evidence, and its reason says so.
 */
static void attach_sysrq_dump(struct kt_sched_run *sched, struct kt_result *res)
{
	struct kt_result_dump *d = kt_scx_dump_take_sysrq();
	struct kt_err_saved e;

	kt_err_save(&e);
	if (!d && gap_failed(res) && kt_sched_run_alive(sched) &&
	    !kt_scx_dump_sysrq("after the scenario: its gap check failed "
			       "(the workers had stopped already)"))
		d = kt_scx_dump_take_sysrq();
	if (d)
		kt_result_add_dump(res, d);
	kt_result_dump_free(d);
	kt_err_restore(&e);
}

/*
 * Run scenario s (or file f) into res. With the scheduler gone before it
 * starts it is not run; the scenario that sees the scheduler go gets its
 * end (SCHED), later ones a plain skip.
 */
static void run_one(struct run *r, const struct kt_scenario *s,
		    const struct kt_scenario_file *f, struct kt_result *res)
{
	const struct kt_run_opts *o = r->o;
	const char *name = f ? f->name : s->name;
	const char *tl = o->topo_label ? o->topo_label : r->topo_name;
	const char *sl = o->sched_label ? o->sched_label : "eevdf";
	struct kt_ctx ctx = scenario_ctx(r, f);
	uint64_t t0;

	if (o->sched && !kt_sched_run_alive(o->sched)) {
		kt_result_set_header(res, name, tl, sl);
		if (r->sched_reported)
			kt_result_skip(res, "not run: scheduler gone");
		else
			kt_sched_exit_to_result(o->sched, 0, "not run: ", res);
		r->sched_reported = true;
		return;
	}
	t0 = kt_now_ns();
	if (o->on_start)
		o->on_start(name, o->arg);
	if (f)
		kt_scenario_file_run(f, &ctx, tl, sl, res);
	else
		kt_run_scenario(s, &ctx, tl, sl, res);
	if (o->sched && !kt_sched_run_alive(o->sched) && !r->sched_reported) {
		kt_sched_exit_to_result(o->sched, t0, "", res);
		r->sched_reported = true;
	}
	if (o->sched)
		attach_sysrq_dump(o->sched, res);
}

/* The text report, the callback, the worst verdict so far. */
static void report(struct run *r, const struct kt_result *res,
		   enum kt_verdict *worst)
{
	kt_result_print(res, r->out);
	fflush(r->out);
	if (r->o->on_result)
		r->o->on_result(res, r->o->arg);
	if (res->verdict > *worst)
		*worst = res->verdict;
}

/* The picked scenarios, then the files, until a stop is requested. */
static void run_all(struct run *r, enum kt_verdict *worst)
{
	const struct kt_run_opts *o = r->o;
	const struct kt_scenario *list[256];
	size_t n = pick(o, list, KT_ARRAY_SIZE(list));

	for (size_t i = 0; i < n + o->nr_files && !kt_stop_requested(); i++) {
		const struct kt_scenario_file *f =
		    i >= n ? o->files[i - n] : NULL;
		struct kt_result res;

		kt_result_init(&res);
		run_one(r, f ? NULL : list[i], f, &res);
		report(r, &res, worst);
		kt_result_free(&res);
	}
}

int kt_run_scenarios(const struct kt_run_opts *o, enum kt_verdict *worst)
{
	_cleanup_(kt_topo_freep) struct kt_topo *topo = NULL;
	struct sigaction sa = {.sa_handler = on_stop_signal}, old_int, old_term;
	struct run r = {.o = o, .out = o->report ? o->report : stdout};
	char parent[4096];
	int err;

	*worst = KT_VERDICT_PASS;
	err = check_names(o);
	if (err)
		return err;
	err = kt_topo_from_sysfs(o->sysfs_root ? o->sysfs_root : "/", &topo);
	if (err)
		return err;
	r.topo = topo;
	kt_topo_name(topo, r.topo_name, sizeof(r.topo_name));
	err = open_cgroups(o, parent, sizeof(parent), &r.cg);
	if (err)
		return err;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	err = r.cg->setup(r.cg, true);
	if (!err) {
		r.base = kt_assert_default_checks();
		if (o->sched_assert)
			r.base = kt_assert_merge(&r.base, o->sched_assert);
		kt_harness_begin(stderr);
		run_all(&r, worst);
		kt_harness_end();
		if (kt_stop_requested())
			err = kt_err(EINTR, "run interrupted by a signal");
	}
	/* workers a stalled scheduler kept from dying: give them a moment
	 * before their cgroups go */
	kt_workload_reap_orphans(KT_SEC(2));
	if (r.cg->cleanup_all(r.cg) && !err)
		err = kt_err_wrap(EBUSY, "remove cgroup %s", parent);
	kt_cgroup_ops_free(r.cg);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	return err;
}
