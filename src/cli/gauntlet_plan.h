/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `ktstr gauntlet` inside the CLI: the options, the values of each
 * dimension they resolve to (gauntlet_values.c), and running the planned
 * variants as `ktstr vm --results DIR` children (gauntlet_exec.c).
 */
#ifndef KTSTR_CLI_GAUNTLET_PLAN_H
#define KTSTR_CLI_GAUNTLET_PLAN_H

#include <limits.h>

#include <ktstr/gauntlet.h>
#include <ktstr/topo.h>
#include <ktstr/vm.h>

#include "options.h"
#include "scenario_args.h"
#include "sched_args.h"

#define G_MAX_VALUES 64

struct g_args {
	const char *presets, *profiles, *work_types, *shard, *results, *junit;
	struct kt_cli_strings kernels;
	uint64_t budget_ns, duration_ns;
	unsigned jobs, runs, workers, memory_mb;
	enum kt_accel accel;
	enum kt_vm_boot boot;
	bool keep_going, dry_run;
	struct kt_cli_sched sched;
};

struct g_plan {
	/* the values of each dimension */
	const struct kt_topo_preset *presets[G_MAX_VALUES];
	struct kt_topo_spec specs[G_MAX_VALUES];
	size_t nr_presets;
	char *profiles[G_MAX_VALUES]; /* names ("default", "a+b") */
	kt_sched_mask masks[G_MAX_VALUES];
	size_t nr_profiles;
	const char *work[G_MAX_VALUES]; /* NULL = no override */
	size_t nr_work;
	char kernels[8][PATH_MAX];
	size_t nr_kernels;
	/* what runs */
	struct kt_cli_scenarios sc;
	size_t nr_scenarios; /* for the cost: named, or the default set */
	enum kt_accel accel; /* resolved */
	struct kt_vm_cost cost;
	char cost_file[PATH_MAX];
	struct kt_variant *order; /* this shard's variants, covering order */
	size_t nr_order;
	size_t nr_fit; /* the prefix the budget takes */
	double est_s;  /* its estimated makespan */
};

/* Resolve every dimension's values, the order, the shard and the fit;
 * prints errors and returns an exit code (0 = go on). */
int kt_g_plan(struct g_args *a, char **operands, size_t nr, struct g_plan *p);
void kt_g_plan_free(struct g_plan *p);
/* Estimated seconds of one VM of variant v. */
double kt_g_vm_cost(const struct g_plan *p, const struct g_args *a,
		    const struct kt_variant *v);
/* "llc scx-ktstr+slow SpinWait 7.2.13" style label of v. */
void kt_g_variant_label(const struct g_plan *p, const struct g_args *a,
			const struct kt_variant *v, char *buf, size_t len);
/* Run the fitted variants; prints progress, the matrix; exit code. */
int kt_g_exec(struct g_args *a, struct g_plan *p);

#endif
