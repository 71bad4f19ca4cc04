/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Private to result/: the checks of one cgroup split by concept. check.c
 * computes the stats and runs every check; check_gap.c judges gaps against
 * the vCPU probe (stuck or host stall); check_conservation.c judges work
 * conservation; check_coverage.c whether sched_ext ran the workers;
 * check_policy.c the workers' scheduling and memory policies.
 */
#ifndef KTSTR_CHECK_PRIV_H
#define KTSTR_CHECK_PRIV_H

#include <ktstr/check.h>
#include <ktstr/result.h>

/* Workers that never started have no telemetry to judge. */
static inline bool kt_check_judged(const struct kt_worker_report *r)
{
	return r->exit != KT_WORKER_NOT_STARTED;
}

static inline uint64_t kt_check_ms(uint64_t ns)
{
	return (ns + 500000) / 1000000;
}

/* One STUCK or HOST_STALL detail per worker whose gaps pass limit_ns. */
int kt_check_gaps(const struct kt_worker_report *reports, size_t nr,
		  uint64_t limit_ns, struct kt_result *res);

/* Fill st's idle_wait fields; a CONSERVATION detail past the limit. */
int kt_check_conservation(const struct kt_assert *a, const char *cgroup,
			  const struct kt_worker_report *reports, size_t nr,
			  const struct kt_cgroup_evidence *ev,
			  struct kt_cgroup_stats *st, struct kt_result *res);

/* Fill st's ext fields; a COVERAGE detail when sched_ext ran none. */
int kt_check_coverage(const struct kt_assert *a, const char *cgroup,
		      const struct kt_worker_report *reports, size_t nr,
		      const struct kt_cgroup_evidence *ev,
		      struct kt_cgroup_stats *st, struct kt_result *res);

/* Per-worker entries into res; Deadline runtime and memory policy
 * checks (check_policy.c). */
int kt_check_policies(const struct kt_assert *a, const char *cgroup,
		      const struct kt_worker_report *reports, size_t nr,
		      struct kt_result *res);

#endif
