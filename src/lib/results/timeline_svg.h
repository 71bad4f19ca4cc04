/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Private to results/: the geometry and the text of the run's picture
 * (timeline_svg.c), kept apart from the page (timeline_html.c) so unit
 * tests can check them: where a time lands on the x axis, where a lane
 * sits, the bars of a lane's buckets, the tick step of the time axis and
 * escaping text for HTML and SVG.
 */
#ifndef KTSTR_TIMELINE_SVG_H
#define KTSTR_TIMELINE_SVG_H

#include <stdint.h>
#include <stdio.h>

#include <ktstr/result.h>

/* The colours (tests/vm/run-html-tests.sh looks for them in the
 * screenshot). */
#define KT_TL_ONCPU	"#1f77b4" /* on-CPU share of a bucket */
#define KT_TL_OFFCPU	"#d9dee5" /* the lane behind it: off-CPU */
#define KT_TL_GAP	"#e0301e" /* a gap past its cgroup's limit */
#define KT_TL_GAP_SHORT "#f4b6ae" /* a gap within it */
#define KT_TL_HOST	"#f5a623" /* a host stall (vCPU not running) */
#define KT_TL_STEP	"#555555" /* a step's start */
#define KT_TL_SCHED	"#000000" /* the scheduler's end */
#define KT_TL_VERDICT	"#8e24aa" /* the verdict moment */

/* The layout, in CSS pixels. */
#define KT_TL_PLOT_X 200 /* left edge of the plot (labels before it) */
#define KT_TL_PLOT_W 1000
#define KT_TL_WIDTH  (KT_TL_PLOT_X + KT_TL_PLOT_W + 20)
/* the markers' label rows: steps, the scheduler's end, the verdict */
#define KT_TL_ROW_STEP	  12
#define KT_TL_ROW_SCHED	  25
#define KT_TL_ROW_VERDICT 38
#define KT_TL_HOST_Y	  62 /* the host-stall strip (ticks above it) */
#define KT_TL_HOST_H	  8
#define KT_TL_LANES_Y	  78 /* top of the first lane */
#define KT_TL_LANE_H	  16
#define KT_TL_LANE_PITCH  22

/* The axis: 0 to span_ns over the plot. */
struct kt_tl_axis {
	uint64_t span_ns;
};

/* The span that shows everything of r (lanes, steps, moments; 1 ms at
 * least). */
uint64_t kt_tl_span(const struct kt_result *r);
/* x of time t (ns from the scenario's start), clamped to the plot. */
double kt_tl_x(const struct kt_tl_axis *a, uint64_t t);
/* Top of lane i, and the height of a picture with n lanes. */
double kt_tl_lane_y(size_t i);
double kt_tl_height(size_t nr_lanes);

/* One bar: buckets [k, next) of a lane, which have the same share. */
struct kt_tl_bar {
	double x, y, w, h;
	unsigned next; /* the bucket after the run */
	uint16_t pm;
};
/*
 * The bar that starts at bucket k of lane l in lane row i: its height is
 * the share of the lane's height in whole pixels, standing on the lane's
 * bottom, and consecutive buckets of the same height make one bar (pm is
 * the first one's share); its edges are on whole pixels, so neighbouring
 * bars meet without a seam. false when k is past the lane's buckets.
 */
bool kt_tl_bar(const struct kt_tl_axis *a, const struct kt_lane *l, size_t i,
	       unsigned k, struct kt_tl_bar *out);

/* The time axis' tick step in ms: 1, 2 or 5 x 10^n, at most max_ticks
 * ticks over span_ns. */
uint64_t kt_tl_tick_ms(uint64_t span_ns, unsigned max_ticks);

/* s with &, <, >, " and ' as entities, and every control character
 * (tab and newline too) as a space (NULL: nothing). */
void kt_tl_escape(FILE *f, const char *s);

/* The verdict's name in capitals ("FAIL") into buf. */
const char *kt_tl_verdict_caps(enum kt_verdict v, char *buf, size_t len);

/* The SVG picture of r's lanes (timeline_draw.c); r has lanes. */
void kt_tl_svg(FILE *f, const struct kt_result *r);

#endif
