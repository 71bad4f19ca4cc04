/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Scenario-file ops: {"op": NAME, KEY: VALUE, ...}. The op's descriptor
 * (ops/ops_kinds.c) says which keys it takes and requires and which of
 * them name its cgroups; this file checks them and reads the values.
 * Whether a named cgroup exists at that point is scenario_file_scope.c's.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ops/ops_kinds.h"
#include "scenario_file_priv.h"

/* The descriptor named by "op"; every key known, every required present. */
static int op_desc(const struct sf_parse *p, const json_t *v, const char *path,
		   const struct kt_op_desc **out)
{
	const char *allowed[12] = {"op"}, *need[6], *name = NULL;
	char child[SF_PATH_MAX], what[64];
	const struct kt_op_desc *d;
	enum kt_op_kind kind;
	size_t na = 1, nn = 0;
	int err;

	err = sf_want_object(p, v, path, "an op: {\"op\": NAME, ...}");
	err = err ?: sf_get_str(p, v, path, "op", true, &name);
	if (err)
		return err;
	kt_json_path_key(child, sizeof(child), path, "op");
	if (kt_op_kind_parse(name, &kind))
		return sf_err_val(p, child, "%s", kt_last_error());
	d = kt_op_desc(kind);
	if (d->cgroup_key)
		allowed[na++] = need[nn++] = d->cgroup_key;
	if (d->other_key)
		allowed[na++] = need[nn++] = d->other_key;
	for (size_t i = 0; d->args[i]; i++)
		allowed[na++] = d->args[i];
	for (size_t i = 0; d->need[i]; i++)
		need[nn++] = d->need[i];
	allowed[na] = NULL;
	snprintf(what, sizeof(what), "op %s", d->name);
	err = sf_check_keys(p, v, path, allowed, what);
	if (err)
		return err;
	for (size_t i = 0; i < nn; i++)
		if (!json_object_get(v, need[i]))
			return sf_err_val(p, path, "op %s needs \"%s\"",
					  d->name, need[i]);
	*out = d;
	return 0;
}

static int op_cgroup_name(const struct sf_parse *p, const json_t *v,
			  const char *path, const char *key, bool allow_empty,
			  const char **out)
{
	char child[SF_PATH_MAX];
	int err = sf_get_str(p, v, path, key, false, out);

	if (err || !*out)
		return err;
	kt_json_path_key(child, sizeof(child), path, key);
	if (allow_empty && !**out)
		return 0;
	if (!sf_name_ok(*out))
		return sf_err_val(p, child,
				  "\"%s\" is not a usable cgroup name (1..64 "
				  "letters, digits, '_', '-', '.')",
				  *out);
	return 0;
}

/* .cgroup and .other from the keys the descriptor names them by. */
static int op_cgroups(const struct sf_parse *p, const json_t *v,
		      const char *path, const struct kt_op_desc *d,
		      struct kt_op *op)
{
	const char *a = NULL, *b = NULL;
	int err = 0;

	if (d->cgroup_key)
		err = op_cgroup_name(p, v, path, d->cgroup_key, false, &a);
	/* MoveAllTasks' "" moves them to the run's cgroup parent */
	if (!err && d->other_key)
		err = op_cgroup_name(p, v, path, d->other_key,
				     d->other_may_be_parent, &b);
	if (err)
		return err;
	if (b && !strcmp(a, b)) {
		if (d->kind == KT_OP_KIND_MOVE_ALL_TASKS)
			return sf_err_key(p, path, d->other_key,
					  "MoveAllTasks moves \"%s\" into "
					  "itself",
					  a);
		return sf_err_key(p, path, d->other_key,
				  "%s names \"%s\" twice", d->name, a);
	}
	op->cgroup = a;
	op->other = b;
	return 0;
}

/* The values the op acts with: cpuset, affinity, work, policy, workers,
 * mem_policy, threads. */
static int op_args(const struct sf_parse *p, const json_t *v, const char *path,
		   struct kt_op *op)
{
	char child[SF_PATH_MAX];
	uint64_t workers = 0;
	bool has_workers;
	json_t *x;
	int err;

	SF_PARSE_KEY(p, v, path, "cpuset", sf_parse_cpuset, &op->cpuset);
	/* CpuOffline / CpuOnline: the CPUs, written as a cpuset */
	SF_PARSE_KEY(p, v, path, "cpus", sf_parse_cpuset, &op->cpuset);
	SF_PARSE_KEY(p, v, path, "affinity", sf_parse_affinity, &op->affinity);
	SF_PARSE_KEY(p, v, path, "work", sf_parse_work, &op->work.work);
	SF_PARSE_KEY(p, v, path, "policy", sf_parse_policy, &op->work.policy);
	SF_PARSE_KEY(p, v, path, "mem_policy", sf_parse_mem_policy,
		     &op->work.mem_policy);
	err = sf_get_bool(p, v, path, "threads", &op->work.threads, NULL);
	if (err)
		return err;
	err = sf_get_uint(p, v, path, "workers", 1, SF_MAX_WORKERS, &workers,
			  &has_workers);
	if (err)
		return err;
	op->work.num_workers = (unsigned)workers;
	if (op->kind == KT_OP_KIND_RUN_PAYLOAD ||
	    op->kind == KT_OP_KIND_WAIT_PAYLOAD ||
	    op->kind == KT_OP_KIND_KILL_PAYLOAD)
		return sf_parse_payload(p, v, path, op);
	if (op->kind == KT_OP_KIND_WRITE_MAP)
		return sf_parse_map_write_keys(p, v, path, &op->map_write);
	if (op->kind == KT_OP_KIND_SPAWN || op->kind == KT_OP_KIND_SPAWN_HOST)
		return sf_check_groups(p, path, has_workers, &op->work.work,
				       has_workers ? op->work.num_workers
						   : p->sf->workers);
	return 0;
}

static int parse_op(const struct sf_parse *p, const json_t *v, const char *path,
		    struct kt_op *op)
{
	const struct kt_op_desc *d = NULL;
	int err = op_desc(p, v, path, &d);

	if (err)
		return err;
	*op = (struct kt_op){.kind = d->kind};
	err = op_cgroups(p, v, path, d, op);
	return err ?: op_args(p, v, path, op);
}

int sf_parse_ops(const struct sf_parse *p, const json_t *v, const char *path,
		 struct kt_ops *out)
{
	struct kt_op *ops;
	char el[SF_PATH_MAX];
	json_t *e;
	size_t i;
	int err;

	if (!json_is_array(v))
		return sf_err_val(p, path, "must be an array of ops, not %s",
				  kt_json_type_name(v));
	if (json_array_size(v) > SF_MAX_ITEMS)
		return sf_err_val(p, path, "more than %d ops", SF_MAX_ITEMS);
	ops = sf_alloc(p->sf, json_array_size(v) * sizeof(*ops));
	if (!ops)
		return -ENOMEM;
	json_array_foreach(v, i, e)
	{
		kt_json_path_index(el, sizeof(el), path, i);
		err = parse_op(p, e, el, &ops[i]);
		if (err)
			return err;
	}
	out->nr = json_array_size(v);
	out->ops = ops;
	return 0;
}
