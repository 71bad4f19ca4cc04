/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Worker policies and shape: the Deadline policy's checks (the kernel's
 * limits, runtime <= deadline <= period) with their messages, memory
 * policies (names, node rules, the node count of a topology, the text
 * form), their scenario-file forms and mistakes, the before-boot node
 * check of a scenario file, the result's per-worker entries through JSON,
 * and threads mode on this host: distinct tids in one process, each
 * measured on its own, stopping and reporting like forked workers.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include <ktstr/check.h>
#include <ktstr/result.h>
#include <ktstr/scenario_file.h>
#include <ktstr/workload.h>

static void expect_msg(int rc, const char *needle)
{
	assert_int_equal(rc, -EINVAL);
	if (!strstr(kt_last_error(), needle))
		fail_msg("error \"%s\" does not name \"%s\"", kt_last_error(),
			 needle);
}

static void test_deadline_check(void **state)
{
	struct kt_sched_policy p;
	enum kt_policy_kind k;

	(void)state;
	assert_string_equal(kt_policy_name(KT_POLICY_DEADLINE), "Deadline");
	assert_string_equal(kt_policy_short_name(KT_POLICY_DEADLINE),
			    "deadline");
	assert_int_equal(kt_policy_parse("Deadline", &k), 0);
	assert_int_equal(k, KT_POLICY_DEADLINE);
	assert_false(kt_policy_is_realtime(KT_POLICY_DEADLINE));
	assert_true(kt_policy_above_fair(KT_POLICY_DEADLINE));
	assert_true(kt_policy_above_fair(KT_POLICY_FIFO));
	assert_false(kt_policy_above_fair(KT_POLICY_IDLE));
	assert_false(kt_policy_above_fair(KT_POLICY_EXT));

	p = KT_POLICY_DEADLINE_OF(KT_MS(5), KT_MS(20), KT_MS(20));
	assert_int_equal(kt_policy_check(&p), 0);
	p = KT_POLICY_DEADLINE_OF(KT_MS(5), 0, KT_MS(20)); /* dl = period */
	assert_int_equal(kt_policy_check(&p), 0);
	p = KT_POLICY_DEADLINE_OF(KT_MS(5), KT_MS(4), KT_MS(20));
	expect_msg(kt_policy_check(&p),
		   "runtime 5000000 ns, deadline 4000000 ns, period 20000000 "
		   "ns: need runtime <= deadline <= period");
	p = KT_POLICY_DEADLINE_OF(KT_MS(5), KT_MS(30), KT_MS(20));
	expect_msg(kt_policy_check(&p), "need runtime <= deadline <= period");
	p = KT_POLICY_DEADLINE_OF(KT_MS(30), 0, KT_MS(20));
	expect_msg(kt_policy_check(&p), "runtime 30000000 ns, deadline "
					"20000000 ns, period 20000000 ns");
	p = KT_POLICY_DEADLINE_OF(1000, 0, KT_MS(20));
	expect_msg(kt_policy_check(&p),
		   "runtime 1000 ns: below the kernel's minimum of 1024 ns");
	p = KT_POLICY_DEADLINE_OF(KT_US(10), 0, KT_US(50));
	expect_msg(kt_policy_check(&p), "period 50000 ns: outside the "
					"kernel's range 100000..4194304000 ns");
	p = KT_POLICY_DEADLINE_OF(KT_MS(5), 0, KT_SEC(5));
	expect_msg(kt_policy_check(&p), "period 5000000000 ns: outside");
	p = (struct kt_sched_policy){.kind = KT_POLICY_DEADLINE};
	expect_msg(kt_policy_check(&p), "runtime 0 ns: below");
	p = KT_POLICY_DEADLINE_OF(KT_MS(5), 0, KT_MS(20));
	p.priority = 3;
	expect_msg(kt_policy_check(&p), "Deadline priority 3: a priority "
					"applies only to Fifo and RoundRobin");
	p = (struct kt_sched_policy){.kind = KT_POLICY_NORMAL,
				     .period_ns = KT_MS(1)};
	expect_msg(kt_policy_check(&p), "Normal policy: runtime/deadline/"
					"period apply only to Deadline");
	p = (struct kt_sched_policy){.kind = KT_POLICY_FIFO, .priority = 0};
	expect_msg(kt_policy_check(&p), "Fifo priority 0: out of range 1..99");
}

static void test_mempol_names_and_rules(void **state)
{
	struct kt_mem_policy m;
	enum kt_mempol_kind k;
	char buf[64];

	(void)state;
	for (k = 0; k < KT_MPOL__COUNT; k++) {
		enum kt_mempol_kind got = KT_MPOL__COUNT;

		assert_int_equal(kt_mempol_parse(kt_mempol_name(k), &got), 0);
		assert_int_equal(got, k);
	}
	expect_msg(kt_mempol_parse("bind", &k),
		   "expected one of Default, Bind, Preferred, Interleave, "
		   "Local, PreferredMany, WeightedInterleave");
	assert_int_equal(kt_mempol_flag_parse("StaticNodes"),
			 KT_MPOL_F_STATIC_NODES);
	assert_int_equal(kt_mempol_flag_parse("static"), 0);
	assert_string_equal(kt_mempol_flag_name(KT_MPOL_F_NUMA_BALANCING),
			    "NumaBalancing");

	m = KT_MEM_POLICY(BIND, 0x27);
	assert_string_equal(kt_mempol_str(&m, buf, sizeof(buf)), "Bind(0-2,5)");
	m = KT_MEM_POLICY(DEFAULT, 0);
	assert_string_equal(kt_mempol_str(&m, buf, sizeof(buf)), "Default");
	assert_int_equal(kt_mempol_check(&m, 1), 0);

	m = KT_MEM_POLICY(BIND, 1u << 1);
	assert_int_equal(kt_mempol_check(&m, 2), 0);
	assert_int_equal(kt_mempol_check(&m, 0), 0); /* nodes unknown */
	expect_msg(kt_mempol_check(&m, 1),
		   "memory policy Bind(1): names node 1, but the topology has "
		   "1 node (0..0)");
	m = KT_MEM_POLICY(BIND, 0);
	expect_msg(kt_mempol_check(&m, 2), "Bind: needs a node list");
	m = KT_MEM_POLICY(PREFERRED, 3);
	expect_msg(kt_mempol_check(&m, 2),
		   "Preferred: needs exactly one node (got 2)");
	m = KT_MEM_POLICY(LOCAL, 1);
	expect_msg(kt_mempol_check(&m, 2), "Local: takes no nodes");
	m = KT_MEM_POLICY(INTERLEAVE, 3);
	m.flags = KT_MPOL_F_STATIC_NODES | KT_MPOL_F_RELATIVE_NODES;
	expect_msg(kt_mempol_check(&m, 2),
		   "StaticNodes and RelativeNodes exclude each other");
	m = KT_MEM_POLICY(DEFAULT, 0);
	m.flags = KT_MPOL_F_STATIC_NODES;
	expect_msg(kt_mempol_check(&m, 2), "Default: takes no flags");
}

/* ---- scenario files ---- */

#define HEAD "{\"name\": \"t\", \"description\": \"d\", \"cgroups\": [\n"

static struct kt_scenario_file *parse(const char *text)
{
	struct kt_scenario_file *sf = NULL;

	if (kt_scenario_file_parse(text, strlen(text), "t.json", &sf))
		fail_msg("%s", kt_last_error());
	return sf;
}

static int mismatches;

/* Counts a wrong message (all are printed), so one run shows them all. */
static void expect_bad(const char *text, const char *want)
{
	struct kt_scenario_file *sf = NULL;

	assert_int_equal(
	    kt_scenario_file_parse(text, strlen(text), "t.json", &sf), -EINVAL);
	assert_null(sf);
	if (strcmp(kt_last_error(), want)) {
		print_error("got  %s\nwant %s\n", kt_last_error(), want);
		mismatches++;
	}
}

static void test_file_forms(void **state)
{
	_cleanup_(kt_scenario_file_freep) struct kt_scenario_file *sf = parse(
	    HEAD
	    "{\"name\": \"a\", \"policy\": {\"deadline\": {\"runtime_us\": "
	    "3000, \"deadline_us\": 8000, \"period_us\": 10000}},\n"
	    " \"mem_policy\": {\"kind\": \"Interleave\", \"nodes\": "
	    "\"0-1\", \"flags\": [\"StaticNodes\"]}, \"threads\": true},\n"
	    "{\"name\": \"b\", \"mem_policy\": \"Local\"},\n"
	    "{\"name\": \"c\", \"mem_policy\": {\"kind\": \"Preferred\", "
	    "\"nodes\": 1}}]}");
	const struct kt_cgroup_def *d = sf->steps.steps[0].defs.defs;

	(void)state;
	assert_int_equal(sf->steps.steps[0].defs.nr, 3);
	assert_int_equal(d[0].sched_policy.kind, KT_POLICY_DEADLINE);
	assert_true(d[0].sched_policy.runtime_ns == KT_MS(3));
	assert_true(d[0].sched_policy.deadline_ns == KT_MS(8));
	assert_true(d[0].sched_policy.period_ns == KT_MS(10));
	assert_int_equal(d[0].mem_policy.kind, KT_MPOL_INTERLEAVE);
	assert_true(d[0].mem_policy.nodes == 3);
	assert_int_equal(d[0].mem_policy.flags, KT_MPOL_F_STATIC_NODES);
	assert_true(d[0].threads);
	assert_int_equal(d[1].mem_policy.kind, KT_MPOL_LOCAL);
	assert_false(d[1].threads);
	assert_int_equal(d[2].mem_policy.kind, KT_MPOL_PREFERRED);
	assert_true(d[2].mem_policy.nodes == 2);

	/* memory-policy nodes against a topology, as ktstr vm does */
	assert_int_equal(kt_scenario_file_check_topo(sf, &KT_TOPO(2, 2, 2, 1)),
			 0);
	expect_msg(kt_scenario_file_check_topo(sf, &KT_TOPO(1, 2, 2, 1)),
		   "t.json: step 1, cgroup a: memory policy Interleave(0-1): "
		   "names node 1, but the topology has 1 node (0..0); use a "
		   "topology with that many NUMA nodes");
}

static void test_file_mistakes(void **state)
{
	(void)state;
	mismatches = 0;
	expect_bad(HEAD "{\"name\": \"a\", \"policy\": {\"deadline\": "
			"{\"runtime_us\": 30000, \"period_us\": 10000}}}]}",
		   "t.json:2:38: cgroups[0].policy.deadline: Deadline policy: "
		   "runtime 30000000 ns, deadline 10000000 ns, period 10000000 "
		   "ns: need runtime <= deadline <= period");
	expect_bad(HEAD "{\"name\": \"a\", \"policy\": {\"deadline\": "
			"{\"runtime_us\": 3000}}}]}",
		   "t.json:2:38: cgroups[0].policy.deadline: needs "
		   "\"runtime_us\" and \"period_us\" ({\"deadline\": "
		   "{\"runtime_us\": US, \"period_us\": US}})");
	expect_bad(HEAD "{\"name\": \"a\", \"policy\": {\"deadline\": "
			"{\"runtime\": 3000}}}]}",
		   "t.json:2:39: cgroups[0].policy.deadline: unknown key "
		   "\"runtime\" for a Deadline policy (expected one of "
		   "runtime_us, deadline_us, period_us)");
	expect_bad(HEAD "{\"name\": \"a\", \"policy\": \"Deadline\"}]}",
		   "t.json:2:25: cgroups[0].policy: Deadline needs its runtime "
		   "and period: {\"deadline\": {\"runtime_us\": US, "
		   "\"period_us\": US}}");
	expect_bad(HEAD "{\"name\": \"a\", \"affinity\": \"SingleCpu\", "
			"\"policy\": {\"deadline\": {\"runtime_us\": 3000, "
			"\"period_us\": 10000}}}]}",
		   "t.json:2:27: cgroups[0].affinity: Deadline workers cannot "
		   "take affinity SingleCpu: the kernel refuses a "
		   "SCHED_DEADLINE task an affinity narrower than its root "
		   "domain (EBUSY); leave it Inherit (a cpuset is fine)");
	expect_bad(HEAD "{\"name\": \"a\", \"mem_policy\": \"Bind\"}]}",
		   "t.json:2:29: cgroups[0].mem_policy: memory policy Bind: "
		   "needs a node list");
	expect_bad(HEAD "{\"name\": \"a\", \"mem_policy\": {\"kind\": "
			"\"Bind\", \"nodes\": \"x\"}}]}",
		   "t.json:2:55: cgroups[0].mem_policy.nodes: must be a node "
		   "list such as \"0-1\" or a node number 0..63");
	expect_bad(HEAD "{\"name\": \"a\", \"mem_policy\": {\"kind\": "
			"\"Bind\", \"nodes\": 0, \"flags\": [\"Static\"]}}]}",
		   "t.json:2:68: cgroups[0].mem_policy.flags[0]: unknown flag "
		   "(expected \"StaticNodes\", \"RelativeNodes\" or "
		   "\"NumaBalancing\")");
	expect_bad(HEAD "{\"name\": \"a\", \"mem_policy\": \"Nearby\"}]}",
		   "t.json:2:29: cgroups[0].mem_policy: parse memory policy "
		   "\"Nearby\": unknown name (expected one of Default, Bind, "
		   "Preferred, Interleave, Local, PreferredMany, "
		   "WeightedInterleave)");
	expect_bad(HEAD "{\"name\": \"a\", \"threads\": 1}]}",
		   "t.json:2:26: cgroups[0].threads: must be true or false, "
		   "not an integer");
	assert_int_equal(mismatches, 0);
}

/* ---- the result's worker entries ---- */

static void same_entry(const struct kt_worker_entry *a,
		       const struct kt_worker_entry *b)
{
	assert_string_equal(a->cgroup, b->cgroup);
	assert_int_equal(a->tid, b->tid);
	assert_int_equal(a->tgid, b->tgid);
	assert_string_equal(a->policy, b->policy);
	assert_int_equal(a->policy_seen, b->policy_seen);
	assert_string_equal(a->cpus_allowed, b->cpus_allowed);
	assert_true(a->cpu_time_ns == b->cpu_time_ns);
	assert_true(a->wall_time_ns == b->wall_time_ns);
	assert_true(a->work_units == b->work_units);
	assert_true(a->dl_runtime_ns == b->dl_runtime_ns);
	assert_true(a->dl_period_ns == b->dl_period_ns);
	assert_true(a->dl_got_ns == b->dl_got_ns);
	assert_string_equal(a->mem_policy, b->mem_policy);
	assert_string_equal(a->mem_seen, b->mem_seen);
}

static void test_worker_entries_json(void **state)
{
	struct kt_worker_entry e = {
	    .cgroup = "cg_dl",
	    .tid = 12,
	    .tgid = 10,
	    .policy = "Deadline",
	    .policy_seen = 6,
	    .cpus_allowed = "0-3",
	    .cpu_time_ns = 750,
	    .wall_time_ns = 3000,
	    .work_units = 99,
	    .dl_runtime_ns = KT_MS(5),
	    .dl_period_ns = KT_MS(20),
	    .dl_got_ns = KT_MS(4),
	    .mem_policy = "Bind(1)",
	    .mem_seen = "Bind(1)",
	};
	struct kt_result r, back;
	json_t *j, *w;

	(void)state;
	kt_result_init(&r);
	assert_int_equal(kt_result_add_worker(&r, &e), 0);
	e.tid = 13;
	e.mem_policy[0] = e.mem_seen[0] = '\0';
	e.dl_period_ns = e.dl_runtime_ns = e.dl_got_ns = 0;
	assert_int_equal(kt_result_add_worker(&r, &e), 0);
	j = kt_result_to_json(&r);
	assert_non_null(j);
	w = json_object_get(j, "workers");
	assert_int_equal(json_array_size(w), 2);
	/* zero deadline values and empty memory policies are left out */
	assert_null(json_object_get(json_array_get(w, 1), "dl_period_ns"));
	assert_null(json_object_get(json_array_get(w, 1), "mem_policy"));
	assert_int_equal(kt_result_from_json(j, &back), 0);
	assert_int_equal(back.nr_workers, 2);
	same_entry(&back.workers[0], &r.workers[0]);
	same_entry(&back.workers[1], &r.workers[1]);
	/* merging into itself appends a copy of every entry */
	assert_int_equal(kt_result_merge(&back, &back), 0);
	assert_int_equal(back.nr_workers, 4);
	assert_int_equal(back.workers[3].tid, 13);
	json_object_set_new(json_array_get(w, 0), "tid", json_string("x"));
	kt_result_free(&back);
	assert_int_equal(kt_result_from_json(j, &back), -EINVAL);
	assert_non_null(strstr(kt_last_error(), "workers[0].tid"));
	json_decref(j);
	kt_result_free(&r);
}

/* ---- the checks of the policies ---- */

static struct kt_worker_report report_of(pid_t tid, enum kt_policy_kind pol)
{
	struct kt_worker_report r = {
	    .tid = tid,
	    .tgid = tid,
	    .work_units = 1000,
	    .iterations = 10,
	    .cpu_time_ns = KT_MS(500),
	    .wall_time_ns = KT_SEC(2),
	    .off_cpu_ns = KT_MS(1500),
	    .policy = pol,
	    .policy_known = true,
	    .policy_seen = pol == KT_POLICY_DEADLINE ? 6 : 0,
	    .ext = -1,
	    .max_gap_cpu = -1,
	};

	kt_hist_init(&r.wake_latency);
	kt_cpuset_set(&r.cpus_used, 0);
	kt_cpuset_set(&r.cpus_allowed, 0);
	if (pol == KT_POLICY_DEADLINE) {
		r.dl_runtime_ns = KT_MS(5);
		r.dl_period_ns = KT_MS(20);
	}
	return r;
}

static bool has_detail(const struct kt_result *res, enum kt_detail_kind k,
		       const char *needle)
{
	for (size_t i = 0; i < res->nr_details; i++)
		if (res->details[i].kind == k &&
		    strstr(res->details[i].msg, needle))
			return true;
	return false;
}

static void test_policy_checks(void **state)
{
	struct kt_assert a = kt_assert_default_checks();
	struct kt_worker_report r[3];
	struct kt_result res;

	(void)state;
	/* 500 ms of 2 s at 5/20 ms: exactly its runtime; then 60% of it */
	r[0] = report_of(10, KT_POLICY_DEADLINE);
	r[1] = report_of(11, KT_POLICY_DEADLINE);
	r[1].cpu_time_ns = KT_MS(300);
	r[1].off_cpu_ns = KT_MS(1700);
	r[2] = report_of(12, KT_POLICY_NORMAL);
	r[2].mem_policy = KT_MEM_POLICY(BIND, 2);
	r[2].mem_checked = true;
	r[2].mem_mode_seen = 2; /* MPOL_BIND */
	r[2].mem_nodes_seen = 1;
	kt_result_init(&res);
	assert_int_equal(kt_assert_cgroup(&a, "cg", r, 3, NULL, &res), 0);
	assert_int_equal(res.verdict, KT_VERDICT_FAIL);
	assert_true(has_detail(&res, KT_DETAIL_NOTE,
			       "tid 10 (Deadline 5.00/20.00 ms): got 5.000 ms "
			       "of CPU per period (100% of its runtime)"));
	assert_true(has_detail(&res, KT_DETAIL_STARVED,
			       "tid 11: Deadline worker got 3.000 ms of CPU "
			       "per 20.00 ms period, 60% of its 5.000 ms "
			       "runtime (limit 70%)"));
	assert_false(has_detail(&res, KT_DETAIL_STARVED, "tid 10"));
	assert_true(has_detail(&res, KT_DETAIL_WORKER,
			       "tid 12 (cg): memory policy Bind(1) "
			       "configured, but get_mempolicy reads Bind(0)"));
	assert_int_equal(res.nr_workers, 3);
	assert_true(res.workers[0].dl_got_ns == KT_MS(5));
	assert_string_equal(res.workers[2].mem_policy, "Bind(1)");
	assert_string_equal(res.workers[2].mem_seen, "Bind(0)");
	kt_result_free(&res);

	/* the kernel running a Deadline worker under another policy */
	r[1] = r[0];
	r[1].policy_seen = 0;
	r[2].mem_nodes_seen = 2;
	kt_result_init(&res);
	assert_int_equal(kt_assert_cgroup(&a, "cg", r, 3, NULL, &res), 0);
	assert_true(has_detail(&res, KT_DETAIL_WORKER,
			       "tid 10: configured Deadline (policy 6), but "
			       "the kernel reports policy 0 at its end"));
	assert_false(has_detail(&res, KT_DETAIL_WORKER, "memory policy"));
	kt_result_free(&res);
}

/* ---- threads mode on this host ---- */

static void test_threads_mode(void **state)
{
	_cleanup_(kt_workload_freep) struct kt_workload *w = NULL;
	struct kt_workload_config c = {
	    .num_workers = 4,
	    .work = KT_WORK(KT_WORK_PIPE_IO),
	    .threads = true,
	    .mem_policy = KT_MEM_POLICY(LOCAL, 0),
	};
	const struct kt_worker_report *r = NULL;
	size_t nr = 0;

	(void)state;
	assert_int_equal(kt_workload_spawn(&c, &w), 0);
	for (size_t i = 0; i < 4; i++)
		assert_true(kt_workload_worker_set_up(w, i));
	assert_int_equal(kt_workload_start(w), 0);
	kt_sleep(KT_MS(200));
	assert_int_equal(kt_workload_stop_and_collect(w, &r, &nr), 0);
	assert_int_equal(nr, 4);
	for (size_t i = 0; i < nr; i++) {
		if (r[i].exit != KT_WORKER_OK)
			fail_msg("worker %zu: exit %d: %s", i, (int)r[i].exit,
				 r[i].error);
		/* one process, each worker its own thread (not the main) */
		assert_int_equal(r[i].tgid, r[0].tgid);
		assert_true(r[i].tid != r[i].tgid);
		assert_true(r[i].tgid != getpid());
		for (size_t k = 0; k < i; k++)
			assert_true(r[i].tid != r[k].tid);
		assert_true(r[i].work_units > 0);
		assert_true(r[i].cpu_time_ns > 0);
		assert_true(r[i].run_count > 0); /* its own schedstat */
		assert_true(r[i].policy_known);
		assert_int_equal(r[i].policy_seen, 0);
		assert_true(r[i].mem_checked);
	}
}

/* A setup failure in threads mode ends that thread only. */
static void test_threads_setup_failure(void **state)
{
	_cleanup_(kt_workload_freep) struct kt_workload *w = NULL;
	struct kt_workload_config c = {
	    .num_workers = 2,
	    .work = KT_WORK(KT_WORK_SPIN_WAIT),
	    .threads = true,
	    /* a node no machine here has: set_mempolicy says EINVAL */
	    .mem_policy = KT_MEM_POLICY(BIND, 1ULL << 40),
	};
	const struct kt_worker_report *r = NULL;
	size_t nr = 0;

	(void)state;
	assert_int_equal(kt_workload_spawn(&c, &w), 0);
	assert_false(kt_workload_worker_set_up(w, 0));
	assert_int_equal(kt_workload_stop_and_collect(w, &r, &nr), 0);
	for (size_t i = 0; i < nr; i++) {
		assert_int_equal(r[i].exit, KT_WORKER_NOT_STARTED);
		assert_non_null(strstr(r[i].error, "set_mempolicy Bind(40)"));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_deadline_check),
	    cmocka_unit_test(test_mempol_names_and_rules),
	    cmocka_unit_test(test_file_forms),
	    cmocka_unit_test(test_file_mistakes),
	    cmocka_unit_test(test_worker_entries_json),
	    cmocka_unit_test(test_policy_checks),
	    cmocka_unit_test(test_threads_mode),
	    cmocka_unit_test(test_threads_setup_failure),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
