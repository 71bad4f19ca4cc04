/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The cache kinds: strided read-modify-write passes over a private buffer
 * (mapped in setup, size_kb), one unit per touched location.
 *
 *   CachePressure  one pass (size_kb*1024/stride touches), checkpoint
 *   CacheYield     one pass, sched_yield (a voluntary block, one wake
 *                  sample), checkpoint
 *
 * kt_cache_touch() is also CachePipe's burst.
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

int kt_loop_cache_pressure(struct kt_work_run *r)
{
	uint64_t n = pass_touches(r);
	size_t pos = 0;

	while (!kt_work_stopping(r)) {
		kt_cache_touch(r, r->work.cache.stride, n, &pos);
		kt_tel_checkpoint(r->tel, n, true);
	}
	return 0;
}

int kt_loop_cache_yield(struct kt_work_run *r)
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
