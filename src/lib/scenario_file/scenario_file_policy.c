/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Scenario-file values of the policies that carry parameters: a Deadline
 * scheduling policy, {"deadline": {"runtime_us": 3000, "deadline_us":
 * 8000, "period_us": 10000}} (deadline_us defaults to period_us), and a
 * memory policy: "Default", "Local", or {"kind": "Bind", "nodes": "0-1",
 * "flags": ["StaticNodes"]} with the names of <ktstr/workload.h>. Both are
 * checked with the library's own checks (kt_policy_check,
 * kt_mempol_check); the node numbers against the topology are checked
 * where the topology is known (before boot by `ktstr vm`, else at run).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "scenario_file_priv.h"

int sf_parse_deadline(const struct sf_parse *p, const json_t *v,
		      const char *path, struct kt_sched_policy *out)
{
	static const char *const top[] = {"deadline", NULL};
	static const char *const keys[] = {"runtime_us", "deadline_us",
					   "period_us", NULL};
	/* the kernel's largest period, in us */
	const uint64_t max = KT_DL_MAX_PERIOD_NS / 1000;
	char child[SF_PATH_MAX];
	uint64_t rt = 0, dl = 0, per = 0;
	bool has_rt, has_per;
	json_t *d;
	int err;

	err = sf_check_keys(p, v, path, top, "a Deadline policy");
	d = json_object_get(v, "deadline");
	kt_json_path_key(child, sizeof(child), path, "deadline");
	err = err ?: sf_want_object(p, d, child, SF_DEADLINE_FORM);
	err = err ?: sf_check_keys(p, d, child, keys, "a Deadline policy");
	err =
	    err ?: sf_get_uint(p, d, child, "runtime_us", 1, max, &rt, &has_rt);
	err = err ?: sf_get_uint(p, d, child, "deadline_us", 1, max, &dl, NULL);
	err = err
		  ?: sf_get_uint(p, d, child, "period_us", 1, max, &per,
				 &has_per);
	if (err)
		return err;
	if (!has_rt || !has_per)
		return sf_err_val(p, child,
				  "needs \"runtime_us\" and \"period_us\" (%s)",
				  SF_DEADLINE_FORM);
	*out = KT_POLICY_DEADLINE_OF(KT_US(rt), KT_US(dl), KT_US(per));
	if (kt_policy_check(out))
		return sf_err_val(p, child, "%s", kt_last_error());
	return 0;
}

/* "0-1", "1" or an integer -> a node mask. */
static int parse_nodes(const struct sf_parse *p, const json_t *v,
		       const char *path, uint64_t *out)
{
	struct kt_cpuset s;
	int n;

	if (json_is_integer(v) && json_integer_value(v) >= 0 &&
	    json_integer_value(v) < KT_MPOL_MAX_NODES) {
		*out = 1ULL << json_integer_value(v);
		return 0;
	}
	if (!json_is_string(v) || kt_cpuset_parse(json_string_value(v), &s))
		return sf_err_val(p, path,
				  "must be a node list such as \"0-1\" or a "
				  "node number 0..%d",
				  KT_MPOL_MAX_NODES - 1);
	*out = 0;
	kt_cpuset_for_each (n, &s) {
		if (n >= KT_MPOL_MAX_NODES)
			return sf_err_val(p, path, "node %d: nodes go up to %d",
					  n, KT_MPOL_MAX_NODES - 1);
		*out |= 1ULL << n;
	}
	return 0;
}

static int parse_flags(const struct sf_parse *p, const json_t *v,
		       const char *path, unsigned *out)
{
	json_t *f;
	size_t i;

	if (!json_is_array(v))
		return sf_err_val(p, path,
				  "must be a list of \"StaticNodes\", "
				  "\"RelativeNodes\", \"NumaBalancing\"");
	json_array_foreach(v, i, f)
	{
		unsigned bit = kt_mempol_flag_parse(json_string_value(f));
		char el[SF_PATH_MAX];

		kt_json_path_index(el, sizeof(el), path, i);
		if (!bit)
			return sf_err_val(p, el,
					  "unknown flag (expected "
					  "\"StaticNodes\", \"RelativeNodes\" "
					  "or \"NumaBalancing\")");
		*out |= bit;
	}
	return 0;
}

int sf_parse_mem_policy(const struct sf_parse *p, const json_t *v,
			const char *path, struct kt_mem_policy *out)
{
	static const char *const keys[] = {"kind", "nodes", "flags", NULL};
	static const char *const form =
	    "\"Default\", \"Local\" or {\"kind\": \"Bind\", \"nodes\": "
	    "\"0-1\", \"flags\": [...]}";
	char child[SF_PATH_MAX];
	const char *kind = NULL;
	json_t *x;
	int err;

	*out = (struct kt_mem_policy){0};
	if (json_is_string(v))
		kind = json_string_value(v);
	else if ((err = sf_want_object(p, v, path, form)) ||
		 (err = sf_check_keys(p, v, path, keys, "a memory policy")) ||
		 (err = sf_get_str(p, v, path, "kind", true, &kind)))
		return err;
	kt_json_path_key(child, sizeof(child), path, "kind");
	if (kt_mempol_parse(kind, &out->kind))
		return sf_err_val(p, json_is_string(v) ? path : child, "%s",
				  kt_last_error());
	if (json_is_object(v)) {
		SF_PARSE_KEY(p, v, path, "nodes", parse_nodes, &out->nodes);
		SF_PARSE_KEY(p, v, path, "flags", parse_flags, &out->flags);
	}
	if (kt_mempol_check(out, 0))
		return sf_err_val(p, path, "%s", kt_last_error());
	return 0;
}

/* ---- the node numbers against a topology ---- */

static int check_mem(const struct kt_scenario_file *sf, const char *where,
		     const char *cgroup, const struct kt_mem_policy *m,
		     int nodes)
{
	if (!kt_mempol_check(m, nodes))
		return 0;
	return kt_err(EINVAL,
		      "%s: %s, cgroup %s: %s; use a topology with that many "
		      "NUMA nodes (such as --topo numa) or a node that exists",
		      sf->path, where, cgroup ? cgroup : "(host)",
		      kt_last_error());
}

static int check_lists(const struct kt_scenario_file *sf, const char *where,
		       const struct kt_defs *defs, const struct kt_ops *ops,
		       int nodes)
{
	int err = 0;

	for (size_t i = 0; !err && i < defs->nr; i++)
		err = check_mem(sf, where, defs->defs[i].name,
				&defs->defs[i].mem_policy, nodes);
	for (size_t i = 0; !err && i < ops->nr; i++) {
		const struct kt_op *op = &ops->ops[i];

		if (op->kind == KT_OP_KIND_SPAWN ||
		    op->kind == KT_OP_KIND_SPAWN_HOST)
			err = check_mem(sf, where, op->cgroup,
					&op->work.mem_policy, nodes);
	}
	return err;
}

int kt_scenario_file_check_topo(const struct kt_scenario_file *sf,
				const struct kt_topo_spec *topo)
{
	char where[32];
	int nodes = (int)topo->numa, err;

	err = check_lists(sf, "backdrop", &sf->backdrop.defs, &sf->backdrop.ops,
			  nodes);
	for (size_t i = 0; !err && i < sf->steps.nr; i++) {
		snprintf(where, sizeof(where), "step %zu", i + 1);
		err = check_lists(sf, where, &sf->steps.steps[i].defs,
				  &sf->steps.steps[i].ops, nodes);
	}
	return err;
}
