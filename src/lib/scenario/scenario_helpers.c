/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The custom-scenario helpers of the seed API: kt_dfl_wl, kt_setup_cgroups,
 * kt_handles_spawn, kt_collect_all, kt_spawn_diverse, and the handle list
 * they share.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ktstr/scenario.h>

struct kt_workload_config kt_dfl_wl(const struct kt_ctx *ctx)
{
	struct kt_workload_config wl = {
	    .num_workers =
		ctx->workers_per_cgroup ? ctx->workers_per_cgroup : 2,
	    .work = KT_WORK(KT_WORK_SPIN_WAIT),
	};

	/* The override replaces SpinWait only where the worker count divides
	 * into the override's groups (PipeIo pairs, fan-out groups...). */
	if (ctx->work_type_override &&
	    kt_work_group_size(ctx->work_type_override) &&
	    wl.num_workers % kt_work_group_size(ctx->work_type_override) == 0)
		wl.work = *ctx->work_type_override;
	return wl;
}

static int handles_append(struct kt_handles **hp, const char *cgroup,
			  const struct kt_cpuset *cpuset,
			  struct kt_workload *wl)
{
	struct kt_handles *h = *hp;
	struct kt_handle *n;

	if (!h) {
		h = calloc(1, sizeof(*h));
		if (!h)
			return kt_err(ENOMEM, "allocate workload handles");
		*hp = h;
	}
	n = realloc(h->h, (h->nr + 1) * sizeof(*n));
	if (!n)
		return kt_err(ENOMEM, "allocate workload handles");
	h->h = n;
	n = &h->h[h->nr];
	memset(n, 0, sizeof(*n));
	n->cgroup = strdup(cgroup ? cgroup : "");
	if (!n->cgroup)
		return kt_err(ENOMEM, "allocate workload handles");
	if (cpuset) {
		n->has_cpuset = true;
		n->cpuset = *cpuset;
	}
	n->wl = wl;
	h->nr++;
	return 0;
}

int kt_handles_spawn(const struct kt_ctx *ctx, struct kt_handles **h,
		     const char *cgroup, const struct kt_cpuset *cpuset,
		     const struct kt_workload_config *wl)
{
	struct kt_workload *w = NULL;
	int err;

	err = kt_workload_spawn(wl, &w);
	if (err)
		return err;
	kt_watch_workload(&ctx->assert, w);
	if (cgroup && cgroup[0]) {
		for (size_t i = 0; i < kt_workload_nr(w); i++) {
			err = ctx->cgroups->move_task(ctx->cgroups, cgroup,
						      kt_workload_pid(w, i));
			if (err) {
				kt_workload_free(w);
				return err;
			}
		}
	}
	err = kt_workload_start(w);
	if (!err)
		err = handles_append(h, cgroup, cpuset, w);
	if (err) {
		kt_workload_free(w);
		return err;
	}
	return 0;
}

int kt_setup_cgroups(const struct kt_ctx *ctx, unsigned n,
		     const struct kt_workload_config *wl,
		     struct kt_handles **hp, struct kt_cgroup_group **guardp)
{
	struct kt_cgroup_group *guard = NULL;
	struct kt_handles *h = NULL;
	char name[32];
	int err;

	*hp = NULL;
	*guardp = NULL;
	err = kt_cgroup_group_new(ctx->cgroups, &guard);
	if (err)
		return err;
	for (unsigned i = 0; i < n && !err; i++) {
		snprintf(name, sizeof(name), "cg_%u", i);
		err = kt_cgroup_group_add(guard, name);
		if (!err)
			err = kt_handles_spawn(ctx, &h, name, NULL, wl);
	}
	if (err) {
		/* Workers die before their cgroups go. */
		kt_handles_free(h);
		kt_cgroup_group_free(guard);
		return err;
	}
	*hp = h;
	*guardp = guard;
	return 0;
}

int kt_collect_all(struct kt_handles *h, const struct kt_assert *a,
		   struct kt_result *res)
{
	int ret = 0;

	if (!h)
		return 0;
	for (size_t i = 0; i < h->nr; i++) {
		const char *cg = h->h[i].cgroup[0] ? h->h[i].cgroup : "(host)";
		int err = kt_judge_workload(
		    a, cg, h->h[i].wl,
		    h->h[i].has_cpuset ? &h->h[i].cpuset : NULL, res);

		if (err)
			ret = ret ? ret : err;
	}
	return ret;
}

int kt_spawn_diverse(const struct kt_ctx *ctx, const char *const *names,
		     size_t nr, struct kt_handles **h)
{
	for (size_t i = 0; i < nr; i++) {
		struct kt_workload_config wl = kt_dfl_wl(ctx);
		int err;

		switch (i % 5) {
		case 0:
			wl.work = KT_WORK(KT_WORK_SPIN_WAIT);
			break;
		case 1:
			wl.work = KT_WORK_BURSTY_OF(KT_MS(50), KT_MS(100));
			break;
		case 2:
			/* Blocking IO must not drown the scenario. */
			wl.work = KT_WORK(KT_WORK_IO_SYNC_WRITE);
			wl.num_workers = 2;
			break;
		case 3:
			wl.work = KT_WORK(KT_WORK_MIXED);
			break;
		default:
			wl.work = KT_WORK(KT_WORK_YIELD_HEAVY);
			break;
		}
		err = kt_handles_spawn(ctx, h, names[i], NULL, &wl);
		if (err)
			return err;
	}
	return 0;
}

void kt_handles_free(struct kt_handles *h)
{
	if (!h)
		return;
	for (size_t i = 0; i < h->nr; i++) {
		kt_workload_free(h->h[i].wl);
		free(h->h[i].cgroup);
	}
	free(h->h);
	free(h);
}

void kt_handles_freep(struct kt_handles **h)
{
	kt_handles_free(*h);
	*h = NULL;
}
