/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The metrics binary payloads add to a result: one entry per payload and
 * metric with its unit and the direction compare judges it by; kept in
 * the result, its JSON ("metrics") and the text report.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "result_metrics.h"

int kt_result_add_metric(struct kt_result *r, const char *payload,
			 const char *name, const char *unit, double value,
			 bool higher_is_better)
{
	struct kt_result_metric *m, e = {
					.payload = strdup(payload ?: ""),
					.name = strdup(name ?: ""),
					.unit = strdup(unit ?: ""),
					.value = value,
					.higher_is_better = higher_is_better,
				    };

	m = e.payload && e.name && e.unit
		? realloc(r->metrics, (r->nr_metrics + 1) * sizeof(*m))
		: NULL;
	if (!m) {
		free(e.payload);
		free(e.name);
		free(e.unit);
		return kt_err(ENOMEM, "result: out of memory for a metric");
	}
	r->metrics = m;
	m[r->nr_metrics++] = e;
	return 0;
}

const struct kt_result_metric *kt_result_metric(const struct kt_result *r,
						const char *payload,
						const char *name)
{
	for (size_t i = 0; i < r->nr_metrics; i++)
		if (!strcmp(r->metrics[i].payload, payload) &&
		    !strcmp(r->metrics[i].name, name))
			return &r->metrics[i];
	return NULL;
}

void kt_result_metrics_free(struct kt_result *r)
{
	for (size_t i = 0; i < r->nr_metrics; i++) {
		free(r->metrics[i].payload);
		free(r->metrics[i].name);
		free(r->metrics[i].unit);
	}
	free(r->metrics);
	r->metrics = NULL;
	r->nr_metrics = 0;
}

int kt_result_metrics_merge(struct kt_result *dst, const struct kt_result *src)
{
	size_t n = src->nr_metrics; /* dst may be src */

	for (size_t i = 0; i < n; i++) {
		const struct kt_result_metric *m = &src->metrics[i];
		int err =
		    kt_result_add_metric(dst, m->payload, m->name, m->unit,
					 m->value, m->higher_is_better);

		if (err)
			return err;
	}
	return 0;
}

json_t *kt_result_metrics_json(const struct kt_result *r)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < r->nr_metrics; i++) {
		const struct kt_result_metric *m = &r->metrics[i];

		if (json_array_append_new(
			a,
			json_pack("{s:s, s:s, s:s, s:f, s:b}", "payload",
				  m->payload, "metric", m->name, "unit",
				  m->unit, "value", m->value,
				  "higher_is_better", m->higher_is_better))) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

int kt_result_metrics_parse(const json_t *j, struct kt_result *r)
{
	json_t *a = json_object_get(j, "metrics"), *e;
	size_t i;

	if (!a)
		return 0;
	if (!json_is_array(a))
		return kt_err(EINVAL, "result JSON: metrics: must be an array");
	json_array_foreach(a, i, e)
	{
		const char *p = NULL, *n = NULL, *u = NULL;
		double v = 0;
		int hib = 0, err;

		if (json_unpack(e, "{s:s, s:s, s:s, s:F, s:b}", "payload", &p,
				"metric", &n, "unit", &u, "value", &v,
				"higher_is_better", &hib))
			return kt_err(EINVAL,
				      "result JSON: metrics[%zu]: needs "
				      "payload, metric, unit (strings), value "
				      "(a number) and higher_is_better",
				      i);
		err = kt_result_add_metric(r, p, n, u, v, hib);
		if (err)
			return err;
	}
	return 0;
}

void kt_result_metrics_print(const struct kt_result *r, FILE *f)
{
	const char *cur = NULL;

	if (!r->nr_metrics)
		return;
	fputs("--- payload metrics ---\n", f);
	for (size_t i = 0; i < r->nr_metrics; i++) {
		const struct kt_result_metric *m = &r->metrics[i];
		bool first = !cur || strcmp(cur, m->payload);

		if (first)
			fprintf(f, "%s  %s:", cur ? "\n" : "", m->payload);
		fprintf(f, "%s %s %.6g %s", first ? "" : ",", m->name, m->value,
			m->unit);
		cur = m->payload;
	}
	fputc('\n', f);
}
