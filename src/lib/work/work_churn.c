/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The churn kinds: each iteration changes something the scheduler or the
 * memory manager has to react to.
 *
 *   ForkExit        fork a child that _exit(0)s at once, waitpid it
 *                   (1 unit). The child is always reaped, even when the
 *                   stop interrupts the wait, so none is left behind.
 *   NiceSweep       spin 512, setpriority to the next nice value of
 *                   -20..19 (without the privilege to lower it, from
 *                   max(0, 20 - RLIMIT_NICE)), yield (512 units).
 *   AffinityChurn   spin spin_iters, pin to a random CPU of the affinity
 *                   the worker started with, yield (spin_iters units).
 *   PolicyChurn     spin spin_iters, switch in turn to OTHER, BATCH, IDLE
 *                   (only when leaving IDLE is allowed), FIFO 1 and RR 1
 *                   (only when RT is allowed), yield (spin_iters units).
 *   PageFaultChurn  touches_per_cycle writes to random pages of a
 *                   MADV_NOHUGEPAGE region (xorshift64 seeded by the pid),
 *                   spin_iters after each, then MADV_DONTNEED the region
 *                   (touches_per_cycle units).
 *
 * NiceSweep, AffinityChurn and PolicyChurn put back the nice value, the
 * affinity and the policy the worker started with when they stop.
 * Wake samples: the time around waitpid (ForkExit) and every yield.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ktstr/common.h>

#include "work_kinds.h"

#define KT_NICE_SPIN 512

static uint64_t xorshift64(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x;
}

static uint64_t seed_of_pid(void)
{
	return ((uint64_t)getpid() * 0x9e3779b97f4a7c15ULL) | 1;
}

/* Reap pid whatever signals arrive meanwhile; the wait is one sample. */
static int reap_child(struct kt_work_run *r, pid_t pid)
{
	uint64_t t0 = kt_tel_mono_ns(), t1;
	int st, e;
	pid_t got;

	kt_tel_block_begin(r->tel, t0);
	do {
		got = waitpid(pid, &st, 0);
	} while (got < 0 && errno == EINTR);
	t1 = kt_tel_mono_ns();
	kt_tel_block_end(r->tel, t1);
	if (got < 0) {
		e = errno;
		kt_work_error(r, "ForkExit: waitpid %d: %s", (int)pid,
			      strerror(e));
		return -e;
	}
	kt_tel_wake(r->tel, t1 - t0);
	return 0;
}

static int loop_fork_exit(struct kt_work_run *r)
{
	pid_t pid;
	int rc, e;

	while (!kt_work_stopping(r)) {
		pid = fork();
		if (pid == 0)
			_exit(0);
		if (pid < 0) {
			e = errno;
			if (e == EAGAIN || e == ENOMEM) {
				/* pids.max or memory: back off, try again. */
				kt_work_sleep(r->tel, KT_MS(1),
					      KT_SLEEP_BRACKET);
				continue;
			}
			kt_work_error(r, "ForkExit: fork: %s", strerror(e));
			return -e;
		}
		rc = reap_child(r, pid);
		if (rc)
			return rc;
		kt_tel_checkpoint(r->tel, 1, true);
	}
	return 0;
}

/* The lowest nice value this worker may set: -20 with the privilege. */
static int nice_floor(void)
{
	struct rlimit rl;
	int lo = 0;

	if (!setpriority(PRIO_PROCESS, 0, -20))
		return -20;
	if (!getrlimit(RLIMIT_NICE, &rl) && rl.rlim_cur != RLIM_INFINITY &&
	    rl.rlim_cur <= 40 && 20 - (int)rl.rlim_cur > lo)
		lo = 20 - (int)rl.rlim_cur;
	return lo > 19 ? 19 : lo;
}

static int loop_nice_sweep(struct kt_work_run *r)
{
	int orig, lo, nice;

	errno = 0;
	orig = getpriority(PRIO_PROCESS, 0);
	if (orig == -1 && errno)
		orig = 0;
	lo = nice_floor();
	nice = lo;
	while (!kt_work_stopping(r)) {
		kt_spin_units(KT_NICE_SPIN);
		/* Not permitted (no privilege to go back down): skip. */
		setpriority(PRIO_PROCESS, 0, nice);
		nice = nice >= 19 ? lo : nice + 1;
		kt_work_yield(r->tel);
		kt_tel_checkpoint(r->tel, KT_NICE_SPIN, true);
	}
	setpriority(PRIO_PROCESS, 0, orig);
	return 0;
}

static int loop_affinity_churn(struct kt_work_run *r)
{
	uint32_t spin = r->work.affinity_churn.spin_iters;
	static int cpus[CPU_SETSIZE];
	cpu_set_t orig, one;
	uint64_t seed = seed_of_pid();
	int n = 0, cpu, e;

	/* pinned to one CPU after another: the end's affinity (restored
	 * below) is not what held it, so say that it changed */
	r->tel->rep->affinity_changed = true;
	if (sched_getaffinity(0, sizeof(orig), &orig)) {
		e = errno;
		kt_work_error(r, "AffinityChurn: sched_getaffinity: %s",
			      strerror(e));
		return -e;
	}
	for (cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		if (CPU_ISSET(cpu, &orig))
			cpus[n++] = cpu;
	}
	while (!kt_work_stopping(r)) {
		kt_spin_units(spin);
		if (n > 0) {
			CPU_ZERO(&one);
			CPU_SET(cpus[xorshift64(&seed) % (uint64_t)n], &one);
			/* EINVAL: the cpuset shrank under us; go on. */
			sched_setaffinity(0, sizeof(one), &one);
		}
		kt_work_yield(r->tel);
		kt_tel_checkpoint(r->tel, spin, true);
	}
	sched_setaffinity(0, sizeof(orig), &orig);
	return 0;
}

struct kt_pol {
	int policy;
	int prio;
};

/* The policies this worker may switch among (and leave again). */
static size_t churn_policies(struct kt_pol *out, int orig,
			     const struct sched_param *orig_sp)
{
	struct sched_param sp = {.sched_priority = 1};
	struct rlimit rl;
	bool rt, leave_idle;
	size_t n = 0;
	int nice;

	rt = !sched_setscheduler(0, SCHED_FIFO, &sp);
	if (rt)
		sched_setscheduler(0, orig, orig_sp);
	errno = 0;
	nice = getpriority(PRIO_PROCESS, 0);
	if (nice == -1 && errno)
		nice = 0;
	/* Leaving SCHED_IDLE needs the current nice within RLIMIT_NICE. */
	leave_idle = rt || (!getrlimit(RLIMIT_NICE, &rl) &&
			    (rl.rlim_cur == RLIM_INFINITY ||
			     rl.rlim_cur >= (rlim_t)(20 - nice)));
	out[n++] = (struct kt_pol){SCHED_OTHER, 0};
	out[n++] = (struct kt_pol){SCHED_BATCH, 0};
	if (leave_idle)
		out[n++] = (struct kt_pol){SCHED_IDLE, 0};
	if (rt) {
		out[n++] = (struct kt_pol){SCHED_FIFO, 1};
		out[n++] = (struct kt_pol){SCHED_RR, 1};
	}
	return n;
}

static int loop_policy_churn(struct kt_work_run *r)
{
	uint32_t spin = r->work.policy_churn.spin_iters;
	struct sched_param orig_sp = {0}, sp;
	struct kt_pol pols[5];
	size_t n, i = 0;
	int orig;

	orig = sched_getscheduler(0);
	if (orig < 0 || sched_getparam(0, &orig_sp)) {
		orig = SCHED_OTHER;
		orig_sp.sched_priority = 0;
	}
	orig &= ~SCHED_RESET_ON_FORK;
	n = churn_policies(pols, orig, &orig_sp);
	while (!kt_work_stopping(r)) {
		kt_spin_units(spin);
		sp.sched_priority = pols[i].prio;
		sched_setscheduler(0, pols[i].policy, &sp);
		i = (i + 1) % n;
		kt_work_yield(r->tel);
		kt_tel_checkpoint(r->tel, spin, true);
	}
	sched_setscheduler(0, orig, &orig_sp);
	return 0;
}

static int loop_page_fault_churn(struct kt_work_run *r)
{
	const typeof(r->work.page_fault_churn) *p = &r->work.page_fault_churn;
	size_t ps = (size_t)sysconf(_SC_PAGESIZE), pages, pg;
	volatile uint8_t *b = r->buf;
	uint64_t seed = seed_of_pid(), x;
	uint32_t i;
	int e;

	if (!ps || ps > r->buf_len)
		ps = 4096;
	pages = r->buf_len / ps;
	if (!pages)
		pages = 1;
	while (!kt_work_stopping(r)) {
		for (i = 0; i < p->touches_per_cycle; i++) {
			x = xorshift64(&seed);
			pg = (size_t)(x % pages);
			b[pg * ps + (size_t)((x >> 32) % ps)] = (uint8_t)x;
			kt_spin_units(p->spin_iters);
		}
		if (madvise(r->buf, r->buf_len, MADV_DONTNEED)) {
			e = errno;
			kt_work_error(r, "PageFaultChurn: madvise DONTNEED: %s",
				      strerror(e));
			return -e;
		}
		kt_tel_checkpoint(r->tel, p->touches_per_cycle, true);
	}
	return 0;
}

/* ---- descriptors ---- */

const struct kt_work_kind_desc kt_fork_exit_desc = {
    .kind = KT_WORK_FORK_EXIT,
    .name = "ForkExit",
    .parsable = true,
    .blocks = true,
    .group_size = 1,
    .loop = loop_fork_exit,
};

const struct kt_work_kind_desc kt_nice_sweep_desc = {
    .kind = KT_WORK_NICE_SWEEP,
    .name = "NiceSweep",
    .parsable = true,
    .blocks = true,
    .group_size = 1,
    .loop = loop_nice_sweep,
};

static void affinity_churn_resolve(struct kt_work_type *w)
{
	kt_dfl32(&w->affinity_churn.spin_iters, 1024);
}

const struct kt_work_kind_desc kt_affinity_churn_desc = {
    .kind = KT_WORK_AFFINITY_CHURN,
    .name = "AffinityChurn",
    .parsable = true,
    .blocks = true,
    .group_size = 1,
    .resolve = affinity_churn_resolve,
    .loop = loop_affinity_churn,
};

static void policy_churn_resolve(struct kt_work_type *w)
{
	kt_dfl32(&w->policy_churn.spin_iters, 1024);
}

const struct kt_work_kind_desc kt_policy_churn_desc = {
    .kind = KT_WORK_POLICY_CHURN,
    .name = "PolicyChurn",
    .parsable = true,
    .blocks = true,
    .group_size = 1,
    .resolve = policy_churn_resolve,
    .loop = loop_policy_churn,
};

static void page_fault_resolve(struct kt_work_type *w)
{
	kt_dfl32(&w->page_fault_churn.region_kb, 4096);
	kt_dfl32(&w->page_fault_churn.touches_per_cycle, 256);
	kt_dfl32(&w->page_fault_churn.spin_iters, 64);
}

static int page_fault_check(const struct kt_work_kind_desc *d,
			    const struct kt_work_type *w)
{
	return kt_work_check_range(d->name, "region_kb",
				   w->page_fault_churn.region_kb, 4,
				   KT_MAX_BUF_KB);
}

static int page_fault_setup(struct kt_work_run *r, char *err, size_t errlen)
{
	int rc = kt_work_map_buf(
	    r, (size_t)r->work.page_fault_churn.region_kb * 1024, err, errlen);

	/* Small pages, so every touch after DONTNEED faults. */
	if (!rc)
		madvise(r->buf, r->buf_len, MADV_NOHUGEPAGE);
	return rc;
}

const struct kt_work_kind_desc kt_page_fault_churn_desc = {
    .kind = KT_WORK_PAGE_FAULT_CHURN,
    .name = "PageFaultChurn",
    .parsable = true,
    .group_size = 1,
    .resolve = page_fault_resolve,
    .check = page_fault_check,
    .setup = page_fault_setup,
    .loop = loop_page_fault_churn,
};
