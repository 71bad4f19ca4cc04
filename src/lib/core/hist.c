/* SPDX-License-Identifier: GPL-2.0-only */
/* kt_hist: log-linear latency histogram (add, merge, quantile, mean). */
#include <math.h>
#include <string.h>

#include <ktstr/hist.h>

/*
 * Values below KT_HIST_SUB get one exact bucket each. A larger value with
 * its highest set bit at position m lands in group (m - SUB_BITS + 1),
 * split into KT_HIST_SUB linear sub-buckets by the SUB_BITS bits below
 * the highest one.
 */
static unsigned int bucket_of(uint64_t v)
{
	if (v < KT_HIST_SUB)
		return (unsigned int)v;

	unsigned int msb = 63u - (unsigned int)__builtin_clzll(v);
	unsigned int shift = msb - KT_HIST_SUB_BITS;
	unsigned int sub = (unsigned int)(v >> shift) & (KT_HIST_SUB - 1);

	return (shift + 1) * KT_HIST_SUB + sub;
}

/* Largest value that maps to bucket i. */
static uint64_t bucket_upper(unsigned int i)
{
	if (i < KT_HIST_SUB)
		return i;

	unsigned int shift = i / KT_HIST_SUB - 1;
	uint64_t sub = i % KT_HIST_SUB;
	uint64_t lower = (KT_HIST_SUB + sub) << shift;

	return lower + ((1ULL << shift) - 1);
}

void kt_hist_init(struct kt_hist *h)
{
	memset(h, 0, sizeof(*h));
}

void kt_hist_add(struct kt_hist *h, uint64_t v)
{
	if (h->count == 0 || v < h->min)
		h->min = v;
	if (h->count == 0 || v > h->max)
		h->max = v;
	h->count++;
	h->sum += v;
	h->buckets[bucket_of(v)]++;
}

void kt_hist_merge(struct kt_hist *dst, const struct kt_hist *src)
{
	if (src->count == 0)
		return;
	if (dst->count == 0 || src->min < dst->min)
		dst->min = src->min;
	if (dst->count == 0 || src->max > dst->max)
		dst->max = src->max;
	dst->count += src->count;
	dst->sum += src->sum;
	for (unsigned int i = 0; i < KT_HIST_BUCKETS; i++)
		dst->buckets[i] += src->buckets[i];
}

uint64_t kt_hist_quantile(const struct kt_hist *h, double q)
{
	uint64_t rank, cum = 0;

	if (h->count == 0)
		return 0;
	if (!(q > 0.0))
		q = 0.0;
	if (q > 1.0)
		q = 1.0;

	double r = ceil((double)h->count * q);

	rank = r < 1.0 ? 0 : (uint64_t)r - 1;
	if (rank >= h->count)
		rank = h->count - 1;

	for (unsigned int i = 0; i < KT_HIST_BUCKETS; i++) {
		cum += h->buckets[i];
		if (cum > rank) {
			uint64_t v = bucket_upper(i);

			if (v > h->max)
				v = h->max;
			if (v < h->min)
				v = h->min;
			return v;
		}
	}
	return h->max;
}

uint64_t kt_hist_mean(const struct kt_hist *h)
{
	return h->count ? h->sum / h->count : 0;
}
