/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `ktstr topo --presets`: the named topologies, each with its shape and
 * CPUs, what one VM of the default set costs on this host (the gauntlet's
 * cost model), and whether it is usable: the scheduler's topology
 * constraints and the budget decide, as they do for the gauntlet.
 */
#include <limits.h>
#include <stdio.h>

#include <jansson.h>

#include <ktstr/gauntlet.h>
#include <ktstr/kernel.h>
#include <ktstr/scenario.h>
#include <ktstr/topo.h>

#include "cli_util.h"
#include "topo_presets.h"

static size_t default_set_size(void)
{
	size_t nr, n = 0;
	const struct kt_scenario *cat = kt_catalog(&nr);

	for (size_t i = 0; i < nr; i++)
		n += cat[i].in_default_set;
	return n;
}

int kt_cli_topo_presets(bool json, const struct kt_cli_sched *s,
			uint64_t budget_ns)
{
	enum kt_accel accel = kt_accel_detect();
	char root[PATH_MAX - 32], file[PATH_MAX], why[256];
	const struct kt_topo_preset *p;
	struct kt_vm_cost cost;
	size_t nr, nr_sc = default_set_size();
	json_t *arr = json_array();

	if (kt_kernel_cache_root(root, sizeof(root)) < 0)
		return kt_cli_usage_error("topo", "%s", kt_last_error());
	snprintf(file, sizeof(file), "%s/vm-cost.json", root);
	if (kt_vm_cost_load(file, accel == KT_ACCEL_KVM ? "kvm" : "tcg", &cost))
		return kt_cli_usage_error("topo", "%s", kt_last_error());
	p = kt_topo_presets(&nr);
	if (!json)
		printf("%-9s %-9s %4s %8s  %s (%s, %zu default scenarios of 5 "
		       "s, budget %.0f s)\n",
		       "preset", "shape", "cpus", "vm cost", "usable here",
		       kt_accel_name(accel), nr_sc, budget_ns / 1e9);
	for (size_t i = 0; i < nr; i++) {
		struct kt_topo_spec spec;
		double c;
		bool ok;

		kt_topo_spec_parse(p[i].shape, &spec);
		c = kt_vm_cost_estimate(&cost, kt_topo_spec_cpus(&spec), nr_sc,
					5.0);
		why[0] = '\0';
		ok = !s->has_def ||
		     kt_sched_topo_ok(&s->def, &spec, why, sizeof(why));
		if (ok && c > budget_ns / 1e9)
			snprintf(why, sizeof(why), "one VM is over the budget");
		ok = !why[0];
		if (json)
			json_array_append_new(
			    arr,
			    json_pack("{s:s, s:s, s:I, s:f, s:b, s:s?}", "name",
				      p[i].name, "shape", p[i].shape, "cpus",
				      (json_int_t)kt_topo_spec_cpus(&spec),
				      "vm_cost_s", c, "usable", ok, "why_not",
				      ok ? NULL : why));
		else
			printf("%-9s %-9s %4u %7.0fs  %s%s\n", p[i].name,
			       p[i].shape, kt_topo_spec_cpus(&spec), c,
			       ok ? "yes: " : "no: ", ok ? p[i].about : why);
	}
	if (json) {
		json_dumpf(arr, stdout, JSON_INDENT(2));
		printf("\n");
	}
	json_decref(arr);
	return 0;
}
