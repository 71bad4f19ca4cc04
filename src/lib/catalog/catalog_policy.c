/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Catalog scenarios of the "sched_class" category about the policies and
 * shape of workers beyond the classic classes: SCHED_DEADLINE workers
 * beside normal ones, workers that are threads of one process (threads
 * mode), and memory policies on a NUMA topology.
 */
#include "catalog_need.h"
#include "catalog_register.h"

/*
 * Two SCHED_DEADLINE spinners (5 ms of CPU every 20 ms each, a quarter
 * CPU) beside two normal spinners. The deadline class ranks above fair
 * and sched_ext, so the deadline workers must get their runtime every
 * period whatever the scheduler under test does (min_dl_runtime_pct: the
 * CPU time each got per period, measured over the run), and the normal
 * workers must not starve beside them (the usual checks). The workers
 * keep the whole machine's affinity and no cpuset: the kernel refuses
 * SCHED_DEADLINE to a task whose affinity is narrower than its root
 * domain.
 */
KT_CATALOG_SCENARIO(sched_deadline_mix, SCHED_CLASS, 20,
		    "SCHED_DEADLINE spinners (5 ms per 20 ms) beside normal "
		    "spinners")
{
	struct kt_sched_policy dl =
	    KT_POLICY_DEADLINE_OF(KT_MS(5), KT_MS(20), KT_MS(20));

	return kt_execute_defs(
	    ctx, res,
	    KT_DEFS(
		kt_cgroup_def("cg_deadline", .workers = 2, .sched_policy = dl),
		kt_cgroup_def("cg_normal", .workers = 2)));
}

/*
 * Threads mode: one cgroup's spinners and one cgroup's pipe pair are
 * threads of one process each. Every thread is judged as a worker of its
 * own (its tid's telemetry and schedstat); the result lists each with its
 * tid and the shared tgid. About three CPUs of demand for the three usable
 * CPUs of the 4-vCPU shapes: with two forked spinners beside them, EEVDF
 * split the forked pair unevenly across the two nodes of 2n2l2c1t
 * (off-CPU 4% vs 38%), a placement of its NUMA balancing this scenario is
 * not about.
 */
KT_CATALOG_SCENARIO(worker_threads, SCHED_CLASS, 21,
		    "spinners and a pipe pair as threads of one process each")
{
	return kt_execute_defs(
	    ctx, res,
	    KT_DEFS(kt_cgroup_def("cg_threads", .workers = 2, .threads = true),
		    kt_cgroup_def("cg_pipe_threads", .workers = 2,
				  .work_type = KT_WORK(KT_WORK_PIPE_IO),
				  .threads = true)));
}

/*
 * Memory policies on two NUMA nodes: workers on node 1's CPUs with their
 * memory bound to node 1, and on node 0's CPUs workers interleaving their
 * memory over both nodes and threads-mode workers preferring node 0, all
 * faulting pages in (PageFaultChurn). Each worker reads its policy back
 * with get_mempolicy(2); a difference fails the worker. Each cgroup keeps
 * to one node's CPUs: with the cgroups free to spread, EEVDF kept 2
 * workers of one cgroup on an uneven split across the nodes (off-CPU
 * 9% vs 39%, the fairness check's spread), a placement choice of its NUMA
 * balancing that this scenario is not about.
 */
KT_CATALOG_SCENARIO(numa_mem_policy, SCHED_CLASS, 22,
		    "workers with Bind, Interleave and Preferred memory "
		    "policies on 2 nodes")
{
	struct kt_work_type faults = KT_WORK(KT_WORK_PAGE_FAULT_CHURN);

	if (KT_NEED(ctx, res, .nodes = 2, .reason = "memory on node 1"))
		return 0;
	return kt_execute_defs(
	    ctx, res,
	    KT_DEFS(
		kt_cgroup_def("cg_bind1", .workers = 2,
			      .cpuset = KT_CPUSET_NUMA(1), .work_type = faults,
			      .mem_policy = KT_MEM_POLICY(BIND, 1u << 1)),
		kt_cgroup_def("cg_interleave", .workers = 2,
			      .cpuset = KT_CPUSET_NUMA(0), .work_type = faults,
			      .mem_policy = KT_MEM_POLICY(INTERLEAVE, 3)),
		kt_cgroup_def(
		    "cg_preferred0", .workers = 2, .cpuset = KT_CPUSET_NUMA(0),
		    .work_type = faults, .threads = true,
		    .mem_policy = KT_MEM_POLICY(PREFERRED, 1u << 0))));
}
