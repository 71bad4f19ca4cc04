/* SPDX-License-Identifier: GPL-2.0-only */
/* Sidecar results grouped by scenario and variant: what the matrix, the
 * distributions and compare's samples are made of. */
#ifndef KTSTR_RESULTS_GROUP_H
#define KTSTR_RESULTS_GROUP_H

#include <stdio.h>

#include <jansson.h>

#include <ktstr/result.h>
#include <ktstr/results.h>

struct kt_group {
	char *scenario;
	char *variant; /* the variant key: the parts in use, "topo=..." */
	size_t variant_idx, scenario_idx;
	size_t nr;		/* runs: one result object each */
	const json_t **results; /* borrowed from the sidecars */
	unsigned verdicts[KT_VERDICT__COUNT];
	/* the host's load on the VMs of the runs: the share of their wall
	 * time QEMU's threads waited for a host CPU, summed over the runs
	 * whose sidecar has it */
	double host_wait_pct_sum;
	size_t host_wait_n;
};
/* Mean host wait of g's runs in percent, or -1 when none has it. */
double kt_group_host_wait_pct(const struct kt_group *g);

struct kt_groups {
	struct kt_group *g;
	size_t nr;
	char **variants; /* in first-seen order */
	size_t nr_variants;
	char **scenarios; /* in first-seen order */
	size_t nr_scenarios;
};

/* Group every scenario result of r; use_part[p] (NULL = all true) says
 * which variant parts (topo, sched, work, kernel) make the key. */
int kt_groups_build(const struct kt_results *r, const bool *use_part,
		    struct kt_groups *out);
void kt_groups_free(struct kt_groups *gs);
const struct kt_group *kt_groups_find(const struct kt_groups *gs,
				      const char *scenario,
				      const char *variant);
/* The values of metric m over the group's runs that have it, into out
 * (room for g->nr); returns how many. */
size_t kt_group_values(const struct kt_group *g, enum kt_metric m, double *out);
/* The variant x scenario matrix: one verdict per cell ("PASS"), or the
 * run counts when they differ ("2 pass 1 fail"), "-" for none. */
void kt_groups_print_matrix(const struct kt_groups *gs, FILE *out);

#endif
