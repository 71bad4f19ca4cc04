/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The gap check, with the host's share taken out. A worker's gap longer
 * than the limit is the scheduler's doing only for the part of it when
 * the vCPU was running: the vCPU probe (probe/vcpu_probe.h) knows when a
 * vCPU was not (the host or the emulator did not run it), and that part
 * is subtracted. Per worker, the longest gaps are tried longest first:
 *
 *   - what is left still passes the limit: STUCK (a FAIL), saying how
 *     much of the gap the vCPU was unavailable when any;
 *   - only the unavailable part made it pass: HOST_STALL (INCONCLUSIVE):
 *     the evidence cannot decide.
 *
 * A gap is laid over the windows of the CPU where it began and the one
 * where it ended (the worker waited on one of them); the smaller overlap
 * counts, so the host is never given more than either CPU shows. Without
 * a probe (host mode without CAP_SYS_NICE, or none started) every gap
 * counts whole, as before.
 */
#include <stdio.h>

#include <ktstr/check.h>

#include "check_priv.h"
#include "probe/vcpu_probe.h"

/* The recorded gaps of r, with max_gap_* as one more when the list does
 * not hold it (reports built by hand, or by an older writer). */
static size_t gaps_of(const struct kt_worker_report *r,
		      struct kt_gap out[KT_REPORT_GAPS + 1])
{
	size_t n = 0;
	bool has_max = false;

	for (size_t i = 0; i < KT_REPORT_GAPS && r->gaps[i].len_ns; i++) {
		out[n++] = r->gaps[i];
		has_max |= r->gaps[i].len_ns == r->max_gap_ns;
	}
	if (r->max_gap_ns && !has_max) {
		struct kt_gap g = {r->max_gap_at_ns, r->max_gap_ns,
				   r->max_gap_cpu, r->max_gap_cpu};

		/* it is the longest: keep the list longest first */
		for (size_t i = n++; i > 0; i--)
			out[i] = out[i - 1];
		out[0] = g;
	}
	return n;
}

/* How long the gap's vCPU was not running, from the probe's windows. */
static uint64_t unavailable(const struct kt_probe *p,
			    const struct kt_worker_report *r,
			    const struct kt_gap *g)
{
	uint64_t from = r->gate_ns + g->at_ns, to = from + g->len_ns;
	uint64_t a, b;

	if (!p || !r->gate_ns)
		return 0;
	a = kt_probe_unavailable_ns(p, g->cpu_from, from, to);
	b = g->cpu_to == g->cpu_from
		? a
		: kt_probe_unavailable_ns(p, g->cpu_to, from, to);
	if (!kt_probe_watches(p, g->cpu_from))
		a = b;
	if (!kt_probe_watches(p, g->cpu_to))
		b = a;
	return a < b ? a : b;
}

/* "on cpu3", or "before its first run" for a worker never seen on one. */
static const char *where(int cpu, char *buf, size_t len)
{
	if (cpu < 0)
		return "before its first run";
	snprintf(buf, len, "on cpu%d", cpu);
	return buf;
}

static int stuck(const struct kt_gap *g, uint64_t unavail,
		 struct kt_result *res)
{
	char cpu[32];

	if (!unavail)
		return kt_result_add(res, KT_DETAIL_STUCK,
				     "stuck %llums %s at +%llums",
				     (unsigned long long)kt_check_ms(g->len_ns),
				     where(g->cpu_to, cpu, sizeof(cpu)),
				     (unsigned long long)kt_check_ms(g->at_ns));
	return kt_result_add(res, KT_DETAIL_STUCK,
			     "stuck %llums %s at +%llums (the vCPU was not "
			     "running for %llums of it)",
			     (unsigned long long)kt_check_ms(g->len_ns),
			     where(g->cpu_to, cpu, sizeof(cpu)),
			     (unsigned long long)kt_check_ms(g->at_ns),
			     (unsigned long long)kt_check_ms(unavail));
}

static int host_stall(const struct kt_worker_report *r, const struct kt_gap *g,
		      uint64_t unavail, uint64_t limit_ns,
		      struct kt_result *res)
{
	char cpu[32];

	return kt_result_add(
	    res, KT_DETAIL_HOST_STALL,
	    "tid %d: gap of %llums %s at +%llums, but the vCPU was not "
	    "running for %llums of it (host stall): %llums is within the "
	    "%llums limit, so the gap cannot be judged",
	    (int)r->tid, (unsigned long long)kt_check_ms(g->len_ns),
	    where(g->cpu_to, cpu, sizeof(cpu)),
	    (unsigned long long)kt_check_ms(g->at_ns),
	    (unsigned long long)kt_check_ms(unavail),
	    (unsigned long long)kt_check_ms(g->len_ns - unavail),
	    (unsigned long long)kt_check_ms(limit_ns));
}

/* The gap g of r as the result's evidence moment: its end (CLOCK_MONOTONIC),
 * from its start; the first evidence recorded wins. */
static void evidence(const struct kt_worker_report *r, const struct kt_gap *g,
		     struct kt_result *res)
{
	if (r->gate_ns)
		kt_result_set_evidence(res, r->gate_ns + g->at_ns + g->len_ns,
				       r->gate_ns + g->at_ns, (int)r->tid);
}

/* One worker: the first gap the scheduler alone pushes past the limit is
 * STUCK; failing that, the longest excused one is a HOST_STALL. */
static int judge_worker(const struct kt_probe *p,
			const struct kt_worker_report *r, uint64_t limit_ns,
			struct kt_result *res)
{
	struct kt_gap gaps[KT_REPORT_GAPS + 1];
	size_t n = gaps_of(r, gaps), excused = n;
	uint64_t excused_by = 0;

	for (size_t i = 0; i < n && gaps[i].len_ns > limit_ns; i++) {
		uint64_t u = unavailable(p, r, &gaps[i]);

		if (gaps[i].len_ns - (u < gaps[i].len_ns ? u : gaps[i].len_ns) >
		    limit_ns) {
			evidence(r, &gaps[i], res);
			return stuck(&gaps[i], u, res);
		}
		if (excused == n) {
			excused = i;
			excused_by = u;
		}
	}
	if (excused < n)
		evidence(r, &gaps[excused], res);
	if (excused < n)
		return host_stall(r, &gaps[excused], excused_by, limit_ns, res);
	return 0;
}

int kt_check_gaps(const struct kt_worker_report *reports, size_t nr,
		  uint64_t limit_ns, struct kt_result *res)
{
	const struct kt_probe *p = kt_probe_current();
	int ret = 0;

	for (size_t i = 0; i < nr && !ret; i++)
		if (kt_check_judged(&reports[i]))
			ret = judge_worker(p, &reports[i], limit_ns, res);
	return ret;
}
