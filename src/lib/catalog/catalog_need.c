/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Topology requirements of catalog scenarios: a scenario the topology
 * cannot host (one LLC, one NUMA node, too few usable CPUs, no SMT) is
 * skipped with a reason before it creates a cgroup or a worker.
 */
#include "catalog_need.h"

static int nodes_with_cpus(const struct kt_topo *t)
{
	int n = 0;

	for (int i = 0; i < t->nr_nodes; i++)
		if (!kt_cpuset_empty(&t->nodes[i].cpus))
			n++;
	return n;
}

static int llc0_usable(const struct kt_topo *t)
{
	struct kt_cpuset s;

	if (!t->nr_llcs)
		return 0;
	kt_topo_llc_aligned(t, 0, &s);
	return kt_cpuset_count(&s);
}

static bool short_of(struct kt_result *res, const struct kt_need *need,
		     int want, int have, const char *what)
{
	if (!want || have >= want)
		return false;
	kt_result_skip(res, "%s%sneeds at least %d %s; this topology has %d",
		       need->reason ? need->reason : "",
		       need->reason ? ": " : "", want, what, have);
	return true;
}

bool kt_need_skip(const struct kt_ctx *ctx, struct kt_result *res,
		  const struct kt_need *need)
{
	const struct kt_topo *t = ctx->topo;

	return short_of(res, need, need->llcs, t->nr_llcs, "LLCs") ||
	       short_of(res, need, need->nodes, nodes_with_cpus(t),
			"NUMA nodes with CPUs") ||
	       short_of(res, need, need->usable, kt_topo_nr_usable(t),
			"usable CPUs") ||
	       short_of(res, need, need->llc0_usable, llc0_usable(t),
			"usable CPUs in LLC 0") ||
	       short_of(res, need, need->threads, t->threads_per_core,
			"SMT threads per core");
}

struct kt_assert kt_need_assert(const struct kt_ctx *ctx,
				const struct kt_assert *over)
{
	return kt_assert_merge(&ctx->assert, over);
}
