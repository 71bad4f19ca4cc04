/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kt_assert: which checks run and their thresholds. Every field is "unset"
 * or "set to X"; layers merge defaults -> scheduler -> test with the last
 * set value winning (a later layer can switch a check off).
 */
#ifndef KTSTR_CHECK_H
#define KTSTR_CHECK_H

#include <ktstr/common.h>
#include <ktstr/cpuset.h>
#include <ktstr/workload.h>

struct kt_result;

#define KT_DEFAULT_MAX_SPREAD_PCT 15.0
#define KT_DEFAULT_MAX_GAP_NS	  KT_MS(2000)

struct kt_assert {
	/* not_starved switches on starvation, fairness and gap checks */
	struct kt_opt_bool not_starved;
	struct kt_opt_bool isolation; /* needs a cpuset */
	struct kt_opt_f64 max_spread_pct;
	struct kt_opt_u64 max_gap_ns;
	struct kt_opt_f64 max_throughput_cv; /* CV of work units per CPU s */
	struct kt_opt_f64 min_work_rate;     /* work units per CPU s, each */
	struct kt_opt_u64 max_p99_wake_latency_ns;
	struct kt_opt_f64 max_migration_ratio; /* migrations / iterations */
};

/* not_starved + isolation on, spread 15%, gap 2000 ms. */
struct kt_assert kt_assert_default_checks(void);
/* Fields set in over replace those of base. */
struct kt_assert kt_assert_merge(const struct kt_assert *base,
				 const struct kt_assert *over);
/* Any check that looks at worker reports enabled? */
bool kt_assert_has_worker_checks(const struct kt_assert *a);

/*
 * Judge one cgroup's workers. cpuset may be NULL (no isolation check).
 * Violations become details of res (which is failed); a stats line for
 * the cgroup is always added. Returns 0 (or -ENOMEM).
 */
int kt_assert_cgroup(const struct kt_assert *a, const char *cgroup,
		     const struct kt_worker_report *reports, size_t nr,
		     const struct kt_cpuset *cpuset, struct kt_result *res);

/* Off-CPU percentage of one worker (0 when wall time is 0). */
double kt_report_off_cpu_pct(const struct kt_worker_report *r);

#endif
