/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * schbench's report into metrics: the "Wakeup Latencies percentiles",
 * "Request Latencies percentiles" and "RPS percentiles" blocks (lines
 * "[*] 99.0th: VALUE (N samples)" and "min=A, max=B") and "average rps:".
 * schbench prints a report every interval and a last one at the end, so
 * later values replace earlier ones. schbench is not packaged in Debian;
 * this follows the format of its README and of the reports posted with
 * scheduler patches (tests/fixtures/payload/schbench.txt). A pure parser.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ktstr/payload.h>

static const char *section(const char *l, const char *cur)
{
	if (strstr(l, "Wakeup Latencies percentiles"))
		return "wakeup";
	if (strstr(l, "Request Latencies percentiles"))
		return "request";
	if (strstr(l, "RPS percentiles"))
		return "rps";
	return cur;
}

static int metric(struct kt_payload_metrics *out, const char *sec,
		  const char *what, double v)
{
	bool rps = !strcmp(sec, "rps");
	char name[64];

	snprintf(name, sizeof(name), "%s_%s%s", sec, what, rps ? "" : "_us");
	return kt_payload_metrics_set(out, name, rps ? "requests/s" : "us", v,
				      rps);
}

/* "  * 99.0th: 64   (150 samples)" -> p99; "99.9th" -> p999;
 * "50.0000th" (older schbench) -> p50 */
static int percentile(struct kt_payload_metrics *out, const char *sec,
		      const char *l)
{
	const char *th = strstr(l, "th:");
	char digits[16], what[20];
	size_t n = 0, whole = 0;
	char *end;
	double v;

	if (!th)
		return 0;
	while (*l == ' ' || *l == '\t' || *l == '*')
		l++;
	for (; l < th && n + 1 < sizeof(digits); l++) {
		if (*l >= '0' && *l <= '9')
			digits[n++] = *l;
		else if (*l == '.' && !whole)
			whole = n;
		else
			return 0;
	}
	/* drop the fraction's trailing zeros */
	while (whole && n > whole && digits[n - 1] == '0')
		n--;
	digits[n] = '\0';
	v = strtod(th + 3, &end);
	if (!n || end == th + 3)
		return 0;
	snprintf(what, sizeof(what), "p%s", digits);
	return metric(out, sec, what, v);
}

static int one_line(struct kt_payload_metrics *out, const char **sec,
		    const char *l)
{
	const char *m;

	*sec = section(l, *sec);
	if ((m = strstr(l, "average rps:")))
		return kt_payload_metrics_set(out, "average_rps", "requests/s",
					      strtod(m + 12, NULL), true);
	if (!*sec)
		return 0;
	if ((m = strstr(l, "min=")) && strstr(l, "max=")) {
		int err = metric(out, *sec, "min", strtod(m + 4, NULL));

		return err
			   ?: metric(out, *sec, "max",
				     strtod(strstr(l, "max=") + 4, NULL));
	}
	return percentile(out, *sec, l);
}

int kt_payload_parse_schbench(const char *text, struct kt_payload_metrics *out)
{
	const char *sec = NULL;
	size_t before = out->nr;
	int err = 0;

	for (const char *p = text; p && *p && !err;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char line[512];

		snprintf(line, sizeof(line), "%.*s", (int)len, p);
		err = one_line(out, &sec, line);
		p = nl ? nl + 1 : p + len;
	}
	if (!err && out->nr == before)
		return kt_err(EINVAL, "schbench: no \"Latencies percentiles\" "
				      "report in its output");
	return err;
}
