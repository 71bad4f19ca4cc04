/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The ops/steps engine driven against a recording cgroup double (real
 * forked workers, every cgroup call logged with the step counter seen at
 * that moment): the exact call sequence of a backdrop + 3-step scenario
 * using every op, per-step teardown and judging order, the timeline, holds
 * and specs checked before anything runs, errors cleaning up, loop steps,
 * the liveness message, and execute_defs judging real workers.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include <cmocka.h>

#include <ktstr/ktstr.h>

/* ---- the recording double ---- */

#define REC_MAX 128

struct rec {
	atomic_ushort *step;
	char log[REC_MAX][96];
	size_t n;
	const char *fail_name; /* set_cpuset on this name fails (EINVAL) */
	const char *kill_on;   /* on this exact entry, kill + reap victim */
	pid_t victim;
};

static struct rec *rec_of(const struct kt_cgroup_ops *ops)
{
	return ops->priv;
}

static void rec_log(const struct kt_cgroup_ops *ops, const char *fmt, ...)
    KT_PRINTF(2, 3);
static void rec_log(const struct kt_cgroup_ops *ops, const char *fmt, ...)
{
	struct rec *r = rec_of(ops);
	char *e;
	va_list ap;
	int n;

	assert_true(r->n < REC_MAX);
	e = r->log[r->n++];
	n = snprintf(e, 96, "%u:", (unsigned)atomic_load(r->step));
	va_start(ap, fmt);
	vsnprintf(e + n, (size_t)(96 - n), fmt, ap);
	va_end(ap);
	if (r->kill_on && !strcmp(e, r->kill_on)) {
		kill(r->victim, SIGKILL);
		waitpid(r->victim, NULL, 0);
	}
}

static const char *rec_parent(const struct kt_cgroup_ops *ops)
{
	(void)ops;
	return ""; /* not a real hierarchy: no affinity checks */
}

static int rec_setup(const struct kt_cgroup_ops *ops, bool cpu)
{
	(void)ops;
	(void)cpu;
	return 0;
}

static int rec_create(const struct kt_cgroup_ops *ops, const char *name)
{
	rec_log(ops, "create %s", name);
	return 0;
}

static int rec_remove(const struct kt_cgroup_ops *ops, const char *name)
{
	rec_log(ops, "remove %s", name);
	return 0;
}

static int rec_set_cpuset(const struct kt_cgroup_ops *ops, const char *name,
			  const struct kt_cpuset *cpus)
{
	struct rec *r = rec_of(ops);

	rec_log(ops, "set_cpuset %s %s", name, kt_cpuset_str(cpus, 0));
	if (r->fail_name && !strcmp(name, r->fail_name))
		return kt_err(EINVAL,
			      "cgroup %s: write cpuset.cpus: Invalid argument",
			      name);
	return 0;
}

static int rec_clear_cpuset(const struct kt_cgroup_ops *ops, const char *name)
{
	rec_log(ops, "clear_cpuset %s", name);
	return 0;
}

static int rec_mems(const struct kt_cgroup_ops *ops, const char *name,
		    const struct kt_cpuset *nodes)
{
	(void)nodes;
	rec_log(ops, "set_mems %s", name);
	return 0;
}

static int rec_clear_mems(const struct kt_cgroup_ops *ops, const char *name)
{
	rec_log(ops, "clear_mems %s", name);
	return 0;
}

static int rec_move_task(const struct kt_cgroup_ops *ops, const char *name,
			 pid_t pid)
{
	assert_true(pid > 0);
	rec_log(ops, "move_task %s", name[0] ? name : "\"\"");
	return 0;
}

static int rec_move_all(const struct kt_cgroup_ops *ops, const char *from,
			const char *to)
{
	rec_log(ops, "move_all %s %s", from, to);
	return 0;
}

static int rec_cleanup_all(const struct kt_cgroup_ops *ops)
{
	rec_log(ops, "cleanup_all");
	return 0;
}

static struct rec the_rec;
static atomic_ushort step;
static struct kt_cgroup_ops rec_ops = {
    .priv = &the_rec,
    .parent = rec_parent,
    .setup = rec_setup,
    .create = rec_create,
    .remove = rec_remove,
    .set_cpuset = rec_set_cpuset,
    .clear_cpuset = rec_clear_cpuset,
    .set_mems = rec_mems,
    .clear_mems = rec_clear_mems,
    .move_task = rec_move_task,
    .move_all = rec_move_all,
    .cleanup_all = rec_cleanup_all,
};

static struct kt_topo *topo;

static int setup(void **state)
{
	struct kt_topo_spec spec = KT_TOPO(1, 2, 2, 1); /* usable 0-2 */

	(void)state;
	memset(&the_rec, 0, sizeof(the_rec));
	the_rec.step = &step;
	atomic_store(&step, 99);
	kt_clear_error();
	return kt_topo_from_spec(&spec, 0, &topo);
}

static int teardown(void **state)
{
	(void)state;
	kt_topo_free(topo);
	topo = NULL;
	return 0;
}

/* A ctx with the recording double, one worker per cgroup and no checks
 * unless a test sets some. */
static struct kt_ctx rec_ctx(uint64_t duration)
{
	return (struct kt_ctx){
	    .cgroups = &rec_ops,
	    .topo = topo,
	    .duration = duration,
	    .workers_per_cgroup = 1,
	    .current_step = &step,
	};
}

/* A check that can never fail but makes the engine judge every worker. */
static struct kt_assert judge_only(void)
{
	return (struct kt_assert){.max_migration_ratio = KT_SET(1e12)};
}

static void expect_log(const char *const *want, size_t n)
{
	for (size_t i = 0; i < n && i < the_rec.n; i++)
		assert_string_equal(the_rec.log[i], want[i]);
	if (the_rec.n != n) {
		for (size_t i = 0; i < the_rec.n; i++)
			print_message("log[%zu] = %s\n", i, the_rec.log[i]);
	}
	assert_int_equal(the_rec.n, n);
}

/* Every cgroup created was removed again. */
static void expect_all_removed(void)
{
	for (size_t i = 0; i < the_rec.n; i++) {
		const char *c = strstr(the_rec.log[i], "create ");
		char want[96];
		bool found = false;

		if (!c)
			continue;
		snprintf(want, sizeof(want), "remove %s", c + 7);
		for (size_t j = i + 1; j < the_rec.n && !found; j++)
			found = strstr(the_rec.log[j], want) != NULL;
		if (!found)
			fail_msg("%s was never removed", c + 7);
	}
}

/* ---- the 3-step scenario with every op ---- */

static int three_steps(const struct kt_ctx *ctx, struct kt_result *res)
{
	struct kt_backdrop bd = kt_backdrop(
		.defs = KT_DEFS(
		    kt_cgroup_def("bg_a", .cpuset = KT_CPUSET_DISJOINT(0, 2)),
		    kt_cgroup_def("bg_b", .cpuset = KT_CPUSET_DISJOINT(1, 2))));

	return kt_execute_scenario(
	    ctx, res, &bd,
	    KT_STEPS(
		kt_step(.ops =
			    KT_OPS(KT_OP_ADD("s1"),
				   KT_OP_SET_CPUSET("s1", KT_CPUSET_EXACT("1")),
				   KT_OP_SWAP_CPUSETS("bg_a", "bg_b"),
				   KT_OP_SPAWN("s1", .num_workers = 1)),
			.defs = KT_DEFS(kt_cgroup_def("d1")),
			.hold = KT_HOLD_FIXED(KT_MS(60))),
		kt_step(.ops = KT_OPS(
			    KT_OP_ADD("s2"), KT_OP_MOVE_ALL("bg_a", "s2"),
			    KT_OP_SET_AFFINITY("s2", KT_AFFINITY_SINGLE_CPU),
			    KT_OP_CLEAR_CPUSET("bg_b"),
			    KT_OP_SPAWN_HOST(.num_workers = 1)),
			.hold = KT_HOLD_FIXED(KT_MS(60))),
		kt_step(.ops = KT_OPS(KT_OP_STOP("bg_b"), KT_OP_REMOVE("bg_a")),
			.hold = KT_HOLD_FIXED(KT_MS(20)))));
}

static void test_call_sequence(void **state)
{
	static const char *const want[] = {
	    /* backdrop, in the baseline phase */
	    "0:create bg_a",
	    "0:set_cpuset bg_a 0",
	    "0:move_task bg_a",
	    "0:create bg_b",
	    "0:set_cpuset bg_b 1-2",
	    "0:move_task bg_b",
	    /* step 1: ops, then defs; teardown in reverse creation order */
	    "1:create s1",
	    "1:set_cpuset s1 1",
	    "1:set_cpuset bg_a 1-2",
	    "1:set_cpuset bg_b 0",
	    "1:move_task s1",
	    "1:create d1",
	    "1:move_task d1",
	    "1:remove d1",
	    "1:remove s1",
	    /* step 2: SetAffinity makes no cgroup call; SpawnHost moves its
	     * workers to the run's cgroup parent ("") */
	    "2:create s2",
	    "2:move_all bg_a s2",
	    "2:clear_cpuset bg_b",
	    "2:move_task \"\"",
	    "2:remove s2",
	    /* step 3: StopCgroup keeps the cgroup, RemoveCgroup removes */
	    "3:remove bg_a",
	    /* the backdrop goes last */
	    "3:remove bg_b",
	};
	struct kt_ctx ctx = rec_ctx(KT_MS(200));
	struct kt_result res;

	(void)state;
	ctx.assert = judge_only();
	kt_result_init(&res);
	assert_int_equal(three_steps(&ctx, &res), 0);
	expect_log(want, KT_ARRAY_SIZE(want));
	assert_int_equal(res.verdict, KT_VERDICT_PASS);

	/* judged at the end of the step that owns them, in spawn order:
	 * step 1 (s1's Spawn, d1), step 2 (bg_a's worker now in s2, the host
	 * worker), step 3 (StopCgroup bg_b) */
	assert_int_equal(res.nr_stats, 5);
	assert_string_equal(res.stats[0].cgroup, "s1");
	assert_string_equal(res.stats[1].cgroup, "d1");
	assert_string_equal(res.stats[2].cgroup, "s2");
	assert_string_equal(res.stats[3].cgroup, "(host)");
	assert_string_equal(res.stats[4].cgroup, "bg_b");
	for (size_t i = 0; i < res.nr_stats; i++) {
		assert_int_equal(res.stats[i].workers, 1);
		assert_true(res.stats[i].total_work_units > 0);
	}
	kt_result_free(&res);
}

static void test_timeline(void **state)
{
	struct kt_ctx ctx = rec_ctx(KT_MS(200));
	const struct kt_timeline_event *e;
	struct kt_result res;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	kt_result_init(&res);
	assert_int_equal(three_steps(&ctx, &res), 0);
	assert_int_equal(res.nr_timeline, 6);
	e = res.timeline;
	assert_string_equal(e[0].label, "ScenarioStart");
	assert_string_equal(e[1].label, "BackdropReady");
	assert_string_equal(e[2].label, "StepStart[1]");
	assert_string_equal(e[3].label, "StepStart[2]");
	assert_string_equal(e[4].label, "StepStart[3]");
	assert_string_equal(e[5].label, "ScenarioEnd");

	assert_int_equal(e[0].cgroups, 0);
	assert_int_equal(e[0].workers, 0);
	assert_int_equal(e[1].cgroups, 2);
	assert_int_equal(e[1].workers, 2);
	/* bg_a, bg_b, s1, d1 with one worker each */
	assert_int_equal(e[2].step, 1);
	assert_int_equal(e[2].cgroups, 4);
	assert_int_equal(e[2].workers, 4);
	assert_int_equal(e[2].op_mask, KT_OP_BIT(KT_OP_KIND_ADD_CGROUP) |
					   KT_OP_BIT(KT_OP_KIND_SET_CPUSET) |
					   KT_OP_BIT(KT_OP_KIND_SWAP_CPUSETS) |
					   KT_OP_BIT(KT_OP_KIND_SPAWN));
	assert_string_equal(e[2].ops, "AddCgroup,SetCpuset,SwapCpusets,Spawn");
	/* bg_a, bg_b, s2; bg_a's worker (moved), bg_b's, the host's */
	assert_int_equal(e[3].cgroups, 3);
	assert_int_equal(e[3].workers, 3);
	/* in kind order, whatever the order of the ops */
	assert_string_equal(e[3].ops, "AddCgroup,ClearCpuset,SetAffinity,"
				      "SpawnHost,MoveAllTasks");
	/* bg_b stopped, bg_a removed */
	assert_int_equal(e[4].cgroups, 1);
	assert_int_equal(e[4].workers, 0);
	assert_string_equal(e[4].ops, "RemoveCgroup,StopCgroup");
	assert_int_equal(e[5].step, 3);

	/* time and work only go forward, and work was done by step 2 */
	for (size_t i = 1; i < res.nr_timeline; i++) {
		assert_true(e[i].elapsed_ms >= e[i - 1].elapsed_ms);
		assert_true(e[i].iterations >= e[i - 1].iterations);
	}
	assert_true(e[3].iterations > 0);
	assert_true(e[3].elapsed_ms >= 60);

	/* the text report shows it */
	f = open_memstream(&text, &len);
	kt_result_print(&res, f);
	fclose(f);
	assert_non_null(strstr(text, "--- timeline ---\n  +0ms ScenarioStart: "
				     "0 cgroups, 0 workers, 0 iterations\n"));
	assert_non_null(strstr(text, " StepStart[3] [RemoveCgroup,StopCgroup]: "
				     "1 cgroups, 0 workers, "));
	free(text);
	kt_result_free(&res);
}

/* The timeline survives JSON (the guest sends results as JSON). */
static void test_timeline_json(void **state)
{
	struct kt_ctx ctx = rec_ctx(KT_MS(100));
	struct kt_result res, back;
	json_t *j;

	(void)state;
	kt_result_init(&res);
	assert_int_equal(three_steps(&ctx, &res), 0);
	j = kt_result_to_json(&res);
	assert_non_null(j);
	assert_int_equal(kt_result_from_json(j, &back), 0);
	assert_int_equal(back.nr_timeline, res.nr_timeline);
	for (size_t i = 0; i < res.nr_timeline; i++) {
		assert_string_equal(back.timeline[i].label,
				    res.timeline[i].label);
		assert_string_equal(back.timeline[i].ops, res.timeline[i].ops);
		assert_int_equal(back.timeline[i].op_mask,
				 res.timeline[i].op_mask);
		assert_int_equal(back.timeline[i].elapsed_ms,
				 res.timeline[i].elapsed_ms);
		assert_int_equal(back.timeline[i].iterations,
				 res.timeline[i].iterations);
		assert_int_equal(back.timeline[i].workers,
				 res.timeline[i].workers);
	}
	json_decref(j);
	kt_result_free(&back);
	kt_result_free(&res);
}

/* ---- validated before anything runs ---- */

static void expect_rejected(struct kt_steps steps, const char *msg)
{
	struct kt_ctx ctx = rec_ctx(KT_MS(100));
	struct kt_result res;

	kt_result_init(&res);
	the_rec.n = 0;
	atomic_store(&step, 99);
	assert_int_equal(kt_execute_steps(&ctx, &res, steps), -EINVAL);
	assert_string_equal(kt_last_error(), msg);
	assert_int_equal(the_rec.n, 0);
	assert_int_equal(atomic_load(&step), 99); /* not even published */
	assert_int_equal(res.nr_timeline, 0);
	kt_result_free(&res);
}

static void test_rejected_up_front(void **state)
{
	(void)state;
	expect_rejected(
	    KT_STEPS(kt_step(.defs = KT_DEFS(kt_cgroup_def("a"))),
		     kt_step(.hold = KT_HOLD_FRAC(0.5)),
		     kt_step(.hold = KT_HOLD_FIXED(0))),
	    "step 3: hold Fixed(0): a fixed hold must be longer than zero");
	expect_rejected(
	    KT_STEPS(kt_step(.defs = KT_DEFS(kt_cgroup_def("a")),
			     .hold = KT_HOLD_LOOP(0))),
	    "step 1: hold Loop(0): the loop interval must be longer than "
	    "zero");
	expect_rejected(KT_STEPS(kt_step(.defs = KT_DEFS(kt_cgroup_def("a"))),
				 kt_step(.hold = KT_HOLD_FRAC(1.5))),
			"step 2: hold Frac(1.5): the fraction must be within "
			"[0, 1]");
	expect_rejected(
	    KT_STEPS(kt_step(.ops = KT_OPS(KT_OP_SWAP_CPUSETS("a", NULL)))),
	    "step 1: SwapCpusets a: no second cgroup named");
	expect_rejected(
	    KT_STEPS(kt_step(.ops = KT_OPS(KT_OP_SET_CPUSET(
				 "a", KT_CPUSET_OVERLAP(0, 2, 2.0))))),
	    "step 1: SetCpuset a: overlap cpuset 0 of 2: overlap fraction 2 "
	    "is outside [0, 1]");
	expect_rejected(
	    KT_STEPS(kt_step(.defs = KT_DEFS(kt_cgroup_def(
				 "a", .cpuset = KT_CPUSET_DISJOINT(2, 2))))),
	    "step 1: cgroup def a: disjoint cpuset 2 of 2: index 2 >= "
	    "partition count 2");
	expect_rejected(KT_STEPS(kt_step(.defs = KT_DEFS(kt_cgroup_def("")))),
			"step 1: cgroup def: the name is empty");
}

/* A spec this topology cannot hold: SKIP, nothing ran. */
static void test_skip_when_topology_too_small(void **state)
{
	struct kt_ctx ctx = rec_ctx(KT_MS(100));
	struct kt_result res;

	(void)state;
	kt_result_init(&res);
	assert_int_equal(
	    kt_execute_defs(
		&ctx, &res,
		KT_DEFS(
		    kt_cgroup_def("a"),
		    kt_cgroup_def("b", .cpuset = KT_CPUSET_DISJOINT(0, 8)))),
	    0);
	assert_int_equal(res.verdict, KT_VERDICT_SKIP);
	assert_string_equal(res.skip_reason,
			    "cpuset disjoint(0/8) of b: disjoint cpuset 0 of "
			    "8: not enough usable CPUs (3) for 8 partitions");
	assert_int_equal(the_rec.n, 0);
	kt_result_free(&res);
}

/* An op failing mid-run: the error names step and op; all is cleaned. */
static void test_error_cleans_up(void **state)
{
	struct kt_ctx ctx = rec_ctx(KT_MS(100));
	struct kt_result res;

	(void)state;
	kt_result_init(&res);
	assert_int_equal(
	    kt_execute_steps(
		&ctx, &res,
		KT_STEPS(kt_step(.defs = KT_DEFS(kt_cgroup_def("a")),
				 .hold = KT_HOLD_FIXED(KT_MS(10))),
			 kt_step(.ops = KT_OPS(KT_OP_ADD("b"), KT_OP_ADD("c"),
					       KT_OP_SPAWN("b"),
					       KT_OP_SWAP_CPUSETS("b", "a")),
				 .hold = KT_HOLD_FIXED(KT_MS(10))))),
	    -ENOENT);
	assert_string_equal(
	    kt_last_error(),
	    "step 2 of 2: SwapCpusets b a: no cgroup a in this "
	    "scenario (cgroups of a finished step are gone: put "
	    "lasting ones in the backdrop)");
	assert_string_equal(the_rec.log[the_rec.n - 2], "2:remove c");
	assert_string_equal(the_rec.log[the_rec.n - 1], "2:remove b");
	expect_all_removed();

	/* a failing cgroup write */
	the_rec.n = 0;
	the_rec.fail_name = "bad";
	assert_int_equal(
	    kt_execute_defs(
		&ctx, &res,
		KT_DEFS(kt_cgroup_def("ok"),
			kt_cgroup_def("bad", .cpuset = KT_CPUSET_LLC(0)))),
	    -EINVAL);
	assert_string_equal(kt_last_error(),
			    "step 1 of 1: cgroup bad: cgroup bad: write "
			    "cpuset.cpus: Invalid argument");
	expect_all_removed();
	kt_result_free(&res);
}

/* Loop: defs once, the ops every interval until the duration is used. */
static void test_loop_step(void **state)
{
	struct kt_ctx ctx = rec_ctx(KT_MS(400));
	struct kt_result res;
	uint64_t t0 = kt_now_ns(), took;
	size_t loops = 0, creates = 0;

	(void)state;
	kt_result_init(&res);
	assert_int_equal(
	    kt_execute_steps(
		&ctx, &res,
		KT_STEPS(kt_step(
			.defs = KT_DEFS(kt_cgroup_def("cg_0", .workers = 2)),
			.ops = KT_OPS(
			    KT_OP_SET_CPUSET("cg_0", KT_CPUSET_EXACT("0-1")),
			    KT_OP_SET_AFFINITY("cg_0",
					       KT_AFFINITY_RANDOM_SUBSET)),
			.hold = KT_HOLD_LOOP(KT_MS(100))))),
	    0);
	took = kt_now_ns() - t0;
	assert_true(took >= KT_MS(390));
	assert_true(took < KT_MS(3000));
	for (size_t i = 0; i < the_rec.n; i++) {
		creates += strstr(the_rec.log[i], "create") != NULL;
		loops += !strcmp(the_rec.log[i], "1:set_cpuset cg_0 0-1");
	}
	assert_int_equal(creates, 1);
	/* rounds at about 0, 100, 200, 300 ms; a loaded host may lose one */
	assert_true(loops >= 2 && loops <= 5);
	/* StepStart[1], then one StepLoop[1] per later round (the random
	 * affinity is drawn from 0-1: every host has those CPUs) */
	assert_string_equal(res.timeline[1].label, "StepStart[1]");
	assert_string_equal(res.timeline[2].label, "StepLoop[1]");
	assert_int_equal(res.nr_timeline, loops + 2);
	assert_true(res.timeline[res.nr_timeline - 1].elapsed_ms < 1500);
	expect_all_removed();
	kt_result_free(&res);
}

/* The scheduler dies during step 2: step 3 never starts. */
static void test_liveness(void **state)
{
	struct kt_ctx ctx = rec_ctx(KT_MS(300));
	struct kt_result res;
	const char *msg;
	pid_t pid;

	(void)state;
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		pause();
		_exit(0);
	}
	the_rec.victim = pid;
	the_rec.kill_on = "2:create s2";
	ctx.sched_pid = pid;
	kt_result_init(&res);
	assert_int_equal(
	    kt_execute_steps(
		&ctx, &res,
		KT_STEPS(kt_step(.defs = KT_DEFS(kt_cgroup_def("s1")),
				 .hold = KT_HOLD_FIXED(KT_MS(50))),
			 kt_step(.defs = KT_DEFS(kt_cgroup_def("s2")),
				 .hold = KT_HOLD_FIXED(KT_MS(2000))),
			 kt_step(.defs = KT_DEFS(kt_cgroup_def("s3")),
				 .hold = KT_HOLD_FIXED(KT_MS(50))))),
	    0);
	assert_int_equal(res.verdict, KT_VERDICT_SCHED);
	assert_int_equal(res.nr_details, 1);
	msg = res.details[0].msg;
	assert_int_equal(res.details[0].kind, KT_DETAIL_SCHEDULER);
	assert_true(!strncmp(msg, "scheduler died after step 2 of 3 (", 34));
	assert_non_null(strstr(msg, "s into test)"));
	/* the 2 s hold ended at once, step 3 never ran */
	assert_true(res.timeline[res.nr_timeline - 1].elapsed_ms < 1500);
	for (size_t i = 0; i < the_rec.n; i++)
		assert_null(strstr(the_rec.log[i], "s3"));
	expect_all_removed();
	kt_result_free(&res);
}

/* ---- real workers, the no-op double ---- */

static void test_execute_defs_judges(void **state)
{
	_cleanup_(kt_cgroup_ops_freep) struct kt_cgroup_ops *noop = NULL;
	struct kt_ctx ctx = rec_ctx(KT_MS(300));
	struct kt_result res;

	(void)state;
	assert_int_equal(kt_cgroup_noop_new(&noop), 0);
	ctx.cgroups = noop;
	ctx.workers_per_cgroup = 2;
	/* starvation on, fairness and gaps loose enough for a busy host */
	ctx.assert = (struct kt_assert){.not_starved = KT_SET(true),
					.max_spread_pct = KT_SET(100.0),
					.max_gap_ns = KT_SET(KT_SEC(30))};
	kt_result_init(&res);
	assert_int_equal(
	    kt_execute_defs(&ctx, &res,
			    KT_DEFS(kt_cgroup_def("cg_0"),
				    kt_cgroup_def("cg_1", .workers = 3))),
	    0);
	assert_int_equal(res.verdict, KT_VERDICT_PASS);
	assert_int_equal(res.nr_stats, 2);
	assert_string_equal(res.stats[0].cgroup, "cg_0");
	assert_int_equal(res.stats[0].workers, 2);
	assert_string_equal(res.stats[1].cgroup, "cg_1");
	assert_int_equal(res.stats[1].workers, 3);
	assert_true(res.stats[0].total_work_units > 0);
	assert_true(res.stats[1].total_work_units > 0);
	assert_int_equal(res.nr_timeline, 3);
	assert_string_equal(res.timeline[1].label, "StepStart[1]");
	assert_int_equal(res.timeline[1].workers, 5);
	kt_result_free(&res);
}

/* The work-type override replaces swappable defs only; a raw Spawn keeps
 * its own work. YieldHeavy does 1 unit per iteration, SpinWait 1024. */
static void test_override_and_assert(void **state)
{
	_cleanup_(kt_cgroup_ops_freep) struct kt_cgroup_ops *noop = NULL;
	struct kt_work_type yield = KT_WORK(KT_WORK_YIELD_HEAVY);
	struct kt_ctx ctx = rec_ctx(KT_MS(200));
	struct kt_assert judge = judge_only();
	struct kt_steps steps = KT_STEPS(
	    kt_step(.defs = KT_DEFS(kt_cgroup_def("swap", .swappable = true),
				    kt_cgroup_def("keep")),
		    .hold = KT_HOLD_FULL));
	struct kt_result res;

	(void)state;
	assert_int_equal(kt_cgroup_noop_new(&noop), 0);
	ctx.cgroups = noop;
	ctx.work_type_override = &yield;

	/* no worker checks in ctx: nothing judged */
	kt_result_init(&res);
	assert_int_equal(kt_execute_steps(&ctx, &res, steps), 0);
	assert_int_equal(res.nr_stats, 0);
	kt_result_free(&res);

	/* the override assert judges */
	kt_result_init(&res);
	assert_int_equal(kt_execute_steps_with(&ctx, &res, steps, &judge), 0);
	assert_int_equal(res.nr_stats, 2);
	assert_string_equal(res.stats[0].cgroup, "swap");
	assert_true(res.stats[0].total_iterations > 0);
	assert_int_equal(res.stats[0].total_work_units,
			 res.stats[0].total_iterations);
	assert_string_equal(res.stats[1].cgroup, "keep");
	assert_int_equal(res.stats[1].total_work_units,
			 res.stats[1].total_iterations * 1024);
	kt_result_free(&res);

	/* Spawn ignores the override */
	kt_result_init(&res);
	assert_int_equal(
	    kt_execute_scenario_with(
		&ctx, &res,
		&kt_backdrop(.ops =
				 KT_OPS(KT_OP_ADD("raw"),
					KT_OP_SPAWN("raw", .num_workers = 1))),
		KT_STEPS(kt_step(.hold = KT_HOLD_FIXED(KT_MS(100)))), &judge),
	    0);
	assert_int_equal(res.nr_stats, 1);
	assert_string_equal(res.stats[0].cgroup, "raw");
	assert_int_equal(res.stats[0].workers, 1);
	assert_int_equal(res.stats[0].total_work_units,
			 res.stats[0].total_iterations * 1024);
	kt_result_free(&res);
}

/* ---- a fake hierarchy that lies: the engine's effect checks catch it ---- */

static char fake_root[64];

static const char *fake_parent(const struct kt_cgroup_ops *ops)
{
	(void)ops;
	return fake_root;
}

static void fake_write(const char *name, const char *file, const char *text,
		       const char *mode)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/%s", fake_root, name, file);
	f = fopen(path, mode);
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int fake_create(const struct kt_cgroup_ops *ops, const char *name)
{
	char path[256];

	(void)ops;
	snprintf(path, sizeof(path), "%s/%s", fake_root, name);
	return mkdir(path, 0755) && errno != EEXIST ? -errno : 0;
}

/* "stuck" is never really removed */
static int fake_remove(const struct kt_cgroup_ops *ops, const char *name)
{
	char path[256];

	(void)ops;
	if (!strcmp(name, "stuck"))
		return 0;
	snprintf(path, sizeof(path), "%s/%s/cpuset.cpus.effective", fake_root,
		 name);
	unlink(path);
	snprintf(path, sizeof(path), "%s/%s/cgroup.threads", fake_root, name);
	unlink(path);
	snprintf(path, sizeof(path), "%s/%s", fake_root, name);
	return rmdir(path) ? -errno : 0;
}

/* "liar" reports CPUs 0-1 whatever was written */
static int fake_set_cpuset(const struct kt_cgroup_ops *ops, const char *name,
			   const struct kt_cpuset *cpus)
{
	(void)ops;
	fake_write(name, "cpuset.cpus.effective",
		   strcmp(name, "liar") ? kt_cpuset_str(cpus, 0) : "0-1\n",
		   "w");
	return 0;
}

static int fake_move_task(const struct kt_cgroup_ops *ops, const char *name,
			  pid_t pid)
{
	char line[24];

	(void)ops;
	snprintf(line, sizeof(line), "%d\n", (int)pid);
	/* the engine checks each worker's tid in cgroup.threads */
	fake_write(name, "cgroup.threads", line, "a");
	return 0;
}

static void test_effects_verified(void **state)
{
	struct kt_cgroup_ops fake = rec_ops;
	struct kt_ctx ctx = rec_ctx(KT_MS(100));
	struct kt_backdrop bd =
	    kt_backdrop(.defs = KT_DEFS(
			    kt_cgroup_def("ok", .cpuset = KT_CPUSET_EXACT("0")),
			    kt_cgroup_def("liar",
					  .cpuset = KT_CPUSET_EXACT("1"))));
	struct kt_result res;
	char want[160], path[96];

	(void)state;
	snprintf(fake_root, sizeof(fake_root), "/tmp/kt-ops-fake.XXXXXX");
	assert_non_null(mkdtemp(fake_root));
	fake.parent = fake_parent;
	fake.create = fake_create;
	fake.remove = fake_remove;
	fake.set_cpuset = fake_set_cpuset;
	fake.move_task = fake_move_task;
	ctx.cgroups = &fake;
	kt_result_init(&res);
	assert_int_equal(
	    kt_execute_scenario(
		&ctx, &res, &bd,
		KT_STEPS(kt_step(.ops = KT_OPS(KT_OP_ADD("stuck"),
					       KT_OP_REMOVE("stuck")),
				 .hold = KT_HOLD_FIXED(KT_MS(20))))),
	    0);
	assert_int_equal(res.verdict, KT_VERDICT_INFRA);
	assert_int_equal(res.nr_details, 2);
	assert_string_equal(res.details[0].msg,
			    "cgroup liar: cpuset.cpus.effective is [0-1] after "
			    "setting up its def, expected [1]");
	snprintf(want, sizeof(want),
		 "cgroup %s/stuck still exists after RemoveCgroup", fake_root);
	assert_string_equal(res.details[1].msg, want);
	kt_result_free(&res);
	snprintf(path, sizeof(path), "%s/stuck", fake_root);
	assert_int_equal(rmdir(path), 0);
	assert_int_equal(rmdir(fake_root), 0); /* the rest was removed */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_call_sequence, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_timeline, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_timeline_json, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_rejected_up_front, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_skip_when_topology_too_small,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_error_cleans_up, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_loop_step, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_liveness, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_execute_defs_judges, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_override_and_assert, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_effects_verified, setup,
					    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
