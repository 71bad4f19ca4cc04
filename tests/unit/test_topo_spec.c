/* SPDX-License-Identifier: GPL-2.0-only */
/* Unit tests for the NnNlNcNt topology spec: parse, validate, name, cpus. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include <ktstr/topo.h>

static void assert_err_has(const char *needle)
{
	if (!strstr(kt_last_error(), needle))
		fail_msg("error \"%s\" does not contain \"%s\"",
			 kt_last_error(), needle);
}

static void test_parse_ok(void **state)
{
	static const struct {
		const char *s;
		unsigned n, l, c, t, cpus;
	} cases[] = {
	    {"1n2l4c1t", 1, 2, 4, 1, 8},
	    {"2n4l2c2t", 2, 4, 2, 2, 16},
	    {"1n1l1c1t", 1, 1, 1, 1, 1},
	    {"4n12l8c2t", 4, 12, 8, 2, 192},
	    {"1n14l18c1t", 1, 14, 18, 1, 252},
	    {"1n1l1024c1t", 1, 1, 1024, 1, 1024},
	    {"01n02l4c1t", 1, 2, 4, 1, 8},
	};

	(void)state;
	for (size_t i = 0; i < KT_ARRAY_SIZE(cases); i++) {
		struct kt_topo_spec sp;
		char name[32];

		assert_int_equal(kt_topo_spec_parse(cases[i].s, &sp), 0);
		assert_int_equal(sp.numa, cases[i].n);
		assert_int_equal(sp.llcs, cases[i].l);
		assert_int_equal(sp.cores, cases[i].c);
		assert_int_equal(sp.threads, cases[i].t);
		assert_int_equal(kt_topo_spec_cpus(&sp), cases[i].cpus);
		assert_int_equal(kt_topo_spec_validate(&sp), 0);
		kt_topo_spec_name(&sp, name, sizeof(name));
		/* Round trip through the canonical name. */
		struct kt_topo_spec back;

		assert_int_equal(kt_topo_spec_parse(name, &back), 0);
		assert_memory_equal(&sp, &back, sizeof(sp));
	}
}

static void test_name(void **state)
{
	struct kt_topo_spec sp = KT_TOPO(2, 8, 16, 1);
	char buf[32];

	(void)state;
	assert_int_equal(kt_topo_spec_name(&sp, buf, sizeof(buf)), 9);
	assert_string_equal(buf, "2n8l16c1t");
	/* snprintf-like truncation. */
	assert_int_equal(kt_topo_spec_name(&sp, buf, 4), 9);
	assert_string_equal(buf, "2n8");
}

static void assert_bad(const char *s, const char *n1, const char *n2)
{
	struct kt_topo_spec sp = KT_TOPO(7, 7, 7, 7);

	assert_int_equal(kt_topo_spec_parse(s, &sp), -EINVAL);
	assert_err_has(n1);
	if (n2)
		assert_err_has(n2);
	/* The output is untouched on failure. */
	assert_int_equal(sp.numa, 7);
	assert_int_equal(sp.threads, 7);
}

static void test_parse_errors(void **state)
{
	(void)state;
	assert_bad("", "topology \"\"", "expected NnNlNcNt");
	assert_bad("1n2l", "topology \"1n2l\"", "expected NnNlNcNt");
	assert_bad("1n2l4c1tx", "topology \"1n2l4c1tx\"", "\"x\"");
	assert_bad("an2l4c1t", "topology \"an2l4c1t\"", "\"an2l4c1t\"");
	assert_bad("-1n2l4c1t", "topology \"-1n2l4c1t\"", "expected");
	assert_bad("1n-2l4c1t", "topology \"1n-2l4c1t\"", "\"-2l4c1t\"");
	assert_bad("1n2l4c", "ends before the 't' field", "1n2l4c");
	assert_bad("1n2l4c1", "missing 't' after 1", "1n2l4c1");
	assert_bad("1n2x4c1t", "\"x4c1t\" where 'l' belongs", NULL);
	assert_bad("1n 2l4c1t", "topology \"1n 2l4c1t\"", "expected");
	assert_bad("1N2L4C1T", "topology \"1N2L4C1T\"", "expected");
	assert_bad("1n2l4c1t ", "trailing \" \"", NULL);
	assert_bad("99999999999n1l1c1t", "too large", "99999999999n1l1c1t");
	assert_bad("4294967296n1l1c1t", "too large", NULL);
	/* Zeros name the field. */
	assert_bad("0n2l4c1t", "topology \"0n2l4c1t\"", "NUMA nodes is 0");
	assert_bad("1n0l4c1t", "LLCs is 0", NULL);
	assert_bad("1n2l0c1t", "cores per LLC is 0", NULL);
	assert_bad("1n2l4c0t", "threads per core is 0", "expected");
	/* LLCs must divide over the nodes. */
	assert_bad("2n3l4c1t", "topology \"2n3l4c1t\"",
		   "3 LLCs cannot be split over 2 NUMA nodes (llcs must be a "
		   "multiple of numa)");
	/* Too many CPUs (say how many and what the limit is). */
	assert_bad("1n2l512c2t", "2048 CPUs", "1024");
	assert_bad("1n1l4294967295c4294967295t", "exceed the maximum of 1024",
		   NULL);
	assert_bad("1n300l1c1t", "300 LLCs exceed the maximum of 256", NULL);
	assert_bad("65n65l1c1t", "65 NUMA nodes exceed the maximum of 64",
		   NULL);
}

static void test_validate(void **state)
{
	struct kt_topo_spec sp = KT_TOPO(2, 3, 4, 1);

	(void)state;
	assert_int_equal(kt_topo_spec_validate(&sp), -EINVAL);
	assert_err_has(
	    "topology \"2n3l4c1t\": 3 LLCs cannot be split over 2 NUMA nodes");
	sp = KT_TOPO(1, 1, 0, 1);
	assert_int_equal(kt_topo_spec_validate(&sp), -EINVAL);
	assert_err_has("topology \"1n1l0c1t\": cores per LLC is 0");
	sp = KT_TOPO(1, 2, 256, 4);
	assert_int_equal(kt_topo_spec_validate(&sp), -EINVAL);
	assert_err_has("2048 CPUs");
	sp = KT_TOPO(1, 1, 256, 4);
	assert_int_equal(kt_topo_spec_validate(&sp), 0);
	assert_int_equal(kt_topo_spec_cpus(&sp), 1024);
	/* cpus saturates instead of wrapping. */
	sp = KT_TOPO(1, 65536, 65536, 2);
	assert_true(kt_topo_spec_cpus(&sp) > KT_MAX_CPUS);
}

/* Every preset parses to its shape, names itself back, and is found by
 * its shape; a word that is no preset is refused naming the list. */
static void test_presets(void **state)
{
	static const char *const want[][2] = {
	    {"tiny", "1n1l2c1t"}, {"smt", "1n1l2c2t"},
	    {"llc", "1n2l2c1t"},  {"llc4", "1n4l2c1t"},
	    {"numa", "2n2l2c1t"}, {"numa-smt", "2n2l1c2t"},
	    {"wide", "1n1l8c1t"}, {"big", "2n4l2c2t"},
	};
	const struct kt_topo_preset *p;
	struct kt_topo_spec sp;
	char name[64];
	size_t nr;

	(void)state;
	p = kt_topo_presets(&nr);
	assert_int_equal(nr, KT_ARRAY_SIZE(want));
	for (size_t i = 0; i < nr; i++) {
		assert_string_equal(p[i].name, want[i][0]);
		assert_string_equal(p[i].shape, want[i][1]);
		assert_int_equal(kt_topo_spec_parse(want[i][0], &sp), 0);
		assert_true(kt_topo_spec_name(&sp, name, sizeof(name)) > 0);
		assert_string_equal(name, want[i][1]);
		assert_ptr_equal(kt_topo_preset_of(&sp), &p[i]);
	}
	sp = KT_TOPO(1, 1, 3, 1);
	assert_null(kt_topo_preset_of(&sp));
	assert_null(kt_topo_preset_find("LLC"));
	assert_int_equal(kt_topo_spec_parse("huge", &sp), -EINVAL);
	assert_err_has("\"huge\": not a preset (`ktstr topo --presets`");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_ok),
	    cmocka_unit_test(test_name),
	    cmocka_unit_test(test_parse_errors),
	    cmocka_unit_test(test_validate),
	    cmocka_unit_test(test_presets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
