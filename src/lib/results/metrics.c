/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The metrics stats and compare work on: one table (name, unit, which
 * way is better, compare's default gate) and how each is read off one
 * scenario result's per-cgroup stats.
 */
#include <string.h>

#include <jansson.h>

#include "results/results_priv.h"

/* The gates: a change smaller than this is never called a regression,
 * whatever its p-value. They sit above what sets of 3 runs of the same
 * scheduler moved by between themselves on a quiet TCG host (6
 * comparisons of scx-ktstr, 3 scenarios x 3 presets, docs/gauntlet.md):
 * work rate up to 19%, p99 wake 22%, max gap 20% (17 ms), spread 1.9
 * points, migrations 39% (with p down to 0.00015: runs of one set share
 * their hour, so the test alone is not enough). */
static const struct kt_metric_desc metrics[KT_METRIC__COUNT] = {
    [KT_METRIC_WORK_RATE] = {"work_rate", "units/s", true, 25.0, 0},
    [KT_METRIC_P99_WAKE_US] = {"p99_wake_us", "us", false, 35.0, 200.0},
    [KT_METRIC_MAX_GAP_MS] = {"max_gap_ms", "ms", false, 30.0, 20.0},
    [KT_METRIC_SPREAD_PCT] = {"spread_pct", "%", false, 0, 5.0},
    [KT_METRIC_MIGRATIONS] = {"migrations", "/s", false, 60.0, 1.0},
};

double kt_payload_metric_gate_pct(bool higher_is_better)
{
	return higher_is_better ? metrics[KT_METRIC_WORK_RATE].min_change_pct
				: metrics[KT_METRIC_P99_WAKE_US].min_change_pct;
}

size_t kt_payload_metric_values(const json_t *const *results, size_t n,
				const char *payload, const char *name,
				double *out)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		const json_t *a = json_object_get(results[i], "metrics"), *e;
		size_t j;

		json_array_foreach(a, j, e)
		{
			const char *p =
			    json_string_value(json_object_get(e, "payload"));
			const char *m =
			    json_string_value(json_object_get(e, "metric"));
			json_t *v = json_object_get(e, "value");

			if (p && m && json_is_number(v) &&
			    !strcmp(p, payload) && !strcmp(m, name)) {
				out[k++] = json_number_value(v);
				break;
			}
		}
	}
	return k;
}

const struct kt_metric_desc *kt_metric_desc(enum kt_metric m)
{
	return (unsigned)m < KT_METRIC__COUNT ? &metrics[m] : NULL;
}

enum kt_metric kt_metric_by_name(const char *name)
{
	for (int m = 0; name && m < KT_METRIC__COUNT; m++)
		if (!strcmp(metrics[m].name, name))
			return m;
	return KT_METRIC__COUNT;
}

static double num(const json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_number(v) ? json_number_value(v) : 0;
}

static void worst(struct kt_metrics *m, enum kt_metric k, double v)
{
	if (!m->has[k] || v > m->v[k])
		m->v[k] = v;
	m->has[k] = true;
}

void kt_metrics_of_result(const json_t *result, struct kt_metrics *m)
{
	const json_t *stats = json_object_get(result, "stats");
	double secs = num(result, "duration_ns") / 1e9;
	double units = 0, migrations = 0;
	json_t *s;
	size_t i;

	memset(m, 0, sizeof(*m));
	if (!json_array_size(stats))
		return;
	json_array_foreach(stats, i, s)
	{
		units += num(s, "total_work_units");
		migrations += num(s, "total_migrations");
		worst(m, KT_METRIC_MAX_GAP_MS, num(s, "max_gap_ns") / 1e6);
		worst(m, KT_METRIC_SPREAD_PCT, num(s, "spread_pct"));
		if (num(s, "wake_samples") > 0)
			worst(m, KT_METRIC_P99_WAKE_US,
			      num(s, "p99_wake_latency_ns") / 1e3);
	}
	if (secs > 0) {
		m->v[KT_METRIC_WORK_RATE] = units / secs;
		m->v[KT_METRIC_MIGRATIONS] = migrations / secs;
		m->has[KT_METRIC_WORK_RATE] = true;
		m->has[KT_METRIC_MIGRATIONS] = true;
	}
}
