/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What topology a catalog scenario needs (catalog_need.c): minimums that,
 * when the topology misses one, make the scenario a SKIP with the reason
 * before it creates anything; and an assert with a scenario's own limits
 * on top of ctx->assert.
 */
#ifndef KTSTR_CATALOG_NEED_H
#define KTSTR_CATALOG_NEED_H

#include <ktstr/scenario.h>

/* Minimums a scenario needs from ctx->topo; zero fields ask nothing. */
struct kt_need {
	int llcs;	    /* LLCs */
	int nodes;	    /* NUMA nodes holding CPUs */
	int usable;	    /* usable CPUs (kt_topo_usable) */
	int llc0_usable;    /* usable CPUs in LLC 0 */
	int threads;	    /* SMT threads per core */
	const char *reason; /* optional prefix: what the CPUs are for */
};

/*
 * True when ctx->topo misses one of need's minimums: res is then a SKIP
 * with a reason such as "needs at least 2 LLCs; this topology has 1", and
 * the scenario returns 0 before creating anything.
 */
bool kt_need_skip(const struct kt_ctx *ctx, struct kt_result *res,
		  const struct kt_need *need);
#define KT_NEED(ctx, res, ...)                                                 \
	kt_need_skip((ctx), (res), &(struct kt_need){__VA_ARGS__})

/* An assert that is ctx->assert with over's set fields on top. */
struct kt_assert kt_need_assert(const struct kt_ctx *ctx,
				const struct kt_assert *over);

#endif
