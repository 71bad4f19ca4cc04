/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Work kinds: names, the policy names, and the loop each kind runs inside a
 * worker. Work units and checkpoints per kind:
 *
 *   SpinWait     1024 spin units, checkpoint                (1024 units/iter)
 *   YieldHeavy   sched_yield, checkpoint                     (1 unit/iter)
 *   Mixed        1024 spin units, sched_yield, checkpoint   (1024 units/iter)
 *   IoSyncWrite  16 x 4 KiB pwrite to one scratch file (rewritten in place),
 *                fdatasync, 100 us sleep, checkpoint        (16 units/iter)
 *   Bursty       spin for burst_ns (checkpoint every 1024 units), then sleep
 *                sleep_ns, checkpoint                       (spin units)
 *
 * Wake latency rule (one sample per completed voluntary block):
 *   - timed sleep: time around the sleep minus the requested duration
 *     (saturating at 0); a sleep cut short by the stop signal is not
 *     recorded;
 *   - sched_yield: the whole call.
 * fdatasync is I/O, not a wakeup: it records no sample.
 *
 * Gap rule (see worker_telemetry.h): YieldHeavy, Mixed and IoSyncWrite
 * exclude their voluntary block (the yield; fdatasync + sleep) from the gap
 * clock. Bursty does not: its sleep counts as a gap.
 *
 * The stop flags are checked before the first unit of every iteration, so
 * a worker held stopped from before the gate until the stop does no work.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ktstr/common.h>
#include <ktstr/workload.h>

#include "work_kinds.h"

#define KT_IO_BLOCK    4096
#define KT_IO_BLOCKS   16
#define KT_IO_SLEEP_NS KT_US(100)

static const char *const kind_names[KT_WORK__COUNT] = {
    [KT_WORK_SPIN_WAIT] = "SpinWait", [KT_WORK_YIELD_HEAVY] = "YieldHeavy",
    [KT_WORK_MIXED] = "Mixed",	      [KT_WORK_IO_SYNC_WRITE] = "IoSyncWrite",
    [KT_WORK_BURSTY] = "Bursty",
};

const char *kt_work_kind_name(enum kt_work_kind k)
{
	if ((unsigned)k >= KT_WORK__COUNT)
		return "?";
	return kind_names[k];
}

int kt_work_kind_parse(const char *name, enum kt_work_kind *out)
{
	unsigned k;

	for (k = 0; name && k < KT_WORK__COUNT; k++) {
		if (!strcmp(name, kind_names[k])) {
			*out = (enum kt_work_kind)k;
			return 0;
		}
	}
	return kt_err(EINVAL,
		      "parse work kind \"%s\": unknown name (expected one of "
		      "SpinWait, YieldHeavy, Mixed, IoSyncWrite, Bursty)",
		      name ? name : "(null)");
}

bool kt_work_kind_blocks(enum kt_work_kind k)
{
	switch (k) {
	case KT_WORK_YIELD_HEAVY:
	case KT_WORK_MIXED:
	case KT_WORK_IO_SYNC_WRITE:
	case KT_WORK_BURSTY:
		return true;
	default:
		return false;
	}
}

const char *kt_policy_name(enum kt_policy_kind k)
{
	switch (k) {
	case KT_POLICY_NORMAL:
		return "Normal";
	case KT_POLICY_BATCH:
		return "Batch";
	case KT_POLICY_IDLE:
		return "Idle";
	case KT_POLICY_FIFO:
		return "Fifo";
	case KT_POLICY_RR:
		return "RoundRobin";
	}
	return "?";
}

void kt_work_resolve(struct kt_work_type *w)
{
	if (w->kind != KT_WORK_BURSTY)
		return;
	if (!w->bursty.burst_ns)
		w->bursty.burst_ns = KT_MS(50);
	if (!w->bursty.sleep_ns)
		w->bursty.sleep_ns = KT_MS(100);
}

int kt_work_setup(struct kt_work_run *r, char *err, size_t errlen)
{
	const char *dir;
	char path[4096];
	int fd, e;

	r->io_fd = -1;
	if (r->work.kind != KT_WORK_IO_SYNC_WRITE)
		return 0;
	dir = getenv("TMPDIR");
	if (!dir || !*dir)
		dir = "/tmp";
	if ((size_t)snprintf(path, sizeof(path), "%s/ktstr_io_XXXXXX", dir) >=
	    sizeof(path)) {
		snprintf(err, errlen, "IoSyncWrite: scratch path in %.64s: %s",
			 dir, strerror(ENAMETOOLONG));
		return -ENAMETOOLONG;
	}
	/* mkostemp creates with O_EXCL; unlink at once so no path remains. */
	fd = mkostemp(path, O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		snprintf(err, errlen,
			 "IoSyncWrite: create scratch file in %.64s: %s", dir,
			 strerror(e));
		return -e;
	}
	unlink(path);
	r->io_fd = fd;
	return 0;
}

void kt_work_teardown(struct kt_work_run *r)
{
	if (r->io_fd >= 0)
		close(r->io_fd);
	r->io_fd = -1;
}

static inline bool stopping(const struct kt_work_run *r)
{
	return *r->local_stop ||
	       __atomic_load_n(r->shared_stop, __ATOMIC_RELAXED);
}

/* Sleep ns on CLOCK_MONOTONIC; false if a signal cut it short. */
static bool sleep_ns(uint64_t ns)
{
	struct timespec ts = {
	    .tv_sec = (time_t)(ns / 1000000000ULL),
	    .tv_nsec = (long)(ns % 1000000000ULL),
	};

	return clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, NULL) == 0;
}

/* A sleep of ns as a wake latency sample (when not interrupted). */
static void timed_sleep(struct kt_tel *t, uint64_t ns)
{
	uint64_t t0 = kt_tel_mono_ns(), t1;

	if (!sleep_ns(ns))
		return;
	t1 = kt_tel_mono_ns();
	kt_tel_wake(t, t1 - t0 > ns ? t1 - t0 - ns : 0);
}

/* A sched_yield excluded from the gap clock, as a wake latency sample. */
static void yield_block(struct kt_tel *t)
{
	uint64_t t0 = kt_tel_mono_ns(), t1;

	kt_tel_block_begin(t, t0);
	sched_yield();
	t1 = kt_tel_mono_ns();
	kt_tel_block_end(t, t1);
	kt_tel_wake(t, t1 - t0);
}

static void loop_spin(struct kt_work_run *r)
{
	while (!stopping(r)) {
		kt_spin_units(KT_SPIN_BATCH);
		kt_tel_checkpoint(r->tel, KT_SPIN_BATCH, true);
	}
}

static void loop_yield(struct kt_work_run *r)
{
	while (!stopping(r)) {
		yield_block(r->tel);
		kt_tel_checkpoint(r->tel, 1, true);
	}
}

static void loop_mixed(struct kt_work_run *r)
{
	while (!stopping(r)) {
		kt_spin_units(KT_SPIN_BATCH);
		yield_block(r->tel);
		kt_tel_checkpoint(r->tel, KT_SPIN_BATCH, true);
	}
}

static int loop_io(struct kt_work_run *r)
{
	static const char fill[KT_IO_BLOCK] = {'k', 't', 's', 't', 'r'};
	struct kt_tel *t = r->tel;
	uint64_t t0, t1;
	ssize_t n;
	int i;

	while (!stopping(r)) {
		for (i = 0; i < KT_IO_BLOCKS; i++) {
			do {
				n = pwrite(r->io_fd, fill, sizeof(fill),
					   (off_t)i * KT_IO_BLOCK);
			} while (n < 0 && errno == EINTR && !stopping(r));
			if (n < 0 && errno == EINTR)
				return 0;
			if (n != (ssize_t)sizeof(fill)) {
				int e = n < 0 ? errno : EIO;

				snprintf(t->rep->error, sizeof(t->rep->error),
					 "IoSyncWrite: write 4 KiB to scratch "
					 "file: %s",
					 strerror(e));
				return -e;
			}
		}
		t0 = kt_tel_mono_ns();
		kt_tel_block_begin(t, t0);
		if (fdatasync(r->io_fd) && errno != EINTR) {
			int e = errno;

			snprintf(t->rep->error, sizeof(t->rep->error),
				 "IoSyncWrite: fdatasync scratch file: %s",
				 strerror(e));
			return -e;
		}
		timed_sleep(t, KT_IO_SLEEP_NS);
		t1 = kt_tel_mono_ns();
		kt_tel_block_end(t, t1);
		kt_tel_checkpoint(t, KT_IO_BLOCKS, true);
	}
	return 0;
}

static void loop_bursty(struct kt_work_run *r)
{
	struct kt_tel *t = r->tel;
	uint64_t end;

	while (!stopping(r)) {
		end = kt_tel_mono_ns() + r->work.bursty.burst_ns;
		do {
			kt_spin_units(KT_SPIN_BATCH);
			kt_tel_checkpoint(t, KT_SPIN_BATCH, false);
			if (stopping(r))
				return;
		} while (kt_tel_mono_ns() < end);
		/* Not bracketed: Bursty's sleep counts in the gap. */
		timed_sleep(t, r->work.bursty.sleep_ns);
		kt_tel_checkpoint(t, 0, true);
	}
}

int kt_work_loop(struct kt_work_run *r)
{
	switch (r->work.kind) {
	case KT_WORK_SPIN_WAIT:
		loop_spin(r);
		return 0;
	case KT_WORK_YIELD_HEAVY:
		loop_yield(r);
		return 0;
	case KT_WORK_MIXED:
		loop_mixed(r);
		return 0;
	case KT_WORK_IO_SYNC_WRITE:
		return loop_io(r);
	case KT_WORK_BURSTY:
		loop_bursty(r);
		return 0;
	default:
		snprintf(r->tel->rep->error, sizeof(r->tel->rep->error),
			 "work kind %d: not runnable", (int)r->work.kind);
		return -EINVAL;
	}
}
