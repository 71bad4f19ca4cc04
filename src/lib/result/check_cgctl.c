/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The cgroup-controller checks, judged on cpu.stat deltas over one window:
 *
 * Weighted fairness: cgroups that compete for the same CPUs get CPU time
 * in proportion to their cpu.weight. The expected share of each is a
 * weighted max-min fair split of the CPUs (water-filling): a cgroup never
 * gets more CPUs than it has busy workers (its demand), and what it cannot
 * use goes to the others by weight. Each cgroup's measured share of the
 * competing cgroups' total usage must lie within max_weight_err_pct of its
 * expected share (relative). Cgroups whose demand fits the CPUs do not
 * compete, and nothing is judged.
 *
 * Bandwidth: a cgroup under cpu.max uses at most quota/period of a CPU
 * over the window, plus max_bw_excess_pct; nr_throttled and
 * throttled_usec are the evidence.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ktstr/check.h>
#include <ktstr/result.h>

int kt_cg_cpu_stat_parse(const char *text, struct kt_cg_cpu_stat *out)
{
	static const struct {
		const char *key;
		size_t off;
	} keys[] = {
	    {"usage_usec", offsetof(struct kt_cg_cpu_stat, usage_us)},
	    {"nr_periods", offsetof(struct kt_cg_cpu_stat, nr_periods)},
	    {"nr_throttled", offsetof(struct kt_cg_cpu_stat, nr_throttled)},
	    {"throttled_usec", offsetof(struct kt_cg_cpu_stat, throttled_us)},
	};
	bool usage = false;
	const char *p = text;

	*out = (struct kt_cg_cpu_stat){0};
	while (p && *p) {
		char key[32];
		unsigned long long v;

		if (sscanf(p, "%31s %llu", key, &v) == 2) {
			for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]);
			     i++) {
				if (strcmp(key, keys[i].key))
					continue;
				*(uint64_t *)((char *)out + keys[i].off) = v;
				usage |= i == 0;
			}
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	if (!usage)
		return kt_err(EINVAL, "cpu.stat: no usage_usec line");
	return 0;
}

int kt_weight_expected_shares(const struct kt_cgroup_cpu *cgs, size_t nr,
			      double capacity, double *out)
{
	bool *fixed = calloc(nr ? nr : 1, sizeof(*fixed));
	double left = capacity, total = 0;

	if (!fixed)
		return -ENOMEM;
	/* Water-filling: split what is left by weight among the unfixed;
	 * those that cannot use their part get their demand, and repeat. */
	for (size_t round = 0; round < nr; round++) {
		double wsum = 0;
		bool again = false;

		for (size_t i = 0; i < nr; i++)
			wsum += fixed[i] ? 0 : cgs[i].weight;
		for (size_t i = 0; i < nr && wsum > 0; i++) {
			double part = left * cgs[i].weight / wsum;

			if (fixed[i] || part < cgs[i].demand)
				continue;
			fixed[i] = true;
			out[i] = cgs[i].demand;
			left -= cgs[i].demand;
			again = true;
		}
		if (!again) {
			for (size_t i = 0; i < nr; i++)
				if (!fixed[i])
					out[i] = left * cgs[i].weight / wsum;
			break;
		}
	}
	free(fixed);
	for (size_t i = 0; i < nr; i++)
		total += out[i];
	for (size_t i = 0; i < nr; i++)
		out[i] = total > 0 ? out[i] / total : 0;
	return 0;
}

/* "cg_0 weight 200: expected 66.7% got 64.1%; ..." into buf */
static void shares_line(const struct kt_cgroup_cpu *cgs, size_t nr,
			const double *want, const double *got, char *buf,
			size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < nr && o < len; i++)
		o += (size_t)snprintf(
		    buf + o, len - o,
		    "%s%s weight %u: weight share %.1f%%, measured %.1f%% "
		    "(%.2fs CPU)",
		    i ? "; " : "", cgs[i].cgroup, cgs[i].weight, want[i] * 100,
		    got[i] * 100, (double)cgs[i].usage_us / 1e6);
}

static bool competing(const struct kt_cgroup_cpu *cgs, size_t nr,
		      double capacity)
{
	double demand = 0;

	for (size_t i = 0; i < nr; i++)
		demand += cgs[i].demand;
	return nr >= 2 && demand > capacity;
}

int kt_check_weight_shares(const struct kt_cgroup_cpu *cgs, size_t nr,
			   double capacity, double max_err_pct,
			   struct kt_result *res)
{
	double *want = calloc(nr ? nr : 1, 2 * sizeof(double));
	double *got = want + nr, total = 0, worst = 0;
	char line[1024];
	size_t bad = 0;
	int err;

	if (!want)
		return -ENOMEM;
	if (!competing(cgs, nr, capacity)) {
		free(want);
		return 0;
	}
	err = kt_weight_expected_shares(cgs, nr, capacity, want);
	for (size_t i = 0; !err && i < nr; i++)
		total += (double)cgs[i].usage_us;
	for (size_t i = 0; !err && i < nr; i++) {
		double e;

		got[i] = total > 0 ? (double)cgs[i].usage_us / total : 0;
		e = want[i] > 0 ? (got[i] - want[i]) / want[i] * 100 : 0;
		if (e < 0)
			e = -e;
		if (e > worst) {
			worst = e;
			bad = i;
		}
	}
	if (!err) {
		shares_line(cgs, nr, want, got, line, sizeof(line));
		if (worst > max_err_pct)
			err = kt_result_add(
			    res, KT_DETAIL_UNFAIR,
			    "weighted fairness: %s is %.0f%% off its weight "
			    "share (limit %.0f%%) on %.0f CPUs: %s",
			    cgs[bad].cgroup, worst, max_err_pct, capacity,
			    line);
		else
			err = kt_result_add(res, KT_DETAIL_NOTE,
					    "weighted fairness on %.0f CPUs "
					    "(worst %.0f%% off, limit %.0f%%): "
					    "%s",
					    capacity, worst, max_err_pct, line);
	}
	free(want);
	return err;
}

int kt_check_bandwidth(const char *cgroup, uint64_t quota_us,
		       uint64_t period_us, uint64_t window_us,
		       const struct kt_cg_cpu_stat *d, double max_excess_pct,
		       struct kt_result *res)
{
	double allowed, used = (double)d->usage_us, over;

	if (!period_us || !window_us)
		return 0;
	allowed = (double)quota_us / (double)period_us * (double)window_us;
	over = allowed > 0 ? (used - allowed) / allowed * 100 : 0;
	if (over > max_excess_pct)
		return kt_result_add(
		    res, KT_DETAIL_UNFAIR,
		    "bandwidth: %s used %.3fs of CPU in %.3fs under cpu.max "
		    "%" PRIu64 " %" PRIu64 " (allowed %.3fs, %.0f%% over, "
		    "limit %.0f%%); throttled %" PRIu64 " of %" PRIu64
		    " periods for %.3fs",
		    cgroup, used / 1e6, (double)window_us / 1e6, quota_us,
		    period_us, allowed / 1e6, over, max_excess_pct,
		    d->nr_throttled, d->nr_periods,
		    (double)d->throttled_us / 1e6);
	return kt_result_add(
	    res, KT_DETAIL_NOTE,
	    "bandwidth: %s used %.3fs of CPU in %.3fs under "
	    "cpu.max %" PRIu64 " %" PRIu64
	    " (allowed %.3fs, limit +%.0f%%); throttled %" PRIu64 " of %" PRIu64
	    " periods for %.3fs",
	    cgroup, used / 1e6, (double)window_us / 1e6, quota_us, period_us,
	    allowed / 1e6, max_excess_pct, d->nr_throttled, d->nr_periods,
	    (double)d->throttled_us / 1e6);
}
