/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Scenario-file steps and the backdrop: a block of cgroup definitions and
 * ops, a step's hold, the list of steps, and the top-level "cgroups"
 * shorthand for one step that holds them throughout.
 */
#include <errno.h>

#include "scenario_file_priv.h"

static int parse_block(const struct sf_parse *p, const json_t *v,
		       const char *path, struct kt_defs *defs,
		       struct kt_ops *ops)
{
	char child[SF_PATH_MAX];
	json_t *x;
	int err;

	x = json_object_get(v, "cgroups");
	kt_json_path_key(child, sizeof(child), path, "cgroups");
	if (x && (err = sf_parse_defs(p, x, child, defs)))
		return err;
	x = json_object_get(v, "ops");
	kt_json_path_key(child, sizeof(child), path, "ops");
	if (x && (err = sf_parse_ops(p, x, child, ops)))
		return err;
	return 0;
}

static int parse_step(const struct sf_parse *p, const json_t *v,
		      const char *path, struct kt_step *st)
{
	static const char *const keys[] = {"cgroups", "ops", "hold", NULL};
	char child[SF_PATH_MAX];
	json_t *h;
	int err;

	err = sf_want_object(p, v, path,
			     "a step: {\"cgroups\": [...], \"ops\": [...], "
			     "\"hold\": ...}");
	err = err ?: sf_check_keys(p, v, path, keys, "a step");
	err = err ?: parse_block(p, v, path, &st->defs, &st->ops);
	if (err)
		return err;
	h = json_object_get(v, "hold");
	kt_json_path_key(child, sizeof(child), path, "hold");
	if (h)
		return sf_parse_hold(p, h, child, &st->hold);
	st->hold = KT_HOLD_FULL;
	return 0;
}

int sf_parse_steps(const struct sf_parse *p, const json_t *v,
		   struct kt_steps *out)
{
	struct kt_step *steps;
	char el[SF_PATH_MAX];
	json_t *e;
	size_t i;
	int err;

	if (!json_is_array(v))
		return sf_err_val(p, "steps",
				  "must be an array of steps, not %s",
				  kt_json_type_name(v));
	if (!json_array_size(v))
		return sf_err_val(p, "steps",
				  "is empty; a scenario needs at least one "
				  "step");
	if (json_array_size(v) > SF_MAX_ITEMS)
		return sf_err_val(p, "steps", "more than %d steps",
				  SF_MAX_ITEMS);
	steps = sf_alloc(p->sf, json_array_size(v) * sizeof(*steps));
	if (!steps)
		return -ENOMEM;
	json_array_foreach(v, i, e)
	{
		kt_json_path_index(el, sizeof(el), "steps", i);
		err = parse_step(p, e, el, &steps[i]);
		if (err)
			return err;
	}
	out->nr = json_array_size(v);
	out->steps = steps;
	return 0;
}

int sf_parse_backdrop(const struct sf_parse *p, const json_t *v,
		      struct kt_backdrop *bd)
{
	static const char *const keys[] = {"cgroups", "ops", NULL};
	int err;

	err = sf_want_object(p, v, "backdrop",
			     "{\"cgroups\": [...], \"ops\": [...]}");
	err = err ?: sf_check_keys(p, v, "backdrop", keys, "the backdrop");
	return err ?: parse_block(p, v, "backdrop", &bd->defs, &bd->ops);
}

int sf_parse_shorthand(const struct sf_parse *p, const json_t *v,
		       struct kt_steps *out)
{
	struct kt_step *st;
	int err;

	if (json_is_array(v) && !json_array_size(v))
		return sf_err_val(p, "cgroups",
				  "is empty; a scenario needs at least one "
				  "cgroup");
	st = sf_alloc(p->sf, sizeof(*st));
	if (!st)
		return -ENOMEM;
	err = sf_parse_defs(p, v, "cgroups", &st->defs);
	if (err)
		return err;
	st->hold = KT_HOLD_FULL;
	out->nr = 1;
	out->steps = st;
	return 0;
}
