/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Benchmark: what SpinWait's telemetry costs. Pins itself to one CPU, runs
 * the bare spin primitive (no checkpoints) for ~2 s, then one SpinWait
 * worker pinned to the same CPU for ~2 s, and prints work units per
 * CPU-second for both and their ratio. It prints numbers and exits 0; it
 * never fails on speed (exit 1 only if something could not run at all).
 */
#include <sched.h>
#include <stdio.h>
#include <time.h>

#include <ktstr/common.h>
#include <ktstr/cpuset.h>
#include <ktstr/workload.h>

#include "work/work_kinds.h"

#define BENCH_NS KT_SEC(2)

static uint64_t thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int pick_cpu(void)
{
	cpu_set_t cs;
	int cpu;

	if (sched_getaffinity(0, sizeof(cs), &cs))
		return -1;
	for (cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		if (CPU_ISSET(cpu, &cs))
			return cpu;
	}
	return -1;
}

/* Bare spin: batches of KT_SPIN_BATCH units, the clock read every 256. */
static double bare_units_per_cpu_s(void)
{
	uint64_t end = kt_now_ns() + BENCH_NS, units = 0, c0, c1;
	int k;

	c0 = thread_cpu_ns();
	do {
		for (k = 0; k < 256; k++)
			units += kt_spin_units(KT_SPIN_BATCH);
	} while (kt_now_ns() < end);
	c1 = thread_cpu_ns();
	return c1 > c0 ? units / ((c1 - c0) / 1e9) : 0;
}

int main(void)
{
	_cleanup_(kt_workload_freep) struct kt_workload *w = NULL;
	struct kt_workload_config cfg = {.num_workers = 1};
	const struct kt_worker_report *r;
	double bare, worker;
	cpu_set_t cs;
	size_t nr;
	int cpu;

	cpu = pick_cpu();
	CPU_ZERO(&cs);
	if (cpu >= 0)
		CPU_SET(cpu, &cs);
	if (cpu < 0 || sched_setaffinity(0, sizeof(cs), &cs)) {
		fprintf(stderr, "bench_spin: cannot pin to a CPU\n");
		return 1;
	}

	bare = bare_units_per_cpu_s();

	cfg.work = KT_WORK(KT_WORK_SPIN_WAIT);
	cfg.has_affinity = true;
	kt_cpuset_set(&cfg.affinity, cpu);
	if (kt_workload_spawn(&cfg, &w) || kt_workload_start(w)) {
		fprintf(stderr, "bench_spin: %s\n", kt_last_error());
		return 1;
	}
	kt_sleep(BENCH_NS);
	if (kt_workload_stop_and_collect(w, &r, &nr) || nr != 1 ||
	    r->exit != KT_WORKER_OK || !r->cpu_time_ns) {
		fprintf(stderr, "bench_spin: worker did not report: %s\n",
			kt_last_error());
		return 1;
	}
	worker = r->work_units / (r->cpu_time_ns / 1e9);

	printf("cpu %d\n", cpu);
	printf("bare spin:  %14.0f units/cpu-s\n", bare);
	printf("SpinWait:   %14.0f units/cpu-s (%llu units, cpu %.3f s, "
	       "wall %.3f s)\n",
	       worker, (unsigned long long)r->work_units, r->cpu_time_ns / 1e9,
	       r->wall_time_ns / 1e9);
	printf("spinwait/bare = %.1f%%\n",
	       bare > 0 ? 100.0 * worker / bare : 0);
	return 0;
}
