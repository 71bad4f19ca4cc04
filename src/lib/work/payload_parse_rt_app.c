/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One rt-app thread log into metrics. rt-app's input is JSON, but what
 * rt-app 1.0 writes is a text log per thread in its "logdir"
 * (<log_basename>-<task>-<n>.log): a "#idx perf run period start end
 * rel_st slack c_duration c_period wu_lat" header and one row per timer
 * period (tests/fixtures/payload/rt-app-periodic-0.log). The columns are
 * found by the header's names, so a reordered log still parses. A pure
 * parser.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ktstr/payload.h>

#define MAX_COLS 24

struct cols {
	int slack, wu_lat;
};

static void header(const char *line, struct cols *c)
{
	char buf[512], *save = NULL, *tok;
	int i = 0;

	snprintf(buf, sizeof(buf), "%s", line + 1);
	for (tok = strtok_r(buf, " \t", &save); tok && i < MAX_COLS;
	     tok = strtok_r(NULL, " \t", &save), i++) {
		if (!strcmp(tok, "slack"))
			c->slack = i;
		else if (!strcmp(tok, "wu_lat"))
			c->wu_lat = i;
	}
}

/* rt-app prints some signed values as unsigned 64-bit numbers. */
static double column(const char *line, int want)
{
	const char *s = line;
	char *end;

	for (int i = 0; i <= want; i++) {
		unsigned long long v = strtoull(s, &end, 10);

		if (end == s)
			return NAN;
		if (i == want)
			return (double)(long long)v;
		s = end;
	}
	return NAN;
}

struct acc {
	double n, sum, min, max;
};

static void acc_add(struct acc *a, double v)
{
	if (isnan(v))
		return;
	a->min = a->n ? fmin(a->min, v) : v;
	a->max = a->n ? fmax(a->max, v) : v;
	a->sum += v;
	a->n++;
}

static int set(struct kt_payload_metrics *out, const char *task,
	       const char *what, const char *unit, double v, bool hib)
{
	char name[64];

	snprintf(name, sizeof(name), "%s.%s", task, what);
	return kt_payload_metrics_set(out, name, unit, v, hib);
}

int kt_payload_parse_rt_app_log(const char *text, const char *task,
				struct kt_payload_metrics *out)
{
	struct cols c = {-1, -1};
	struct acc slack = {0}, wu = {0};
	int err;

	for (const char *p = text; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char line[512];

		snprintf(line, sizeof(line), "%.*s", (int)len, p);
		if (!strncmp(line, "#idx", 4))
			header(line, &c);
		else if (line[0] != '#' && c.slack >= 0 && c.wu_lat >= 0) {
			double s = column(line, c.slack);
			double w = column(line, c.wu_lat);

			if (!isnan(s) && !isnan(w)) {
				acc_add(&slack, s);
				acc_add(&wu, w);
			}
		}
		p = nl ? nl + 1 : p + len;
	}
	if (c.slack < 0 || c.wu_lat < 0)
		return kt_err(EINVAL,
			      "rt-app log of %s: no \"#idx ... slack "
			      "... wu_lat\" header",
			      task);
	if (!slack.n)
		return kt_err(EINVAL,
			      "rt-app log of %s: no period logged "
			      "(rt-app logs a row per timer period: give the "
			      "task a \"timer\")",
			      task);
	err = set(out, task, "slack_min_us", "us", slack.min, true);
	err = err
		  ?: set(out, task, "slack_avg_us", "us", slack.sum / slack.n,
			 true);
	err =
	    err ?: set(out, task, "wu_lat_avg_us", "us", wu.sum / wu.n, false);
	err = err ?: set(out, task, "wu_lat_max_us", "us", wu.max, false);
	return err ?: set(out, task, "periods", "periods", slack.n, true);
}
