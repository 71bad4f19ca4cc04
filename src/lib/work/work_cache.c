/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The cache kinds: strided read-modify-write passes over a private buffer
 * (mapped in setup, size_kb), one unit per touched location.
 *
 *   CachePressure  one pass (size_kb*1024/stride touches), checkpoint
 *   CacheYield     one pass, sched_yield (a voluntary block, one wake
 *                  sample), checkpoint
 *
 * kt_cache_touch() is also CachePipe's burst. Both kinds share their
 * defaults (size_kb 32, stride 64), checks and setup (the buffer map).
 */
#include <stdint.h>

#include "work_kinds.h"

void kt_cache_touch(struct kt_work_run *r, uint32_t stride, uint64_t n,
		    size_t *pos)
{
	volatile uint8_t *b = r->buf;
	size_t p = *pos, len = r->buf_len;
	uint64_t i;

	for (i = 0; i < n; i++) {
		b[p] = (uint8_t)(b[p] + 1);
		p += stride;
		if (p >= len)
			p -= len;
	}
	*pos = p;
}

static uint64_t pass_touches(const struct kt_work_run *r)
{
	uint64_t n = r->buf_len / r->work.cache.stride;

	return n ? n : 1;
}

static int loop_cache_pressure(struct kt_work_run *r)
{
	uint64_t n = pass_touches(r);
	size_t pos = 0;

	while (!kt_work_stopping(r)) {
		kt_cache_touch(r, r->work.cache.stride, n, &pos);
		kt_tel_checkpoint(r->tel, n, true);
	}
	return 0;
}

static int loop_cache_yield(struct kt_work_run *r)
{
	uint64_t n = pass_touches(r);
	size_t pos = 0;

	while (!kt_work_stopping(r)) {
		kt_cache_touch(r, r->work.cache.stride, n, &pos);
		kt_work_yield(r->tel);
		kt_tel_checkpoint(r->tel, n, true);
	}
	return 0;
}

/* ---- descriptors ---- */

static void cache_resolve(struct kt_work_type *w)
{
	kt_dfl32(&w->cache.size_kb, 32);
	kt_dfl32(&w->cache.stride, 64);
}

static int cache_check(const struct kt_work_kind_desc *d,
		       const struct kt_work_type *w)
{
	return kt_work_check_range(d->name, "size_kb", w->cache.size_kb, 1,
				   KT_MAX_BUF_KB)
		   ?: kt_work_check_range(d->name, "stride", w->cache.stride, 1,
					  (uint64_t)w->cache.size_kb * 1024);
}

static int cache_setup(struct kt_work_run *r, char *err, size_t errlen)
{
	return kt_work_map_buf(r, (size_t)r->work.cache.size_kb * 1024, err,
			       errlen);
}

const struct kt_work_kind_desc kt_cache_pressure_desc = {
    .kind = KT_WORK_CACHE_PRESSURE,
    .name = "CachePressure",
    .parsable = true,
    .group_size = 1,
    .resolve = cache_resolve,
    .check = cache_check,
    .setup = cache_setup,
    .loop = loop_cache_pressure,
};

const struct kt_work_kind_desc kt_cache_yield_desc = {
    .kind = KT_WORK_CACHE_YIELD,
    .name = "CacheYield",
    .parsable = true,
    .blocks = true,
    .group_size = 1,
    .resolve = cache_resolve,
    .check = cache_check,
    .setup = cache_setup,
    .loop = loop_cache_yield,
};
