/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kt_topo lifetime and queries: the synthetic topology of a VM shape,
 * free, shape detection, naming and NUMA distance lookup.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <ktstr/topo.h>

int kt_topo_from_spec(const struct kt_topo_spec *spec, uint64_t memory_mb,
		      struct kt_topo **out)
{
	struct kt_topo *t;
	int r = kt_topo_spec_validate(spec);

	if (r)
		return r;

	int ncpu = (int)kt_topo_spec_cpus(spec);
	int per_llc = (int)(spec->cores * spec->threads);
	int llcs_per_node = (int)(spec->llcs / spec->numa);

	t = calloc(1, sizeof(*t));
	if (t) {
		t->cpus = calloc((size_t)ncpu, sizeof(*t->cpus));
		t->llcs = calloc(spec->llcs, sizeof(*t->llcs));
		t->nodes = calloc(spec->numa, sizeof(*t->nodes));
	}
	if (!t || !t->cpus || !t->llcs || !t->nodes) {
		kt_topo_free(t);
		return kt_err(
		    ENOMEM, "build topology for %un%ul%uc%ut: out of memory",
		    spec->numa, spec->llcs, spec->cores, spec->threads);
	}

	t->nr_cpus = ncpu;
	t->max_cpu = ncpu;
	t->nr_llcs = (int)spec->llcs;
	t->nr_nodes = (int)spec->numa;
	t->threads_per_core = (int)spec->threads;
	kt_cpuset_set_range(&t->online, 0, ncpu - 1);

	for (int n = 0; n < t->nr_nodes; n++) {
		struct kt_node *node = &t->nodes[n];

		node->id = n;
		node->mem_total_kb = memory_mb * 1024 / spec->numa;
		for (int m = 0; m < KT_MAX_NODES; m++)
			node->distance[m] = m >= t->nr_nodes ? 255
					    : m == n	     ? 10
							     : 20;
	}

	for (int l = 0; l < t->nr_llcs; l++) {
		struct kt_llc *llc = &t->llcs[l];

		llc->id = l;
		llc->node = l / llcs_per_node;
		llc->nr_cores = (int)spec->cores;
		kt_cpuset_set_range(&llc->cpus, l * per_llc,
				    (l + 1) * per_llc - 1);
		kt_cpuset_or(&t->nodes[llc->node].cpus, &llc->cpus);

		for (int c = 0; c < (int)spec->cores; c++) {
			int first = l * per_llc + c * (int)spec->threads;

			for (int th = 0; th < (int)spec->threads; th++) {
				struct kt_cpu_info *ci = &t->cpus[first + th];

				ci->online = true;
				ci->core_id = c;
				ci->package_id = l;
				ci->llc = l;
				ci->node = llc->node;
				kt_cpuset_set_range(&ci->siblings, first,
						    first + (int)spec->threads -
							1);
			}
		}
	}
	*out = t;
	return 0;
}

void kt_topo_free(struct kt_topo *t)
{
	if (!t)
		return;
	free(t->cpus);
	free(t->llcs);
	free(t->nodes);
	free(t);
}

void kt_topo_freep(struct kt_topo **t)
{
	kt_topo_free(*t);
	*t = NULL;
}

/* The regular shape of t, without touching the error slot. */
static bool shape_of(const struct kt_topo *t, struct kt_topo_spec *out)
{
	int llcs_per_node = -1, cores = -1, threads = t->threads_per_core;
	int cpu;

	if (t->nr_nodes < 1 || t->nr_llcs < 1 || t->nr_cpus < 1 || threads < 1)
		goto irregular;

	for (int n = 0; n < t->nr_nodes; n++) {
		int cnt = 0;

		for (int l = 0; l < t->nr_llcs; l++)
			cnt += t->llcs[l].node == n;
		/* Memory-only nodes (0 LLCs) make the shape irregular too. */
		if (cnt == 0 || (llcs_per_node >= 0 && cnt != llcs_per_node))
			goto irregular;
		llcs_per_node = cnt;
	}
	for (int l = 0; l < t->nr_llcs; l++) {
		if (t->llcs[l].node < 0 || t->llcs[l].nr_cores < 1 ||
		    (cores >= 0 && t->llcs[l].nr_cores != cores))
			goto irregular;
		cores = t->llcs[l].nr_cores;
	}
	kt_cpuset_for_each (cpu, &t->online) {
		struct kt_cpuset sib = t->cpus[cpu].siblings;

		kt_cpuset_and(&sib, &t->online);
		if (t->cpus[cpu].llc < 0 || kt_cpuset_count(&sib) != threads)
			goto irregular;
	}
	if (t->nr_llcs * cores * threads != t->nr_cpus)
		goto irregular;

	out->numa = (unsigned)t->nr_nodes;
	out->llcs = (unsigned)t->nr_llcs;
	out->cores = (unsigned)cores;
	out->threads = (unsigned)threads;
	return true;

irregular:
	return false;
}

int kt_topo_shape(const struct kt_topo *t, struct kt_topo_spec *out)
{
	if (shape_of(t, out))
		return 0;
	return kt_err(EINVAL,
		      "topology shape: %d CPUs in %d LLCs over %d nodes is not "
		      "a regular NnNlNcNt layout",
		      t->nr_cpus, t->nr_llcs, t->nr_nodes);
}

void kt_topo_name(const struct kt_topo *t, char *buf, size_t len)
{
	struct kt_topo_spec spec;

	if (shape_of(t, &spec))
		kt_topo_spec_name(&spec, buf, len);
	else
		snprintf(buf, len, "irregular(%d cpus, %d llcs, %d nodes)",
			 t->nr_cpus, t->nr_llcs, t->nr_nodes);
}

static int node_index(const struct kt_topo *t, int id)
{
	for (int i = 0; i < t->nr_nodes; i++)
		if (t->nodes[i].id == id)
			return i;
	return -1;
}

int kt_topo_distance(const struct kt_topo *t, int node_a, int node_b)
{
	int a = node_index(t, node_a), b = node_index(t, node_b);

	if (a < 0 || b < 0 || b >= KT_MAX_NODES)
		return 255;
	return t->nodes[a].distance[b];
}
