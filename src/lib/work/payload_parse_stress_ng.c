/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * stress-ng's --metrics --yaml file into metrics: the "metrics:" list,
 * one "- stressor: NAME" entry per stressor with its bogo-ops and
 * bogo-ops per second (real time and usr+sys time). A pure parser of
 * the text stress-ng 0.15 writes (tests/fixtures/payload/stress-ng.yaml).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ktstr/payload.h>

/* "  key: value" -> key and value (both trimmed, "- " dropped). */
static bool key_value(const char *line, size_t len, char *key, size_t klen,
		      char *val, size_t vlen)
{
	const char *colon = memchr(line, ':', len), *end = line + len;
	size_t n;

	while (line < end && (*line == ' ' || *line == '-'))
		line++;
	if (!colon || colon < line)
		return false;
	n = (size_t)(colon - line);
	if (!n || n >= klen)
		return false;
	memcpy(key, line, n);
	key[n] = '\0';
	colon++;
	while (colon < end && *colon == ' ')
		colon++;
	n = (size_t)(end - colon);
	if (n >= vlen)
		n = vlen - 1;
	memcpy(val, colon, n);
	val[n] = '\0';
	return true;
}

static int add(struct kt_payload_metrics *out, const char *stressor,
	       const char *what, const char *unit, const char *val)
{
	char name[64], *end;
	double v = strtod(val, &end);

	if (end == val)
		return kt_err(EINVAL,
			      "stress-ng yaml: stressor %s: %s is "
			      "not a number (\"%s\")",
			      stressor, what, val);
	snprintf(name, sizeof(name), "%s.%s", stressor, what);
	return kt_payload_metrics_set(out, name, unit, v, true);
}

static int one_line(const char *line, size_t len, bool *in_metrics,
		    char *stressor, size_t slen, struct kt_payload_metrics *out)
{
	char key[64], val[64];

	if (len && line[0] != ' ' && line[0] != '-') {
		*in_metrics = !strncmp(line, "metrics:", 8);
		return 0;
	}
	if (!*in_metrics ||
	    !key_value(line, len, key, sizeof(key), val, sizeof(val)))
		return 0;
	if (!strcmp(key, "stressor")) {
		snprintf(stressor, slen, "%.40s", val);
		return 0;
	}
	if (!stressor[0])
		return 0;
	if (!strcmp(key, "bogo-ops"))
		return add(out, stressor, "bogo_ops", "bogo-ops", val);
	if (!strcmp(key, "bogo-ops-per-second-real-time"))
		return add(out, stressor, "bogo_ops_s", "bogo-ops/s", val);
	if (!strcmp(key, "bogo-ops-per-second-usr-sys-time"))
		return add(out, stressor, "bogo_ops_s_cpu", "bogo-ops/s", val);
	return 0;
}

int kt_payload_parse_stress_ng(const char *yaml, struct kt_payload_metrics *out)
{
	char stressor[48] = "";
	bool in_metrics = false;
	size_t before = out->nr;
	int err = 0;

	for (const char *p = yaml; p && *p && !err;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		err = one_line(p, len, &in_metrics, stressor, sizeof(stressor),
			       out);
		p = nl ? nl + 1 : p + len;
	}
	if (!err && out->nr == before)
		return kt_err(EINVAL, "stress-ng yaml: no \"metrics:\" entry "
				      "with bogo-ops (was stress-ng run with "
				      "--metrics --yaml?)");
	return err;
}
