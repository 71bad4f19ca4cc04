/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The CPU hotplug ops without a machine to unplug: their names, the
 * checks made before anything runs (no CPUs given, a bad spec, an offline
 * that would leave no usable CPU, counted across steps), a spec the
 * topology cannot hold (SKIP), their timeline events under the no-op
 * cgroup double (which never touches sysfs), and their scenario-file form.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <ktstr/ktstr.h>

static struct kt_topo *topo;
static struct kt_cgroup_ops *noop;
static atomic_ushort step;

static int setup(void **state)
{
	struct kt_topo_spec spec = KT_TOPO(1, 2, 2, 1); /* usable 0-2 */

	(void)state;
	kt_clear_error();
	if (kt_cgroup_noop_new(&noop))
		return -1;
	return kt_topo_from_spec(&spec, 0, &topo);
}

static int teardown(void **state)
{
	(void)state;
	kt_topo_free(topo);
	kt_cgroup_ops_freep(&noop);
	topo = NULL;
	return 0;
}

static struct kt_ctx ctx_of(uint64_t duration)
{
	return (struct kt_ctx){
	    .cgroups = noop,
	    .topo = topo,
	    .duration = duration,
	    .workers_per_cgroup = 1,
	    .current_step = &step,
	};
}

static void test_names(void **state)
{
	enum kt_op_kind k;

	(void)state;
	assert_string_equal(kt_op_kind_name(KT_OP_KIND_CPU_OFFLINE),
			    "CpuOffline");
	assert_string_equal(kt_op_kind_name(KT_OP_KIND_CPU_ONLINE),
			    "CpuOnline");
	assert_int_equal(kt_op_kind_parse("CpuOffline", &k), 0);
	assert_int_equal(k, KT_OP_KIND_CPU_OFFLINE);
	assert_int_equal(kt_op_kind_parse("CpuOnline", &k), 0);
	assert_int_equal(k, KT_OP_KIND_CPU_ONLINE);
	assert_int_equal(kt_op_kind_parse("CpuOff", &k), -EINVAL);
	assert_non_null(strstr(kt_last_error(), "CpuOffline, CpuOnline"));
}

static void expect_rejected(struct kt_steps steps, const char *want)
{
	struct kt_ctx ctx = ctx_of(KT_MS(100));
	struct kt_result res;

	kt_result_init(&res);
	assert_int_equal(kt_execute_steps(&ctx, &res, steps), -EINVAL);
	assert_string_equal(kt_last_error(), want);
	assert_int_equal(res.nr_timeline, 0); /* nothing ran */
	kt_result_free(&res);
}

static void test_rejected_up_front(void **state)
{
	(void)state;
	expect_rejected(
	    KT_STEPS(kt_step(.ops = KT_OPS(KT_OP_CPU_OFFLINE(KT_CPUSET_NONE)))),
	    "step 1: CpuOffline: no CPUs given (a cpuset spec: "
	    "llc(1), exact(3), ...)");
	expect_rejected(
	    KT_STEPS(kt_step(.ops = KT_OPS(
				 KT_OP_CPU_ONLINE(KT_CPUSET_EXACT("3-1"))))),
	    "step 1: CpuOnline: exact cpuset \"3-1\": cpulist \"3-1\": bad "
	    "token \"3-1\" (range start is greater than its end)");
	/* usable: 0-2 (cpu3 stays for the harness) */
	expect_rejected(
	    KT_STEPS(kt_step(.ops = KT_OPS(KT_OP_CPU_OFFLINE(
				 KT_CPUSET_RANGE(0.0, 1.0))))),
	    "step 1: CpuOffline range(0,1): would leave no usable CPU online "
	    "(usable: [0-2]); keep at least one");
	/* counted across steps and the backdrop... */
	expect_rejected(
	    KT_STEPS(kt_step(.ops = KT_OPS(
				 KT_OP_CPU_OFFLINE(KT_CPUSET_EXACT("1-2")))),
		     kt_step(.ops = KT_OPS(
				 KT_OP_CPU_OFFLINE(KT_CPUSET_EXACT("0"))))),
	    "step 2: CpuOffline exact(0): would leave no usable CPU online "
	    "(usable: [0-2]); keep at least one");
}

/* ...and an online in between gives the CPUs back. */
static void test_online_gives_back(void **state)
{
	struct kt_ctx ctx = ctx_of(KT_MS(60));
	struct kt_result res;

	(void)state;
	kt_result_init(&res);
	assert_int_equal(
	    kt_execute_steps(&ctx, &res,
			     KT_STEPS(kt_step(.ops = KT_OPS(KT_OP_CPU_OFFLINE(
						  KT_CPUSET_EXACT("1-2"))),
					      .hold = KT_HOLD_FRAC(0.5)),
				      kt_step(.ops = KT_OPS(KT_OP_CPU_ONLINE(
						  KT_CPUSET_EXACT("1-2"))),
					      .hold = KT_HOLD_FRAC(0.5)),
				      kt_step(.ops = KT_OPS(KT_OP_CPU_OFFLINE(
						  KT_CPUSET_EXACT("0"))),
					      .hold = KT_HOLD_FRAC(0.1)))),
	    0);
	assert_int_equal(res.verdict, KT_VERDICT_PASS);
	kt_result_free(&res);
}

static void test_skip_when_topology_too_small(void **state)
{
	struct kt_ctx ctx = ctx_of(KT_MS(100));
	struct kt_result res;

	(void)state;
	kt_result_init(&res);
	assert_int_equal(
	    kt_execute_steps(&ctx, &res,
			     KT_STEPS(kt_step(.ops = KT_OPS(KT_OP_CPU_OFFLINE(
						  KT_CPUSET_EXACT("9")))))),
	    0);
	assert_int_equal(res.verdict, KT_VERDICT_SKIP);
	assert_non_null(strstr(res.skip_reason, "of CpuOffline: exact cpuset"));
	kt_result_free(&res);
}

/* The timeline names the CPUs each op took offline and brought back. */
static void test_timeline(void **state)
{
	struct kt_ctx ctx = ctx_of(KT_MS(60));
	struct kt_result res;
	const char *want[] = {"CpusOffline[1-2]", "CpusOnline[2]"};
	size_t found = 0;

	(void)state;
	kt_result_init(&res);
	assert_int_equal(
	    kt_execute_steps(
		&ctx, &res,
		KT_STEPS(
		    kt_step(.defs = KT_DEFS(kt_cgroup_def("cg_0")),
			    .ops = KT_OPS(
				KT_OP_CPU_OFFLINE(KT_CPUSET_EXACT("1-2"))),
			    .hold = KT_HOLD_FRAC(0.5)),
		    kt_step(.ops = KT_OPS(KT_OP_CPU_ONLINE(KT_CPUSET_LLC(1))),
			    .hold = KT_HOLD_FRAC(0.5)))),
	    0);
	for (size_t i = 0; i < res.nr_timeline && found < 2; i++) {
		const struct kt_timeline_event *ev = &res.timeline[i];

		if (strcmp(ev->label, want[found]))
			continue;
		assert_string_equal(ev->ops,
				    found ? "CpuOnline" : "CpuOffline");
		assert_int_equal(ev->op_mask,
				 KT_OP_BIT(found ? KT_OP_KIND_CPU_ONLINE
						 : KT_OP_KIND_CPU_OFFLINE));
		assert_int_equal(ev->step, found + 1);
		found++;
	}
	assert_int_equal(found, 2);
	kt_result_free(&res);
}

#define HEAD "{\"name\": \"t\", \"description\": \"d\",\n"

static void test_scenario_file(void **state)
{
	const char *good =
	    HEAD "\"steps\": [{\"ops\": [{\"op\": \"CpuOffline\", \"cpus\": "
		 "{\"llc\": 1}}]},\n{\"ops\": [{\"op\": \"CpuOnline\", "
		 "\"cpus\": {\"exact\": \"2-3\"}}]}]}";
	const char *missing =
	    HEAD "\"steps\": [{\"ops\": [{\"op\": \"CpuOnline\"}]}]}";
	const char *cgroup =
	    HEAD "\"steps\": [{\"ops\": [{\"op\": \"CpuOffline\", \"cgroup\": "
		 "\"a\", \"cpus\": {\"llc\": 0}}]}]}";
	struct kt_scenario_file *sf = NULL;
	const struct kt_op *op;

	(void)state;
	assert_int_equal(
	    kt_scenario_file_parse(good, strlen(good), "t.json", &sf), 0);
	op = &sf->steps.steps[0].ops.ops[0];
	assert_int_equal(op->kind, KT_OP_KIND_CPU_OFFLINE);
	assert_int_equal(op->cpuset.kind, KT_CPUSET_KIND_LLC);
	assert_int_equal(op->cpuset.index, 1);
	op = &sf->steps.steps[1].ops.ops[0];
	assert_int_equal(op->kind, KT_OP_KIND_CPU_ONLINE);
	assert_int_equal(op->cpuset.kind, KT_CPUSET_KIND_EXACT);
	assert_string_equal(op->cpuset.exact, "2-3");
	kt_scenario_file_freep(&sf);

	assert_int_equal(
	    kt_scenario_file_parse(missing, strlen(missing), "t.json", &sf),
	    -EINVAL);
	assert_string_equal(kt_last_error(),
			    "t.json:2:20: steps[0].ops[0]: op CpuOnline needs "
			    "\"cpus\"");
	assert_int_equal(
	    kt_scenario_file_parse(cgroup, strlen(cgroup), "t.json", &sf),
	    -EINVAL);
	assert_non_null(strstr(kt_last_error(),
			       "unknown key \"cgroup\" for op CpuOffline"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_rejected_up_front),
	    cmocka_unit_test(test_online_gives_back),
	    cmocka_unit_test(test_skip_when_topology_too_small),
	    cmocka_unit_test(test_timeline),
	    cmocka_unit_test(test_scenario_file),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
