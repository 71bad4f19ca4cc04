/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * How a scenario joins the catalog: a descriptor placed in the linker
 * section "ktstr_catalog" by the category file that holds the scenario,
 * the way KTSTR_TEST registers a test. There is no central table.
 *
 *	KT_CATALOG_SCENARIO(cgroup_pipe_io, BASIC, 2,
 *			    "one pipe pair per cgroup, both ends blocking")
 *	{
 *		return kt_execute_defs(ctx, res, ...);
 *	}
 *
 * registers the body that follows; KT_CATALOG_ENTRY registers a function
 * defined elsewhere (the seed's canned scenarios, the ops families, a
 * second name for one scenario).
 *
 * The listing order is explicit, never link order: the default set first,
 * then the ops families, then the categories in enum order; within each
 * of those parts by the entry's sequence number (1, 2, ...). The Makefile
 * links every catalog object into libktstr.a as one relocatable object,
 * so a program that uses kt_catalog() gets every registration.
 */
#ifndef KTSTR_CATALOG_REGISTER_H
#define KTSTR_CATALOG_REGISTER_H

#include <ktstr/ops.h>

/* The categories, in listing order (names in catalog.c). */
enum kt_catalog_category {
	KT_CATEGORY_BASIC,
	KT_CATEGORY_CPUSET,
	KT_CATEGORY_DYNAMIC,
	KT_CATEGORY_STRESS,
	KT_CATEGORY_AFFINITY,
	KT_CATEGORY_SCHED_CLASS,
	KT_CATEGORY_NESTED,
	KT_CATEGORY_INTERACTION,
	KT_CATEGORY_PERFORMANCE,
	KT_CATEGORY_HOTPLUG,
	KT_CATEGORY_PAYLOAD,
	KT_CATEGORY_CGROUP_CTRL,
	KT_CATEGORY__COUNT,
};

/* The parts of the listing, in order. */
enum kt_catalog_part {
	KT_PART_DEFAULT_SET, /* the seed's canned scenarios, run by default */
	KT_PART_OPS,	     /* one scenario per family of ops */
	KT_PART_CATEGORY,    /* the catalog proper, by category */
};

struct kt_catalog_entry {
	const char *name;
	enum kt_catalog_category category;
	enum kt_catalog_part part;
	unsigned seq; /* position within its part (and category) */
	const char *description;
	kt_scenario_fn fn;
};

#define KT_CATALOG_SECTION "ktstr_catalog"

/* The section holds pointers, so every entry is exactly one word apart. */
#define KT_CATALOG_ENTRY(id, part_, cat, nr, desc, func)                       \
	static const struct kt_catalog_entry kt_catalog_desc_##id = {          \
	    .name = #id,                                                       \
	    .category = KT_CATEGORY_##cat,                                     \
	    .part = KT_PART_##part_,                                           \
	    .seq = (nr),                                                       \
	    .description = (desc),                                             \
	    .fn = (func),                                                      \
	};                                                                     \
	static const struct kt_catalog_entry *const kt_catalog_ptr_##id        \
	    __attribute__((used, section(KT_CATALOG_SECTION),                  \
			   aligned(sizeof(void *)))) = &kt_catalog_desc_##id

#define KT_CATALOG_SCENARIO(id, cat, nr, desc)                                 \
	static int kt_catalog_fn_##id(const struct kt_ctx *ctx,                \
				      struct kt_result *res);                  \
	KT_CATALOG_ENTRY(id, CATEGORY, cat, nr, desc, kt_catalog_fn_##id);     \
	static int kt_catalog_fn_##id(const struct kt_ctx *ctx,                \
				      struct kt_result *res)

#endif
