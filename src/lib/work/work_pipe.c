/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The pair kinds: PipeIo, CachePipe and FutexPingPong. Workers 2i and 2i+1
 * are partners (role 0 and 1).
 *
 *   PipeIo         spin burst_iters, then a 1-byte exchange over the pair's
 *                  pipes (role 0 writes then reads, role 1 reads then
 *                  writes), checkpoint                (burst_iters units)
 *   CachePipe      burst_iters strided (64 B) read-modify-writes of a
 *                  size_kb buffer, then the same exchange (burst_iters)
 *   FutexPingPong  wait for the shared turn word to name us (FUTEX_WAIT),
 *                  spin spin_iters, hand the turn over (plain FUTEX_WAKE),
 *                  checkpoint                         (spin_iters units)
 *
 * Wake latency: one sample per pipe read (time around poll + read) and per
 * turn the worker had to wait for (time around the futex wait loop). Both
 * are voluntary blocks: excluded from the gap clock.
 *
 * Stop: SIGUSR1 interrupts poll and futex waits (no SA_RESTART); the waits
 * are also bounded (KT_GROUP_WAIT_NS), so a signal that lands between the
 * stop test and the wait costs at most that long. A partner that left
 * (group broken, EOF, EPIPE) ends the exchange: the survivor idles until
 * its own stop instead of waiting forever.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include <ktstr/common.h>

#include "work_kinds.h"

#define KT_CACHE_LINE 64

/* Returns 1 when the partner is gone or the stop came, 0 sent. */
static int pipe_send(struct kt_work_run *r, const char *who)
{
	const char b = 'k';
	ssize_t n;
	int e;

	for (;;) {
		n = write(r->pipe_wr, &b, 1);
		if (n == 1)
			return 0;
		e = n < 0 ? errno : EIO;
		if (e == EINTR && !kt_grp_gone(r))
			continue;
		if (e == EINTR || e == EPIPE)
			return 1;
		kt_work_error(r, "%s: write to partner pipe: %s", who,
			      strerror(e));
		return -e;
	}
}

/* Wait for the partner's byte: 1 gone/stop, 0 received, negative error. */
static int pipe_recv(struct kt_work_run *r, const char *who)
{
	struct kt_tel *t = r->tel;
	uint64_t t0 = kt_tel_mono_ns(), t1;
	struct pollfd pfd = {.fd = r->pipe_rd, .events = POLLIN};
	int rc = 0, n, e;
	char b;

	kt_tel_block_begin(t, t0);
	for (;;) {
		n = poll(&pfd, 1, (int)(KT_GROUP_WAIT_NS / KT_MS(1)));
		if (n > 0) {
			ssize_t got = read(r->pipe_rd, &b, 1);

			if (got == 1)
				break;
			if (got == 0) { /* every write end closed */
				rc = 1;
				break;
			}
			n = -1;
		}
		e = n < 0 ? errno : 0;
		if (n < 0 && e != EINTR && e != EAGAIN) {
			kt_work_error(r, "%s: read from partner pipe: %s", who,
				      strerror(e));
			rc = -e;
			break;
		}
		if (kt_grp_gone(r)) {
			rc = 1;
			break;
		}
	}
	t1 = kt_tel_mono_ns();
	kt_tel_block_end(t, t1);
	if (!rc)
		kt_tel_wake(t, t1 - t0);
	return rc;
}

static int pipe_exchange(struct kt_work_run *r, const char *who)
{
	int rc;

	if (r->role == 0) {
		rc = pipe_send(r, who);
		return rc ? rc : pipe_recv(r, who);
	}
	rc = pipe_recv(r, who);
	return rc ? rc : pipe_send(r, who);
}

/* The pipe pair loop; cache selects CachePipe's burst. */
static int pipe_loop(struct kt_work_run *r, bool cache)
{
	const char *who = cache ? "CachePipe" : "PipeIo";
	uint32_t burst = cache ? r->work.cache_pipe.burst_iters
			       : r->work.pipe_io.burst_iters;
	size_t pos = 0;
	int rc;

	while (!kt_work_stopping(r)) {
		if (cache)
			kt_cache_touch(r, KT_CACHE_LINE, burst, &pos);
		else
			kt_spin_units(burst);
		rc = pipe_exchange(r, who);
		kt_tel_checkpoint(r->tel, burst, true);
		if (rc < 0)
			return rc;
		if (rc > 0)
			break;
	}
	kt_grp_leave(r);
	kt_work_wait_for_stop(r);
	return 0;
}

static int loop_pipe_io(struct kt_work_run *r)
{
	return pipe_loop(r, false);
}

static int loop_cache_pipe(struct kt_work_run *r)
{
	return pipe_loop(r, true);
}

/* Wait until the turn word names us: 0 our turn, 1 gone/stop. */
static int wait_turn(struct kt_work_run *r, uint32_t *turn, uint32_t me)
{
	struct kt_tel *t = r->tel;
	uint64_t t0, t1;
	uint32_t v;
	int rc = 0;

	if (__atomic_load_n(turn, __ATOMIC_ACQUIRE) == me)
		return 0;
	t0 = kt_tel_mono_ns();
	kt_tel_block_begin(t, t0);
	while ((v = __atomic_load_n(turn, __ATOMIC_ACQUIRE)) != me) {
		if (kt_grp_gone(r)) {
			rc = 1;
			break;
		}
		kt_futex_wait(turn, v, KT_GROUP_WAIT_NS);
	}
	t1 = kt_tel_mono_ns();
	kt_tel_block_end(t, t1);
	if (!rc)
		kt_tel_wake(t, t1 - t0);
	return rc;
}

static int loop_futex_ping_pong(struct kt_work_run *r)
{
	uint32_t *turn = &r->grp->word, me = r->role, other = !r->role;
	uint32_t spin = r->work.futex_ping_pong.spin_iters;

	while (!kt_work_stopping(r)) {
		if (wait_turn(r, turn, me))
			break;
		kt_spin_units(spin);
		__atomic_store_n(turn, other, __ATOMIC_RELEASE);
		kt_futex_wake(turn, 1);
		kt_tel_checkpoint(r->tel, spin, true);
	}
	kt_grp_leave(r);
	kt_work_wait_for_stop(r);
	return 0;
}

/* ---- descriptors ---- */

static void pipe_io_resolve(struct kt_work_type *w)
{
	kt_dfl32(&w->pipe_io.burst_iters, 1024);
}

static int pipe_io_setup(struct kt_work_run *r, char *err, size_t errlen)
{
	(void)r;
	(void)err;
	(void)errlen;
	kt_work_ignore_sigpipe();
	return 0;
}

const struct kt_work_kind_desc kt_pipe_io_desc = {
    .kind = KT_WORK_PIPE_IO,
    .name = "PipeIo",
    .parsable = true,
    .blocks = true,
    .group_size = 2,
    .grouping = KT_GROUPING_PIPES,
    .resolve = pipe_io_resolve,
    .setup = pipe_io_setup,
    .loop = loop_pipe_io,
};

static void cache_pipe_resolve(struct kt_work_type *w)
{
	kt_dfl32(&w->cache_pipe.size_kb, 32);
	kt_dfl32(&w->cache_pipe.burst_iters, 1024);
}

static int cache_pipe_check(const struct kt_work_kind_desc *d,
			    const struct kt_work_type *w)
{
	return kt_work_check_range(d->name, "size_kb", w->cache_pipe.size_kb, 1,
				   KT_MAX_BUF_KB);
}

static int cache_pipe_setup(struct kt_work_run *r, char *err, size_t errlen)
{
	int rc = kt_work_map_buf(r, (size_t)r->work.cache_pipe.size_kb * 1024,
				 err, errlen);

	if (!rc)
		kt_work_ignore_sigpipe();
	return rc;
}

const struct kt_work_kind_desc kt_cache_pipe_desc = {
    .kind = KT_WORK_CACHE_PIPE,
    .name = "CachePipe",
    .parsable = true,
    .blocks = true,
    .group_size = 2,
    .grouping = KT_GROUPING_PIPES,
    .resolve = cache_pipe_resolve,
    .check = cache_pipe_check,
    .setup = cache_pipe_setup,
    .loop = loop_cache_pipe,
};

static void ping_pong_resolve(struct kt_work_type *w)
{
	kt_dfl32(&w->futex_ping_pong.spin_iters, 1024);
}

const struct kt_work_kind_desc kt_futex_ping_pong_desc = {
    .kind = KT_WORK_FUTEX_PING_PONG,
    .name = "FutexPingPong",
    .parsable = true,
    .blocks = true,
    .group_size = 2,
    .grouping = KT_GROUPING_FUTEX,
    .resolve = ping_pong_resolve,
    .loop = loop_futex_ping_pong,
};
