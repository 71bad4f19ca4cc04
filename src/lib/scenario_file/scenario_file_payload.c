/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The payload keys of scenario-file ops (RunPayload, WaitPayload,
 * KillPayload): name, program, kind, args, input and bounds
 * ({"METRIC": {"min": X, "max": Y}}), and the list of programs a loaded
 * file runs, which the host resolves before anything boots.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_file_priv.h"

static int parse_args(const struct sf_parse *p, const json_t *v,
		      const char *path, const char *const **out)
{
	const char **a;
	char el[SF_PATH_MAX];
	json_t *e;
	size_t i;

	if (!json_is_array(v))
		return sf_err_val(p, path,
				  "must be an array of strings, not %s",
				  kt_json_type_name(v));
	a = sf_alloc(p->sf, (json_array_size(v) + 1) * sizeof(*a));
	if (!a)
		return -ENOMEM;
	json_array_foreach(v, i, e)
	{
		kt_json_path_index(el, sizeof(el), path, i);
		if (!json_is_string(e))
			return sf_err_val(p, el, "must be a string, not %s",
					  kt_json_type_name(e));
		a[i] = sf_strdup(p->sf, json_string_value(e));
		if (!a[i])
			return -ENOMEM;
	}
	*out = a;
	return 0;
}

static int parse_bounds(const struct sf_parse *p, const json_t *v,
			const char *path, struct kt_payload_bounds *out)
{
	struct kt_payload_bound *b;
	static const char *const keys[] = {"min", "max", NULL};
	char child[SF_PATH_MAX];
	const char *metric;
	json_t *e;
	size_t n = 0;
	int err;

	if (!json_is_object(v))
		return sf_err_val(p, path,
				  "must be an object of METRIC: {\"min\": X, "
				  "\"max\": Y}, not %s",
				  kt_json_type_name(v));
	b = sf_alloc(p->sf, (json_object_size(v) + 1) * sizeof(*b));
	if (!b)
		return -ENOMEM;
	json_object_foreach((json_t *)v, metric, e)
	{
		kt_json_path_key(child, sizeof(child), path, metric);
		err =
		    sf_want_object(p, e, child, "a bound: {\"min\", \"max\"}");
		err = err ?: sf_check_keys(p, e, child, keys, "a bound");
		err = err
			  ?: sf_get_num(p, e, child, "min", -1e300, false,
					1e300, &b[n].min, &b[n].has_min);
		err = err
			  ?: sf_get_num(p, e, child, "max", -1e300, false,
					1e300, &b[n].max, &b[n].has_max);
		if (err)
			return err;
		if (!b[n].has_min && !b[n].has_max)
			return sf_err_val(p, child, "needs \"min\" or \"max\"");
		if (b[n].has_min && b[n].has_max && b[n].min > b[n].max)
			return sf_err_val(p, child, "min %g > max %g", b[n].min,
					  b[n].max);
		b[n].metric = sf_strdup(p->sf, metric);
		if (!b[n++].metric)
			return -ENOMEM;
	}
	*out = (struct kt_payload_bounds){.nr = n, .v = b};
	return 0;
}

int sf_parse_payload(const struct sf_parse *p, const json_t *v,
		     const char *path, struct kt_op *op)
{
	struct kt_payload_spec *s = &op->payload;
	char child[SF_PATH_MAX];
	const char *kind = NULL;
	json_t *x;
	int err;

	err = sf_get_str(p, v, path, "name", true, &s->name);
	if (!err && !sf_name_ok(s->name))
		return sf_err_key(p, path, "name",
				  "\"%s\" is not a usable payload name (1..64 "
				  "letters, digits, '_', '-', '.')",
				  s->name);
	err = err ?: sf_get_str(p, v, path, "program", false, &s->program);
	err = err ?: sf_get_str(p, v, path, "input", false, &s->input);
	err = err ?: sf_get_str(p, v, path, "kind", false, &kind);
	if (err)
		return err;
	if (s->program && !s->program[0])
		return sf_err_key(p, path, "program", "\"program\" is empty");
	if (kind && kt_payload_kind_parse(kind, &s->kind))
		return sf_err_key(p, path, "kind", "%s", kt_last_error());
	SF_PARSE_KEY(p, v, path, "args", parse_args, &s->args);
	SF_PARSE_KEY(p, v, path, "bounds", parse_bounds, &s->bounds);
	return 0;
}

/* The payload names of one ops list, in order: started (into v) or
 * named by Wait/Kill (must be in v). */
static int names_ops(const struct sf_parse *p, const char *path,
		     const struct kt_ops *o, bool loop, const char **v,
		     size_t *n)
{
	char el[SF_PATH_MAX];

	for (size_t i = 0; i < o->nr; i++) {
		const struct kt_op *op = &o->ops[i];
		const char *name = op->payload.name;
		bool known = false;

		for (size_t k = 0; k < *n; k++)
			known |= !strcmp(v[k], name ? name : "");
		kt_json_path_index(el, sizeof(el), path, i);
		if (op->kind == KT_OP_KIND_RUN_PAYLOAD && loop)
			return sf_err_val(p, el,
					  "RunPayload cannot be in a loop "
					  "step (its second round would start "
					  "\"%s\" again)",
					  name);
		if (op->kind == KT_OP_KIND_RUN_PAYLOAD && known)
			return sf_err_key(p, el, "name",
					  "payload \"%s\" is started twice",
					  name);
		if (op->kind == KT_OP_KIND_RUN_PAYLOAD)
			v[(*n)++] = name;
		else if ((op->kind == KT_OP_KIND_WAIT_PAYLOAD ||
			  op->kind == KT_OP_KIND_KILL_PAYLOAD) &&
			 !known)
			return sf_err_key(p, el, "name",
					  "no payload \"%s\" started before "
					  "this op",
					  name);
	}
	return 0;
}

int sf_check_payload_names(const struct sf_parse *p, bool shorthand)
{
	const struct kt_scenario_file *sf = p->sf;
	size_t max = sf->backdrop.ops.nr + 1, n = 0;
	char path[SF_PATH_MAX], ops[SF_PATH_MAX];
	const char **v;
	int err;

	for (size_t i = 0; i < sf->steps.nr; i++)
		max += sf->steps.steps[i].ops.nr;
	v = calloc(max, sizeof(*v));
	if (!v)
		return kt_err(ENOMEM, "scenario file: out of memory");
	err = names_ops(p, "backdrop.ops", &sf->backdrop.ops, false, v, &n);
	for (size_t i = 0; !err && !shorthand && i < sf->steps.nr; i++) {
		const struct kt_step *st = &sf->steps.steps[i];

		kt_json_path_index(path, sizeof(path), "steps", i);
		kt_json_path_key(ops, sizeof(ops), path, "ops");
		err = names_ops(p, ops, &st->ops,
				st->hold.kind == KT_HOLD_KIND_LOOP, v, &n);
	}
	free(v);
	return err;
}

static bool listed(const char **v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], s))
			return true;
	return false;
}

static void add_ops(const struct kt_ops *o, const char **v, size_t *n)
{
	for (size_t i = 0; i < o->nr; i++) {
		const struct kt_op *op = &o->ops[i];

		if (op->kind == KT_OP_KIND_RUN_PAYLOAD &&
		    !listed(v, *n, op->payload.program))
			v[(*n)++] = op->payload.program;
	}
}

const char **kt_scenario_file_programs(const struct kt_scenario_file *sf,
				       size_t *nr)
{
	size_t max = sf->backdrop.ops.nr + 1;
	const char **v;

	for (size_t i = 0; i < sf->steps.nr; i++)
		max += sf->steps.steps[i].ops.nr;
	*nr = 0;
	v = calloc(max, sizeof(*v));
	if (!v)
		return NULL;
	add_ops(&sf->backdrop.ops, v, nr);
	for (size_t i = 0; i < sf->steps.nr; i++)
		add_ops(&sf->steps.steps[i].ops, v, nr);
	return v;
}
