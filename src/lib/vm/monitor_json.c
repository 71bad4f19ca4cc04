/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The host monitor's JSON (<ktstr/monitor.h>): the key "monitor" of the
 * VM report (`ktstr vm --json`) and of the results sidecar: settings,
 * stalls, one summary per scenario and every sample.
 */
#include <jansson.h>

#include <ktstr/monitor.h>

static json_t *name_or_null(const struct kt_monitor *m, int sc)
{
	if (sc < 0 || (size_t)sc >= m->nr_scenarios)
		return json_null();
	return json_string(m->scenarios[sc]);
}

static json_t *stalls_json(const struct kt_monitor *m)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < m->nr_stalls; i++) {
		const struct kt_monitor_stall *e = &m->stalls[i];

		json_array_append_new(
		    a, json_pack(
			   "{s:s, s:i, s:I, s:I, s:i, s:s, s:i, s:i, s:o}",
			   "kind", kt_monitor_stall_kind_name(e->kind), "cpu",
			   (int)e->cpu, "start_ms", (json_int_t)e->start_ms,
			   "end_ms", (json_int_t)e->end_ms, "pid", (int)e->pid,
			   "comm", e->comm, "nr_running", (int)e->nr_running,
			   "step", (int)e->step, "scenario",
			   name_or_null(m, e->scenario)));
	}
	return a;
}

static json_t *summary_json(const struct kt_monitor *m, int sc)
{
	struct kt_monitor_summary s;
	json_t *max = json_array(), *mean = json_array();

	kt_monitor_summarize(m->samples, m->nr_samples, m->nr_cpus, sc,
			     m->stalls, m->nr_stalls, &s);
	for (unsigned c = 0; max && mean && c < s.nr_cpus; c++) {
		json_array_append_new(max, json_integer(s.max_depth[c]));
		json_array_append_new(mean, json_real(s.mean_depth[c]));
	}
	return json_pack("{s:o, s:i, s:o, s:o, s:i, s:f, s:i}", "name",
			 name_or_null(m, sc), "ticks", (int)s.ticks,
			 "max_depth", max, "mean_depth", mean,
			 "max_queue_depth", (int)s.max_queue_depth, "imbalance",
			 s.imbalance, "stalls", (int)s.stalls);
}

/* [{t_ms, step, scenario, cpus: [[nr, scx_nr, clock, pid, comm,
 * nr_switches], ...]}] */
static json_t *samples_json(const struct kt_monitor *m)
{
	size_t ticks = m->nr_cpus ? m->nr_samples / m->nr_cpus : 0;
	json_t *a = json_array();

	for (size_t t = 0; a && t < ticks; t++) {
		const struct kt_monitor_sample *s = &m->samples[t * m->nr_cpus];
		json_t *cpus = json_array();

		for (unsigned c = 0; cpus && c < m->nr_cpus; c++)
			json_array_append_new(
			    cpus,
			    json_pack("[i, i, I, i, s, I]",
				      (int)s[c].nr_running,
				      (int)s[c].scx_nr_running,
				      (json_int_t)s[c].clock, (int)s[c].pid,
				      s[c].comm, (json_int_t)s[c].nr_switches));
		json_array_append_new(
		    a, json_pack("{s:I, s:i, s:o, s:o}", "t_ms",
				 (json_int_t)s->t_ms, "step", (int)s->step,
				 "scenario", name_or_null(m, s->scenario),
				 "cpus", cpus));
	}
	return a;
}

json_t *kt_monitor_to_json(const struct kt_monitor *m)
{
	json_t *sc = json_array();

	for (size_t i = 0; sc && i < m->nr_scenarios; i++)
		json_array_append_new(sc, summary_json(m, (int)i));
	return json_pack(
	    "{s:b, s:s?, s:s?, s:i, s:I, s:f, s:f, s:o, s:o, s:o}", "enabled",
	    m->enabled, "reason", m->reason[0] ? m->reason : NULL,
	    "symbols_from", m->symbols_from[0] ? m->symbols_from : NULL, "cpus",
	    (int)m->nr_cpus, "interval_ms", (json_int_t)m->interval_ms,
	    "rate_per_cpu", kt_monitor_rate(m), "host_cpu_ms",
	    (double)m->host_cpu_ns / 1e6, "stalls", stalls_json(m), "scenarios",
	    sc, "samples", samples_json(m));
}
