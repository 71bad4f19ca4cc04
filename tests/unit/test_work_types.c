/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of every work type: the kind descriptors, names and parsing,
 * group sizes and the group-size errors, and real forked workers of each
 * kind (~300 ms each) with their telemetry, the grouped kinds' behaviour
 * when a partner stops or dies, Sequence phase order, the Custom API, and
 * that nothing is left behind after the stop (waitpid(-1) -> ECHILD, with
 * this process as the child subreaper so orphaned grandchildren would show
 * up too).
 *
 * Bounds are loose (a loaded 2-CPU machine): structure and orders of
 * magnitude, never tight durations.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include <ktstr/common.h>
#include <ktstr/cpuset.h>
#include <ktstr/workload.h>

#include "work/work_kind_desc.h"
#include "work/work_kinds.h"

#define RUN_NS KT_MS(300)

/* ---- helpers ---- */

static void assert_no_children(void)
{
	int st;

	errno = 0;
	assert_int_equal(waitpid(-1, &st, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

/* /proc/<pid>/stat: the state letter (field 3) or a numeric field n. */
static int proc_stat(pid_t pid, char *state, int field, long long *val)
{
	char path[64], buf[1024], *p, *save = NULL, *tok;
	ssize_t n;
	int fd, i;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ')
		return -1;
	if (state)
		*state = p[2];
	/* Field 3 is the state, right after ") ". */
	for (i = 3, tok = strtok_r(p + 2, " ", &save); tok;
	     i++, tok = strtok_r(NULL, " ", &save)) {
		if (i == field && val) {
			*val = atoll(tok);
			return 0;
		}
	}
	return val ? -1 : 0;
}

static char proc_state(pid_t pid)
{
	char st = 0;

	return proc_stat(pid, &st, 0, NULL) ? 0 : st;
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

static int usable_cpus(void)
{
	cpu_set_t cs;

	if (sched_getaffinity(0, sizeof(cs), &cs))
		return 1;
	return CPU_COUNT(&cs);
}

/*
 * Start, run for ns, then (a starved worker on a loaded machine) keep
 * running until every worker finished an iteration or 10 s passed; stop
 * and collect. ns 0: stop at once.
 */
static const struct kt_worker_report *run_collect(struct kt_workload *w,
						  uint64_t ns, size_t want)
{
	const struct kt_worker_report *r = NULL;
	uint64_t end;
	size_t nr = 0, i;

	assert_int_equal(kt_workload_start(w), 0);
	kt_sleep(ns);
	end = kt_now_ns() + KT_SEC(10);
	for (i = 0; ns && i < want && kt_now_ns() < end;) {
		if (kt_workload_worker_iterations(w, i))
			i++;
		else
			kt_sleep(KT_MS(5));
	}
	assert_int_equal(kt_workload_stop_and_collect(w, &r, &nr), 0);
	assert_non_null(r);
	assert_int_equal(nr, want);
	return r;
}

static void assert_ok(const struct kt_worker_report *r)
{
	if (r->exit != KT_WORKER_OK)
		fail_msg("%s worker %d: exit %d code %d signal %d error \"%s\"",
			 kt_work_kind_name(r->kind), (int)r->tid, (int)r->exit,
			 r->exit_code, r->exit_signal, r->error);
	assert_string_equal(r->error, "");
}

static void expect_spawn_einval(const struct kt_work_type *wt, unsigned n,
				const char *needle)
{
	struct kt_workload_config c = {.num_workers = n, .work = *wt};
	struct kt_workload *w = (struct kt_workload *)0x1;

	kt_clear_error();
	assert_int_equal(kt_workload_spawn(&c, &w), -EINVAL);
	assert_null(w);
	if (!strstr(kt_last_error(), needle))
		fail_msg("error \"%s\" does not say \"%s\"", kt_last_error(),
			 needle);
}

/* ---- names ---- */

static void test_names(void **state)
{
	static const char *const names[KT_WORK__COUNT] = {
	    "SpinWait",	      "YieldHeavy",	"Mixed",
	    "IoSyncWrite",    "Bursty",		"PipeIo",
	    "FutexPingPong",  "FutexFanOut",	"CachePressure",
	    "CacheYield",     "CachePipe",	"FanOutCompute",
	    "ForkExit",	      "NiceSweep",	"AffinityChurn",
	    "PolicyChurn",    "PageFaultChurn", "MutexContention",
	    "Sequence",	      "Custom",		"MessageWorker",
	    "RtInterference", "MemBandwidth",
	};
	enum kt_work_kind k, got;
	char err[1024];

	(void)state;
	for (k = 0; k < KT_WORK__COUNT; k++) {
		assert_string_equal(kt_work_kind_name(k), names[k]);
		if (k == KT_WORK_SEQUENCE || k == KT_WORK_CUSTOM)
			continue;
		got = KT_WORK__COUNT;
		assert_int_equal(kt_work_kind_parse(names[k], &got), 0);
		assert_int_equal(got, k);
	}
	assert_string_equal(kt_work_kind_name(KT_WORK__COUNT), "?");

	/* Sequence and Custom need parameters. */
	got = KT_WORK__COUNT;
	assert_int_equal(kt_work_kind_parse("Sequence", &got), -EINVAL);
	assert_non_null(strstr(kt_last_error(), "cannot be built from a name"));
	assert_int_equal(kt_work_kind_parse("Custom", &got), -EINVAL);
	assert_int_equal(got, KT_WORK__COUNT);

	/* An unknown name: the error lists every parsable name. */
	assert_int_equal(kt_work_kind_parse("pipeio", &got), -EINVAL);
	snprintf(err, sizeof(err), "%s", kt_last_error());
	assert_non_null(strstr(err, "\"pipeio\""));
	for (k = 0; k < KT_WORK__COUNT; k++) {
		bool listed = strstr(err, names[k]) != NULL;

		if (k == KT_WORK_SEQUENCE || k == KT_WORK_CUSTOM)
			assert_false(listed);
		else if (!listed)
			fail_msg("\"%s\" missing from \"%s\"", names[k], err);
	}
	assert_int_equal(kt_work_kind_parse(NULL, &got), -EINVAL);

	assert_true(kt_work_kind_blocks(KT_WORK_PIPE_IO));
	assert_true(kt_work_kind_blocks(KT_WORK_FORK_EXIT));
	assert_true(kt_work_kind_blocks(KT_WORK_SEQUENCE));
	assert_false(kt_work_kind_blocks(KT_WORK_CACHE_PRESSURE));
	assert_false(kt_work_kind_blocks(KT_WORK_PAGE_FAULT_CHURN));
	assert_false(kt_work_kind_blocks(KT_WORK_CUSTOM));
	assert_true(kt_work_kind_blocks(KT_WORK_MESSAGE_WORKER));
	assert_true(kt_work_kind_blocks(KT_WORK_RT_INTERFERENCE));
	assert_false(kt_work_kind_blocks(KT_WORK_MEM_BANDWIDTH));
}

/* ---- descriptors ---- */

static int returns_at_once(const struct kt_worker_ctx *wctx, void *arg)
{
	(void)wctx;
	(void)arg;
	return 0;
}

/* The smallest valid work type of kind k: its defaults, plus the
 * parameters a kind that cannot be built from its name needs. */
static struct kt_work_type smallest_valid(enum kt_work_kind k)
{
	if (k == KT_WORK_SEQUENCE)
		return KT_WORK_SEQUENCE_OF(KT_PHASE(SPIN, KT_MS(1)));
	if (k == KT_WORK_CUSTOM)
		return KT_WORK_CUSTOM_OF(NULL, returns_at_once, NULL);
	return KT_WORK(k);
}

/*
 * Walk every descriptor: it sits in its kind's slot with a unique name
 * that round-trips through kt_work_kind_parse exactly when it is parsable,
 * its group has at least one worker (1 when ungrouped, 2 for pipe pairs),
 * and its defaults alone are a valid work type exactly when it is
 * parsable (the others become valid with their required parameters).
 */
static void test_descriptors(void **state)
{
	enum kt_work_kind k, j, got;
	int err;

	(void)state;
	for (k = 0; k < KT_WORK__COUNT; k++) {
		const struct kt_work_kind_desc *d = kt_work_desc(k);
		struct kt_work_type w = KT_WORK(k), full = smallest_valid(k);
		unsigned g;

		assert_non_null(d);
		assert_int_equal(d->kind, k);
		assert_non_null(d->name);
		assert_non_null(d->loop);
		assert_string_equal(kt_work_kind_name(k), d->name);
		assert_int_equal(kt_work_kind_by_name(d->name), k);
		for (j = 0; j < k; j++)
			assert_string_not_equal(kt_work_desc(j)->name, d->name);
		got = KT_WORK__COUNT;
		assert_int_equal(kt_work_kind_parse(d->name, &got),
				 d->parsable ? 0 : -EINVAL);
		assert_int_equal(got, d->parsable ? k : KT_WORK__COUNT);
		assert_int_equal(kt_work_kind_blocks(k), d->blocks);

		/* A fixed group size or a function of the params, not both. */
		assert_true(!d->group_size != !d->group_size_of);
		g = kt_work_group_size(&w); /* of the resolved defaults */
		assert_true(g >= 1);
		/* Ungrouped kinds run alone; RtInterference shares nothing
		 * but gives its members roles (RT or normal). */
		if (d->grouping == KT_GROUPING_NONE &&
		    k != KT_WORK_RT_INTERFERENCE)
			assert_int_equal(g, 1);
		if (d->grouping == KT_GROUPING_PIPES)
			assert_int_equal(g, 2);
		err = kt_work_check(&w, g);
		if (err != (d->parsable ? 0 : -EINVAL))
			fail_msg("%s: defaults alone %s (%s), parsable %d",
				 d->name, err ? "refused" : "accepted",
				 err ? kt_last_error() : "", d->parsable);
		if (kt_work_check(&full, kt_work_group_size(&full)))
			fail_msg("%s: %s", d->name, kt_last_error());
	}
	assert_null(kt_work_desc(KT_WORK__COUNT));
	assert_int_equal(kt_work_kind_by_name("spinwait"), KT_WORK__COUNT);
	assert_int_equal(kt_work_kind_by_name(NULL), KT_WORK__COUNT);
}

/* ---- group sizes and their errors ---- */

static void test_group_sizes(void **state)
{
	struct kt_work_type w;

	(void)state;
	w = KT_WORK(KT_WORK_PIPE_IO);
	assert_int_equal(kt_work_group_size(&w), 2);
	w = KT_WORK(KT_WORK_CACHE_PIPE);
	assert_int_equal(kt_work_group_size(&w), 2);
	w = KT_WORK(KT_WORK_FUTEX_PING_PONG);
	assert_int_equal(kt_work_group_size(&w), 2);
	w = KT_WORK(KT_WORK_FUTEX_FAN_OUT); /* default fan_out 4 */
	assert_int_equal(kt_work_group_size(&w), 5);
	w = KT_WORK_FUTEX_FAN_OUT_OF(2, 0);
	assert_int_equal(kt_work_group_size(&w), 3);
	w = KT_WORK(KT_WORK_FAN_OUT_COMPUTE);
	assert_int_equal(kt_work_group_size(&w), 5);
	w = KT_WORK_FAN_OUT_COMPUTE_OF(7, 0, 0, 0);
	assert_int_equal(kt_work_group_size(&w), 8);
	w = KT_WORK(KT_WORK_MUTEX_CONTENTION); /* default contenders 4 */
	assert_int_equal(kt_work_group_size(&w), 4);
	w = KT_WORK_MUTEX_CONTENTION_OF(3, 0, 0);
	assert_int_equal(kt_work_group_size(&w), 3);
	w = KT_WORK(KT_WORK_MESSAGE_WORKER); /* default fan_out 4 */
	assert_int_equal(kt_work_group_size(&w), 5);
	w = KT_WORK_MESSAGE_WORKER_OF(2, 0, 0);
	assert_int_equal(kt_work_group_size(&w), 3);
	w = KT_WORK(KT_WORK_RT_INTERFERENCE); /* 1 RT + 1 normal */
	assert_int_equal(kt_work_group_size(&w), 2);
	w = KT_WORK_RT_INTERFERENCE_OF(2, 3, 0, 0, 0);
	assert_int_equal(kt_work_group_size(&w), 5);
	w = KT_WORK(KT_WORK_MEM_BANDWIDTH);
	assert_int_equal(kt_work_group_size(&w), 1);
	w = KT_WORK(KT_WORK_SPIN_WAIT);
	assert_int_equal(kt_work_group_size(&w), 1);
	w = KT_WORK(KT_WORK_FORK_EXIT);
	assert_int_equal(kt_work_group_size(&w), 1);
	assert_int_equal(kt_work_group_size(NULL), 1);

	w = KT_WORK(KT_WORK_PIPE_IO);
	assert_int_equal(kt_work_check(&w, 4), 0);
	assert_int_equal(kt_work_check(&w, 1), -EINVAL);
	assert_non_null(
	    strstr(kt_last_error(), "1 worker does not divide evenly"));
}

static void test_group_errors(void **state)
{
	struct kt_work_type w;

	(void)state;
	w = KT_WORK(KT_WORK_PIPE_IO);
	expect_spawn_einval(&w, 3,
			    "PipeIo needs workers in groups of 2; 3 workers "
			    "do not divide evenly");
	w = KT_WORK_FUTEX_FAN_OUT_OF(4, 0);
	expect_spawn_einval(&w, 4,
			    "FutexFanOut needs workers in groups of 5; 4 "
			    "workers do not divide evenly");
	w = KT_WORK_MUTEX_CONTENTION_OF(4, 0, 0);
	expect_spawn_einval(&w, 6,
			    "MutexContention needs workers in groups of 4; 6 "
			    "workers do not divide evenly");
	w = KT_WORK(KT_WORK_CACHE_PIPE); /* num_workers 0 means 1 */
	expect_spawn_einval(&w, 0, "CachePipe needs workers in groups of 2");

	/* Parameters. */
	w = KT_WORK_CACHE_PRESSURE_OF(1, 4096);
	expect_spawn_einval(&w, 1, "CachePressure stride 4096");
	w = (struct kt_work_type){.kind = KT_WORK_SEQUENCE};
	expect_spawn_einval(&w, 1, "Sequence: 0 phases");
	w = KT_WORK_SEQUENCE_OF(KT_PHASE(SPIN, KT_MS(1)), KT_PHASE(SLEEP, 0));
	expect_spawn_einval(&w, 1, "Sequence phase 1: duration 0");
	w = KT_WORK_CUSTOM_OF("nofn", NULL, NULL);
	expect_spawn_einval(&w, 1, "Custom \"nofn\": no function");
	w = KT_WORK_MESSAGE_WORKER_OF(2, 0, 0);
	expect_spawn_einval(&w, 4,
			    "MessageWorker needs workers in groups of 3; 4 "
			    "workers do not divide evenly");
	w = KT_WORK_MESSAGE_WORKER_OF(1024, 0, 0);
	expect_spawn_einval(&w, 1025,
			    "MessageWorker fan_out 1024: out of "
			    "range 1..1023");
	w = KT_WORK_MESSAGE_WORKER_OF(0, 0, 20000000);
	expect_spawn_einval(&w, 5, "MessageWorker sleep_usec 20000000");
	w = KT_WORK_RT_INTERFERENCE_OF(1, 2, 0, 0, 0);
	expect_spawn_einval(&w, 2,
			    "RtInterference needs workers in groups of 3; 2 "
			    "workers do not divide evenly");
	w = KT_WORK_RT_INTERFERENCE_OF(0, 0, 0, 0, 100);
	expect_spawn_einval(&w, 2,
			    "RtInterference rt_priority 100: out of "
			    "range 1..99");
	w = KT_WORK_RT_INTERFERENCE_OF(1000, 100, 0, 0, 0);
	expect_spawn_einval(&w, 1100,
			    "RtInterference normal_members 100: "
			    "out of range 1..24");
	w = KT_WORK_MEM_BANDWIDTH_OF(32);
	expect_spawn_einval(&w, 1,
			    "MemBandwidth size_kb 32: out of range "
			    "64..1048576");
	assert_no_children();
}

/* The defaults each new kind resolves to (zero parameters). */
static void test_new_kind_defaults(void **state)
{
	struct kt_work_type w;

	(void)state;
	w = KT_WORK(KT_WORK_MESSAGE_WORKER);
	kt_work_resolve(&w);
	assert_int_equal(w.message_worker.fan_out, 4);
	assert_int_equal(w.message_worker.request_iters, 1024);
	assert_int_equal(w.message_worker.sleep_usec, 1000);
	w = KT_WORK_MESSAGE_WORKER_OF(0, 7, 0); /* zero: default, rest kept */
	kt_work_resolve(&w);
	assert_int_equal(w.message_worker.fan_out, 4);
	assert_int_equal(w.message_worker.request_iters, 7);
	w = KT_WORK(KT_WORK_RT_INTERFERENCE);
	kt_work_resolve(&w);
	assert_int_equal(w.rt_interference.rt_members, 1);
	assert_int_equal(w.rt_interference.normal_members, 1);
	assert_int_equal(w.rt_interference.burst_iters, 256);
	assert_int_equal(w.rt_interference.sleep_usec, 1000);
	assert_int_equal(w.rt_interference.rt_priority, 10);
	w = KT_WORK(KT_WORK_MEM_BANDWIDTH);
	kt_work_resolve(&w);
	assert_int_equal(w.mem_bandwidth.size_kb, 32768);
	w = KT_WORK_MEM_BANDWIDTH_OF(64); /* the smallest buffer */
	assert_int_equal(kt_work_check(&w, 1), 0);
}

/* ---- every kind runs ---- */

struct kind_case {
	struct kt_work_type w;
	unsigned workers;
	uint64_t units_per_iter; /* 0: not a fixed ratio */
};

/*
 * An RtInterference member: the RT ones say FIFO and sample every sleep
 * (true: checked like any blocking member); the normal ones keep the
 * workload's policy, spin 1024 units per iteration and sample nothing.
 */
static bool check_rt_member(const struct kt_work_type *w, unsigned role,
			    const struct kt_worker_report *r)
{
	struct kt_work_type rw = *w;

	kt_work_resolve(&rw);
	if (role < rw.rt_interference.rt_members) {
		assert_int_equal(r->policy, KT_POLICY_FIFO);
		assert_int_equal(r->work_units,
				 r->iterations *
				     rw.rt_interference.burst_iters);
		return true;
	}
	assert_int_equal(r->policy, KT_POLICY_NORMAL);
	assert_int_equal(r->wake_latency.count, 0);
	assert_int_equal(r->work_units, r->iterations * 1024);
	return false;
}

/* A MessageWorker worker: one wake and one request sample per request,
 * and a request ends after its wake-up. */
static void check_requests(const struct kt_worker_report *r)
{
	assert_true(r->request_latency.count > 0);
	assert_int_equal(r->request_latency.count, r->iterations);
	assert_int_equal(r->wake_latency.count, r->iterations);
	assert_true(r->request_latency.min >= r->wake_latency.min);
	assert_true(kt_hist_quantile(&r->request_latency, 0.5) >=
		    r->wake_latency.min);
}

/* Per-kind checks on top of the common ones; r has c->workers reports. */
static void check_kind(const struct kind_case *c,
		       const struct kt_worker_report *r)
{
	enum kt_work_kind k = c->w.kind;
	uint64_t wakes = 0;
	unsigned i;

	for (i = 0; i < c->workers; i++) {
		unsigned role = i % kt_work_group_size(&c->w);
		bool msgr = role == 0 && (k == KT_WORK_FUTEX_FAN_OUT ||
					  k == KT_WORK_FAN_OUT_COMPUTE ||
					  k == KT_WORK_MESSAGE_WORKER);

		assert_int_equal(r[i].is_messenger, msgr);
		if (msgr) {
			/* The messenger never records wake latency. */
			assert_int_equal(r[i].wake_latency.count, 0);
			assert_int_equal(r[i].request_latency.count, 0);
			if (k != KT_WORK_FUTEX_FAN_OUT)
				assert_int_equal(r[i].work_units,
						 r[i].iterations);
			continue;
		}
		if (k == KT_WORK_RT_INTERFERENCE &&
		    !check_rt_member(&c->w, role, &r[i]))
			continue;
		if (k == KT_WORK_MESSAGE_WORKER)
			check_requests(&r[i]);
		else
			assert_int_equal(r[i].request_latency.count, 0);
		wakes += r[i].wake_latency.count;
		if (c->units_per_iter)
			assert_int_equal(r[i].work_units,
					 r[i].iterations * c->units_per_iter);
		/* Every blocking member records, except that whether one
		 * mutex contender, fan-out receiver or ping-pong partner
		 * ever had to wait is up to the scheduler: those are
		 * checked per workload. */
		if (kt_work_kind_blocks(k) && k != KT_WORK_MUTEX_CONTENTION &&
		    k != KT_WORK_FUTEX_FAN_OUT &&
		    k != KT_WORK_FUTEX_PING_PONG && !r[i].wake_latency.count)
			fail_msg("%s worker %u: no wake latency sample",
				 kt_work_kind_name(k), i);
	}
	if (kt_work_kind_blocks(k))
		assert_true(wakes > 0);
	else
		assert_int_equal(wakes, 0);

	switch (k) {
	case KT_WORK_PIPE_IO:
	case KT_WORK_CACHE_PIPE:
	case KT_WORK_FUTEX_PING_PONG:
		/* Partners move in lockstep. */
		for (i = 0; i < c->workers; i += 2) {
			uint64_t a = r[i].iterations, b = r[i + 1].iterations;

			if ((a > b ? a - b : b - a) > 1)
				fail_msg("%s pair %u: %llu vs %llu "
					 "exchanges",
					 kt_work_kind_name(k), i / 2,
					 (unsigned long long)a,
					 (unsigned long long)b);
		}
		break;
	case KT_WORK_AFFINITY_CHURN:
		/* 50 random picks of 2+ CPUs are not all the same one. */
		if (usable_cpus() >= 2 && r[0].iterations >= 50) {
			assert_true(kt_cpuset_count(&r[0].cpus_used) >= 2);
			assert_true(r[0].migrations > 0);
		}
		break;
	default:
		break;
	}
}

static void run_case(const struct kind_case *c)
{
	_cleanup_(kt_workload_freep) struct kt_workload *w = NULL;
	struct kt_workload_config cfg = {.num_workers = c->workers,
					 .work = c->w};
	const struct kt_worker_report *r;
	uint64_t ran;
	unsigned i;

	assert_int_equal(kt_workload_spawn(&cfg, &w), 0);
	ran = kt_now_ns();
	r = run_collect(w, RUN_NS, c->workers);
	ran = kt_now_ns() - ran;
	for (i = 0; i < c->workers; i++) {
		print_message("    %-15s #%u units %9llu iters %7llu cpu %.3f "
			      "wall %.3f off %.3f wake n=%llu p50 %.1f us\n",
			      kt_work_kind_name(c->w.kind), i,
			      (unsigned long long)r[i].work_units,
			      (unsigned long long)r[i].iterations,
			      r[i].cpu_time_ns / 1e9, r[i].wall_time_ns / 1e9,
			      r[i].off_cpu_ns / 1e9,
			      (unsigned long long)r[i].wake_latency.count,
			      kt_hist_quantile(&r[i].wake_latency, 0.5) / 1e3);
		assert_ok(&r[i]);
		assert_int_equal(r[i].kind, c->w.kind);
		assert_true(r[i].work_units > 0);
		assert_true(r[i].iterations > 0);
		/* Wall time runs from the gate to the stop: within the
		 * time we ran it (a starved worker starts late). */
		assert_true(r[i].wall_time_ns > 0);
		assert_true(r[i].wall_time_ns <= ran + KT_MS(5));
		assert_true(r[i].cpu_time_ns <= r[i].wall_time_ns + KT_MS(20));
		assert_int_equal(r[i].off_cpu_ns,
				 r[i].wall_time_ns > r[i].cpu_time_ns
				     ? r[i].wall_time_ns - r[i].cpu_time_ns
				     : 0);
		assert_false(kt_cpuset_empty(&r[i].cpus_used));
	}
	check_kind(c, r);
	kt_workload_freep(&w);
	assert_no_children();
}

/* May this process's children switch to SCHED_FIFO 10? (a forked probe) */
static bool may_fifo(void)
{
	struct sched_param sp = {.sched_priority = 10};
	int st = 0;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0)
		_exit(sched_setscheduler(0, SCHED_FIFO, &sp) ? 1 : 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* Without the RT privilege an RtInterference RT member does not start,
 * and says what it needs; the normal members run. */
static void rt_refused(const struct kind_case *c)
{
	_cleanup_(kt_workload_freep) struct kt_workload *w = NULL;
	struct kt_workload_config cfg = {.num_workers = c->workers,
					 .work = c->w};
	const struct kt_worker_report *r;

	assert_int_equal(kt_workload_spawn(&cfg, &w), 0);
	r = run_collect(w, RUN_NS, c->workers);
	assert_int_equal(r[0].exit, KT_WORKER_NOT_STARTED);
	assert_non_null(strstr(r[0].error, "needs root or CAP_SYS_NICE"));
	for (unsigned i = 1; i < c->workers; i++) {
		assert_ok(&r[i]);
		assert_true(r[i].work_units > 0);
	}
	kt_workload_freep(&w);
	assert_no_children();
}

static void test_each_kind(void **state)
{
	const struct kind_case cases[] = {
	    {KT_WORK(KT_WORK_SPIN_WAIT), 1, 1024},
	    {KT_WORK(KT_WORK_YIELD_HEAVY), 1, 1},
	    {KT_WORK(KT_WORK_MIXED), 1, 1024},
	    {KT_WORK(KT_WORK_IO_SYNC_WRITE), 1, 16},
	    {KT_WORK_BURSTY_OF(KT_MS(5), KT_MS(10)), 1, 0},
	    {KT_WORK(KT_WORK_PIPE_IO), 2, 1024},
	    {KT_WORK(KT_WORK_FUTEX_PING_PONG), 4, 1024},
	    {KT_WORK(KT_WORK_FUTEX_FAN_OUT), 5, 1024},
	    {KT_WORK(KT_WORK_CACHE_PRESSURE), 1, 32 * 1024 / 64},
	    {KT_WORK(KT_WORK_CACHE_YIELD), 1, 32 * 1024 / 64},
	    {KT_WORK(KT_WORK_CACHE_PIPE), 2, 1024},
	    {KT_WORK(KT_WORK_FAN_OUT_COMPUTE), 5, 5},
	    {KT_WORK(KT_WORK_FORK_EXIT), 1, 1},
	    {KT_WORK(KT_WORK_NICE_SWEEP), 1, 512},
	    {KT_WORK(KT_WORK_AFFINITY_CHURN), 1, 1024},
	    {KT_WORK(KT_WORK_POLICY_CHURN), 1, 1024},
	    {KT_WORK(KT_WORK_PAGE_FAULT_CHURN), 1, 256},
	    {KT_WORK(KT_WORK_MUTEX_CONTENTION), 4, 256 + 1024},
	    {KT_WORK_SEQUENCE_OF(
		 KT_PHASE(SPIN, KT_MS(5)), KT_PHASE(SLEEP, KT_MS(5)),
		 KT_PHASE(YIELD, KT_MS(1)), KT_PHASE(IO, KT_MS(1))),
	     1, 0},
	    {KT_WORK_MESSAGE_WORKER_OF(2, 0, 0), 3, 1024},
	    {KT_WORK_RT_INTERFERENCE_OF(1, 2, 0, 0, 0), 3, 0},
	    {KT_WORK(KT_WORK_MEM_BANDWIDTH), 1, 4096},
	};
	bool seen[KT_WORK__COUNT] = {0};
	size_t i;

	(void)state;
	for (i = 0; i < KT_ARRAY_SIZE(cases); i++) {
		if (cases[i].w.kind == KT_WORK_RT_INTERFERENCE && !may_fifo())
			rt_refused(&cases[i]);
		else
			run_case(&cases[i]);
		seen[cases[i].w.kind] = true;
	}
	/* Every kind but Custom (test_custom) ran here. */
	for (i = 0; i < KT_WORK__COUNT; i++) {
		if (i != KT_WORK_CUSTOM && !seen[i])
			fail_msg("kind %s not run", kt_work_kind_name(i));
	}
}

/* MemBandwidth buffers that cannot fit in the memory available: every
 * worker fails its setup with a message naming the fixes, touching
 * nothing (no OOM killer). */
static void test_mem_bandwidth_too_big(void **state)
{
	_cleanup_(kt_workload_freep) struct kt_workload *w = NULL;
	char buf[4096], *p;
	unsigned long long avail_kb;
	struct kt_workload_config c = {
	    .work = KT_WORK_MEM_BANDWIDTH_OF(1u << 20), /* 1 GiB each */
	};
	const struct kt_worker_report *r;
	FILE *f = fopen("/proc/meminfo", "r");
	size_t n;

	(void)state;
	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strstr(buf, "MemAvailable:");
	assert_non_null(p);
	avail_kb = strtoull(p + strlen("MemAvailable:"), NULL, 10);
	c.num_workers = (unsigned)(avail_kb >> 20) + 2; /* one GiB too many */
	assert_int_equal(kt_workload_spawn(&c, &w), 0);
	r = run_collect(w, KT_MS(20), c.num_workers);
	for (unsigned i = 0; i < c.num_workers; i++) {
		assert_int_equal(r[i].exit, KT_WORKER_NOT_STARTED);
		if (!strstr(r[i].error, "KiB available less") ||
		    !strstr(r[i].error, "vm --memory MB or a smaller size_kb"))
			fail_msg("worker %u: \"%s\"", i, r[i].error);
		assert_int_equal(r[i].work_units, 0);
	}
	kt_workload_freep(&w);
	assert_no_children();
}

/* ---- live effects of the churn kinds ---- */

static void test_churn_live(void **state)
{
	_cleanup_(kt_workload_freep) struct kt_workload *wn = NULL;
	_cleanup_(kt_workload_freep) struct kt_workload *wp = NULL;
	_cleanup_(kt_workload_freep) struct kt_workload *wf = NULL;
	struct kt_workload_config c = {.num_workers = 1};
	int pols = 0, nices = 0, seen_pol[8] = {0}, seen_nice[40] = {0};
	long long flt0 = 0, flt1 = 0;
	pid_t pn, pp, pf;
	uint64_t t0, end;

	(void)state;
	/* NiceSweep, PolicyChurn and PageFaultChurn, sampled as they run. */
	c.work = KT_WORK(KT_WORK_NICE_SWEEP);
	assert_int_equal(kt_workload_spawn(&c, &wn), 0);
	c.work = KT_WORK(KT_WORK_POLICY_CHURN);
	assert_int_equal(kt_workload_spawn(&c, &wp), 0);
	c.work = KT_WORK(KT_WORK_PAGE_FAULT_CHURN);
	assert_int_equal(kt_workload_spawn(&c, &wf), 0);
	pn = kt_workload_pid(wn, 0);
	pp = kt_workload_pid(wp, 0);
	pf = kt_workload_pid(wf, 0);
	/* Field 10 of /proc/<pid>/stat: minor faults. */
	assert_int_equal(proc_stat(pf, NULL, 10, &flt0), 0);
	assert_int_equal(kt_workload_start(wn), 0);
	assert_int_equal(kt_workload_start(wp), 0);
	assert_int_equal(kt_workload_start(wf), 0);
	/* 250 ms, or until all three showed their effect (10 s at most). */
	t0 = kt_now_ns();
	end = t0 + KT_SEC(10);
	while (kt_now_ns() < t0 + KT_MS(250) ||
	       ((pols < 2 || nices < 2 || flt1 - flt0 <= 256) &&
		kt_now_ns() < end)) {
		int pol = sched_getscheduler(pp), nice;

		errno = 0;
		nice = getpriority(PRIO_PROCESS, (id_t)pn);
		if (pol >= 0 && pol < 8 && !seen_pol[pol]++)
			pols++;
		if (!errno && nice >= -20 && nice < 20 &&
		    !seen_nice[nice + 20]++)
			nices++;
		kt_sleep(KT_US(200));
		assert_int_equal(proc_stat(pf, NULL, 10, &flt1), 0);
	}
	print_message("    policies seen %d, nice values seen %d, minor faults "
		      "%lld\n",
		      pols, nices, flt1 - flt0);
	/* At least OTHER and BATCH; at least two nice values. */
	assert_true(pols >= 2);
	assert_true(nices >= 2);
	/* Each 256-touch cycle faults its pages in again after DONTNEED. */
	assert_true(flt1 - flt0 > 256);
	kt_workload_freep(&wn);
	kt_workload_freep(&wp);
	kt_workload_freep(&wf);
	assert_no_children();
}

/* ---- ForkExit leaves no process behind ---- */

static void test_fork_exit_no_leftovers(void **state)
{
	struct kt_workload_config c = {.num_workers = 2,
				       .work = KT_WORK(KT_WORK_FORK_EXIT)};
	struct kt_workload *w = NULL;
	const struct kt_worker_report *r;

	(void)state;
	/* Orphaned grandchildren would be reparented to us. */
	assert_int_equal(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
	assert_int_equal(kt_workload_spawn(&c, &w), 0);
	r = run_collect(w, KT_MS(200), 2);
	assert_ok(&r[0]);
	assert_ok(&r[1]);
	assert_true(r[0].iterations > 0 && r[1].iterations > 0);
	assert_true(r[0].wake_latency.count >= r[0].iterations);
	kt_workload_free(w);
	kt_sleep(KT_MS(20));
	assert_no_children();
	assert_int_equal(prctl(PR_SET_CHILD_SUBREAPER, 0), 0);
}

/* ---- a partner stops or dies: the others still stop ---- */

static const struct kind_case grouped[] = {
    {KT_WORK(KT_WORK_PIPE_IO), 2, 0},
    {KT_WORK(KT_WORK_CACHE_PIPE), 2, 0},
    {KT_WORK(KT_WORK_FUTEX_PING_PONG), 2, 0},
    {KT_WORK_FUTEX_FAN_OUT_OF(2, 0), 3, 0},
    {KT_WORK_FAN_OUT_COMPUTE_OF(2, 64, 1, 100), 3, 0},
    {KT_WORK_MUTEX_CONTENTION_OF(2, 0, 0), 2, 0},
};

static void partner_gone(int sig, size_t victim)
{
	size_t k, i;

	for (k = 0; k < KT_ARRAY_SIZE(grouped); k++) {
		_cleanup_(kt_workload_freep) struct kt_workload *w = NULL;
		const struct kind_case *g = &grouped[k];
		struct kt_workload_config c = {.num_workers = g->workers,
					       .work = g->w,
					       .stop_deadline_ns = KT_SEC(4)};
		const struct kt_worker_report *r = NULL;
		uint64_t t0, took;
		size_t nr = 0;
		pid_t pid;

		assert_int_equal(kt_workload_spawn(&c, &w), 0);
		assert_int_equal(kt_workload_start(w), 0);
		kt_sleep(KT_MS(80));
		pid = kt_workload_pid(w, victim);
		assert_int_equal(kill(pid, sig), 0);
		/* The victim ends (a stop on its own request, or death). */
		wait_state(pid, 'Z');
		kt_sleep(KT_MS(120));
		/* The others wait for their own stop: none exited alone. */
		for (i = 0; i < g->workers; i++) {
			if (i != victim)
				assert_true(proc_state(kt_workload_pid(w, i)) !=
					    'Z');
		}
		t0 = kt_now_ns();
		assert_int_equal(kt_workload_stop_and_collect(w, &r, &nr), 0);
		took = kt_now_ns() - t0;
		print_message("    %-15s %s worker %zu: others stopped in "
			      "%.1f ms\n",
			      kt_work_kind_name(g->w.kind), strsignal(sig),
			      victim, took / 1e6);
		/* Well before the deadline: nobody was stuck waiting. */
		assert_true(took < KT_SEC(3));
		for (i = 0; i < nr; i++) {
			if (i == victim && sig == SIGKILL) {
				assert_int_equal(r[i].exit, KT_WORKER_SIGNALED);
				continue;
			}
			assert_ok(&r[i]);
		}
		kt_workload_freep(&w);
		assert_no_children();
	}
}

static void test_partner_stops(void **state)
{
	(void)state;
	/* SIGUSR1 to one worker is that worker's stop request. */
	partner_gone(SIGUSR1, 0);
	partner_gone(SIGUSR1, 1);
}

static void test_partner_killed(void **state)
{
	(void)state;
	partner_gone(SIGKILL, 1);
}

/* ---- Sequence ---- */

/* Thread CPU time of pid from /proc/<pid>/schedstat, or 0. */
static uint64_t proc_cpu_ns(pid_t pid)
{
	char path[64], buf[128];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/schedstat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return strtoull(buf, NULL, 10);
}

enum seq_wait {
	SEQ_TIMED,     /* just ns */
	SEQ_CPU,       /* and until the worker used 20 ms of CPU */
	SEQ_ITERATION, /* and until it finished an iteration */
};

static const struct kt_worker_report *run_seq(struct kt_workload **w,
					      struct kt_work_type wt,
					      uint64_t ns, enum seq_wait how)
{
	struct kt_workload_config c = {.num_workers = 1, .work = wt};
	const struct kt_worker_report *r = NULL;
	uint64_t end;
	size_t nr = 0;
	pid_t pid;

	assert_int_equal(kt_workload_spawn(&c, w), 0);
	pid = kt_workload_pid(*w, 0);
	if (how == SEQ_ITERATION) {
		r = run_collect(*w, ns, 1);
	} else {
		assert_int_equal(kt_workload_start(*w), 0);
		kt_sleep(ns);
		end = kt_now_ns() + KT_SEC(10);
		while (how == SEQ_CPU && proc_cpu_ns(pid) < KT_MS(20) &&
		       kt_now_ns() < end)
			kt_sleep(KT_MS(5));
		assert_int_equal(kt_workload_stop_and_collect(*w, &r, &nr), 0);
		assert_int_equal(nr, 1);
	}
	assert_ok(r);
	print_message("    units %llu iters %llu cpu %.3f off %.3f wakes "
		      "%llu\n",
		      (unsigned long long)r->work_units,
		      (unsigned long long)r->iterations, r->cpu_time_ns / 1e9,
		      r->off_cpu_ns / 1e9,
		      (unsigned long long)r->wake_latency.count);
	return r;
}

static void test_sequence_order(void **state)
{
	const struct kt_worker_report *r;

	(void)state;
	/* Sleep first: stopped inside the sleep, no spin ever ran. */
	{
		_cleanup_(kt_workload_freep) struct kt_workload *w = NULL;

		r = run_seq(&w,
			    KT_WORK_SEQUENCE_OF(KT_PHASE(SLEEP, KT_SEC(5)),
						KT_PHASE(SPIN, KT_SEC(5))),
			    KT_MS(150), SEQ_TIMED);
		assert_int_equal(r->work_units, 0);
		assert_int_equal(r->iterations, 0);
		assert_int_equal(r->wake_latency.count, 0); /* cut short */
		/* Off the CPU all along (however long it really ran). */
		assert_true(r->cpu_time_ns < KT_MS(50));
		assert_true(r->off_cpu_ns + KT_MS(50) >= r->wall_time_ns);
	}
	/* Spin first: stopped inside the spin, the sleep never ran. */
	{
		_cleanup_(kt_workload_freep) struct kt_workload *w = NULL;

		r = run_seq(&w,
			    KT_WORK_SEQUENCE_OF(KT_PHASE(SPIN, KT_SEC(5)),
						KT_PHASE(SLEEP, KT_SEC(5))),
			    KT_MS(150), SEQ_CPU);
		assert_true(r->work_units > 0);
		assert_int_equal(r->work_units % 1024, 0);
		assert_int_equal(r->iterations, 0);
		assert_int_equal(r->wake_latency.count, 0);
	}
	/* Spin, sleep, yield: each full pass sleeps 30 ms off the CPU. */
	{
		_cleanup_(kt_workload_freep) struct kt_workload *w = NULL;

		r = run_seq(&w,
			    KT_WORK_SEQUENCE_OF(KT_PHASE(SPIN, KT_MS(10)),
						KT_PHASE(SLEEP, KT_MS(30)),
						KT_PHASE(YIELD, KT_MS(2))),
			    KT_MS(400), SEQ_ITERATION);
		assert_true(r->iterations >= 1);
		assert_true(r->off_cpu_ns >= r->iterations * KT_MS(30));
		/* One sleep sample per pass plus at least one yield. */
		assert_true(r->wake_latency.count >= 2 * r->iterations);
		assert_true(r->work_units >= r->iterations * (1024 + 1));
	}
	assert_no_children();
}

/* ---- Custom ---- */

struct custom_arg {
	uint32_t magic;
	int fail; /* 0 run, 1 set_error + -EIO, 2 bare -EIO, 3 return early */
};

static int custom_fn(const struct kt_worker_ctx *wctx, void *arg)
{
	const struct custom_arg *a = arg;
	uint64_t t0;

	if (!a || a->magic != 0xC0FFEE || strcmp(wctx->name, "unit") ||
	    wctx->index >= wctx->nr_workers) {
		kt_worker_set_error(wctx, "bad context");
		return -EINVAL;
	}
	if (a->fail == 1) {
		kt_worker_set_error(wctx, "boom %d", 42);
		return -EIO;
	}
	if (a->fail == 2)
		return -EIO;
	if (a->fail == 3) {
		kt_worker_checkpoint(wctx, 1, true);
		return 0;
	}
	while (!kt_worker_stopping(wctx)) {
		/* index + 1 units per iteration, then a 1 ms nap. */
		kt_worker_checkpoint(wctx, wctx->index + 1, true);
		t0 = kt_worker_block_begin(wctx);
		usleep(1000);
		kt_worker_block_end(wctx, t0, true);
	}
	return 0;
}

/* Start a one-worker workload that ends on its own, then collect. */
static const struct kt_worker_report *run_until_exit(struct kt_workload *w)
{
	const struct kt_worker_report *r = NULL;
	size_t nr = 0;

	assert_int_equal(kt_workload_start(w), 0);
	wait_state(kt_workload_pid(w, 0), 'Z');
	assert_int_equal(kt_workload_stop_and_collect(w, &r, &nr), 0);
	assert_int_equal(nr, 1);
	return r;
}

static void test_custom(void **state)
{
	struct custom_arg a = {.magic = 0xC0FFEE};
	struct kt_workload_config c = {
	    .num_workers = 2, .work = KT_WORK_CUSTOM_OF("unit", custom_fn, &a)};
	const struct kt_worker_report *r;
	size_t i;

	(void)state;
	{
		_cleanup_(kt_workload_freep) struct kt_workload *w = NULL;

		assert_int_equal(kt_workload_spawn(&c, &w), 0);
		r = run_collect(w, KT_MS(200), 2);
		for (i = 0; i < 2; i++) {
			assert_ok(&r[i]);
			assert_int_equal(r[i].kind, KT_WORK_CUSTOM);
			assert_true(r[i].iterations > 0);
			assert_int_equal(r[i].work_units,
					 r[i].iterations * (i + 1));
			assert_true(r[i].wake_latency.count + 1 >=
				    r[i].iterations);
			/* Mostly napping. */
			assert_true(r[i].off_cpu_ns > r[i].cpu_time_ns);
		}
	}
	/* Failing functions: their own text, or the errno. */
	{
		_cleanup_(kt_workload_freep) struct kt_workload *w = NULL;

		a.fail = 1;
		c.num_workers = 1;
		assert_int_equal(kt_workload_spawn(&c, &w), 0);
		r = run_until_exit(w);
		assert_int_equal(r->exit, KT_WORKER_EXITED);
		assert_string_equal(r->error, "boom 42");
	}
	{
		_cleanup_(kt_workload_freep) struct kt_workload *w = NULL;

		a.fail = 2;
		assert_int_equal(kt_workload_spawn(&c, &w), 0);
		r = run_until_exit(w);
		assert_int_equal(r->exit, KT_WORKER_EXITED);
		assert_non_null(
		    strstr(r->error, "Custom \"unit\": returned -5"));
	}
	/* Returning early: the worker waits for the stop, then reports OK. */
	{
		_cleanup_(kt_workload_freep) struct kt_workload *w = NULL;
		pid_t pid;

		a.fail = 3;
		assert_int_equal(kt_workload_spawn(&c, &w), 0);
		pid = kt_workload_pid(w, 0);
		assert_int_equal(kt_workload_start(w), 0);
		kt_sleep(KT_MS(100));
		assert_true(proc_state(pid) != 'Z');
		r = run_collect(w, 0, 1);
		assert_ok(r);
		assert_int_equal(r->work_units, 1);
	}
	assert_no_children();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_descriptors),
	    cmocka_unit_test(test_group_sizes),
	    cmocka_unit_test(test_group_errors),
	    cmocka_unit_test(test_new_kind_defaults),
	    cmocka_unit_test(test_each_kind),
	    cmocka_unit_test(test_mem_bandwidth_too_big),
	    cmocka_unit_test(test_churn_live),
	    cmocka_unit_test(test_fork_exit_no_leftovers),
	    cmocka_unit_test(test_partner_stops),
	    cmocka_unit_test(test_partner_killed),
	    cmocka_unit_test(test_sequence_order),
	    cmocka_unit_test(test_custom),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
