/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cyclictest's output into latency metrics (microseconds, over all its
 * threads): the histogram that -h prints (bucket rows "US COUNT COUNT..."
 * and the "# Total/Min/Avg/Max Latencies/Histogram Overflows" lines),
 * which also gives p99; or else the "T: N ... C: Min: Avg: Max:" summary
 * lines (the last line of each thread wins, as cyclictest redraws them).
 * A pure parser of what rt-tests 2.4 prints
 * (tests/fixtures/payload/cyclictest-*.txt).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ktstr/payload.h>

#define MAX_THREADS 256

struct cyc {
	/* histogram mode */
	bool hist;
	double total, overflows, min, max;
	bool has_avg;
	size_t nr_buckets;
	double *buckets; /* counts summed over threads, by us */
	/* summary mode: per thread, the last line */
	bool seen[MAX_THREADS];
	double t_cycles[MAX_THREADS], t_min[MAX_THREADS], t_avg[MAX_THREADS],
	    t_max[MAX_THREADS];
};

/* The numbers after prefix on line: into v (up to nr), returns how many. */
static size_t numbers(const char *s, double *v, size_t nr)
{
	size_t n = 0;
	char *end;

	while (n < nr) {
		double x = strtod(s, &end);

		if (end == s)
			break;
		v[n++] = x;
		s = end;
	}
	return n;
}

static void hash_line(struct cyc *c, const char *line)
{
	double v[MAX_THREADS];
	size_t n;
	const char *colon = strchr(line, ':');

	if (!colon)
		return;
	n = numbers(colon + 1, v, MAX_THREADS);
	for (size_t i = 0; i < n; i++) {
		if (!strncmp(line, "# Total:", 8)) {
			c->hist = true;
			c->total += v[i];
			c->t_cycles[i] = v[i];
		} else if (!strncmp(line, "# Min Latencies:", 16)) {
			c->min = fmin(c->min, v[i]);
		} else if (!strncmp(line, "# Max Latencies:", 16)) {
			c->max = fmax(c->max, v[i]);
		} else if (!strncmp(line, "# Avg Latencies:", 16)) {
			c->has_avg = true;
			c->t_avg[i] = v[i];
		} else if (!strncmp(line, "# Histogram Overflows:", 22)) {
			c->overflows += v[i];
		}
	}
}

static int bucket_line(struct cyc *c, const char *line)
{
	double v[MAX_THREADS + 1];
	size_t n = numbers(line, v, MAX_THREADS + 1), us;

	if (n < 2 || v[0] < 0 || v[0] > 1e7)
		return 0;
	us = (size_t)v[0];
	if (us >= c->nr_buckets) {
		double *b = realloc(c->buckets, (us + 1) * sizeof(*b));

		if (!b)
			return kt_err(ENOMEM, "cyclictest: out of memory");
		memset(b + c->nr_buckets, 0,
		       (us + 1 - c->nr_buckets) * sizeof(*b));
		c->buckets = b;
		c->nr_buckets = us + 1;
	}
	for (size_t i = 1; i < n; i++)
		c->buckets[us] += v[i];
	return 0;
}

static double field(const char *line, const char *key)
{
	const char *p = strstr(line, key);

	return p ? strtod(p + strlen(key), NULL) : NAN;
}

static void summary_line(struct cyc *c, const char *line)
{
	long t = strtol(line + 2, NULL, 10);

	if (t < 0 || t >= MAX_THREADS || isnan(field(line, "Max:")))
		return;
	c->seen[t] = true;
	c->t_cycles[t] = field(line, "C:");
	c->t_min[t] = field(line, "Min:");
	c->t_avg[t] = field(line, "Avg:");
	c->t_max[t] = field(line, "Max:");
}

static int set(struct kt_payload_metrics *out, const char *name, double v)
{
	bool samples = !strcmp(name, "samples");

	return kt_payload_metrics_set(out, name, samples ? "samples" : "us", v,
				      samples);
}

static int hist_metrics(struct cyc *c, struct kt_payload_metrics *out)
{
	double rank = ceil(0.99 * c->total), seen = 0, p99 = c->max;
	int err;

	for (size_t us = 0; us < c->nr_buckets; us++) {
		seen += c->buckets[us];
		if (seen >= rank) {
			p99 = (double)us;
			break;
		}
	}
	err = set(out, "latency_min_us", c->min);
	err = err ?: set(out, "latency_max_us", c->max);
	err = err ?: set(out, "latency_p99_us", p99);
	err = err ?: set(out, "samples", c->total);
	/* the threads' own averages (cyclictest sums every sample, the
	 * overflows too), weighted by their samples; without them, the
	 * bucket rows' mean with the overflows at the max */
	if (!err) {
		double sum = 0;

		for (size_t t = 0; c->has_avg && t < MAX_THREADS; t++)
			sum += c->t_avg[t] * c->t_cycles[t];
		for (size_t us = 0; !c->has_avg && us < c->nr_buckets; us++)
			sum += (double)us * c->buckets[us];
		if (!c->has_avg)
			sum += c->overflows * c->max;
		err = set(out, "latency_avg_us", sum / c->total);
	}
	return err;
}

static int summary_metrics(struct cyc *c, struct kt_payload_metrics *out)
{
	double cycles = 0, avg = 0, mn = INFINITY, mx = 0;
	int err;

	for (size_t t = 0; t < MAX_THREADS; t++) {
		if (!c->seen[t])
			continue;
		cycles += c->t_cycles[t];
		avg += c->t_avg[t] * c->t_cycles[t];
		mn = fmin(mn, c->t_min[t]);
		mx = fmax(mx, c->t_max[t]);
	}
	if (isinf(mn))
		return kt_err(EINVAL,
			      "cyclictest: no histogram (\"# Total:\") and no "
			      "\"T: N ... Max:\" summary line in its output");
	err = set(out, "latency_min_us", mn);
	err = err ?: set(out, "latency_max_us", mx);
	err = err ?: set(out, "latency_avg_us", cycles > 0 ? avg / cycles : 0);
	return err ?: set(out, "samples", cycles);
}

int kt_payload_parse_cyclictest(const char *text,
				struct kt_payload_metrics *out)
{
	struct cyc *c = calloc(1, sizeof(*c));
	int err = 0;

	if (!c)
		return kt_err(ENOMEM, "cyclictest: out of memory");
	c->min = INFINITY;
	for (const char *p = text; p && *p && !err;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char line[4096], *l;

		snprintf(line, sizeof(line), "%.*s", (int)len, p);
		/* summary lines are redrawn in place (\r, cursor moves) */
		l = strrchr(line, '\r');
		l = l ? l + 1 : line;
		if (l[0] == '#')
			hash_line(c, l);
		else if (l[0] >= '0' && l[0] <= '9')
			err = bucket_line(c, l);
		else if ((l = strstr(l, "T:")))
			summary_line(c, l);
		p = nl ? nl + 1 : p + len;
	}
	if (!err)
		err = c->hist && c->total > 0 ? hist_metrics(c, out)
					      : summary_metrics(c, out);
	free(c->buckets);
	free(c);
	return err;
}
