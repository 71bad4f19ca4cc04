/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `ktstr compare BASE NEW`: per scenario, variant and metric, the two
 * samples of repeated runs, Welch's t-test (or Mann-Whitney), Holm's
 * correction over every test of the comparison, and the per-metric gate;
 * a regression is a change for the worse beyond the gate whose p-value
 * passes Holm's limit. A scenario whose verdicts went from clean to FAIL
 * or SCHED is a regression too.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/stat_test.h"
#include "results/results_group.h"
#include "results/results_priv.h"

struct row {
	const struct kt_group *b, *n;
	enum kt_metric m;
	/* a binary payload's metric (a result's "metrics" entry, borrowed)
	 * instead of m; NULL for the harness's own */
	const json_t *pm;
	char pm_name[160]; /* "payload/metric" */
	struct kt_sample_summary sb, sn;
	double p;	   /* NAN: no test (fewer than 2 runs a side) */
	bool worse;	   /* in the bad direction, beyond the gate */
	bool host_differs; /* the group is not judged (see results.h) */
	bool flagged;
};

/* Parts that take one value on each side and differ are the A/B. */
static void ab_parts(const struct kt_results *b, const struct kt_results *n,
		     bool use[4], FILE *out)
{
	for (int p = 0; p < 4; p++) {
		bool one_b = true, one_n = true;

		for (size_t i = 1; i < b->nr; i++)
			one_b &= !strcmp(b->s[i].part[p], b->s[0].part[p]);
		for (size_t i = 1; i < n->nr; i++)
			one_n &= !strcmp(n->s[i].part[p], n->s[0].part[p]);
		use[p] = !(one_b && one_n &&
			   strcmp(b->s[0].part[p], n->s[0].part[p]));
		if (!use[p])
			fprintf(out, "A/B: %s %s -> %s\n", kt_part_names[p],
				b->s[0].part[p], n->s[0].part[p]);
	}
}

static bool row_hib(const struct row *r)
{
	return r->pm ? json_is_true(json_object_get(r->pm, "higher_is_better"))
		     : kt_metric_desc(r->m)->higher_is_better;
}

static const char *row_name(const struct row *r)
{
	return r->pm ? r->pm_name : kt_metric_desc(r->m)->name;
}

static const char *row_unit(const struct row *r)
{
	return r->pm ? json_string_value(json_object_get(r->pm, "unit"))
		     : kt_metric_desc(r->m)->unit;
}

static size_t row_values(const struct row *r, const struct kt_group *g,
			 double *out)
{
	if (!r->pm)
		return kt_group_values(g, r->m, out);
	return kt_payload_metric_values(
	    (const json_t *const *)g->results, g->nr,
	    json_string_value(json_object_get(r->pm, "payload")),
	    json_string_value(json_object_get(r->pm, "metric")), out);
}

static double gate(const struct kt_compare_opts *o, enum kt_metric m,
		   double base_mean)
{
	const struct kt_metric_desc *d = kt_metric_desc(m);
	double pct = o->min_change_pct[m] >= 0 ? o->min_change_pct[m]
					       : d->min_change_pct;
	double rel = pct / 100.0 * fabs(base_mean);

	return rel > d->min_change_abs ? rel : d->min_change_abs;
}

static int test_row(struct row *r, const struct kt_compare_opts *o)
{
	double *a = calloc(r->b->nr + 1, sizeof(*a));
	double *b = calloc(r->n->nr + 1, sizeof(*b));
	size_t na, nb;
	int err = 0;

	if (!a || !b) {
		free(a);
		free(b);
		return -ENOMEM;
	}
	na = row_values(r, r->b, a);
	nb = row_values(r, r->n, b);
	kt_sample_summarize(a, na, &r->sb);
	kt_sample_summarize(b, nb, &r->sn);
	r->p = NAN;
	if (na >= 2 && nb >= 2) {
		struct kt_welch w;
		struct kt_mann_whitney mw;

		if (o->mann_whitney)
			err = kt_mann_whitney_test(a, na, b, nb, &mw);
		else
			err = kt_welch_test(a, na, b, nb, &w);
		if (!err)
			r->p = o->mann_whitney ? mw.p : w.p;
	}
	if (na && nb) {
		double d = r->sn.mean - r->sb.mean;
		bool bad = row_hib(r) ? d < 0 : d > 0;
		double g = r->pm ? kt_payload_metric_gate_pct(row_hib(r)) /
				       100.0 * fabs(r->sb.mean)
				 : gate(o, r->m, r->sb.mean);

		r->worse = bad && fabs(d) > g;
	}
	free(a);
	free(b);
	return err == -EINVAL ? 0 : err; /* NaN values: no test */
}

static int cmp_p(const void *x, const void *y)
{
	const struct row *a = *(struct row *const *)x,
			 *b = *(struct row *const *)y;

	return a->p < b->p ? -1 : a->p > b->p;
}

/* Holm: walk the tested rows by p; the k-th smallest (0-based) of m
 * passes while p <= alpha / (m - k); flag those that are worse. */
static void holm(struct row *rows, size_t nr, double alpha, double *limit)
{
	struct row **t = calloc(nr + 1, sizeof(*t));
	size_t m = 0;

	for (size_t i = 0; t && i < nr; i++)
		if (!isnan(rows[i].p) && !rows[i].host_differs)
			t[m++] = &rows[i];
	if (t)
		qsort(t, m, sizeof(*t), cmp_p);
	for (size_t k = 0; t && k < m; k++) {
		double lim = alpha / (double)(m - k);

		t[k]->flagged = t[k]->p <= lim && t[k]->worse;
		limit[t[k] - rows] = lim;
		if (t[k]->p > lim)
			break;
	}
	free(t);
}

/* The payload metrics of g's first run, one row each after the others. */
static int payload_rows(const struct kt_group *b, const struct kt_group *g,
			const struct kt_compare_opts *o, struct row *rows,
			size_t *n, bool host_differs)
{
	const json_t *a =
	    g->nr ? json_object_get(g->results[0], "metrics") : NULL;
	const json_t *e;
	size_t i;
	int err = 0;

	json_array_foreach(a, i, e)
	{
		struct row *r = &rows[*n];

		if (err)
			break;
		*r = (struct row){
		    .b = b, .n = g, .pm = e, .host_differs = host_differs};
		snprintf(r->pm_name, sizeof(r->pm_name), "%s/%s",
			 json_string_value(json_object_get(e, "payload")),
			 json_string_value(json_object_get(e, "metric")));
		err = test_row(r, o);
		if (!err && r->sb.n && r->sn.n)
			(*n)++;
	}
	return err;
}

static size_t max_rows(const struct kt_groups *gn)
{
	size_t n = gn->nr * KT_METRIC__COUNT + 1;

	for (size_t i = 0; i < gn->nr; i++)
		if (gn->g[i].nr)
			n += json_array_size(
			    json_object_get(gn->g[i].results[0], "metrics"));
	return n;
}

static int build_rows(const struct kt_groups *gb, const struct kt_groups *gn,
		      const struct kt_compare_opts *o, struct row **out,
		      size_t *nr)
{
	struct row *rows = calloc(max_rows(gn), sizeof(*rows));
	size_t n = 0;
	int err = 0;

	if (!rows)
		return -ENOMEM;
	for (size_t i = 0; !err && i < gn->nr; i++) {
		const struct kt_group *g = &gn->g[i];
		const struct kt_group *b =
		    kt_groups_find(gb, g->scenario, g->variant);

		for (int m = 0; b && !err && m < KT_METRIC__COUNT; m++) {
			double hb = kt_group_host_wait_pct(b);
			double hn = kt_group_host_wait_pct(g);

			rows[n] = (struct row){.b = b, .n = g, .m = m};
			rows[n].host_differs =
			    hb >= 0 && hn >= 0 &&
			    fabs(hb - hn) > KT_COMPARE_HOST_WAIT_PTS;
			err = test_row(&rows[n], o);
			if (!err && rows[n].sb.n && rows[n].sn.n)
				n++;
		}
		if (b && !err) {
			double hb = kt_group_host_wait_pct(b);
			double hn = kt_group_host_wait_pct(g);

			err = payload_rows(b, g, o, rows, &n,
					   hb >= 0 && hn >= 0 &&
					       fabs(hb - hn) >
						   KT_COMPARE_HOST_WAIT_PTS);
		}
	}
	*out = rows;
	*nr = n;
	return err;
}

static bool verdict_regressed(const struct kt_group *b,
			      const struct kt_group *n)
{
	unsigned bad_b =
	    b->verdicts[KT_VERDICT_FAIL] + b->verdicts[KT_VERDICT_SCHED];
	unsigned bad_n =
	    n->verdicts[KT_VERDICT_FAIL] + n->verdicts[KT_VERDICT_SCHED];

	return !bad_b && bad_n;
}

static void print_row(FILE *f, const struct row *r, double limit)
{
	double ch = r->sb.mean
			? 100.0 * (r->sn.mean - r->sb.mean) / fabs(r->sb.mean)
			: 0;

	fprintf(f, "  %-12s base %-10.4g new %-10.4g %+7.1f%%  ", row_name(r),
		r->sb.mean, r->sn.mean, ch);
	if (isnan(r->p))
		fprintf(f, "(no test: %zu and %zu runs)", r->sb.n, r->sn.n);
	else
		fprintf(f, "p=%.3g", r->p);
	if (r->flagged)
		fprintf(f, "  REGRESSION (Holm limit %.3g)", limit);
	fprintf(f, "\n");
}

static json_t *row_json(const struct row *r)
{
	return json_pack(
	    "{s:s, s:s, s:s, s:f, s:f, s:I, s:I, s:o, s:b, s:b}", "scenario",
	    r->n->scenario, "variant", r->n->variant, "metric", row_name(r),
	    "base_mean", r->sb.mean, "new_mean", r->sn.mean, "base_runs",
	    (json_int_t)r->sb.n, "new_runs", (json_int_t)r->sn.n, "p",
	    isnan(r->p) ? json_null() : json_real(r->p), "regression",
	    r->flagged, "host_differs", r->host_differs);
}

/* The group's INCONCLUSIVE line when the host loaded its sides apart. */
static bool host_differs(const struct kt_group *b, const struct kt_group *n,
			 FILE *f)
{
	double hb = kt_group_host_wait_pct(b), hn = kt_group_host_wait_pct(n);

	if (hb < 0 || hn < 0 || fabs(hb - hn) <= KT_COMPARE_HOST_WAIT_PTS)
		return false;
	fprintf(f,
		"  INCONCLUSIVE: the VMs waited for a host CPU %.1f%% of their "
		"time in BASE and %.1f%% in NEW (more than %.0f points apart): "
		"the metrics say more about the host than the scheduler; rerun "
		"on a quieter host\n",
		hb, hn, KT_COMPARE_HOST_WAIT_PTS);
	return true;
}

static void report(const struct kt_groups *gb, const struct kt_groups *gn,
		   const struct row *rows, size_t nr, const double *limit,
		   const struct kt_compare_opts *o, FILE *f,
		   struct kt_compare_outcome *out)
{
	size_t flagged = 0;

	for (size_t i = 0; i < gn->nr; i++) {
		const struct kt_group *g = &gn->g[i];
		const struct kt_group *b =
		    kt_groups_find(gb, g->scenario, g->variant);

		fprintf(f, "%s [%s]%s\n", g->scenario, g->variant,
			b ? "" : ": not in BASE");
		if (b && host_differs(b, g, f))
			out->inconclusive++;
		if (b && verdict_regressed(b, g)) {
			flagged++;
			fprintf(f,
				"  REGRESSION verdict: %u of %zu runs FAIL "
				"or SCHED, none of %zu in BASE\n",
				g->verdicts[KT_VERDICT_FAIL] +
				    g->verdicts[KT_VERDICT_SCHED],
				g->nr, b->nr);
		}
		for (size_t k = 0; k < nr; k++)
			if (rows[k].n == g)
				print_row(f, &rows[k], limit[k]);
	}
	for (size_t k = 0; k < nr; k++) {
		const struct row *r = &rows[k];

		if (o->json)
			json_array_append_new(o->json, row_json(r));
		if (!r->flagged)
			continue;
		flagged++;
		fprintf(f,
			"REGRESSION %s [%s] %s: base mean %.4g, new mean %.4g "
			"%s (%zu and %zu runs), %s p=%.3g\n",
			r->n->scenario, r->n->variant, row_name(r), r->sb.mean,
			r->sn.mean, row_unit(r), r->sb.n, r->sn.n,
			o->mann_whitney ? "Mann-Whitney" : "Welch", r->p);
	}
	out->regressions = flagged;
}

int kt_results_compare(const struct kt_results *base,
		       const struct kt_results *nw,
		       const struct kt_compare_opts *o,
		       struct kt_compare_outcome *out)
{
	FILE *f = o->out ? o->out : stdout;
	struct kt_groups gb, gn;
	struct row *rows = NULL;
	double *limit = NULL;
	size_t nr = 0;
	bool use[4];
	int err;

	memset(out, 0, sizeof(*out));
	ab_parts(base, nw, use, f);
	err = kt_groups_build(base, use, &gb);
	if (err)
		return err;
	err = kt_groups_build(nw, use, &gn);
	if (err) {
		kt_groups_free(&gb);
		return err;
	}
	err = build_rows(&gb, &gn, o, &rows, &nr);
	if (!err && !(limit = calloc(nr + 1, sizeof(*limit))))
		err = -ENOMEM;
	if (!err && !nr)
		err = kt_err(ENOENT,
			     "compare: no scenario and variant of NEW is in "
			     "BASE (the variants must match apart from one "
			     "A/B part)");
	if (!err) {
		holm(rows, nr, o->alpha > 0 ? o->alpha : 0.05, limit);
		report(&gb, &gn, rows, nr, limit, o, f, out);
	}
	free(rows);
	free(limit);
	kt_groups_free(&gb);
	kt_groups_free(&gn);
	return err == -ENOMEM ? kt_err(ENOMEM, "compare: out of memory") : err;
}
