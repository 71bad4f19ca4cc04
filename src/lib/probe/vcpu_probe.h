/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Private to libktstr: the vCPU availability probe. One SCHED_FIFO thread
 * per CPU wakes on a short period; the RT class ranks above the fair and
 * sched_ext classes, so the scheduler under test cannot delay it. A wake
 * that comes late by more than a threshold means that vCPU was not
 * executing (the host or the emulator did not run it), and the window
 * [expected, woke] is recorded. Gap evidence that overlaps such windows
 * is the host's doing, not the scheduler's (result/check.c).
 *
 * One probe per process at a time (the runner starts it for a run);
 * kt_probe_current() is how the checks and the stall watch find it.
 */
#ifndef KTSTR_VCPU_PROBE_H
#define KTSTR_VCPU_PROBE_H

#include <stdbool.h>
#include <stdint.h>

#include <ktstr/cpuset.h>

/*
 * Wake period, and the lateness that counts as "the vCPU was not running":
 * under TCG round-robin a busy 4-vCPU guest wakes its probes 2-30 ms late
 * routinely (measured), so 50 ms separates a host stall from the normal
 * rotation of the emulator's vCPUs. Each wake costs its vCPU about a
 * millisecond under TCG (a wake and two context switches, emulated): a
 * probe per vCPU every 10 ms cost SpinWait 8-15% of its rate and made
 * identical spinners' rates differ by up to 2x; every 50 ms on one vCPU
 * (the shared mode below) costs about 1% (bench_vm_spin).
 */
#define KT_PROBE_PERIOD_NS     KT_MS(50)
#define KT_PROBE_MIN_WINDOW_NS KT_MS(50)
/* FIFO priority: above any worker's (workers use 1..99, the harness 98). */
#define KT_PROBE_PRIO 99

struct kt_probe_opts {
	uint64_t period_ns;	      /* 0 = KT_PROBE_PERIOD_NS */
	uint64_t min_window_ns;	      /* 0 = KT_PROBE_MIN_WINDOW_NS */
	int prio;		      /* 0 = KT_PROBE_PRIO */
	const struct kt_cpuset *cpus; /* NULL = every online CPU */
	/*
	 * One thread, on the last of cpus, whose windows count for every
	 * CPU: for single-threaded TCG, where one host thread runs all the
	 * vCPUs in turn, so a host stall stops them all at once.
	 */
	bool shared;
};

struct kt_probe;

/*
 * Start one thread per CPU (pinned, SCHED_FIFO; one in all when shared)
 * and make the probe the process's current one. Needs CAP_SYS_NICE; 0 or -errno
 * with a message (nothing left running on failure).
 */
int kt_probe_start(const struct kt_probe_opts *o, struct kt_probe **out);
/* Stop and join the threads, free; no longer current. NULL is fine. */
void kt_probe_stop(struct kt_probe *p);
/* The running probe, or NULL. */
struct kt_probe *kt_probe_current(void);

/*
 * CPU hotplug: cpu went offline (online false) or came back. While a CPU
 * is offline its thread runs wherever the kernel moved it, so its windows
 * are not recorded; a wake delayed across any hotplug event (stop_machine
 * halts every CPU for a moment) is not a host stall either. On online the
 * thread is pinned to its CPU again. NULL p is fine; 0 or -errno with a
 * message when the re-pin fails.
 */
int kt_probe_cpu_hotplug(struct kt_probe *p, int cpu, bool online);

/* Is cpu watched by p (by its own thread, or by the shared one)? */
bool kt_probe_watches(const struct kt_probe *p, int cpu);

/*
 * How long cpu's vCPU was not running within [from, to) (CLOCK_MONOTONIC
 * ns): the overlap with its recorded windows, plus a window still open
 * now (its thread is late this very moment). 0 for a CPU not watched.
 */
uint64_t kt_probe_unavailable_ns(const struct kt_probe *p, int cpu,
				 uint64_t from, uint64_t to);

struct kt_probe_summary {
	unsigned cpus;		 /* CPUs watched */
	uint64_t span_ns;	 /* to - from */
	uint64_t unavailable_ns; /* summed over CPUs */
	uint64_t longest_ns;	 /* longest single window */
	int longest_cpu;	 /* its CPU (-1 when none) */
	uint64_t windows;	 /* windows counted */
	bool truncated;		 /* older windows were overwritten */
};
/* The windows within [from, to) over every watched CPU. */
void kt_probe_summarize(const struct kt_probe *p, uint64_t from, uint64_t to,
			struct kt_probe_summary *s);

/*
 * Call fn for every window within [from, to) (CLOCK_MONOTONIC ns, each
 * clipped to it, the open one included), newest first per CPU; cpu is
 * -1 for the shared probe's windows (they stand for every CPU). false
 * when older windows were lost to the rings' wrap-around.
 */
bool kt_probe_windows(const struct kt_probe *p, uint64_t from, uint64_t to,
		      void (*fn)(int cpu, uint64_t start, uint64_t end,
				 void *arg),
		      void *arg);

#endif
