/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The text report of a kt_result, made to be read and grepped:
 *
 *   FAIL steady [topo=1n1l4c1t sched=eevdf] 2.0s
 *     stuck 3500ms on cpu1 at +1200ms
 *     note: scheduler log truncated
 *   --- stats ---
 *     cg_0: 2 workers on 2 cpus, off-cpu 1-3% (spread 2%), max gap 12ms,
 *           123456 units, 10 migrations (ratio 0.001), p99 wake 1.2ms
 *           (40 samples)                       <- all one line in the output
 *
 * Header: the verdict in upper case (PASS SKIP FAIL SCHED INFRA), then the
 * scenario name, "[topo=X sched=Y]" with whichever of the two is known
 * (no brackets when neither is), the duration in seconds with one decimal
 * when it is not 0, and for SKIP ": <reason>" when a reason is recorded.
 * Then one line per detail indented by two spaces (NOTE details start with
 * "note: "). The stats block is present only when there are stats, one
 * line per cgroup; the wake part only when samples exist, and after it
 * MessageWorker's ", p99 request 3.1ms (p50 1.2ms, 400 samples)". Off-CPU
 * percentages and spread are rounded to whole percent, gap to whole ms,
 * the latencies are in ms with one decimal (us below 1 ms). Counts are
 * always plural ("1 workers") so one pattern matches every line.
 * An ops/steps scenario's timeline follows, only when it has events:
 *
 *   --- timeline ---
 *     +0ms ScenarioStart: 0 cgroups, 0 workers, 0 iterations
 *     +1000ms StepStart[2] [SwapCpusets]: 2 cgroups, 4 workers, 8812 iterations
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>

#include <ktstr/result.h>

#include "result_dump.h"
#include "result_metrics.h"
#include "result_map_writes.h"

/* The verdict's name in capitals: PASS, INCONCLUSIVE, ... */
static void print_verdict(enum kt_verdict v, FILE *f)
{
	for (const char *p = kt_verdict_name(v); *p; p++)
		fputc(toupper((unsigned char)*p), f);
}

static void print_header(const struct kt_result *r, FILE *f)
{
	print_verdict(r->verdict, f);
	if (r->scenario)
		fprintf(f, " %s", r->scenario);
	if (r->topo || r->scheduler) {
		fputs(" [", f);
		if (r->topo)
			fprintf(f, "topo=%s", r->topo);
		if (r->scheduler)
			fprintf(f, "%ssched=%s", r->topo ? " " : "",
				r->scheduler);
		fputc(']', f);
	}
	if (r->duration_ns)
		fprintf(f, " %.1fs", (double)r->duration_ns / 1e9);
	if (r->verdict == KT_VERDICT_SKIP && r->skip_reason)
		fprintf(f, ": %s", r->skip_reason);
	fputc('\n', f);
}

/* "1.2ms", or "850.0us" below a millisecond. */
static const char *fmt_us(char *buf, size_t len, uint64_t ns)
{
	if (ns >= KT_MS(1))
		snprintf(buf, len, "%.1fms", (double)ns / 1e6);
	else
		snprintf(buf, len, "%.1fus", (double)ns / 1e3);
	return buf;
}

static void print_stats(const struct kt_cgroup_stats *s, FILE *f)
{
	char a[32], b[32];

	fprintf(f, "  %s: %u workers on %u cpus, off-cpu %ld-%ld%%",
		s->cgroup ? s->cgroup : "?", s->workers, s->cpus,
		lround(s->min_off_cpu_pct), lround(s->max_off_cpu_pct));
	/* the spread is of what fairness was judged on */
	if (s->spread_on_wait)
		fprintf(f, ", waiting %ld-%ld%%", lround(s->min_wait_pct),
			lround(s->max_wait_pct));
	fprintf(f,
		" (spread %ld%%), max gap %llums, %llu units, %llu migrations "
		"(ratio %.3f)",
		lround(s->spread_pct),
		(unsigned long long)((s->max_gap_ns + 500000) / 1000000),
		(unsigned long long)s->total_work_units,
		(unsigned long long)s->total_migrations, s->migration_ratio);
	if (s->wake_samples)
		fprintf(f, ", p99 wake %s (%llu samples)",
			fmt_us(a, sizeof(a), s->p99_wake_latency_ns),
			(unsigned long long)s->wake_samples);
	if (s->request_samples)
		fprintf(f, ", p99 request %s (p50 %s, %llu samples)",
			fmt_us(a, sizeof(a), s->p99_request_latency_ns),
			fmt_us(b, sizeof(b), s->p50_request_latency_ns),
			(unsigned long long)s->request_samples);
	if (s->idle_wait_ns)
		fprintf(f, ", waited %.1fs with a CPU idle (%ld%%)",
			(double)s->idle_wait_ns / 1e9,
			lround(s->idle_wait_pct));
	if (s->ext_eligible)
		fprintf(f, ", sched_ext ran %u/%u", s->ext_workers,
			s->ext_eligible);
	fputc('\n', f);
}

/* "host: vCPUs unavailable 0.4% (longest 120ms, cpu2)" */
static void print_host(const struct kt_host_stalls *h, FILE *f)
{
	double all = (double)h->span_ns * (h->cpus ? h->cpus : 1);

	if (!h->measured || !h->span_ns)
		return;
	fprintf(f, "  host: vCPUs unavailable %.1f%%",
		(double)h->unavailable_ns * 100.0 / all);
	if (h->longest_cpu >= 0)
		fprintf(
		    f, " (longest %llums, cpu%d)",
		    (unsigned long long)((h->longest_ns + 500000) / 1000000),
		    h->longest_cpu);
	if (h->steal_ns)
		fprintf(f, ", steal %.1f%%", (double)h->steal_ns * 100.0 / all);
	fputc('\n', f);
}

/* "sched_ext events: SELECT_CPU_FALLBACK +12, ..." (non-zero ones) */
static void print_ext_events(const struct kt_result *r, FILE *f)
{
	bool any = false;

	for (size_t i = 0; i < r->nr_ext_events; i++) {
		if (!r->ext_events[i].delta)
			continue;
		fprintf(f, "%s%s +%llu", any ? ", " : "  sched_ext events: ",
			r->ext_events[i].name,
			(unsigned long long)r->ext_events[i].delta);
		any = true;
	}
	if (any)
		fputc('\n', f);
}

static void print_event(const struct kt_timeline_event *e, FILE *f)
{
	fprintf(f, "  +%llums %s", (unsigned long long)e->elapsed_ms,
		e->label ? e->label : "?");
	if (e->ops && e->ops[0])
		fprintf(f, " [%s]", e->ops);
	fprintf(f, ": %u cgroups, %u workers, %llu iterations\n", e->cgroups,
		e->workers, (unsigned long long)e->iterations);
}

void kt_result_print(const struct kt_result *r, FILE *f)
{
	size_t i;

	print_header(r, f);
	for (i = 0; i < r->nr_details; i++)
		fprintf(f, "  %s%s\n",
			r->details[i].kind == KT_DETAIL_NOTE ? "note: " : "",
			r->details[i].msg ? r->details[i].msg : "");
	if (r->nr_stats || r->host.measured || r->nr_ext_events) {
		fputs("--- stats ---\n", f);
		for (i = 0; i < r->nr_stats; i++)
			print_stats(&r->stats[i], f);
		print_host(&r->host, f);
		print_ext_events(r, f);
	}
	kt_result_metrics_print(r, f);
	kt_result_map_writes_print(r, f);
	if (r->nr_timeline) {
		fputs("--- timeline ---\n", f);
		for (i = 0; i < r->nr_timeline; i++)
			print_event(&r->timeline[i], f);
	}
	kt_result_dumps_print(r, f);
}
