/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * CPU topology: the NnNlNcNt shape (what a VM is asked for) and the
 * kt_topo view read from sysfs or built from a shape, plus the cpuset
 * generators scenarios use (LLC/NUMA aligned, disjoint, overlap, range).
 */
#ifndef KTSTR_TOPO_H
#define KTSTR_TOPO_H

#include <ktstr/common.h>
#include <ktstr/cpuset.h>

#define KT_MAX_NODES 64
#define KT_MAX_LLCS  256

/* A requested shape: numa nodes, LLCs (total), cores per LLC, threads per core.
 */
struct kt_topo_spec {
	unsigned numa;
	unsigned llcs;
	unsigned cores;
	unsigned threads;
};
#define KT_TOPO(n, l, c, t)                                                    \
	((struct kt_topo_spec){                                                \
	    .numa = (n), .llcs = (l), .cores = (c), .threads = (t)})

/* Parse "1n2l4c1t" or a preset name ("llc", see below). Rejects zeros,
 * llcs % numa != 0, garbage, and shapes over KT_MAX_CPUS, with the
 * offending text in kt_last_error(); -EINVAL. */
int kt_topo_spec_parse(const char *s, struct kt_topo_spec *out);
/* Validate a spec built in code (same rules as parse). */
int kt_topo_spec_validate(const struct kt_topo_spec *spec);
/* "1n2l4c1t" */
int kt_topo_spec_name(const struct kt_topo_spec *spec, char *buf, size_t len);
unsigned kt_topo_spec_cpus(const struct kt_topo_spec *spec);

/* A named shape: `tiny` 1n1l2c1t, `smt` 1n1l2c2t, `llc` 1n2l2c1t, `llc4`
 * 1n4l2c1t, `numa` 2n2l2c1t, `numa-smt` 2n2l1c2t, `wide` 1n1l8c1t, `big`
 * 2n4l2c2t. */
struct kt_topo_preset {
	const char *name;
	const char *shape; /* NnNlNcNt */
	const char *about;
};
/* Every preset, in the order above. */
const struct kt_topo_preset *kt_topo_presets(size_t *nr);
/* The preset called name, or NULL. */
const struct kt_topo_preset *kt_topo_preset_find(const char *name);
/* The preset whose shape is spec, or NULL. */
const struct kt_topo_preset *kt_topo_preset_of(const struct kt_topo_spec *spec);

struct kt_cpu_info {
	bool online;
	int core_id;		   /* topology/core_id */
	int package_id;		   /* topology/physical_package_id */
	int llc;		   /* index into kt_topo.llcs, -1 if none */
	int node;		   /* index into kt_topo.nodes, -1 if none */
	struct kt_cpuset siblings; /* SMT siblings including itself */
};

struct kt_llc {
	int id;		  /* cache id (index3/id) or the ordinal */
	int node;	  /* index into kt_topo.nodes, -1 if none */
	uint64_t size_kb; /* 0 when unknown */
	struct kt_cpuset cpus;
	int nr_cores; /* distinct cores (SMT groups) in this LLC */
};

struct kt_node {
	int id; /* node number N of nodeN */
	struct kt_cpuset cpus;
	uint64_t mem_total_kb; /* 0 when unknown */
	uint64_t mem_free_kb;
	int distance[KT_MAX_NODES]; /* indexed by node index; 255 unknown */
	bool memory_only;	    /* a node with memory and no CPUs */
};

struct kt_topo {
	struct kt_cpuset online; /* every online CPU */
	int nr_cpus;		 /* online CPU count */
	int max_cpu;		 /* highest CPU id + 1; size of cpus[] */
	struct kt_cpu_info *cpus;
	int nr_llcs;
	struct kt_llc *llcs; /* sorted by their lowest CPU */
	int nr_nodes;
	struct kt_node *nodes; /* sorted by id */
	int threads_per_core;  /* the largest SMT group */
};

/*
 * Read the topology from sysfs under root ("/" for the running system, or
 * a recorded tree holding sys/devices/system/{cpu,node}). The LLC is the
 * highest cache level reported under cpuN/cache; machines without node
 * directories get one node holding every CPU.
 */
int kt_topo_from_sysfs(const char *root, struct kt_topo **out);
/* A synthetic topology with the numbering a ktstr VM gets for spec:
 * cpu = llc*(cores*threads) + core*threads + thread; LLCs fill nodes in
 * order; distances 10/20; memory_mb split evenly (0 = unknown). */
int kt_topo_from_spec(const struct kt_topo_spec *spec, uint64_t memory_mb,
		      struct kt_topo **out);
void kt_topo_free(struct kt_topo *t);
void kt_topo_freep(struct kt_topo **t);

/*
 * The shape of t as a spec when it is regular (every node the same LLC
 * count, every LLC the same core count, every core the same thread
 * count); -EINVAL otherwise.
 */
int kt_topo_shape(const struct kt_topo *t, struct kt_topo_spec *out);
/* "1n2l4c1t", or e.g. "irregular(6 cpus, 2 llcs, 1 nodes)" */
void kt_topo_name(const struct kt_topo *t, char *buf, size_t len);

/* NUMA distance between node ids a and b, 255 if unknown. */
int kt_topo_distance(const struct kt_topo *t, int node_a, int node_b);

/* Usable CPUs: all online CPUs, minus the last one when there are more
 * than 2 (it stays for the root cgroup and the harness). */
void kt_topo_usable(const struct kt_topo *t, struct kt_cpuset *out);
int kt_topo_nr_usable(const struct kt_topo *t);

/* CPUs of LLC index i / node index n (clamped to the last one), restricted
 * to the usable CPUs. Empty set when out of range and nothing exists. */
void kt_topo_llc_aligned(const struct kt_topo *t, int i, struct kt_cpuset *out);
void kt_topo_numa_aligned(const struct kt_topo *t, int n,
			  struct kt_cpuset *out);
/* NUMA node ids (not indexes) that hold CPUs of s. */
void kt_topo_nodes_of(const struct kt_topo *t, const struct kt_cpuset *s,
		      struct kt_cpuset *nodes_out);

/*
 * Partitions of the usable CPUs (see CpusetSpec): each returns -EINVAL with
 * a message when the request cannot fit ("not enough usable CPUs (4) for 8
 * partitions", "index 3 >= partition count 3", bad fractions).
 *  disjoint: chunk = len/of, the last part takes the remainder.
 *  overlap:  the disjoint chunk widened by ceil(chunk*frac) on each inner edge.
 *  range:    the slice [len*start, len*end) of the usable CPUs.
 */
int kt_topo_disjoint(const struct kt_topo *t, unsigned index, unsigned of,
		     struct kt_cpuset *out);
int kt_topo_overlap(const struct kt_topo *t, unsigned index, unsigned of,
		    double frac, struct kt_cpuset *out);
int kt_topo_range(const struct kt_topo *t, double start_frac, double end_frac,
		  struct kt_cpuset *out);
/* exact: s must be a non-empty subset of the online CPUs. */
int kt_topo_exact(const struct kt_topo *t, const struct kt_cpuset *s,
		  struct kt_cpuset *out);

#endif
