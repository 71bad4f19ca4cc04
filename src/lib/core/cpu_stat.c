/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reading the per-CPU lines of /proc/stat ("cpuN user nice system idle
 * iowait irq softirq steal guest guest_nice", in USER_HZ ticks) into
 * nanoseconds, and differences of two snapshots.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ktstr/common.h>

#include "cpu_stat.h"

enum { COL_IDLE = 3, COL_IOWAIT = 4, COL_STEAL = 7, COLS = 10 };

/* One "cpuN ..." line into out->cpu[N]; other lines are ignored. */
static void parse_line(const char *line, uint64_t tick_ns,
		       struct kt_cpu_stat *out)
{
	unsigned long long v[COLS] = {0};
	struct kt_cpu_times *t;
	uint64_t total = 0;
	char *end;
	long cpu;
	int n;

	if (strncmp(line, "cpu", 3) || line[3] < '0' || line[3] > '9')
		return;
	cpu = strtol(line + 3, &end, 10);
	if (cpu < 0 || cpu >= KT_CPU_STAT_MAX)
		return;
	n = sscanf(end, "%llu %llu %llu %llu %llu %llu %llu %llu %llu %llu",
		   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7],
		   &v[8], &v[9]);
	if (n <= COL_IDLE)
		return;
	for (int i = 0; i < n && i < 8; i++) /* guest time is in user */
		total += v[i];
	t = &out->cpu[cpu];
	t->present = true;
	t->idle_ns = (v[COL_IDLE] + v[COL_IOWAIT]) * tick_ns;
	t->steal_ns = v[COL_STEAL] * tick_ns;
	t->total_ns = total * tick_ns;
	if (cpu + 1 > out->nr)
		out->nr = (int)cpu + 1;
}

int kt_cpu_stat_read(const char *path, struct kt_cpu_stat *out)
{
	long hz = sysconf(_SC_CLK_TCK);
	uint64_t tick_ns = KT_SEC(1) / (uint64_t)(hz > 0 ? hz : 100);
	char line[1024];
	FILE *f;

	if (!path)
		path = "/proc/stat";
	memset(out, 0, sizeof(*out));
	f = fopen(path, "re");
	if (!f)
		return kt_err(errno, "read %s: %s", path, strerror(errno));
	out->at_ns = kt_now_ns();
	while (fgets(line, sizeof(line), f))
		parse_line(line, tick_ns, out);
	fclose(f);
	if (!out->nr)
		return kt_err(ENOENT, "read %s: no per-CPU lines", path);
	return 0;
}

static uint64_t diff(uint64_t a, uint64_t b)
{
	return b > a ? b - a : 0;
}

/* The growth of one field of cpu's times from a to b. */
static uint64_t delta(const struct kt_cpu_stat *a, const struct kt_cpu_stat *b,
		      int cpu, uint64_t (*field)(const struct kt_cpu_times *))
{
	if (cpu < 0 || cpu >= KT_CPU_STAT_MAX || !a->cpu[cpu].present ||
	    !b->cpu[cpu].present)
		return 0;
	return diff(field(&a->cpu[cpu]), field(&b->cpu[cpu]));
}

static uint64_t idle_of(const struct kt_cpu_times *t)
{
	return t->idle_ns;
}

static uint64_t steal_of(const struct kt_cpu_times *t)
{
	return t->steal_ns;
}

uint64_t kt_cpu_stat_idle_ns(const struct kt_cpu_stat *a,
			     const struct kt_cpu_stat *b, int cpu)
{
	return delta(a, b, cpu, idle_of);
}

uint64_t kt_cpu_stat_steal_ns(const struct kt_cpu_stat *a,
			      const struct kt_cpu_stat *b, int cpu)
{
	return delta(a, b, cpu, steal_of);
}
