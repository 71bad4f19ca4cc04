/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests for kt_topo_from_sysfs against the recorded sysfs trees, a few
 * synthetic trees (no NUMA dirs, memory-only node, Instruction-only top
 * cache), and kt_topo_from_spec numbering and naming.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <ktstr/topo.h>

#define MAXN 4
#define MAXL 8
#define MAXC 16

struct want_llc {
	const char *cpus;
	int id;
	int node;
	uint64_t size_kb;
	int nr_cores;
};

struct want_node {
	int id;
	const char *cpus;
	int dist[MAXN];
	uint64_t total_kb, free_kb;
};

struct want {
	const char *dir;
	const char *online;
	const char *name;
	struct kt_topo_spec shape;
	int tpc;
	int nr_llcs;
	struct want_llc llcs[MAXL];
	int nr_nodes;
	struct want_node nodes[MAXN];
	int nr_cpus;
	/* per CPU: SMT siblings, core_id, package_id */
	const char *sib[MAXC];
	int core[MAXC];
	int pkg[MAXC];
};

/* Every value below was read from the fixture files with cat. */
static const struct want fixtures[] = {
    {
	.dir = "host-2cpu-kvm-guest",
	.online = "0-1",
	.name = "1n1l2c1t",
	.shape = KT_TOPO(1, 1, 2, 1),
	.tpc = 1,
	.nr_llcs = 1,
	.llcs = {{"0-1", 0, 0, 516096, 2}},
	.nr_nodes = 1,
	.nodes = {{0, "0-1", {10}, 4941600, 4456980}},
	.nr_cpus = 2,
	.sib = {"0", "1"},
	.core = {0, 1},
	.pkg = {0, 0},
    },
    {
	.dir = "vm-1n1l4c1t",
	.online = "0-3",
	.name = "1n1l4c1t",
	.shape = KT_TOPO(1, 1, 4, 1),
	.tpc = 1,
	.nr_llcs = 1,
	.llcs = {{"0-3", 0, 0, 16384, 4}},
	.nr_nodes = 1,
	.nodes = {{0, "0-3", {10}, 2017380, 1951000}},
	.nr_cpus = 4,
	.sib = {"0", "1", "2", "3"},
	.core = {0, 1, 2, 3},
	.pkg = {0, 0, 0, 0},
    },
    {
	.dir = "vm-1n2l3c2t",
	.online = "0-11",
	.name = "1n2l3c2t",
	.shape = KT_TOPO(1, 2, 3, 2),
	.tpc = 2,
	.nr_llcs = 2,
	.llcs = {{"0-5", 0, 0, 16384, 3}, {"6-11", 1, 0, 16384, 3}},
	.nr_nodes = 1,
	.nodes = {{0, "0-11", {10}, 2015328, 1938560}},
	.nr_cpus = 12,
	.sib = {"0-1", "0-1", "2-3", "2-3", "4-5", "4-5", "6-7", "6-7", "8-9",
		"8-9", "10-11", "10-11"},
	.core = {0, 0, 1, 1, 2, 2, 0, 0, 1, 1, 2, 2},
	.pkg = {0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1},
    },
    {
	.dir = "vm-2n4l2c2t",
	.online = "0-15",
	.name = "2n4l2c2t",
	.shape = KT_TOPO(2, 4, 2, 2),
	.tpc = 2,
	.nr_llcs = 4,
	.llcs = {{"0-3", 0, 0, 16384, 2},
		 {"4-7", 1, 0, 16384, 2},
		 {"8-11", 2, 1, 16384, 2},
		 {"12-15", 3, 1, 16384, 2}},
	.nr_nodes = 2,
	.nodes = {{0, "0-7", {10, 21}, 987456, 927996},
		  {1, "8-15", {21, 10}, 1029752, 984428}},
	.nr_cpus = 16,
	.sib = {"0-1", "0-1", "2-3", "2-3", "4-5", "4-5", "6-7", "6-7", "8-9",
		"8-9", "10-11", "10-11", "12-13", "12-13", "14-15", "14-15"},
	.core = {0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1},
	.pkg = {0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3},
    },
};

static void check_fixture(const struct want *w)
{
	_cleanup_(kt_topo_freep) struct kt_topo *t = NULL;
	struct kt_topo_spec shape;
	char root[512], name[64];

	snprintf(root, sizeof(root), "%s/sysfs/%s", KT_FIXTURES_DIR, w->dir);
	if (kt_topo_from_sysfs(root, &t))
		fail_msg("%s: %s", w->dir, kt_last_error());
	print_message("fixture %s\n", w->dir);

	assert_string_equal(kt_cpuset_str(&t->online, 0), w->online);
	assert_int_equal(t->nr_cpus, w->nr_cpus);
	assert_int_equal(t->max_cpu, w->nr_cpus);
	assert_int_equal(t->threads_per_core, w->tpc);

	assert_int_equal(t->nr_llcs, w->nr_llcs);
	for (int l = 0; l < w->nr_llcs; l++) {
		assert_string_equal(kt_cpuset_str(&t->llcs[l].cpus, 0),
				    w->llcs[l].cpus);
		assert_int_equal(t->llcs[l].id, w->llcs[l].id);
		assert_int_equal(t->llcs[l].node, w->llcs[l].node);
		assert_int_equal(t->llcs[l].size_kb, w->llcs[l].size_kb);
		assert_int_equal(t->llcs[l].nr_cores, w->llcs[l].nr_cores);
	}

	assert_int_equal(t->nr_nodes, w->nr_nodes);
	for (int n = 0; n < w->nr_nodes; n++) {
		const struct kt_node *node = &t->nodes[n];

		assert_int_equal(node->id, w->nodes[n].id);
		assert_string_equal(kt_cpuset_str(&node->cpus, 0),
				    w->nodes[n].cpus);
		assert_false(node->memory_only);
		assert_int_equal(node->mem_total_kb, w->nodes[n].total_kb);
		assert_int_equal(node->mem_free_kb, w->nodes[n].free_kb);
		for (int m = 0; m < w->nr_nodes; m++) {
			assert_int_equal(node->distance[m],
					 w->nodes[n].dist[m]);
			assert_int_equal(kt_topo_distance(t, n, m),
					 w->nodes[n].dist[m]);
		}
		/* Past the last node: unknown. */
		assert_int_equal(node->distance[w->nr_nodes], 255);
		assert_int_equal(kt_topo_distance(t, n, w->nr_nodes), 255);
	}

	for (int c = 0; c < w->nr_cpus; c++) {
		const struct kt_cpu_info *ci = &t->cpus[c];

		assert_true(ci->online);
		assert_string_equal(kt_cpuset_str(&ci->siblings, 0), w->sib[c]);
		assert_int_equal(ci->core_id, w->core[c]);
		assert_int_equal(ci->package_id, w->pkg[c]);
		assert_true(ci->llc >= 0 && ci->llc < t->nr_llcs);
		assert_true(kt_cpuset_test(&t->llcs[ci->llc].cpus, c));
		assert_true(ci->node >= 0 && ci->node < t->nr_nodes);
		assert_true(kt_cpuset_test(&t->nodes[ci->node].cpus, c));
	}

	assert_int_equal(kt_topo_shape(t, &shape), 0);
	assert_memory_equal(&shape, &w->shape, sizeof(shape));
	kt_topo_name(t, name, sizeof(name));
	assert_string_equal(name, w->name);
}

static void test_fixture_host_2cpu(void **state)
{
	(void)state;
	check_fixture(&fixtures[0]);
}

static void test_fixture_1n1l4c1t(void **state)
{
	(void)state;
	check_fixture(&fixtures[1]);
}

static void test_fixture_1n2l3c2t(void **state)
{
	(void)state;
	check_fixture(&fixtures[2]);
}

static void test_fixture_2n4l2c2t(void **state)
{
	(void)state;
	check_fixture(&fixtures[3]);
}

static void test_missing_root(void **state)
{
	struct kt_topo *t = (struct kt_topo *)0x1;

	(void)state;
	assert_int_equal(kt_topo_from_sysfs("/nonexistent-ktstr-root", &t),
			 -ENOENT);
	assert_ptr_equal(t, (struct kt_topo *)0x1);
	assert_non_null(
	    strstr(kt_last_error(),
		   "/nonexistent-ktstr-root/sys/devices/system/cpu/online"));
	assert_non_null(strstr(kt_last_error(), "No such file"));
}

/* --- synthetic trees in a temporary directory --- */

static void put(const char *root, const char *rel, const char *text)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (char *p = path + strlen(root) + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) && errno != EEXIST)
			fail_msg("mkdir %s: %s", path, strerror(errno));
		*p = '/';
	}
	f = fopen(path, "w");
	if (!f)
		fail_msg("create %s: %s", path, strerror(errno));
	fputs(text, f);
	fclose(f);
}

static int rm_one(const char *path, const struct stat *sb, int flag,
		  struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void rm_tree(const char *root)
{
	nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Four CPUs in SMT pairs; top cache is Instruction-only and must be skipped. */
static void make_cpus(const char *root)
{
	char rel[256], val[64];

	put(root, "sys/devices/system/cpu/online", "0-3\n");
	for (int c = 0; c < 4; c++) {
		snprintf(rel, sizeof(rel),
			 "sys/devices/system/cpu/cpu%d/topology/core_id", c);
		snprintf(val, sizeof(val), "%d\n", c / 2);
		put(root, rel, val);
		snprintf(
		    rel, sizeof(rel),
		    "sys/devices/system/cpu/cpu%d/topology/physical_package_id",
		    c);
		put(root, rel, "0\n");
		snprintf(rel, sizeof(rel),
			 "sys/devices/system/cpu/cpu%d/topology/"
			 "thread_siblings_list",
			 c);
		put(root, rel, c < 2 ? "0-1\n" : "2-3\n");

		static const char *const idx[][4] = {
		    /* level, type, shared, size */
		    {"1", "Data", NULL, "32K"},
		    {"2", "Unified", "pair", "2M"},
		    {"3", "Instruction", "0-3", "8192K"},
		};
		for (int i = 0; i < 3; i++) {
			const char *shared = idx[i][2];

			if (!shared)
				shared = c == 0	  ? "0"
					 : c == 1 ? "1"
					 : c == 2 ? "2"
						  : "3";
			else if (strcmp(shared, "pair") == 0)
				shared = c < 2 ? "0-1" : "2-3";
			snprintf(
			    rel, sizeof(rel),
			    "sys/devices/system/cpu/cpu%d/cache/index%d/level",
			    c, i);
			put(root, rel, idx[i][0]);
			snprintf(
			    rel, sizeof(rel),
			    "sys/devices/system/cpu/cpu%d/cache/index%d/type",
			    c, i);
			put(root, rel, idx[i][1]);
			snprintf(rel, sizeof(rel),
				 "sys/devices/system/cpu/cpu%d/cache/index%d/"
				 "shared_cpu_list",
				 c, i);
			put(root, rel, shared);
			snprintf(
			    rel, sizeof(rel),
			    "sys/devices/system/cpu/cpu%d/cache/index%d/size",
			    c, i);
			put(root, rel, idx[i][3]);
		}
	}
}

static void test_synthetic_no_numa(void **state)
{
	_cleanup_(kt_topo_freep) struct kt_topo *t = NULL;
	char root[] = "/tmp/kt-topo-test-XXXXXX", name[64];

	(void)state;
	assert_non_null(mkdtemp(root));
	make_cpus(root);
	kt_clear_error();
	int r = kt_topo_from_sysfs(root, &t);

	if (r) {
		rm_tree(root);
		fail_msg("%s", kt_last_error());
	}
	rm_tree(root);
	/* Missing optional files (cache id, node dirs) are not errors. */
	assert_string_equal(kt_last_error(), "no error recorded");

	/* The L3 is Instruction-only, so the L2 pairs are the LLCs. */
	assert_int_equal(t->nr_llcs, 2);
	assert_string_equal(kt_cpuset_str(&t->llcs[0].cpus, 0), "0-1");
	assert_string_equal(kt_cpuset_str(&t->llcs[1].cpus, 0), "2-3");
	assert_int_equal(t->llcs[0].size_kb, 2048);
	assert_int_equal(t->llcs[0].nr_cores, 1);
	assert_int_equal(t->llcs[0].id, 0); /* no id file: the ordinal */
	assert_int_equal(t->llcs[1].id, 1);
	assert_int_equal(t->threads_per_core, 2);
	/* No node directories: one node 0 with every CPU, distance 10. */
	assert_int_equal(t->nr_nodes, 1);
	assert_int_equal(t->nodes[0].id, 0);
	assert_string_equal(kt_cpuset_str(&t->nodes[0].cpus, 0), "0-3");
	assert_int_equal(t->nodes[0].distance[0], 10);
	assert_int_equal(t->nodes[0].distance[1], 255);
	assert_int_equal(t->nodes[0].mem_total_kb, 0);
	assert_false(t->nodes[0].memory_only);
	assert_int_equal(t->llcs[1].node, 0);
	assert_int_equal(t->cpus[3].node, 0);
	kt_topo_name(t, name, sizeof(name));
	assert_string_equal(name, "1n2l1c2t");
}

static void test_synthetic_memory_only_node(void **state)
{
	_cleanup_(kt_topo_freep) struct kt_topo *t = NULL;
	char root[] = "/tmp/kt-topo-test-XXXXXX", name[64];
	struct kt_topo_spec shape;

	(void)state;
	assert_non_null(mkdtemp(root));
	make_cpus(root);
	put(root, "sys/devices/system/node/node0/cpulist", "0-3\n");
	put(root, "sys/devices/system/node/node0/distance", "10 30\n");
	put(root, "sys/devices/system/node/node0/meminfo",
	    "Node 0 MemTotal:        1000 kB\nNode 0 MemFree:          900 kB\n"
	    "Node 0 MemUsed:          100 kB\n");
	put(root, "sys/devices/system/node/node2/cpulist", "\n");
	put(root, "sys/devices/system/node/node2/distance", "30 10\n");
	put(root, "sys/devices/system/node/node2/meminfo",
	    "Node 2 MemTotal:     4194304 kB\nNode 2 MemFree:      4194000 "
	    "kB\n");
	put(root, "sys/devices/system/node/online", "0,2\n");
	int r = kt_topo_from_sysfs(root, &t);

	if (r) {
		rm_tree(root);
		fail_msg("%s", kt_last_error());
	}
	rm_tree(root);

	assert_int_equal(t->nr_nodes, 2);
	assert_int_equal(t->nodes[0].id, 0);
	assert_int_equal(t->nodes[1].id, 2);
	assert_false(t->nodes[0].memory_only);
	assert_true(t->nodes[1].memory_only);
	assert_true(kt_cpuset_empty(&t->nodes[1].cpus));
	assert_int_equal(t->nodes[0].mem_total_kb, 1000);
	assert_int_equal(t->nodes[0].mem_free_kb, 900);
	assert_int_equal(t->nodes[1].mem_total_kb, 4194304);
	assert_int_equal(t->nodes[1].mem_free_kb, 4194000);
	/* Distances are looked up by node id. */
	assert_int_equal(kt_topo_distance(t, 0, 2), 30);
	assert_int_equal(kt_topo_distance(t, 2, 2), 10);
	assert_int_equal(kt_topo_distance(t, 0, 1), 255);
	/* A memory-only node makes the shape irregular. */
	assert_int_equal(kt_topo_shape(t, &shape), -EINVAL);
	kt_topo_name(t, name, sizeof(name));
	assert_string_equal(name, "irregular(4 cpus, 2 llcs, 2 nodes)");
}

static void test_synthetic_bad_file(void **state)
{
	struct kt_topo *t = NULL;
	char root[] = "/tmp/kt-topo-test-XXXXXX";

	(void)state;
	assert_non_null(mkdtemp(root));
	make_cpus(root);
	put(root, "sys/devices/system/cpu/cpu2/topology/thread_siblings_list",
	    "2-x\n");
	int r = kt_topo_from_sysfs(root, &t);

	rm_tree(root);
	assert_int_equal(r, -EINVAL);
	assert_null(t);
	assert_non_null(
	    strstr(kt_last_error(), "cpu2/topology/thread_siblings_list"));
	assert_non_null(strstr(kt_last_error(), "bad token \"2-x\""));
}

/* --- kt_topo_from_spec --- */

static void check_from_spec(const char *shape, uint64_t mem_mb,
			    const struct want *w)
{
	_cleanup_(kt_topo_freep) struct kt_topo *t = NULL;
	struct kt_topo_spec sp;
	char name[64];

	assert_int_equal(kt_topo_spec_parse(shape, &sp), 0);
	assert_int_equal(kt_topo_from_spec(&sp, mem_mb, &t), 0);
	assert_string_equal(kt_cpuset_str(&t->online, 0), w->online);
	assert_int_equal(t->nr_cpus, w->nr_cpus);
	assert_int_equal(t->max_cpu, w->nr_cpus);
	assert_int_equal(t->threads_per_core, w->tpc);
	assert_int_equal(t->nr_llcs, w->nr_llcs);
	for (int l = 0; l < w->nr_llcs; l++) {
		assert_string_equal(kt_cpuset_str(&t->llcs[l].cpus, 0),
				    w->llcs[l].cpus);
		assert_int_equal(t->llcs[l].node, w->llcs[l].node);
		assert_int_equal(t->llcs[l].nr_cores, w->llcs[l].nr_cores);
	}
	assert_int_equal(t->nr_nodes, w->nr_nodes);
	for (int n = 0; n < w->nr_nodes; n++) {
		assert_int_equal(t->nodes[n].id, n);
		assert_string_equal(kt_cpuset_str(&t->nodes[n].cpus, 0),
				    w->nodes[n].cpus);
		assert_int_equal(t->nodes[n].mem_total_kb,
				 w->nodes[n].total_kb);
		for (int m = 0; m < w->nr_nodes; m++)
			assert_int_equal(kt_topo_distance(t, n, m),
					 w->nodes[n].dist[m]);
	}
	for (int c = 0; c < w->nr_cpus; c++) {
		assert_string_equal(kt_cpuset_str(&t->cpus[c].siblings, 0),
				    w->sib[c]);
		assert_int_equal(t->cpus[c].core_id, w->core[c]);
		assert_true(t->cpus[c].online);
	}
	kt_topo_name(t, name, sizeof(name));
	assert_string_equal(name, shape);
	struct kt_topo_spec back;

	assert_int_equal(kt_topo_spec_parse(name, &back), 0);
	assert_memory_equal(&back, &sp, sizeof(sp));
}

static void test_from_spec(void **state)
{
	static const struct want w1 = {
	    .online = "0-7",
	    .tpc = 1,
	    .nr_llcs = 2,
	    .llcs = {{"0-3", 0, 0, 0, 4}, {"4-7", 1, 0, 0, 4}},
	    .nr_nodes = 1,
	    .nodes = {{0, "0-7", {10}, 2048 * 1024, 0}},
	    .nr_cpus = 8,
	    .sib = {"0", "1", "2", "3", "4", "5", "6", "7"},
	    .core = {0, 1, 2, 3, 0, 1, 2, 3},
	};
	static const struct want w2 = {
	    .online = "0-15",
	    .tpc = 2,
	    .nr_llcs = 4,
	    .llcs = {{"0-3", 0, 0, 0, 2},
		     {"4-7", 1, 0, 0, 2},
		     {"8-11", 2, 1, 0, 2},
		     {"12-15", 3, 1, 0, 2}},
	    .nr_nodes = 2,
	    .nodes = {{0, "0-7", {10, 20}, 1024 * 1024, 0},
		      {1, "8-15", {20, 10}, 1024 * 1024, 0}},
	    .nr_cpus = 16,
	    .sib = {"0-1", "0-1", "2-3", "2-3", "4-5", "4-5", "6-7", "6-7",
		    "8-9", "8-9", "10-11", "10-11", "12-13", "12-13", "14-15",
		    "14-15"},
	    .core = {0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1},
	};
	static const struct want w3 = {
	    .online = "0-3",
	    .tpc = 2,
	    .nr_llcs = 1,
	    .llcs = {{"0-3", 0, 0, 0, 2}},
	    .nr_nodes = 1,
	    .nodes = {{0, "0-3", {10}, 0, 0}},
	    .nr_cpus = 4,
	    .sib = {"0-1", "0-1", "2-3", "2-3"},
	    .core = {0, 0, 1, 1},
	};

	(void)state;
	check_from_spec("1n2l4c1t", 2048, &w1);
	check_from_spec("2n4l2c2t", 2048, &w2);
	check_from_spec("1n1l2c2t", 0, &w3);
}

static void test_from_spec_matches_fixture(void **state)
{
	_cleanup_(kt_topo_freep) struct kt_topo *a = NULL;
	_cleanup_(kt_topo_freep) struct kt_topo *b = NULL;
	char root[512];

	(void)state;
	/* The recorded VM of the same shape has the same numbering. */
	snprintf(root, sizeof(root), "%s/sysfs/vm-2n4l2c2t", KT_FIXTURES_DIR);
	assert_int_equal(kt_topo_from_sysfs(root, &a), 0);
	assert_int_equal(kt_topo_from_spec(&KT_TOPO(2, 4, 2, 2), 0, &b), 0);
	assert_int_equal(a->nr_llcs, b->nr_llcs);
	for (int l = 0; l < a->nr_llcs; l++) {
		assert_true(
		    kt_cpuset_equal(&a->llcs[l].cpus, &b->llcs[l].cpus));
		assert_int_equal(a->llcs[l].node, b->llcs[l].node);
	}
	for (int c = 0; c < a->max_cpu; c++)
		assert_true(kt_cpuset_equal(&a->cpus[c].siblings,
					    &b->cpus[c].siblings));
}

static void test_from_spec_invalid(void **state)
{
	struct kt_topo *t = NULL;

	(void)state;
	assert_int_equal(kt_topo_from_spec(&KT_TOPO(2, 3, 1, 1), 0, &t),
			 -EINVAL);
	assert_null(t);
	assert_non_null(strstr(kt_last_error(), "2n3l1c1t"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fixture_host_2cpu),
	    cmocka_unit_test(test_fixture_1n1l4c1t),
	    cmocka_unit_test(test_fixture_1n2l3c2t),
	    cmocka_unit_test(test_fixture_2n4l2c2t),
	    cmocka_unit_test(test_missing_root),
	    cmocka_unit_test(test_synthetic_no_numa),
	    cmocka_unit_test(test_synthetic_memory_only_node),
	    cmocka_unit_test(test_synthetic_bad_file),
	    cmocka_unit_test(test_from_spec),
	    cmocka_unit_test(test_from_spec_matches_fixture),
	    cmocka_unit_test(test_from_spec_invalid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
