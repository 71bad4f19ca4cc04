/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The geometry and text of the run's picture (timeline_svg.h): the time
 * axis over the plot, the lanes' rows, the bars of on-CPU share, the tick
 * step and HTML/SVG escaping. No I/O but the escaping's fputs.
 */
#include <ctype.h>
#include <math.h>
#include <string.h>

#include "timeline_svg.h"

static uint64_t max64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

uint64_t kt_tl_span(const struct kt_result *r)
{
	const struct kt_lanes *l = &r->lanes;
	uint64_t s = max64(l->end_ns, l->verdict_ns);

	if (l->sched_gone)
		s = max64(s, l->sched_gone_ns);
	for (size_t i = 0; i < l->nr; i++)
		s = max64(s, l->v[i].end_ns);
	for (size_t i = 0; i < l->nr_stalls; i++)
		s = max64(s, l->stalls[i].end_ns);
	for (size_t i = 0; i < r->nr_timeline; i++)
		s = max64(s, l->steps_offset_ns +
				 r->timeline[i].elapsed_ms * 1000000);
	return max64(s, KT_MS(1));
}

double kt_tl_x(const struct kt_tl_axis *a, uint64_t t)
{
	uint64_t span = a->span_ns ? a->span_ns : 1;

	if (t > span)
		t = span;
	return KT_TL_PLOT_X + (double)t * KT_TL_PLOT_W / (double)span;
}

double kt_tl_lane_y(size_t i)
{
	return KT_TL_LANES_Y + (double)i * KT_TL_LANE_PITCH;
}

double kt_tl_height(size_t nr_lanes)
{
	return kt_tl_lane_y(nr_lanes) + 10;
}

/* A share's bar height in whole pixels of the lane. */
static unsigned px_of(uint16_t pm)
{
	return ((pm > 1000 ? 1000 : pm) * KT_TL_LANE_H + 500) / 1000;
}

bool kt_tl_bar(const struct kt_tl_axis *a, const struct kt_lane *l, size_t i,
	       unsigned k, struct kt_tl_bar *out)
{
	unsigned n =
	    l->nr_buckets < KT_LANE_BUCKETS ? l->nr_buckets : KT_LANE_BUCKETS;
	uint64_t t0, t1;
	unsigned e = k;

	if (k >= n || !l->bucket_ns)
		return false;
	while (e < n && px_of(l->on_cpu_pm[e]) == px_of(l->on_cpu_pm[k]))
		e++;
	t0 = l->start_ns + k * l->bucket_ns;
	t1 = l->start_ns + e * l->bucket_ns;
	if (t1 > l->end_ns)
		t1 = l->end_ns > t0 ? l->end_ns : t0;
	out->pm = l->on_cpu_pm[k] > 1000 ? 1000 : l->on_cpu_pm[k];
	out->next = e;
	out->x = round(kt_tl_x(a, t0));
	out->w = round(kt_tl_x(a, t1)) - out->x;
	out->h = px_of(out->pm);
	out->y = kt_tl_lane_y(i) + KT_TL_LANE_H - out->h;
	return true;
}

uint64_t kt_tl_tick_ms(uint64_t span_ns, unsigned max_ticks)
{
	static const uint64_t mult[] = {1, 2, 5};
	uint64_t span_ms = span_ns / 1000000;

	if (!max_ticks)
		max_ticks = 1;
	for (uint64_t p = 1;; p *= 10)
		for (size_t m = 0; m < 3; m++)
			if (span_ms / (mult[m] * p) <= max_ticks ||
			    p > UINT64_MAX / 100)
				return mult[m] * p;
}

const char *kt_tl_verdict_caps(enum kt_verdict v, char *buf, size_t len)
{
	const char *n = kt_verdict_name(v);
	size_t i;

	for (i = 0; len && i + 1 < len && n[i]; i++)
		buf[i] = (char)toupper((unsigned char)n[i]);
	if (len)
		buf[i] = '\0';
	return buf;
}

void kt_tl_escape(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		switch (c) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&#39;", f);
			break;
		default:
			fputc(c < 0x20 || c == 0x7f ? ' ' : c, f);
		}
	}
}
