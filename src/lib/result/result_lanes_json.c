/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The result JSON's "lanes" object (result_lanes.h), the picture of a
 * run with every time in microseconds from the scenario's start:
 *
 *   "lanes": { "end_us": 3012000, "verdict_us": 2210400,
 *              "verdict_at": "evidence", "sched_gone_us": 2190000,
 *              "stalls_measured": true, "stalls_truncated": false,
 *              "steps_offset_us": 5040,
 *              "stalls": [ { "cpu": -1, "start_us": 800100,
 *                            "end_us": 861000 } ],
 *              "workers": [ { "cgroup": "cg_0", "idx": 0, "tid": 212,
 *                             "start_us": 5100, "end_us": 3010000,
 *                             "bucket_us": 50000,
 *                             "gap_limit_us": 2000000,
 *                             "on_cpu_pm": [ 998, 1000, 512, ... ],
 *                             "gaps": [ { "start_us": 1200000,
 *                                         "end_us": 2210000,
 *                                         "cpu_from": 1,
 *                                         "cpu_to": 1 } ] } ] }
 *
 * A step of the result's "timeline" (elapsed_ms on the ops engine's
 * clock) is at steps_offset_us + 1000 x elapsed_ms from the scenario's
 * start. "sched_gone_us" only when the scheduler went during it; the
 * whole object only when a runner timed the scenario. Reading checks
 * each key's type and names it ("lanes.workers[1].gaps[0].end_us").
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "result_lanes.h"

/* ---- writing ---- */

static json_t *us(uint64_t ns)
{
	return json_integer((json_int_t)(ns / 1000));
}

static bool put(json_t *o, const char *key, json_t *v)
{
	return v && json_object_set_new(o, key, v) == 0;
}

static bool append(json_t *a, json_t *v)
{
	return v && json_array_append_new(a, v) == 0;
}

static json_t *gap_json(const struct kt_lane_gap *g)
{
	json_t *o = json_object();

	if (o && put(o, "start_us", us(g->start_ns)) &&
	    put(o, "end_us", us(g->end_ns)) &&
	    put(o, "cpu_from", json_integer(g->cpu_from)) &&
	    put(o, "cpu_to", json_integer(g->cpu_to)))
		return o;
	json_decref(o);
	return NULL;
}

static json_t *lane_json(const struct kt_lane *l)
{
	json_t *o = json_object(), *pm = json_array(), *gaps = json_array();
	bool ok = o && pm && gaps;

	for (unsigned k = 0; ok && k < l->nr_buckets; k++)
		ok = append(pm, json_integer(l->on_cpu_pm[k]));
	for (unsigned i = 0; ok && i < l->nr_gaps; i++)
		ok = append(gaps, gap_json(&l->gaps[i]));
	ok = ok && put(o, "cgroup", json_string(l->cgroup)) &&
	     put(o, "idx", json_integer(l->idx)) &&
	     put(o, "tid", json_integer(l->tid)) &&
	     put(o, "start_us", us(l->start_ns)) &&
	     put(o, "end_us", us(l->end_ns)) &&
	     put(o, "bucket_us", us(l->bucket_ns)) &&
	     put(o, "gap_limit_us", us(l->gap_limit_ns));
	if (ok) {
		ok = put(o, "on_cpu_pm", pm);
		ok = put(o, "gaps", gaps) && ok;
		pm = gaps = NULL;
	}
	json_decref(pm);
	json_decref(gaps);
	if (!ok) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *stall_json(const struct kt_lane_stall *s)
{
	json_t *o = json_object();

	if (o && put(o, "cpu", json_integer(s->cpu)) &&
	    put(o, "start_us", us(s->start_ns)) &&
	    put(o, "end_us", us(s->end_ns)))
		return o;
	json_decref(o);
	return NULL;
}

json_t *kt_lanes_to_json(const struct kt_lanes *l, bool *oom)
{
	json_t *o, *w = json_array(), *st = json_array();
	bool ok = w && st;

	*oom = false;
	if (!l->recorded && !l->nr) {
		json_decref(w);
		json_decref(st);
		return NULL;
	}
	o = json_object();
	for (size_t i = 0; ok && i < l->nr; i++)
		ok = append(w, lane_json(&l->v[i]));
	for (size_t i = 0; ok && i < l->nr_stalls; i++)
		ok = append(st, stall_json(&l->stalls[i]));
	ok =
	    ok && o && put(o, "end_us", us(l->end_ns)) &&
	    put(o, "verdict_us", us(l->verdict_ns)) &&
	    put(o, "verdict_at",
		json_string(kt_verdict_at_name(l->verdict_at))) &&
	    (!l->sched_gone || put(o, "sched_gone_us", us(l->sched_gone_ns))) &&
	    put(o, "stalls_measured", json_boolean(l->stalls_measured)) &&
	    put(o, "stalls_truncated", json_boolean(l->stalls_truncated)) &&
	    put(o, "steps_offset_us", us(l->steps_offset_ns));
	if (ok) {
		ok = put(o, "stalls", st);
		ok = put(o, "workers", w) && ok;
		st = w = NULL;
	}
	json_decref(st);
	json_decref(w);
	if (!ok) {
		json_decref(o);
		*oom = true;
		kt_err(ENOMEM, "result to JSON: out of memory for the lanes");
		return NULL;
	}
	return o;
}

/* ---- reading ---- */

static int bad(const char *where, const char *key, const char *what)
{
	return kt_err(EINVAL, "result JSON: %s.%s: %s", where, key, what);
}

/* An integer key (absent: 0) in lo..hi. */
static int get_int(const json_t *o, const char *where, const char *key,
		   json_int_t lo, json_int_t hi, json_int_t *out)
{
	const json_t *v = json_object_get(o, key);

	*out = 0;
	if (!v)
		return 0;
	if (!json_is_integer(v))
		return bad(where, key, "must be an integer");
	*out = json_integer_value(v);
	if (*out < lo || *out > hi)
		return bad(where, key, "is out of range");
	return 0;
}

/* A time in microseconds (absent: 0) -> ns. */
static int get_us(const json_t *o, const char *where, const char *key,
		  uint64_t *ns)
{
	json_int_t v;
	int err = get_int(o, where, key, 0, INT64_MAX / 1000, &v);

	*ns = (uint64_t)v * 1000;
	return err;
}

static int get_bool(const json_t *o, const char *where, const char *key,
		    bool *out)
{
	const json_t *v = json_object_get(o, key);

	*out = false;
	if (!v)
		return 0;
	if (!json_is_boolean(v))
		return bad(where, key, "must be a boolean");
	*out = json_is_true(v);
	return 0;
}

/* An array key (absent: an empty one; *a NULL). */
static int get_array(const json_t *o, const char *where, const char *key,
		     const json_t **a)
{
	*a = json_object_get(o, key);
	if (*a && !json_is_array(*a))
		return bad(where, key, "must be an array");
	return 0;
}

static int parse_gap(const json_t *g, const char *where,
		     struct kt_lane_gap *out)
{
	json_int_t from, to;
	int err;

	if (!json_is_object(g))
		return kt_err(EINVAL, "result JSON: %s: must be an object",
			      where);
	err = get_us(g, where, "start_us", &out->start_ns) ?:
	      get_us(g, where, "end_us", &out->end_ns) ?:
	      get_int(g, where, "cpu_from", -1, INT32_MAX, &from) ?:
	      get_int(g, where, "cpu_to", -1, INT32_MAX, &to);
	out->cpu_from = (int)from;
	out->cpu_to = (int)to;
	return err;
}

static int parse_buckets(const json_t *o, const char *where, struct kt_lane *l)
{
	const json_t *a, *v;
	json_int_t pm;
	size_t k;
	int err = get_array(o, where, "on_cpu_pm", &a);

	if (err || !a)
		return err;
	if (json_array_size(a) > KT_LANE_BUCKETS)
		return bad(where, "on_cpu_pm", "has too many buckets");
	json_array_foreach(a, k, v)
	{
		if (!json_is_integer(v) || (pm = json_integer_value(v)) < 0 ||
		    pm > 1000)
			return bad(where, "on_cpu_pm",
				   "must hold integers 0-1000");
		l->on_cpu_pm[k] = (uint16_t)pm;
	}
	l->nr_buckets = (unsigned)json_array_size(a);
	return 0;
}

static int parse_lane_gaps(const json_t *o, const char *where,
			   struct kt_lane *l)
{
	const json_t *a, *g;
	char at[160];
	size_t i;
	int err = get_array(o, where, "gaps", &a);

	if (err || !a)
		return err;
	if (json_array_size(a) > KT_LANE_GAPS)
		return bad(where, "gaps", "has too many gaps");
	json_array_foreach(a, i, g)
	{
		snprintf(at, sizeof(at), "%s.gaps[%zu]", where, i);
		err = parse_gap(g, at, &l->gaps[i]);
		if (err)
			return err;
	}
	l->nr_gaps = (unsigned)json_array_size(a);
	return 0;
}

static int parse_lane(const json_t *o, const char *where, struct kt_lane *l)
{
	const json_t *cg = json_object_get(o, "cgroup");
	json_int_t idx, tid;
	int err;

	memset(l, 0, sizeof(*l));
	if (!json_is_object(o))
		return kt_err(EINVAL, "result JSON: %s: must be an object",
			      where);
	if (cg && !json_is_string(cg))
		return bad(where, "cgroup", "must be a string");
	snprintf(l->cgroup, sizeof(l->cgroup), "%s",
		 cg ? json_string_value(cg) : "");
	err = get_int(o, where, "idx", 0, INT32_MAX, &idx) ?:
	      get_int(o, where, "tid", 0, INT32_MAX, &tid) ?:
	      get_us(o, where, "start_us", &l->start_ns) ?:
	      get_us(o, where, "end_us", &l->end_ns) ?:
	      get_us(o, where, "bucket_us", &l->bucket_ns) ?:
	      get_us(o, where, "gap_limit_us", &l->gap_limit_ns) ?:
	      parse_buckets(o, where, l) ?: parse_lane_gaps(o, where, l);
	l->idx = (unsigned)idx;
	l->tid = (int)tid;
	return err;
}

static int parse_workers(const json_t *o, struct kt_lanes *out)
{
	struct kt_lane lane;
	const json_t *a, *v;
	char where[64];
	size_t i;
	int err = get_array(o, "lanes", "workers", &a);

	if (err || !a)
		return err;
	json_array_foreach(a, i, v)
	{
		snprintf(where, sizeof(where), "lanes.workers[%zu]", i);
		err = parse_lane(v, where, &lane) ?: kt_lanes_add(out, &lane);
		if (err)
			return err;
	}
	return 0;
}

static int parse_stalls(const json_t *o, struct kt_lanes *out)
{
	const json_t *a, *v;
	char where[64];
	size_t i;
	int err = get_array(o, "lanes", "stalls", &a);

	if (err || !a)
		return err;
	json_array_foreach(a, i, v)
	{
		struct kt_lane_stall s;
		json_int_t cpu;

		snprintf(where, sizeof(where), "lanes.stalls[%zu]", i);
		if (!json_is_object(v))
			return kt_err(EINVAL,
				      "result JSON: %s: must be an object",
				      where);
		err = get_int(v, where, "cpu", -1, INT32_MAX, &cpu) ?:
		      get_us(v, where, "start_us", &s.start_ns) ?:
		      get_us(v, where, "end_us", &s.end_ns) ?:
		      kt_lanes_add_stall(out, (int)cpu, s.start_ns, s.end_ns);
		if (err)
			return err;
	}
	return 0;
}

static int parse_moments(const json_t *o, struct kt_lanes *out)
{
	const json_t *at = json_object_get(o, "verdict_at");
	int a = 0, err;

	if (at && (!json_is_string(at) ||
		   (a = kt_verdict_at_parse(json_string_value(at))) < 0))
		return bad("lanes", "verdict_at",
			   "must be \"end\", \"evidence\" or \"scheduler\"");
	out->verdict_at = (enum kt_verdict_at)a;
	out->sched_gone = json_object_get(o, "sched_gone_us") != NULL;
	err = get_us(o, "lanes", "end_us", &out->end_ns) ?:
	      get_us(o, "lanes", "verdict_us", &out->verdict_ns) ?:
	      get_us(o, "lanes", "sched_gone_us", &out->sched_gone_ns) ?:
	      get_bool(o, "lanes", "stalls_measured", &out->stalls_measured) ?:
	      get_bool(o, "lanes", "stalls_truncated", &out->stalls_truncated) ?:
	      get_us(o, "lanes", "steps_offset_us", &out->steps_offset_ns);
	return err;
}

int kt_lanes_from_json(const json_t *j, struct kt_lanes *out)
{
	const json_t *o = json_object_get(j, "lanes");
	int err;

	if (!o || json_is_null(o))
		return 0;
	if (!json_is_object(o))
		return kt_err(EINVAL, "result JSON: lanes: must be an object");
	out->recorded = true;
	err = parse_moments(o, out) ?: parse_stalls(o, out) ?:
	      parse_workers(o, out);
	return err;
}
