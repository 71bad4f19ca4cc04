/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Executing an ops/steps scenario: every hold and spec checked up front,
 * the backdrop set up, each step run (ops, defs, stimulus event, hold, or
 * a loop of ops) and torn down at its end, scheduler liveness between
 * steps, the step counter published in ctx->current_step, and the
 * timeline of stimulus events put into the result.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ops_engine.h"
#include "result/result_lanes.h"

/* ---- up-front validation ---- */

static int check_defs(const struct kt_defs *d, const char *where)
{
	for (size_t i = 0; i < d->nr; i++)
		if (kt_ops_check_def(&d->defs[i]))
			return kt_err_wrap(EINVAL, "%s", where);
	return 0;
}

static int check_ops(const struct kt_ops *o, const char *where)
{
	for (size_t i = 0; i < o->nr; i++)
		if (kt_ops_check_op(&o->ops[i]))
			return kt_err_wrap(EINVAL, "%s", where);
	return 0;
}

/* A spec this topology cannot hold: the scenario does not apply here. */
static bool fits(const struct kt_ctx *ctx, const struct kt_cpuset_spec *spec,
		 const char *cgroup, struct kt_result *res)
{
	struct kt_cpuset cpus;
	char name[128];

	if (!kt_cpuset_spec_resolve(ctx->topo, spec, &cpus))
		return true;
	kt_cpuset_spec_name(spec, name, sizeof(name));
	kt_result_skip(res, "cpuset %s of %s: %s", name, cgroup,
		       kt_last_error());
	return false;
}

static bool aff_fits(const struct kt_ctx *ctx, const struct kt_affinity *a,
		     const char *cgroup, struct kt_result *res)
{
	struct kt_affinity_mode m;

	if (!kt_affinity_resolve(ctx->topo, a, NULL, &m))
		return true;
	kt_result_skip(res, "affinity of %s: %s", cgroup, kt_last_error());
	return false;
}

/* A memory policy naming a node this topology lacks: a SKIP. */
static bool mem_fits(const struct kt_ctx *ctx, const struct kt_mem_policy *m,
		     const char *cgroup, struct kt_result *res)
{
	if (!ctx->topo || !kt_mempol_check(m, ctx->topo->nr_nodes))
		return true;
	kt_result_skip(res, "workers of %s: %s", cgroup, kt_last_error());
	return false;
}

static bool defs_fit(const struct kt_ctx *ctx, const struct kt_defs *d,
		     struct kt_result *res)
{
	for (size_t i = 0; i < d->nr; i++) {
		const struct kt_cgroup_def *def = &d->defs[i];

		if (!fits(ctx, &def->cpuset, def->name, res) ||
		    !aff_fits(ctx, &def->affinity, def->name, res) ||
		    !mem_fits(ctx, &def->mem_policy, def->name, res))
			return false;
	}
	return true;
}

static bool ops_fit(const struct kt_ctx *ctx, const struct kt_ops *o,
		    struct kt_result *res)
{
	for (size_t i = 0; i < o->nr; i++) {
		const struct kt_op *op = &o->ops[i];

		if (op->kind == KT_OP_KIND_SET_CPUSET &&
		    !fits(ctx, &op->cpuset, op->cgroup, res))
			return false;
		if (op->kind == KT_OP_KIND_SET_AFFINITY &&
		    !aff_fits(ctx, &op->affinity, op->cgroup, res))
			return false;
		if ((op->kind == KT_OP_KIND_CPU_OFFLINE ||
		     op->kind == KT_OP_KIND_CPU_ONLINE) &&
		    !fits(ctx, &op->cpuset, kt_op_kind_name(op->kind), res))
			return false;
		if ((op->kind == KT_OP_KIND_SPAWN ||
		     op->kind == KT_OP_KIND_SPAWN_HOST) &&
		    !mem_fits(ctx, &op->work.mem_policy, op->cgroup, res))
			return false;
		if (op->kind == KT_OP_KIND_RUN_PAYLOAD &&
		    !kt_ops_payload_fits(op, res))
			return false;
	}
	return true;
}

/* CPU hotplug the kernel cannot do, or that leaves no usable CPU, in the
 * order the ops run. */
static int check_hotplug(const struct kt_ctx *ctx, const struct kt_backdrop *bd,
			 const struct kt_steps *steps)
{
	struct kt_cpuset offline;
	char where[32];

	kt_cpuset_zero(&offline);
	if (bd && kt_ops_hotplug_check(ctx, bd->ops.ops, bd->ops.nr, &offline))
		return kt_err_wrap(EINVAL, "backdrop");
	for (size_t i = 0; i < steps->nr; i++) {
		const struct kt_ops *o = &steps->steps[i].ops;

		snprintf(where, sizeof(where), "step %zu", i + 1);
		if (kt_ops_hotplug_check(ctx, o->ops, o->nr, &offline))
			return kt_err_wrap(EINVAL, "%s", where);
	}
	return 0;
}

/*
 * Errors (bad holds, names, specs) return -EINVAL before anything runs;
 * specs the topology cannot hold mark res skipped (*skip).
 */
static int validate(const struct kt_ctx *ctx, const struct kt_backdrop *bd,
		    const struct kt_steps *steps, struct kt_result *res,
		    bool *skip)
{
	char where[32];
	int err = 0;

	*skip = false;
	if (!steps->nr && !bd)
		return kt_err(EINVAL, "scenario: no steps");
	if (bd) {
		err = check_defs(&bd->defs, "backdrop");
		if (!err)
			err = check_ops(&bd->ops, "backdrop");
	}
	for (size_t i = 0; !err && i < steps->nr; i++) {
		const struct kt_step *s = &steps->steps[i];

		snprintf(where, sizeof(where), "step %zu", i + 1);
		if (kt_hold_check(&s->hold))
			err = kt_err_wrap(EINVAL, "%s", where);
		if (!err)
			err = check_defs(&s->defs, where);
		if (!err)
			err = check_ops(&s->ops, where);
	}
	if (err)
		return err;
	if (bd &&
	    (!defs_fit(ctx, &bd->defs, res) || !ops_fit(ctx, &bd->ops, res))) {
		*skip = true;
		return 0;
	}
	for (size_t i = 0; i < steps->nr; i++) {
		if (!defs_fit(ctx, &steps->steps[i].defs, res) ||
		    !ops_fit(ctx, &steps->steps[i].ops, res)) {
			*skip = true;
			return 0;
		}
	}
	return check_hotplug(ctx, bd, steps)
		   ?: kt_ops_map_writes_check(ctx, bd, steps);
}

/* ---- timeline ---- */

static uint32_t op_mask(const struct kt_ops *o)
{
	uint32_t m = 0;

	for (size_t i = 0; i < o->nr; i++)
		m |= KT_OP_BIT(o->ops[i].kind);
	return m;
}

static void record(struct ops_run *r, const char *label, unsigned step,
		   uint32_t mask)
{
	struct kt_timeline_event ev = {
	    .elapsed_ms = (kt_now_ns() - r->start_ns) / 1000000,
	    .label = (char *)label,
	    .step = step,
	    .op_mask = mask,
	    .cgroups = kt_ops_nr_cgroups(r),
	    .workers = kt_ops_nr_workers(r),
	    .iterations = kt_ops_iterations(r),
	};
	char ops[256] = "";
	size_t len = 0;

	for (int k = 0; k < KT_OP_KIND__COUNT; k++) {
		if (!(mask & KT_OP_BIT(k)))
			continue;
		len += (size_t)snprintf(ops + len, sizeof(ops) - len, "%s%s",
					len ? "," : "",
					kt_op_kind_name((enum kt_op_kind)k));
		if (len >= sizeof(ops))
			break;
	}
	ev.ops = ops;
	kt_result_add_event(r->res, &ev);
}

/* ---- running ---- */

static void publish(const struct kt_ctx *ctx, unsigned step)
{
	if (ctx->current_step)
		atomic_store(ctx->current_step, (unsigned short)step);
}

static int run_ops(struct ops_run *r, const struct kt_ops *o)
{
	for (size_t i = 0; i < o->nr; i++) {
		int err = kt_ops_run_op(r, &o->ops[i]);

		if (err)
			return err;
	}
	return 0;
}

static int setup_defs(struct ops_run *r, const struct kt_defs *d)
{
	for (size_t i = 0; i < d->nr; i++) {
		int err = kt_ops_setup_def(r, &d->defs[i]);

		if (err)
			return err;
	}
	return 0;
}

/*
 * Hold for ns. false when the run must wind down: a stop request (INFRA
 * detail), a stall (a NOTE with the evidence; the gap check judges it when
 * the workers are collected) or a dead scheduler (reported by the
 * liveness check after the step).
 */
static bool hold(struct ops_run *r, uint64_t ns)
{
	int err = kt_ctx_hold(r->ctx, ns);

	if (!err)
		return true;
	if (err == -ETIME)
		kt_result_add(r->res, KT_DETAIL_NOTE, "%s", kt_last_error());
	else if (err != -ESRCH && err != -ECANCELED)
		kt_result_add(r->res, KT_DETAIL_INFRA, "%s", kt_last_error());
	return false;
}

/* Returns <0 on error, 0 to go on, 1 when the run must wind down. */
static int run_step(struct ops_run *r, const struct kt_step *s, unsigned n)
{
	const struct kt_ctx *ctx = r->ctx;
	uint64_t end = r->start_ns + ctx->duration;
	char label[32];
	int err;

	snprintf(label, sizeof(label), "StepStart[%u]", n);
	if (s->hold.kind != KT_HOLD_KIND_LOOP) {
		err = run_ops(r, &s->ops);
		if (!err)
			err = setup_defs(r, &s->defs);
		if (err)
			return err;
		record(r, label, n, op_mask(&s->ops));
		kt_ops_ctrl_begin(r);
		if (!hold(r, kt_hold_ns(&s->hold, ctx->duration)))
			return 1;
		kt_ops_ctrl_end(r);
		return 0;
	}

	err = setup_defs(r, &s->defs);
	for (unsigned k = 0; !err; k++) {
		uint64_t now = kt_now_ns();

		if (k && now >= end)
			return 0;
		err = run_ops(r, &s->ops);
		if (err)
			break;
		if (k)
			snprintf(label, sizeof(label), "StepLoop[%u]", n);
		record(r, label, n, op_mask(&s->ops));
		now = kt_now_ns();
		if (now >= end)
			return 0;
		if (!hold(r, end - now < s->hold.ns ? end - now : s->hold.ns))
			return 1;
	}
	return err;
}

static int wrap_step(int err, size_t i, size_t nr)
{
	if (nr)
		return kt_err_wrap(err, "step %zu of %zu", i + 1, nr);
	return err;
}

int kt_execute_scenario_with(const struct kt_ctx *ctx, struct kt_result *res,
			     const struct kt_backdrop *backdrop,
			     struct kt_steps steps,
			     const struct kt_assert *assert)
{
	struct ops_run r = {
	    .ctx = ctx,
	    .assert = assert ? assert : &ctx->assert,
	    .res = res,
	    .seed = 0x6b747374722d6f70ULL ^ (uint64_t)kt_now_ns(),
	};
	size_t done = 0;
	bool skip, stop = false;
	int err;

	err = validate(ctx, backdrop, &steps, res, &skip);
	if (err || skip)
		return err;
	r.start_ns = kt_now_ns();
	kt_lanes_steps_start(res, r.start_ns); /* the run's picture */
	publish(ctx, 0);
	record(&r, "ScenarioStart", 0, 0);
	if (backdrop) {
		err = setup_defs(&r, &backdrop->defs);
		if (!err)
			err = run_ops(&r, &backdrop->ops);
		if (err) {
			err = kt_err_wrap(err, "backdrop");
			goto out;
		}
		if (backdrop->defs.nr || backdrop->ops.nr)
			record(&r, "BackdropReady", 0, op_mask(&backdrop->ops));
	}
	for (size_t i = 0; i < steps.nr && !stop; i++) {
		if (i > 0 && !kt_ctx_sched_alive(ctx))
			break;
		publish(ctx, (unsigned)(i + 1));
		r.owner = (unsigned)(i + 1);
		err = run_step(&r, &steps.steps[i], r.owner);
		if (err < 0) {
			err = wrap_step(err, i, steps.nr);
			goto out;
		}
		stop = err == 1 &&
		       (kt_stop_requested() || kt_scenario_ended_by_stall());
		err = 0;
		kt_ops_teardown(&r, r.owner);
		done = i + 1;
	}
	kt_ops_hotplug_restore(&r);
	if (!stop && !kt_ctx_sched_alive(ctx))
		kt_result_add(
		    res, KT_DETAIL_SCHEDULER,
		    "scheduler died after step %zu of %zu (%.1fs into "
		    "test)",
		    done, steps.nr, (double)(kt_now_ns() - r.start_ns) / 1e9);
	record(&r, "ScenarioEnd", (unsigned)done, 0);
	r.owner = 0;
	kt_ops_teardown(&r, 0);
out:
	kt_ops_run_free(&r);
	return err;
}

int kt_execute_scenario(const struct kt_ctx *ctx, struct kt_result *res,
			const struct kt_backdrop *backdrop,
			struct kt_steps steps)
{
	return kt_execute_scenario_with(ctx, res, backdrop, steps, NULL);
}

int kt_execute_steps_with(const struct kt_ctx *ctx, struct kt_result *res,
			  struct kt_steps steps, const struct kt_assert *assert)
{
	return kt_execute_scenario_with(ctx, res, NULL, steps, assert);
}

int kt_execute_steps(const struct kt_ctx *ctx, struct kt_result *res,
		     struct kt_steps steps)
{
	return kt_execute_scenario_with(ctx, res, NULL, steps, NULL);
}

int kt_execute_defs(const struct kt_ctx *ctx, struct kt_result *res,
		    struct kt_defs defs)
{
	return kt_execute_steps(
	    ctx, res, KT_STEPS(kt_step(.defs = defs, .hold = KT_HOLD_FULL)));
}
