/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The vCPU availability probe (vcpu_probe.h): per-CPU SCHED_FIFO threads,
 * their windows of unavailability in per-CPU rings, and the queries the
 * checks make.
 *
 * Each ring has one writer (its CPU's thread) and readers on other
 * threads: a window is written, then published by bumping `head` with
 * release order; a reader takes `head` with acquire order and re-checks it
 * after copying a slot, so a slot the writer overwrote meanwhile is
 * dropped (and counted as truncation), never read torn. The threads only
 * sleep, read the clock and store: no locks, no allocation, so the forks
 * the runner makes for workers while they run are safe.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ktstr/common.h>

#include "vcpu_probe.h"

#define RING 4096 /* windows kept per CPU (at most 100 per second) */

struct window {
	uint64_t start, end;
};

struct cpu_ring {
	struct kt_probe *p;
	int cpu;
	pthread_t thr;
	bool started;
	_Atomic uint64_t next_ns; /* when the thread expects to wake */
	_Atomic uint64_t head;	  /* windows ever written */
	/* CPU hotplug: bumped at every event; its CPU is offline now */
	_Atomic uint32_t hotplug_gen;
	atomic_bool off;
	struct window w[RING];
};

struct kt_probe {
	uint64_t period_ns, min_window_ns;
	atomic_bool stop;
	bool shared; /* one ring, for every CPU of cpus */
	int nr;
	struct cpu_ring *rings;
	struct kt_cpuset cpus;
};

static _Atomic(struct kt_probe *) current;

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void *probe_thread(void *arg)
{
	struct cpu_ring *r = arg;
	struct kt_probe *p = r->p;
	uint64_t next = mono_ns() + p->period_ns;

	atomic_store_explicit(&r->next_ns, next, memory_order_relaxed);
	while (!atomic_load_explicit(&p->stop, memory_order_relaxed)) {
		struct timespec ts = {
		    .tv_sec = (time_t)(next / 1000000000ULL),
		    .tv_nsec = (long)(next % 1000000000ULL),
		};
		uint64_t now, h;
		uint64_t woke_for = next;
		uint32_t gen = atomic_load(&r->hotplug_gen);

		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
		now = mono_ns();
		next += p->period_ns;
		if (next <= now) /* missed periods: restart from now */
			next = now + p->period_ns;
		/* The open window ends before the closed one is published:
		 * a reader may miss it for a moment, never count it twice. */
		atomic_store_explicit(&r->next_ns, next, memory_order_release);
		/* a wake delayed by a hotplug event (or on a CPU that is
		 * gone) says nothing about the host */
		if (now >= woke_for + p->min_window_ns &&
		    !atomic_load(&r->off) &&
		    gen == atomic_load(&r->hotplug_gen)) {
			h = atomic_load_explicit(&r->head,
						 memory_order_relaxed);
			r->w[h % RING] = (struct window){woke_for, now};
			atomic_store_explicit(&r->head, h + 1,
					      memory_order_release);
		}
	}
	return NULL;
}

static int start_thread(struct cpu_ring *r, int prio)
{
	struct sched_param sp = {.sched_priority = prio};
	pthread_attr_t a;
	cpu_set_t cs;
	int err;

	CPU_ZERO(&cs);
	CPU_SET(r->cpu, &cs);
	pthread_attr_init(&a);
	err = pthread_attr_setaffinity_np(&a, sizeof(cs), &cs);
	if (!err)
		err = pthread_attr_setinheritsched(&a, PTHREAD_EXPLICIT_SCHED);
	if (!err)
		err = pthread_attr_setschedpolicy(&a, SCHED_FIFO);
	if (!err)
		err = pthread_attr_setschedparam(&a, &sp);
	if (!err)
		err = pthread_create(&r->thr, &a, probe_thread, r);
	pthread_attr_destroy(&a);
	if (err)
		return kt_err(err,
			      "vCPU probe: start a SCHED_FIFO %d thread on "
			      "cpu%d: %s",
			      prio, r->cpu, strerror(err));
	r->started = true;
	return 0;
}

static int online_cpus(struct kt_cpuset *out)
{
	cpu_set_t cs;

	kt_cpuset_zero(out);
	/* The CPUs this process may use: all online ones for the harness
	 * (it runs in the root or the run's own cgroup). */
	if (sched_getaffinity(0, sizeof(cs), &cs))
		return kt_err(errno, "vCPU probe: sched_getaffinity: %s",
			      strerror(errno));
	for (int c = 0; c < CPU_SETSIZE && c < KT_MAX_CPUS; c++)
		if (CPU_ISSET(c, &cs))
			kt_cpuset_set(out, c);
	return 0;
}

int kt_probe_start(const struct kt_probe_opts *o, struct kt_probe **out)
{
	struct kt_probe_opts dfl = {0};
	struct kt_probe *p;
	int err, i = 0, cpu;

	if (!o)
		o = &dfl;
	if (atomic_load(&current))
		return kt_err(EBUSY, "vCPU probe: one is running already");
	p = calloc(1, sizeof(*p));
	if (!p)
		return kt_err(ENOMEM, "vCPU probe: out of memory");
	p->period_ns = o->period_ns ? o->period_ns : KT_PROBE_PERIOD_NS;
	p->min_window_ns =
	    o->min_window_ns ? o->min_window_ns : KT_PROBE_MIN_WINDOW_NS;
	err = o->cpus ? (p->cpus = *o->cpus, 0) : online_cpus(&p->cpus);
	p->shared = o->shared;
	p->nr = p->shared ? 1 : (int)kt_cpuset_count(&p->cpus);
	if (!err && !p->nr)
		err = kt_err(EINVAL, "vCPU probe: no CPU to watch");
	if (!err) {
		p->rings = calloc((size_t)p->nr, sizeof(*p->rings));
		if (!p->rings)
			err = kt_err(ENOMEM, "vCPU probe: out of memory");
	}
	kt_cpuset_for_each (cpu, &p->cpus) {
		if (err)
			break;
		if (p->shared && kt_cpuset_next(&p->cpus, cpu + 1) >= 0)
			continue; /* the shared thread goes on the last CPU */
		p->rings[i].p = p;
		p->rings[i].cpu = cpu;
		err = start_thread(&p->rings[i++],
				   o->prio ? o->prio : KT_PROBE_PRIO);
	}
	if (err) {
		kt_probe_stop(p);
		return err;
	}
	atomic_store(&current, p);
	*out = p;
	return 0;
}

void kt_probe_stop(struct kt_probe *p)
{
	struct kt_probe *expect = p;

	if (!p)
		return;
	atomic_compare_exchange_strong(&current, &expect, NULL);
	atomic_store(&p->stop, true);
	for (int i = 0; p->rings && i < p->nr; i++)
		if (p->rings[i].started)
			pthread_join(p->rings[i].thr, NULL);
	free(p->rings);
	free(p);
}

struct kt_probe *kt_probe_current(void)
{
	return atomic_load(&current);
}

static const struct cpu_ring *ring_of(const struct kt_probe *p, int cpu)
{
	if (p && p->shared)
		return kt_cpuset_test(&p->cpus, cpu) ? &p->rings[0] : NULL;
	for (int i = 0; p && i < p->nr; i++)
		if (p->rings[i].cpu == cpu)
			return &p->rings[i];
	return NULL;
}

bool kt_probe_watches(const struct kt_probe *p, int cpu)
{
	return ring_of(p, cpu) != NULL;
}

static int pin(struct cpu_ring *r)
{
	cpu_set_t cs;

	CPU_ZERO(&cs);
	CPU_SET(r->cpu, &cs);
	return pthread_setaffinity_np(r->thr, sizeof(cs), &cs);
}

int kt_probe_cpu_hotplug(struct kt_probe *p, int cpu, bool online)
{
	int err;

	for (int i = 0; p && i < p->nr; i++) {
		struct cpu_ring *r = &p->rings[i];

		/* stop_machine halts every CPU: every thread may wake late */
		atomic_fetch_add(&r->hotplug_gen, 1);
		if (r->cpu != cpu)
			continue;
		atomic_store(&r->off, !online);
		/* the kernel moved the thread off its CPU: put it back */
		err = online && r->started ? pin(r) : 0;
		if (err)
			return kt_err(err,
				      "vCPU probe: re-pin its thread to cpu%d "
				      "after it came online: %s",
				      cpu, strerror(err));
	}
	return 0;
}

/* Clip [a0, a1) to [b0, b1) into *lo, *hi; false when they miss. */
static bool clip(uint64_t a0, uint64_t a1, uint64_t b0, uint64_t b1,
		 uint64_t *lo, uint64_t *hi)
{
	*lo = a0 > b0 ? a0 : b0;
	*hi = a1 < b1 ? a1 : b1;
	return *hi > *lo;
}

/*
 * Call fn for every window of r overlapping [from, to) (the open one
 * included), clipped to it. Returns false when windows were lost to the
 * ring's wrap-around.
 */
static bool walk(const struct cpu_ring *r, uint64_t from, uint64_t to,
		 void (*fn)(uint64_t lo, uint64_t hi, void *arg), void *arg)
{
	uint64_t head = atomic_load_explicit(&r->head, memory_order_acquire);
	uint64_t first = head > RING ? head - RING : 0, next_ns, now, lo, hi;
	bool complete = head <= RING;

	for (uint64_t i = head; i-- > first;) {
		struct window w = r->w[i % RING];

		if (atomic_load_explicit(&r->head, memory_order_acquire) - i >
		    RING) {
			complete = false; /* overwritten while we read */
			break;
		}
		if (w.end <= from)
			break; /* older ones end earlier still */
		if (clip(w.start, w.end, from, to, &lo, &hi))
			fn(lo, hi, arg);
	}
	/* The thread is late right now: its window has not closed yet. */
	next_ns = atomic_load_explicit(&r->next_ns, memory_order_relaxed);
	now = mono_ns();
	if (next_ns && now >= next_ns + r->p->min_window_ns &&
	    !atomic_load(&r->off) && clip(next_ns, now, from, to, &lo, &hi))
		fn(lo, hi, arg);
	return complete;
}

static void add_len(uint64_t lo, uint64_t hi, void *arg)
{
	*(uint64_t *)arg += hi - lo;
}

uint64_t kt_probe_unavailable_ns(const struct kt_probe *p, int cpu,
				 uint64_t from, uint64_t to)
{
	const struct cpu_ring *r = ring_of(p, cpu);
	uint64_t sum = 0;

	if (!r || to <= from)
		return 0;
	walk(r, from, to, add_len, &sum);
	return sum;
}

struct sum_arg {
	struct kt_probe_summary *s;
	int cpu;
};

static void add_window(uint64_t lo, uint64_t hi, void *arg)
{
	struct sum_arg *a = arg;
	uint64_t len = hi - lo;

	a->s->unavailable_ns += len;
	a->s->windows++;
	if (len > a->s->longest_ns) {
		a->s->longest_ns = len;
		a->s->longest_cpu = a->cpu;
	}
}

void kt_probe_summarize(const struct kt_probe *p, uint64_t from, uint64_t to,
			struct kt_probe_summary *s)
{
	memset(s, 0, sizeof(*s));
	s->longest_cpu = -1;
	if (!p || to <= from)
		return;
	s->cpus = (unsigned)kt_cpuset_count(&p->cpus);
	s->span_ns = to - from;
	for (int i = 0; i < p->nr; i++) {
		struct sum_arg a = {s, p->rings[i].cpu};

		if (!walk(&p->rings[i], from, to, add_window, &a))
			s->truncated = true;
	}
	if (p->shared) /* its windows stand for every CPU */
		s->unavailable_ns *= s->cpus;
}

struct windows_arg {
	int cpu;
	void (*fn)(int cpu, uint64_t start, uint64_t end, void *arg);
	void *arg;
};

static void each_window(uint64_t lo, uint64_t hi, void *arg)
{
	struct windows_arg *a = arg;

	a->fn(a->cpu, lo, hi, a->arg);
}

bool kt_probe_windows(const struct kt_probe *p, uint64_t from, uint64_t to,
		      void (*fn)(int cpu, uint64_t start, uint64_t end,
				 void *arg),
		      void *arg)
{
	bool complete = true;

	for (int i = 0; p && to > from && i < p->nr; i++) {
		struct windows_arg a = {p->shared ? -1 : p->rings[i].cpu, fn,
					arg};

		complete &= walk(&p->rings[i], from, to, each_window, &a);
	}
	return complete;
}
