/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Catalog scenarios of the "hotplug" category: CPUs going offline and
 * coming back online in the middle of a run (the CpuOffline / CpuOnline
 * ops), under cgroups whose cpusets hold those CPUs and a worker pinned
 * to one of them. Workers must keep making progress (the gap check), the
 * cpusets must be restored after each online (checked by the ops), and
 * the scheduler must survive (a sched_ext scheduler without
 * ops.cpu_online/cpu_offline is ejected by the kernel, and the SCHED
 * verdict carries the kernel's reason). Every CPU taken offline is online
 * again at the end, whatever happens.
 */
#include <stdio.h>

#include "catalog_need.h"
#include "catalog_register.h"

/* The highest usable CPU of LLC i, as a cpulist; -1 when it is cpu0 or
 * there is none (x86 cannot take cpu0 offline). */
static int last_of_llc(const struct kt_ctx *ctx, int i, char *buf, size_t len)
{
	struct kt_cpuset s;
	int cpu, last = -1;

	kt_topo_llc_aligned(ctx->topo, i, &s);
	kt_cpuset_for_each (cpu, &s)
		last = cpu;
	if (last <= 0)
		return -1;
	snprintf(buf, len, "%d", last);
	return last;
}

/*
 * One CPU of LLC 0 (its highest usable one) goes offline for the middle
 * third: cg_0's cpuset (LLC 0) shrinks and comes back, cg_pin's worker
 * pinned to that CPU is moved by the kernel, cg_1 runs anywhere.
 */
KT_CATALOG_SCENARIO(cpu_hotplug_one, HOTPLUG, 1,
		    "one CPU of an LLC offline for the middle third, then "
		    "back")
{
	char cpu[16];

	if (KT_NEED(ctx, res, .llc0_usable = 2,
		    .reason = "a CPU of LLC 0 besides cpu0 to take offline"))
		return 0;
	if (last_of_llc(ctx, 0, cpu, sizeof(cpu)) < 0)
		return kt_result_skip(res, "no CPU of LLC 0 but cpu0"), 0;
	struct kt_backdrop bd =
	    kt_backdrop(.defs = KT_DEFS(
			    kt_cgroup_def("cg_0", .cpuset = KT_CPUSET_LLC(0)),
			    kt_cgroup_def("cg_1"),
			    kt_cgroup_def("cg_pin", .workers = 1,
					  .affinity = KT_AFFINITY_EXACT(cpu))));

	return kt_execute_scenario(
	    ctx, res, &bd,
	    KT_STEPS(
		kt_step(.hold = KT_HOLD_FRAC(1.0 / 3)),
		kt_step(.ops = KT_OPS(KT_OP_CPU_OFFLINE(KT_CPUSET_EXACT(cpu))),
			.hold = KT_HOLD_FRAC(1.0 / 3)),
		kt_step(.ops = KT_OPS(KT_OP_CPU_ONLINE(KT_CPUSET_EXACT(cpu))),
			.hold = KT_HOLD_FRAC(1.0 / 3))));
}

/* Every online CPU of the last LLC, as a cpulist (the harness's own CPU
 * included: all of the LLC goes). */
static void whole_llc(const struct kt_ctx *ctx, char *buf, size_t len)
{
	struct kt_cpuset s = ctx->topo->llcs[ctx->topo->nr_llcs - 1].cpus;

	kt_cpuset_and(&s, &ctx->topo->online);
	kt_cpuset_format(&s, buf, len);
}

/*
 * The last LLC goes offline whole for the middle third: cg_1, confined
 * to it, is left with no CPU of its own and runs on its parent's until
 * the LLC comes back; cg_0 on LLC 0 takes the rest of the load.
 */
KT_CATALOG_SCENARIO(cpu_hotplug_llc, HOTPLUG, 2,
		    "a whole LLC offline for the middle third, then back")
{
	char cpus[256];

	if (KT_NEED(ctx, res, .llcs = 2,
		    .reason = "an LLC to take offline and one to keep"))
		return 0;
	whole_llc(ctx, cpus, sizeof(cpus));
	struct kt_backdrop bd =
	    kt_backdrop(.defs = KT_DEFS(
			    kt_cgroup_def("cg_0", .cpuset = KT_CPUSET_LLC(0)),
			    kt_cgroup_def("cg_1", .cpuset = KT_CPUSET_LLC(1))));

	return kt_execute_scenario(
	    ctx, res, &bd,
	    KT_STEPS(
		kt_step(.hold = KT_HOLD_FRAC(1.0 / 3)),
		kt_step(.ops = KT_OPS(KT_OP_CPU_OFFLINE(KT_CPUSET_EXACT(cpus))),
			.hold = KT_HOLD_FRAC(1.0 / 3)),
		kt_step(.ops = KT_OPS(KT_OP_CPU_ONLINE(KT_CPUSET_EXACT(cpus))),
			.hold = KT_HOLD_FRAC(1.0 / 3))));
}

/*
 * Offline and online in a loop: the highest usable CPU goes offline and
 * comes back four times, an eighth of the run each way, under a cgroup
 * confined to the second half of the CPUs (which holds it) and one that
 * runs anywhere.
 */
KT_CATALOG_SCENARIO(cpu_hotplug_loop, HOTPLUG, 3,
		    "a CPU offline and online again, four times over")
{
	struct kt_cpuset usable;
	char cpu[16];
	int c, last = -1;

	if (KT_NEED(ctx, res, .usable = 2,
		    .reason = "a CPU besides cpu0 to take offline"))
		return 0;
	kt_topo_usable(ctx->topo, &usable);
	kt_cpuset_for_each (c, &usable)
		last = c;
	snprintf(cpu, sizeof(cpu), "%d", last);
	struct kt_op off = KT_OP_CPU_OFFLINE(KT_CPUSET_EXACT(cpu));
	struct kt_op on = KT_OP_CPU_ONLINE(KT_CPUSET_EXACT(cpu));
	struct kt_hold h = KT_HOLD_FRAC(1.0 / 8);
	struct kt_backdrop bd =
	    kt_backdrop(.defs = KT_DEFS(
			    kt_cgroup_def("cg_0",
					  .cpuset = KT_CPUSET_DISJOINT(1, 2)),
			    kt_cgroup_def("cg_1")));

	return kt_execute_scenario(
	    ctx, res, &bd,
	    KT_STEPS(kt_step(.ops = KT_OPS(off), .hold = h),
		     kt_step(.ops = KT_OPS(on), .hold = h),
		     kt_step(.ops = KT_OPS(off), .hold = h),
		     kt_step(.ops = KT_OPS(on), .hold = h),
		     kt_step(.ops = KT_OPS(off), .hold = h),
		     kt_step(.ops = KT_OPS(on), .hold = h),
		     kt_step(.ops = KT_OPS(off), .hold = h),
		     kt_step(.ops = KT_OPS(on), .hold = h)));
}
