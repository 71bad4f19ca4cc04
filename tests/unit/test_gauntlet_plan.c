/* SPDX-License-Identifier: GPL-2.0-only */
/* The gauntlet's planning: covering order, shards, budget fit, VM cost
 * model and its file. */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <ktstr/gauntlet.h>

static const size_t shapes[][KT_DIM__COUNT] = {
    {1, 1, 1, 1}, {3, 2, 1, 1}, {8, 4, 3, 2},
    {2, 2, 2, 2}, {5, 1, 4, 1}, {1, 7, 1, 3},
};

static size_t product(const size_t *nr)
{
	size_t p = 1;

	for (int d = 0; d < KT_DIM__COUNT; d++)
		p *= nr[d];
	return p;
}

static size_t max_dim(const size_t *nr)
{
	size_t m = 0;

	for (int d = 0; d < KT_DIM__COUNT; d++)
		m = nr[d] > m ? nr[d] : m;
	return m;
}

/* Each order holds every variant of the product once, its first
 * max(nr) variants take every value of every dimension (and one fewer
 * does not), and the same input gives the same order. */
static void test_order_covers(void **state)
{
	(void)state;
	for (size_t s = 0; s < KT_ARRAY_SIZE(shapes); s++) {
		const size_t *nr = shapes[s];
		struct kt_variant *a, *b;
		size_t na, nb, total = product(nr), diag = max_dim(nr);
		bool *seen = calloc(total, 1);
		enum kt_gauntlet_dim dim;
		unsigned value;

		assert_int_equal(kt_gauntlet_order(nr, &a, &na), 0);
		assert_int_equal(kt_gauntlet_order(nr, &b, &nb), 0);
		assert_int_equal(na, total);
		assert_int_equal(nb, total);
		assert_memory_equal(a, b, na * sizeof(*a));
		for (size_t i = 0; i < na; i++) {
			size_t k = 0;

			for (int d = 0; d < KT_DIM__COUNT; d++) {
				assert_true(a[i].idx[d] < nr[d]);
				k = k * nr[d] + a[i].idx[d];
			}
			assert_false(seen[k]);
			seen[k] = true;
		}
		assert_true(kt_gauntlet_covers(a, diag, nr, &dim, &value));
		if (diag > 1)
			assert_false(
			    kt_gauntlet_covers(a, diag - 1, nr, &dim, &value));
		free(seen);
		free(a);
		free(b);
	}
}

/* After the diagonal, pairs of values are covered before any variant
 * that brings no new pair: with 3 x 3 the 9 pairs (preset, profile)
 * take exactly the 9 variants. */
static void test_order_pairs_first(void **state)
{
	const size_t nr[KT_DIM__COUNT] = {3, 3, 2, 1};
	bool pair[3][3] = {{0}};
	struct kt_variant *v;
	size_t n, pairs = 0;

	(void)state;
	assert_int_equal(kt_gauntlet_order(nr, &v, &n), 0);
	assert_int_equal(n, 18);
	for (size_t i = 0; i < 9; i++) {
		bool *p =
		    &pair[v[i].idx[KT_DIM_PRESET]][v[i].idx[KT_DIM_PROFILE]];

		pairs += !*p;
		*p = true;
	}
	assert_int_equal(pairs, 9);
	free(v);
}

static void test_order_bad(void **state)
{
	const size_t zero[KT_DIM__COUNT] = {2, 0, 1, 1};
	struct kt_variant *v = NULL;
	size_t n = 0;

	(void)state;
	assert_int_equal(kt_gauntlet_order(zero, &v, &n), -EINVAL);
	assert_non_null(strstr(kt_last_error(), "0 values of profile"));
	assert_null(v);
}

/* For many list sizes and shard counts, the shards 1/N..N/N together
 * hold every position exactly once, and their sizes differ by at most 1. */
static void test_shards_partition(void **state)
{
	static const size_t sizes[] = {0, 1, 2, 3, 5, 7, 12, 64, 100, 1001};
	static const unsigned counts[] = {1, 2, 3, 4, 7, 16};

	(void)state;
	for (size_t s = 0; s < KT_ARRAY_SIZE(sizes); s++)
		for (size_t c = 0; c < KT_ARRAY_SIZE(counts); c++) {
			size_t nr = sizes[s],
			       *pos = calloc(nr + 1, sizeof(*pos));
			unsigned *hits = calloc(nr + 1, sizeof(*hits));
			unsigned n = counts[c];
			size_t lo = nr, hi = 0, sum = 0;

			for (unsigned k = 1; k <= n; k++) {
				size_t m = kt_gauntlet_shard(nr, k, n, pos);

				for (size_t i = 0; i < m; i++) {
					assert_true(pos[i] < nr);
					if (i)
						assert_true(pos[i] >
							    pos[i - 1]);
					hits[pos[i]]++;
				}
				lo = m < lo ? m : lo;
				hi = m > hi ? m : hi;
				sum += m;
			}
			assert_int_equal(sum, nr);
			for (size_t i = 0; i < nr; i++)
				assert_int_equal(hits[i], 1);
			assert_true(hi - lo <= 1 || nr == 0);
			free(pos);
			free(hits);
		}
}

static void test_shard_parse(void **state)
{
	static const char *const bad[] = {
	    "0/3", "4/3", "a/b", "3", "1/3x", "", "/3", "1/", "-1/3", "1/1001"};
	unsigned k, n;
	size_t pos[4];

	(void)state;
	assert_int_equal(kt_gauntlet_shard_parse("2/3", &k, &n), 0);
	assert_int_equal(k, 2);
	assert_int_equal(n, 3);
	for (size_t i = 0; i < KT_ARRAY_SIZE(bad); i++) {
		assert_int_equal(kt_gauntlet_shard_parse(bad[i], &k, &n),
				 -EINVAL);
		assert_non_null(strstr(kt_last_error(), "expected K/N"));
	}
	assert_int_equal(kt_gauntlet_shard(4, 0, 3, pos), 0);
	assert_int_equal(kt_gauntlet_shard(4, 4, 3, pos), 0);
}

static void test_fit(void **state)
{
	const double cost[] = {10, 10, 10, 10};
	double span;

	(void)state;
	assert_int_equal(kt_gauntlet_fit(cost, 4, 2, 20, &span), 4);
	assert_true(span == 20);
	assert_int_equal(kt_gauntlet_fit(cost, 4, 2, 19.9, &span), 2);
	assert_true(span == 10);
	assert_int_equal(kt_gauntlet_fit(cost, 4, 1, 25, &span), 2);
	assert_int_equal(kt_gauntlet_fit(cost, 4, 1, 5, &span), 0);
	assert_true(span == 0);
	assert_int_equal(kt_gauntlet_fit(cost, 4, 0, 1e9, NULL), 4);
}

static void test_cost_model(void **state)
{
	struct kt_vm_cost c = kt_vm_cost_default(false), k;
	char dir[] = "/tmp/ktstr-cost.XXXXXX", file[64];
	double before, after;
	FILE *f;

	(void)state;
	/* 4 vCPUs, 3 scenarios of 5 s: 2.6 + 0.045 * 16 + 3 * (5 + 1) */
	assert_true(fabs(kt_vm_cost_estimate(&c, 4, 3, 5.0) - 21.32) < 1e-9);
	before = kt_vm_cost_estimate(&c, 4, 3, 5.0);
	/* a measured VM that booted in 6 s and spent 2 s per scenario
	 * beyond the durations pulls the model up */
	kt_vm_cost_learn(&c, 4, 6.0, 6.0 + 15.0 + 6.0, 3, 15.0);
	after = kt_vm_cost_estimate(&c, 4, 3, 5.0);
	assert_true(after > before);
	assert_true(fabs(after - (6.0 + 15.0 + 6.0)) < 1e-9);
	assert_int_equal(c.samples, 1);

	assert_non_null(mkdtemp(dir));
	snprintf(file, sizeof(file), "%s/cost.json", dir);
	assert_int_equal(kt_vm_cost_load(file, "tcg", &k), 0);
	assert_int_equal(k.samples, 0);
	assert_int_equal(kt_vm_cost_save(file, "tcg", &c), 0);
	assert_int_equal(kt_vm_cost_load(file, "tcg", &k), 0);
	assert_int_equal(k.samples, 1);
	assert_true(fabs(k.boot_base_s - c.boot_base_s) < 1e-6);
	assert_int_equal(kt_vm_cost_load(file, "kvm", &k), 0);
	assert_int_equal(k.samples, 0);
	f = fopen(file, "w");
	fputs("{ broken", f);
	fclose(f);
	assert_int_equal(kt_vm_cost_load(file, "tcg", &k), -EINVAL);
	assert_non_null(strstr(kt_last_error(), "cost.json"));
	unlink(file);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_order_covers),
	    cmocka_unit_test(test_order_pairs_first),
	    cmocka_unit_test(test_order_bad),
	    cmocka_unit_test(test_shards_partition),
	    cmocka_unit_test(test_shard_parse),
	    cmocka_unit_test(test_fit),
	    cmocka_unit_test(test_cost_model),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
