/* SPDX-License-Identifier: GPL-2.0-only */
/* `ktstr topo`: this machine's CPU topology as ktstr sees it. */
#include <stdio.h>

#include <jansson.h>

#include <ktstr/topo.h>

#include "cli_util.h"
#include "commands.h"
#include "topo_presets.h"

struct topo_args {
	bool json, presets;
	const char *root;
	uint64_t budget_ns;
	struct kt_cli_sched sched;
};

static const struct kt_cli_opt topo_opts[] = {
    KT_CLI_FLAG("json", 0, struct topo_args, json,
		"print JSON instead of text"),
    KT_CLI_STRING("sysfs", 0, "ROOT", struct topo_args, root,
		  "read ROOT/sys/devices/system instead of /sys (recorded "
		  "trees)"),
    KT_CLI_FLAG("presets", 0, struct topo_args, presets,
		"list the topology presets `--topo` takes by name, with what "
		"one VM costs here and whether --scheduler and --budget allow "
		"it"),
    KT_CLI_DURATION("budget", 0, "T", struct topo_args, budget_ns,
		    "with --presets: the gauntlet budget to weigh a VM "
		    "against (default 30m)"),
    {0},
};

static const struct kt_cli_group topo_group = {.opts = topo_opts};

static const struct kt_cli_cmd topo_cmd = {
    .name = "ktstr topo",
    .about = "Show the CPU topology read from sysfs: its NnNlNcNt shape, "
	     "LLCs, NUMA nodes (CPUs, memory, distances), SMT siblings and "
	     "the usable CPUs.",
};

static json_t *topo_json(const struct kt_topo *t)
{
	json_t *j = json_object(), *llcs = json_array(), *nodes = json_array();
	struct kt_cpuset usable;
	char name[96];

	kt_topo_name(t, name, sizeof(name));
	kt_topo_usable(t, &usable);
	json_object_set_new(j, "name", json_string(name));
	json_object_set_new(j, "cpus", json_integer(t->nr_cpus));
	json_object_set_new(j, "online",
			    json_string(kt_cpuset_str(&t->online, 0)));
	json_object_set_new(j, "usable",
			    json_string(kt_cpuset_str(&usable, 0)));
	json_object_set_new(j, "threads_per_core",
			    json_integer(t->threads_per_core));
	for (int i = 0; i < t->nr_llcs; i++)
		json_array_append_new(
		    llcs, json_pack("{s:i, s:s, s:i, s:I, s:i}", "id",
				    t->llcs[i].id, "cpus",
				    kt_cpuset_str(&t->llcs[i].cpus, 0), "node",
				    t->llcs[i].node >= 0
					? t->nodes[t->llcs[i].node].id
					: -1,
				    "size_kb", (json_int_t)t->llcs[i].size_kb,
				    "cores", t->llcs[i].nr_cores));
	for (int i = 0; i < t->nr_nodes; i++) {
		json_t *d = json_array();

		for (int k = 0; k < t->nr_nodes; k++)
			json_array_append_new(
			    d, json_integer(t->nodes[i].distance[k]));
		json_array_append_new(
		    nodes,
		    json_pack(
			"{s:i, s:s, s:I, s:I, s:o}", "id", t->nodes[i].id,
			"cpus", kt_cpuset_str(&t->nodes[i].cpus, 0),
			"mem_total_kb", (json_int_t)t->nodes[i].mem_total_kb,
			"mem_free_kb", (json_int_t)t->nodes[i].mem_free_kb,
			"distance", d));
	}
	json_object_set_new(j, "llcs", llcs);
	json_object_set_new(j, "nodes", nodes);
	return j;
}

static void topo_text(const struct kt_topo *t)
{
	struct kt_cpuset usable, seen;
	char name[96];
	int cpu;

	kt_topo_name(t, name, sizeof(name));
	kt_topo_usable(t, &usable);
	printf("topology %s: %d cpus [%s], usable [%s]\n", name, t->nr_cpus,
	       kt_cpuset_str(&t->online, 0), kt_cpuset_str(&usable, 1));
	for (int i = 0; i < t->nr_llcs; i++) {
		const struct kt_llc *l = &t->llcs[i];

		printf("  llc %d: cpus [%s], %d cores, node %d", i,
		       kt_cpuset_str(&l->cpus, 0), l->nr_cores,
		       l->node >= 0 ? t->nodes[l->node].id : -1);
		if (l->size_kb)
			printf(", %llu KiB", (unsigned long long)l->size_kb);
		printf("\n");
	}
	for (int i = 0; i < t->nr_nodes; i++) {
		const struct kt_node *n = &t->nodes[i];

		printf("  node %d: cpus [%s]%s", n->id,
		       kt_cpuset_str(&n->cpus, 0),
		       n->memory_only ? " (memory only)" : "");
		if (n->mem_total_kb)
			printf(", %llu MiB",
			       (unsigned long long)(n->mem_total_kb / 1024));
		printf(", distances");
		for (int k = 0; k < t->nr_nodes; k++)
			printf(" %d", n->distance[k]);
		printf("\n");
	}
	printf("  smt: %d thread%s per core", t->threads_per_core,
	       t->threads_per_core == 1 ? "" : "s");
	kt_cpuset_zero(&seen);
	kt_cpuset_for_each (cpu, &t->online) {
		if (t->threads_per_core < 2 || kt_cpuset_test(&seen, cpu))
			continue;
		printf(" [%s]", kt_cpuset_str(&t->cpus[cpu].siblings, 0));
		kt_cpuset_or(&seen, &t->cpus[cpu].siblings);
	}
	printf("\n");
}

int kt_cmd_topo(int argc, char **argv)
{
	_cleanup_(kt_topo_freep) struct kt_topo *t = NULL;
	struct topo_args a = {.root = "/", .budget_ns = KT_SEC(30 * 60)};
	const struct kt_cli_bind binds[] = {
	    {&topo_group, &a},
	    {&kt_cli_sched_group, &a.sched},
	    {0},
	};
	int nr_operands, rc;

	if (!kt_cli_args(&topo_cmd, binds, argc, argv, &nr_operands, &rc))
		return rc;
	if (a.presets || a.sched.arg) {
		rc = a.presets
			 ? kt_cli_sched_resolve("topo", &a.sched)
			 : kt_cli_usage_error("topo", "--scheduler "
						      "goes with --presets");
		rc = rc ?: kt_cli_topo_presets(a.json, &a.sched, a.budget_ns);
		kt_cli_sched_free(&a.sched);
		return rc;
	}
	if (kt_topo_from_sysfs(a.root, &t)) {
		fprintf(stderr, "ktstr topo: %s\n", kt_last_error());
		return KT_EXIT_USAGE;
	}
	if (a.json) {
		json_t *j = topo_json(t);

		json_dumpf(j, stdout, JSON_INDENT(2));
		putchar('\n');
		json_decref(j);
	} else {
		topo_text(t);
	}
	return KT_EXIT_PASS;
}
