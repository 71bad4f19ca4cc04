/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The declarative half of the ops engine: CpusetSpec resolution and every
 * validation message against synthetic topologies, AffinityKind
 * resolution and application to real workers, HoldSpec checks, and the
 * constructor macros (counts, defaults).
 */
#include <errno.h>
#include <math.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <ktstr/ktstr.h>

#include "ops/ops_kinds.h"

static struct kt_topo *topo(unsigned n, unsigned l, unsigned c, unsigned t)
{
	struct kt_topo_spec spec = KT_TOPO(n, l, c, t);
	struct kt_topo *tp = NULL;

	assert_int_equal(kt_topo_from_spec(&spec, 0, &tp), 0);
	return tp;
}

/* Resolve spec on t and compare with the cpulist want. */
static void expect_set(const struct kt_topo *t, struct kt_cpuset_spec spec,
		       const char *want)
{
	struct kt_cpuset got;

	assert_int_equal(kt_cpuset_spec_resolve(t, &spec, &got), 0);
	assert_string_equal(kt_cpuset_str(&got, 0), want);
}

static void expect_err(const struct kt_topo *t, struct kt_cpuset_spec spec,
		       const char *msg)
{
	struct kt_cpuset got;

	assert_int_equal(kt_cpuset_spec_resolve(t, &spec, &got), -EINVAL);
	assert_string_equal(kt_last_error(), msg);
	assert_true(kt_cpuset_empty(&got));
}

static void test_resolve(void **state)
{
	/* 8 CPUs in 2 LLCs of 4; usable 0-6 (the last CPU is kept back) */
	_cleanup_(kt_topo_freep) struct kt_topo *t = topo(1, 2, 4, 1);
	_cleanup_(kt_topo_freep) struct kt_topo *numa = topo(2, 2, 2, 1);

	(void)state;
	expect_set(t, KT_CPUSET_NONE, "");
	expect_set(t, KT_CPUSET_LLC(0), "0-3");
	expect_set(t, KT_CPUSET_LLC(1), "4-6");
	expect_set(t, KT_CPUSET_LLC(5), "4-6"); /* clamped to the last */
	expect_set(t, KT_CPUSET_NUMA(0), "0-6");
	expect_set(numa, KT_CPUSET_NUMA(0), "0-1");
	expect_set(numa, KT_CPUSET_NUMA(1), "2"); /* 3 is kept back */
	expect_set(t, KT_CPUSET_DISJOINT(0, 2), "0-2");
	expect_set(t, KT_CPUSET_DISJOINT(1, 2), "3-6"); /* takes the rest */
	expect_set(t, KT_CPUSET_OVERLAP(0, 2, 0.5), "0-4");
	expect_set(t, KT_CPUSET_OVERLAP(1, 2, 0.5), "1-6");
	expect_set(t, KT_CPUSET_RANGE(0.25, 0.75), "1-4");
	expect_set(t, KT_CPUSET_RANGE(0.0, 1.0), "0-6");
	expect_set(t, KT_CPUSET_EXACT("1,3,7"), "1,3,7");
}

static void test_resolve_errors(void **state)
{
	_cleanup_(kt_topo_freep) struct kt_topo *t = topo(1, 1, 5, 1);

	(void)state;
	/* the fact sheet's messages */
	expect_err(t, KT_CPUSET_DISJOINT(0, 8),
		   "disjoint cpuset 0 of 8: not enough usable CPUs (4) for 8 "
		   "partitions");
	expect_err(t, KT_CPUSET_OVERLAP(1, 8, 0.5),
		   "overlap cpuset 1 of 8: not enough usable CPUs (4) for 8 "
		   "partitions");
	expect_err(t, KT_CPUSET_DISJOINT(3, 3),
		   "disjoint cpuset 3 of 3: index 3 >= partition count 3");
	expect_err(t, KT_CPUSET_DISJOINT(0, 0),
		   "disjoint cpuset 0 of 0: partition count must be at least "
		   "1");
	expect_err(t, KT_CPUSET_OVERLAP(0, 2, 1.5),
		   "overlap cpuset 0 of 2: overlap fraction 1.5 is outside "
		   "[0, 1]");
	expect_err(t, KT_CPUSET_OVERLAP(0, 2, NAN),
		   "overlap cpuset 0 of 2: overlap fraction nan is outside "
		   "[0, 1]");
	expect_err(t, KT_CPUSET_RANGE(-0.1, 0.5),
		   "range cpuset [-0.1, 0.5): fractions must be within [0, 1]");
	expect_err(t, KT_CPUSET_RANGE(0.2, 1.2),
		   "range cpuset [0.2, 1.2): fractions must be within [0, 1]");
	expect_err(t, KT_CPUSET_RANGE(0.5, 0.5),
		   "range cpuset [0.5, 0.5): start must be below end");
	expect_err(t, KT_CPUSET_RANGE(0.0, 0.1),
		   "range cpuset [0, 0.1): selects no CPUs of the 4 usable");
	expect_err(t, KT_CPUSET_EXACT("0-99"),
		   "exact cpuset \"0-99\": CPUs 5-99 are not online (online: "
		   "0-4)");
	expect_err(t, KT_CPUSET_EXACT(""), "exact cpuset \"\": empty");
	expect_err(t, KT_CPUSET_EXACT(NULL), "exact cpuset: no CPU list given");
	expect_err(t, KT_CPUSET_EXACT("3-1"),
		   "exact cpuset \"3-1\": cpulist \"3-1\": bad token \"3-1\" "
		   "(range start is greater than its end)");
}

static void test_check_needs_no_topology(void **state)
{
	struct kt_cpuset_spec fits_nowhere = KT_CPUSET_DISJOINT(0, 64);
	struct kt_cpuset_spec bad = KT_CPUSET_DISJOINT(2, 2);
	struct kt_cpuset_spec llc = KT_CPUSET_LLC(40);

	(void)state;
	/* structure only: 64 parts is fine until a topology says otherwise */
	assert_int_equal(kt_cpuset_spec_check(&fits_nowhere), 0);
	assert_int_equal(kt_cpuset_spec_check(&llc), 0);
	assert_int_equal(kt_cpuset_spec_check(&bad), -EINVAL);
	assert_string_equal(kt_last_error(),
			    "disjoint cpuset 2 of 2: index 2 >= partition "
			    "count 2");
}

static void expect_name(struct kt_cpuset_spec spec, const char *want)
{
	char buf[64];

	kt_cpuset_spec_name(&spec, buf, sizeof(buf));
	assert_string_equal(buf, want);
}

static void test_names(void **state)
{
	(void)state;
	expect_name(KT_CPUSET_NONE, "none");
	expect_name(KT_CPUSET_LLC(1), "llc(1)");
	expect_name(KT_CPUSET_NUMA(0), "numa(0)");
	expect_name(KT_CPUSET_RANGE(0.25, 0.75), "range(0.25,0.75)");
	expect_name(KT_CPUSET_DISJOINT(1, 2), "disjoint(1/2)");
	expect_name(KT_CPUSET_OVERLAP(0, 3, 0.5), "overlap(0/3,0.5)");
	expect_name(KT_CPUSET_EXACT("0-3"), "exact(0-3)");
	assert_string_equal(kt_op_kind_name(KT_OP_KIND_SWAP_CPUSETS),
			    "SwapCpusets");
	assert_string_equal(kt_op_kind_name(KT_OP_KIND_MOVE_ALL_TASKS),
			    "MoveAllTasks");
	assert_string_equal(kt_op_kind_name(KT_OP_KIND__COUNT), "unknown");
	assert_string_equal(kt_affinity_kind_name(KT_AFFINITY_KIND_SINGLE_CPU),
			    "SingleCpu");
}

/* Every op kind and affinity kind: its name parses back to it. */
static void test_kind_names_parse(void **state)
{
	enum kt_affinity_kind ak;
	enum kt_op_kind ok;

	(void)state;
	for (unsigned k = 0; k < KT_OP_KIND__COUNT; k++) {
		const struct kt_op_desc *d = kt_op_desc((enum kt_op_kind)k);

		assert_non_null(d);
		assert_int_equal(d->kind, k);
		assert_int_equal(kt_op_kind_parse(d->name, &ok), 0);
		assert_int_equal(ok, k);
		/* a cgroup named by key is a required key */
		assert_true(d->other_key == NULL || d->cgroup_key != NULL);
	}
	assert_null(kt_op_desc(KT_OP_KIND__COUNT));
	assert_int_equal(kt_op_kind_parse("SetCpusets", &ok), -EINVAL);
	assert_string_equal(kt_last_error(),
			    "unknown op \"SetCpusets\" (expected one of "
			    "AddCgroup, RemoveCgroup, SetCpuset, ClearCpuset, "
			    "SwapCpusets, Spawn, StopCgroup, SetAffinity, "
			    "SpawnHost, MoveAllTasks, CpuOffline, CpuOnline, "
			    "RunPayload, WaitPayload, KillPayload, WriteMap)");

	for (unsigned k = 0; k < KT_AFFINITY_KIND__COUNT; k++) {
		const char *name = kt_affinity_kind_name(k);

		if (k == KT_AFFINITY_KIND_EXACT) {
			assert_int_equal(kt_affinity_kind_parse(name, &ak),
					 -EINVAL);
			continue;
		}
		assert_int_equal(kt_affinity_kind_parse(name, &ak), 0);
		assert_int_equal(ak, k);
	}
	assert_string_equal(kt_affinity_kind_name(KT_AFFINITY_KIND__COUNT),
			    "unknown");
	assert_int_equal(kt_affinity_kind_parse("Pinned", &ak), -EINVAL);
	assert_string_equal(kt_last_error(),
			    "parse affinity kind \"Pinned\": unknown name "
			    "(expected one of Inherit, RandomSubset, "
			    "LlcAligned, CrossCgroup, SingleCpu)");
	assert_int_equal(kt_affinity_kind_parse(NULL, &ak), -EINVAL);
}

static void parse(const char *list, struct kt_cpuset *s)
{
	assert_int_equal(kt_cpuset_parse(list, s), 0);
}

static void test_affinity_resolve(void **state)
{
	_cleanup_(kt_topo_freep) struct kt_topo *t = topo(1, 2, 4, 1);
	struct kt_affinity_mode m;
	struct kt_cpuset cg, got;
	uint64_t seed = 1;

	(void)state;
	parse("4-5", &cg);

	assert_int_equal(kt_affinity_resolve(t, &KT_AFFINITY_INHERIT, &cg, &m),
			 0);
	assert_int_equal(m.kind, KT_AFFINITY_MODE_NONE);
	assert_false(kt_affinity_pick(&m, 0, &seed, &got));

	/* the LLC of the cgroup's first CPU, or of the first usable CPU */
	assert_int_equal(
	    kt_affinity_resolve(t, &KT_AFFINITY_LLC_ALIGNED, &cg, &m), 0);
	assert_int_equal(m.kind, KT_AFFINITY_MODE_FIXED);
	assert_string_equal(kt_cpuset_str(&m.cpus, 0), "4-7");
	assert_int_equal(
	    kt_affinity_resolve(t, &KT_AFFINITY_LLC_ALIGNED, NULL, &m), 0);
	assert_string_equal(kt_cpuset_str(&m.cpus, 0), "0-3");

	/* every online CPU, beyond the cgroup */
	assert_int_equal(
	    kt_affinity_resolve(t, &KT_AFFINITY_CROSS_CGROUP, &cg, &m), 0);
	assert_string_equal(kt_cpuset_str(&m.cpus, 0), "0-7");

	assert_int_equal(
	    kt_affinity_resolve(t, &KT_AFFINITY_SINGLE_CPU, &cg, &m), 0);
	assert_int_equal(m.kind, KT_AFFINITY_MODE_SINGLE);
	assert_int_equal(m.cpu, 4);
	assert_true(kt_affinity_pick(&m, 1, &seed, &got));
	assert_string_equal(kt_cpuset_str(&got, 0), "4");

	assert_int_equal(
	    kt_affinity_resolve(t, &KT_AFFINITY_EXACT("1-2"), &cg, &m), 0);
	assert_int_equal(m.kind, KT_AFFINITY_MODE_FIXED);
	assert_string_equal(kt_cpuset_str(&m.cpus, 0), "1-2");

	assert_int_equal(
	    kt_affinity_resolve(t, &KT_AFFINITY_EXACT("9"), &cg, &m), -EINVAL);
	assert_string_equal(kt_last_error(),
			    "Exact affinity \"9\": exact cpuset \"9\": CPUs 9 "
			    "are not online (online: 0-7)");
	assert_int_equal(
	    kt_affinity_resolve(t, &KT_AFFINITY_EXACT("x"), &cg, &m), -EINVAL);
	assert_non_null(strstr(kt_last_error(), "Exact affinity \"x\": "));
}

static void test_affinity_random(void **state)
{
	_cleanup_(kt_topo_freep) struct kt_topo *t = topo(1, 2, 4, 1);
	struct kt_affinity_mode m;
	struct kt_cpuset seen, got, cg;
	uint64_t seed = 42;

	(void)state;
	/* no cgroup cpuset: half of the 7 usable CPUs */
	assert_int_equal(
	    kt_affinity_resolve(t, &KT_AFFINITY_RANDOM_SUBSET, NULL, &m), 0);
	assert_int_equal(m.kind, KT_AFFINITY_MODE_RANDOM);
	assert_int_equal(m.count, 3);
	assert_string_equal(kt_cpuset_str(&m.cpus, 0), "0-6");
	kt_cpuset_zero(&seen);
	for (unsigned i = 0; i < 200; i++) {
		assert_true(kt_affinity_pick(&m, i, &seed, &got));
		assert_int_equal(kt_cpuset_count(&got), 3);
		assert_true(kt_cpuset_subset(&got, &m.cpus));
		kt_cpuset_or(&seen, &got);
	}
	/* the draws are spread over the whole pool */
	assert_string_equal(kt_cpuset_str(&seen, 0), "0-6");

	/* a one-CPU pool still yields one CPU */
	parse("5", &cg);
	assert_int_equal(
	    kt_affinity_resolve(t, &KT_AFFINITY_RANDOM_SUBSET, &cg, &m), 0);
	assert_int_equal(m.count, 1);
	assert_true(kt_affinity_pick(&m, 0, &seed, &got));
	assert_string_equal(kt_cpuset_str(&got, 0), "5");
}

static void affinity_of(pid_t pid, struct kt_cpuset *out)
{
	cpu_set_t cs;

	assert_int_equal(sched_getaffinity(pid, sizeof(cs), &cs), 0);
	kt_cpuset_zero(out);
	for (int c = 0; c < CPU_SETSIZE && c < KT_MAX_CPUS; c++)
		if (CPU_ISSET(c, &cs))
			kt_cpuset_set(out, c);
}

/* Applying a mode really changes the workers' CPU affinity. */
static void test_affinity_apply(void **state)
{
	struct kt_workload_config cfg = {.num_workers = 2};
	struct kt_affinity_mode single = {.kind = KT_AFFINITY_MODE_SINGLE,
					  .cpu = 0};
	struct kt_affinity_mode none = {.kind = KT_AFFINITY_MODE_NONE};
	_cleanup_(kt_workload_freep) struct kt_workload *w = NULL;
	struct kt_cpuset got, before;

	(void)state;
	assert_int_equal(kt_workload_spawn(&cfg, &w), 0);
	affinity_of(kt_workload_pid(w, 1), &before);
	assert_int_equal(kt_affinity_apply(w, &none, 1), 0);
	affinity_of(kt_workload_pid(w, 1), &got);
	assert_true(kt_cpuset_equal(&got, &before));

	assert_int_equal(kt_affinity_apply(w, &single, 1), 0);
	for (size_t i = 0; i < kt_workload_nr(w); i++) {
		affinity_of(kt_workload_pid(w, i), &got);
		assert_string_equal(kt_cpuset_str(&got, 0), "0");
	}
}

static void expect_hold_err(struct kt_hold h, const char *msg)
{
	assert_int_equal(kt_hold_check(&h), -EINVAL);
	assert_string_equal(kt_last_error(), msg);
}

static void test_holds(void **state)
{
	struct kt_hold full = KT_HOLD_FULL, zero = {0};
	struct kt_hold half = KT_HOLD_FRAC(0.5), none = KT_HOLD_FRAC(0.0);
	struct kt_hold fixed = KT_HOLD_FIXED(KT_MS(300));
	struct kt_hold loop = KT_HOLD_LOOP(KT_MS(100));

	(void)state;
	assert_int_equal(kt_hold_check(&full), 0);
	assert_int_equal(kt_hold_check(&half), 0);
	assert_int_equal(kt_hold_check(&none), 0);
	assert_int_equal(kt_hold_check(&fixed), 0);
	assert_int_equal(kt_hold_check(&loop), 0);
	/* zero-initialised is the full hold */
	assert_int_equal(kt_hold_ns(&zero, KT_SEC(2)), KT_SEC(2));
	assert_int_equal(kt_hold_ns(&full, KT_SEC(2)), KT_SEC(2));
	assert_int_equal(kt_hold_ns(&half, KT_SEC(2)), KT_SEC(1));
	assert_int_equal(kt_hold_ns(&fixed, KT_SEC(2)), KT_MS(300));

	expect_hold_err(KT_HOLD_FIXED(0),
			"hold Fixed(0): a fixed hold must be longer than zero");
	expect_hold_err(KT_HOLD_LOOP(0),
			"hold Loop(0): the loop interval must be longer than "
			"zero");
	expect_hold_err(KT_HOLD_FRAC(1.5),
			"hold Frac(1.5): the fraction must be within [0, 1]");
	expect_hold_err(KT_HOLD_FRAC(-0.5),
			"hold Frac(-0.5): the fraction must be within [0, 1]");
	expect_hold_err(KT_HOLD_FRAC(NAN),
			"hold Frac(nan): the fraction must be within [0, 1]");
}

static void test_constructors(void **state)
{
	struct kt_defs d =
	    KT_DEFS(kt_cgroup_def("a"),
		    kt_cgroup_def("b", .workers = 3, .cpuset = KT_CPUSET_LLC(1),
				  .swappable = true));
	struct kt_ops o =
	    KT_OPS(KT_OP_ADD("x"), KT_OP_SWAP_CPUSETS("x", "y"),
		   KT_OP_SPAWN("x", .num_workers = 4), KT_OP_MOVE_ALL("x", ""));
	struct kt_steps s = KT_STEPS(
	    kt_step(.defs = d), kt_step(.ops = o, .hold = KT_HOLD_FRAC(0.5)));
	struct kt_defs none = {0};

	(void)state;
	assert_int_equal(d.nr, 2);
	assert_string_equal(d.defs[0].name, "a");
	/* zero is the default everywhere */
	assert_int_equal(d.defs[0].workers, 0);
	assert_int_equal(d.defs[0].cpuset.kind, KT_CPUSET_KIND_NONE);
	assert_int_equal(d.defs[0].work_type.kind, KT_WORK_SPIN_WAIT);
	assert_int_equal(d.defs[0].sched_policy.kind, KT_POLICY_NORMAL);
	assert_int_equal(d.defs[0].affinity.kind, KT_AFFINITY_KIND_INHERIT);
	assert_false(d.defs[0].swappable);
	assert_int_equal(d.defs[1].workers, 3);
	assert_int_equal(d.defs[1].cpuset.kind, KT_CPUSET_KIND_LLC);
	assert_int_equal(d.defs[1].cpuset.index, 1);
	assert_true(d.defs[1].swappable);

	assert_int_equal(o.nr, 4);
	assert_int_equal(o.ops[1].kind, KT_OP_KIND_SWAP_CPUSETS);
	assert_string_equal(o.ops[1].other, "y");
	assert_int_equal(o.ops[2].work.num_workers, 4);
	assert_string_equal(o.ops[3].other, "");

	assert_int_equal(s.nr, 2);
	assert_int_equal(s.steps[0].hold.kind, KT_HOLD_KIND_FULL);
	assert_int_equal(s.steps[1].hold.kind, KT_HOLD_KIND_FRAC);
	assert_int_equal(s.steps[1].ops.nr, 4);
	assert_int_equal(none.nr, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_resolve),
	    cmocka_unit_test(test_resolve_errors),
	    cmocka_unit_test(test_check_needs_no_topology),
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_kind_names_parse),
	    cmocka_unit_test(test_affinity_resolve),
	    cmocka_unit_test(test_affinity_random),
	    cmocka_unit_test(test_affinity_apply),
	    cmocka_unit_test(test_holds),
	    cmocka_unit_test(test_constructors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
