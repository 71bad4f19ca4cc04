/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The basic work kinds (their descriptors at the end) and the primitives
 * every work loop shares (error text, timed sleep, yield, the IoSyncWrite
 * round, waiting for the stop). Work units and checkpoints per kind:
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
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ktstr/common.h>

#include "work_kinds.h"

#define KT_IO_BLOCK    4096
#define KT_IO_BLOCKS   16
#define KT_IO_SLEEP_NS KT_US(100)

void kt_work_error(struct kt_work_run *r, const char *fmt, ...)
{
	struct kt_worker_report *rep = r->tel->rep;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(rep->error, sizeof(rep->error), fmt, ap);
	va_end(ap);
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

bool kt_work_sleep(struct kt_tel *t, uint64_t ns, unsigned flags)
{
	uint64_t t0 = kt_tel_mono_ns(), t1;
	bool done;

	if (flags & KT_SLEEP_BRACKET)
		kt_tel_block_begin(t, t0);
	done = sleep_ns(ns);
	t1 = kt_tel_mono_ns();
	if (flags & KT_SLEEP_BRACKET)
		kt_tel_block_end(t, t1);
	if (done && (flags & KT_SLEEP_SAMPLE))
		kt_tel_wake(t, t1 - t0 > ns ? t1 - t0 - ns : 0);
	return done;
}

void kt_work_yield(struct kt_tel *t)
{
	uint64_t t0 = kt_tel_mono_ns(), t1;

	kt_tel_block_begin(t, t0);
	sched_yield();
	t1 = kt_tel_mono_ns();
	kt_tel_block_end(t, t1);
	kt_tel_wake(t, t1 - t0);
}

void kt_work_wait_for_stop(struct kt_work_run *r)
{
	while (!kt_work_stopping(r))
		sleep_ns(KT_MS(10));
}

int kt_work_io_round(struct kt_work_run *r, const char *who)
{
	static const char fill[KT_IO_BLOCK] = {'k', 't', 's', 't', 'r'};
	struct kt_tel *t = r->tel;
	ssize_t n;
	int i, e;

	for (i = 0; i < KT_IO_BLOCKS; i++) {
		do {
			n = pwrite(r->io_fd, fill, sizeof(fill),
				   (off_t)i * KT_IO_BLOCK);
		} while (n < 0 && errno == EINTR && !kt_work_stopping(r));
		if (n < 0 && errno == EINTR)
			return 1;
		if (n != (ssize_t)sizeof(fill)) {
			e = n < 0 ? errno : EIO;
			kt_work_error(r, "%s: write 4 KiB to scratch file: %s",
				      who, strerror(e));
			return -e;
		}
	}
	kt_tel_block_begin(t, kt_tel_mono_ns());
	if (fdatasync(r->io_fd) && errno != EINTR) {
		e = errno;
		kt_work_error(r, "%s: fdatasync scratch file: %s", who,
			      strerror(e));
		return -e;
	}
	kt_tel_block_end(t, kt_tel_mono_ns());
	return 0;
}

static int loop_spin(struct kt_work_run *r)
{
	while (!kt_work_stopping(r)) {
		kt_spin_units(KT_SPIN_BATCH);
		kt_tel_checkpoint(r->tel, KT_SPIN_BATCH, true);
	}
	return 0;
}

static int loop_yield(struct kt_work_run *r)
{
	while (!kt_work_stopping(r)) {
		kt_work_yield(r->tel);
		kt_tel_checkpoint(r->tel, 1, true);
	}
	return 0;
}

static int loop_mixed(struct kt_work_run *r)
{
	while (!kt_work_stopping(r)) {
		kt_spin_units(KT_SPIN_BATCH);
		kt_work_yield(r->tel);
		kt_tel_checkpoint(r->tel, KT_SPIN_BATCH, true);
	}
	return 0;
}

static int loop_io(struct kt_work_run *r)
{
	struct kt_tel *t = r->tel;
	int rc;

	while (!kt_work_stopping(r)) {
		rc = kt_work_io_round(r, "IoSyncWrite");
		if (rc)
			return rc < 0 ? rc : 0;
		kt_work_sleep(t, KT_IO_SLEEP_NS,
			      KT_SLEEP_BRACKET | KT_SLEEP_SAMPLE);
		kt_tel_checkpoint(t, KT_IO_BLOCKS, true);
	}
	return 0;
}

static int loop_bursty(struct kt_work_run *r)
{
	struct kt_tel *t = r->tel;
	uint64_t end;

	while (!kt_work_stopping(r)) {
		end = kt_tel_mono_ns() + r->work.bursty.burst_ns;
		do {
			kt_spin_units(KT_SPIN_BATCH);
			kt_tel_checkpoint(t, KT_SPIN_BATCH, false);
			if (kt_work_stopping(r))
				return 0;
		} while (kt_tel_mono_ns() < end);
		/* Not bracketed: Bursty's sleep counts in the gap. */
		kt_work_sleep(t, r->work.bursty.sleep_ns, KT_SLEEP_SAMPLE);
		kt_tel_checkpoint(t, 0, true);
	}
	return 0;
}

/* ---- descriptors ---- */

const struct kt_work_kind_desc kt_spin_wait_desc = {
    .kind = KT_WORK_SPIN_WAIT,
    .name = "SpinWait",
    .parsable = true,
    .group_size = 1,
    .loop = loop_spin,
};

const struct kt_work_kind_desc kt_yield_heavy_desc = {
    .kind = KT_WORK_YIELD_HEAVY,
    .name = "YieldHeavy",
    .parsable = true,
    .blocks = true,
    .group_size = 1,
    .loop = loop_yield,
};

const struct kt_work_kind_desc kt_mixed_desc = {
    .kind = KT_WORK_MIXED,
    .name = "Mixed",
    .parsable = true,
    .blocks = true,
    .group_size = 1,
    .loop = loop_mixed,
};

const struct kt_work_kind_desc kt_io_sync_write_desc = {
    .kind = KT_WORK_IO_SYNC_WRITE,
    .name = "IoSyncWrite",
    .parsable = true,
    .blocks = true,
    .group_size = 1,
    .setup = kt_work_scratch_file,
    .loop = loop_io,
};

static void bursty_resolve(struct kt_work_type *w)
{
	if (!w->bursty.burst_ns)
		w->bursty.burst_ns = KT_MS(50);
	if (!w->bursty.sleep_ns)
		w->bursty.sleep_ns = KT_MS(100);
}

const struct kt_work_kind_desc kt_bursty_desc = {
    .kind = KT_WORK_BURSTY,
    .name = "Bursty",
    .parsable = true,
    .blocks = true,
    .group_size = 1,
    .resolve = bursty_resolve,
    .loop = loop_bursty,
};
