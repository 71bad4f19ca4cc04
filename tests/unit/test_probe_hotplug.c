/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The vCPU probe across CPU hotplug, for real (needs SCHED_FIFO, else
 * skipped): while its CPU is marked offline a late wake of its thread is
 * not recorded (a hog that holds the CPU leaves no window), and once the
 * CPU is back the thread is pinned to it again and a hog is seen as
 * before. No CPU really goes offline here; the hog stands for a CPU the
 * thread cannot get.
 */
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "fifo_hog.h"

#include <ktstr/common.h>

#include "probe/vcpu_probe.h"

static void test_offline_windows_dropped(void **state)
{
	struct kt_probe_opts o = {
	    .period_ns = KT_MS(2), .min_window_ns = KT_MS(20), .prio = 1};
	int cpu = sched_getcpu() > 0 ? sched_getcpu() : 0;
	uint64_t from = 0, to = 0;
	struct kt_probe *p = NULL;
	struct kt_cpuset one;

	(void)state;
	kt_cpuset_zero(&one);
	kt_cpuset_set(&one, cpu);
	o.cpus = &one;
	if (kt_probe_start(&o, &p)) {
		print_message("no SCHED_FIFO here (%s)\n", kt_last_error());
		skip();
	}
	kt_sleep(KT_MS(30));
	assert_int_equal(kt_probe_cpu_hotplug(p, cpu, false), 0);
	if (kt_test_fifo_hog(cpu, &from, &to)) {
		kt_probe_stop(p);
		skip();
	}
	kt_sleep(KT_MS(30));
	/* its CPU was "offline": nothing counts against it */
	assert_int_equal(kt_probe_unavailable_ns(p, cpu, from, to), 0);

	assert_int_equal(kt_probe_cpu_hotplug(p, cpu, true), 0);
	kt_sleep(KT_MS(30));
	assert_int_equal(kt_test_fifo_hog(cpu, &from, &to), 0);
	kt_sleep(KT_MS(30));
	/* back, and pinned there again: the hog is seen */
	assert_true(kt_probe_unavailable_ns(p, cpu, from, to) >= KT_MS(200));
	/* a CPU it does not watch: nothing to do */
	assert_int_equal(kt_probe_cpu_hotplug(p, cpu + 1, true), 0);
	assert_int_equal(kt_probe_cpu_hotplug(NULL, cpu, true), 0);
	kt_probe_stop(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_offline_windows_dropped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
