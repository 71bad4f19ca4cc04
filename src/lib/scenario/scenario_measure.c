/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Measurements around one scenario (scenario_measure.h): the host-stall
 * summary of the vCPU probe over the scenario's run with the vCPUs'
 * steal time, and the growth of the sched_ext event counters, each
 * judged against its max_ev_* limit when the assert sets one.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ktstr/scenario.h>

#include "core/scenario_clock.h"
#include "probe/vcpu_probe.h"
#include "scenario_lanes.h"
#include "scenario_measure.h"

void kt_scenario_measure_begin(struct kt_scenario_measure *m)
{
	struct kt_err_saved e;

	kt_err_save(&e); /* what follows is optional: no message stays */
	memset(m, 0, sizeof(*m));
	kt_scenario_begin();
	m->t0 = kt_now_ns();
	kt_scenario_clock_start(m->t0);
	if (kt_scx_attached(NULL, NULL))
		m->have_events = !kt_scx_events_read(NULL, &m->events);
	m->stat = malloc(sizeof(*m->stat));
	if (m->stat && kt_cpu_stat_read(NULL, m->stat)) {
		free(m->stat);
		m->stat = NULL;
	}
	kt_err_restore(&e);
}

static void host_stalls(const struct kt_scenario_measure *m, uint64_t now,
			struct kt_result *res)
{
	const struct kt_probe *p = kt_probe_current();
	struct kt_host_stalls *h = &res->host;
	struct kt_probe_summary s;
	struct kt_cpu_stat *end;

	if (!p)
		return;
	kt_probe_summarize(p, m->t0, now, &s);
	*h = (struct kt_host_stalls){
	    .measured = true,
	    .cpus = s.cpus,
	    .span_ns = s.span_ns,
	    .unavailable_ns = s.unavailable_ns,
	    .longest_ns = s.longest_ns,
	    .longest_cpu = s.longest_cpu,
	};
	end = m->stat ? malloc(sizeof(*end)) : NULL;
	if (end && !kt_cpu_stat_read(NULL, end))
		for (int c = 0; c < end->nr; c++)
			h->steal_ns += kt_cpu_stat_steal_ns(m->stat, end, c);
	free(end);
}

/* One limit: the counter named after the field (max_ev_select_cpu_fallback
 * -> SELECT_CPU_FALLBACK) may have grown by at most the limit. */
static void judge_event(const char *member, const struct kt_opt_u64 *limit,
			struct kt_result *res)
{
	const char *name = member + strlen("max_ev_");
	size_t nr = res->nr_ext_events; /* the details added are not events */

	if (!limit->set)
		return;
	for (size_t i = 0; i < nr; i++) {
		const struct kt_ext_event_delta *d = &res->ext_events[i];

		if (strcasecmp(d->name, name) || d->delta <= limit->val)
			continue;
		kt_result_add(res, KT_DETAIL_EXT_EVENTS,
			      "sched_ext event %s grew by %llu during the "
			      "scenario (limit %llu)",
			      d->name, (unsigned long long)d->delta,
			      (unsigned long long)limit->val);
	}
}

static void ext_events(const struct kt_scenario_measure *m,
		       const struct kt_assert *a, struct kt_result *res)
{
	struct kt_scx_events now;

	if (!m->have_events || !kt_scx_attached(NULL, NULL) ||
	    kt_scx_events_read(NULL, &now))
		return;
	for (size_t i = 0; i < now.nr; i++) {
		uint64_t was = kt_scx_events_get(&m->events, now.ev[i].name);

		kt_result_add_ext_event(
		    res, now.ev[i].name,
		    now.ev[i].value > was ? now.ev[i].value - was : 0);
	}
	if (!a)
		return;
#define JUDGE(m_, ...) judge_event(#m_, &a->m_, res);
	KT_ASSERT_EVENT_FIELDS(JUDGE)
#undef JUDGE
}

void kt_scenario_measure_end(struct kt_scenario_measure *m,
			     const struct kt_assert *a, struct kt_result *res)
{
	struct kt_err_saved e;
	uint64_t now = kt_now_ns();

	kt_err_save(&e);
	host_stalls(m, now, res);
	ext_events(m, a, res);
	kt_scenario_lanes_end(m->t0, now, res);
	free(m->stat);
	m->stat = NULL;
	kt_err_restore(&e);
}
