/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A fixed-size log-linear histogram of nanosecond values (wake latency).
 * Plain data, so it lives in shared memory and merges by addition.
 * Relative bucket error is at most 1/KT_HIST_SUB (6.25%).
 */
#ifndef KTSTR_HIST_H
#define KTSTR_HIST_H

#include <stdint.h>

#define KT_HIST_SUB_BITS 4
#define KT_HIST_SUB	 (1u << KT_HIST_SUB_BITS)
#define KT_HIST_BUCKETS	 (64 * KT_HIST_SUB)

struct kt_hist {
	uint64_t count;
	uint64_t sum;
	uint64_t min;
	uint64_t max;
	uint32_t buckets[KT_HIST_BUCKETS];
};

void kt_hist_init(struct kt_hist *h);
void kt_hist_add(struct kt_hist *h, uint64_t v);
void kt_hist_merge(struct kt_hist *dst, const struct kt_hist *src);
/* Value at quantile q in [0,1] (the upper edge of its bucket, clamped to
 * max); 0 for an empty histogram. Index rule: ceil(count*q) - 1. */
uint64_t kt_hist_quantile(const struct kt_hist *h, double q);
uint64_t kt_hist_mean(const struct kt_hist *h);

#endif
