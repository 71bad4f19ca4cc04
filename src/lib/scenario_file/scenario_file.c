/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Loading a scenario file: jansson parses the text (duplicate keys
 * rejected), the position scanner (json_pos.c) maps every key path to its
 * line and column, and this file walks the document: top-level keys,
 * cgroup definitions, ops, steps and the backdrop. It also plays the
 * cgroup names through the run in the engine's order (backdrop defs, its
 * ops, then per step: ops then defs, or defs then ops for a loop step;
 * a step's cgroups end with it) so an op naming a cgroup that does not
 * exist at that point is caught before anything runs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_file_priv.h"

#define SF_MAX_WORKERS 1024
#define SF_MAX_ITEMS   4096 /* defs, ops or steps in one list */

/* ---- cgroup names alive at a point of the run ---- */

struct scope_ent {
	const char *name;
	unsigned owner; /* 0 backdrop, N step N */
};
struct scope {
	size_t nr;
	size_t cap;
	struct scope_ent *e;
};

static struct scope_ent *scope_find(struct scope *s, const char *name)
{
	for (size_t i = 0; i < s->nr; i++)
		if (!strcmp(s->e[i].name, name))
			return &s->e[i];
	return NULL;
}

static int scope_add(struct scope *s, const char *name, unsigned owner)
{
	if (s->nr == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		struct scope_ent *n = realloc(s->e, cap * sizeof(*n));

		if (!n)
			return kt_err(ENOMEM, "scenario file: out of memory");
		s->e = n;
		s->cap = cap;
	}
	s->e[s->nr++] = (struct scope_ent){.name = name, .owner = owner};
	return 0;
}

static void scope_del(struct scope *s, struct scope_ent *e)
{
	size_t i = (size_t)(e - s->e);

	memmove(&s->e[i], &s->e[i + 1], (s->nr - i - 1) * sizeof(*e));
	s->nr--;
}

static void scope_end(struct scope *s, unsigned owner)
{
	size_t n = 0;

	for (size_t i = 0; i < s->nr; i++)
		if (s->e[i].owner != owner)
			s->e[n++] = s->e[i];
	s->nr = n;
}

static void scope_list(const struct scope *s, char *buf, size_t len)
{
	size_t n = 0;

	snprintf(buf, len, "none");
	for (size_t i = 0; i < s->nr && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? ", " : "",
				      s->e[i].name);
}

/* What a list of defs/ops belongs to, for scope checks. */
struct where {
	const char *path; /* "backdrop", "steps[2]" or "" (shorthand) */
	unsigned owner;
	bool loop;
	const struct kt_defs *later_defs; /* defs created after the ops */
};

/* ---- cgroup definitions ---- */

static int parse_def(const struct sf_parse *p, const json_t *v,
		     const char *path, struct kt_cgroup_def *d)
{
	static const char *const keys[] = {"name",	"cpuset", "workers",
					   "work",	"policy", "affinity",
					   "swappable", NULL};
	char child[SF_PATH_MAX];
	uint64_t workers = 0;
	bool has_workers;
	json_t *x;
	int err;

	err = sf_want_object(p, v, path, "a cgroup definition");
	err = err ?: sf_check_keys(p, v, path, keys, "a cgroup");
	err = err ?: sf_get_str(p, v, path, "name", true, &d->name);
	if (err)
		return err;
	kt_json_path_key(child, sizeof(child), path, "name");
	if (!sf_name_ok(d->name))
		return sf_err_val(p, child,
				  "\"%s\" is not a usable cgroup name (1..64 "
				  "letters, digits, '_', '-', '.')",
				  d->name);
	err = sf_get_uint(p, v, path, "workers", 1, SF_MAX_WORKERS, &workers,
			  &has_workers);
	if (err)
		return err;
	d->workers = (unsigned)workers;
#define SUB(key, fn, field)                                                    \
	do {                                                                   \
		x = json_object_get(v, key);                                   \
		kt_json_path_key(child, sizeof(child), path, key);             \
		if (x && (err = fn(p, x, child, field)))                       \
			return err;                                            \
	} while (0)
	SUB("cpuset", sf_parse_cpuset, &d->cpuset);
	SUB("work", sf_parse_work, &d->work_type);
	SUB("policy", sf_parse_policy, &d->sched_policy);
	SUB("affinity", sf_parse_affinity, &d->affinity);
#undef SUB
	return sf_get_bool(p, v, path, "swappable", &d->swappable, NULL);
}

/* Workers that do not divide into the work type's groups. n = 0 means
 * the count is the run's (checked when it runs). */
static int check_groups(const struct sf_parse *p, const char *path,
			bool count_in_file, const struct kt_work_type *w,
			unsigned n)
{
	char child[SF_PATH_MAX];

	if (!n || !kt_work_check(w, n))
		return 0;
	kt_json_path_key(child, sizeof(child), path,
			 count_in_file ? "workers" : "work");
	return sf_err_val(p, child, "%s%s", kt_last_error(),
			  count_in_file ? "" : " (the file's \"workers\")");
}

static int parse_defs(const struct sf_parse *p, const json_t *v,
		      const char *path, struct kt_defs *out)
{
	struct kt_cgroup_def *defs;
	char el[SF_PATH_MAX];
	json_t *e;
	size_t i;
	int err;

	if (!json_is_array(v))
		return sf_err_val(p, path,
				  "must be an array of cgroup definitions, not "
				  "%s",
				  kt_json_type_name(v));
	if (json_array_size(v) > SF_MAX_ITEMS)
		return sf_err_val(p, path, "more than %d cgroups",
				  SF_MAX_ITEMS);
	defs = sf_alloc(p->sf, json_array_size(v) * sizeof(*defs));
	if (!defs)
		return -ENOMEM;
	json_array_foreach(v, i, e)
	{
		unsigned n;

		kt_json_path_index(el, sizeof(el), path, i);
		err = parse_def(p, e, el, &defs[i]);
		if (err)
			return err;
		n = defs[i].workers ? defs[i].workers : p->sf->workers;
		err =
		    check_groups(p, el, defs[i].workers, &defs[i].work_type, n);
		if (err)
			return err;
	}
	out->nr = json_array_size(v);
	out->defs = defs;
	return 0;
}

/* ---- ops ---- */

struct op_desc {
	const char *name;
	enum kt_op_kind kind;
	const char *const keys[6]; /* besides "op"; NULL-terminated */
	const char *const need[3]; /* required keys */
};

static const struct op_desc op_descs[] = {
    {"AddCgroup", KT_OP_KIND_ADD_CGROUP, {"cgroup"}, {"cgroup"}},
    {"RemoveCgroup", KT_OP_KIND_REMOVE_CGROUP, {"cgroup"}, {"cgroup"}},
    {"SetCpuset",
     KT_OP_KIND_SET_CPUSET,
     {"cgroup", "cpuset"},
     {"cgroup", "cpuset"}},
    {"ClearCpuset", KT_OP_KIND_CLEAR_CPUSET, {"cgroup"}, {"cgroup"}},
    {"SwapCpusets", KT_OP_KIND_SWAP_CPUSETS, {"a", "b"}, {"a", "b"}},
    {"Spawn",
     KT_OP_KIND_SPAWN,
     {"cgroup", "work", "workers", "policy"},
     {"cgroup"}},
    {"StopCgroup", KT_OP_KIND_STOP_CGROUP, {"cgroup"}, {"cgroup"}},
    {"SetAffinity",
     KT_OP_KIND_SET_AFFINITY,
     {"cgroup", "affinity"},
     {"cgroup", "affinity"}},
    {"SpawnHost", KT_OP_KIND_SPAWN_HOST, {"work", "workers", "policy"}, {0}},
    {"MoveAllTasks", KT_OP_KIND_MOVE_ALL_TASKS, {"from", "to"}, {"from", "to"}},
};

static const struct op_desc *op_lookup(const char *name)
{
	for (size_t i = 0; i < KT_ARRAY_SIZE(op_descs); i++)
		if (!strcmp(op_descs[i].name, name))
			return &op_descs[i];
	return NULL;
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

static int parse_op(const struct sf_parse *p, const json_t *v, const char *path,
		    struct kt_op *op)
{
	const struct op_desc *d;
	const char *allowed[8] = {"op"}, *name = NULL, *a = NULL, *b = NULL;
	char child[SF_PATH_MAX], list[256], what[64];
	size_t n = 0;
	uint64_t workers = 0;
	bool has_workers;
	json_t *x;
	int err;

	err = sf_want_object(p, v, path, "an op: {\"op\": NAME, ...}");
	err = err ?: sf_get_str(p, v, path, "op", true, &name);
	if (err)
		return err;
	kt_json_path_key(child, sizeof(child), path, "op");
	d = op_lookup(name);
	if (!d) {
		list[0] = '\0';
		for (size_t i = 0; i < KT_ARRAY_SIZE(op_descs); i++)
			n +=
			    (size_t)snprintf(list + n, sizeof(list) - n, "%s%s",
					     i ? ", " : "", op_descs[i].name);
		return sf_err_val(p, child,
				  "unknown op \"%s\" (expected one of %s)",
				  name, list);
	}
	for (n = 0; d->keys[n]; n++)
		allowed[n + 1] = d->keys[n];
	allowed[n + 1] = NULL;
	snprintf(what, sizeof(what), "op %s", d->name);
	err = sf_check_keys(p, v, path, allowed, what);
	if (err)
		return err;
	for (n = 0; d->need[n]; n++)
		if (!json_object_get(v, d->need[n]))
			return sf_err_val(p, path, "op %s needs \"%s\"",
					  d->name, d->need[n]);

	*op = (struct kt_op){.kind = d->kind};
	switch (d->kind) {
	case KT_OP_KIND_SWAP_CPUSETS:
		err = op_cgroup_name(p, v, path, "a", false, &a);
		err = err ?: op_cgroup_name(p, v, path, "b", false, &b);
		if (!err && !strcmp(a, b))
			return sf_err_key(p, path, "b",
					  "SwapCpusets names \"%s\" twice", a);
		break;
	case KT_OP_KIND_MOVE_ALL_TASKS:
		err = op_cgroup_name(p, v, path, "from", false, &a);
		/* "" moves them to the run's cgroup parent */
		err = err ?: op_cgroup_name(p, v, path, "to", true, &b);
		if (!err && !strcmp(a, b))
			return sf_err_key(p, path, "to",
					  "MoveAllTasks moves \"%s\" into "
					  "itself",
					  a);
		break;
	default:
		err = op_cgroup_name(p, v, path, "cgroup", false, &a);
		break;
	}
	if (err)
		return err;
	op->cgroup = a;
	op->other = b;

	x = json_object_get(v, "cpuset");
	kt_json_path_key(child, sizeof(child), path, "cpuset");
	if (x && (err = sf_parse_cpuset(p, x, child, &op->cpuset)))
		return err;
	x = json_object_get(v, "affinity");
	kt_json_path_key(child, sizeof(child), path, "affinity");
	if (x && (err = sf_parse_affinity(p, x, child, &op->affinity)))
		return err;
	x = json_object_get(v, "work");
	kt_json_path_key(child, sizeof(child), path, "work");
	if (x && (err = sf_parse_work(p, x, child, &op->work.work)))
		return err;
	x = json_object_get(v, "policy");
	kt_json_path_key(child, sizeof(child), path, "policy");
	if (x && (err = sf_parse_policy(p, x, child, &op->work.policy)))
		return err;
	err = sf_get_uint(p, v, path, "workers", 1, SF_MAX_WORKERS, &workers,
			  &has_workers);
	if (err)
		return err;
	op->work.num_workers = (unsigned)workers;
	if (d->kind == KT_OP_KIND_SPAWN || d->kind == KT_OP_KIND_SPAWN_HOST)
		return check_groups(p, path, has_workers, &op->work.work,
				    has_workers ? op->work.num_workers
						: p->sf->workers);
	return 0;
}

static int parse_ops(const struct sf_parse *p, const json_t *v,
		     const char *path, struct kt_ops *out)
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

/* ---- name scoping ---- */

static int need_cgroup(const struct sf_parse *p, struct scope *s,
		       const struct where *w, const char *op_path,
		       const char *key, const char *name)
{
	char child[SF_PATH_MAX], known[512];

	if (scope_find(s, name))
		return 0;
	kt_json_path_key(child, sizeof(child), op_path, key);
	for (size_t i = 0; w->later_defs && i < w->later_defs->nr; i++)
		if (!strcmp(w->later_defs->defs[i].name, name))
			return sf_err_val(p, child,
					  "cgroup \"%s\" does not exist yet "
					  "when this op runs: a step runs its "
					  "ops before it creates its own "
					  "\"cgroups\" (define it in "
					  "\"backdrop\" or add it with an "
					  "AddCgroup op first)",
					  name);
	scope_list(s, known, sizeof(known));
	return sf_err_val(p, child,
			  "no cgroup \"%s\" exists when this op runs (known "
			  "here: %s)",
			  name, known);
}

static int scope_defs(const struct sf_parse *p, struct scope *s,
		      const struct where *w, const char *defs_path,
		      const struct kt_defs *d)
{
	char el[SF_PATH_MAX], child[SF_PATH_MAX];

	for (size_t i = 0; i < d->nr; i++) {
		kt_json_path_index(el, sizeof(el), defs_path, i);
		kt_json_path_key(child, sizeof(child), el, "name");
		if (scope_find(s, d->defs[i].name))
			return sf_err_val(p, child,
					  "cgroup \"%s\" already exists at "
					  "this point",
					  d->defs[i].name);
		if (scope_add(s, d->defs[i].name, w->owner))
			return -ENOMEM;
	}
	return 0;
}

static int scope_ops(const struct sf_parse *p, struct scope *s,
		     const struct where *w, const char *ops_path,
		     const struct kt_ops *ops)
{
	char el[SF_PATH_MAX], child[SF_PATH_MAX];
	int err = 0;

	for (size_t i = 0; i < ops->nr && !err; i++) {
		const struct kt_op *op = &ops->ops[i];
		struct scope_ent *e;

		kt_json_path_index(el, sizeof(el), ops_path, i);
		kt_json_path_key(child, sizeof(child), el, "op");
		switch (op->kind) {
		case KT_OP_KIND_ADD_CGROUP:
			if (w->loop)
				return sf_err_val(p, child,
						  "AddCgroup cannot repeat in "
						  "a loop step (its second "
						  "round would add \"%s\" "
						  "again)",
						  op->cgroup);
			kt_json_path_key(child, sizeof(child), el, "cgroup");
			if (scope_find(s, op->cgroup))
				return sf_err_val(p, child,
						  "cgroup \"%s\" already "
						  "exists at this point",
						  op->cgroup);
			err = scope_add(s, op->cgroup, w->owner);
			break;
		case KT_OP_KIND_REMOVE_CGROUP:
			if (w->loop)
				return sf_err_val(p, child,
						  "RemoveCgroup cannot repeat "
						  "in a loop step (its second "
						  "round would find no \"%s\")",
						  op->cgroup);
			err = need_cgroup(p, s, w, el, "cgroup", op->cgroup);
			e = err ? NULL : scope_find(s, op->cgroup);
			if (e)
				scope_del(s, e);
			break;
		case KT_OP_KIND_SWAP_CPUSETS:
			err = need_cgroup(p, s, w, el, "a", op->cgroup);
			err = err ?: need_cgroup(p, s, w, el, "b", op->other);
			break;
		case KT_OP_KIND_MOVE_ALL_TASKS:
			err = need_cgroup(p, s, w, el, "from", op->cgroup);
			if (!err && op->other[0])
				err = need_cgroup(p, s, w, el, "to", op->other);
			break;
		case KT_OP_KIND_SPAWN_HOST:
			break;
		default:
			err = need_cgroup(p, s, w, el, "cgroup", op->cgroup);
			break;
		}
	}
	return err;
}

/* Play one block (backdrop or step) through the scope. */
static int scope_block(const struct sf_parse *p, struct scope *s,
		       struct where *w, const struct kt_defs *defs,
		       const struct kt_ops *ops)
{
	char dp[SF_PATH_MAX], op[SF_PATH_MAX];
	int err;

	kt_json_path_key(dp, sizeof(dp), w->path, "cgroups");
	kt_json_path_key(op, sizeof(op), w->path, "ops");
	if (w->owner && !w->loop) { /* a step: ops, then its defs */
		w->later_defs = defs;
		err = scope_ops(p, s, w, op, ops);
		w->later_defs = NULL;
		return err ?: scope_defs(p, s, w, dp, defs);
	}
	err = scope_defs(p, s, w, dp, defs);
	return err ?: scope_ops(p, s, w, op, ops);
}

/* ---- steps, backdrop, document ---- */

static int parse_block(const struct sf_parse *p, const json_t *v,
		       const char *path, struct kt_defs *defs,
		       struct kt_ops *ops)
{
	char child[SF_PATH_MAX];
	json_t *x;
	int err;

	x = json_object_get(v, "cgroups");
	kt_json_path_key(child, sizeof(child), path, "cgroups");
	if (x && (err = parse_defs(p, x, child, defs)))
		return err;
	x = json_object_get(v, "ops");
	kt_json_path_key(child, sizeof(child), path, "ops");
	if (x && (err = parse_ops(p, x, child, ops)))
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

static int parse_steps(const struct sf_parse *p, const json_t *v,
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

static int parse_backdrop(const struct sf_parse *p, const json_t *v,
			  struct kt_backdrop *bd)
{
	static const char *const keys[] = {"cgroups", "ops", NULL};
	int err;

	err = sf_want_object(p, v, "backdrop",
			     "{\"cgroups\": [...], \"ops\": [...]}");
	err = err ?: sf_check_keys(p, v, "backdrop", keys, "the backdrop");
	return err ?: parse_block(p, v, "backdrop", &bd->defs, &bd->ops);
}

/* The top-level "cgroups" shorthand: one step holding them throughout. */
static int parse_shorthand(const struct sf_parse *p, const json_t *v,
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
	err = parse_defs(p, v, "cgroups", &st->defs);
	if (err)
		return err;
	st->hold = KT_HOLD_FULL;
	out->nr = 1;
	out->steps = st;
	return 0;
}

static int check_scope(const struct sf_parse *p, int shorthand)
{
	const struct kt_scenario_file *sf = p->sf;
	struct scope s = {0};
	struct where w = {.path = "backdrop"};
	char path[SF_PATH_MAX];
	int err;

	err = scope_block(p, &s, &w, &sf->backdrop.defs, &sf->backdrop.ops);
	for (size_t i = 0; !err && i < sf->steps.nr; i++) {
		const struct kt_step *st = &sf->steps.steps[i];

		kt_json_path_index(path, sizeof(path), "steps", i);
		w = (struct where){
		    .path = shorthand ? "" : path,
		    .owner = (unsigned)i + 1,
		    .loop = st->hold.kind == KT_HOLD_KIND_LOOP,
		};
		err = scope_block(p, &s, &w, &st->defs, &st->ops);
		scope_end(&s, w.owner);
	}
	free(s.e);
	return err;
}

static int parse_doc(const struct sf_parse *p, const json_t *root)
{
	static const char *const keys[] = {
	    "name",	"description", "duration_s", "workers", "assert",
	    "backdrop", "steps",       "cgroups",    NULL};
	struct kt_scenario_file *sf = p->sf;
	const json_t *steps, *cgroups, *x;
	const char *name = NULL, *desc = NULL;
	uint64_t workers = 0;
	double dur = 0;
	bool has;
	int err;

	if (!json_is_object(root))
		return sf_err_val(p, "",
				  "a scenario file must hold one JSON object, "
				  "not %s",
				  kt_json_type_name(root));
	err = sf_check_keys(p, root, "", keys, NULL);
	err = err ?: sf_get_str(p, root, "", "name", true, &name);
	if (err)
		return err;
	if (!sf_name_ok(name))
		return sf_err_val(p, "name",
				  "\"%s\" is not a usable scenario name (1..64 "
				  "letters, digits, '_', '-', '.')",
				  name);
	err = sf_get_str(p, root, "", "description", true, &desc);
	err = err
		  ?: sf_get_num(p, root, "", "duration_s", 0.0, true, 86400.0,
				&dur, &has);
	if (err)
		return err;
	sf->name = (char *)name;
	sf->description = (char *)desc;
	sf->duration_ns = has ? (uint64_t)(dur * 1e9) : 0;
	if (has && !sf->duration_ns)
		return sf_err_val(p, "duration_s", "%g s rounds to 0 ns", dur);
	err = sf_get_uint(p, root, "", "workers", 1, SF_MAX_WORKERS, &workers,
			  NULL);
	if (err)
		return err;
	sf->workers = (unsigned)workers;
	x = json_object_get(root, "assert");
	if (x && (err = sf_parse_assert(p, x, "assert", &sf->assert)))
		return err;
	x = json_object_get(root, "backdrop");
	if (x && (err = parse_backdrop(p, x, &sf->backdrop)))
		return err;

	steps = json_object_get(root, "steps");
	cgroups = json_object_get(root, "cgroups");
	if (steps && cgroups)
		return sf_err_key(p, "", "cgroups",
				  "\"cgroups\" (one step holding them "
				  "throughout) and \"steps\" exclude each "
				  "other; put the cgroups in a step");
	if (!steps && !cgroups)
		return sf_err_val(p, "",
				  "nothing to run: give \"steps\" (or "
				  "\"cgroups\" for one step that holds them "
				  "throughout)");
	err = steps ? parse_steps(p, steps, &sf->steps)
		    : parse_shorthand(p, cgroups, &sf->steps);
	return err ?: check_scope(p, !steps);
}

/* ---- entry points ---- */

static int syntax_error(const char *origin, const char *text, size_t len,
			const json_error_t *jerr)
{
	struct kt_json_posmap *pm = NULL;
	struct kt_json_dup dup;

	/* jansson stops at the first problem; when that is a repeated key,
	 * the scanner finds the same one and can say where it sits. */
	if (strstr(jerr->text, "duplicate") &&
	    kt_json_posmap_build(text, len, &pm, &dup) == -EEXIST)
		return kt_err(EINVAL, "%s:%d:%d: %s: duplicate key \"%s\"",
			      origin, dup.pos.line, dup.pos.col,
			      *dup.path ? dup.path : "top level", dup.key);
	kt_json_posmap_free(pm);
	return kt_err(EINVAL, "%s:%d:%d: invalid JSON: %s", origin, jerr->line,
		      jerr->column, jerr->text);
}

int kt_scenario_file_parse(const char *text, size_t len, const char *origin,
			   struct kt_scenario_file **out)
{
	struct kt_scenario_file *sf;
	struct kt_json_posmap *pm = NULL;
	struct sf_parse p;
	json_error_t jerr;
	json_t *root;
	int err;

	*out = NULL;
	if (!origin)
		origin = "(string)";
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return syntax_error(origin, text, len, &jerr);
	err = kt_json_posmap_build(text, len, &pm, NULL);
	if (err) { /* jansson took it: only memory can fail here */
		json_decref(root);
		return kt_err(-err, "%s: scanning positions: %s", origin,
			      strerror(-err));
	}
	sf = calloc(1, sizeof(*sf));
	if (sf)
		sf->path = strdup(origin);
	if (!sf || !sf->path) {
		free(sf);
		json_decref(root);
		kt_json_posmap_free(pm);
		return kt_err(ENOMEM, "%s: out of memory", origin);
	}
	p = (struct sf_parse){.origin = origin, .pm = pm, .sf = sf};
	err = parse_doc(&p, root);
	json_decref(root);
	kt_json_posmap_free(pm);
	if (err) {
		kt_scenario_file_free(sf);
		return err;
	}
	*out = sf;
	return 0;
}

int kt_scenario_file_load(const char *path, struct kt_scenario_file **out)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int err;

	*out = NULL;
	f = fopen(path, "re");
	if (!f)
		return kt_err(errno, "scenario file %s: %s", path,
			      strerror(errno));
	buf = malloc(KT_SCENARIO_FILE_MAX_BYTES + 1);
	if (!buf) {
		fclose(f);
		return kt_err(ENOMEM, "scenario file %s: out of memory", path);
	}
	len = fread(buf, 1, KT_SCENARIO_FILE_MAX_BYTES + 1, f);
	err = ferror(f) ? errno ?: EIO : 0;
	fclose(f);
	if (err) {
		free(buf);
		return kt_err(err, "scenario file %s: read: %s", path,
			      strerror(err));
	}
	if (len > KT_SCENARIO_FILE_MAX_BYTES) {
		free(buf);
		return kt_err(EINVAL, "scenario file %s: larger than %u bytes",
			      path, KT_SCENARIO_FILE_MAX_BYTES);
	}
	err = kt_scenario_file_parse(buf, len, path, out);
	free(buf);
	return err;
}
