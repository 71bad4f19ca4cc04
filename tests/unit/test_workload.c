/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of kt_workload: real forked workers, real measurements, no
 * cgroups. Timing bounds are generous (a loaded 2-CPU machine): the tests
 * check orders of magnitude and structure, never tight durations.
 *
 * The "worker ignores the stop" case is built with ptrace: a tracee held
 * in a ptrace stop is not resumed by SIGCONT, so it cannot stop on request
 * and must be SIGKILLed at the deadline (skipped only if ptrace is denied).
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include <ktstr/common.h>
#include <ktstr/cpuset.h>
#include <ktstr/workload.h>

/* ---- helpers ---- */

static struct kt_workload_config cfg_of(enum kt_work_kind kind, unsigned n)
{
	struct kt_workload_config c = {0};

	c.num_workers = n;
	c.work = KT_WORK(kind);
	return c;
}

/* No child process of ours is left (running or zombie). */
static void assert_no_children(void)
{
	int st;

	errno = 0;
	assert_int_equal(waitpid(-1, &st, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

/* The state letter of /proc/<pid>/stat, or 0. */
static char proc_state(pid_t pid)
{
	char path[64], buf[512], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : 0;
}

static void wait_state(pid_t pid, char want)
{
	uint64_t end = kt_now_ns() + KT_SEC(10);

	while (proc_state(pid) != want) {
		if (kt_now_ns() > end)
			fail_msg("pid %d never reached state %c (now %c)",
				 (int)pid, want, proc_state(pid));
		kt_sleep(KT_MS(1));
	}
}

/* The first two CPUs we may run on; fails (not skips) with fewer. */
static void two_cpus(int *a, int *b)
{
	cpu_set_t cs;
	int cpu, found = 0;

	assert_int_equal(sched_getaffinity(0, sizeof(cs), &cs), 0);
	for (cpu = 0; cpu < CPU_SETSIZE && found < 2; cpu++) {
		if (!CPU_ISSET(cpu, &cs))
			continue;
		if (found++ == 0)
			*a = cpu;
		else
			*b = cpu;
	}
	if (found < 2)
		fail_msg("this test needs 2 usable CPUs, sched_getaffinity "
			 "shows %d",
			 CPU_COUNT(&cs));
}

static const struct kt_worker_report *run_collect(struct kt_workload *w,
						  uint64_t ns, size_t want)
{
	const struct kt_worker_report *r = NULL;
	size_t nr = 0;

	assert_int_equal(kt_workload_start(w), 0);
	kt_sleep(ns);
	assert_int_equal(kt_workload_stop_and_collect(w, &r, &nr), 0);
	assert_non_null(r);
	assert_int_equal(nr, want);
	return r;
}

static void assert_ok(const struct kt_worker_report *r)
{
	if (r->exit != KT_WORKER_OK)
		fail_msg("worker %d: exit %d code %d signal %d error \"%s\"",
			 (int)r->tid, (int)r->exit, r->exit_code,
			 r->exit_signal, r->error);
	assert_string_equal(r->error, "");
}

/* ---- names ---- */

static void test_names(void **state)
{
	enum kt_work_kind k, got;

	(void)state;
	/* The first five kinds; test_work_types.c covers all of them. */
	for (k = 0; k <= KT_WORK_BURSTY; k++) {
		got = KT_WORK__COUNT;
		assert_int_equal(kt_work_kind_parse(kt_work_kind_name(k), &got),
				 0);
		assert_int_equal(got, k);
	}
	assert_string_equal(kt_work_kind_name(KT_WORK_IO_SYNC_WRITE),
			    "IoSyncWrite");
	assert_int_equal(kt_work_kind_parse("spinwait", &got), -EINVAL);
	assert_non_null(strstr(kt_last_error(), "\"spinwait\""));
	assert_non_null(strstr(kt_last_error(), "SpinWait"));
	assert_int_equal(kt_work_kind_parse("", &got), -EINVAL);
	assert_int_equal(kt_work_kind_parse(NULL, &got), -EINVAL);

	assert_false(kt_work_kind_blocks(KT_WORK_SPIN_WAIT));
	assert_true(kt_work_kind_blocks(KT_WORK_YIELD_HEAVY));
	assert_true(kt_work_kind_blocks(KT_WORK_MIXED));
	assert_true(kt_work_kind_blocks(KT_WORK_IO_SYNC_WRITE));
	assert_true(kt_work_kind_blocks(KT_WORK_BURSTY));

	assert_string_equal(kt_policy_name(KT_POLICY_NORMAL), "Normal");
	assert_string_equal(kt_policy_name(KT_POLICY_FIFO), "Fifo");
	assert_string_equal(kt_policy_name(KT_POLICY_RR), "RoundRobin");
	assert_string_equal(kt_policy_name((enum kt_policy_kind)9), "?");
}

/* The policy table: every name parses back, short names, real-time. */
static void test_policy_names(void **state)
{
	enum kt_policy_kind k, got;

	(void)state;
	for (k = 0; k < KT_POLICY__COUNT; k++) {
		got = KT_POLICY__COUNT;
		assert_int_equal(kt_policy_parse(kt_policy_name(k), &got), 0);
		assert_int_equal(got, k);
		assert_int_equal(kt_policy_is_realtime(k),
				 k == KT_POLICY_FIFO || k == KT_POLICY_RR);
	}
	assert_false(kt_policy_is_realtime(KT_POLICY__COUNT));
	assert_string_equal(kt_policy_short_name(KT_POLICY_NORMAL), "normal");
	assert_string_equal(kt_policy_short_name(KT_POLICY_FIFO), "fifo");
	assert_string_equal(kt_policy_short_name(KT_POLICY_RR), "rr");
	assert_string_equal(kt_policy_short_name(KT_POLICY__COUNT), "?");

	/* Case-sensitive; the message lists every name. */
	got = KT_POLICY__COUNT;
	assert_int_equal(kt_policy_parse("fifo", &got), -EINVAL);
	assert_int_equal(got, KT_POLICY__COUNT);
	assert_non_null(strstr(kt_last_error(), "\"fifo\""));
	assert_non_null(strstr(kt_last_error(),
			       "Normal, Batch, Idle, Fifo, RoundRobin, Ext"));
	assert_int_equal(kt_policy_parse(NULL, &got), -EINVAL);
}

/* ---- (f) bad configurations ---- */

static void expect_einval(const struct kt_workload_config *c,
			  const char *needle)
{
	struct kt_workload *w = (struct kt_workload *)0x1;

	kt_clear_error();
	assert_int_equal(kt_workload_spawn(c, &w), -EINVAL);
	assert_null(w);
	if (!strstr(kt_last_error(), needle))
		fail_msg("error \"%s\" does not name \"%s\"", kt_last_error(),
			 needle);
}

static void test_bad_config(void **state)
{
	struct kt_workload_config c;

	(void)state;
	c = cfg_of(KT_WORK_SPIN_WAIT, 1);
	c.policy = (struct kt_sched_policy){KT_POLICY_FIFO, 0};
	expect_einval(&c, "priority 0");
	c.policy = (struct kt_sched_policy){KT_POLICY_FIFO, 100};
	expect_einval(&c, "priority 100");
	c.policy = (struct kt_sched_policy){KT_POLICY_RR, -3};
	expect_einval(&c, "priority -3");
	c.policy = (struct kt_sched_policy){KT_POLICY_NORMAL, 5};
	expect_einval(&c, "priority 5");
	c.policy = (struct kt_sched_policy){(enum kt_policy_kind)9, 0};
	expect_einval(&c, "policy 9");

	c = cfg_of((enum kt_work_kind)KT_WORK__COUNT, 1);
	expect_einval(&c, "not a valid kind");

	c = cfg_of(KT_WORK_SPIN_WAIT, 1);
	c.has_affinity = true; /* and an empty set */
	expect_einval(&c, "empty");

	c = cfg_of(KT_WORK_SPIN_WAIT, 100000);
	expect_einval(&c, "100000");

	assert_int_equal(kt_workload_spawn(NULL, NULL), -EINVAL);
	assert_no_children();
}

/* A setup failure in the worker is a NOT_STARTED report with the reason. */
static void test_setup_failure(void **state)
{
	_cleanup_(kt_workload_freep) struct kt_workload *w = NULL;
	struct kt_workload_config c = cfg_of(KT_WORK_SPIN_WAIT, 2);
	const struct kt_worker_report *r;
	size_t i;

	(void)state;
	c.has_affinity = true;
	kt_cpuset_set(&c.affinity, KT_MAX_CPUS - 1); /* no such CPU here */
	assert_int_equal(kt_workload_spawn(&c, &w), 0);
	r = run_collect(w, KT_MS(20), 2);
	for (i = 0; i < 2; i++) {
		assert_int_equal(r[i].exit, KT_WORKER_NOT_STARTED);
		assert_non_null(strstr(r[i].error, "sched_setaffinity"));
		assert_int_equal(r[i].work_units, 0);
		assert_int_equal(r[i].iterations, 0);
	}
	kt_workload_freep(&w);
	assert_no_children();
}

/* ---- (a) a SIGSTOP shows up as the longest gap, at the right offset ---- */

static void test_gap_from_sigstop(void **state)
{
	_cleanup_(kt_workload_freep) struct kt_workload *w = NULL;
	struct kt_workload_config c = cfg_of(KT_WORK_SPIN_WAIT, 1);
	const struct kt_worker_report *r = NULL;
	size_t nr = 0;
	pid_t pid;

	(void)state;
	assert_int_equal(kt_workload_spawn(&c, &w), 0);
	pid = kt_workload_pid(w, 0);
	assert_true(pid > 0);
	assert_int_equal(kt_workload_start(w), 0);
	kt_sleep(KT_MS(500));
	assert_int_equal(kill(pid, SIGSTOP), 0);
	kt_sleep(KT_MS(1500));
	assert_int_equal(kill(pid, SIGCONT), 0);
	kt_sleep(KT_MS(500));
	assert_int_equal(kt_workload_stop_and_collect(w, &r, &nr), 0);
	assert_int_equal(nr, 1);
	assert_ok(&r[0]);
	print_message("    max_gap %.3f s at %.3f s on cpu %d, wall %.3f s, "
		      "off-cpu %.3f s, units %llu\n",
		      r[0].max_gap_ns / 1e9, r[0].max_gap_at_ns / 1e9,
		      r[0].max_gap_cpu, r[0].wall_time_ns / 1e9,
		      r[0].off_cpu_ns / 1e9,
		      (unsigned long long)r[0].work_units);
	assert_in_range(r[0].max_gap_ns, KT_MS(1200), KT_MS(3000));
	assert_in_range(r[0].max_gap_at_ns, KT_MS(200), KT_MS(1500));
	assert_true(r[0].max_gap_cpu >= 0);
	assert_true(r[0].work_units > 0);
	assert_true(r[0].wall_time_ns >= KT_MS(2000));
	/* The stopped stretch is off-CPU time. */
	assert_true(r[0].off_cpu_ns >= KT_MS(1200));
	assert_true(r[0].cpu_time_ns <= r[0].wall_time_ns);
}

/* ---- (b) held stopped from before the gate: no work at all ---- */

static void test_stopped_before_start(void **state)
{
	_cleanup_(kt_workload_freep) struct kt_workload *w = NULL;
	struct kt_workload_config c = cfg_of(KT_WORK_SPIN_WAIT, 3);
	const struct kt_worker_report *r;
	pid_t pid;

	(void)state;
	assert_int_equal(kt_workload_spawn(&c, &w), 0);
	pid = kt_workload_pid(w, 1);
	assert_int_equal(kill(pid, SIGSTOP), 0);
	wait_state(pid, 'T');
	r = run_collect(w, KT_MS(300), 3);
	assert_ok(&r[0]);
	assert_ok(&r[1]);
	assert_ok(&r[2]);
	assert_int_equal(r[1].work_units, 0);
	assert_int_equal(r[1].iterations, 0);
	assert_true(r[0].work_units > 0);
	assert_true(r[2].work_units > 0);
	assert_true(r[0].iterations > 0);
}

/* A worker kept off the CPU from the gate opening until 1 s later: the wait
 * before its first run is a gap starting at +0 and counts as wall time. */
static void test_late_first_run_is_a_gap(void **state)
{
	_cleanup_(kt_workload_freep) struct kt_workload *w = NULL;
	struct kt_workload_config c = cfg_of(KT_WORK_SPIN_WAIT, 1);
	const struct kt_worker_report *r;
	const struct kt_worker_report *reports;
	size_t nr;
	pid_t pid;

	(void)state;
	assert_int_equal(kt_workload_spawn(&c, &w), 0);
	pid = kt_workload_pid(w, 0);
	assert_int_equal(kill(pid, SIGSTOP), 0);
	wait_state(pid, 'T');
	assert_int_equal(kt_workload_start(w), 0);
	kt_sleep(KT_MS(1000));
	assert_int_equal(kill(pid, SIGCONT), 0);
	kt_sleep(KT_MS(400));
	assert_int_equal(kt_workload_stop_and_collect(w, &reports, &nr), 0);
	assert_int_equal(nr, 1);
	r = &reports[0];
	assert_ok(r);
	assert_true(r->work_units > 0);
	if (r->max_gap_ns < KT_MS(900) || r->max_gap_at_ns > KT_MS(200))
		fail_msg("max gap %.3f s at +%.3f s, want >= 0.9 s at ~+0",
			 r->max_gap_ns / 1e9, r->max_gap_at_ns / 1e9);
	assert_true(r->wall_time_ns >= KT_MS(1300));
}

/* ---- (c) pinned workers only ever run on their CPU ---- */

static void test_pinned(void **state)
{
	_cleanup_(kt_workload_freep) struct kt_workload *w = NULL;
	struct kt_workload_config c = cfg_of(KT_WORK_SPIN_WAIT, 2);
	const struct kt_worker_report *r;
	int a, b;
	size_t i;

	(void)state;
	two_cpus(&a, &b);
	c.has_affinity = true;
	kt_cpuset_set(&c.affinity, a);
	assert_int_equal(kt_workload_spawn(&c, &w), 0);
	r = run_collect(w, KT_MS(300), 2);
	for (i = 0; i < 2; i++) {
		assert_ok(&r[i]);
		assert_true(r[i].work_units > 0);
		if (!kt_cpuset_equal(&r[i].cpus_used, &c.affinity))
			fail_msg("worker %zu used CPUs %s, pinned to %s", i,
				 kt_cpuset_str(&r[i].cpus_used, 0),
				 kt_cpuset_str(&c.affinity, 1));
		assert_int_equal(r[i].migrations, 0);
		assert_int_equal(r[i].max_gap_cpu, a);
	}
}

/* ---- (d) moving a worker between two CPUs shows as migrations ---- */

static void test_migrations(void **state)
{
	_cleanup_(kt_workload_freep) struct kt_workload *w = NULL;
	struct kt_workload_config c = cfg_of(KT_WORK_SPIN_WAIT, 1);
	const struct kt_worker_report *r;
	struct kt_cpuset sa, sb, empty;
	int a, b, k;

	(void)state;
	two_cpus(&a, &b);
	kt_cpuset_zero(&sa);
	kt_cpuset_zero(&sb);
	kt_cpuset_zero(&empty);
	kt_cpuset_set(&sa, a);
	kt_cpuset_set(&sb, b);
	c.has_affinity = true;
	c.affinity = sa;
	assert_int_equal(kt_workload_spawn(&c, &w), 0);

	assert_int_equal(kt_workload_set_affinity(w, 1, &sb), -EINVAL);
	assert_non_null(strstr(kt_last_error(), "out of range"));
	assert_int_equal(kt_workload_set_affinity(w, 0, &empty), -EINVAL);

	assert_int_equal(kt_workload_start(w), 0);
	for (k = 0; k < 6; k++) {
		kt_sleep(KT_MS(80));
		assert_int_equal(
		    kt_workload_set_affinity(w, 0, k % 2 ? &sa : &sb), 0);
	}
	r = run_collect(w, KT_MS(80), 1);
	assert_ok(&r[0]);
	print_message("    migrations %llu, cpus used %s\n",
		      (unsigned long long)r[0].migrations,
		      kt_cpuset_str(&r[0].cpus_used, 0));
	assert_true(r[0].migrations >= 1);
	assert_true(kt_cpuset_test(&r[0].cpus_used, a));
	assert_true(kt_cpuset_test(&r[0].cpus_used, b));
	assert_int_equal(kt_cpuset_count(&r[0].cpus_used), 2);

	/* A reaped worker cannot be moved. */
	assert_int_equal(kt_workload_set_affinity(w, 0, &sa), -ESRCH);
}

/* ---- (e) every kind runs and reports sane numbers ---- */

static void run_kind(enum kt_work_kind kind)
{
	_cleanup_(kt_workload_freep) struct kt_workload *w = NULL;
	struct kt_workload_config c = cfg_of(kind, 1);
	const struct kt_worker_report *r;
	bool have_schedstat = access("/proc/self/schedstat", R_OK) == 0;

	assert_int_equal(kt_workload_spawn(&c, &w), 0);
	r = run_collect(w, KT_MS(400), 1);
	print_message("    %-11s units %9llu iters %7llu cpu %.3f wall %.3f "
		      "gap %.3f wake n=%llu run_delay %.3f runs %llu\n",
		      kt_work_kind_name(kind),
		      (unsigned long long)r->work_units,
		      (unsigned long long)r->iterations, r->cpu_time_ns / 1e9,
		      r->wall_time_ns / 1e9, r->max_gap_ns / 1e9,
		      (unsigned long long)r->wake_latency.count,
		      r->run_delay_ns / 1e9, (unsigned long long)r->run_count);
	assert_ok(r);
	assert_int_equal(r->kind, kind);
	assert_true(r->work_units > 0);
	assert_true(r->iterations > 0);
	assert_in_range(r->wall_time_ns, KT_MS(300), KT_SEC(10));
	assert_true(r->cpu_time_ns <= r->wall_time_ns + KT_MS(20));
	assert_int_equal(r->off_cpu_ns, r->wall_time_ns > r->cpu_time_ns
					    ? r->wall_time_ns - r->cpu_time_ns
					    : 0);
	assert_int_equal(kt_cpuset_empty(&r->cpus_used), false);
	if (kt_work_kind_blocks(kind))
		assert_true(r->wake_latency.count > 0);
	else
		assert_int_equal(r->wake_latency.count, 0);
	switch (kind) {
	case KT_WORK_SPIN_WAIT:
	case KT_WORK_MIXED:
		assert_int_equal(r->work_units % 1024, 0);
		assert_int_equal(r->work_units, r->iterations * 1024);
		break;
	case KT_WORK_YIELD_HEAVY:
		assert_int_equal(r->work_units, r->iterations);
		break;
	case KT_WORK_IO_SYNC_WRITE:
		assert_int_equal(r->work_units, r->iterations * 16);
		/* Sleep overshoot: each sample is well under a second. */
		assert_true(r->wake_latency.max < KT_SEC(1));
		break;
	case KT_WORK_BURSTY:
		/* The 100 ms sleep counts in Bursty's gap. */
		assert_true(r->max_gap_ns >= KT_MS(100));
		assert_true(r->work_units % 1024 == 0);
		break;
	default:
		break;
	}
	/* Sleeping kinds are switched out at least once per sleep. */
	if (have_schedstat &&
	    (kind == KT_WORK_BURSTY || kind == KT_WORK_IO_SYNC_WRITE))
		assert_true(r->run_count > 0);
	if (have_schedstat && kind == KT_WORK_SPIN_WAIT)
		assert_true(r->sched_cpu_ns > 0);
}

static void test_each_kind(void **state)
{
	enum kt_work_kind k;

	(void)state;
	/* The first five kinds; test_work_types.c runs the others. */
	for (k = 0; k <= KT_WORK_BURSTY; k++)
		run_kind(k);
}

/* Bursty with explicit short phases and a short sleep. */
static void test_bursty_params(void **state)
{
	_cleanup_(kt_workload_freep) struct kt_workload *w = NULL;
	struct kt_workload_config c = {.num_workers = 1};
	const struct kt_worker_report *r;

	(void)state;
	c.work = KT_WORK_BURSTY_OF(KT_MS(2), KT_MS(5));
	assert_int_equal(kt_workload_spawn(&c, &w), 0);
	r = run_collect(w, KT_MS(500), 1);
	assert_ok(r);
	print_message("    iterations %llu, wakes %llu (max %.3f ms), cpu %.3f "
		      "s, wall %.3f s, max gap %.3f ms, run delay %.3f s\n",
		      (unsigned long long)r->iterations,
		      (unsigned long long)r->wake_latency.count,
		      r->wake_latency.max / 1e6, r->cpu_time_ns / 1e9,
		      r->wall_time_ns / 1e9, r->max_gap_ns / 1e6,
		      r->run_delay_ns / 1e9);
	/* ~70 cycles of 7 ms in 500 ms; the defaults would give at most 4. */
	assert_true(r->iterations >= 6);
	assert_true(r->wake_latency.count >= 5);
	assert_true(r->max_gap_ns >= KT_MS(5));
}

/* ---- live counters, start twice, collect twice ---- */

static void test_live_counters(void **state)
{
	_cleanup_(kt_workload_freep) struct kt_workload *w = NULL;
	struct kt_workload_config c = cfg_of(KT_WORK_SPIN_WAIT, 2);
	const struct kt_worker_report *r1 = NULL, *r2 = NULL;
	uint64_t it1, it2, sum;
	size_t nr = 0;

	(void)state;
	assert_int_equal(kt_workload_spawn(&c, &w), 0);
	assert_int_equal(kt_workload_nr(w), 2);
	assert_true(kt_workload_pid(w, 0) > 0);
	assert_true(kt_workload_pid(w, 1) > 0);
	assert_int_equal(kt_workload_pid(w, 2), -1);
	/* The gate holds: nothing runs before start. */
	kt_sleep(KT_MS(100));
	assert_int_equal(kt_workload_iterations(w), 0);

	assert_int_equal(kt_workload_start(w), 0);
	kt_sleep(KT_MS(150));
	it1 = kt_workload_iterations(w);
	assert_int_equal(kt_workload_start(w), 0); /* harmless */
	kt_sleep(KT_MS(150));
	it2 = kt_workload_iterations(w);
	assert_true(it1 > 0);
	assert_true(it2 > it1);

	assert_int_equal(kt_workload_stop_and_collect(w, &r1, &nr), 0);
	assert_int_equal(nr, 2);
	sum = r1[0].iterations + r1[1].iterations;
	assert_true(sum >= it2);
	assert_int_equal(kt_workload_iterations(w), sum);
	assert_int_equal(kt_workload_stop_and_collect(w, &r2, &nr), 0);
	assert_ptr_equal(r1, r2);
	assert_int_equal(nr, 2);
	assert_ok(&r2[0]);
	assert_int_equal(kt_workload_start(w), 0);
	kt_workload_freep(&w);
	assert_null(w);
	assert_no_children();
}

/* Collect without start: the workers start, see the stop, do no work. */
static void test_collect_without_start(void **state)
{
	_cleanup_(kt_workload_freep) struct kt_workload *w = NULL;
	struct kt_workload_config c = cfg_of(KT_WORK_YIELD_HEAVY, 2);
	const struct kt_worker_report *r = NULL;
	size_t nr = 0;

	(void)state;
	assert_int_equal(kt_workload_spawn(&c, &w), 0);
	assert_int_equal(kt_workload_stop_and_collect(w, &r, &nr), 0);
	assert_int_equal(nr, 2);
	assert_ok(&r[0]);
	assert_ok(&r[1]);
	assert_int_equal(r[0].work_units, 0);
	assert_int_equal(r[1].work_units, 0);
}

/* ---- scheduling policies are applied ---- */

static void test_policy(void **state)
{
	static const struct {
		struct kt_sched_policy pol;
		int sched;
	} cases[] = {
	    {{KT_POLICY_BATCH, 0}, SCHED_BATCH},
	    {{KT_POLICY_IDLE, 0}, SCHED_IDLE},
	    {{KT_POLICY_FIFO, 1}, SCHED_FIFO},
	    {{KT_POLICY_RR, 2}, SCHED_RR},
	};
	size_t k;

	(void)state;
	for (k = 0; k < KT_ARRAY_SIZE(cases); k++) {
		_cleanup_(kt_workload_freep) struct kt_workload *w = NULL;
		struct kt_workload_config c = {.num_workers = 1};
		const struct kt_worker_report *r;
		struct sched_param sp;
		pid_t pid;

		/* Bursty with long sleeps: safe even as an RT task. */
		c.work = KT_WORK_BURSTY_OF(KT_MS(1), KT_MS(10));
		c.policy = cases[k].pol;
		assert_int_equal(kt_workload_spawn(&c, &w), 0);
		pid = kt_workload_pid(w, 0);
		assert_int_equal(kt_workload_start(w), 0);
		kt_sleep(KT_MS(50));
		if (proc_state(pid) == 'Z') { /* setup failed (no privilege) */
			r = run_collect(w, 0, 1);
			assert_int_equal(r->exit, KT_WORKER_NOT_STARTED);
			assert_non_null(strstr(r->error, "sched_setattr"));
			print_message("    %s: not permitted here: %s\n",
				      kt_policy_name(c.policy.kind), r->error);
			continue;
		}
		assert_int_equal(sched_getscheduler(pid), cases[k].sched);
		assert_int_equal(sched_getparam(pid, &sp), 0);
		assert_int_equal(sp.sched_priority, c.policy.priority);
		r = run_collect(w, KT_MS(50), 1);
		assert_ok(r);
		assert_true(r->work_units > 0);
	}
}

/* ---- exits the workload did not ask for ---- */

static void test_killed_from_outside(void **state)
{
	_cleanup_(kt_workload_freep) struct kt_workload *w = NULL;
	struct kt_workload_config c = cfg_of(KT_WORK_SPIN_WAIT, 2);
	const struct kt_worker_report *r;

	(void)state;
	assert_int_equal(kt_workload_spawn(&c, &w), 0);
	assert_int_equal(kt_workload_start(w), 0);
	kt_sleep(KT_MS(100));
	assert_int_equal(kill(kt_workload_pid(w, 0), SIGTERM), 0);
	r = run_collect(w, KT_MS(100), 2);
	assert_int_equal(r[0].exit, KT_WORKER_SIGNALED);
	assert_int_equal(r[0].exit_signal, SIGTERM);
	/* The shared report keeps what the worker did before dying. */
	assert_true(r[0].work_units > 0);
	assert_ok(&r[1]);
}

/* With SIGCHLD ignored the kernel reaps for us: no hang, the worker's own
 * shared state still says it stopped on request. */
static void test_sigchld_ignored(void **state)
{
	_cleanup_(kt_workload_freep) struct kt_workload *w = NULL;
	struct kt_workload_config c = cfg_of(KT_WORK_SPIN_WAIT, 2);
	const struct kt_worker_report *r;
	struct sigaction ign = {0}, old;

	(void)state;
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	assert_int_equal(sigaction(SIGCHLD, &ign, &old), 0);
	assert_int_equal(kt_workload_spawn(&c, &w), 0);
	r = run_collect(w, KT_MS(100), 2);
	assert_int_equal(sigaction(SIGCHLD, &old, NULL), 0);
	assert_int_equal(r[0].exit, KT_WORKER_OK);
	assert_int_equal(r[1].exit, KT_WORKER_OK);
	assert_true(r[0].work_units > 0);
	kt_workload_freep(&w);
	assert_no_children();
}

/* ---- (g) free without collect leaves no child ---- */

static void test_free_without_collect(void **state)
{
	struct kt_workload_config c = cfg_of(KT_WORK_MIXED, 3);
	struct kt_workload *w = NULL;

	(void)state;
	/* Never started. */
	assert_int_equal(kt_workload_spawn(&c, &w), 0);
	kt_workload_free(w);
	assert_no_children();

	/* Running, and one of them stopped. */
	w = NULL;
	assert_int_equal(kt_workload_spawn(&c, &w), 0);
	assert_int_equal(kt_workload_start(w), 0);
	kill(kt_workload_pid(w, 2), SIGSTOP);
	kt_sleep(KT_MS(50));
	kt_workload_free(w);
	assert_no_children();

	kt_workload_free(NULL);
	kt_workload_freep(NULL);
}

/* ---- (h) a worker that cannot stop is killed at the deadline ---- */

static void test_stop_deadline(void **state)
{
	_cleanup_(kt_workload_freep) struct kt_workload *w = NULL;
	struct kt_workload_config c = cfg_of(KT_WORK_SPIN_WAIT, 2);
	const struct kt_worker_report *r = NULL;
	uint64_t t0, took;
	size_t nr = 0;
	pid_t pid;
	int st;

	(void)state;
	c.stop_deadline_ns = KT_MS(300);
	assert_int_equal(kt_workload_spawn(&c, &w), 0);
	pid = kt_workload_pid(w, 0);
	assert_int_equal(kt_workload_start(w), 0);
	kt_sleep(KT_MS(100));
	if (ptrace(PTRACE_SEIZE, pid, NULL, NULL)) {
		if (errno == EPERM || errno == ENOSYS)
			skip();
		fail_msg("PTRACE_SEIZE %d: %s", (int)pid, strerror(errno));
	}
	assert_int_equal(ptrace(PTRACE_INTERRUPT, pid, NULL, NULL), 0);
	assert_int_equal(waitpid(pid, &st, __WALL), pid);
	assert_true(WIFSTOPPED(st));

	t0 = kt_now_ns();
	assert_int_equal(kt_workload_stop_and_collect(w, &r, &nr), 0);
	took = kt_now_ns() - t0;
	print_message("    collect took %.3f s (deadline 0.300 s)\n",
		      took / 1e9);
	assert_int_equal(nr, 2);
	assert_int_equal(r[0].exit, KT_WORKER_TIMED_OUT);
	assert_int_equal(r[0].exit_signal, SIGKILL);
	assert_true(r[0].work_units > 0); /* partial report survives */
	assert_ok(&r[1]);
	assert_in_range(took, KT_MS(290), KT_SEC(5));
	kt_workload_freep(&w);
	assert_no_children();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_policy_names),
	    cmocka_unit_test(test_bad_config),
	    cmocka_unit_test(test_setup_failure),
	    cmocka_unit_test(test_gap_from_sigstop),
	    cmocka_unit_test(test_stopped_before_start),
	    cmocka_unit_test(test_late_first_run_is_a_gap),
	    cmocka_unit_test(test_pinned),
	    cmocka_unit_test(test_migrations),
	    cmocka_unit_test(test_each_kind),
	    cmocka_unit_test(test_bursty_params),
	    cmocka_unit_test(test_live_counters),
	    cmocka_unit_test(test_collect_without_start),
	    cmocka_unit_test(test_policy),
	    cmocka_unit_test(test_killed_from_outside),
	    cmocka_unit_test(test_sigchld_ignored),
	    cmocka_unit_test(test_free_without_collect),
	    cmocka_unit_test(test_stop_deadline),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
