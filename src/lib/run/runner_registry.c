/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The test registry: the KTSTR_TEST descriptors the linker gathered in the
 * "ktstr_tests" section, lookups by name, descriptor validation and the
 * effective values of their optional fields.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <ktstr/test.h>

/* Weak: a binary without tests (the ktstr command) has no such section. */
extern const struct kt_test *const __start_ktstr_tests[] __attribute__((weak));
extern const struct kt_test *const __stop_ktstr_tests[] __attribute__((weak));

static size_t section_count(void)
{
	if (!__start_ktstr_tests || !__stop_ktstr_tests)
		return 0;
	return (size_t)(__stop_ktstr_tests - __start_ktstr_tests);
}

/*
 * The compiler may emit one file's entries in any order (GCC at -O2
 * reverses them), so each run of entries from one file is sorted by line;
 * files keep their link order. Built once; NULL when out of memory (then
 * the section order is used as is).
 */
static const struct kt_test **ordered(void)
{
	static const struct kt_test **order;
	size_t n = section_count();

	if (order || !n)
		return order;
	order = malloc(n * sizeof(*order));
	if (!order)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		const struct kt_test *t = __start_ktstr_tests[i];
		size_t j = i;

		/* insertion sort within the current file's run */
		while (j > 0 && order[j - 1]->file && t->file &&
		       !strcmp(order[j - 1]->file, t->file) &&
		       order[j - 1]->line > t->line) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = t;
	}
	return order;
}

size_t kt_test_count(void)
{
	return section_count();
}

const struct kt_test *kt_test_at(size_t i)
{
	const struct kt_test **o = ordered();

	if (i >= section_count())
		return NULL;
	return o ? o[i] : __start_ktstr_tests[i];
}

const struct kt_test *kt_test_find(const char *name)
{
	size_t n = kt_test_count();

	for (size_t i = 0; name && i < n; i++)
		if (!strcmp(kt_test_at(i)->name, name))
			return kt_test_at(i);
	return NULL;
}

static bool topo_given(const struct kt_topo_spec *s)
{
	return s->numa || s->llcs || s->cores || s->threads;
}

/* Declared map writes: well formed, and a scheduler to write to. */
static int check_map_writes(const struct kt_test *t)
{
	for (size_t k = 0; k < t->map_writes.nr; k++)
		if (kt_map_write_check(&t->map_writes.w[k]))
			return kt_err_wrap(EINVAL,
					   "test %s (%s:%d): .map_writes",
					   t->name, t->file, t->line);
	if ((t->map_writes.nr || t->wait_for_map_write) && !t->scheduler &&
	    !t->host_only)
		return kt_err(EINVAL,
			      "test %s (%s:%d): .map_writes%s need a "
			      ".scheduler (a sched_ext scheduler to write "
			      "to); under EEVDF there is none",
			      t->name, t->file, t->line,
			      t->map_writes.nr ? "" : " (wait_for_map_write)");
	if (t->wait_for_map_write && !t->map_writes.nr)
		return kt_err(EINVAL,
			      "test %s (%s:%d): .wait_for_map_write without "
			      ".map_writes waits for nothing",
			      t->name, t->file, t->line);
	return 0;
}

int kt_test_validate_all(void)
{
	size_t n = kt_test_count();

	for (size_t i = 0; i < n; i++) {
		const struct kt_test *t = kt_test_at(i);

		if (!t || !t->name || !t->name[0] || !t->fn)
			return kt_err(EINVAL, "test #%zu: no name or no body",
				      i + 1);
		if (topo_given(&t->topo) && kt_topo_spec_validate(&t->topo))
			return kt_err_wrap(EINVAL, "test %s (%s:%d): .topo",
					   t->name, t->file, t->line);
		if (check_map_writes(t))
			return -EINVAL;
		for (size_t j = 0; j < i; j++) {
			const struct kt_test *u = kt_test_at(j);

			if (!strcmp(u->name, t->name))
				return kt_err(EINVAL,
					      "test %s is registered twice "
					      "(%s:%d and %s:%d)",
					      t->name, u->file, u->line,
					      t->file, t->line);
		}
	}
	return 0;
}

struct kt_topo_spec kt_test_topo(const struct kt_test *t)
{
	return topo_given(&t->topo) ? t->topo : KT_TEST_DEFAULT_TOPO;
}

uint64_t kt_test_duration_ns(const struct kt_test *t)
{
	return KT_SEC(t->duration_s ? t->duration_s
				    : KT_TEST_DEFAULT_DURATION_S);
}

unsigned kt_test_workers(const struct kt_test *t)
{
	return t->workers ? t->workers : KT_TEST_DEFAULT_WORKERS;
}

struct kt_assert kt_test_assert(const struct kt_test *t,
				const struct kt_assert *sched_layer)
{
	struct kt_assert a = kt_assert_default_checks();

	if (sched_layer)
		a = kt_assert_merge(&a, sched_layer);
	return kt_assert_merge(&a, &t->assert);
}
