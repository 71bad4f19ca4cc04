/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `ktstr vm` and the host monitor: its kt_assert limits for each result
 * (defaults -> the scheduler's layer -> the scenario file's, as in the
 * guest) applied on the host, and its summary lines under each result.
 */
#include <stdio.h>
#include <string.h>

#include <ktstr/scenario_file.h>

#include "vm_monitor.h"

struct judge_arg {
	const struct kt_cli_sched *sched;
	const struct kt_cli_scenarios *sc;
	struct kt_assert a;
};

static const struct kt_assert *assert_of(const char *scenario, void *arg)
{
	struct judge_arg *j = arg;
	struct kt_assert base = kt_assert_default_checks();

	if (j->sched && j->sched->has_def)
		base = kt_assert_merge(&base, &j->sched->def.assert);
	j->a = base;
	for (size_t i = 0; j->sc && scenario && i < j->sc->nr_files; i++)
		if (!strcmp(j->sc->files[i]->name, scenario))
			j->a = kt_assert_merge(&base, &j->sc->files[i]->assert);
	return &j->a;
}

int kt_cli_vm_monitor_judge(struct kt_vm_result *res,
			    const struct kt_cli_sched *sched,
			    const struct kt_cli_scenarios *sc)
{
	struct judge_arg j = {.sched = sched, .sc = sc};

	return kt_vm_monitor_judge(res, assert_of, &j);
}

void kt_cli_vm_monitor_note(const struct kt_vm_result *res, bool quiet)
{
	const struct kt_monitor *m = &res->monitor;

	if (quiet || !m->enabled)
		return;
	if (!m->nr_samples) {
		fprintf(stderr, "ktstr vm: monitor: no samples (%s)\n",
			m->reason[0] ? m->reason : "?");
		return;
	}
	fprintf(stderr,
		"ktstr vm: monitor: %zu samples of %u CPUs, %.1f/s per CPU, "
		"%zu stall(s), symbols from %s\n",
		m->nr_samples / m->nr_cpus, m->nr_cpus, kt_monitor_rate(m),
		m->nr_stalls, m->symbols_from);
	for (size_t i = 0; i < m->nr_stalls; i++) {
		const struct kt_monitor_stall *e = &m->stalls[i];

		fprintf(stderr,
			"ktstr vm: monitor: stall %s on cpu%u from +%.1fs to "
			"+%.1fs (scenario %s, step %u): %s[%d] current, %u "
			"runnable\n",
			kt_monitor_stall_kind_name(e->kind), e->cpu,
			(double)e->start_ms / 1000.0,
			(double)e->end_ms / 1000.0,
			e->scenario >= 0 ? m->scenarios[e->scenario] : "-",
			e->step, e->comm, e->pid, e->nr_running);
	}
}
