/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Self-test of the host monitor (`ktstr vm --wedge-guest-after S`): wedge
 * the guest's whole userspace, init included, while the kernel goes on.
 * RT throttling is switched off (sched_rt_runtime_us -1) and so are the
 * deadline servers that would still give fair and sched_ext tasks 5% of
 * each CPU (debugfs sched/{fair,ext}_server/cpuN/runtime 0); then one
 * SCHED_FIFO-99 spinner per online CPU, pinned, runs forever. Nothing
 * else gets a CPU again (init's FIFO threads have lower priorities), the
 * guest never reports, and the host's monitor and run watchdog must see
 * and end it.
 */
#include <dirent.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <ktstr/common.h>

#include "monitor_mark.h"
#include "sysinit.h"

static uint64_t wedge_ms;

static void write_str(const char *path, const char *v)
{
	FILE *f = fopen(path, "we");

	if (!f)
		return;
	fputs(v, f);
	fclose(f);
}

/* Every cpuN/runtime under a debugfs deadline-server dir to 0. */
static void servers_off(const char *dir)
{
	struct dirent *e;
	char path[512];
	DIR *d = opendir(dir);

	while (d && (e = readdir(d))) {
		if (strncmp(e->d_name, "cpu", 3))
			continue;
		snprintf(path, sizeof(path), "%s/%s/runtime", dir, e->d_name);
		write_str(path, "0");
	}
	if (d)
		closedir(d);
}

static void spin_on(int cpu)
{
	struct sched_param sp = {.sched_priority = 99};
	cpu_set_t set;

	prctl(PR_SET_NAME, "ktstr-wedge");
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
	sched_setscheduler(0, SCHED_FIFO, &sp);
	for (;;)
		__asm__ __volatile__("" ::: "memory");
}

static void *wedge_thread(void *arg)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	(void)arg;
	kt_sleep(KT_MS(wedge_ms));
	kt_guest_log("wedging the guest's userspace (self-test)");
	write_str("/proc/sys/kernel/sched_rt_runtime_us", "-1");
	servers_off("/sys/kernel/debug/sched/fair_server");
	servers_off("/sys/kernel/debug/sched/ext_server");
	for (long c = 0; c < cpus; c++)
		if (fork() == 0)
			spin_on((int)c);
	return NULL;
}

void kt_guest_wedge_arm(uint64_t ms)
{
	pthread_t t;

	if (!ms || wedge_ms)
		return;
	wedge_ms = ms;
	if (!pthread_create(&t, NULL, wedge_thread, NULL))
		pthread_detach(t);
}
