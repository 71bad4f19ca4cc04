/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One tick of the host monitor's sampler: the guest's scenario/step mark
 * from init_uts_ns's domainname, then each CPU's runqueue (nr_running,
 * scx.nr_running, clock, nr_switches, curr's pid and comm) read out of
 * guest RAM into the run's kt_monitor.
 */
#include <stdlib.h>
#include <string.h>

#include "monitor_layout.h"
#include "monitor_priv.h"

#define LOCATE_TRIES_MAX 600 /* ticks (60 s) after the symbols came */

/* The index of a published scenario name, added when new; -1 on ENOMEM. */
static int intern(struct kt_monitor *o, const char *name)
{
	int i = kt_monitor_scenario_index(o, name);
	char **v;

	if (i >= 0 || o->nr_scenarios >= INT16_MAX)
		return i;
	v = realloc(o->scenarios, (o->nr_scenarios + 1) * sizeof(*v));
	if (!v)
		return -1;
	o->scenarios = v;
	v[o->nr_scenarios] = strdup(name);
	if (!v[o->nr_scenarios])
		return -1;
	return (int)o->nr_scenarios++;
}

/* "ktstr:<step>:<scenario>" (a torn read while the guest rewrites it
 * reads differently twice and keeps the last mark). */
static void read_mark(struct kt_vm_monitor *m, uint16_t *step, int16_t *sc)
{
	uint64_t at = m->sym[KT_SYM_INIT_UTS_NS] + m->l.uts_domainname;
	char a[65] = {0}, b[65] = {0};
	char *end;
	unsigned long v;

	if (kt_mon_kread(m, at, a, 64) || kt_mon_kread(m, at, b, 64) ||
	    strcmp(a, b) || strncmp(a, "ktstr:", 6))
		return;
	v = strtoul(a + 6, &end, 10);
	if (end == a + 6 || *end != ':')
		return;
	*step = (uint16_t)v;
	*sc = end[1] ? (int16_t)intern(m->out, end + 1) : -1;
}

static void read_cpu(struct kt_vm_monitor *m, unsigned c,
		     struct kt_monitor_sample *s)
{
	uint64_t rq = m->sym[KT_SYM_RUNQUEUES] + m->pcpu[c], curr = 0;

	s->cpu = c;
	kt_mon_kread(m, rq + m->l.rq_nr_running, &s->nr_running, 4);
	kt_mon_kread(m, rq + m->l.rq_scx_nr_running, &s->scx_nr_running, 4);
	kt_mon_kread(m, rq + m->l.rq_clock, &s->clock, 8);
	kt_mon_kread(m, rq + m->l.rq_nr_switches, &s->nr_switches, 8);
	kt_mon_kread(m, rq + m->l.rq_curr, &curr, 8);
	if (curr && !kt_mon_kread(m, curr + m->l.task_pid, &s->pid, 4))
		kt_mon_kread(m, curr + m->l.task_comm, s->comm,
			     sizeof(s->comm) - 1);
	s->comm[sizeof(s->comm) - 1] = '\0';
}

static bool grow(struct kt_vm_monitor *m, size_t more)
{
	struct kt_monitor *o = m->out;
	void *p;

	if (o->nr_samples + more <= m->cap)
		return true;
	p = realloc(o->samples, (m->cap * 2 + more) * sizeof(*o->samples));
	if (!p)
		return false;
	o->samples = p;
	m->cap = m->cap * 2 + more;
	return true;
}

void kt_vm_monitor_tick(struct kt_vm_monitor *m, uint64_t now_ns)
{
	struct kt_monitor *o = m->out;
	uint64_t t_ms = (now_ns - m->t0_ns) / 1000000;
	uint16_t step = 0;
	int16_t sc = -1;

	if (!atomic_load(&m->syms_ready))
		return;
	if (!m->located && kt_mon_locate(m)) {
		if (++m->locate_tries == LOCATE_TRIES_MAX)
			snprintf(o->reason, sizeof(o->reason),
				 "the kernel was not found in guest RAM with "
				 "its symbols");
		return;
	}
	if (!grow(m, m->nr_cpus))
		return;
	read_mark(m, &step, &sc);
	for (unsigned c = 0; c < m->nr_cpus; c++) {
		struct kt_monitor_sample *s = &o->samples[o->nr_samples + c];

		memset(s, 0, sizeof(*s));
		read_cpu(m, c, s);
		s->t_ms = t_ms;
		s->step = step;
		s->scenario = sc;
	}
	if (!o->nr_samples)
		o->first_ms = t_ms;
	o->last_ms = t_ms;
	o->nr_samples += m->nr_cpus;
}
