/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The WriteMap op: a BPF map write into the running scheduler in the
 * middle of a run (<ktstr/map_write.h>), refused up front when there is
 * no scheduler to write to, recorded in the result with its step.
 */
#include <errno.h>
#include <stdio.h>

#include "ops_engine.h"

static int check_ops(const struct kt_ctx *ctx, const struct kt_ops *o,
		     const char *where)
{
	char name[128];

	for (size_t i = 0; i < o->nr; i++) {
		if (o->ops[i].kind != KT_OP_KIND_WRITE_MAP ||
		    kt_map_writes_possible(ctx))
			continue;
		kt_map_write_name(&o->ops[i].map_write, name, sizeof(name));
		return kt_err(EINVAL,
			      "%s: WriteMap %s: no sched_ext scheduler to "
			      "write to (this run is under EEVDF); run it "
			      "with --scheduler (a sched_ext scheduler such "
			      "as build/scx-ktstr)",
			      where, name);
	}
	return 0;
}

int kt_ops_map_writes_check(const struct kt_ctx *ctx,
			    const struct kt_backdrop *bd,
			    const struct kt_steps *steps)
{
	char where[32];
	int err = bd ? check_ops(ctx, &bd->ops, "backdrop") : 0;

	for (size_t i = 0; !err && i < steps->nr; i++) {
		snprintf(where, sizeof(where), "step %zu", i + 1);
		err = check_ops(ctx, &steps->steps[i].ops, where);
	}
	return err;
}

int kt_ops_map_write_run(struct ops_run *r, const struct kt_op *op)
{
	struct kt_map_write_record rec;
	char name[128];
	int err =
	    kt_map_write_apply(&op->map_write, KT_MAP_WRITE_WAIT_NS, &rec);

	if (err) {
		kt_map_write_name(&op->map_write, name, sizeof(name));
		return kt_err_wrap(err, "%s", name);
	}
	rec.step = r->owner;
	return kt_result_add_map_write(r->res, &rec);
}
