/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the host monitor's samples say about one scenario
 * (<ktstr/monitor.h>): the summary (queue depths, imbalance, stalls), its
 * lines in the text report, and the kt_assert limits judged against it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <ktstr/check.h>
#include <ktstr/monitor.h>
#include <ktstr/result.h>
#include <ktstr/vm.h>

#define MAX_CPUS 256

void kt_monitor_free(struct kt_monitor *m)
{
	free(m->samples);
	for (size_t i = 0; i < m->nr_scenarios; i++)
		free(m->scenarios[i]);
	free(m->scenarios);
	free(m->stalls);
	memset(m, 0, sizeof(*m));
}

int kt_monitor_scenario_index(const struct kt_monitor *m, const char *name)
{
	for (size_t i = 0; name && i < m->nr_scenarios; i++)
		if (!strcmp(m->scenarios[i], name))
			return (int)i;
	return -1;
}

double kt_monitor_rate(const struct kt_monitor *m)
{
	size_t ticks = m->nr_cpus ? m->nr_samples / m->nr_cpus : 0;

	if (ticks < 2 || m->last_ms <= m->first_ms)
		return 0;
	return (double)(ticks - 1) * 1000.0 /
	       (double)(m->last_ms - m->first_ms);
}

static void imbalance(struct kt_monitor_summary *o)
{
	double lo = 0, hi = 0;

	o->imbalance = 1.0;
	if (!o->ticks)
		return;
	for (unsigned c = 0; c < o->nr_cpus; c++) {
		double v = o->mean_depth[c];

		if (v < 1.0 / o->ticks)
			v = 1.0 / o->ticks;
		if (!c || v < lo)
			lo = v;
		if (!c || v > hi)
			hi = v;
	}
	if (o->nr_cpus && hi > 1.0 / o->ticks)
		o->imbalance = hi / lo;
}

void kt_monitor_summarize(const struct kt_monitor_sample *samples, size_t nr,
			  unsigned nr_cpus, int sc,
			  const struct kt_monitor_stall *stalls,
			  size_t nr_stalls, struct kt_monitor_summary *o)
{
	double sum[MAX_CPUS] = {0};
	size_t ticks = nr_cpus ? nr / nr_cpus : 0;

	memset(o, 0, sizeof(*o));
	o->nr_cpus = nr_cpus > MAX_CPUS ? MAX_CPUS : nr_cpus;
	for (size_t t = 0; t < ticks; t++) {
		if (samples[t * nr_cpus].scenario != sc)
			continue;
		o->ticks++;
		for (unsigned c = 0; c < o->nr_cpus; c++) {
			uint32_t n = samples[t * nr_cpus + c].nr_running;

			sum[c] += n;
			if (n > o->max_depth[c])
				o->max_depth[c] = n;
			if (n > o->max_queue_depth)
				o->max_queue_depth = n;
		}
	}
	for (unsigned c = 0; o->ticks && c < o->nr_cpus; c++)
		o->mean_depth[c] = sum[c] / o->ticks;
	imbalance(o);
	for (size_t i = 0; i < nr_stalls; i++)
		o->stalls += stalls[i].scenario == sc;
}

static void print_stall(const struct kt_monitor *m,
			const struct kt_monitor_stall *e, FILE *out)
{
	fprintf(out,
		"  monitor: stall %s on cpu%u at +%.1fs for %.1fs in step "
		"%u: %s[%d] current, %u runnable\n",
		kt_monitor_stall_kind_name(e->kind), e->cpu,
		(double)e->start_ms / 1000.0,
		(double)(e->end_ms - e->start_ms) / 1000.0, e->step,
		e->comm[0] ? e->comm : "?", e->pid, e->nr_running);
	(void)m;
}

void kt_monitor_print(const struct kt_monitor *m, const char *scenario,
		      FILE *out)
{
	int sc = kt_monitor_scenario_index(m, scenario);
	struct kt_monitor_summary s;

	if (!m->enabled || sc < 0)
		return;
	kt_monitor_summarize(m->samples, m->nr_samples, m->nr_cpus, sc,
			     m->stalls, m->nr_stalls, &s);
	if (!s.ticks)
		return;
	fprintf(out, "  monitor: %u samples/cpu, max queue depth", s.ticks);
	for (unsigned c = 0; c < s.nr_cpus; c++)
		fprintf(out, "%s%u", c ? "/" : " ", s.max_depth[c]);
	fprintf(out, " (cpu0..%u), imbalance %.2f, %u stall(s)\n",
		s.nr_cpus ? s.nr_cpus - 1 : 0, s.imbalance, s.stalls);
	for (size_t i = 0; i < m->nr_stalls; i++)
		if (m->stalls[i].scenario == sc)
			print_stall(m, &m->stalls[i], out);
}

static int judge_stalls(const struct kt_monitor *m, int sc,
			struct kt_result *res)
{
	for (size_t i = 0; i < m->nr_stalls; i++) {
		const struct kt_monitor_stall *e = &m->stalls[i];

		if (e->scenario != sc)
			continue;
		if (kt_result_add(res, KT_DETAIL_MONITOR,
				  "monitor: %s on cpu%u for %.1fs in step %u "
				  "(%s[%d] current, %u runnable; "
				  "fail_on_stall)",
				  kt_monitor_stall_kind_name(e->kind), e->cpu,
				  (double)(e->end_ms - e->start_ms) / 1000.0,
				  e->step, e->comm, e->pid, e->nr_running))
			return -ENOMEM;
	}
	return 0;
}

int kt_monitor_judge(const struct kt_monitor *m, const struct kt_assert *a,
		     struct kt_result *res)
{
	int sc = kt_monitor_scenario_index(m, res->scenario);
	struct kt_monitor_summary s;
	int err = 0;

	if (!m->enabled || sc < 0)
		return 0;
	kt_monitor_summarize(m->samples, m->nr_samples, m->nr_cpus, sc,
			     m->stalls, m->nr_stalls, &s);
	if (!s.ticks)
		return 0;
	if (a->max_queue_depth.set &&
	    s.max_queue_depth > a->max_queue_depth.val)
		err = kt_result_add(res, KT_DETAIL_MONITOR,
				    "monitor: queue depth %u > max_queue_depth "
				    "%llu",
				    s.max_queue_depth,
				    (unsigned long long)a->max_queue_depth.val);
	if (!err && a->max_imbalance_ratio.set &&
	    s.imbalance > a->max_imbalance_ratio.val)
		err = kt_result_add(res, KT_DETAIL_MONITOR,
				    "monitor: imbalance %.2f > "
				    "max_imbalance_ratio %.2f",
				    s.imbalance, a->max_imbalance_ratio.val);
	if (!err && a->fail_on_stall.set && a->fail_on_stall.val)
		err = judge_stalls(m, sc, res);
	return err ? -ENOMEM : 0;
}

int kt_vm_monitor_judge(
    struct kt_vm_result *res,
    const struct kt_assert *(*assert_of)(const char *scenario, void *arg),
    void *arg)
{
	enum kt_verdict worst = res->verdict;

	for (size_t i = 0; i < res->nr_results; i++) {
		struct kt_result *r = &res->results[i];
		const struct kt_assert *a = assert_of(r->scenario, arg);

		if (a && kt_monitor_judge(&res->monitor, a, r))
			return -ENOMEM;
		if (r->verdict > worst)
			worst = r->verdict;
	}
	if (worst > res->verdict) {
		res->verdict = worst;
		if (res->end == KT_VM_END_EXIT)
			res->exit_code = kt_verdict_exit_code(worst);
	}
	return 0;
}
