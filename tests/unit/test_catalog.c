/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The scenario catalog: that all of it is linked from libktstr.a (its
 * scenarios register themselves in a linker section), in listing order;
 * that every entry is well formed (a unique identifier, a known category,
 * a one-line description, a function) and findable; that the default set
 * is still the eight canned scenarios; that a scenario with two names has
 * one implementation; and that scenarios a topology cannot host are
 * skipped with their reason before any cgroup or worker exists (run
 * against a counting no-op cgroup double on synthetic topologies).
 */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <ktstr/ktstr.h>

static const char *const categories[] = {
    "basic",	   "cpuset",	  "dynamic", "stress",
    "affinity",	   "sched_class", "nested",  "interaction",
    "performance", "hotplug",	  "payload", "cgroup_ctrl",
};

static bool known_category(const char *c)
{
	for (size_t i = 0; i < KT_ARRAY_SIZE(categories); i++)
		if (!strcmp(c, categories[i]))
			return true;
	return false;
}

static bool identifier(const char *s)
{
	if (!s[0] || !(islower((unsigned char)s[0]) || s[0] == '_'))
		return false;
	for (; *s; s++)
		if (!islower((unsigned char)*s) &&
		    !isdigit((unsigned char)*s) && *s != '_')
			return false;
	return true;
}

static void test_entries_well_formed(void **state)
{
	size_t nr;
	const struct kt_scenario *s = kt_catalog(&nr);

	(void)state;
	assert_true(nr >= 40);
	for (size_t i = 0; i < nr; i++) {
		assert_non_null(s[i].name);
		if (!identifier(s[i].name))
			fail_msg("bad scenario name \"%s\"", s[i].name);
		for (size_t j = 0; j < i; j++)
			if (!strcmp(s[i].name, s[j].name))
				fail_msg("duplicate scenario name %s",
					 s[i].name);
		if (!s[i].category || !known_category(s[i].category))
			fail_msg("%s: unknown category \"%s\"", s[i].name,
				 s[i].category ? s[i].category : "(null)");
		assert_non_null(s[i].description);
		if (!s[i].description[0] || strchr(s[i].description, '\n') ||
		    strlen(s[i].description) > 80)
			fail_msg("%s: description is not one short line",
				 s[i].name);
		assert_non_null(s[i].fn);
		assert_ptr_equal(kt_catalog_find(s[i].name), &s[i]);
	}
	assert_null(kt_catalog_find("no_such_scenario"));
	assert_null(kt_catalog_find(""));
}

/*
 * This binary links libktstr.a like any user's program and names no
 * category file's symbol: every registration must still be there, in
 * listing order (the default set, the four ops families, then the
 * categories in the order above).
 */
static void test_whole_catalog_linked_from_archive(void **state)
{
	size_t nr, cat = 0;
	const struct kt_scenario *s = kt_catalog(&nr);

	(void)state;
	assert_int_equal(nr, 78);
	for (size_t i = 0; i < nr; i++)
		for (size_t j = 0; j < i; j++)
			if (!strcmp(s[i].name, s[j].name))
				fail_msg("duplicate scenario name %s",
					 s[i].name);
	for (size_t i = 0; i < 8; i++)
		assert_true(s[i].in_default_set);
	for (size_t i = 8; i < 12; i++)
		assert_memory_equal(s[i].name, "ops_", 4);
	for (size_t i = 12; i < nr; i++) {
		assert_false(s[i].in_default_set);
		while (cat < KT_ARRAY_SIZE(categories) &&
		       strcmp(s[i].category, categories[cat]))
			cat++;
		if (cat == KT_ARRAY_SIZE(categories))
			fail_msg("%s: category %s out of order", s[i].name,
				 s[i].category);
	}
	assert_string_equal(s[12].name, "cgroup_steady");
	assert_string_equal(s[nr - 1].name, "cgroup_bandwidth");
}

/* One scenario, two names: the canned steady serves cgroup_steady. */
static void test_twin_names_share_one_scenario(void **state)
{
	const struct kt_scenario *steady = kt_catalog_find("steady");
	const struct kt_scenario *twin = kt_catalog_find("cgroup_steady");
	const struct kt_scenario *ops = kt_catalog_find("ops_cpuset_swap");

	(void)state;
	assert_non_null(steady);
	assert_non_null(twin);
	assert_non_null(ops);
	assert_ptr_equal(steady->fn, kt_scenario_steady);
	assert_ptr_equal(twin->fn, kt_scenario_steady);
	assert_ptr_equal(ops->fn, kt_scenario_ops_cpuset_swap);
}

static void test_every_category_used(void **state)
{
	size_t nr;
	const struct kt_scenario *s = kt_catalog(&nr);

	(void)state;
	for (size_t c = 0; c < KT_ARRAY_SIZE(categories); c++) {
		size_t n = 0;

		for (size_t i = 0; i < nr; i++)
			n += !strcmp(s[i].category, categories[c]);
		if (!n)
			fail_msg("no scenario in category %s", categories[c]);
	}
}

static void test_default_set_unchanged(void **state)
{
	static const char *const want[] = {
	    "steady",	    "steady_llc",   "oversubscribed", "mixed_workloads",
	    "cpuset_apply", "cpuset_clear", "cgroup_add",     "cgroup_remove",
	};
	size_t nr, k = 0;
	const struct kt_scenario *s = kt_catalog(&nr);

	(void)state;
	for (size_t i = 0; i < nr; i++) {
		if (!s[i].in_default_set)
			continue;
		assert_true(k < KT_ARRAY_SIZE(want));
		assert_string_equal(s[i].name, want[k]);
		k++;
	}
	assert_int_equal(k, KT_ARRAY_SIZE(want));
}

/* ---- skips: a no-op double that counts what a scenario asks for ---- */

static unsigned calls;

static int count_create(const struct kt_cgroup_ops *ops, const char *name)
{
	(void)ops;
	(void)name;
	calls++;
	return 0;
}

static int count_set_cpuset(const struct kt_cgroup_ops *ops, const char *name,
			    const struct kt_cpuset *cpus)
{
	(void)ops;
	(void)name;
	(void)cpus;
	calls++;
	return 0;
}

static int count_move(const struct kt_cgroup_ops *ops, const char *name,
		      pid_t pid)
{
	(void)ops;
	(void)name;
	(void)pid;
	calls++;
	return 0;
}

struct skip_case {
	const char *name;
	const char *reason;
};

/* Run each case on topology spec; each must be a SKIP with its reason,
 * quickly, having created nothing. */
static void expect_skips(const char *spec, const struct skip_case *c, size_t nr)
{
	struct kt_cgroup_ops *noop, counting;
	struct kt_topo_spec ts;
	struct kt_topo *topo;
	struct kt_ctx ctx;

	assert_int_equal(kt_topo_spec_parse(spec, &ts), 0);
	assert_int_equal(kt_topo_from_spec(&ts, 0, &topo), 0);
	assert_int_equal(kt_cgroup_noop_new(&noop), 0);
	counting = *noop;
	counting.create = count_create;
	counting.set_cpuset = count_set_cpuset;
	counting.move_task = count_move;
	ctx = (struct kt_ctx){
	    .cgroups = &counting,
	    .topo = topo,
	    .duration = KT_SEC(10), /* a run that started would be seen */
	    .workers_per_cgroup = 2,
	    .assert = kt_assert_default_checks(),
	};
	for (size_t i = 0; i < nr; i++) {
		const struct kt_scenario *s = kt_catalog_find(c[i].name);
		struct kt_result res;
		uint64_t t0;

		if (!s)
			fail_msg("no scenario %s", c[i].name);
		calls = 0;
		kt_result_init(&res);
		t0 = kt_now_ns();
		assert_int_equal(kt_run_scenario(s, &ctx, spec, "eevdf", &res),
				 0);
		if (res.verdict != KT_VERDICT_SKIP)
			fail_msg("%s on %s: verdict %s, want skip", c[i].name,
				 spec, kt_verdict_name(res.verdict));
		assert_non_null(res.skip_reason);
		if (!strstr(res.skip_reason, c[i].reason))
			fail_msg("%s on %s: reason \"%s\", want \"%s\"",
				 c[i].name, spec, res.skip_reason, c[i].reason);
		assert_int_equal(calls, 0);
		assert_int_equal(res.nr_stats, 0);
		assert_true(kt_now_ns() - t0 < KT_SEC(2));
		kt_result_free(&res);
	}
	kt_cgroup_ops_free(noop);
	kt_topo_free(topo);
}

static void test_skips_on_one_llc_two_cpus(void **state)
{
	static const char llc[] = "needs at least 2 LLCs; this topology has 1";
	static const char node[] =
	    "needs at least 2 NUMA nodes with CPUs; this topology has 1";
	static const char cpus[] =
	    "needs at least 3 usable CPUs; this topology has 2";
	static const struct skip_case c[] = {
	    {"steady_llc", "needs at least 2 LLCs"},
	    {"cgroup_cpuset_llc_steady", llc},
	    {"cgroup_cpuset_cross_llc_steady", llc},
	    {"cgroup_cpuset_cross_llc_race", llc},
	    {"cgroup_cpuset_numa_steady", node},
	    {"cgroup_cpuset_numa_swap", node},
	    {"cgroup_cpuset_overlap_steady", cpus},
	    {"cgroup_partial_cpus_steady", cpus},
	    {"cgroup_cpuset_resize", cpus},
	};

	(void)state;
	expect_skips("1n1l2c1t", c, KT_ARRAY_SIZE(c));
}

static void test_skips_on_two_single_cpu_llcs(void **state)
{
	static const struct skip_case c[] = {
	    /* two LLCs, but LLC 0 cannot be split in the middle */
	    {"cgroup_cpuset_cross_llc_steady",
	     "needs at least 2 usable CPUs in LLC 0; this topology has 1"},
	    {"cgroup_cpuset_overlap_steady",
	     "needs at least 3 usable CPUs; this topology has 2"},
	};

	(void)state;
	expect_skips("2n2l1c1t", c, KT_ARRAY_SIZE(c));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_whole_catalog_linked_from_archive),
	    cmocka_unit_test(test_twin_names_share_one_scenario),
	    cmocka_unit_test(test_entries_well_formed),
	    cmocka_unit_test(test_every_category_used),
	    cmocka_unit_test(test_default_set_unchanged),
	    cmocka_unit_test(test_skips_on_one_llc_two_cpus),
	    cmocka_unit_test(test_skips_on_two_single_cpu_llcs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
