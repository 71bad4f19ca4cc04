/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Catalog scenarios of the "cgroup_ctrl" category: cgroups with cpu
 * controller knobs competing for the same CPUs. Both put two cgroups on
 * the usable CPUs of LLC 0 with as many SpinWait workers each as that LLC
 * has CPUs, so the cgroups always want twice the CPUs there are and the
 * controller decides who gets what (judged by the weighted-fairness and
 * bandwidth checks, result/check_cgctl.c).
 */
#include "catalog_need.h"
#include "catalog_register.h"

/* Usable CPUs in LLC 0 (at least 1). */
static unsigned llc0_cpus(const struct kt_ctx *ctx)
{
	struct kt_cpuset cpus;
	int n;

	if (kt_cpuset_spec_resolve(ctx->topo, &KT_CPUSET_LLC(0), &cpus))
		return 1;
	n = kt_cpuset_count(&cpus);
	return n > 0 ? (unsigned)n : 1;
}

/*
 * cpu.weight 200 against 100 on the same CPUs: cg_heavy should get two
 * thirds of what the two use, cg_light one third.
 */
KT_CATALOG_SCENARIO(cgroup_weight_fairness, CGROUP_CTRL, 1,
		    "two cgroups with cpu.weight 2:1 on the same CPUs")
{
	unsigned n = llc0_cpus(ctx);

	return kt_execute_defs(
	    ctx, res,
	    KT_DEFS(kt_cgroup_def("cg_heavy", .workers = n, .cpu_weight = 200,
				  .cpuset = KT_CPUSET_LLC(0)),
		    kt_cgroup_def("cg_light", .workers = n, .cpu_weight = 100,
				  .cpuset = KT_CPUSET_LLC(0))));
}

/*
 * cpu.max "50000 100000" (half of one CPU) on cg_capped, next to an
 * unlimited cgroup on the same CPUs that takes what cg_capped may not.
 */
KT_CATALOG_SCENARIO(cgroup_bandwidth, CGROUP_CTRL, 2,
		    "a cgroup under cpu.max 50% of one CPU beside an "
		    "unlimited one")
{
	unsigned n = llc0_cpus(ctx);

	return kt_execute_defs(
	    ctx, res,
	    KT_DEFS(kt_cgroup_def("cg_capped", .workers = n,
				  .cpu_max = KT_CPU_MAX(50000, 100000),
				  .cpuset = KT_CPUSET_LLC(0)),
		    kt_cgroup_def("cg_free", .workers = n,
				  .cpuset = KT_CPUSET_LLC(0))));
}
