/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The name play-through of a scenario file: the cgroup names are played
 * through the run in the engine's order (backdrop defs, its ops, then per
 * step: ops then defs, or defs then ops for a loop step; a step's cgroups
 * end with it), so an op naming a cgroup that does not exist at that point,
 * or adding one that does, is caught before anything runs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops/ops_kinds.h"
#include "scenario_file_priv.h"

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

/* ---- playing the run through ---- */

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

/* AddCgroup: the name is new here, and the op cannot repeat. */
static int scope_add_op(const struct sf_parse *p, struct scope *s,
			const struct where *w, const char *el,
			const struct kt_op *op)
{
	char child[SF_PATH_MAX];

	kt_json_path_key(child, sizeof(child), el, "op");
	if (w->loop)
		return sf_err_val(p, child,
				  "AddCgroup cannot repeat in a loop step (its "
				  "second round would add \"%s\" again)",
				  op->cgroup);
	kt_json_path_key(child, sizeof(child), el, "cgroup");
	if (scope_find(s, op->cgroup))
		return sf_err_val(p, child,
				  "cgroup \"%s\" already exists at this point",
				  op->cgroup);
	return scope_add(s, op->cgroup, w->owner);
}

/* RemoveCgroup: the name exists here and goes, and the op cannot repeat. */
static int scope_remove_op(const struct sf_parse *p, struct scope *s,
			   const struct where *w, const char *el,
			   const struct kt_op *op)
{
	char child[SF_PATH_MAX];
	int err;

	kt_json_path_key(child, sizeof(child), el, "op");
	if (w->loop)
		return sf_err_val(p, child,
				  "RemoveCgroup cannot repeat in a loop step "
				  "(its second round would find no \"%s\")",
				  op->cgroup);
	err = need_cgroup(p, s, w, el, "cgroup", op->cgroup);
	if (!err)
		scope_del(s, scope_find(s, op->cgroup));
	return err;
}

/* Any other op: the cgroups it names exist here ("" is the parent). */
static int scope_op(const struct sf_parse *p, struct scope *s,
		    const struct where *w, const char *el,
		    const struct kt_op *op)
{
	const struct kt_op_desc *d = kt_op_desc(op->kind);
	int err = 0;

	if (d->cgroup_key)
		err = need_cgroup(p, s, w, el, d->cgroup_key, op->cgroup);
	if (!err && d->other_key && op->other[0])
		err = need_cgroup(p, s, w, el, d->other_key, op->other);
	return err;
}

static int scope_ops(const struct sf_parse *p, struct scope *s,
		     const struct where *w, const char *ops_path,
		     const struct kt_ops *ops)
{
	char el[SF_PATH_MAX];
	int err = 0;

	for (size_t i = 0; i < ops->nr && !err; i++) {
		const struct kt_op *op = &ops->ops[i];

		kt_json_path_index(el, sizeof(el), ops_path, i);
		if (op->kind == KT_OP_KIND_ADD_CGROUP)
			err = scope_add_op(p, s, w, el, op);
		else if (op->kind == KT_OP_KIND_REMOVE_CGROUP)
			err = scope_remove_op(p, s, w, el, op);
		else
			err = scope_op(p, s, w, el, op);
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

int sf_check_scope(const struct sf_parse *p, bool shorthand)
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
