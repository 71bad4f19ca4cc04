/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The scenario catalog: the entries that the category files registered in
 * the "ktstr_catalog" section (catalog_register.h), put in listing order
 * once, with their category names; lookups by name; and kt_run_scenario,
 * which runs one scenario and turns an error into an infrastructure
 * verdict.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "catalog_register.h"
#include "scenario/scenario_measure.h"

/*
 * The section's bounds, provided by the linker. Not weak (unlike the test
 * registry's): the Makefile links this object and the category files as
 * one, so the section exists wherever this code is linked.
 */
extern const struct kt_catalog_entry *const __start_ktstr_catalog[];
extern const struct kt_catalog_entry *const __stop_ktstr_catalog[];

static const char *const category_names[KT_CATEGORY__COUNT] = {
    [KT_CATEGORY_BASIC] = "basic",
    [KT_CATEGORY_CPUSET] = "cpuset",
    [KT_CATEGORY_DYNAMIC] = "dynamic",
    [KT_CATEGORY_STRESS] = "stress",
    [KT_CATEGORY_AFFINITY] = "affinity",
    [KT_CATEGORY_SCHED_CLASS] = "sched_class",
    [KT_CATEGORY_NESTED] = "nested",
    [KT_CATEGORY_INTERACTION] = "interaction",
    [KT_CATEGORY_PERFORMANCE] = "performance",
    [KT_CATEGORY_HOTPLUG] = "hotplug",
    [KT_CATEGORY_PAYLOAD] = "payload",
    [KT_CATEGORY_CGROUP_CTRL] = "cgroup_ctrl",
};

static int cmp_unsigned(unsigned a, unsigned b)
{
	return a < b ? -1 : a > b;
}

/* The default set, then the ops families, then the categories in enum
 * order; by sequence number within each (the name breaks a tie). */
static int by_listing_order(const void *pa, const void *pb)
{
	const struct kt_catalog_entry *a =
	    *(const struct kt_catalog_entry *const *)pa;
	const struct kt_catalog_entry *b =
	    *(const struct kt_catalog_entry *const *)pb;
	int c = cmp_unsigned(a->part, b->part);

	if (!c && a->part == KT_PART_CATEGORY)
		c = cmp_unsigned(a->category, b->category);
	if (!c)
		c = cmp_unsigned(a->seq, b->seq);
	return c ? c : strcmp(a->name, b->name);
}

struct listing {
	size_t nr;
	struct kt_scenario s[];
};

static struct listing *build_listing(void)
{
	size_t nr = (size_t)(__stop_ktstr_catalog - __start_ktstr_catalog);
	const struct kt_catalog_entry **order =
	    malloc((nr ? nr : 1) * sizeof(*order));
	struct listing *l = malloc(sizeof(*l) + nr * sizeof(l->s[0]));

	if (!order || !l) {
		free(order);
		free(l);
		errno = ENOMEM;
		return NULL;
	}
	memcpy(order, __start_ktstr_catalog, nr * sizeof(*order));
	qsort(order, nr, sizeof(*order), by_listing_order);
	l->nr = nr;
	for (size_t i = 0; i < nr; i++)
		l->s[i] = (struct kt_scenario){
		    .name = order[i]->name,
		    .category = category_names[order[i]->category],
		    .description = order[i]->description,
		    .fn = order[i]->fn,
		    .in_default_set = order[i]->part == KT_PART_DEFAULT_SET,
		};
	free(order);
	return l;
}

/* Built on first use and kept for the life of the process. */
static struct listing *listing(void)
{
	static _Atomic(struct listing *) built;
	struct listing *l = atomic_load(&built), *none = NULL;

	if (l)
		return l;
	l = build_listing();
	/* two first callers at once: the loser's copy goes */
	if (l && !atomic_compare_exchange_strong(&built, &none, l)) {
		free(l);
		l = none;
	}
	return l;
}

const struct kt_scenario *kt_catalog(size_t *nr)
{
	struct listing *l = listing();

	*nr = l ? l->nr : 0;
	return l ? l->s : NULL;
}

const struct kt_scenario *kt_catalog_find(const char *name)
{
	size_t nr;
	const struct kt_scenario *s = kt_catalog(&nr);

	for (size_t i = 0; name && i < nr; i++)
		if (!strcmp(s[i].name, name))
			return &s[i];
	return NULL;
}

int kt_run_scenario(const struct kt_scenario *s, const struct kt_ctx *ctx,
		    const char *topo_name, const char *sched_name,
		    struct kt_result *res)
{
	uint64_t start = kt_now_ns();
	struct kt_scenario_measure m;
	int err;

	err = kt_result_set_header(res, s->name, topo_name, sched_name);
	if (err)
		return err;
	if (ctx->current_step)
		atomic_store(ctx->current_step, 0);
	kt_scenario_measure_begin(&m);
	kt_clear_error();
	err = s->fn(ctx, res);
	if (err)
		kt_result_add(res, KT_DETAIL_INFRA, "scenario %s: %s", s->name,
			      kt_last_error());
	kt_scenario_measure_end(&m, &ctx->assert, res);
	res->duration_ns = kt_now_ns() - start;
	return 0;
}
