/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The result's per-worker entries: one kt_worker_entry per judged worker
 * (its tid and tgid, configured and kernel-reported scheduling policy,
 * affinity, memory policy and what get_mempolicy read back, a Deadline
 * worker's measured CPU per period), made from a worker report, and their
 * JSON form (the result's "workers" array):
 *
 *   "workers": [ { "cgroup": "cg_0", "tid": 212, "tgid": 210,
 *                  "policy": "Deadline", "policy_seen": 6,
 *                  "cpus_allowed": "0-3", "cpu_time_ns": ..., ...,
 *                  "dl_runtime_ns": 3000000, "dl_period_ns": 10000000,
 *                  "dl_got_ns": 2950000, "mem_policy": "Bind(1)",
 *                  "mem_seen": "Bind(1)", "spawn_ns": 5120456789,
 *                  "gate_ns": 5123456789 } ]
 *
 * spawn_ns is CLOCK_MONOTONIC when the worker began (before its setup),
 * gate_ns when it started working. Zero deadline values and times, and
 * empty memory-policy strings are left out.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <ktstr/result.h>
#include <ktstr/workload.h>

#include "result_workers.h"
#include "work/mem_policy.h"

int kt_result_add_worker(struct kt_result *r, const struct kt_worker_entry *e)
{
	/* A copy first: e may point into r->workers (merge into itself). */
	struct kt_worker_entry c = *e, *w;

	w = realloc(r->workers, (r->nr_workers + 1) * sizeof(*w));
	if (!w)
		return kt_err(ENOMEM, "result: out of memory for a worker");
	r->workers = w;
	w[r->nr_workers++] = c;
	return 0;
}

uint64_t kt_dl_got_ns(const struct kt_worker_report *r)
{
	if (r->policy != KT_POLICY_DEADLINE || !r->wall_time_ns)
		return 0;
	return (uint64_t)((double)r->cpu_time_ns * (double)r->dl_period_ns /
			  (double)r->wall_time_ns);
}

void kt_worker_entry_of(const struct kt_worker_report *r, const char *cgroup,
			struct kt_worker_entry *e)
{
	memset(e, 0, sizeof(*e));
	snprintf(e->cgroup, sizeof(e->cgroup), "%s", cgroup ? cgroup : "");
	e->tid = (int)r->tid;
	e->tgid = (int)r->tgid;
	snprintf(e->policy, sizeof(e->policy), "%s", kt_policy_name(r->policy));
	e->policy_seen = r->policy_known ? r->policy_seen : -1;
	kt_cpuset_format(&r->cpus_allowed, e->cpus_allowed,
			 sizeof(e->cpus_allowed));
	e->cpu_time_ns = r->cpu_time_ns;
	e->wall_time_ns = r->wall_time_ns;
	e->work_units = r->work_units;
	e->dl_runtime_ns = r->dl_runtime_ns;
	e->dl_period_ns = r->dl_period_ns;
	e->dl_got_ns = kt_dl_got_ns(r);
	e->gate_ns = r->gate_ns;
	e->spawn_ns = r->spawn_ns;
	if (r->mem_policy.kind != KT_MPOL_DEFAULT)
		kt_mempol_str(&r->mem_policy, e->mem_policy,
			      sizeof(e->mem_policy));
	if (r->mem_checked) {
		struct kt_mem_policy seen;

		kt_mempol_from_kernel(r->mem_mode_seen, r->mem_nodes_seen,
				      &seen);
		kt_mempol_str(&seen, e->mem_seen, sizeof(e->mem_seen));
	}
}

/* ---- JSON ---- */

static bool put(json_t *o, const char *key, json_t *v)
{
	return v && json_object_set_new(o, key, v) == 0;
}

static json_t *u64(uint64_t v)
{
	return json_integer(v > INT64_MAX ? INT64_MAX : (json_int_t)v);
}

static json_t *entry_to_json(const struct kt_worker_entry *e)
{
	json_t *o = json_object();
	bool ok = o && put(o, "cgroup", json_string(e->cgroup)) &&
		  put(o, "tid", json_integer(e->tid)) &&
		  put(o, "tgid", json_integer(e->tgid)) &&
		  put(o, "policy", json_string(e->policy)) &&
		  put(o, "policy_seen", json_integer(e->policy_seen)) &&
		  put(o, "cpus_allowed", json_string(e->cpus_allowed)) &&
		  put(o, "cpu_time_ns", u64(e->cpu_time_ns)) &&
		  put(o, "wall_time_ns", u64(e->wall_time_ns)) &&
		  put(o, "work_units", u64(e->work_units));

	if (ok && e->dl_period_ns)
		ok = put(o, "dl_runtime_ns", u64(e->dl_runtime_ns)) &&
		     put(o, "dl_period_ns", u64(e->dl_period_ns)) &&
		     put(o, "dl_got_ns", u64(e->dl_got_ns));
	if (ok && e->mem_policy[0])
		ok = put(o, "mem_policy", json_string(e->mem_policy));
	if (ok && e->mem_seen[0])
		ok = put(o, "mem_seen", json_string(e->mem_seen));
	if (ok && e->gate_ns)
		ok = put(o, "gate_ns", u64(e->gate_ns));
	if (ok && e->spawn_ns)
		ok = put(o, "spawn_ns", u64(e->spawn_ns));
	if (!ok) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *kt_result_workers_to_json(const struct kt_result *r)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < r->nr_workers; i++) {
		json_t *e = entry_to_json(&r->workers[i]);

		if (!e || json_array_append_new(a, e)) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

static int get_text(const json_t *o, const char *key, char *buf, size_t len,
		    size_t idx)
{
	const json_t *v = json_object_get(o, key);

	buf[0] = '\0';
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return kt_err(EINVAL,
			      "result JSON: workers[%zu].%s: must be a string",
			      idx, key);
	snprintf(buf, len, "%s", json_string_value(v));
	return 0;
}

static int get_int(const json_t *o, const char *key, int64_t lo, int64_t *out,
		   size_t idx)
{
	const json_t *v = json_object_get(o, key);

	*out = 0;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < lo)
		return kt_err(EINVAL,
			      "result JSON: workers[%zu].%s: must be an "
			      "integer >= %lld",
			      idx, key, (long long)lo);
	*out = json_integer_value(v);
	return 0;
}

static int parse_entry(const json_t *o, size_t idx, struct kt_worker_entry *e)
{
	static const struct {
		const char *key;
		size_t off;
	} nums[] = {
	    {"cpu_time_ns", offsetof(struct kt_worker_entry, cpu_time_ns)},
	    {"wall_time_ns", offsetof(struct kt_worker_entry, wall_time_ns)},
	    {"work_units", offsetof(struct kt_worker_entry, work_units)},
	    {"dl_runtime_ns", offsetof(struct kt_worker_entry, dl_runtime_ns)},
	    {"dl_period_ns", offsetof(struct kt_worker_entry, dl_period_ns)},
	    {"dl_got_ns", offsetof(struct kt_worker_entry, dl_got_ns)},
	    {"gate_ns", offsetof(struct kt_worker_entry, gate_ns)},
	    {"spawn_ns", offsetof(struct kt_worker_entry, spawn_ns)},
	};
	int64_t v;
	int err;

	if (!json_is_object(o))
		return kt_err(EINVAL,
			      "result JSON: workers[%zu]: must be an object",
			      idx);
	err = get_text(o, "cgroup", e->cgroup, sizeof(e->cgroup), idx) ?:
	      get_text(o, "policy", e->policy, sizeof(e->policy), idx) ?:
	      get_text(o, "cpus_allowed", e->cpus_allowed,
		       sizeof(e->cpus_allowed), idx) ?:
	      get_text(o, "mem_policy", e->mem_policy,
		       sizeof(e->mem_policy), idx) ?:
	      get_text(o, "mem_seen", e->mem_seen, sizeof(e->mem_seen), idx);
	err = err ?: get_int(o, "tid", 0, &v, idx);
	e->tid = (int)v;
	err = err ?: get_int(o, "tgid", 0, &v, idx);
	e->tgid = (int)v;
	err = err ?: get_int(o, "policy_seen", -1, &v, idx);
	e->policy_seen = (int)v;
	for (size_t k = 0; !err && k < KT_ARRAY_SIZE(nums); k++) {
		err = get_int(o, nums[k].key, 0, &v, idx);
		*(uint64_t *)((char *)e + nums[k].off) = (uint64_t)v;
	}
	return err;
}

int kt_result_workers_from_json(const json_t *j, struct kt_result *out)
{
	const json_t *a = json_object_get(j, "workers"), *o;
	size_t i;

	if (!a || json_is_null(a))
		return 0;
	if (!json_is_array(a))
		return kt_err(EINVAL, "result JSON: workers: must be an array");
	json_array_foreach(a, i, o)
	{
		struct kt_worker_entry e = {0};
		int err = parse_entry(o, i, &e);

		err = err ?: kt_result_add_worker(out, &e);
		if (err)
			return err;
	}
	return 0;
}
