/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The gauntlet's plan from its options: the presets (filtered by the
 * scheduler's topology constraints and by what one VM costs here against
 * the budget), the profiles, work types and kernels, then the covering
 * order, the shard and the budget's fit.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ktstr/kernel.h>
#include <ktstr/scenario.h>
#include <ktstr/workload.h>

#include "cli_util.h"
#include "gauntlet_plan.h"
#include "vm_args.h"

#define CMD "gauntlet"

/* Split "a,b,c" into its distinct words (pointers into a copy kept in
 * *store; a word named twice counts once). */
static size_t split(const char *list, char **store, const char **out,
		    size_t max)
{
	size_t n = 0;

	*store = strdup(list);
	if (!*store)
		return 0;
	for (char *save, *w = strtok_r(*store, ",", &save); w && n < max;
	     w = strtok_r(NULL, ",", &save)) {
		bool dup = false;

		for (size_t i = 0; i < n && !dup; i++)
			dup = !strcmp(out[i], w);
		if (!dup)
			out[n++] = w;
	}
	return n;
}

static unsigned preset_cpus(const struct g_plan *p, size_t i)
{
	return kt_topo_spec_cpus(&p->specs[i]);
}

static double one_vm_s(const struct g_plan *p, const struct g_args *a,
		       size_t preset)
{
	return kt_vm_cost_estimate(&p->cost, preset_cpus(p, preset),
				   p->nr_scenarios,
				   a->duration_ns ? a->duration_ns / 1e9 : 5.0);
}

/* Keep preset t unless the scheduler cannot take it or one VM of it does
 * not fit the budget here; say why when it was asked for by name. */
static void keep_preset(struct g_plan *p, const struct g_args *a,
			const struct kt_topo_preset *t, bool named)
{
	char why[256] = "";
	size_t i = p->nr_presets;

	if (i == G_MAX_VALUES)
		return;
	p->presets[i] = t;
	kt_topo_spec_parse(t->shape, &p->specs[i]);
	bool ok =
	    !a->sched.has_def ||
	    kt_sched_topo_ok(&a->sched.def, &p->specs[i], why, sizeof(why));

	if (ok && one_vm_s(p, a, i) > a->budget_ns / 1e9)
		snprintf(why, sizeof(why),
			 "one VM of it costs about %.0f s here (%s), more "
			 "than the budget of %.0f s",
			 one_vm_s(p, a, i), kt_accel_name(p->accel),
			 a->budget_ns / 1e9);
	if (!why[0])
		p->nr_presets++;
	else if (named)
		fprintf(stderr, "ktstr gauntlet: preset %s (%s) left out: %s\n",
			t->name, t->shape, why);
}

static int resolve_presets(struct g_plan *p, const struct g_args *a)
{
	const char *w[G_MAX_VALUES];
	size_t nr_all, n;
	const struct kt_topo_preset *all = kt_topo_presets(&nr_all);
	char *store = NULL;

	if (!a->presets || !strcmp(a->presets, "all")) {
		for (size_t i = 0; i < nr_all; i++)
			keep_preset(p, a, &all[i], false);
	} else {
		n = split(a->presets, &store, w, G_MAX_VALUES);
		for (size_t i = 0; i < n; i++) {
			const struct kt_topo_preset *t =
			    kt_topo_preset_find(w[i]);

			if (!t) {
				free(store);
				return kt_cli_usage_error(
				    CMD,
				    "--presets: \"%s\" is no preset "
				    "(`ktstr topo --presets` lists them)",
				    w[i]);
			}
			keep_preset(p, a, t, true);
		}
		free(store);
	}
	if (!p->nr_presets)
		return kt_cli_usage_error(CMD, "no preset is left to run (see "
					       "above; a larger --budget?)");
	return 0;
}

static int add_profile(struct g_plan *p, const char *name, kt_sched_mask m)
{
	for (size_t i = 0; i < p->nr_profiles; i++)
		if (p->masks[i] == m)
			return 0; /* "a,b" and "b,a" are one profile */
	if (p->nr_profiles == G_MAX_VALUES)
		return kt_cli_usage_error(CMD, "--profiles: more than %d",
					  G_MAX_VALUES);
	p->masks[p->nr_profiles] = m;
	p->profiles[p->nr_profiles] = strdup(name);
	return p->profiles[p->nr_profiles++] ? 0 : KT_EXIT_INFRA;
}

static int resolve_profiles(struct g_plan *p, const struct g_args *a)
{
	const struct kt_sched_def *d = &a->sched.def;
	const char *w[G_MAX_VALUES];
	char *store = NULL, name[256];
	int rc = 0;

	if (!a->sched.has_def || kt_sched_def_is_eevdf(d)) {
		if (a->profiles)
			return kt_cli_usage_error(CMD,
						  "--profiles needs a "
						  "--scheduler with flags");
		return add_profile(p, "default", 0);
	}
	if (a->profiles && !strcmp(a->profiles, "all")) {
		struct kt_sched_profile *all;
		size_t nr;

		if (kt_sched_profiles(d, &all, &nr))
			return kt_cli_usage_error(CMD, "--profiles: %s",
						  kt_last_error());
		for (size_t i = 0; !rc && i < nr; i++)
			rc = add_profile(p, all[i].name, all[i].mask);
		kt_sched_profiles_free(all, nr);
		return rc;
	}
	for (size_t i = 0, n = split(a->profiles ? a->profiles : "default",
				     &store, w, G_MAX_VALUES);
	     !rc && i < n; i++) {
		kt_sched_mask m;

		if (kt_sched_flags_parse(d, w[i], &m))
			rc = kt_cli_usage_error(CMD, "--profiles: %s",
						kt_last_error());
		else if (!kt_sched_profile_name(d, m, name, sizeof(name)))
			rc = add_profile(p, name, m);
	}
	free(store);
	return rc;
}

static int resolve_work(struct g_plan *p, const struct g_args *a)
{
	static char *store; /* the names live as long as the command */
	const char *w[G_MAX_VALUES];
	size_t n;

	if (!a->work_types) {
		p->work[p->nr_work++] = NULL;
		return 0;
	}
	free(store);
	n = split(a->work_types, &store, w, G_MAX_VALUES);
	for (size_t i = 0; i < n; i++) {
		enum kt_work_kind k;

		if (!strcmp(w[i], "none")) {
			p->work[p->nr_work++] = NULL;
			continue;
		}
		if (kt_work_kind_parse(w[i], &k))
			return kt_cli_usage_error(CMD, "--work-types: %s",
						  kt_last_error());
		p->work[p->nr_work++] = w[i];
	}
	return n ? 0 : kt_cli_usage_error(CMD, "--work-types: empty list");
}

static int resolve_kernels(struct g_plan *p, const struct g_args *a)
{
	size_t n = a->kernels.nr ? a->kernels.nr : 1;

	if (n > KT_ARRAY_SIZE(p->kernels))
		return kt_cli_usage_error(CMD, "--kernel: at most %zu",
					  KT_ARRAY_SIZE(p->kernels));
	for (size_t i = 0; i < n; i++)
		if (kt_cli_vm_kernel(CMD,
				     a->kernels.nr ? a->kernels.v[i] : NULL,
				     p->kernels[i], PATH_MAX))
			return KT_EXIT_USAGE;
	p->nr_kernels = n;
	return 0;
}

static int count_scenarios(struct g_plan *p, char **operands, size_t nr)
{
	int rc = kt_cli_scenarios_load(CMD, operands, nr, &p->sc);
	size_t n;

	if (rc)
		return rc;
	p->nr_scenarios = p->sc.nr_names + p->sc.nr_files;
	if (!p->nr_scenarios) {
		const struct kt_scenario *cat = kt_catalog(&n);

		for (size_t i = 0; i < n; i++)
			p->nr_scenarios += cat[i].in_default_set;
	}
	return 0;
}

static int load_cost(struct g_plan *p, const struct g_args *a)
{
	char root[PATH_MAX - 32];

	p->accel = a->accel != KT_ACCEL_AUTO ? a->accel : kt_accel_detect();
	if (kt_kernel_cache_root(root, sizeof(root)) < 0)
		return kt_cli_usage_error(CMD, "%s", kt_last_error());
	snprintf(p->cost_file, sizeof(p->cost_file), "%s/vm-cost.json", root);
	if (kt_vm_cost_load(p->cost_file,
			    p->accel == KT_ACCEL_KVM ? "kvm" : "tcg", &p->cost))
		return kt_cli_usage_error(CMD, "%s", kt_last_error());
	return 0;
}

double kt_g_vm_cost(const struct g_plan *p, const struct g_args *a,
		    const struct kt_variant *v)
{
	return one_vm_s(p, a, v->idx[KT_DIM_PRESET]);
}

/* The covering order of everything, this shard of it, and the prefix
 * of the shard that fits the budget (whole variants, every run). */
static int order_and_fit(struct g_plan *p, const struct g_args *a)
{
	size_t nr[KT_DIM__COUNT] = {p->nr_presets, p->nr_profiles, p->nr_work,
				    p->nr_kernels};
	unsigned k = 1, n = 1, runs = a->runs ? a->runs : 1;
	struct kt_variant *all;
	size_t nr_all, *pos;
	double *cost;

	if (a->shard && kt_gauntlet_shard_parse(a->shard, &k, &n))
		return kt_cli_usage_error(CMD, "--shard: %s", kt_last_error());
	if (kt_gauntlet_order(nr, &all, &nr_all))
		return kt_cli_usage_error(CMD, "%s", kt_last_error());
	pos = calloc(nr_all + 1, sizeof(*pos));
	p->order = calloc(nr_all + 1, sizeof(*p->order));
	cost = calloc(nr_all * runs + 1, sizeof(*cost));
	if (!pos || !p->order || !cost) {
		free(all);
		free(pos);
		free(cost);
		return KT_EXIT_INFRA;
	}
	p->nr_order = kt_gauntlet_shard(nr_all, k, n, pos);
	for (size_t i = 0; i < p->nr_order; i++) {
		p->order[i] = all[pos[i]];
		for (unsigned r = 0; r < runs; r++)
			cost[i * runs + r] = kt_g_vm_cost(p, a, &p->order[i]);
	}
	p->nr_fit =
	    kt_gauntlet_fit(cost, p->nr_order * runs, a->jobs ? a->jobs : 1,
			    a->budget_ns / 1e9, &p->est_s) /
	    runs;
	free(all);
	free(pos);
	free(cost);
	return 0;
}

int kt_g_plan(struct g_args *a, char **operands, size_t nr, struct g_plan *p)
{
	int rc;

	memset(p, 0, sizeof(*p));
	if (a->sched.flags)
		return kt_cli_usage_error(CMD, "--flags: the gauntlet takes "
					       "--profiles a,b|all");
	rc = kt_cli_sched_resolve(CMD, &a->sched);
	rc = rc ?: count_scenarios(p, operands, nr);
	rc = rc ?: load_cost(p, a);
	rc = rc ?: resolve_presets(p, a);
	rc = rc ?: resolve_profiles(p, a);
	rc = rc ?: resolve_work(p, a);
	rc = rc ?: resolve_kernels(p, a);
	rc = rc ?: order_and_fit(p, a);
	return rc;
}

void kt_g_plan_free(struct g_plan *p)
{
	for (size_t i = 0; i < p->nr_profiles; i++)
		free(p->profiles[i]);
	free(p->order);
	kt_cli_scenarios_free(&p->sc);
	memset(p, 0, sizeof(*p));
}

void kt_g_variant_label(const struct g_plan *p, const struct g_args *a,
			const struct kt_variant *v, char *buf, size_t len)
{
	char kernel[PATH_MAX], *slash, sched[256] = "eevdf";

	/* a cached kernel is .../RELEASE/vmlinuz: name it by RELEASE */
	snprintf(kernel, sizeof(kernel), "%s",
		 p->kernels[v->idx[KT_DIM_KERNEL]]);
	slash = strrchr(kernel, '/');
	if (slash && !strcmp(slash, "/vmlinuz") && slash != kernel) {
		*slash = '\0';
		slash = strrchr(kernel, '/');
	}

	if (a->sched.has_def && !kt_sched_def_is_eevdf(&a->sched.def))
		kt_sched_label(&a->sched.def, p->masks[v->idx[KT_DIM_PROFILE]],
			       sched, sizeof(sched));
	snprintf(buf, len, "%s %s %s%s%s",
		 p->presets[v->idx[KT_DIM_PRESET]]->name, sched,
		 p->work[v->idx[KT_DIM_WORK_TYPE]]
		     ? p->work[v->idx[KT_DIM_WORK_TYPE]]
		     : "-",
		 p->nr_kernels > 1 ? " " : "",
		 p->nr_kernels > 1 ? (slash ? slash + 1 : kernel) : "");
}
