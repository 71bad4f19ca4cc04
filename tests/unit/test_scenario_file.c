/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Scenario files: the good fixtures build the expected defs, ops, holds
 * and assert layer; every kind of mistake (fixtures and inline text) gets
 * its exact message with line, column and key path; a loaded file runs
 * through the ops engine with its checks layered over the run's.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <ktstr/scenario_file.h>

#define GOOD KT_FIXTURES_DIR "/scenarios/good/"
#define BAD  KT_FIXTURES_DIR "/scenarios/bad/"

static struct kt_scenario_file *load(const char *path)
{
	struct kt_scenario_file *sf = NULL;
	int err = kt_scenario_file_load(path, &sf);

	if (err)
		fail_msg("%s: %s", path, kt_last_error());
	assert_non_null(sf);
	return sf;
}

static const struct kt_cgroup_def *def(const struct kt_defs *d, size_t i)
{
	assert_true(i < d->nr);
	return &d->defs[i];
}

/* ---- good files ---- */

static void test_minimal(void **state)
{
	_cleanup_(kt_scenario_file_freep) struct kt_scenario_file *sf =
	    load(GOOD "minimal.json");
	const struct kt_cgroup_def *d;

	(void)state;
	assert_string_equal(sf->name, "sf_minimal");
	assert_string_equal(sf->description,
			    "one cgroup of SpinWait workers for the whole run");
	assert_true(sf->duration_ns == 0);
	assert_int_equal(sf->workers, 0);
	assert_false(kt_assert_has_worker_checks(&sf->assert));
	assert_int_equal(sf->backdrop.defs.nr, 0);
	assert_int_equal(sf->backdrop.ops.nr, 0);
	/* the top-level "cgroups" shorthand: one step, full hold */
	assert_int_equal(sf->steps.nr, 1);
	assert_int_equal(sf->steps.steps[0].hold.kind, KT_HOLD_KIND_FULL);
	assert_int_equal(sf->steps.steps[0].ops.nr, 0);
	d = def(&sf->steps.steps[0].defs, 0);
	assert_string_equal(d->name, "cg_0");
	assert_int_equal(d->workers, 0);
	assert_int_equal(d->work_type.kind, KT_WORK_SPIN_WAIT);
	assert_int_equal(d->cpuset.kind, KT_CPUSET_KIND_NONE);
	assert_int_equal(d->sched_policy.kind, KT_POLICY_NORMAL);
	assert_int_equal(d->affinity.kind, KT_AFFINITY_KIND_INHERIT);
	assert_false(d->swappable);
}

static void test_full(void **state)
{
	_cleanup_(kt_scenario_file_freep) struct kt_scenario_file *sf =
	    load(GOOD "full.json");
	const struct kt_step *st = sf->steps.steps;
	const struct kt_assert *a = &sf->assert;
	const struct kt_cgroup_def *d;

	(void)state;
	assert_string_equal(sf->name, "sf_full");
	assert_true(sf->duration_ns == KT_MS(1500));
	assert_int_equal(sf->workers, 4);

	assert_true(a->not_starved.set && a->not_starved.val);
	assert_true(a->isolation.set && !a->isolation.val);
	assert_true(a->max_spread_pct.set && a->max_spread_pct.val == 25.0);
	assert_true(a->max_gap_ns.set && a->max_gap_ns.val == KT_MS(3000));
	assert_true(a->max_throughput_cv.set &&
		    a->max_throughput_cv.val == 0.5);
	assert_true(a->min_work_rate.set && a->min_work_rate.val == 10.5);
	assert_true(a->max_p99_wake_latency_ns.set &&
		    a->max_p99_wake_latency_ns.val == KT_MS(20));
	assert_true(a->max_migration_ratio.set &&
		    a->max_migration_ratio.val == 0.25);

	d = def(&sf->backdrop.defs, 0);
	assert_string_equal(d->name, "base");
	assert_int_equal(d->cpuset.kind, KT_CPUSET_KIND_LLC);
	assert_int_equal(d->cpuset.index, 0);
	assert_int_equal(d->workers, 2);
	assert_int_equal(d->work_type.kind, KT_WORK_BURSTY);
	assert_true(d->work_type.bursty.burst_ns == KT_MS(20));
	assert_true(d->work_type.bursty.sleep_ns == KT_MS(40));
	assert_int_equal(d->sched_policy.kind, KT_POLICY_BATCH);
	assert_int_equal(d->affinity.kind, KT_AFFINITY_KIND_INHERIT);
	assert_true(d->swappable);
	d = def(&sf->backdrop.defs, 1);
	assert_int_equal(d->cpuset.kind, KT_CPUSET_KIND_NUMA);
	assert_int_equal(d->work_type.kind, KT_WORK_YIELD_HEAVY);
	assert_int_equal(d->sched_policy.kind, KT_POLICY_FIFO);
	assert_int_equal(d->sched_policy.priority, 10);
	assert_int_equal(d->affinity.kind, KT_AFFINITY_KIND_EXACT);
	assert_string_equal(d->affinity.exact, "0-1");
	assert_int_equal(sf->backdrop.ops.nr, 1);
	assert_int_equal(sf->backdrop.ops.ops[0].kind, KT_OP_KIND_ADD_CGROUP);
	assert_string_equal(sf->backdrop.ops.ops[0].cgroup, "extra");

	assert_int_equal(sf->steps.nr, 5);
	/* every hold kind */
	assert_int_equal(st[0].hold.kind, KT_HOLD_KIND_FRAC);
	assert_true(st[0].hold.frac == 0.25);
	assert_int_equal(st[1].hold.kind, KT_HOLD_KIND_FIXED);
	assert_true(st[1].hold.ns == KT_MS(200));
	assert_int_equal(st[2].hold.kind, KT_HOLD_KIND_LOOP);
	assert_true(st[2].hold.ns == KT_MS(100));
	assert_int_equal(st[3].hold.kind, KT_HOLD_KIND_FULL);
	assert_int_equal(st[4].hold.kind, KT_HOLD_KIND_FULL); /* {} */
	assert_int_equal(st[4].defs.nr, 0);
	/* every cpuset kind, policy and affinity */
	d = def(&st[0].defs, 0);
	assert_int_equal(d->cpuset.kind, KT_CPUSET_KIND_RANGE);
	assert_true(d->cpuset.start_frac == 0.0 && d->cpuset.end_frac == 0.5);
	assert_int_equal(d->work_type.kind, KT_WORK_PIPE_IO);
	assert_int_equal(d->work_type.pipe_io.burst_iters, 512);
	assert_int_equal(d->sched_policy.kind, KT_POLICY_IDLE);
	assert_int_equal(d->affinity.kind, KT_AFFINITY_KIND_RANDOM_SUBSET);
	d = def(&st[1].defs, 0);
	assert_int_equal(d->cpuset.kind, KT_CPUSET_KIND_DISJOINT);
	assert_int_equal(d->cpuset.index, 1);
	assert_int_equal(d->cpuset.of, 2);
	assert_int_equal(d->sched_policy.kind, KT_POLICY_RR);
	assert_int_equal(d->sched_policy.priority, 5);
	assert_int_equal(d->affinity.kind, KT_AFFINITY_KIND_LLC_ALIGNED);
	d = def(&st[2].defs, 0);
	assert_int_equal(d->cpuset.kind, KT_CPUSET_KIND_OVERLAP);
	assert_int_equal(d->cpuset.index, 0);
	assert_int_equal(d->cpuset.of, 3);
	assert_true(d->cpuset.frac == 0.5);
	assert_int_equal(d->affinity.kind, KT_AFFINITY_KIND_CROSS_CGROUP);
	assert_int_equal(d->work_type.kind, KT_WORK_SEQUENCE);
	assert_int_equal(d->work_type.sequence.nr, 4);
	assert_int_equal(d->work_type.sequence.phases[1].kind, KT_PHASE_SLEEP);
	assert_true(d->work_type.sequence.phases[1].ns == KT_US(2500));
	assert_int_equal(d->work_type.sequence.phases[3].kind, KT_PHASE_IO);
	/* a loop step's op may name the step's own cgroup */
	assert_int_equal(st[2].ops.nr, 1);
	assert_int_equal(st[2].ops.ops[0].kind, KT_OP_KIND_SET_AFFINITY);
	assert_int_equal(st[2].ops.ops[0].affinity.kind,
			 KT_AFFINITY_KIND_SINGLE_CPU);
	d = def(&st[3].defs, 0);
	assert_int_equal(d->cpuset.kind, KT_CPUSET_KIND_EXACT);
	assert_string_equal(d->cpuset.exact, "0-2");
	/* budget: 0.25 + 0.2 s fixed + full 1.5 s (the loop step adds none) */
	assert_true(kt_scenario_file_budget_ns(sf, KT_MS(1500)) ==
		    KT_MS(375) + KT_MS(200) + KT_MS(1500) + KT_MS(1500));
}

static void test_every_op(void **state)
{
	static const enum kt_op_kind kinds[] = {
	    KT_OP_KIND_ADD_CGROUP,     KT_OP_KIND_SET_CPUSET,
	    KT_OP_KIND_SPAWN,	       KT_OP_KIND_SWAP_CPUSETS,
	    KT_OP_KIND_SPAWN_HOST,     KT_OP_KIND_SET_AFFINITY,
	    KT_OP_KIND_CLEAR_CPUSET,   KT_OP_KIND_MOVE_ALL_TASKS,
	    KT_OP_KIND_STOP_CGROUP,    KT_OP_KIND_REMOVE_CGROUP,
	    KT_OP_KIND_MOVE_ALL_TASKS,
	};
	_cleanup_(kt_scenario_file_freep) struct kt_scenario_file *sf =
	    load(GOOD "every_op.json");
	const struct kt_op *o1, *o2;
	size_t n = 0;

	(void)state;
	assert_int_equal(sf->steps.nr, 2);
	assert_int_equal(sf->steps.steps[0].ops.nr, 5);
	assert_int_equal(sf->steps.steps[1].ops.nr, 6);
	for (size_t s = 0; s < 2; s++)
		for (size_t i = 0; i < sf->steps.steps[s].ops.nr; i++)
			assert_int_equal(sf->steps.steps[s].ops.ops[i].kind,
					 kinds[n++]);
	o1 = sf->steps.steps[0].ops.ops;
	o2 = sf->steps.steps[1].ops.ops;
	assert_string_equal(o1[0].cgroup, "c");
	assert_int_equal(o1[1].cpuset.kind, KT_CPUSET_KIND_LLC);
	assert_string_equal(o1[2].cgroup, "c");
	assert_int_equal(o1[2].work.num_workers, 2);
	assert_int_equal(o1[2].work.work.kind, KT_WORK_MUTEX_CONTENTION);
	assert_int_equal(o1[2].work.work.mutex_contention.contenders, 2);
	assert_int_equal(o1[2].work.policy.kind, KT_POLICY_BATCH);
	assert_string_equal(o1[3].cgroup, "a");
	assert_string_equal(o1[3].other, "b");
	assert_null(o1[4].cgroup);
	assert_int_equal(o1[4].work.work.kind, KT_WORK_MIXED);
	assert_int_equal(o1[4].work.num_workers, 1);
	assert_int_equal(o2[0].affinity.kind, KT_AFFINITY_KIND_SINGLE_CPU);
	assert_string_equal(o2[2].cgroup, "a");
	assert_string_equal(o2[2].other, "b");
	assert_string_equal(o2[5].other, ""); /* the run's cgroup parent */
	assert_int_equal(sf->backdrop.defs.defs[1].cpuset.kind,
			 KT_CPUSET_KIND_DISJOINT);
}

/* The example in docs/scenario-files.md, kept in sync as a fixture. */
static void test_doc_example(void **state)
{
	_cleanup_(kt_scenario_file_freep) struct kt_scenario_file *sf =
	    load(GOOD "doc_example.json");

	(void)state;
	assert_string_equal(sf->name, "swap_under_load");
	assert_true(sf->duration_ns == KT_SEC(4));
	assert_int_equal(sf->steps.nr, 4);
	assert_int_equal(sf->steps.steps[3].hold.kind, KT_HOLD_KIND_LOOP);
	assert_true(sf->assert.max_p99_wake_latency_ns.val == KT_MS(50));
}

static void test_is_path(void **state)
{
	(void)state;
	assert_true(kt_scenario_file_is_path("x.json"));
	assert_true(kt_scenario_file_is_path("dir/steady"));
	assert_true(kt_scenario_file_is_path("./a"));
	assert_false(kt_scenario_file_is_path("steady"));
	assert_false(kt_scenario_file_is_path("json"));
	assert_false(kt_scenario_file_is_path(".json_x"));
}

/* ---- bad fixture files: the whole message, position and key path ---- */

/* Loading the bad fixture `file` fails with "PATH:" msg. */
static void expect_bad_fixture(const char *file, const char *msg)
{
	struct kt_scenario_file *sf = (void *)1;
	char path[512], want[1024];

	snprintf(path, sizeof(path), BAD "%s", file);
	snprintf(want, sizeof(want), "%s:%s", path, msg);
	assert_int_equal(kt_scenario_file_load(path, &sf), -EINVAL);
	assert_null(sf);
	if (strcmp(kt_last_error(), want))
		fail_msg("%s:\n got  %s\n want %s", file, kt_last_error(),
			 want);
}

static void test_bad_fixtures(void **state)
{
	static const struct {
		const char *file;
		const char *msg; /* after "PATH:" */
	} cases[] = {
	    {"syntax.json",
	     "4:11: invalid JSON: '}' expected near '\"cgroups\"'"},
	    {"duplicate_key.json", "5:36: cgroups[0]: duplicate key \"name\""},
	    {"unknown_top_key.json",
	     "4:3: top level: unknown key \"durations\" (expected one of "
	     "name, description, duration_s, workers, assert, backdrop, "
	     "steps, cgroups, map_writes, wait_for_map_write)"},
	    {"unknown_cgroup_key.json",
	     "6:22: cgroups[1]: unknown key \"worker\" for a cgroup "
	     "(expected one of name, cpuset, workers, work, policy, "
	     "affinity, swappable, mem_policy, threads, cpu.weight, cpu.max, "
	     "cpu.idle, cpuset.cpus.partition)"},
	    {"workers_string.json",
	     "5:33: cgroups[0].workers: must be an integer in 1..1024, not "
	     "a string"},
	    {"negative_workers.json",
	     "5:33: cgroups[0].workers: -2 is out of range 1..1024"},
	    {"unknown_op.json",
	     "6:21: steps[0].ops[0].op: unknown op \"SetCpusets\" (expected "
	     "one of AddCgroup, RemoveCgroup, SetCpuset, ClearCpuset, "
	     "SwapCpusets, Spawn, StopCgroup, SetAffinity, SpawnHost, "
	     "MoveAllTasks, CpuOffline, CpuOnline, RunPayload, WaitPayload, "
	     "KillPayload, WriteMap)"},
	    {"undefined_cgroup.json",
	     "7:54: steps[1].ops[0].b: no cgroup \"cg_2\" exists when this "
	     "op runs (known here: cg_0, cg_1)"},
	    {"own_def_in_op.json",
	     "6:46: steps[0].ops[0].cgroup: cgroup \"cg_0\" does not exist "
	     "yet when this op runs: a step runs its ops before it creates "
	     "its own \"cgroups\" (define it in \"backdrop\" or add it with "
	     "an AddCgroup op first)"},
	    {"bad_hold.json",
	     "6:28: steps[0].hold: a hold has both \"frac\" and "
	     "\"fixed_ms\"; give exactly one"},
	    {"hold_string.json",
	     "5:45: steps[0].hold: unknown hold \"half\" (expected \"full\", "
	     "{\"frac\": F}, {\"fixed_ms\": MS} or {\"loop_ms\": MS})"},
	    {"bad_cpuset_key.json",
	     "8:26: steps[1].ops[0].cpuset: unknown key \"llcs\" (expected "
	     "one of llc, numa, range, disjoint, overlap, exact)"},
	    {"frac_range.json",
	     "5:54: steps[0].hold.frac: 1.5 is out of range [0, 1]"},
	    {"fixed_zero.json",
	     "5:58: steps[0].hold.fixed_ms: must be greater than 0, not 0"},
	    {"range_order.json",
	     "5:42: cgroups[0].cpuset.range: range cpuset [0.75, 0.25): start "
	     "must be below end"},
	    {"empty_steps.json",
	     "4:12: steps: is empty; a scenario needs at least one step"},
	    {"no_steps.json",
	     "1:1: top level: nothing to run: give \"steps\" (or \"cgroups\" "
	     "for one step that holds them throughout)"},
	    {"group_mismatch.json",
	     "5:33: cgroups[0].workers: PipeIo needs workers in groups of 2; "
	     "3 workers do not divide evenly"},
	    {"unknown_policy.json",
	     "5:32: cgroups[0].policy: unknown policy \"Sporadic\" (expected "
	     "\"Normal\", \"Batch\", \"Idle\", {\"fifo\": PRIO}, {\"rr\": "
	     "PRIO}, \"Ext\" or {\"deadline\": {...}})"},
	    {"rt_priority.json",
	     "5:41: cgroups[0].policy.fifo: 120 is out of range 1..99"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_bad_fixture(cases[i].file, cases[i].msg);
}

/* The unknown work type message lists the names a file may use. */
static void test_unknown_work_type(void **state)
{
	struct kt_scenario_file *sf = NULL;
	const char *e;

	(void)state;
	assert_int_equal(
	    kt_scenario_file_load(BAD "unknown_work_type.json", &sf), -EINVAL);
	e = kt_last_error();
	assert_non_null(strstr(e, "unknown_work_type.json:6:52: "
				  "steps[1].cgroups[0].work.type: unknown "
				  "work type \"Spinwait\" (expected one of "
				  "SpinWait, YieldHeavy, Mixed, "));
	assert_non_null(strstr(e, "MutexContention"));
	assert_non_null(strstr(e, "Sequence, MessageWorker, RtInterference, "
				  "MemBandwidth)"));
	assert_null(strstr(e, "Custom"));
}

static void test_unreadable(void **state)
{
	struct kt_scenario_file *sf = NULL;

	(void)state;
	assert_int_equal(kt_scenario_file_load(BAD "no-such-file.json", &sf),
			 -ENOENT);
	assert_null(sf);
	assert_non_null(strstr(kt_last_error(),
			       "no-such-file.json: No such file or directory"));
}

/* ---- inline text ---- */

#define HEAD "{\"name\": \"t\", \"description\": \"d\",\n"

static int mismatches;

/* Counts a wrong message (all are printed), so one run shows them all. */
static void expect_bad(const char *text, const char *want)
{
	struct kt_scenario_file *sf = NULL;
	char full[1024];

	snprintf(full, sizeof(full), "t.json:%s", want);
	assert_int_equal(
	    kt_scenario_file_parse(text, strlen(text), "t.json", &sf), -EINVAL);
	assert_null(sf);
	if (strcmp(kt_last_error(), full)) {
		print_error("got  %s\nwant %s\n", kt_last_error(), full);
		mismatches++;
	}
}

static void test_inline_mistakes(void **state)
{
	(void)state;
	mismatches = 0;
	expect_bad("[1, 2]", "1:1: top level: a scenario file must hold one "
			     "JSON object, not an array");
	expect_bad("{\"description\": \"d\", \"cgroups\": []}",
		   "1:1: top level: \"name\" is missing");
	expect_bad("{\"name\": \"a b\", \"description\": \"d\"}",
		   "1:10: name: \"a b\" is not a usable scenario name (1..64 "
		   "letters, digits, '_', '-', '.')");
	expect_bad(HEAD "\"cgroups\": []}",
		   "2:12: cgroups: is empty; a scenario needs at least one "
		   "cgroup");
	expect_bad(HEAD "\"steps\": [{}], \"cgroups\": [{\"name\": \"a\"}]}",
		   "2:16: top level: \"cgroups\" (one step holding them "
		   "throughout) and \"steps\" exclude each other; put the "
		   "cgroups in a step");
	expect_bad(HEAD "\"duration_s\": \"2\", \"cgroups\": [{\"name\": "
			"\"a\"}]}",
		   "2:15: duration_s: must be a number, not a string");
	expect_bad(HEAD "\"cgroups\": [{\"name\": \"a\", \"cpuset\": {}}]}",
		   "2:37: cgroups[0].cpuset: a cpuset is empty (expected one "
		   "of llc, numa, range, disjoint, overlap, exact)");
	expect_bad(HEAD "\"cgroups\": [{\"name\": \"a\", \"cpuset\": "
			"{\"disjoint\": [2, 2]}}]}",
		   "2:50: cgroups[0].cpuset.disjoint: disjoint cpuset 2 of 2: "
		   "index 2 >= partition count 2");
	expect_bad(HEAD "\"cgroups\": [{\"name\": \"a\", \"cpuset\": "
			"{\"range\": [0, 1.5]}}]}",
		   "2:51: cgroups[0].cpuset.range[1]: fraction 1.5 is outside "
		   "[0, 1]");
	expect_bad(
	    HEAD "\"cgroups\": [{\"name\": \"a\", \"cpuset\": "
		 "{\"overlap\": [0, 2]}}]}",
	    "2:49: cgroups[0].cpuset.overlap: must be [INDEX, OF, FRAC], "
	    "not an array of another length");
	expect_bad(HEAD "\"cgroups\": [{\"name\": \"a\", \"cpuset\": "
			"{\"exact\": \"3-1\"}}]}",
		   "2:47: cgroups[0].cpuset.exact: exact cpuset \"3-1\": "
		   "cpulist \"3-1\": bad token \"3-1\" (range start is greater "
		   "than its end)");
	expect_bad(HEAD "\"cgroups\": [{\"name\": \"a\", \"work\": "
			"{\"type\": \"Bursty\", \"burst\": 5}}]}",
		   "2:54: cgroups[0].work: unknown key \"burst\" for work type "
		   "Bursty (expected one of type, burst_ms, sleep_ms)");
	expect_bad(HEAD "\"cgroups\": [{\"name\": \"a\", \"work\": "
			"\"Sequence\"}]}",
		   "2:35: cgroups[0].work: Sequence needs its phases: write "
		   "{\"type\": \"Sequence\", \"phases\": [{\"kind\": \"Spin\", "
		   "\"ms\": 5}, ...]}");
	expect_bad(
	    HEAD "\"cgroups\": [{\"name\": \"a\", \"work\": "
		 "{\"type\": \"Sequence\", \"phases\": [{\"kind\": "
		 "\"Nap\", \"ms\": 1}]}}]}",
	    "2:76: cgroups[0].work.phases[0].kind: unknown phase \"Nap\" "
	    "(expected one of Spin, Sleep, Yield, Io)");
	expect_bad(HEAD "\"cgroups\": [{\"name\": \"a\", \"work\": "
			"\"Custom\"}]}",
		   "2:35: cgroups[0].work: Custom work runs a C function and "
		   "cannot come from a scenario file");
	/* the file's workers decide a def without its own count */
	expect_bad(HEAD "\"workers\": 3, \"cgroups\": [{\"name\": \"a\", "
			"\"work\": \"FutexPingPong\"}]}",
		   "2:49: cgroups[0].work: FutexPingPong needs workers in "
		   "groups of 2; 3 workers do not divide evenly (the file's "
		   "\"workers\")");
	expect_bad(HEAD "\"cgroups\": [{\"name\": \"a\", \"affinity\": "
			"\"Pinned\"}]}",
		   "2:39: cgroups[0].affinity: unknown affinity \"Pinned\" "
		   "(expected \"Inherit\", \"RandomSubset\", \"LlcAligned\", "
		   "\"CrossCgroup\", \"SingleCpu\" or {\"exact\": "
		   "\"CPULIST\"})");
	expect_bad(HEAD "\"cgroups\": [{\"name\": \"a\", \"swappable\": 1}]}",
		   "2:40: cgroups[0].swappable: must be true or false, not an "
		   "integer");
	expect_bad(HEAD "\"cgroups\": [{\"name\": \"a\"}, {\"name\": \"a\"}]}",
		   "2:37: cgroups[1].name: cgroup \"a\" already exists at this "
		   "point");
	expect_bad(
	    HEAD "\"assert\": {\"max_gap\": 5}, \"cgroups\": "
		 "[{\"name\": \"a\"}]}",
	    "2:12: assert: unknown key \"max_gap\" (expected one of "
	    "not_starved, isolation, max_spread_pct, max_gap_ms, "
	    "max_throughput_cv, min_work_rate, max_p99_wake_latency_us, "
	    "max_migration_ratio, conservation, max_idle_wait_pct, "
	    "coverage, min_dl_runtime_pct, max_ev_select_cpu_fallback, "
	    "max_ev_dispatch_local_dsq_offline, max_ev_dispatch_keep_last, "
	    "max_ev_enq_skip_exiting, max_ev_enq_skip_migration_disabled, "
	    "max_ev_refill_slice_dfl, max_ev_bypass_dispatch, "
	    "max_ev_bypass_activate, max_ev_insert_not_owned, "
	    "max_p99_request_latency_us, max_weight_err_pct, "
	    "max_bw_excess_pct, max_queue_depth, max_imbalance_ratio, "
	    "fail_on_stall)");
	expect_bad(HEAD "\"assert\": {\"not_starved\": \"yes\"}, \"cgroups\": "
			"[{\"name\": \"a\"}]}",
		   "2:27: assert.not_starved: must be true or false, not a "
		   "string");
	/* ops */
	expect_bad(HEAD "\"backdrop\": {\"cgroups\": [{\"name\": \"a\"}]},\n"
			"\"steps\": [{\"ops\": [{\"op\": \"SetCpuset\", "
			"\"cgroup\": \"a\"}]}]}",
		   "3:20: steps[0].ops[0]: op SetCpuset needs \"cpuset\"");
	expect_bad(HEAD "\"backdrop\": {\"cgroups\": [{\"name\": \"a\"}]},\n"
			"\"steps\": [{\"ops\": [{\"op\": \"ClearCpuset\", "
			"\"cgroup\": \"a\", \"cpuset\": {\"llc\": 0}}]}]}",
		   "3:57: steps[0].ops[0]: unknown key \"cpuset\" for op "
		   "ClearCpuset (expected one of op, cgroup)");
	expect_bad(HEAD "\"steps\": [{\"ops\": [{\"cgroup\": \"a\"}]}]}",
		   "2:20: steps[0].ops[0]: \"op\" is missing");
	expect_bad(HEAD "\"backdrop\": {\"cgroups\": [{\"name\": \"a\"}]},\n"
			"\"steps\": [{\"ops\": [{\"op\": \"AddCgroup\", "
			"\"cgroup\": \"b\"}], \"hold\": {\"loop_ms\": 50}}]}",
		   "3:27: steps[0].ops[0].op: AddCgroup cannot repeat in a "
		   "loop step (its second round would add \"b\" again)");
	expect_bad(HEAD "\"backdrop\": {\"cgroups\": [{\"name\": \"a\"}],\n"
			"\"ops\": [{\"op\": \"AddCgroup\", \"cgroup\": "
			"\"a\"}]}, \"steps\": [{}]}",
		   "3:39: backdrop.ops[0].cgroup: cgroup \"a\" already exists "
		   "at this point");
	expect_bad(HEAD "\"backdrop\": {\"cgroups\": [{\"name\": \"a\"}]},\n"
			"\"steps\": [{\"ops\": [{\"op\": \"RemoveCgroup\", "
			"\"cgroup\": \"a\"}]}, {\"ops\": [{\"op\": "
			"\"StopCgroup\", \"cgroup\": \"a\"}]}]}",
		   "3:101: steps[1].ops[0].cgroup: no cgroup \"a\" exists when "
		   "this op runs (known here: none)");
	expect_bad(HEAD "\"backdrop\": {\"cgroups\": [{\"name\": \"a\"}]},\n"
			"\"steps\": [{\"ops\": [{\"op\": \"SwapCpusets\", "
			"\"a\": \"a\", \"b\": \"a\"}]}]}",
		   "3:52: steps[0].ops[0]: SwapCpusets names \"a\" twice");
	expect_bad(HEAD "\"steps\": [{\"ops\": [{\"op\": \"SpawnHost\", "
			"\"workers\": 3, \"work\": {\"type\": \"PipeIo\"}}]}]}",
		   "2:51: steps[0].ops[0].workers: PipeIo needs workers in "
		   "groups of 2; 3 workers do not divide evenly");
	expect_bad(HEAD "\"steps\": [{\"hold\": {\"loop_ms\": -5}}]}",
		   "2:32: steps[0].hold.loop_ms: must be greater than 0, not "
		   "-5");
	expect_bad(HEAD "\"steps\": [{\"cgroups\": {\"name\": \"a\"}}]}",
		   "2:23: steps[0].cgroups: must be an array of cgroup "
		   "definitions, not an object");
	expect_bad(HEAD "\"steps\": [{\"holds\": \"full\"}]}",
		   "2:12: steps[0]: unknown key \"holds\" for a step (expected "
		   "one of cgroups, ops, hold)");
	/* a duplicate key deep down; and a syntax error at the very end */
	expect_bad(HEAD "\"steps\": [{\"hold\": {\"frac\": 0.5, \"frac\": "
			"0.25}}]}",
		   "2:34: steps[0].hold: duplicate key \"frac\"");
	expect_bad(HEAD "\"cgroups\": [{\"name\": \"a\"}]",
		   "2:26: invalid JSON: '}' expected near end of file");
	assert_int_equal(mismatches, 0);
}

/* Columns count characters, not bytes; escaped keys are matched. */
/* Parse text that must fail; the message must contain want. */
static void expect_bad_part(const char *text, const char *want)
{
	struct kt_scenario_file *sf = NULL;

	assert_int_equal(
	    kt_scenario_file_parse(text, strlen(text), "t.json", &sf), -EINVAL);
	assert_null(sf);
	if (!strstr(kt_last_error(), want))
		fail_msg("got \"%s\", want \"%s\" in it", kt_last_error(),
			 want);
}

/* MessageWorker, RtInterference and MemBandwidth from a file: names,
 * parameters, the request latency bound, and their mistakes. */
static void test_new_work_types(void **state)
{
	static const char text[] =
	    "{\"name\": \"t\", \"description\": \"d\",\n"
	    "\"assert\": {\"max_p99_request_latency_us\": 2500},\n"
	    "\"cgroups\": [{\"name\": \"m\", \"workers\": 3, \"work\": "
	    "{\"type\": \"MessageWorker\", \"fan_out\": 2, "
	    "\"request_iters\": 50, \"sleep_usec\": 300}},\n"
	    "{\"name\": \"r\", \"workers\": 4, \"work\": "
	    "{\"type\": \"RtInterference\", \"rt_members\": 1, "
	    "\"normal_members\": 3, \"burst_iters\": 64, \"sleep_usec\": "
	    "500, \"rt_priority\": 20}},\n"
	    "{\"name\": \"b\", \"work\": \"MemBandwidth\"},\n"
	    "{\"name\": \"b2\", \"work\": {\"type\": \"MemBandwidth\", "
	    "\"size_kb\": 65536}}]}";
	_cleanup_(kt_scenario_file_freep) struct kt_scenario_file *sf = NULL;
	const struct kt_defs *d;

	(void)state;
	assert_int_equal(
	    kt_scenario_file_parse(text, strlen(text), "t.json", &sf), 0);
	assert_true(sf->assert.max_p99_request_latency_ns.set);
	assert_true(sf->assert.max_p99_request_latency_ns.val == KT_US(2500));
	d = &sf->steps.steps[0].defs;
	assert_int_equal(def(d, 0)->work_type.kind, KT_WORK_MESSAGE_WORKER);
	assert_int_equal(def(d, 0)->work_type.message_worker.fan_out, 2);
	assert_int_equal(def(d, 0)->work_type.message_worker.request_iters, 50);
	assert_int_equal(def(d, 0)->work_type.message_worker.sleep_usec, 300);
	assert_int_equal(def(d, 1)->work_type.kind, KT_WORK_RT_INTERFERENCE);
	assert_int_equal(def(d, 1)->work_type.rt_interference.rt_members, 1);
	assert_int_equal(def(d, 1)->work_type.rt_interference.normal_members,
			 3);
	assert_int_equal(def(d, 1)->work_type.rt_interference.burst_iters, 64);
	assert_int_equal(def(d, 1)->work_type.rt_interference.sleep_usec, 500);
	assert_int_equal(def(d, 1)->work_type.rt_interference.rt_priority, 20);
	assert_int_equal(def(d, 2)->work_type.kind, KT_WORK_MEM_BANDWIDTH);
	assert_int_equal(def(d, 2)->work_type.mem_bandwidth.size_kb, 0);
	assert_int_equal(def(d, 3)->work_type.mem_bandwidth.size_kb, 65536);

	expect_bad_part(HEAD "\"cgroups\": [{\"name\": \"a\", \"work\": "
			     "{\"type\": \"RtInterference\", "
			     "\"rt_priority\": 100}}]}",
			"cgroups[0].work: RtInterference rt_priority 100: out "
			"of range 1..99");
	expect_bad_part(HEAD "\"cgroups\": [{\"name\": \"a\", \"workers\": "
			     "4, \"work\": {\"type\": \"MessageWorker\", "
			     "\"fan_out\": 2}}]}",
			"MessageWorker needs workers in groups of 3; 4 "
			"workers do not divide evenly");
	expect_bad_part(HEAD "\"cgroups\": [{\"name\": \"a\", \"work\": "
			     "{\"type\": \"MemBandwidth\", \"size\": 1}}]}",
			"unknown key \"size\" for work type MemBandwidth "
			"(expected one of type, size_kb)");
	expect_bad_part(HEAD "\"cgroups\": [{\"name\": \"a\", \"work\": "
			     "{\"type\": \"MemBandwidth\", \"size_kb\": "
			     "16}}]}",
			"MemBandwidth size_kb 16: out of range 64..1048576");
	expect_bad_part(HEAD "\"assert\": {\"max_p99_request_latency_us\": "
			     "0}, \"cgroups\": [{\"name\": \"a\"}]}",
			"max_p99_request_latency_us");
}

static void test_positions_utf8(void **state)
{
	(void)state;
	mismatches = 0;
	expect_bad("{\"name\": \"t\", \"description\": \"\xc3\xa9t\xc3\xa9\", "
		   "\"bogus\": 1}",
		   "1:37: top level: unknown key \"bogus\" (expected one of "
		   "name, description, duration_s, workers, assert, backdrop, "
		   "steps, cgroups, map_writes, wait_for_map_write)");
	expect_bad(HEAD "\"cgroups\": [{\"name\": \"a\", \"w\\u006frkers\": "
			"\"x\"}]}",
		   "2:43: cgroups[0].workers: must be an integer in 1..1024, "
		   "not a string");
	assert_int_equal(mismatches, 0);
}

/* ---- running a loaded file ---- */

static void test_run_with_noop_cgroups(void **state)
{
	static const char text[] = HEAD
	    "\"workers\": 2,\n"
	    "\"assert\": {\"max_spread_pct\": 100, \"max_gap_ms\": 30000},\n"
	    "\"backdrop\": {\"cgroups\": [{\"name\": \"keep\"}]},\n"
	    "\"steps\": [{\"cgroups\": [{\"name\": \"s1\", \"workers\": 1, "
	    "\"work\": \"YieldHeavy\"}], \"hold\": {\"frac\": 0.5}},\n"
	    "  {\"ops\": [{\"op\": \"Spawn\", \"cgroup\": \"keep\", "
	    "\"workers\": 1}], \"hold\": {\"frac\": 0.5}}]}";
	_cleanup_(kt_scenario_file_freep) struct kt_scenario_file *sf = NULL;
	_cleanup_(kt_cgroup_ops_freep) struct kt_cgroup_ops *noop = NULL;
	_cleanup_(kt_topo_freep) struct kt_topo *topo = NULL;
	struct kt_topo_spec spec = KT_TOPO(1, 2, 2, 1);
	atomic_ushort step = 0;
	struct kt_result res;
	struct kt_ctx ctx;

	(void)state;
	assert_int_equal(
	    kt_scenario_file_parse(text, strlen(text), "t.json", &sf), 0);
	assert_int_equal(kt_topo_from_spec(&spec, 0, &topo), 0);
	assert_int_equal(kt_cgroup_noop_new(&noop), 0);
	ctx = (struct kt_ctx){
	    .cgroups = noop,
	    .topo = topo,
	    .duration = KT_MS(400),
	    .workers_per_cgroup = sf->workers,
	    .assert = (struct kt_assert){.not_starved = KT_SET(true)},
	    .current_step = &step,
	};
	kt_result_init(&res);
	assert_int_equal(
	    kt_scenario_file_run(sf, &ctx, "1n2l2c1t", "eevdf", &res), 0);
	if (res.verdict != KT_VERDICT_PASS)
		fail_msg("verdict %d: %s", res.verdict,
			 res.nr_details ? res.details[0].msg : "");
	assert_string_equal(res.scenario, "t");
	assert_string_equal(res.topo, "1n2l2c1t");
	/* s1 when step 1 ends; keep's two workers and the spawned one at
	 * the end of the run */
	assert_true(res.nr_stats >= 2);
	assert_string_equal(res.stats[0].cgroup, "s1");
	assert_int_equal(res.stats[0].workers, 1);
	kt_result_free(&res);

	/* the file's layer goes over ctx->assert: an impossible work rate */
	sf->assert.min_work_rate = (struct kt_opt_f64)KT_SET(1e18);
	kt_result_init(&res);
	assert_int_equal(
	    kt_scenario_file_run(sf, &ctx, "1n2l2c1t", "eevdf", &res), 0);
	assert_int_equal(res.verdict, KT_VERDICT_FAIL);
	kt_result_free(&res);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_minimal),
	    cmocka_unit_test(test_full),
	    cmocka_unit_test(test_every_op),
	    cmocka_unit_test(test_doc_example),
	    cmocka_unit_test(test_is_path),
	    cmocka_unit_test(test_bad_fixtures),
	    cmocka_unit_test(test_unknown_work_type),
	    cmocka_unit_test(test_unreadable),
	    cmocka_unit_test(test_inline_mistakes),
	    cmocka_unit_test(test_positions_utf8),
	    cmocka_unit_test(test_run_with_noop_cgroups),
	    cmocka_unit_test(test_new_work_types),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
