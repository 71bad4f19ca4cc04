/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Scenario-file values: cpuset specs, holds, scheduling policies,
 * affinities, work types with their parameters, and the assert layer.
 * Each parser checks types, keys and ranges with positioned messages, then
 * runs the library's own check (kt_cpuset_spec_check, kt_hold_check,
 * kt_work_check) so a file accepts exactly what the engine accepts.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "result/assert_fields.h"
#include "scenario_file_priv.h"

/* ---- one-key objects ---- */

/* obj must hold exactly one key of kinds; its index goes to *which. */
static int one_of(const struct sf_parse *p, const json_t *obj, const char *path,
		  const char *const *kinds, const char *what, size_t *which)
{
	const char *key, *first = NULL;
	json_t *v;
	int err = sf_check_keys(p, obj, path, kinds, NULL);
	char list[256];
	size_t n = 0;

	if (err)
		return err;
	json_object_foreach((json_t *)obj, key, v)
	{
		(void)v;
		if (first)
			return sf_err_key(p, path, key,
					  "%s has both \"%s\" and \"%s\"; "
					  "give exactly one",
					  what, first, key);
		first = key;
	}
	if (first) {
		for (size_t i = 0; kinds[i]; i++)
			if (!strcmp(first, kinds[i]))
				*which = i;
		return 0;
	}
	list[0] = '\0';
	for (size_t i = 0; kinds[i] && n < sizeof(list); i++)
		n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s",
				      i ? ", " : "", kinds[i]);
	return sf_err_val(p, path, "%s is empty (expected one of %s)", what,
			  list);
}

/* ---- cpuset ---- */

/* arr must be an array of exactly n numbers; integers where ints[i]. */
static int num_tuple(const struct sf_parse *p, const json_t *arr,
		     const char *path, size_t n, const bool *ints,
		     const char *shape, double *out)
{
	char child[SF_PATH_MAX];

	if (!json_is_array(arr) || json_array_size(arr) != n)
		return sf_err_val(p, path, "must be %s, not %s", shape,
				  json_is_array(arr) ? "an array of another "
						       "length"
						     : kt_json_type_name(arr));
	for (size_t i = 0; i < n; i++) {
		json_t *e = json_array_get(arr, i);

		kt_json_path_index(child, sizeof(child), path, i);
		if (ints[i] &&
		    (!json_is_integer(e) || json_integer_value(e) < 0 ||
		     json_integer_value(e) > KT_MAX_CPUS))
			return sf_err_val(p, child,
					  "must be an integer in 0..%d (%s), "
					  "not %s",
					  KT_MAX_CPUS, shape,
					  json_is_integer(e)
					      ? "one out of range"
					      : kt_json_type_name(e));
		if (!ints[i] && !json_is_number(e))
			return sf_err_val(p, child,
					  "must be a number (%s), not %s",
					  shape, kt_json_type_name(e));
		out[i] = json_number_value(e);
		if (!ints[i] && (out[i] < 0.0 || out[i] > 1.0))
			return sf_err_val(
			    p, child, "fraction %g is outside [0, 1]", out[i]);
	}
	return 0;
}

int sf_parse_cpuset(const struct sf_parse *p, const json_t *v, const char *path,
		    struct kt_cpuset_spec *out)
{
	static const char *const kinds[] = {
	    "llc", "numa", "range", "disjoint", "overlap", "exact", NULL};
	static const bool ii[] = {true, true}, ff[] = {false, false},
			  iif[] = {true, true, false};
	char child[SF_PATH_MAX];
	struct kt_cpuset_spec s = {0};
	size_t which = 0;
	double t[3];
	uint64_t idx;
	const char *list = NULL;
	int err;

	err =
	    sf_want_object(p, v, path,
			   "{\"llc\": N}, {\"numa\": N}, {\"range\": [S, E]}, "
			   "{\"disjoint\": [I, OF]}, {\"overlap\": [I, OF, "
			   "F]} or {\"exact\": \"CPULIST\"}");
	err = err ?: one_of(p, v, path, kinds, "a cpuset", &which);
	if (err)
		return err;
	kt_json_path_key(child, sizeof(child), path, kinds[which]);
	switch (which) {
	case 0:
	case 1:
		err = sf_get_uint(p, v, path, kinds[which], 0, KT_MAX_CPUS,
				  &idx, NULL);
		s.kind = which ? KT_CPUSET_KIND_NUMA : KT_CPUSET_KIND_LLC;
		s.index = (unsigned)idx;
		break;
	case 2:
		err = num_tuple(p, json_object_get(v, "range"), child, 2, ff,
				"[START_FRAC, END_FRAC]", t);
		s = KT_CPUSET_RANGE(t[0], t[1]);
		break;
	case 3:
		err = num_tuple(p, json_object_get(v, "disjoint"), child, 2, ii,
				"[INDEX, OF]", t);
		s = KT_CPUSET_DISJOINT((unsigned)t[0], (unsigned)t[1]);
		break;
	case 4:
		err = num_tuple(p, json_object_get(v, "overlap"), child, 3, iif,
				"[INDEX, OF, FRAC]", t);
		s = KT_CPUSET_OVERLAP((unsigned)t[0], (unsigned)t[1], t[2]);
		break;
	default:
		err = sf_get_str(p, v, path, "exact", true, &list);
		s = KT_CPUSET_EXACT(list);
		break;
	}
	if (err)
		return err;
	if (kt_cpuset_spec_check(&s))
		return sf_err_val(p, child, "%s", kt_last_error());
	*out = s;
	return 0;
}

/* ---- hold ---- */

int sf_parse_hold(const struct sf_parse *p, const json_t *v, const char *path,
		  struct kt_hold *out)
{
	static const char *const kinds[] = {"frac", "fixed_ms", "loop_ms",
					    NULL};
	struct kt_hold h = KT_HOLD_FULL;
	size_t which = 0;
	double d = 0;
	int err;

	if (json_is_string(v)) {
		if (strcmp(json_string_value(v), "full"))
			return sf_err_val(p, path,
					  "unknown hold \"%s\" (expected "
					  "\"full\", {\"frac\": F}, "
					  "{\"fixed_ms\": MS} or {\"loop_ms\": "
					  "MS})",
					  json_string_value(v));
		*out = h;
		return 0;
	}
	err = sf_want_object(p, v, path,
			     "\"full\", {\"frac\": F}, {\"fixed_ms\": MS} or "
			     "{\"loop_ms\": MS}");
	err = err ?: one_of(p, v, path, kinds, "a hold", &which);
	if (err)
		return err;
	if (which == 0) {
		err = sf_get_num(p, v, path, "frac", 0.0, false, 1.0, &d, NULL);
		h = KT_HOLD_FRAC(d);
	} else {
		err = sf_get_num(p, v, path, kinds[which], 0.0, true, 86400e3,
				 &d, NULL);
		h = which == 1 ? KT_HOLD_FIXED((uint64_t)(d * 1e6))
			       : KT_HOLD_LOOP((uint64_t)(d * 1e6));
		if (!err && !h.ns) {
			char child[SF_PATH_MAX];

			kt_json_path_key(child, sizeof(child), path,
					 kinds[which]);
			return sf_err_val(p, child,
					  "%g ms rounds to 0 ns; give a "
					  "positive duration",
					  d);
		}
	}
	if (err)
		return err;
	if (kt_hold_check(&h))
		return sf_err_val(p, path, "%s", kt_last_error());
	*out = h;
	return 0;
}

/* ---- policy ---- */

/* What a file may write for a policy: a plain name, or {"<short name>":
 * PRIO} for a real-time one: "Normal", ... {"fifo": PRIO} or {"rr": PRIO}. */
static void policy_forms(char *buf, size_t len)
{
	enum kt_policy_kind k;
	size_t n = 0;

	buf[0] = '\0';
	for (k = 0; k < KT_POLICY__COUNT && n < len; k++) {
		const char *sep = k + 1 == KT_POLICY__COUNT ? " or " : ", ";

		if (k == 0)
			sep = "";
		if (k == KT_POLICY_DEADLINE) /* its own message has more */
			n += (size_t)snprintf(buf + n, len - n,
					      "%s{\"deadline\": {...}}", sep);
		else if (kt_policy_is_realtime(k))
			n += (size_t)snprintf(buf + n, len - n,
					      "%s{\"%s\": PRIO}", sep,
					      kt_policy_short_name(k));
		else
			n += (size_t)snprintf(buf + n, len - n, "%s\"%s\"", sep,
					      kt_policy_name(k));
	}
}

int sf_parse_policy(const struct sf_parse *p, const json_t *v, const char *path,
		    struct kt_sched_policy *out)
{
	const char *rt[KT_POLICY__COUNT + 1];
	enum kt_policy_kind rt_kind[KT_POLICY__COUNT], k;
	char forms[384];
	size_t nr_rt = 0, which = 0;
	uint64_t prio = 0;
	int err;

	policy_forms(forms, sizeof(forms));
	if (json_is_string(v)) {
		if (!kt_policy_parse(json_string_value(v), &k) &&
		    !kt_policy_is_realtime(k) && k != KT_POLICY_DEADLINE) {
			*out = (struct kt_sched_policy){.kind = k};
			return 0;
		}
		if (json_string_value(v) &&
		    !strcmp(json_string_value(v), "Deadline"))
			return sf_err_val(p, path,
					  "Deadline needs its runtime and "
					  "period: %s",
					  SF_DEADLINE_FORM);
		return sf_err_val(p, path,
				  "unknown policy \"%s\" (expected %s)",
				  json_string_value(v), forms);
	}
	if (json_is_object(v) && json_object_get(v, "deadline"))
		return sf_parse_deadline(p, v, path, out);
	/* The object form: {"<short name>": PRIO} of a real-time policy. */
	for (k = 0; k < KT_POLICY__COUNT; k++) {
		if (!kt_policy_is_realtime(k))
			continue;
		rt_kind[nr_rt] = k;
		rt[nr_rt++] = kt_policy_short_name(k);
	}
	rt[nr_rt] = NULL;
	err = sf_want_object(p, v, path, forms);
	err = err ?: one_of(p, v, path, rt, "a real-time policy", &which);
	err = err ?: sf_get_uint(p, v, path, rt[which], 1, 99, &prio, NULL);
	if (err)
		return err;
	*out = (struct kt_sched_policy){.kind = rt_kind[which],
					.priority = (int)prio};
	return 0;
}

/* ---- affinity ---- */

/* "\"Inherit\", ..., \"SingleCpu\" or {\"exact\": \"CPULIST\"}": each kind
 * a name alone gives, then Exact's object form. */
static void affinity_forms(char *buf, size_t len)
{
	enum kt_affinity_kind k;
	size_t n = 0;

	for (unsigned i = 0; i < KT_AFFINITY_KIND__COUNT && n < len; i++) {
		const char *name = kt_affinity_kind_name(i);

		if (!kt_affinity_kind_parse(name, &k))
			n += (size_t)snprintf(buf + n, len - n, "%s\"%s\"",
					      n ? ", " : "", name);
	}
	if (n < len)
		snprintf(buf + n, len - n, " or {\"exact\": \"CPULIST\"}");
	kt_clear_error();
}

int sf_parse_affinity(const struct sf_parse *p, const json_t *v,
		      const char *path, struct kt_affinity *out)
{
	static const char *const ex[] = {"exact", NULL};
	char child[SF_PATH_MAX], forms[256];
	enum kt_affinity_kind kind;
	struct kt_cpuset cpus;
	const char *list = NULL;
	size_t which = 0;
	int err;

	affinity_forms(forms, sizeof(forms));
	if (json_is_string(v)) {
		if (kt_affinity_kind_parse(json_string_value(v), &kind))
			return sf_err_val(p, path,
					  "unknown affinity \"%s\" (expected "
					  "%s)",
					  json_string_value(v), forms);
		*out = (struct kt_affinity){.kind = kind};
		return 0;
	}
	err = sf_want_object(p, v, path, forms);
	err = err ?: one_of(p, v, path, ex, "an affinity", &which);
	err = err ?: sf_get_str(p, v, path, "exact", true, &list);
	if (err)
		return err;
	kt_json_path_key(child, sizeof(child), path, "exact");
	if (kt_cpuset_parse(list, &cpus))
		return sf_err_val(p, child, "%s", kt_last_error());
	if (kt_cpuset_empty(&cpus))
		return sf_err_val(p, child, "the CPU list \"%s\" is empty",
				  list);
	*out = KT_AFFINITY_EXACT(list);
	return 0;
}

/* ---- work types ---- */

enum wp_type { WP_U32, WP_MS };
struct wparam {
	const char *key;
	enum wp_type type;
	size_t off; /* in struct kt_work_type */
};
#define U32(k, m)                                                              \
	{                                                                      \
		k, WP_U32, offsetof(struct kt_work_type, m)                    \
	}
#define MS(k, m)                                                               \
	{                                                                      \
		k, WP_MS, offsetof(struct kt_work_type, m)                     \
	}

static const struct wparam p_bursty[] = {
    MS("burst_ms", bursty.burst_ns), MS("sleep_ms", bursty.sleep_ns), {0}};
static const struct wparam p_pipe[] = {U32("burst_iters", pipe_io.burst_iters),
				       {0}};
static const struct wparam p_ping[] = {
    U32("spin_iters", futex_ping_pong.spin_iters), {0}};
static const struct wparam p_cache[] = {
    U32("size_kb", cache.size_kb), U32("stride", cache.stride), {0}};
static const struct wparam p_cpipe[] = {
    U32("size_kb", cache_pipe.size_kb),
    U32("burst_iters", cache_pipe.burst_iters),
    {0}};
static const struct wparam p_ffan[] = {
    U32("fan_out", futex_fan_out.fan_out),
    U32("spin_iters", futex_fan_out.spin_iters),
    {0}};
static const struct wparam p_foc[] = {
    U32("fan_out", fan_out_compute.fan_out),
    U32("cache_footprint_kb", fan_out_compute.cache_footprint_kb),
    U32("operations", fan_out_compute.operations),
    U32("sleep_usec", fan_out_compute.sleep_usec),
    {0}};
static const struct wparam p_aff[] = {
    U32("spin_iters", affinity_churn.spin_iters), {0}};
static const struct wparam p_pol[] = {
    U32("spin_iters", policy_churn.spin_iters), {0}};
static const struct wparam p_pf[] = {
    U32("region_kb", page_fault_churn.region_kb),
    U32("touches_per_cycle", page_fault_churn.touches_per_cycle),
    U32("spin_iters", page_fault_churn.spin_iters),
    {0}};
static const struct wparam p_mutex[] = {
    U32("contenders", mutex_contention.contenders),
    U32("hold_iters", mutex_contention.hold_iters),
    U32("work_iters", mutex_contention.work_iters),
    {0}};
static const struct wparam p_msg[] = {
    U32("fan_out", message_worker.fan_out),
    U32("request_iters", message_worker.request_iters),
    U32("sleep_usec", message_worker.sleep_usec),
    {0}};
static const struct wparam p_rt[] = {
    U32("rt_members", rt_interference.rt_members),
    U32("normal_members", rt_interference.normal_members),
    U32("burst_iters", rt_interference.burst_iters),
    U32("sleep_usec", rt_interference.sleep_usec),
    U32("rt_priority", rt_interference.rt_priority),
    {0}};
static const struct wparam p_membw[] = {U32("size_kb", mem_bandwidth.size_kb),
					{0}};
static const struct wparam p_none[] = {{0}};

/* The parameters a file may give each kind (none where NULL). */
static const struct wparam *const params[KT_WORK__COUNT] = {
    [KT_WORK_BURSTY] = p_bursty,	[KT_WORK_PIPE_IO] = p_pipe,
    [KT_WORK_FUTEX_PING_PONG] = p_ping, [KT_WORK_CACHE_PRESSURE] = p_cache,
    [KT_WORK_CACHE_YIELD] = p_cache,	[KT_WORK_CACHE_PIPE] = p_cpipe,
    [KT_WORK_FUTEX_FAN_OUT] = p_ffan,	[KT_WORK_FAN_OUT_COMPUTE] = p_foc,
    [KT_WORK_AFFINITY_CHURN] = p_aff,	[KT_WORK_POLICY_CHURN] = p_pol,
    [KT_WORK_PAGE_FAULT_CHURN] = p_pf,	[KT_WORK_MUTEX_CONTENTION] = p_mutex,
    [KT_WORK_MESSAGE_WORKER] = p_msg,	[KT_WORK_RT_INTERFERENCE] = p_rt,
    [KT_WORK_MEM_BANDWIDTH] = p_membw,
};

static const struct wparam *params_of(enum kt_work_kind k)
{
	return (unsigned)k < KT_WORK__COUNT && params[k] ? params[k] : p_none;
}

/* The kinds a file can name: all but Custom (a C function). */
static void kind_list(char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < KT_WORK__COUNT && n < len; i++) {
		if (i == KT_WORK_CUSTOM)
			continue;
		n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? ", " : "",
				      kt_work_kind_name((enum kt_work_kind)i));
	}
}

static int work_kind(const struct sf_parse *p, const char *name,
		     const char *path, bool object_form, enum kt_work_kind *out)
{
	enum kt_work_kind k = kt_work_kind_by_name(name);
	char list[512];

	if (k == KT_WORK_SEQUENCE && !object_form)
		return sf_err_val(p, path,
				  "Sequence needs its phases: write "
				  "{\"type\": \"Sequence\", \"phases\": "
				  "[{\"kind\": \"Spin\", \"ms\": 5}, "
				  "...]}");
	if (k == KT_WORK_CUSTOM)
		return sf_err_val(p, path,
				  "Custom work runs a C function and cannot "
				  "come from a scenario file");
	if (k != KT_WORK__COUNT) {
		*out = k;
		return 0;
	}
	kind_list(list, sizeof(list));
	return sf_err_val(p, path,
			  "unknown work type \"%s\" (expected one of %s)", name,
			  list);
}

static int sequence(const struct sf_parse *p, const json_t *v, const char *path,
		    struct kt_work_type *w)
{
	static const char *const phase_keys[] = {"kind", "ms", NULL};
	static const char *const names[] = {
	    [KT_PHASE_SPIN] = "Spin",
	    [KT_PHASE_SLEEP] = "Sleep",
	    [KT_PHASE_YIELD] = "Yield",
	    [KT_PHASE_IO] = "Io",
	};
	char arr[SF_PATH_MAX], el[SF_PATH_MAX], kp[SF_PATH_MAX];
	json_t *ph = json_object_get(v, "phases"), *e;
	size_t i;

	kt_json_path_key(arr, sizeof(arr), path, "phases");
	if (!ph)
		return sf_err_val(p, path, "Sequence needs \"phases\"");
	if (!json_is_array(ph) || !json_array_size(ph) ||
	    json_array_size(ph) > KT_SEQ_MAX_PHASES)
		return sf_err_val(p, arr,
				  "must be an array of 1..%d phases, not %s",
				  KT_SEQ_MAX_PHASES,
				  json_is_array(ph) ? "one of that length"
						    : kt_json_type_name(ph));
	json_array_foreach(ph, i, e)
	{
		const char *kind = NULL;
		double ms = 0;
		size_t k;
		int err;

		kt_json_path_index(el, sizeof(el), arr, i);
		err = sf_want_object(p, e, el, "{\"kind\": K, \"ms\": MS}");
		err = err ?: sf_check_keys(p, e, el, phase_keys, "a phase");
		err = err ?: sf_get_str(p, e, el, "kind", true, &kind);
		if (err)
			return err;
		for (k = 0; k < KT_ARRAY_SIZE(names); k++)
			if (!strcmp(kind, names[k]))
				break;
		kt_json_path_key(kp, sizeof(kp), el, "kind");
		if (k == KT_ARRAY_SIZE(names))
			return sf_err_val(p, kp,
					  "unknown phase \"%s\" (expected one "
					  "of Spin, Sleep, Yield, Io)",
					  kind);
		if (!json_object_get(e, "ms"))
			return sf_err_val(p, el, "\"ms\" is missing");
		err = sf_get_num(p, e, el, "ms", 0.0, true, 86400e3, &ms, NULL);
		if (err)
			return err;
		w->sequence.phases[i].kind = (enum kt_phase_kind)k;
		w->sequence.phases[i].ns = (uint64_t)(ms * 1e6);
	}
	w->sequence.nr = (unsigned)json_array_size(ph);
	return 0;
}

static int work_params(const struct sf_parse *p, const json_t *v,
		       const char *path, struct kt_work_type *w)
{
	const struct wparam *ps = params_of(w->kind);
	const char *allowed[8] = {"type"};
	char what[64];
	size_t n = 1;
	int err;

	if (w->kind == KT_WORK_SEQUENCE)
		allowed[n++] = "phases";
	for (const struct wparam *q = ps; q->key; q++)
		allowed[n++] = q->key;
	allowed[n] = NULL;
	snprintf(what, sizeof(what), "work type %s",
		 kt_work_kind_name(w->kind));
	err = sf_check_keys(p, v, path, allowed, what);
	if (err)
		return err;
	for (const struct wparam *q = ps; q->key; q++) {
		char *at = (char *)w + q->off;
		bool present;
		uint64_t u = 0;
		double d = 0;

		if (q->type == WP_U32) {
			err = sf_get_uint(p, v, path, q->key, 1, UINT32_MAX, &u,
					  &present);
			if (!err && present) {
				uint32_t x = (uint32_t)u;

				memcpy(at, &x, sizeof(x));
			}
		} else {
			err = sf_get_num(p, v, path, q->key, 0.0, true, 86400e3,
					 &d, &present);
			if (!err && present) {
				uint64_t ns = (uint64_t)(d * 1e6);

				memcpy(at, &ns, sizeof(ns));
			}
		}
		if (err)
			return err;
	}
	return w->kind == KT_WORK_SEQUENCE ? sequence(p, v, path, w) : 0;
}

int sf_parse_work(const struct sf_parse *p, const json_t *v, const char *path,
		  struct kt_work_type *out)
{
	struct kt_work_type w = {0};
	char tp[SF_PATH_MAX];
	const char *type = NULL;
	int err;

	if (json_is_string(v)) {
		err = work_kind(p, json_string_value(v), path, false, &w.kind);
	} else {
		err = sf_want_object(p, v, path,
				     "a work type name or {\"type\": NAME, "
				     "PARAM: VALUE...}");
		err = err ?: sf_get_str(p, v, path, "type", true, &type);
		kt_json_path_key(tp, sizeof(tp), path, "type");
		err = err ?: work_kind(p, type, tp, true, &w.kind);
		err = err ?: work_params(p, v, path, &w);
	}
	if (err)
		return err;
	/* Parameter ranges only: a count that fits the groups. */
	if (kt_work_check(&w, kt_work_group_size(&w)))
		return sf_err_val(p, path, "%s", kt_last_error());
	*out = w;
	return 0;
}

/* ---- assert ---- */

struct assert_ctx {
	const struct sf_parse *p;
	const char *path;
};

/* One field, checked against the range of its row in KT_ASSERT_FIELDS. */
static int assert_value(void *ctx, const json_t *obj,
			const struct kt_assert_field *f,
			union kt_assert_value *out, bool *present)
{
	const struct assert_ctx *c = ctx;

	switch (f->kind) {
	case KT_ASSERT_BOOL:
		return sf_get_bool(c->p, obj, c->path, f->key, &out->b,
				   present);
	case KT_ASSERT_F64:
		return sf_get_num(c->p, obj, c->path, f->key, f->lo, false,
				  f->hi, &out->f, present);
	case KT_ASSERT_U64:
		return sf_get_uint(c->p, obj, c->path, f->key, f->ulo, f->uhi,
				   &out->u, present);
	}
	return 0;
}

int sf_parse_assert(const struct sf_parse *p, const json_t *v, const char *path,
		    struct kt_assert *out)
{
	struct assert_ctx c = {.p = p, .path = path};
	int err;

	err = sf_want_object(p, v, path, "the checks");
	err = err ?: sf_check_keys(p, v, path, kt_assert_keys, NULL);
	return err ?: kt_assert_read(v, assert_value, &c, out);
}
