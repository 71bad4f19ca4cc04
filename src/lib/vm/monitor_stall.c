/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The host monitor's stall detector (<ktstr/monitor.h>), a pure function
 * of the samples: per CPU, runs of ticks in which the rq clock did not
 * move while tasks were runnable (while other CPUs' clocks went on), or
 * the same task stayed current with no context switch while others were
 * runnable (while this CPU's clock went on: it was running, not held
 * by the host); a brief preemption by a kernel thread does not split a
 * hog; or the CPU idled while tasks were runnable on it (while its clock
 * went on). Limits and their reasons: KT_MONITOR_STALL_MS.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <ktstr/monitor.h>

#define KT_MONITOR_HOG_SWITCHES 2

const char *kt_monitor_stall_kind_name(enum kt_monitor_stall_kind k)
{
	switch (k) {
	case KT_MONITOR_CLOCK_FROZEN:
		return "clock_frozen";
	case KT_MONITOR_TASK_HOG:
		return "task_hog";
	case KT_MONITOR_IDLE_RUNNABLE:
		return "idle_runnable";
	}
	return "?";
}

struct scan {
	const struct kt_monitor_sample *s;
	size_t ticks;
	unsigned nr_cpus;
	uint64_t limit_ms;
	struct kt_monitor_stall *out;
	size_t nr, cap;
};

static const struct kt_monitor_sample *at(const struct scan *sc, size_t t,
					  unsigned cpu)
{
	return &sc->s[t * sc->nr_cpus + cpu];
}

/* The furthest any other CPU's rq clock got at tick t (0: no others). */
static uint64_t others_clock(const struct scan *sc, size_t t, unsigned cpu)
{
	uint64_t max = 0;

	for (unsigned c = 0; c < sc->nr_cpus; c++)
		if (c != cpu && at(sc, t, c)->clock > max)
			max = at(sc, t, c)->clock;
	return max;
}

static bool hog_opens(const struct kt_monitor_sample *a)
{
	return a->pid > 0 && a->nr_running >= 2;
}

/* Still the same task, and at most KT_MONITOR_HOG_SWITCHES switches
 * since the previous tick: a kernel thread that preempted it for a
 * moment (the soft-lockup watchdog's stopper runs on every CPU every 4 s)
 * does not end the hog; two tasks taking turns switch far more often
 * (EEVDF about every 3 ms, sched_ext slices are 20 ms). */
static bool hog_goes_on(const struct kt_monitor_sample *prev,
			const struct kt_monitor_sample *b)
{
	return hog_opens(b) && b->pid == prev->pid &&
	       b->nr_switches - prev->nr_switches <= KT_MONITOR_HOG_SWITCHES;
}

static bool idle_opens(const struct kt_monitor_sample *a)
{
	return a->pid == 0 && a->nr_running >= 1;
}

static bool frozen_opens(const struct kt_monitor_sample *a)
{
	return a->nr_running >= 1;
}

static bool frozen_goes_on(const struct kt_monitor_sample *a,
			   const struct kt_monitor_sample *b)
{
	return b->nr_running >= 1 && b->clock == a->clock;
}

static int emit(struct scan *sc, enum kt_monitor_stall_kind kind,
		const struct kt_monitor_sample *a,
		const struct kt_monitor_sample *b)
{
	struct kt_monitor_stall *e;

	if (sc->nr == sc->cap) {
		size_t cap = sc->cap ? sc->cap * 2 : 8;
		void *p = realloc(sc->out, cap * sizeof(*sc->out));

		if (!p)
			return -ENOMEM;
		sc->out = p;
		sc->cap = cap;
	}
	e = &sc->out[sc->nr++];
	memset(e, 0, sizeof(*e));
	e->kind = kind;
	e->cpu = a->cpu;
	e->start_ms = a->t_ms;
	e->end_ms = b->t_ms;
	e->pid = b->pid;
	memcpy(e->comm, b->comm, sizeof(e->comm));
	e->nr_running = b->nr_running;
	e->step = a->step;
	e->scenario = a->scenario;
	return 0;
}

/* The guest went on for at least half the limit between ticks t0, t1:
 * this CPU's clock (a hog or an idle CPU ticks on) or the others' (a frozen
 * clock). */
static bool guest_ran(const struct scan *sc, enum kt_monitor_stall_kind k,
		      size_t t0, size_t t1, unsigned cpu)
{
	uint64_t a, b, need = sc->limit_ms * 1000000ULL / 2;

	if (k != KT_MONITOR_CLOCK_FROZEN) {
		a = at(sc, t0, cpu)->clock;
		b = at(sc, t1, cpu)->clock;
	} else {
		a = others_clock(sc, t0, cpu);
		b = others_clock(sc, t1, cpu);
	}
	return b > a && b - a >= need;
}

static bool opens(enum kt_monitor_stall_kind k,
		  const struct kt_monitor_sample *a)
{
	if (k == KT_MONITOR_TASK_HOG)
		return hog_opens(a);
	if (k == KT_MONITOR_IDLE_RUNNABLE)
		return idle_opens(a);
	return frozen_opens(a);
}

/* Sample b (after prev) goes on the stall that opened at first. */
static bool goes_on(enum kt_monitor_stall_kind k,
		    const struct kt_monitor_sample *first,
		    const struct kt_monitor_sample *prev,
		    const struct kt_monitor_sample *b)
{
	if (k == KT_MONITOR_TASK_HOG)
		return hog_goes_on(prev, b);
	if (k == KT_MONITOR_IDLE_RUNNABLE)
		return idle_opens(b);
	return frozen_goes_on(first, b);
}

static int scan_cpu(struct scan *sc, unsigned cpu,
		    enum kt_monitor_stall_kind kind)
{
	size_t t = 0;

	while (t < sc->ticks) {
		const struct kt_monitor_sample *a = at(sc, t, cpu);
		size_t e = t;

		if (!opens(kind, a)) {
			t++;
			continue;
		}
		while (e + 1 < sc->ticks &&
		       goes_on(kind, a, at(sc, e, cpu), at(sc, e + 1, cpu)))
			e++;
		if (at(sc, e, cpu)->t_ms - a->t_ms >= sc->limit_ms &&
		    guest_ran(sc, kind, t, e, cpu) &&
		    emit(sc, kind, a, at(sc, e, cpu)))
			return -ENOMEM;
		t = e + 1;
	}
	return 0;
}

int kt_monitor_detect(const struct kt_monitor_sample *samples, size_t nr,
		      unsigned nr_cpus, const struct kt_monitor_params *p,
		      struct kt_monitor_stall **out, size_t *nr_out)
{
	struct scan sc = {
	    .s = samples,
	    .ticks = nr_cpus ? nr / nr_cpus : 0,
	    .nr_cpus = nr_cpus,
	    .limit_ms = p && p->stall_ms ? p->stall_ms : KT_MONITOR_STALL_MS,
	};
	int err = 0;

	for (unsigned c = 0; c < nr_cpus && !err; c++) {
		err = scan_cpu(&sc, c, KT_MONITOR_TASK_HOG);
		err = err ?: scan_cpu(&sc, c, KT_MONITOR_CLOCK_FROZEN);
		err = err ?: scan_cpu(&sc, c, KT_MONITOR_IDLE_RUNNABLE);
	}
	if (err) {
		free(sc.out);
		sc.out = NULL;
		sc.nr = 0;
	}
	*out = sc.out;
	*nr_out = sc.nr;
	return err;
}
