/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Per-CPU times from /proc/stat: how long each CPU was idle and how long
 * its vCPU was stolen by the host, as snapshots to subtract.
 */
#ifndef KTSTR_CPU_STAT_H
#define KTSTR_CPU_STAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KT_CPU_STAT_MAX 1024

struct kt_cpu_times {
	bool present;	  /* a "cpuN" line was there */
	uint64_t idle_ns; /* idle + iowait */
	uint64_t steal_ns;
	uint64_t total_ns; /* every column */
};

/* One snapshot: cpu[N] for the cpuN lines (absent CPUs: present false). */
struct kt_cpu_stat {
	uint64_t at_ns; /* CLOCK_MONOTONIC when read */
	int nr;		/* highest CPU seen + 1 */
	struct kt_cpu_times cpu[KT_CPU_STAT_MAX];
};

/* Read path (NULL = /proc/stat) into *out; 0 or -errno with a message. */
int kt_cpu_stat_read(const char *path, struct kt_cpu_stat *out);

/* Idle / steal time of cpu between two snapshots (0 when it is absent
 * from either or the counters went backwards). */
uint64_t kt_cpu_stat_idle_ns(const struct kt_cpu_stat *a,
			     const struct kt_cpu_stat *b, int cpu);
uint64_t kt_cpu_stat_steal_ns(const struct kt_cpu_stat *a,
			      const struct kt_cpu_stat *b, int cpu);

#endif
