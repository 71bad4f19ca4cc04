/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Work kinds: the kind table (names, defaults, group sizes, validation),
 * per-worker setup/teardown and the dispatch to the per-family loops (see
 * work_kinds.h for which file runs which kind).
 *
 * Setup before the gate: IoSyncWrite and a Sequence with an io phase get a
 * scratch file (created and unlinked at once); the cache kinds, the page
 * fault region and FanOutCompute's matrices are private anonymous maps;
 * the pipe kinds ignore SIGPIPE (a vanished partner is an EPIPE).
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <ktstr/common.h>
#include <ktstr/workload.h>

#include "work_kinds.h"

/* Upper bounds on parameters: generous, but no absurd maps or groups. */
#define KT_MAX_BUF_KB	(1u << 20) /* 1 GiB */
#define KT_MAX_GROUP	1024u
#define KT_MAX_FAN_KB	(64u << 10) /* 64 MiB of matrices */
#define KT_MAX_SLEEP_US 10000000u   /* 10 s */

static const char *const kind_names[KT_WORK__COUNT] = {
    [KT_WORK_SPIN_WAIT] = "SpinWait",
    [KT_WORK_YIELD_HEAVY] = "YieldHeavy",
    [KT_WORK_MIXED] = "Mixed",
    [KT_WORK_IO_SYNC_WRITE] = "IoSyncWrite",
    [KT_WORK_BURSTY] = "Bursty",
    [KT_WORK_PIPE_IO] = "PipeIo",
    [KT_WORK_FUTEX_PING_PONG] = "FutexPingPong",
    [KT_WORK_FUTEX_FAN_OUT] = "FutexFanOut",
    [KT_WORK_CACHE_PRESSURE] = "CachePressure",
    [KT_WORK_CACHE_YIELD] = "CacheYield",
    [KT_WORK_CACHE_PIPE] = "CachePipe",
    [KT_WORK_FAN_OUT_COMPUTE] = "FanOutCompute",
    [KT_WORK_FORK_EXIT] = "ForkExit",
    [KT_WORK_NICE_SWEEP] = "NiceSweep",
    [KT_WORK_AFFINITY_CHURN] = "AffinityChurn",
    [KT_WORK_POLICY_CHURN] = "PolicyChurn",
    [KT_WORK_PAGE_FAULT_CHURN] = "PageFaultChurn",
    [KT_WORK_MUTEX_CONTENTION] = "MutexContention",
    [KT_WORK_SEQUENCE] = "Sequence",
    [KT_WORK_CUSTOM] = "Custom",
};

const char *kt_work_kind_name(enum kt_work_kind k)
{
	if ((unsigned)k >= KT_WORK__COUNT)
		return "?";
	return kind_names[k];
}

static bool parsable(unsigned k)
{
	return k != KT_WORK_SEQUENCE && k != KT_WORK_CUSTOM;
}

int kt_work_kind_parse(const char *name, enum kt_work_kind *out)
{
	char list[512];
	size_t len = 0;
	unsigned k;

	for (k = 0; name && k < KT_WORK__COUNT; k++) {
		if (parsable(k) && !strcmp(name, kind_names[k])) {
			*out = (enum kt_work_kind)k;
			return 0;
		}
	}
	list[0] = '\0';
	for (k = 0; k < KT_WORK__COUNT; k++) {
		if (parsable(k))
			len += (size_t)snprintf(list + len, sizeof(list) - len,
						"%s%s", len ? ", " : "",
						kind_names[k]);
	}
	if (name && (!strcmp(name, "Sequence") || !strcmp(name, "Custom")))
		return kt_err(EINVAL,
			      "parse work kind \"%s\": needs parameters and "
			      "cannot be built from a name (expected one of "
			      "%s)",
			      name, list);
	return kt_err(EINVAL,
		      "parse work kind \"%s\": unknown name (expected one of "
		      "%s)",
		      name ? name : "(null)", list);
}

bool kt_work_kind_blocks(enum kt_work_kind k)
{
	switch (k) {
	case KT_WORK_SPIN_WAIT:
	case KT_WORK_CACHE_PRESSURE:
	case KT_WORK_PAGE_FAULT_CHURN:
	case KT_WORK_CUSTOM:
	case KT_WORK__COUNT:
		return false;
	default:
		return true;
	}
}

static void dfl32(uint32_t *v, uint32_t d)
{
	if (!*v)
		*v = d;
}

void kt_work_resolve(struct kt_work_type *w)
{
	switch (w->kind) {
	case KT_WORK_BURSTY:
		if (!w->bursty.burst_ns)
			w->bursty.burst_ns = KT_MS(50);
		if (!w->bursty.sleep_ns)
			w->bursty.sleep_ns = KT_MS(100);
		break;
	case KT_WORK_PIPE_IO:
		dfl32(&w->pipe_io.burst_iters, 1024);
		break;
	case KT_WORK_FUTEX_PING_PONG:
		dfl32(&w->futex_ping_pong.spin_iters, 1024);
		break;
	case KT_WORK_CACHE_PRESSURE:
	case KT_WORK_CACHE_YIELD:
		dfl32(&w->cache.size_kb, 32);
		dfl32(&w->cache.stride, 64);
		break;
	case KT_WORK_CACHE_PIPE:
		dfl32(&w->cache_pipe.size_kb, 32);
		dfl32(&w->cache_pipe.burst_iters, 1024);
		break;
	case KT_WORK_FUTEX_FAN_OUT:
		dfl32(&w->futex_fan_out.fan_out, 4);
		dfl32(&w->futex_fan_out.spin_iters, 1024);
		break;
	case KT_WORK_FAN_OUT_COMPUTE:
		dfl32(&w->fan_out_compute.fan_out, 4);
		dfl32(&w->fan_out_compute.cache_footprint_kb, 256);
		dfl32(&w->fan_out_compute.operations, 5);
		dfl32(&w->fan_out_compute.sleep_usec, 100);
		break;
	case KT_WORK_AFFINITY_CHURN:
		dfl32(&w->affinity_churn.spin_iters, 1024);
		break;
	case KT_WORK_POLICY_CHURN:
		dfl32(&w->policy_churn.spin_iters, 1024);
		break;
	case KT_WORK_PAGE_FAULT_CHURN:
		dfl32(&w->page_fault_churn.region_kb, 4096);
		dfl32(&w->page_fault_churn.touches_per_cycle, 256);
		dfl32(&w->page_fault_churn.spin_iters, 64);
		break;
	case KT_WORK_MUTEX_CONTENTION:
		dfl32(&w->mutex_contention.contenders, 4);
		dfl32(&w->mutex_contention.hold_iters, 256);
		dfl32(&w->mutex_contention.work_iters, 1024);
		break;
	case KT_WORK_CUSTOM:
		if (!w->custom.name)
			w->custom.name = "custom";
		break;
	default:
		break;
	}
}

unsigned kt_work_group_size(const struct kt_work_type *w)
{
	struct kt_work_type r;

	if (!w)
		return 1;
	r = *w;
	kt_work_resolve(&r);
	switch (r.kind) {
	case KT_WORK_PIPE_IO:
	case KT_WORK_CACHE_PIPE:
	case KT_WORK_FUTEX_PING_PONG:
		return 2;
	case KT_WORK_FUTEX_FAN_OUT:
		return r.futex_fan_out.fan_out + 1;
	case KT_WORK_FAN_OUT_COMPUTE:
		return r.fan_out_compute.fan_out + 1;
	case KT_WORK_MUTEX_CONTENTION:
		return r.mutex_contention.contenders;
	default:
		return 1;
	}
}

static int check_range(const char *kind, const char *what, uint64_t v,
		       uint64_t lo, uint64_t hi)
{
	if (v >= lo && v <= hi)
		return 0;
	return kt_err(EINVAL, "%s %s %llu: out of range %llu..%llu", kind, what,
		      (unsigned long long)v, (unsigned long long)lo,
		      (unsigned long long)hi);
}

static int check_sequence(const struct kt_work_type *w)
{
	unsigned i;

	if (w->sequence.nr < 1 || w->sequence.nr > KT_SEQ_MAX_PHASES)
		return kt_err(EINVAL,
			      "Sequence: %u phases: expected 1..%d phases",
			      w->sequence.nr, KT_SEQ_MAX_PHASES);
	for (i = 0; i < w->sequence.nr; i++) {
		const struct kt_phase *p = &w->sequence.phases[i];

		if ((unsigned)p->kind >= KT_PHASE__COUNT)
			return kt_err(EINVAL,
				      "Sequence phase %u: kind %d: not a "
				      "phase kind (Spin, Sleep, Yield, Io)",
				      i, (int)p->kind);
		if (!p->ns || p->ns > KT_SEC(3600))
			return kt_err(EINVAL,
				      "Sequence phase %u: duration %llu ns: "
				      "out of range 1 ns..1 h",
				      i, (unsigned long long)p->ns);
	}
	return 0;
}

static int check_params(const struct kt_work_type *w)
{
	const char *n = kt_work_kind_name(w->kind);

	switch (w->kind) {
	case KT_WORK_CACHE_PRESSURE:
	case KT_WORK_CACHE_YIELD:
		return check_range(n, "size_kb", w->cache.size_kb, 1,
				   KT_MAX_BUF_KB)
			   ?: check_range(n, "stride", w->cache.stride, 1,
					  (uint64_t)w->cache.size_kb * 1024);
	case KT_WORK_CACHE_PIPE:
		return check_range(n, "size_kb", w->cache_pipe.size_kb, 1,
				   KT_MAX_BUF_KB);
	case KT_WORK_FUTEX_FAN_OUT:
		return check_range(n, "fan_out", w->futex_fan_out.fan_out, 1,
				   KT_MAX_GROUP - 1);
	case KT_WORK_FAN_OUT_COMPUTE:
		return check_range(n, "fan_out", w->fan_out_compute.fan_out, 1,
				   KT_MAX_GROUP - 1) ?:
		       check_range(n, "cache_footprint_kb",
				   w->fan_out_compute.cache_footprint_kb, 1,
				   KT_MAX_FAN_KB) ?:
		       check_range(n, "sleep_usec",
				   w->fan_out_compute.sleep_usec, 1,
				   KT_MAX_SLEEP_US);
	case KT_WORK_PAGE_FAULT_CHURN:
		return check_range(n, "region_kb",
				   w->page_fault_churn.region_kb, 4,
				   KT_MAX_BUF_KB);
	case KT_WORK_MUTEX_CONTENTION:
		return check_range(n, "contenders",
				   w->mutex_contention.contenders, 1,
				   KT_MAX_GROUP);
	case KT_WORK_SEQUENCE:
		return check_sequence(w);
	case KT_WORK_CUSTOM:
		if (!w->custom.fn)
			return kt_err(EINVAL,
				      "Custom \"%s\": no function to run",
				      w->custom.name);
		return 0;
	default:
		return 0;
	}
}

int kt_work_check(const struct kt_work_type *w, unsigned nr_workers)
{
	struct kt_work_type r;
	unsigned g;
	int err;

	if (!w)
		return kt_err(EINVAL, "work type: NULL");
	if ((unsigned)w->kind >= KT_WORK__COUNT)
		return kt_err(EINVAL, "work kind %d: not a valid kind",
			      (int)w->kind);
	r = *w;
	kt_work_resolve(&r);
	err = check_params(&r);
	if (err)
		return err;
	if (!nr_workers)
		nr_workers = 1;
	g = kt_work_group_size(&r);
	if (g > 1 && nr_workers % g)
		return kt_err(EINVAL,
			      "%s needs workers in groups of %u; %u worker%s "
			      "do%s not divide evenly",
			      kt_work_kind_name(r.kind), g, nr_workers,
			      nr_workers == 1 ? "" : "s",
			      nr_workers == 1 ? "es" : "");
	return 0;
}

/* ---- per-worker setup ---- */

void kt_work_run_init(struct kt_work_run *r)
{
	r->io_fd = -1;
	r->pipe_rd = -1;
	r->pipe_wr = -1;
	r->buf = NULL;
	r->buf_len = 0;
	r->group_size = 1;
	r->role = 0;
	r->grp = NULL;
}

static int make_scratch(struct kt_work_run *r, char *err, size_t errlen)
{
	const char *who = kt_work_kind_name(r->work.kind);
	const char *dir;
	char path[4096];
	int fd, e;

	dir = getenv("TMPDIR");
	if (!dir || !*dir)
		dir = "/tmp";
	if ((size_t)snprintf(path, sizeof(path), "%s/ktstr_io_XXXXXX", dir) >=
	    sizeof(path)) {
		snprintf(err, errlen, "%s: scratch path in %.64s: %s", who, dir,
			 strerror(ENAMETOOLONG));
		return -ENAMETOOLONG;
	}
	/* mkostemp creates with O_EXCL; unlink at once so no path remains. */
	fd = mkostemp(path, O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		snprintf(err, errlen, "%s: create scratch file in %.64s: %s",
			 who, dir, strerror(e));
		return -e;
	}
	unlink(path);
	r->io_fd = fd;
	return 0;
}

static int map_buf(struct kt_work_run *r, size_t len, char *err, size_t errlen)
{
	void *p;
	int e;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		 -1, 0);
	if (p == MAP_FAILED) {
		e = errno;
		snprintf(err, errlen, "%s: map %zu bytes: %s",
			 kt_work_kind_name(r->work.kind), len, strerror(e));
		return -e;
	}
	r->buf = p;
	r->buf_len = len;
	return 0;
}

static bool sequence_has_io(const struct kt_work_type *w)
{
	unsigned i;

	for (i = 0; i < w->sequence.nr && i < KT_SEQ_MAX_PHASES; i++) {
		if (w->sequence.phases[i].kind == KT_PHASE_IO)
			return true;
	}
	return false;
}

/* Side of FanOutCompute's square u64 matrices: three fill the footprint. */
size_t kt_fan_out_matrix_n(uint32_t footprint_kb)
{
	size_t n = (size_t)sqrt((double)footprint_kb * 1024.0 /
				(3.0 * sizeof(uint64_t)));

	return n < 4 ? 4 : n;
}

int kt_work_setup(struct kt_work_run *r, char *err, size_t errlen)
{
	const struct kt_work_type *w = &r->work;
	struct sigaction ign;
	size_t n;
	int rc;

	switch (w->kind) {
	case KT_WORK_IO_SYNC_WRITE:
		return make_scratch(r, err, errlen);
	case KT_WORK_SEQUENCE:
		return sequence_has_io(w) ? make_scratch(r, err, errlen) : 0;
	case KT_WORK_CACHE_PRESSURE:
	case KT_WORK_CACHE_YIELD:
		return map_buf(r, (size_t)w->cache.size_kb * 1024, err, errlen);
	case KT_WORK_CACHE_PIPE:
		rc = map_buf(r, (size_t)w->cache_pipe.size_kb * 1024, err,
			     errlen);
		break;
	case KT_WORK_PIPE_IO:
		rc = 0;
		break;
	case KT_WORK_PAGE_FAULT_CHURN:
		rc = map_buf(r, (size_t)w->page_fault_churn.region_kb * 1024,
			     err, errlen);
		/* Small pages, so every touch after DONTNEED faults. */
		if (!rc)
			madvise(r->buf, r->buf_len, MADV_NOHUGEPAGE);
		return rc;
	case KT_WORK_FAN_OUT_COMPUTE:
		if (r->role == 0)
			return 0; /* the messenger computes nothing */
		n = kt_fan_out_matrix_n(w->fan_out_compute.cache_footprint_kb);
		return map_buf(r, 3 * n * n * sizeof(uint64_t), err, errlen);
	default:
		return 0;
	}
	if (rc)
		return rc;
	/* Pipe kinds: a partner gone is EPIPE, not a fatal SIGPIPE. */
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	sigaction(SIGPIPE, &ign, NULL);
	return 0;
}

void kt_work_teardown(struct kt_work_run *r)
{
	if (r->io_fd >= 0)
		close(r->io_fd);
	r->io_fd = -1;
	if (r->pipe_rd >= 0)
		close(r->pipe_rd);
	if (r->pipe_wr >= 0)
		close(r->pipe_wr);
	r->pipe_rd = r->pipe_wr = -1;
	if (r->buf)
		munmap(r->buf, r->buf_len);
	r->buf = NULL;
	r->buf_len = 0;
}

typedef int (*kt_loop_fn)(struct kt_work_run *r);

static const kt_loop_fn loops[KT_WORK__COUNT] = {
    [KT_WORK_SPIN_WAIT] = kt_loop_spin,
    [KT_WORK_YIELD_HEAVY] = kt_loop_yield,
    [KT_WORK_MIXED] = kt_loop_mixed,
    [KT_WORK_IO_SYNC_WRITE] = kt_loop_io,
    [KT_WORK_BURSTY] = kt_loop_bursty,
    [KT_WORK_PIPE_IO] = kt_loop_pipe_io,
    [KT_WORK_FUTEX_PING_PONG] = kt_loop_futex_ping_pong,
    [KT_WORK_FUTEX_FAN_OUT] = kt_loop_futex_fan_out,
    [KT_WORK_CACHE_PRESSURE] = kt_loop_cache_pressure,
    [KT_WORK_CACHE_YIELD] = kt_loop_cache_yield,
    [KT_WORK_CACHE_PIPE] = kt_loop_cache_pipe,
    [KT_WORK_FAN_OUT_COMPUTE] = kt_loop_fan_out_compute,
    [KT_WORK_FORK_EXIT] = kt_loop_fork_exit,
    [KT_WORK_NICE_SWEEP] = kt_loop_nice_sweep,
    [KT_WORK_AFFINITY_CHURN] = kt_loop_affinity_churn,
    [KT_WORK_POLICY_CHURN] = kt_loop_policy_churn,
    [KT_WORK_PAGE_FAULT_CHURN] = kt_loop_page_fault_churn,
    [KT_WORK_MUTEX_CONTENTION] = kt_loop_mutex_contention,
    [KT_WORK_SEQUENCE] = kt_loop_sequence,
    [KT_WORK_CUSTOM] = kt_loop_custom,
};

int kt_work_loop(struct kt_work_run *r)
{
	int rc;

	if ((unsigned)r->work.kind >= KT_WORK__COUNT || !loops[r->work.kind]) {
		kt_work_error(r, "work kind %d: not runnable",
			      (int)r->work.kind);
		return -EINVAL;
	}
	rc = loops[r->work.kind](r);
	/* Grouped kinds: let the partners stop waiting for us. */
	kt_grp_leave(r);
	return rc;
}
