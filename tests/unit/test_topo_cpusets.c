/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests for the topology cpuset generators: usable CPUs, LLC/NUMA
 * aligned sets, nodes_of, and the disjoint/overlap/range/exact partitions.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <ktstr/topo.h>

static struct kt_topo *mk(unsigned n, unsigned l, unsigned c, unsigned t)
{
	struct kt_topo *topo = NULL;
	struct kt_topo_spec sp = KT_TOPO(n, l, c, t);

	if (kt_topo_from_spec(&sp, 0, &topo))
		fail_msg("from_spec: %s", kt_last_error());
	return topo;
}

static void assert_err_has(const char *needle)
{
	if (!strstr(kt_last_error(), needle))
		fail_msg("error \"%s\" does not contain \"%s\"",
			 kt_last_error(), needle);
}

#define assert_set(s, str) assert_string_equal(kt_cpuset_str((s), 0), (str))

static void test_usable(void **state)
{
	struct kt_cpuset u;

	(void)state;
	{
		_cleanup_(kt_topo_freep) struct kt_topo *t = mk(1, 2, 4, 1);

		kt_topo_usable(t, &u);
		assert_set(&u, "0-6");
		assert_int_equal(kt_topo_nr_usable(t), 7);
	}
	{
		_cleanup_(kt_topo_freep) struct kt_topo *t = mk(1, 1, 3, 1);

		kt_topo_usable(t, &u);
		assert_set(&u, "0-1");
	}
	{
		/* Two or fewer CPUs: nothing is held back. */
		_cleanup_(kt_topo_freep) struct kt_topo *t = mk(1, 1, 2, 1);

		kt_topo_usable(t, &u);
		assert_set(&u, "0-1");
		assert_int_equal(kt_topo_nr_usable(t), 2);
	}
	{
		_cleanup_(kt_topo_freep) struct kt_topo *t = mk(1, 1, 1, 1);

		kt_topo_usable(t, &u);
		assert_set(&u, "0");
	}
	{
		/* The highest online CPU is the one held back, even sparse. */
		_cleanup_(kt_topo_freep) struct kt_topo *t = mk(1, 1, 8, 1);

		kt_cpuset_clear(&t->online, 7);
		kt_cpuset_clear(&t->online, 3);
		kt_topo_usable(t, &u);
		assert_set(&u, "0-2,4-5");
	}
}

static void test_aligned(void **state)
{
	_cleanup_(kt_topo_freep) struct kt_topo *t = mk(2, 4, 2, 2);
	struct kt_cpuset s;

	(void)state;
	kt_topo_llc_aligned(t, 0, &s);
	assert_set(&s, "0-3");
	kt_topo_llc_aligned(t, 2, &s);
	assert_set(&s, "8-11");
	/* The last LLC loses the held-back CPU 15. */
	kt_topo_llc_aligned(t, 3, &s);
	assert_set(&s, "12-14");
	/* Clamped to the last / first LLC. */
	kt_topo_llc_aligned(t, 9, &s);
	assert_set(&s, "12-14");
	kt_topo_llc_aligned(t, -1, &s);
	assert_set(&s, "0-3");

	kt_topo_numa_aligned(t, 0, &s);
	assert_set(&s, "0-7");
	kt_topo_numa_aligned(t, 1, &s);
	assert_set(&s, "8-14");
	kt_topo_numa_aligned(t, 5, &s);
	assert_set(&s, "8-14");
}

static void test_aligned_empty_topology(void **state)
{
	struct kt_topo t;
	struct kt_cpuset s;

	(void)state;
	memset(&t, 0, sizeof(t));
	kt_cpuset_zero(&s);
	kt_cpuset_set(&s, 5);
	kt_topo_llc_aligned(&t, 0, &s);
	assert_true(kt_cpuset_empty(&s));
	kt_cpuset_set(&s, 5);
	kt_topo_numa_aligned(&t, 0, &s);
	assert_true(kt_cpuset_empty(&s));
}

static void test_nodes_of(void **state)
{
	_cleanup_(kt_topo_freep) struct kt_topo *t = mk(2, 4, 2, 2);
	struct kt_cpuset s, nodes;

	(void)state;
	assert_int_equal(kt_cpuset_parse("3,9", &s), 0);
	kt_topo_nodes_of(t, &s, &nodes);
	assert_set(&nodes, "0-1");
	assert_int_equal(kt_cpuset_parse("12", &s), 0);
	kt_topo_nodes_of(t, &s, &nodes);
	assert_set(&nodes, "1");
	kt_cpuset_zero(&s);
	kt_topo_nodes_of(t, &s, &nodes);
	assert_true(kt_cpuset_empty(&nodes));

	/* Node ids, not indexes. */
	t->nodes[1].id = 5;
	assert_int_equal(kt_cpuset_parse("0-15", &s), 0);
	kt_topo_nodes_of(t, &s, &nodes);
	assert_set(&nodes, "0,5");
}

static void test_disjoint(void **state)
{
	_cleanup_(kt_topo_freep) struct kt_topo *t = mk(1, 2, 4, 1); /* 0-6 */
	struct kt_cpuset s;

	(void)state;
	assert_int_equal(kt_topo_disjoint(t, 0, 2, &s), 0);
	assert_set(&s, "0-2");
	assert_int_equal(kt_topo_disjoint(t, 1, 2, &s), 0);
	assert_set(&s, "3-6"); /* the last part takes the remainder */
	assert_int_equal(kt_topo_disjoint(t, 0, 3, &s), 0);
	assert_set(&s, "0-1");
	assert_int_equal(kt_topo_disjoint(t, 1, 3, &s), 0);
	assert_set(&s, "2-3");
	assert_int_equal(kt_topo_disjoint(t, 2, 3, &s), 0);
	assert_set(&s, "4-6");
	assert_int_equal(kt_topo_disjoint(t, 6, 7, &s), 0);
	assert_set(&s, "6");
	assert_int_equal(kt_topo_disjoint(t, 0, 1, &s), 0);
	assert_set(&s, "0-6");

	/* For every count, the parts are disjoint and cover the usable set. */
	for (unsigned of = 1; of <= 7; of++) {
		struct kt_cpuset all, u;

		kt_cpuset_zero(&all);
		for (unsigned i = 0; i < of; i++) {
			struct kt_cpuset x;

			assert_int_equal(kt_topo_disjoint(t, i, of, &s), 0);
			assert_false(kt_cpuset_empty(&s));
			x = s;
			kt_cpuset_and(&x, &all);
			assert_true(kt_cpuset_empty(&x));
			kt_cpuset_or(&all, &s);
		}
		kt_topo_usable(t, &u);
		assert_true(kt_cpuset_equal(&all, &u));
	}
}

static void test_disjoint_errors(void **state)
{
	_cleanup_(kt_topo_freep) struct kt_topo *t = mk(1, 1, 5, 1); /* 0-3 */
	struct kt_cpuset s;

	(void)state;
	kt_cpuset_zero(&s);
	kt_cpuset_set(&s, 99);
	assert_int_equal(kt_topo_disjoint(t, 0, 8, &s), -EINVAL);
	assert_err_has("not enough usable CPUs (4) for 8 partitions");
	assert_true(kt_cpuset_test(&s, 99)); /* untouched */
	assert_int_equal(kt_topo_disjoint(t, 3, 3, &s), -EINVAL);
	assert_err_has("index 3 >= partition count 3");
	assert_int_equal(kt_topo_disjoint(t, 0, 0, &s), -EINVAL);
	assert_err_has("partition count must be at least 1");
	assert_int_equal(kt_topo_overlap(t, 0, 5, 0.5, &s), -EINVAL);
	assert_err_has("not enough usable CPUs (4) for 5 partitions");
	assert_int_equal(kt_topo_overlap(t, 4, 2, 0.5, &s), -EINVAL);
	assert_err_has("index 4 >= partition count 2");
	assert_true(kt_cpuset_test(&s, 99));
}

static void test_overlap(void **state)
{
	_cleanup_(kt_topo_freep) struct kt_topo *t = mk(1, 2, 4, 1); /* 0-6 */
	_cleanup_(kt_topo_freep) struct kt_topo *t16 = mk(2, 4, 2, 2);
	struct kt_cpuset s, d;

	(void)state;
	/* chunk 3, widened by ceil(1.5) = 2 on the inner edge. */
	assert_int_equal(kt_topo_overlap(t, 0, 2, 0.5, &s), 0);
	assert_set(&s, "0-4");
	assert_int_equal(kt_topo_overlap(t, 1, 2, 0.5, &s), 0);
	assert_set(&s, "1-6");
	/* chunk 2, widened by 1 on each inner edge. */
	assert_int_equal(kt_topo_overlap(t, 0, 3, 0.5, &s), 0);
	assert_set(&s, "0-2");
	assert_int_equal(kt_topo_overlap(t, 1, 3, 0.5, &s), 0);
	assert_set(&s, "1-4");
	assert_int_equal(kt_topo_overlap(t, 2, 3, 0.5, &s), 0);
	assert_set(&s, "3-6");
	/* Widening is clamped to the usable list. */
	assert_int_equal(kt_topo_overlap(t, 0, 2, 1.0, &s), 0);
	assert_set(&s, "0-5");
	assert_int_equal(kt_topo_overlap(t, 1, 2, 1.0, &s), 0);
	assert_set(&s, "0-6");
	/* 15 usable, chunk 3, ceil(3 * 0.34) = 2. */
	assert_int_equal(kt_topo_overlap(t16, 1, 4, 0.34, &s), 0);
	assert_set(&s, "1-7");
	assert_int_equal(kt_topo_overlap(t16, 3, 4, 0.34, &s), 0);
	assert_set(&s, "7-14");
	/* frac 0 is the disjoint partition. */
	for (unsigned i = 0; i < 4; i++) {
		assert_int_equal(kt_topo_overlap(t16, i, 4, 0.0, &s), 0);
		assert_int_equal(kt_topo_disjoint(t16, i, 4, &d), 0);
		assert_true(kt_cpuset_equal(&s, &d));
	}

	assert_int_equal(kt_topo_overlap(t, 0, 2, -0.1, &s), -EINVAL);
	assert_err_has("outside [0, 1]");
	assert_int_equal(kt_topo_overlap(t, 0, 2, 1.5, &s), -EINVAL);
	assert_err_has("1.5");
	assert_int_equal(kt_topo_overlap(t, 0, 2, NAN, &s), -EINVAL);
	assert_err_has("outside [0, 1]");
}

static void test_range(void **state)
{
	_cleanup_(kt_topo_freep) struct kt_topo *t = mk(1, 2, 4, 1); /* 0-6 */
	_cleanup_(kt_topo_freep) struct kt_topo *t11 = mk(1, 1, 11, 1);
	struct kt_cpuset s;

	(void)state;
	assert_int_equal(kt_topo_range(t, 0.0, 0.5, &s), 0);
	assert_set(&s, "0-2");
	assert_int_equal(kt_topo_range(t, 0.5, 1.0, &s), 0);
	assert_set(&s, "3-6");
	assert_int_equal(kt_topo_range(t, 0.0, 1.0, &s), 0);
	assert_set(&s, "0-6");
	/* 10 usable: 0.3 * 10 and 0.7 * 10 are not exact in binary. */
	assert_int_equal(kt_topo_range(t11, 0.3, 0.7, &s), 0);
	assert_set(&s, "3-6");
	assert_int_equal(kt_topo_range(t11, 0.9, 1.0, &s), 0);
	assert_set(&s, "9");

	assert_int_equal(kt_topo_range(t, 0.5, 0.5, &s), -EINVAL);
	assert_err_has("start must be below end");
	assert_int_equal(kt_topo_range(t, 0.7, 0.2, &s), -EINVAL);
	assert_err_has("start must be below end");
	assert_int_equal(kt_topo_range(t, -0.1, 0.5, &s), -EINVAL);
	assert_err_has("within [0, 1]");
	assert_int_equal(kt_topo_range(t, 0.0, 1.01, &s), -EINVAL);
	assert_err_has("within [0, 1]");
	assert_int_equal(kt_topo_range(t, 0.1, 0.12, &s), -EINVAL);
	assert_err_has("selects no CPUs of the 7 usable");
}

static void test_exact(void **state)
{
	_cleanup_(kt_topo_freep) struct kt_topo *t = mk(1, 2, 4, 1); /* 0-7 */
	struct kt_cpuset in, out;

	(void)state;
	assert_int_equal(kt_cpuset_parse("2-3,7", &in), 0);
	assert_int_equal(kt_topo_exact(t, &in, &out), 0);
	assert_set(&out, "2-3,7");

	kt_cpuset_zero(&in);
	assert_int_equal(kt_topo_exact(t, &in, &out), -EINVAL);
	assert_err_has("empty");

	assert_int_equal(kt_cpuset_parse("6-9", &in), 0);
	assert_int_equal(kt_topo_exact(t, &in, &out), -EINVAL);
	assert_err_has("exact cpuset \"6-9\"");
	assert_err_has("CPUs 8-9 are not online");
	assert_err_has("online: 0-7");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_usable),
	    cmocka_unit_test(test_aligned),
	    cmocka_unit_test(test_aligned_empty_topology),
	    cmocka_unit_test(test_nodes_of),
	    cmocka_unit_test(test_disjoint),
	    cmocka_unit_test(test_disjoint_errors),
	    cmocka_unit_test(test_overlap),
	    cmocka_unit_test(test_range),
	    cmocka_unit_test(test_exact),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
