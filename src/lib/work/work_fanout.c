/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kinds that share one futex word among a whole group: FutexFanOut,
 * FanOutCompute and MessageWorker (member 0 is the messenger, the fan_out
 * others receive) and MutexContention (every member contends for one lock).
 *
 *   FutexFanOut     messenger: spin spin_iters, stamp CLOCK_MONOTONIC, bump
 *                   the generation word, FUTEX_WAKE all (spin_iters units).
 *                   receiver: wait for a new generation (FUTEX_WAIT), spin
 *                   spin_iters (spin_iters units). A slow receiver may skip
 *                   generations; the messenger never waits.
 *   FanOutCompute   messenger: stamp, bump the generation, wake all, wait
 *                   until every receiver is done (1 unit per generation).
 *                   receiver: wait for the generation, sleep sleep_usec, run
 *                   `operations` naive u64 matrix multiplies over three
 *                   n x n matrices filling cache_footprint_kb, report done
 *                   (operations units).
 *   MessageWorker   schbench-like. messenger: as FanOutCompute's, then a
 *                   sleep_usec pause (1 unit per round). worker: wait for
 *                   the request, spin request_iters, reply (done + wake)
 *                   (request_iters units).
 *   MutexContention CAS 0->1, else FUTEX_WAIT; spin hold_iters holding it;
 *                   store 0 + FUTEX_WAKE(1); spin work_iters outside
 *                   (hold_iters + work_iters units).
 *
 * Wake latency: receivers record now - the messenger's stamp when a wait
 * for a generation blocked (FanOutCompute and MessageWorker receivers:
 * every generation); MessageWorker workers also record the request
 * latency, from the stamp to the end of the request's spin;
 * MutexContention records the time around a contended acquisition. The
 * messenger records none. Waits are voluntary blocks (out of the gap
 * clock), bounded by KT_GROUP_WAIT_NS and end when the group breaks.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>

#include <ktstr/common.h>

#include "work_kinds.h"

#define KT_MAX_FAN_KB	(64u << 10) /* 64 MiB of matrices */
#define KT_MAX_SLEEP_US 10000000u   /* 10 s */

/* Publish a generation: stamp, bump, wake every receiver. */
static void publish(struct kt_grp_slot *g)
{
	__atomic_store_n(&g->stamp_ns, kt_tel_mono_ns(), __ATOMIC_RELAXED);
	__atomic_add_fetch(&g->word, 1, __ATOMIC_RELEASE);
	kt_futex_wake(&g->word, INT_MAX);
}

/*
 * Wait for a generation after *last. 0 with *last updated and *blocked
 * telling whether the wait slept; 1 when the stop came or the group broke.
 */
static int wait_generation(struct kt_work_run *r, uint32_t *last, bool *blocked)
{
	struct kt_grp_slot *g = r->grp;
	uint32_t v;
	int rc = 0;

	*blocked = false;
	v = __atomic_load_n(&g->word, __ATOMIC_ACQUIRE);
	if (v == *last) {
		*blocked = true;
		kt_tel_block_begin(r->tel, kt_tel_mono_ns());
		while ((v = __atomic_load_n(&g->word, __ATOMIC_ACQUIRE)) ==
		       *last) {
			if (kt_grp_gone(r)) {
				rc = 1;
				break;
			}
			kt_futex_wait(&g->word, v, KT_GROUP_WAIT_NS);
		}
		kt_tel_block_end(r->tel, kt_tel_mono_ns());
	}
	*last = v;
	return rc;
}

/* A wake sample against the messenger's stamp. */
static void stamp_sample(struct kt_work_run *r)
{
	uint64_t stamp = __atomic_load_n(&r->grp->stamp_ns, __ATOMIC_RELAXED);
	uint64_t now = kt_tel_mono_ns();

	kt_tel_wake(r->tel, now > stamp ? now - stamp : 0);
}

static int loop_futex_fan_out(struct kt_work_run *r)
{
	uint32_t spin = r->work.futex_fan_out.spin_iters, last = 0;
	bool blocked;

	if (r->role == 0) {
		r->tel->rep->is_messenger = true;
		while (!kt_work_stopping(r)) {
			kt_spin_units(spin);
			publish(r->grp);
			kt_tel_checkpoint(r->tel, spin, true);
		}
		return 0;
	}
	while (!kt_work_stopping(r)) {
		if (wait_generation(r, &last, &blocked))
			break;
		if (blocked)
			stamp_sample(r);
		kt_spin_units(spin);
		kt_tel_checkpoint(r->tel, spin, true);
	}
	kt_grp_leave(r);
	kt_work_wait_for_stop(r);
	return 0;
}

/* Side of FanOutCompute's square u64 matrices: three fill the footprint. */
static size_t matrix_n(uint32_t footprint_kb)
{
	size_t n = (size_t)sqrt((double)footprint_kb * 1024.0 /
				(3.0 * sizeof(uint64_t)));

	return n < 4 ? 4 : n;
}

/* c = a * b over n x n u64 matrices; folds c back into a. */
static uint64_t matmul(uint64_t *a, const uint64_t *b, uint64_t *c, size_t n)
{
	size_t i, j, k;
	uint64_t s;

	for (i = 0; i < n; i++) {
		for (j = 0; j < n; j++) {
			s = 0;
			for (k = 0; k < n; k++)
				s += a[i * n + k] * b[k * n + j];
			c[i * n + j] = s;
		}
	}
	a[0] ^= c[n * n - 1];
	return c[n * n - 1];
}

/*
 * The messenger of FanOutCompute and MessageWorker: stamp, wake all, wait
 * until all fan members are done (1 unit per round), then pause pause_ns
 * (a voluntary block, no sample; 0: none) before the next round.
 */
static void fan_messenger(struct kt_work_run *r, uint32_t fan,
			  uint64_t pause_ns)
{
	struct kt_grp_slot *g = r->grp;
	uint32_t d;

	r->tel->rep->is_messenger = true;
	while (!kt_work_stopping(r)) {
		__atomic_store_n(&g->done, 0, __ATOMIC_RELAXED);
		publish(g);
		kt_tel_block_begin(r->tel, kt_tel_mono_ns());
		while ((d = __atomic_load_n(&g->done, __ATOMIC_ACQUIRE)) <
		       fan) {
			if (kt_grp_gone(r))
				break;
			kt_futex_wait(&g->done, d, KT_GROUP_WAIT_NS);
		}
		kt_tel_block_end(r->tel, kt_tel_mono_ns());
		if (d < fan)
			break;
		kt_tel_checkpoint(r->tel, 1, true);
		if (pause_ns)
			kt_work_sleep(r->tel, pause_ns, KT_SLEEP_BRACKET);
	}
}

/* A fan member finished this generation: count it, wake the messenger. */
static void fan_done(struct kt_work_run *r)
{
	__atomic_add_fetch(&r->grp->done, 1, __ATOMIC_RELEASE);
	kt_futex_wake(&r->grp->done, INT_MAX);
}

static void fan_receiver(struct kt_work_run *r)
{
	const typeof(r->work.fan_out_compute) *p = &r->work.fan_out_compute;
	size_t n = matrix_n(p->cache_footprint_kb), i;
	uint64_t *a = r->buf, *b = a + n * n, *c = b + n * n;
	volatile uint64_t sink = 0;
	uint32_t last = 0, op;
	bool blocked;

	for (i = 0; i < n * n; i++) {
		a[i] = i + 1;
		b[i] = (i * 7) ^ 3;
	}
	while (!kt_work_stopping(r)) {
		if (wait_generation(r, &last, &blocked))
			break;
		stamp_sample(r);
		kt_work_sleep(r->tel, KT_US(p->sleep_usec), KT_SLEEP_BRACKET);
		if (kt_work_stopping(r))
			break;
		for (op = 0; op < p->operations; op++)
			sink += matmul(a, b, c, n);
		fan_done(r);
		kt_tel_checkpoint(r->tel, p->operations, true);
	}
	(void)sink;
}

static int loop_fan_out_compute(struct kt_work_run *r)
{
	if (r->role == 0)
		fan_messenger(r, r->work.fan_out_compute.fan_out, 0);
	else
		fan_receiver(r);
	kt_grp_leave(r);
	kt_work_wait_for_stop(r);
	return 0;
}

/*
 * A MessageWorker worker: wait for a request, record its wake-up latency
 * (now - the messenger's stamp), serve it (request_iters spin units),
 * record its request latency (done - stamp), reply.
 */
static void request_worker(struct kt_work_run *r)
{
	uint32_t spin = r->work.message_worker.request_iters, last = 0;
	uint64_t stamp;
	bool blocked;

	while (!kt_work_stopping(r)) {
		if (wait_generation(r, &last, &blocked))
			break;
		stamp = __atomic_load_n(&r->grp->stamp_ns, __ATOMIC_RELAXED);
		stamp_sample(r);
		kt_spin_units(spin);
		kt_tel_request(r->tel, kt_tel_mono_ns() - stamp);
		fan_done(r);
		kt_tel_checkpoint(r->tel, spin, true);
	}
}

static int loop_message_worker(struct kt_work_run *r)
{
	const typeof(r->work.message_worker) *p = &r->work.message_worker;

	if (r->role == 0)
		fan_messenger(r, p->fan_out, KT_US(p->sleep_usec));
	else
		request_worker(r);
	kt_grp_leave(r);
	kt_work_wait_for_stop(r);
	return 0;
}

/* Take the group's lock: 0 held, 1 the stop came first. */
static int lock_acquire(struct kt_work_run *r, uint32_t *lock)
{
	uint64_t t0, t1;
	uint32_t zero = 0;
	int rc = 0;

	if (__atomic_compare_exchange_n(lock, &zero, 1, false, __ATOMIC_ACQUIRE,
					__ATOMIC_RELAXED))
		return 0;
	t0 = kt_tel_mono_ns();
	kt_tel_block_begin(r->tel, t0);
	for (;;) {
		zero = 0;
		if (__atomic_compare_exchange_n(lock, &zero, 1, false,
						__ATOMIC_ACQUIRE,
						__ATOMIC_RELAXED))
			break;
		if (kt_work_stopping(r)) {
			rc = 1;
			break;
		}
		kt_futex_wait(lock, 1, KT_GROUP_WAIT_NS);
	}
	t1 = kt_tel_mono_ns();
	kt_tel_block_end(r->tel, t1);
	if (!rc)
		kt_tel_wake(r->tel, t1 - t0);
	return rc;
}

static int loop_mutex_contention(struct kt_work_run *r)
{
	const typeof(r->work.mutex_contention) *p = &r->work.mutex_contention;
	uint32_t *lock = &r->grp->word;

	while (!kt_work_stopping(r)) {
		if (lock_acquire(r, lock))
			break;
		kt_spin_units(p->hold_iters);
		__atomic_store_n(lock, 0, __ATOMIC_RELEASE);
		kt_futex_wake(lock, 1);
		kt_spin_units(p->work_iters);
		kt_tel_checkpoint(
		    r->tel, (uint64_t)p->hold_iters + p->work_iters, true);
	}
	return 0;
}

/* ---- descriptors ---- */

static void fan_out_resolve(struct kt_work_type *w)
{
	kt_dfl32(&w->futex_fan_out.fan_out, 4);
	kt_dfl32(&w->futex_fan_out.spin_iters, 1024);
}

static int fan_out_check(const struct kt_work_kind_desc *d,
			 const struct kt_work_type *w)
{
	return kt_work_check_range(d->name, "fan_out", w->futex_fan_out.fan_out,
				   1, KT_MAX_GROUP - 1);
}

/* The messenger and its fan_out receivers. */
static unsigned fan_out_group_size(const struct kt_work_type *w)
{
	return w->futex_fan_out.fan_out + 1;
}

const struct kt_work_kind_desc kt_futex_fan_out_desc = {
    .kind = KT_WORK_FUTEX_FAN_OUT,
    .name = "FutexFanOut",
    .parsable = true,
    .blocks = true,
    .group_size_of = fan_out_group_size,
    .grouping = KT_GROUPING_FUTEX,
    .resolve = fan_out_resolve,
    .check = fan_out_check,
    .loop = loop_futex_fan_out,
};

static void compute_resolve(struct kt_work_type *w)
{
	kt_dfl32(&w->fan_out_compute.fan_out, 4);
	kt_dfl32(&w->fan_out_compute.cache_footprint_kb, 256);
	kt_dfl32(&w->fan_out_compute.operations, 5);
	kt_dfl32(&w->fan_out_compute.sleep_usec, 100);
}

static int compute_check(const struct kt_work_kind_desc *d,
			 const struct kt_work_type *w)
{
	const typeof(w->fan_out_compute) *p = &w->fan_out_compute;

	return kt_work_check_range(d->name, "fan_out", p->fan_out, 1,
				   KT_MAX_GROUP - 1)
		   ?: kt_work_check_range(d->name, "cache_footprint_kb",
					  p->cache_footprint_kb, 1,
					  KT_MAX_FAN_KB)
		   ?: kt_work_check_range(d->name, "sleep_usec", p->sleep_usec,
					  1, KT_MAX_SLEEP_US);
}

static unsigned compute_group_size(const struct kt_work_type *w)
{
	return w->fan_out_compute.fan_out + 1;
}

/* A receiver's three matrices; the messenger computes nothing. */
static int compute_setup(struct kt_work_run *r, char *err, size_t errlen)
{
	size_t n;

	if (r->role == 0)
		return 0;
	n = matrix_n(r->work.fan_out_compute.cache_footprint_kb);
	return kt_work_map_buf(r, 3 * n * n * sizeof(uint64_t), err, errlen);
}

const struct kt_work_kind_desc kt_fan_out_compute_desc = {
    .kind = KT_WORK_FAN_OUT_COMPUTE,
    .name = "FanOutCompute",
    .parsable = true,
    .blocks = true,
    .group_size_of = compute_group_size,
    .grouping = KT_GROUPING_FUTEX,
    .resolve = compute_resolve,
    .check = compute_check,
    .setup = compute_setup,
    .loop = loop_fan_out_compute,
};

static void mutex_resolve(struct kt_work_type *w)
{
	kt_dfl32(&w->mutex_contention.contenders, 4);
	kt_dfl32(&w->mutex_contention.hold_iters, 256);
	kt_dfl32(&w->mutex_contention.work_iters, 1024);
}

static int mutex_check(const struct kt_work_kind_desc *d,
		       const struct kt_work_type *w)
{
	return kt_work_check_range(d->name, "contenders",
				   w->mutex_contention.contenders, 1,
				   KT_MAX_GROUP);
}

static unsigned mutex_group_size(const struct kt_work_type *w)
{
	return w->mutex_contention.contenders;
}

const struct kt_work_kind_desc kt_mutex_contention_desc = {
    .kind = KT_WORK_MUTEX_CONTENTION,
    .name = "MutexContention",
    .parsable = true,
    .blocks = true,
    .group_size_of = mutex_group_size,
    .grouping = KT_GROUPING_FUTEX,
    .resolve = mutex_resolve,
    .check = mutex_check,
    .loop = loop_mutex_contention,
};

static void message_resolve(struct kt_work_type *w)
{
	kt_dfl32(&w->message_worker.fan_out, 4);
	kt_dfl32(&w->message_worker.request_iters, 1024);
	kt_dfl32(&w->message_worker.sleep_usec, 1000);
}

static int message_check(const struct kt_work_kind_desc *d,
			 const struct kt_work_type *w)
{
	const typeof(w->message_worker) *p = &w->message_worker;

	return kt_work_check_range(d->name, "fan_out", p->fan_out, 1,
				   KT_MAX_GROUP - 1)
		   ?: kt_work_check_range(d->name, "sleep_usec", p->sleep_usec,
					  1, KT_MAX_SLEEP_US);
}

static unsigned message_group_size(const struct kt_work_type *w)
{
	return w->message_worker.fan_out + 1;
}

const struct kt_work_kind_desc kt_message_worker_desc = {
    .kind = KT_WORK_MESSAGE_WORKER,
    .name = "MessageWorker",
    .parsable = true,
    .blocks = true,
    .group_size_of = message_group_size,
    .grouping = KT_GROUPING_FUTEX,
    .resolve = message_resolve,
    .check = message_check,
    .loop = loop_message_worker,
};
