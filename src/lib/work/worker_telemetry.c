/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Worker telemetry: the checkpoint taken after every unit batch of a work
 * loop (gap, CPU, migrations, live counters) and the gate/stop bookkeeping
 * (wall, thread CPU and off-CPU time, /proc/thread-self/schedstat
 * deltas: the calling thread's, which in threads mode is the worker's).
 *
 * Everything is written straight into the worker's kt_worker_report in
 * shared memory, so a worker killed mid-run still leaves a usable report.
 * work_units and iterations are stored with relaxed atomics (the parent
 * reads them live); wall/cpu time are republished every 10 ms of checkpoints
 * so a killed worker's times are at most that stale. A checkpoint costs two
 * vDSO-class calls (clock_gettime, sched_getcpu) and a few stores.
 *
 * The harness watches workers live through three relaxed words of the
 * report (progress_ns, in_block, cur_cpu); the longest gaps are kept
 * with their absolute start (gate_ns + at_ns) so the checks can lay them
 * over the vCPU probe's windows. At the gate and at the end the worker
 * also notes whether sched_ext runs it and its CPU affinity.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ktstr/cpuset.h>
#include <ktstr/hist.h>

#include "core/small_file.h"
#include "worker_lane.h"
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
	fd = open("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC);
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

/* Publish wall/cpu at now, and the CPU time since the last publish into
 * the lane (off: when the gap or block that ends now began, or 0). */
static void publish_times(struct kt_tel *t, uint64_t now, uint64_t off)
{
	struct kt_worker_report *r = t->rep;
	uint64_t wall = sat_sub(now, t->gate_ns);
	uint64_t cpu_now = kt_tel_thread_cpu_ns();
	uint64_t cpu = sat_sub(cpu_now, t->cpu0_ns);

	r->wall_time_ns = wall;
	r->cpu_time_ns = cpu;
	r->off_cpu_ns = sat_sub(wall, cpu);
	kt_lane_sample(&r->lane, sat_sub(t->publish_ns, t->gate_ns),
		       sat_sub(off, t->gate_ns), wall,
		       sat_sub(cpu_now, t->pub_cpu_ns));
	t->publish_ns = now;
	t->pub_cpu_ns = cpu_now;
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
		__atomic_store_n(&t->rep->cur_cpu, cpu, __ATOMIC_RELAXED);
	}
	return cpu;
}

void kt_report_note_gap(struct kt_worker_report *r, uint64_t start_ns,
			uint64_t end_ns, int cpu_from, int cpu_to)
{
	struct kt_gap g = {
	    .at_ns = sat_sub(start_ns, r->gate_ns),
	    .len_ns = sat_sub(end_ns, start_ns),
	    .cpu_from = cpu_from,
	    .cpu_to = cpu_to,
	};
	int i = KT_REPORT_GAPS - 1;

	kt_lane_note_gap(&r->lane, start_ns, end_ns, cpu_from, cpu_to);
	if (g.len_ns <= r->gaps[i].len_ns)
		return; /* the common case: one compare per checkpoint */
	for (; i > 0 && r->gaps[i - 1].len_ns < g.len_ns; i--)
		r->gaps[i] = r->gaps[i - 1];
	r->gaps[i] = g;
	if (i == 0) {
		r->max_gap_ns = g.len_ns;
		r->max_gap_cpu = cpu_to;
		r->max_gap_at_ns = g.at_ns;
	}
}

/* Close the gap that started at t->last_ns at now, on cpu. */
static void close_gap(struct kt_tel *t, uint64_t now, int cpu)
{
	kt_report_note_gap(t->rep, t->last_ns, now, t->gap_cpu, cpu);
	t->gap_cpu = cpu;
}

/* The gap clock restarts at now (a checkpoint, the end of a block). */
static void restart_gap(struct kt_tel *t, uint64_t now)
{
	t->last_ns = now;
	__atomic_store_n(&t->rep->progress_ns, now, __ATOMIC_RELAXED);
}

/* ext.enabled of this thread: 1, 0, or -1 when the kernel has no such
 * field (no sched_ext) or the file cannot be read. */
static int read_ext_enabled(void)
{
	char buf[4096], *p;

	if (kt_read_small("/proc/thread-self/sched", buf, sizeof(buf)))
		return -1;
	p = strstr(buf, "ext.enabled");
	if (!p || !(p = strchr(p, ':')))
		return -1;
	return strtol(p + 1, NULL, 10) ? 1 : 0;
}

static void read_affinity(struct kt_cpuset *out)
{
	cpu_set_t cs;

	kt_cpuset_zero(out);
	if (sched_getaffinity(0, sizeof(cs), &cs))
		return;
	for (int c = 0; c < CPU_SETSIZE && c < KT_MAX_CPUS; c++)
		if (CPU_ISSET(c, &cs))
			kt_cpuset_set(out, c);
}

void kt_tel_begin(struct kt_tel *t, struct kt_worker_report *rep,
		  uint64_t gate_ns)
{
	uint64_t now;

	t->rep = rep;
	t->units = 0;
	t->iterations = 0;
	t->prev_cpu = -1;
	rep->cur_cpu = -1;
	rep->ext = read_ext_enabled();
	read_affinity(&rep->cpus_allowed);
	kt_tel_read_schedstat(t->ss0);
	t->cpu0_ns = kt_tel_thread_cpu_ns();
	t->pub_cpu_ns = t->cpu0_ns;
	kt_lane_init(&rep->lane);
	now = kt_tel_mono_ns();
	t->gate_ns = gate_ns && gate_ns <= now ? gate_ns : now;
	rep->gate_ns = t->gate_ns;
	t->publish_ns = t->gate_ns;
	t->gap_cpu = track_cpu(t);
	restart_gap(t, t->gate_ns);
}

void kt_tel_checkpoint(struct kt_tel *t, uint64_t units, bool iteration_end)
{
	uint64_t now = kt_tel_mono_ns(), gap0 = t->last_ns;
	int cpu = track_cpu(t);

	close_gap(t, now, cpu);
	restart_gap(t, now);
	t->units += units;
	__atomic_store_n(&t->rep->work_units, t->units, __ATOMIC_RELAXED);
	if (iteration_end) {
		t->iterations++;
		__atomic_store_n(&t->rep->iterations, t->iterations,
				 __ATOMIC_RELAXED);
	}
	if (now - t->publish_ns >= KT_TEL_PUBLISH_NS)
		publish_times(t, now, gap0);
}

void kt_tel_block_begin(struct kt_tel *t, uint64_t now)
{
	close_gap(t, now, track_cpu(t));
	t->last_ns = now;
	__atomic_store_n(&t->rep->in_block, 1, __ATOMIC_RELAXED);
}

void kt_tel_block_end(struct kt_tel *t, uint64_t now)
{
	/* After the block the worker may be on another CPU: the next gap
	 * starts there. */
	t->gap_cpu = track_cpu(t);
	/* A block of 10 ms or more shows in the lane where it was: one
	 * thread-CPU read, after the block's own syscall. */
	if (now >= t->last_ns + KT_TEL_PUBLISH_NS)
		publish_times(t, now, t->last_ns);
	restart_gap(t, now > t->last_ns ? now : t->last_ns);
	__atomic_store_n(&t->rep->in_block, 0, __ATOMIC_RELAXED);
}

void kt_tel_wake(struct kt_tel *t, uint64_t latency_ns)
{
	kt_hist_add(&t->rep->wake_latency, latency_ns);
}

void kt_tel_request(struct kt_tel *t, uint64_t latency_ns)
{
	kt_hist_add(&t->rep->request_latency, latency_ns);
}

void kt_tel_end(struct kt_tel *t)
{
	struct kt_worker_report *r = t->rep;
	uint64_t ss[3], now = kt_tel_mono_ns();
	struct kt_cpuset end_cpus;
	int ext;

	/* The gap still open at the stop counts like any other (a worker
	 * kept off the CPU until the end shows its whole gap). */
	if (!__atomic_load_n(&r->in_block, __ATOMIC_RELAXED))
		close_gap(t, now, track_cpu(t));
	publish_times(t, now, t->last_ns);
	ext = read_ext_enabled();
	if (ext > r->ext)
		r->ext = ext;
	read_affinity(&end_cpus);
	r->affinity_changed |= !kt_cpuset_equal(&end_cpus, &r->cpus_allowed);
	r->cpus_allowed = end_cpus;
	kt_tel_read_schedstat(ss);
	r->sched_cpu_ns = sat_sub(ss[0], t->ss0[0]);
	r->run_delay_ns = sat_sub(ss[1], t->ss0[1]);
	r->run_count = sat_sub(ss[2], t->ss0[2]);
}
