/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Worker telemetry: the checkpoint taken after every unit batch of a work
 * loop (gap, CPU, migrations, live counters) and the gate/stop bookkeeping
 * (wall, thread CPU and off-CPU time, /proc/self/schedstat deltas).
 *
 * Everything is written straight into the worker's kt_worker_report in
 * shared memory, so a worker killed mid-run still leaves a usable report.
 * work_units and iterations are stored with relaxed atomics (the parent
 * reads them live); wall/cpu time are republished every 10 ms of checkpoints
 * so a killed worker's times are at most that stale. A checkpoint costs two
 * vDSO-class calls (clock_gettime, sched_getcpu) and a few stores.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <ktstr/cpuset.h>
#include <ktstr/hist.h>

#include "worker_telemetry.h"

#define KT_TEL_PUBLISH_NS KT_MS(10)

uint64_t kt_tel_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

uint64_t kt_tel_thread_cpu_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts))
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

void kt_tel_read_schedstat(uint64_t out[3])
{
	char buf[128], *p, *end;
	ssize_t n;
	int fd, i;

	out[0] = out[1] = out[2] = 0;
	fd = open("/proc/self/schedstat", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	do {
		n = read(fd, buf, sizeof(buf) - 1);
	} while (n < 0 && errno == EINTR);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	p = buf;
	for (i = 0; i < 3; i++) {
		unsigned long long v;

		errno = 0;
		v = strtoull(p, &end, 10);
		if (end == p || errno) {
			out[0] = out[1] = out[2] = 0;
			return;
		}
		out[i] = v;
		p = end;
	}
}

static uint64_t sat_sub(uint64_t a, uint64_t b)
{
	return a > b ? a - b : 0;
}

static void publish_times(struct kt_tel *t, uint64_t now)
{
	struct kt_worker_report *r = t->rep;
	uint64_t wall = sat_sub(now, t->gate_ns);
	uint64_t cpu = sat_sub(kt_tel_thread_cpu_ns(), t->cpu0_ns);

	r->wall_time_ns = wall;
	r->cpu_time_ns = cpu;
	r->off_cpu_ns = sat_sub(wall, cpu);
	t->publish_ns = now;
}

/* Note the CPU we run on now: migrations and cpus_used. */
static int track_cpu(struct kt_tel *t)
{
	int cpu = sched_getcpu();

	if (cpu >= 0 && cpu != t->prev_cpu) {
		if (t->prev_cpu >= 0)
			t->rep->migrations++;
		kt_cpuset_set(&t->rep->cpus_used, cpu);
		t->prev_cpu = cpu;
	}
	return cpu;
}

/* Close the gap that started at t->last_ns at now, on cpu. */
static void close_gap(struct kt_tel *t, uint64_t now, int cpu)
{
	struct kt_worker_report *r = t->rep;
	uint64_t gap = sat_sub(now, t->last_ns);

	if (gap > r->max_gap_ns) {
		r->max_gap_ns = gap;
		r->max_gap_cpu = cpu;
		r->max_gap_at_ns = sat_sub(t->last_ns, t->gate_ns);
	}
}

void kt_tel_begin(struct kt_tel *t, struct kt_worker_report *rep,
		  uint64_t gate_ns)
{
	uint64_t now;

	t->rep = rep;
	t->units = 0;
	t->iterations = 0;
	t->prev_cpu = -1;
	kt_tel_read_schedstat(t->ss0);
	t->cpu0_ns = kt_tel_thread_cpu_ns();
	now = kt_tel_mono_ns();
	t->gate_ns = gate_ns && gate_ns <= now ? gate_ns : now;
	t->last_ns = t->gate_ns;
	t->publish_ns = t->gate_ns;
	track_cpu(t);
}

void kt_tel_checkpoint(struct kt_tel *t, uint64_t units, bool iteration_end)
{
	uint64_t now = kt_tel_mono_ns();
	int cpu = track_cpu(t);

	close_gap(t, now, cpu);
	t->last_ns = now;
	t->units += units;
	__atomic_store_n(&t->rep->work_units, t->units, __ATOMIC_RELAXED);
	if (iteration_end) {
		t->iterations++;
		__atomic_store_n(&t->rep->iterations, t->iterations,
				 __ATOMIC_RELAXED);
	}
	if (now - t->publish_ns >= KT_TEL_PUBLISH_NS)
		publish_times(t, now);
}

void kt_tel_block_begin(struct kt_tel *t, uint64_t now)
{
	close_gap(t, now, track_cpu(t));
	t->last_ns = now;
}

void kt_tel_block_end(struct kt_tel *t, uint64_t now)
{
	if (now > t->last_ns)
		t->last_ns = now;
}

void kt_tel_wake(struct kt_tel *t, uint64_t latency_ns)
{
	kt_hist_add(&t->rep->wake_latency, latency_ns);
}

void kt_tel_end(struct kt_tel *t)
{
	struct kt_worker_report *r = t->rep;
	uint64_t ss[3];

	publish_times(t, kt_tel_mono_ns());
	kt_tel_read_schedstat(ss);
	r->sched_cpu_ns = sat_sub(ss[0], t->ss0[0]);
	r->run_delay_ns = sat_sub(ss[1], t->ss0[1]);
	r->run_count = sat_sub(ss[2], t->ss0[2]);
}
