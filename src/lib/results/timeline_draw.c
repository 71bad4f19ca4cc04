/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The SVG of one scenario's picture (timeline_svg.h): the time axis, the
 * host-stall strip, one lane per worker (the lane's span in the off-CPU
 * colour, the on-CPU share of each bucket as a bar standing in it, each
 * gap as a red box over it with its length in a <title>), then vertical
 * markers for the steps, the host stalls, the scheduler's end and the
 * verdict moment. Plain SVG 1.1 attributes, no script, no CSS needed.
 */
#include <stdio.h>
#include <string.h>

#include "timeline_svg.h"

static double ms(uint64_t ns)
{
	return (double)ns / 1e6;
}

static double secs(uint64_t ns)
{
	return (double)ns / 1e9;
}

static void axis(FILE *f, const struct kt_tl_axis *a, size_t nr_lanes)
{
	uint64_t step = kt_tl_tick_ms(a->span_ns, 10) * 1000000;
	double bottom = kt_tl_lane_y(nr_lanes);

	fprintf(f, "<g class=\"axis\" font-size=\"10\" fill=\"#444\">\n");
	for (uint64_t t = 0; t <= a->span_ns; t += step) {
		double x = kt_tl_x(a, t);

		fprintf(f,
			"<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\" "
			"stroke=\"#e6e6e6\"/>",
			x, KT_TL_HOST_Y - 4, x, bottom);
		fprintf(f,
			"<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">"
			"%.*fs</text>\n",
			x, KT_TL_HOST_Y - 6, step % 1000000000 ? 2 : 0,
			secs(t));
	}
	fprintf(f, "</g>\n");
}

/* The strip of host stalls above the lanes, and a faint band over them. */
static void stalls(FILE *f, const struct kt_tl_axis *a,
		   const struct kt_lanes *l)
{
	double bottom = kt_tl_lane_y(l->nr);

	fprintf(f,
		"<text x=\"%d\" y=\"%d\" text-anchor=\"end\" font-size=\"10\">"
		"host stalls%s</text>\n",
		KT_TL_PLOT_X - 8, KT_TL_HOST_Y + KT_TL_HOST_H,
		l->stalls_measured ? "" : " (not measured)");
	fprintf(f,
		"<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
		"fill=\"none\" stroke=\"#ccc\"/>\n",
		KT_TL_PLOT_X, KT_TL_HOST_Y, KT_TL_PLOT_W, KT_TL_HOST_H);
	for (size_t i = 0; i < l->nr_stalls; i++) {
		const struct kt_lane_stall *s = &l->stalls[i];
		double x = kt_tl_x(a, s->start_ns);
		double w = kt_tl_x(a, s->end_ns) - x;

		fprintf(f, "<g class=\"stall\"><title>host stall: ");
		if (s->cpu < 0)
			fprintf(f, "every vCPU");
		else
			fprintf(f, "vCPU %d", s->cpu);
		fprintf(
		    f,
		    " did not run for %.0f ms (+%.3f s to +%.3f s)</title>"
		    "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" "
		    "fill=\"" KT_TL_HOST "\"/><rect x=\"%.1f\" y=\"%d\" "
		    "width=\"%.1f\" height=\"%.1f\" fill=\"" KT_TL_HOST
		    "\" fill-opacity=\"0.25\"/></g>\n",
		    ms(s->end_ns - s->start_ns), secs(s->start_ns),
		    secs(s->end_ns), x, KT_TL_HOST_Y, w < 1 ? 1 : w,
		    KT_TL_HOST_H, x, KT_TL_LANES_Y, w < 1 ? 1 : w,
		    bottom - KT_TL_LANES_Y);
	}
}

/* The worker's on-CPU share over its run, in per mille. */
static unsigned lane_share(const struct kt_lane *l)
{
	uint64_t sum = 0;

	for (unsigned k = 0; k < l->nr_buckets; k++)
		sum += l->on_cpu_pm[k];
	return l->nr_buckets ? (unsigned)(sum / l->nr_buckets) : 0;
}

static void gap(FILE *f, const struct kt_tl_axis *a, const struct kt_lane *l,
		const struct kt_lane_gap *g, double y)
{
	double x = kt_tl_x(a, g->start_ns), w = kt_tl_x(a, g->end_ns) - x;
	uint64_t len = g->end_ns - g->start_ns;
	bool over = !l->gap_limit_ns || len > l->gap_limit_ns;

	fprintf(f,
		"<rect class=\"gap\" data-over-limit=\"%d\" x=\"%.1f\" "
		"y=\"%.1f\" width=\"%.1f\" height=\"%d\" fill=\"%s\">"
		"<title>gap %.0f ms",
		over, x, y, w < 1 ? 1 : w, KT_TL_LANE_H,
		over ? KT_TL_GAP : KT_TL_GAP_SHORT, ms(len));
	if (l->gap_limit_ns)
		fprintf(f, " (limit %.0f ms)", ms(l->gap_limit_ns));
	fprintf(f, ": ");
	kt_tl_escape(f, l->cgroup);
	fprintf(f, "/%u tid %d off its work from +%.3f s to +%.3f s", l->idx,
		l->tid, secs(g->start_ns), secs(g->end_ns));
	if (g->cpu_from >= 0)
		fprintf(f, ", cpu%d to cpu%d", g->cpu_from, g->cpu_to);
	fprintf(f, "</title></rect>\n");
}

static void lane(FILE *f, const struct kt_tl_axis *a, const struct kt_lane *l,
		 size_t i)
{
	double y = kt_tl_lane_y(i), x0 = kt_tl_x(a, l->start_ns);
	struct kt_tl_bar b;

	fprintf(f, "<g class=\"lane\" data-cgroup=\"");
	kt_tl_escape(f, l->cgroup);
	fprintf(f, "\" data-idx=\"%u\" data-tid=\"%d\"><title>", l->idx,
		l->tid);
	kt_tl_escape(f, l->cgroup);
	fprintf(f,
		"/%u tid %d: +%.3f s to +%.3f s, on-CPU %u.%u%%, %u gap(s) "
		"of %.0f ms or more</title>\n",
		l->idx, l->tid, secs(l->start_ns), secs(l->end_ns),
		lane_share(l) / 10, lane_share(l) % 10, l->nr_gaps,
		ms(KT_LANE_MIN_GAP_NS));
	fprintf(f,
		"<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" "
		"font-size=\"11\">",
		KT_TL_PLOT_X - 8, y + 12);
	kt_tl_escape(f, l->cgroup);
	fprintf(f, "/%u tid %d</text>\n", l->idx, l->tid);
	fprintf(f,
		"<rect class=\"off\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
		"height=\"%d\" fill=\"" KT_TL_OFFCPU "\"/>\n",
		x0, y, kt_tl_x(a, l->end_ns) - x0, KT_TL_LANE_H);
	for (unsigned k = 0; kt_tl_bar(a, l, i, k, &b); k = b.next)
		if (b.h > 0 && b.w > 0)
			fprintf(
			    f,
			    "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" "
			    "width=\"%.1f\" height=\"%.1f\" fill=\"" KT_TL_ONCPU
			    "\"/>\n",
			    b.x, b.y, b.w, b.h);
	for (unsigned g = 0; g < l->nr_gaps; g++)
		gap(f, a, l, &l->gaps[g], y);
	fprintf(f, "</g>\n");
}

/* A vertical marker over the whole picture with its label at row y. */
static void marker(FILE *f, const struct kt_tl_axis *a, uint64_t t,
		   const char *cls, const char *colour, const char *dash,
		   int label_y, const char *label, size_t nr_lanes)
{
	double x = kt_tl_x(a, t);

	fprintf(f, "<g class=\"%s\"><title>", cls);
	kt_tl_escape(f, label);
	fprintf(f, " at +%.3f s</title>", secs(t));
	fprintf(f,
		"<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\" "
		"stroke=\"%s\" stroke-width=\"2\"%s%s%s/>",
		x, label_y + 2, x, kt_tl_lane_y(nr_lanes), colour,
		dash ? " stroke-dasharray=\"" : "", dash ? dash : "",
		dash ? "\"" : "");
	/* a label that would run off the right edge ends at the line */
	if (x + 3 + 6.0 * (double)strlen(label) > KT_TL_WIDTH)
		fprintf(f,
			"<text x=\"%.1f\" y=\"%d\" font-size=\"10\" "
			"fill=\"%s\" text-anchor=\"end\">",
			x - 3, label_y, colour);
	else
		fprintf(f,
			"<text x=\"%.1f\" y=\"%d\" font-size=\"10\" "
			"fill=\"%s\">",
			x + 3, label_y, colour);
	kt_tl_escape(f, label);
	fprintf(f, "</text></g>\n");
}

static void steps(FILE *f, const struct kt_tl_axis *a,
		  const struct kt_result *r)
{
	for (size_t i = 0; i < r->nr_timeline; i++) {
		const struct kt_timeline_event *e = &r->timeline[i];
		char label[160];

		if (!e->label || !strcmp(e->label, "ScenarioStart"))
			continue;
		snprintf(label, sizeof(label), "%s%s%s", e->label,
			 e->ops && *e->ops ? " " : "", e->ops ? e->ops : "");
		marker(f, a, r->lanes.steps_offset_ns + e->elapsed_ms * 1000000,
		       "step", KT_TL_STEP, "4 3", KT_TL_ROW_STEP, label,
		       r->lanes.nr);
	}
}

static void moments(FILE *f, const struct kt_tl_axis *a,
		    const struct kt_result *r)
{
	const struct kt_lanes *l = &r->lanes;
	char label[96], v[16];

	if (l->sched_gone)
		marker(f, a, l->sched_gone_ns, "sched-gone", KT_TL_SCHED, NULL,
		       KT_TL_ROW_SCHED, "scheduler gone", l->nr);
	snprintf(label, sizeof(label), "verdict %s%s",
		 kt_tl_verdict_caps(r->verdict, v, sizeof(v)),
		 l->verdict_at == KT_VERDICT_AT_EVIDENCE ? " (at the evidence)"
		 : l->verdict_at == KT_VERDICT_AT_SCHEDULER
		     ? " (the scheduler went)"
		     : "");
	marker(f, a, l->verdict_ns, "verdict-at", KT_TL_VERDICT, NULL,
	       KT_TL_ROW_VERDICT, label, l->nr);
}

void kt_tl_svg(FILE *f, const struct kt_result *r)
{
	struct kt_tl_axis a = {kt_tl_span(r)};
	const struct kt_lanes *l = &r->lanes;

	fprintf(f,
		"<svg width=\"%d\" "
		"height=\"%.0f\" viewBox=\"0 0 %d %.0f\" role=\"img\" "
		"font-family=\"sans-serif\" shape-rendering=\"crispEdges\">\n",
		KT_TL_WIDTH, kt_tl_height(l->nr), KT_TL_WIDTH,
		kt_tl_height(l->nr));
	axis(f, &a, l->nr);
	stalls(f, &a, l);
	for (size_t i = 0; i < l->nr; i++)
		lane(f, &a, &l->v[i], i);
	steps(f, &a, r);
	moments(f, &a, r);
	fprintf(f, "</svg>\n");
}
