/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `ktstr stats`: the variant x scenario verdict matrix of a set of
 * sidecars and the distribution of each metric per scenario and
 * variant, as text and JSON.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/stat_test.h"
#include "results/results_group.h"
#include "results/results_priv.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* n, mean, sd, min, median, max of v[0..n) (sorted in place). */
static json_t *dist_json(double *v, size_t n)
{
	struct kt_sample_summary s;
	double med;

	qsort(v, n, sizeof(*v), cmp_double);
	kt_sample_summarize(v, n, &s);
	med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	return json_pack("{s:I, s:f, s:o, s:f, s:f, s:f}", "n", (json_int_t)n,
			 "mean", s.mean, "sd",
			 isfinite(s.sd) ? json_real(s.sd) : json_null(), "min",
			 v[0], "median", med, "max", v[n - 1]);
}

static json_t *cell_json(const struct kt_group *g)
{
	json_t *verdicts = json_object(), *metrics = json_object();
	double *v = calloc(g->nr ? g->nr : 1, sizeof(*v));

	for (int k = 0; k < KT_VERDICT__COUNT; k++)
		if (g->verdicts[k])
			json_object_set_new(verdicts, kt_verdict_name(k),
					    json_integer(g->verdicts[k]));
	for (int m = 0; v && m < KT_METRIC__COUNT; m++) {
		size_t n = kt_group_values(g, m, v);

		if (n)
			json_object_set_new(metrics, kt_metric_desc(m)->name,
					    dist_json(v, n));
	}
	free(v);
	return json_pack("{s:s, s:s, s:I, s:o, s:o}", "scenario", g->scenario,
			 "variant", g->variant, "runs", (json_int_t)g->nr,
			 "verdicts", verdicts, "metrics", metrics);
}

json_t *kt_results_stats_json(const struct kt_results *r)
{
	struct kt_groups gs;
	json_t *cells;

	if (kt_groups_build(r, NULL, &gs))
		return NULL;
	cells = json_array();
	for (size_t i = 0; cells && i < gs.nr; i++)
		json_array_append_new(cells, cell_json(&gs.g[i]));
	kt_groups_free(&gs);
	return json_pack("{s:I, s:o}", "sidecars", (json_int_t)r->nr, "cells",
			 cells);
}

static void print_dist(FILE *out, const struct kt_group *g)
{
	double *v = calloc(g->nr ? g->nr : 1, sizeof(*v));

	for (int m = 0; v && m < KT_METRIC__COUNT; m++) {
		const struct kt_metric_desc *d = kt_metric_desc(m);
		size_t n = kt_group_values(g, m, v);
		struct kt_sample_summary s;

		if (!n)
			continue;
		qsort(v, n, sizeof(*v), cmp_double);
		kt_sample_summarize(v, n, &s);
		fprintf(out, "    %-12s n=%zu mean %.4g", d->name, n, s.mean);
		if (n > 1)
			fprintf(out, " sd %.3g", s.sd);
		fprintf(out, " min %.4g median %.4g max %.4g %s\n", v[0],
			n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2,
			v[n - 1], d->unit);
	}
	free(v);
}

void kt_results_print_stats(const struct kt_results *r, FILE *out)
{
	struct kt_groups gs;

	if (kt_groups_build(r, NULL, &gs)) {
		fprintf(out, "stats: %s\n", kt_last_error());
		return;
	}
	fprintf(out, "%zu sidecar(s), %zu variant(s), %zu scenario(s)\n\n",
		r->nr, gs.nr_variants, gs.nr_scenarios);
	kt_groups_print_matrix(&gs, out);
	fprintf(out, "\n");
	for (size_t i = 0; i < gs.nr; i++) {
		fprintf(out, "%s [%s]\n", gs.g[i].scenario, gs.g[i].variant);
		print_dist(out, &gs.g[i]);
	}
	kt_groups_free(&gs);
}

void kt_results_print_matrix(const struct kt_results *r, FILE *out)
{
	struct kt_groups gs;

	if (kt_groups_build(r, NULL, &gs)) {
		fprintf(out, "matrix: %s\n", kt_last_error());
		return;
	}
	kt_groups_print_matrix(&gs, out);
	kt_groups_free(&gs);
}
