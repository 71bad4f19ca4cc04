/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The ops engine's working state: the cgroups and workloads a run created
 * (and who owns them), executing each op against ctx->cgroups, setting up
 * a cgroup def, and tearing an owner's things down (workers stopped and
 * judged before their cgroups go).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops_engine.h"
#include "ops_kinds.h"
#include "scenario/scenario_util.h"

/* ---- checks ---- */

static bool named(const char *s)
{
	return s && s[0];
}

static int check_affinity(const struct kt_affinity *a)
{
	struct kt_cpuset s;

	if ((unsigned)a->kind >= KT_AFFINITY_KIND__COUNT)
		return kt_err(EINVAL, "affinity: unknown kind %d",
			      (int)a->kind);
	if (a->kind != KT_AFFINITY_KIND_EXACT)
		return 0;
	if (!a->exact)
		return kt_err(EINVAL, "Exact affinity: no CPU list");
	if (kt_cpuset_parse(a->exact, &s))
		return kt_err_wrap(EINVAL, "Exact affinity \"%s\"", a->exact);
	if (kt_cpuset_empty(&s))
		return kt_err(EINVAL, "Exact affinity \"%s\": empty", a->exact);
	return 0;
}

int kt_ops_check_def(const struct kt_cgroup_def *def)
{
	int err;

	if (!named(def->name))
		return kt_err(EINVAL, "cgroup def: the name is empty");
	err = kt_cpuset_spec_check(&def->cpuset);
	if (!err)
		err = check_affinity(&def->affinity);
	if (!err)
		err = kt_policy_check(&def->sched_policy);
	if (!err)
		err = kt_mempol_check(&def->mem_policy, 0);
	if (!err && def->sched_policy.kind == KT_POLICY_DEADLINE &&
	    def->affinity.kind != KT_AFFINITY_KIND_INHERIT)
		err = kt_err(EINVAL,
			     "Deadline workers with affinity %s: the kernel "
			     "refuses a SCHED_DEADLINE task an affinity "
			     "narrower than its root domain (EBUSY); leave "
			     "their affinity Inherit (a cpuset is fine)",
			     kt_affinity_kind_name(def->affinity.kind));
	if (!err)
		err = kt_cgroup_def_check_ctrl(def);
	if (err)
		return kt_err_wrap(EINVAL, "cgroup def %s", def->name);
	return 0;
}

int kt_ops_check_op(const struct kt_op *op)
{
	const struct kt_op_desc *d = kt_op_desc(op->kind);
	const char *name;
	int err = 0;

	if (!d)
		return kt_err(EINVAL, "op: unknown kind %d", (int)op->kind);
	name = d->name;
	if (d->cgroup_key && !named(op->cgroup))
		return kt_err(EINVAL, "%s: no cgroup named", name);
	/* MoveAllTasks may move to "" (the run's cgroup parent) */
	if (d->other_key &&
	    (!op->other || (!d->other_may_be_parent && !op->other[0])))
		return kt_err(EINVAL, "%s %s: no second cgroup named", name,
			      op->cgroup);
	if (op->kind == KT_OP_KIND_SET_CPUSET) {
		if (op->cpuset.kind == KT_CPUSET_KIND_NONE)
			return kt_err(EINVAL,
				      "%s %s: no cpuset given (use "
				      "ClearCpuset to drop one)",
				      name, op->cgroup);
		err = kt_cpuset_spec_check(&op->cpuset);
	}
	if (op->kind == KT_OP_KIND_SET_AFFINITY)
		err = check_affinity(&op->affinity);
	if (op->kind == KT_OP_KIND_SPAWN || op->kind == KT_OP_KIND_SPAWN_HOST)
		err = kt_policy_check(&op->work.policy)
			  ?: kt_mempol_check(&op->work.mem_policy, 0);
	if (op->kind == KT_OP_KIND_RUN_PAYLOAD ||
	    op->kind == KT_OP_KIND_WAIT_PAYLOAD ||
	    op->kind == KT_OP_KIND_KILL_PAYLOAD)
		return kt_ops_payload_check(op);
	if (op->kind == KT_OP_KIND_WRITE_MAP)
		return kt_map_write_check(&op->map_write);
	if (err)
		return kt_err_wrap(EINVAL, "%s %s", name, op->cgroup);
	if (op->kind == KT_OP_KIND_CPU_OFFLINE ||
	    op->kind == KT_OP_KIND_CPU_ONLINE) {
		if (op->cpuset.kind == KT_CPUSET_KIND_NONE)
			return kt_err(EINVAL,
				      "%s: no CPUs given (a cpuset spec: "
				      "llc(1), exact(3), ...)",
				      name);
		if (kt_cpuset_spec_check(&op->cpuset))
			return kt_err_wrap(EINVAL, "%s", name);
	}
	return 0;
}

/* ---- registry ---- */

static struct ops_cg *find_cg(struct ops_run *r, const char *name)
{
	for (size_t i = 0; i < r->nr_cgs; i++)
		if (!strcmp(r->cgs[i].name, name))
			return &r->cgs[i];
	return NULL;
}

static int add_cg(struct ops_run *r, const char *name, struct ops_cg **out)
{
	struct ops_cg *n;
	char *dup;
	int err;

	*out = find_cg(r, name);
	if (*out)
		return 0;
	err = r->ctx->cgroups->create(r->ctx->cgroups, name);
	if (err)
		return err;
	kt_ops_verify_exists(r, name, true, "creating it");
	dup = strdup(name);
	n = dup ? realloc(r->cgs, (r->nr_cgs + 1) * sizeof(*n)) : NULL;
	if (!n) {
		free(dup);
		r->ctx->cgroups->remove(r->ctx->cgroups, name);
		return kt_err(ENOMEM, "cgroup %s: out of memory", name);
	}
	r->cgs = n;
	n = &r->cgs[r->nr_cgs++];
	*n = (struct ops_cg){.name = dup, .owner = r->owner};
	*out = n;
	return 0;
}

static void drop_cg(struct ops_run *r, struct ops_cg *cg)
{
	size_t i = (size_t)(cg - r->cgs);

	free(cg->name);
	memmove(&r->cgs[i], &r->cgs[i + 1],
		(r->nr_cgs - i - 1) * sizeof(*r->cgs));
	r->nr_cgs--;
}

/* The cgroup an op names must be one this run made. */
static int need_cg(struct ops_run *r, const char *name, struct ops_cg **out)
{
	*out = find_cg(r, name);
	if (*out)
		return 0;
	return kt_err(ENOENT,
		      "no cgroup %s in this scenario (cgroups of a finished "
		      "step are gone: put lasting ones in the backdrop)",
		      name);
}

static int add_wl(struct ops_run *r, const char *cgroup,
		  const struct ops_cg *cg, struct kt_workload *w)
{
	struct ops_wl *n;
	char *dup = strdup(cgroup);

	n = dup ? realloc(r->wls, (r->nr_wls + 1) * sizeof(*n)) : NULL;
	if (!n) {
		free(dup);
		return kt_err(ENOMEM, "workers of %s: out of memory",
			      cgroup[0] ? cgroup : "(host)");
	}
	r->wls = n;
	n = &r->wls[r->nr_wls++];
	*n = (struct ops_wl){.cgroup = dup,
			     .owner = r->owner,
			     .running = true,
			     .confined = cg && cg->has_cpuset,
			     .wl = w};
	if (n->confined)
		n->allowed = cg->cpuset;
	return 0;
}

unsigned kt_ops_nr_cgroups(const struct ops_run *r)
{
	return (unsigned)r->nr_cgs;
}

unsigned kt_ops_nr_workers(const struct ops_run *r)
{
	size_t n = 0;

	for (size_t i = 0; i < r->nr_wls; i++)
		if (r->wls[i].running)
			n += kt_workload_nr(r->wls[i].wl);
	return (unsigned)n;
}

uint64_t kt_ops_iterations(const struct ops_run *r)
{
	uint64_t n = 0;

	for (size_t i = 0; i < r->nr_wls; i++)
		n += kt_workload_iterations(r->wls[i].wl);
	return n;
}

/* ---- workers ---- */

static const char *shown(const char *cgroup)
{
	return cgroup[0] ? cgroup : "(host)";
}

/* Stop one workload and judge it; failures become INFRA details. */
static void stop_wl(struct ops_run *r, struct ops_wl *w)
{
	if (!w->running)
		return;
	w->running = false;
	kt_judge_workload(r->assert, shown(w->cgroup), w->wl,
			  w->confined ? &w->allowed : NULL, r->res);
}

static void stop_cgroup_wls(struct ops_run *r, const char *cgroup)
{
	kt_ops_payload_stop_cgroup(r, cgroup);
	for (size_t i = 0; i < r->nr_wls; i++)
		if (!strcmp(r->wls[i].cgroup, cgroup))
			stop_wl(r, &r->wls[i]);
}

/* The cgroup's cpuset (or none) now applies to its running workers. */
static void cpuset_changed(struct ops_run *r, const struct ops_cg *cg,
			   const char *after)
{
	kt_ops_verify_cpuset(r, cg, after);
	for (size_t i = 0; i < r->nr_wls; i++) {
		struct ops_wl *w = &r->wls[i];

		if (!w->running || strcmp(w->cgroup, cg->name))
			continue;
		/* the work-conservation bound needs a fixed placement */
		kt_workload_note_placement_change(w->wl);
		if (!cg->has_cpuset) {
			w->confined = false;
			continue;
		}
		kt_cpuset_or(&w->allowed, &cg->cpuset);
		/* the change must reach the workers' CPU affinity */
		kt_check_confined(
		    r->ctx,
		    &(struct kt_handle){.cgroup = w->cgroup, .wl = w->wl},
		    &cg->cpuset, "after its cgroup's cpuset changed", r->res);
	}
}

/*
 * Spawn cfg's workers, move them into cgroup (NULL: stay in the harness's
 * cgroup; "": the run's cgroup parent), apply the affinity, start them.
 */
static int spawn(struct ops_run *r, const char *cgroup,
		 const struct kt_workload_config *cfg,
		 const struct kt_affinity *aff)
{
	const struct kt_cgroup_ops *cgs = r->ctx->cgroups;
	struct ops_cg *cg = cgroup && cgroup[0] ? find_cg(r, cgroup) : NULL;
	struct kt_workload *w = NULL;
	struct kt_affinity_mode mode;
	int err;

	err = kt_affinity_resolve(r->ctx->topo, aff,
				  cg && cg->has_cpuset ? &cg->cpuset : NULL,
				  &mode);
	if (!err)
		err = kt_workload_spawn(cfg, &w);
	if (!err)
		kt_watch_workload(r->assert, w);
	/* once the parent refused workers it refuses them all run long */
	for (size_t i = 0; !err && cgroup && !(!cgroup[0] && r->host_note) &&
			   i < kt_workload_nr(w);
	     i++) {
		err = cgs->move_task(cgs, cgroup, kt_workload_pid(w, i));
		if (err && !cgroup[0]) {
			/* The parent refuses tasks while its children hold
			 * some (cgroup v2: no internal processes). */
			if (!r->host_note)
				kt_result_add(r->res, KT_DETAIL_NOTE,
					      "SpawnHost: the cgroup parent "
					      "refused workers (%s); they run "
					      "in the harness's cgroup",
					      kt_last_error());
			r->host_note = true;
			err = 0;
			break;
		}
	}
	if (!err)
		err = kt_affinity_apply(w, &mode, r->seed++);
	if (!err)
		err = kt_workload_start(w);
	if (!err)
		err = add_wl(r, cgroup ? cgroup : "", cg, w);
	if (err) {
		kt_workload_free(w);
		return err;
	}
	r->wls[r->nr_wls - 1].blocks = kt_work_kind_blocks(cfg->work.kind);
	kt_ops_verify_members(r, &r->wls[r->nr_wls - 1], "spawning them");
	return 0;
}

static struct kt_workload_config op_cfg(const struct ops_run *r,
					const struct kt_op *op)
{
	struct kt_workload_config cfg = op->work;

	if (!cfg.num_workers)
		cfg.num_workers =
		    r->ctx->workers_per_cgroup ? r->ctx->workers_per_cgroup : 2;
	return cfg;
}

int kt_ops_setup_def(struct ops_run *r, const struct kt_cgroup_def *def)
{
	const struct kt_cgroup_ops *cgs = r->ctx->cgroups;
	struct kt_workload_config cfg = {
	    .num_workers = def->workers ? def->workers
			   : r->ctx->workers_per_cgroup
			       ? r->ctx->workers_per_cgroup
			       : 2,
	    .work = def->work_type,
	    .policy = def->sched_policy,
	    .mem_policy = def->mem_policy,
	    .threads = def->threads,
	};
	struct ops_cg *cg;
	struct kt_cpuset cpus;
	int err;

	if (def->swappable && r->ctx->work_type_override)
		cfg.work = *r->ctx->work_type_override;
	err = kt_cpuset_spec_resolve(r->ctx->topo, &def->cpuset, &cpus);
	if (!err)
		err = add_cg(r, def->name, &cg);
	if (!err && def->cpuset.kind != KT_CPUSET_KIND_NONE) {
		err = cgs->set_cpuset(cgs, def->name, &cpus);
		if (!err) {
			cg->has_cpuset = true;
			cg->cpuset = cpus;
			cpuset_changed(r, cg, "setting up its def");
		}
	}
	if (!err)
		err = kt_ops_apply_ctrl(r, cg, def);
	if (!err)
		err = spawn(r, def->name, &cfg, &def->affinity);
	if (err)
		return kt_err_wrap(err, "cgroup %s", def->name);
	return 0;
}

/* ---- ops ---- */

static int op_set_cpuset(struct ops_run *r, struct ops_cg *cg, bool has,
			 const struct kt_cpuset *cpus, const char *after)
{
	const struct kt_cgroup_ops *cgs = r->ctx->cgroups;
	int err = has ? cgs->set_cpuset(cgs, cg->name, cpus)
		      : cgs->clear_cpuset(cgs, cg->name);

	if (err)
		return err;
	cg->has_cpuset = has;
	if (has)
		cg->cpuset = *cpus;
	cpuset_changed(r, cg, after);
	return 0;
}

static int op_swap(struct ops_run *r, struct ops_cg *a, struct ops_cg *b)
{
	struct ops_cg old_a = *a;
	int err = op_set_cpuset(r, a, b->has_cpuset, &b->cpuset, "SwapCpusets");

	return err ? err
		   : op_set_cpuset(r, b, old_a.has_cpuset, &old_a.cpuset,
				   "SwapCpusets");
}

static int op_move_all(struct ops_run *r, const char *from, const char *to)
{
	const struct kt_cgroup_ops *cgs = r->ctx->cgroups;
	struct ops_cg *dst = to[0] ? find_cg(r, to) : NULL;
	int err = cgs->move_all(cgs, from, to);

	if (err)
		return err;
	for (size_t i = 0; i < r->nr_wls; i++) {
		struct ops_wl *w = &r->wls[i];
		char *dup;

		if (strcmp(w->cgroup, from))
			continue;
		dup = strdup(to);
		if (!dup)
			return kt_err(ENOMEM, "out of memory");
		free(w->cgroup);
		w->cgroup = dup;
		if (!w->running)
			continue;
		kt_workload_note_placement_change(w->wl);
		kt_ops_verify_members(r, w, "MoveAllTasks");
		if (!dst || !dst->has_cpuset) {
			w->confined = false;
			continue;
		}
		kt_cpuset_or(&w->allowed, &dst->cpuset);
		kt_check_confined(
		    r->ctx,
		    &(struct kt_handle){.cgroup = w->cgroup, .wl = w->wl},
		    &dst->cpuset, "after moving to its cgroup", r->res);
	}
	return 0;
}

static int op_set_affinity(struct ops_run *r, struct ops_cg *cg,
			   const struct kt_affinity *aff)
{
	struct kt_affinity_mode mode;
	int err = kt_affinity_resolve(
	    r->ctx->topo, aff, cg->has_cpuset ? &cg->cpuset : NULL, &mode);

	for (size_t i = 0; !err && i < r->nr_wls; i++) {
		struct ops_wl *w = &r->wls[i];

		if (!w->running || strcmp(w->cgroup, cg->name))
			continue;
		err = kt_affinity_apply(w->wl, &mode, r->seed++);
		if (!err)
			kt_ops_verify_affinity(
			    r, w, &mode, cg->has_cpuset ? &cg->cpuset : NULL,
			    "after SetAffinity");
	}
	return err;
}

static int run_op(struct ops_run *r, const struct kt_op *op)
{
	const struct kt_cgroup_ops *cgs = r->ctx->cgroups;
	struct kt_workload_config cfg;
	struct ops_cg *a = NULL, *b = NULL;
	struct kt_cpuset cpus;
	int err;

	switch (op->kind) {
	case KT_OP_KIND_ADD_CGROUP:
		return add_cg(r, op->cgroup, &a);
	case KT_OP_KIND_REMOVE_CGROUP:
		err = need_cg(r, op->cgroup, &a);
		if (err)
			return err;
		stop_cgroup_wls(r, op->cgroup);
		err = cgs->remove(cgs, op->cgroup);
		if (err)
			return err;
		kt_ops_verify_exists(r, op->cgroup, false, "RemoveCgroup");
		drop_cg(r, a);
		return 0;
	case KT_OP_KIND_SET_CPUSET:
		err = need_cg(r, op->cgroup, &a);
		if (!err)
			err = kt_cpuset_spec_resolve(r->ctx->topo, &op->cpuset,
						     &cpus);
		return err ? err
			   : op_set_cpuset(r, a, true, &cpus, "SetCpuset");
	case KT_OP_KIND_CLEAR_CPUSET:
		err = need_cg(r, op->cgroup, &a);
		return err ? err
			   : op_set_cpuset(r, a, false, NULL, "ClearCpuset");
	case KT_OP_KIND_SWAP_CPUSETS:
		err = need_cg(r, op->cgroup, &a);
		if (!err)
			err = need_cg(r, op->other, &b);
		return err ? err : op_swap(r, a, b);
	case KT_OP_KIND_SPAWN:
		err = need_cg(r, op->cgroup, &a);
		cfg = op_cfg(r, op);
		return err ? err
			   : spawn(r, op->cgroup, &cfg, &KT_AFFINITY_INHERIT);
	case KT_OP_KIND_STOP_CGROUP:
		err = need_cg(r, op->cgroup, &a);
		if (!err)
			stop_cgroup_wls(r, op->cgroup);
		return err;
	case KT_OP_KIND_SET_AFFINITY:
		err = need_cg(r, op->cgroup, &a);
		return err ? err : op_set_affinity(r, a, &op->affinity);
	case KT_OP_KIND_SPAWN_HOST:
		cfg = op_cfg(r, op);
		return spawn(r, "", &cfg, &KT_AFFINITY_INHERIT);
	case KT_OP_KIND_MOVE_ALL_TASKS:
		err = need_cg(r, op->cgroup, &a);
		if (!err && op->other[0])
			err = need_cg(r, op->other, &b);
		return err ? err : op_move_all(r, op->cgroup, op->other);
	case KT_OP_KIND_CPU_OFFLINE:
	case KT_OP_KIND_CPU_ONLINE:
		return kt_ops_hotplug_run(r, op);
	case KT_OP_KIND_RUN_PAYLOAD:
		err = need_cg(r, op->cgroup, &a);
		return err ? err : kt_ops_payload_op(r, op, a->owner);
	case KT_OP_KIND_WAIT_PAYLOAD:
	case KT_OP_KIND_KILL_PAYLOAD:
		return kt_ops_payload_op(r, op, r->owner);
	case KT_OP_KIND_WRITE_MAP:
		return kt_ops_map_write_run(r, op);
	case KT_OP_KIND__COUNT:
		break;
	}
	return kt_err(EINVAL, "op: unknown kind %d", (int)op->kind);
}

int kt_ops_run_op(struct ops_run *r, const struct kt_op *op)
{
	int err = run_op(r, op);

	if (!err)
		return 0;
	if (op->other)
		return kt_err_wrap(err, "%s %s %s", kt_op_kind_name(op->kind),
				   op->cgroup,
				   op->other[0] ? op->other : "\"\"");
	if (op->cgroup)
		return kt_err_wrap(err, "%s %s", kt_op_kind_name(op->kind),
				   op->cgroup);
	return kt_err_wrap(err, "%s", kt_op_kind_name(op->kind));
}

/* ---- teardown ---- */

static bool owned_cg(const struct ops_run *r, const char *name, unsigned owner)
{
	for (size_t i = 0; i < r->nr_cgs; i++)
		if (!strcmp(r->cgs[i].name, name))
			return r->cgs[i].owner == owner;
	return false;
}

void kt_ops_teardown(struct ops_run *r, unsigned owner)
{
	const struct kt_cgroup_ops *cgs = r->ctx->cgroups;

	kt_ops_payload_teardown(r, owner);
	for (size_t i = 0; i < r->nr_wls; i++)
		if (r->wls[i].owner == owner ||
		    owned_cg(r, r->wls[i].cgroup, owner))
			stop_wl(r, &r->wls[i]);
	for (size_t i = r->nr_cgs; i-- > 0;) {
		if (r->cgs[i].owner != owner)
			continue;
		if (cgs->remove(cgs, r->cgs[i].name))
			kt_result_add(r->res, KT_DETAIL_INFRA,
				      "remove cgroup %s: %s", r->cgs[i].name,
				      kt_last_error());
		else
			kt_ops_verify_exists(r, r->cgs[i].name, false,
					     "the step's teardown");
		drop_cg(r, &r->cgs[i]);
	}
}

void kt_ops_run_free(struct ops_run *r)
{
	const struct kt_cgroup_ops *cgs = r->ctx->cgroups;

	/* no CPU this run took offline stays offline, whatever happened */
	kt_ops_hotplug_restore(r);
	/* workers and payloads die before their cgroups go */
	kt_ops_payload_free(r);
	for (size_t i = 0; i < r->nr_wls; i++) {
		kt_workload_free(r->wls[i].wl);
		free(r->wls[i].cgroup);
	}
	free(r->wls);
	r->wls = NULL;
	r->nr_wls = 0;
	for (size_t i = r->nr_cgs; i-- > 0;) {
		cgs->remove(cgs, r->cgs[i].name);
		free(r->cgs[i].name);
	}
	free(r->cgs);
	r->cgs = NULL;
	r->nr_cgs = 0;
}
