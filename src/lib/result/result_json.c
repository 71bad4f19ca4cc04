/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kt_result <-> JSON (jansson). The object has every field of the result:
 *
 *   { "verdict": "fail", "scenario": "steady", "topo": "1n1l4c1t",
 *     "scheduler": "eevdf", "skip_reason": null, "duration_ns": 2000000000,
 *     "details": [ { "kind": "stuck", "msg": "stuck 3500ms ..." } ],
 *     "stats": [ { "cgroup": "cg_0", "workers": 2, "cpus": 2,
 *                  "min_off_cpu_pct": 1.0, ... } ],
 *     "timeline": [ { "elapsed_ms": 1000, "label": "StepStart[1]",
 *                     "step": 1, "op_mask": 4, "ops": "SetCpuset",
 *                     "cgroups": 2, "workers": 4, "iterations": 812 } ] }
 *
 * Verdicts and detail kinds are their name strings. Missing strings are
 * null; non-finite doubles are written as null and read back as NAN;
 * uint64 values above INT64_MAX saturate (JSON integers are signed here).
 * Parsing requires "verdict", treats other missing keys as zero/NULL/empty,
 * ignores unknown keys, and rejects a wrong type or an unknown name with a
 * message naming the key ("stats[1].workers").
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <ktstr/result.h>

#include "result_lanes.h"
#include "result_workers.h"
#include "result_dump.h"
#include "result_metrics.h"
#include "result_map_writes.h"
#include "result_evidence.h"

enum field_type { F_U32, F_U64, F_F64, F_BOOL };

struct stats_field {
	const char *key;
	enum field_type type;
	size_t off;
};

#define SF(name, t)                                                            \
	{                                                                      \
#name, t, offsetof(struct kt_cgroup_stats, name)               \
	}
static const struct stats_field stats_fields[] = {
    SF(workers, F_U32),
    SF(cpus, F_U32),
    SF(min_off_cpu_pct, F_F64),
    SF(max_off_cpu_pct, F_F64),
    SF(spread_pct, F_F64),
    SF(max_gap_ns, F_U64),
    SF(total_work_units, F_U64),
    SF(total_iterations, F_U64),
    SF(total_migrations, F_U64),
    SF(migration_ratio, F_F64),
    SF(throughput_cv, F_F64),
    SF(p99_wake_latency_ns, F_U64),
    SF(wake_samples, F_U64),
    SF(idle_wait_ns, F_U64),
    SF(min_wait_pct, F_F64),
    SF(max_wait_pct, F_F64),
    SF(spread_on_wait, F_BOOL),
    SF(idle_wait_pct, F_F64),
    SF(ext_workers, F_U32),
    SF(ext_eligible, F_U32),
    SF(p50_wake_latency_ns, F_U64),
    SF(p50_request_latency_ns, F_U64),
    SF(p99_request_latency_ns, F_U64),
    SF(request_samples, F_U64),
};
#undef SF

/* The integer fields of a timeline event (label and ops are strings). */
#define EF(name, t)                                                            \
	{                                                                      \
#name, t, offsetof(struct kt_timeline_event, name)             \
	}
static const struct stats_field event_fields[] = {
    EF(elapsed_ms, F_U64), EF(step, F_U32),    EF(op_mask, F_U32),
    EF(cgroups, F_U32),	   EF(workers, F_U32), EF(iterations, F_U64),
};
#undef EF

/* ---- writing ---- */

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *u64_json(uint64_t v)
{
	return json_integer(v > INT64_MAX ? INT64_MAX : (json_int_t)v);
}

static json_t *f64_json(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

/* Set obj[key] = val (stealing val); false when anything is NULL. */
static bool put(json_t *obj, const char *key, json_t *val)
{
	return val && json_object_set_new(obj, key, val) == 0;
}

static json_t *stats_to_json(const struct kt_cgroup_stats *s)
{
	json_t *o = json_object();
	bool ok = o && put(o, "cgroup", str_or_null(s->cgroup));
	size_t i;

	for (i = 0; ok && i < KT_ARRAY_SIZE(stats_fields); i++) {
		const struct stats_field *f = &stats_fields[i];
		const char *p = (const char *)s + f->off;
		json_t *v;

		if (f->type == F_U32)
			v = json_integer(*(const unsigned int *)p);
		else if (f->type == F_BOOL)
			v = json_boolean(*(const bool *)p);
		else if (f->type == F_U64)
			v = u64_json(*(const uint64_t *)p);
		else
			v = f64_json(*(const double *)p);
		ok = put(o, f->key, v);
	}
	if (!ok) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *event_to_json(const struct kt_timeline_event *e)
{
	json_t *o = json_object();
	bool ok = o && put(o, "label", str_or_null(e->label)) &&
		  put(o, "ops", str_or_null(e->ops));
	size_t i;

	for (i = 0; ok && i < KT_ARRAY_SIZE(event_fields); i++) {
		const struct stats_field *f = &event_fields[i];
		const char *p = (const char *)e + f->off;

		if (f->type == F_U32)
			ok = put(o, f->key,
				 json_integer(*(const unsigned int *)p));
		else
			ok = put(o, f->key, u64_json(*(const uint64_t *)p));
	}
	if (!ok) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* "host": {...} for a measured run, else null. */
static json_t *host_to_json(const struct kt_host_stalls *h)
{
	json_t *o;

	if (!h->measured)
		return json_null();
	o = json_object();
	if (o && put(o, "cpus", json_integer(h->cpus)) &&
	    put(o, "span_ns", u64_json(h->span_ns)) &&
	    put(o, "unavailable_ns", u64_json(h->unavailable_ns)) &&
	    put(o, "longest_ns", u64_json(h->longest_ns)) &&
	    put(o, "longest_cpu", json_integer(h->longest_cpu)) &&
	    put(o, "steal_ns", u64_json(h->steal_ns)))
		return o;
	json_decref(o);
	return NULL;
}

/* "ext_events": {"SELECT_CPU_FALLBACK": 12, ...} */
static json_t *ext_events_to_json(const struct kt_result *r)
{
	json_t *o = json_object();

	for (size_t i = 0; o && i < r->nr_ext_events; i++) {
		if (!put(o, r->ext_events[i].name,
			 u64_json(r->ext_events[i].delta))) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

json_t *kt_result_to_json(const struct kt_result *r)
{
	json_t *o = json_object(), *details = json_array(),
	       *stats = json_array(), *timeline = json_array(), *lanes;
	bool ok = o && details && stats && timeline, oom = false;
	size_t i;

	for (i = 0; ok && i < r->nr_details; i++) {
		json_t *d = json_object();

		if (!d ||
		    !put(
			d, "kind",
			json_string(kt_detail_kind_name(r->details[i].kind))) ||
		    !put(d, "msg", str_or_null(r->details[i].msg))) {
			json_decref(d);
			ok = false;
			break;
		}
		/* steals d, also on failure */
		ok = json_array_append_new(details, d) == 0;
	}
	for (i = 0; ok && i < r->nr_stats; i++) {
		json_t *s = stats_to_json(&r->stats[i]);

		ok = s && json_array_append_new(stats, s) == 0;
	}
	for (i = 0; ok && i < r->nr_timeline; i++) {
		json_t *e = event_to_json(&r->timeline[i]);

		ok = e && json_array_append_new(timeline, e) == 0;
	}
	ok =
	    ok && put(o, "verdict", json_string(kt_verdict_name(r->verdict))) &&
	    put(o, "scenario", str_or_null(r->scenario)) &&
	    put(o, "topo", str_or_null(r->topo)) &&
	    put(o, "scheduler", str_or_null(r->scheduler)) &&
	    put(o, "skip_reason", str_or_null(r->skip_reason)) &&
	    put(o, "duration_ns", u64_json(r->duration_ns)) &&
	    put(o, "host", host_to_json(&r->host)) &&
	    put(o, "ext_events", ext_events_to_json(r)) &&
	    put(o, "workers", kt_result_workers_to_json(r)) &&
	    (!r->nr_metrics || put(o, "metrics", kt_result_metrics_json(r))) &&
	    (!r->nr_dumps || put(o, "dumps", kt_result_dumps_json(r))) &&
	    (!r->nr_map_writes ||
	     put(o, "map_writes", kt_result_map_writes_json(r))) &&
	    (!r->evidence_ns || put(o, "evidence", kt_result_evidence_json(r)));
	lanes = ok ? kt_lanes_to_json(&r->lanes, &oom) : NULL;
	ok = ok && (lanes ? put(o, "lanes", lanes) : !oom);
	if (ok) {
		/* put() steals its value, whether it succeeds or not */
		ok = put(o, "details", details);
		ok = put(o, "stats", stats) && ok;
		ok = put(o, "timeline", timeline) && ok;
		details = stats = timeline = NULL;
	}
	if (!ok) {
		json_decref(o);
		json_decref(details);
		json_decref(stats);
		json_decref(timeline);
		kt_err(ENOMEM, "result to JSON: out of memory");
		return NULL;
	}
	return o;
}

/* ---- reading ---- */

static int bad(const char *key, const char *what)
{
	return kt_err(EINVAL, "result JSON: \"%s\" %s", key, what);
}

/* Optional string or null -> strdup'd copy (or NULL) in *out. */
static int get_str(const json_t *o, const char *name, const char *key,
		   char **out)
{
	json_t *v = json_object_get(o, name);

	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return bad(key, "must be a string or null");
	*out = strdup(json_string_value(v));
	if (!*out)
		return kt_err(ENOMEM, "result JSON: out of memory");
	return 0;
}

static int get_u64(const json_t *o, const char *name, const char *key,
		   uint64_t max, uint64_t *out)
{
	json_t *v = json_object_get(o, name);
	json_int_t i;

	*out = 0;
	if (!v)
		return 0;
	if (!json_is_integer(v))
		return bad(key, "must be an integer");
	i = json_integer_value(v);
	if (i < 0 || (uint64_t)i > max)
		return bad(key, "is out of range");
	*out = (uint64_t)i;
	return 0;
}

static int get_f64(const json_t *o, const char *name, const char *key,
		   double *out)
{
	json_t *v = json_object_get(o, name);

	*out = 0.0;
	if (!v)
		return 0;
	if (json_is_null(v)) {
		*out = NAN;
		return 0;
	}
	if (!json_is_number(v))
		return bad(key, "must be a number or null");
	*out = json_number_value(v);
	return 0;
}

/* Required name string -> index in [0, n) of names[]. */
static int get_name(const json_t *o, const char *name, const char *key,
		    const char *(*name_of)(int), int n, int *out)
{
	json_t *v = json_object_get(o, name);
	int i;

	if (!v)
		return bad(key, "is missing");
	if (!json_is_string(v))
		return bad(key, "must be a string");
	for (i = 0; i < n; i++) {
		if (!strcmp(json_string_value(v), name_of(i))) {
			*out = i;
			return 0;
		}
	}
	return kt_err(EINVAL, "result JSON: \"%s\" has unknown value \"%s\"",
		      key, json_string_value(v));
}

static const char *verdict_name_of(int i)
{
	return kt_verdict_name((enum kt_verdict)i);
}

static const char *kind_name_of(int i)
{
	return kt_detail_kind_name((enum kt_detail_kind)i);
}

static int parse_detail(const json_t *d, size_t idx, struct kt_result *out)
{
	char key[64];
	char *msg;
	int kind, ret;

	snprintf(key, sizeof(key), "details[%zu]", idx);
	if (!json_is_object(d))
		return bad(key, "must be an object");
	snprintf(key, sizeof(key), "details[%zu].kind", idx);
	ret = get_name(d, "kind", key, kind_name_of, KT_DETAIL__COUNT, &kind);
	if (ret)
		return ret;
	snprintf(key, sizeof(key), "details[%zu].msg", idx);
	ret = get_str(d, "msg", key, &msg);
	if (ret)
		return ret;
	/* the verdict comes from "verdict", not from the details */
	ret =
	    kt_result_add(out, (enum kt_detail_kind)kind, "%s", msg ? msg : "");
	free(msg);
	return ret;
}

static int parse_stats(const json_t *s, size_t idx, struct kt_result *out)
{
	struct kt_cgroup_stats st = {0};
	char key[96];
	size_t i;
	int ret;

	snprintf(key, sizeof(key), "stats[%zu]", idx);
	if (!json_is_object(s))
		return bad(key, "must be an object");
	for (i = 0; i < KT_ARRAY_SIZE(stats_fields); i++) {
		const struct stats_field *f = &stats_fields[i];
		char *p = (char *)&st + f->off;
		uint64_t u;

		snprintf(key, sizeof(key), "stats[%zu].%s", idx, f->key);
		if (f->type == F_F64) {
			ret = get_f64(s, f->key, key, (double *)p);
		} else if (f->type == F_BOOL) {
			json_t *b = json_object_get(s, f->key);

			if (b && !json_is_boolean(b))
				return bad(key, "must be true or false");
			*(bool *)p = b && json_is_true(b);
			ret = 0;
		} else if (f->type == F_U32) {
			ret = get_u64(s, f->key, key, UINT_MAX, &u);
			*(unsigned int *)p = (unsigned int)u;
		} else {
			ret =
			    get_u64(s, f->key, key, UINT64_MAX, (uint64_t *)p);
		}
		if (ret)
			return ret;
	}
	snprintf(key, sizeof(key), "stats[%zu].cgroup", idx);
	ret = get_str(s, "cgroup", key, &st.cgroup);
	if (ret)
		return ret;
	ret = kt_result_add_stats(out, &st);
	free(st.cgroup);
	return ret;
}

static int parse_event(const json_t *e, size_t idx, struct kt_result *out)
{
	struct kt_timeline_event ev = {0};
	char key[96];
	size_t i;
	int ret;

	snprintf(key, sizeof(key), "timeline[%zu]", idx);
	if (!json_is_object(e))
		return bad(key, "must be an object");
	for (i = 0; i < KT_ARRAY_SIZE(event_fields); i++) {
		const struct stats_field *f = &event_fields[i];
		char *p = (char *)&ev + f->off;
		uint64_t u;

		snprintf(key, sizeof(key), "timeline[%zu].%s", idx, f->key);
		if (f->type == F_U32) {
			ret = get_u64(e, f->key, key, UINT_MAX, &u);
			*(unsigned int *)p = (unsigned int)u;
		} else {
			ret =
			    get_u64(e, f->key, key, UINT64_MAX, (uint64_t *)p);
		}
		if (ret)
			return ret;
	}
	snprintf(key, sizeof(key), "timeline[%zu].label", idx);
	ret = get_str(e, "label", key, &ev.label);
	if (!ret) {
		snprintf(key, sizeof(key), "timeline[%zu].ops", idx);
		ret = get_str(e, "ops", key, &ev.ops);
	}
	if (!ret)
		ret = kt_result_add_event(out, &ev);
	free(ev.label);
	free(ev.ops);
	return ret;
}

static int parse_array(const json_t *o, const char *name,
		       int (*parse)(const json_t *, size_t, struct kt_result *),
		       struct kt_result *out)
{
	json_t *a = json_object_get(o, name);
	size_t i;
	int ret;

	if (!a)
		return 0;
	if (!json_is_array(a))
		return bad(name, "must be an array");
	for (i = 0; i < json_array_size(a); i++) {
		ret = parse(json_array_get(a, i), i, out);
		if (ret)
			return ret;
	}
	return 0;
}

/* "host": null or the object host_to_json writes. */
static int parse_host(const json_t *j, struct kt_host_stalls *h)
{
	json_t *o = json_object_get(j, "host"), *c;
	uint64_t cpus = 0;
	int ret;

	if (!o || json_is_null(o))
		return 0;
	if (!json_is_object(o))
		return bad("host", "must be an object or null");
	ret = get_u64(o, "cpus", "host.cpus", UINT32_MAX, &cpus);
	ret = ret
		  ?: get_u64(o, "span_ns", "host.span_ns", UINT64_MAX,
			     &h->span_ns);
	ret = ret
		  ?: get_u64(o, "unavailable_ns", "host.unavailable_ns",
			     UINT64_MAX, &h->unavailable_ns);
	ret = ret
		  ?: get_u64(o, "longest_ns", "host.longest_ns", UINT64_MAX,
			     &h->longest_ns);
	ret = ret
		  ?: get_u64(o, "steal_ns", "host.steal_ns", UINT64_MAX,
			     &h->steal_ns);
	if (ret)
		return ret;
	c = json_object_get(o, "longest_cpu");
	if (c && !json_is_integer(c))
		return bad("host.longest_cpu", "must be an integer");
	h->longest_cpu = c ? (int)json_integer_value(c) : -1;
	h->cpus = (unsigned)cpus;
	h->measured = true;
	return 0;
}

/* "ext_events": {"NAME": count, ...} (absent: none). */
static int parse_ext_events(const json_t *j, struct kt_result *out)
{
	json_t *o = json_object_get(j, "ext_events"), *v;
	const char *name;

	if (!o)
		return 0;
	if (!json_is_object(o))
		return bad("ext_events", "must be an object");
	json_object_foreach(o, name, v)
	{
		int ret;

		if (!json_is_integer(v) || json_integer_value(v) < 0)
			return bad("ext_events",
				   "must map names to counts >= 0");
		ret = kt_result_add_ext_event(out, name,
					      (uint64_t)json_integer_value(v));
		if (ret)
			return ret;
	}
	return 0;
}

static int parse_result(const json_t *j, struct kt_result *out)
{
	int verdict, ret;

	if (!json_is_object(j))
		return kt_err(EINVAL, "result JSON: expected an object");
	ret = get_name(j, "verdict", "verdict", verdict_name_of,
		       KT_VERDICT__COUNT, &verdict);
	if (!ret)
		ret = get_str(j, "scenario", "scenario", &out->scenario);
	if (!ret)
		ret = get_str(j, "topo", "topo", &out->topo);
	if (!ret)
		ret = get_str(j, "scheduler", "scheduler", &out->scheduler);
	if (!ret)
		ret =
		    get_str(j, "skip_reason", "skip_reason", &out->skip_reason);
	if (!ret)
		ret = get_u64(j, "duration_ns", "duration_ns", UINT64_MAX,
			      &out->duration_ns);
	if (!ret)
		ret = parse_array(j, "details", parse_detail, out);
	if (!ret)
		ret = parse_array(j, "stats", parse_stats, out);
	if (!ret)
		ret = parse_array(j, "timeline", parse_event, out);
	if (!ret)
		ret = parse_host(j, &out->host);
	if (!ret)
		ret = parse_ext_events(j, out);
	if (!ret)
		ret = kt_result_workers_from_json(j, out);
	if (!ret)
		ret = kt_result_metrics_parse(j, out);
	if (!ret)
		ret = kt_result_dumps_parse(j, out);
	if (!ret)
		ret = kt_result_map_writes_parse(j, out);
	if (!ret)
		ret = kt_lanes_from_json(j, &out->lanes);
	if (!ret)
		ret = kt_result_evidence_parse(j, out);
	if (!ret)
		out->verdict = (enum kt_verdict)verdict;
	return ret;
}

/* On failure out is left empty (as after kt_result_init). */
int kt_result_from_json(const json_t *j, struct kt_result *out)
{
	int ret;

	kt_result_init(out);
	ret = parse_result(j, out);
	if (ret)
		kt_result_free(out);
	return ret;
}
