/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kt_topo_from_sysfs: read CPUs, SMT siblings, last-level caches and NUMA
 * nodes (cpulist, meminfo, distance) from a sysfs tree under a root.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ktstr/topo.h>

#define SYS_CPU	 "sys/devices/system/cpu"
#define SYS_NODE "sys/devices/system/node"

struct sysfs_ctx {
	const char *root;
	char path[4096];
};

/* Build ctx->path = root/<fmt...>; returns -ENAMETOOLONG on overflow. */
static int mkpath(struct sysfs_ctx *c, const char *fmt, ...) KT_PRINTF(2, 3);
static int mkpath(struct sysfs_ctx *c, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(c->path, sizeof(c->path), "%s/", c->root);
	int m;

	if (n < 0 || (size_t)n >= sizeof(c->path))
		return kt_err(ENAMETOOLONG, "sysfs root \"%s\": path too long",
			      c->root);
	va_start(ap, fmt);
	m = vsnprintf(c->path + n, sizeof(c->path) - (size_t)n, fmt, ap);
	va_end(ap);
	if (m < 0 || (size_t)(n + m) >= sizeof(c->path))
		return kt_err(ENAMETOOLONG, "sysfs root \"%s\": path too long",
			      c->root);
	return 0;
}

/*
 * Read the small file at ctx->path into buf with the trailing newline
 * removed. Returns 0, or -errno with a message naming the path; a missing
 * optional file returns -ENOENT and leaves the error slot alone.
 */
static int read_text(struct sysfs_ctx *c, bool optional, char *buf, size_t len)
{
	int fd = open(c->path, O_RDONLY | O_CLOEXEC);
	size_t got = 0;

	if (fd < 0 && optional && errno == ENOENT)
		return -ENOENT;
	if (fd < 0)
		return kt_err(errno, "read topology file %s: %s", c->path,
			      strerror(errno));
	while (got + 1 < len) {
		ssize_t n = read(fd, buf + got, len - 1 - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;

			close(fd);
			return kt_err(e, "read topology file %s: %s", c->path,
				      strerror(e));
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	buf[got] = '\0';
	while (got && (buf[got - 1] == '\n' || buf[got - 1] == ' '))
		buf[--got] = '\0';
	return 0;
}

/* Read an integer file; missing file gives def, bad content -EINVAL. */
static int read_int(struct sysfs_ctx *c, int def, int *out)
{
	char buf[64], *end;
	long v;
	int r = read_text(c, true, buf, sizeof(buf));

	if (r == -ENOENT) {
		*out = def;
		return 0;
	}
	if (r)
		return r;
	errno = 0;
	v = strtol(buf, &end, 10);
	if (errno || end == buf || *end || v < -1 || v > INT32_MAX)
		return kt_err(EINVAL,
			      "read topology file %s: \"%s\" is not an integer",
			      c->path, buf);
	*out = (int)v;
	return 0;
}

/* Read a cpulist file; a missing file is an empty set when optional. */
static int read_cpulist(struct sysfs_ctx *c, bool optional,
			struct kt_cpuset *out)
{
	char buf[8192];
	int r = read_text(c, optional, buf, sizeof(buf));

	if (r == -ENOENT && optional) {
		kt_cpuset_zero(out);
		return 0;
	}
	if (r)
		return r;
	r = kt_cpuset_parse(buf, out);
	if (r)
		return kt_err_wrap(EINVAL, "read topology file %s", c->path);
	return 0;
}

/* "16384K" -> 16384; "2M" -> 2048; plain numbers are bytes. */
static uint64_t parse_size_kb(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);

	if (end == s)
		return 0;
	switch (*end) {
	case 'K':
		return v;
	case 'M':
		return v * 1024;
	case 'G':
		return v * 1024 * 1024;
	case '\0':
		return v / 1024;
	default:
		return 0;
	}
}

/* What the last-level cache of one CPU looks like. */
struct cpu_llc {
	bool found;
	int level;
	int index;
	int id;
	uint64_t size_kb;
	struct kt_cpuset shared;
};

static int read_cpu_llc(struct sysfs_ctx *c, int cpu, struct cpu_llc *best)
{
	DIR *d;
	struct dirent *de;
	int r = 0;

	memset(best, 0, sizeof(*best));
	r = mkpath(c, SYS_CPU "/cpu%d/cache", cpu);
	if (r)
		return r;
	d = opendir(c->path);
	if (!d)
		return 0; /* no cache information: caller falls back */

	while ((de = readdir(d))) {
		char buf[64];
		int idx, level, id;
		char tail;
		struct kt_cpuset shared;

		if (sscanf(de->d_name, "index%d%c", &idx, &tail) != 1)
			continue;
		r = mkpath(c, SYS_CPU "/cpu%d/cache/index%d/type", cpu, idx);
		if (r)
			break;
		if (read_text(c, true, buf, sizeof(buf)) == 0 &&
		    strcmp(buf, "Instruction") == 0)
			continue;
		r = mkpath(c, SYS_CPU "/cpu%d/cache/index%d/level", cpu, idx);
		if (r || (r = read_int(c, -1, &level)))
			break;
		if (level < 0)
			continue;
		if (best->found &&
		    (level < best->level ||
		     (level == best->level && idx > best->index)))
			continue;
		r = mkpath(c, SYS_CPU "/cpu%d/cache/index%d/shared_cpu_list",
			   cpu, idx);
		if (r || (r = read_cpulist(c, false, &shared)))
			break;
		r = mkpath(c, SYS_CPU "/cpu%d/cache/index%d/id", cpu, idx);
		if (r || (r = read_int(c, -1, &id)))
			break;
		r = mkpath(c, SYS_CPU "/cpu%d/cache/index%d/size", cpu, idx);
		if (r)
			break;
		best->size_kb = read_text(c, true, buf, sizeof(buf)) == 0
				    ? parse_size_kb(buf)
				    : 0;
		best->found = true;
		best->level = level;
		best->index = idx;
		best->id = id;
		best->shared = shared;
		kt_cpuset_set(&best->shared, cpu);
	}
	closedir(d);
	return r;
}

static int read_cpus(struct sysfs_ctx *c, struct kt_topo *t)
{
	int cpu, r;

	kt_cpuset_for_each (cpu, &t->online) {
		struct kt_cpu_info *ci = &t->cpus[cpu];

		ci->online = true;
		if ((r = mkpath(c, SYS_CPU "/cpu%d/topology/core_id", cpu)) ||
		    (r = read_int(c, cpu, &ci->core_id)))
			return r;
		if ((r = mkpath(c,
				SYS_CPU "/cpu%d/topology/physical_package_id",
				cpu)) ||
		    (r = read_int(c, 0, &ci->package_id)))
			return r;
		if ((r = mkpath(c,
				SYS_CPU "/cpu%d/topology/thread_siblings_list",
				cpu)) ||
		    (r = read_cpulist(c, true, &ci->siblings)))
			return r;
		kt_cpuset_and(&ci->siblings, &t->online);
		kt_cpuset_set(&ci->siblings, cpu);
		if (kt_cpuset_count(&ci->siblings) > t->threads_per_core)
			t->threads_per_core = kt_cpuset_count(&ci->siblings);
	}
	return 0;
}

/* Group CPUs into LLCs by equal shared_cpu_list of their highest cache. */
static int read_llcs(struct sysfs_ctx *c, struct kt_topo *t)
{
	struct kt_cpuset *keys;
	int cpu, r = 0;

	t->llcs = calloc(KT_MAX_LLCS, sizeof(*t->llcs));
	keys = calloc(KT_MAX_LLCS, sizeof(*keys));
	if (!t->llcs || !keys) {
		free(keys);
		return kt_err(ENOMEM, "read LLCs under %s: out of memory",
			      c->root);
	}

	kt_cpuset_for_each (cpu, &t->online) {
		struct cpu_llc cl;
		int l;

		r = read_cpu_llc(c, cpu, &cl);
		if (r)
			break;
		if (!cl.found) {
			/* No cache info: one LLC per physical package. */
			int p;

			kt_cpuset_zero(&cl.shared);
			kt_cpuset_for_each (p, &t->online) {
				if (t->cpus[p].package_id ==
				    t->cpus[cpu].package_id)
					kt_cpuset_set(&cl.shared, p);
			}
			cl.id = -1;
			cl.size_kb = 0;
		}
		for (l = 0; l < t->nr_llcs; l++)
			if (kt_cpuset_equal(&keys[l], &cl.shared))
				break;
		if (l == t->nr_llcs) {
			if (l >= KT_MAX_LLCS) {
				r = kt_err(E2BIG,
					   "read LLCs under %s: more than %d "
					   "last-level caches",
					   c->root, KT_MAX_LLCS);
				break;
			}
			keys[l] = cl.shared;
			t->llcs[l].id = cl.id >= 0 ? cl.id : l;
			t->llcs[l].size_kb = cl.size_kb;
			t->llcs[l].node = -1;
			t->nr_llcs++;
		}
		kt_cpuset_set(&t->llcs[l].cpus, cpu);
		t->cpus[cpu].llc = l;
	}
	free(keys);
	if (r)
		return r;

	/* CPUs ascend, so LLCs are already sorted by their lowest CPU. */
	for (int l = 0; l < t->nr_llcs; l++) {
		struct kt_llc *llc = &t->llcs[l];

		kt_cpuset_for_each (cpu, &llc->cpus) {
			struct kt_cpuset sib = t->cpus[cpu].siblings;

			kt_cpuset_and(&sib, &llc->cpus);
			if (kt_cpuset_first(&sib) == cpu)
				llc->nr_cores++;
		}
	}
	return 0;
}

static int read_meminfo(struct sysfs_ctx *c, struct kt_node *n)
{
	char buf[8192];
	char *line, *save = NULL;
	int r = read_text(c, true, buf, sizeof(buf));

	if (r == -ENOENT)
		return 0;
	if (r)
		return r;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		int id;
		char key[64];
		unsigned long long v;

		if (sscanf(line, "Node %d %63[^:]: %llu", &id, key, &v) != 3)
			continue;
		if (strcmp(key, "MemTotal") == 0)
			n->mem_total_kb = v;
		else if (strcmp(key, "MemFree") == 0)
			n->mem_free_kb = v;
	}
	return 0;
}

static int read_distance(struct sysfs_ctx *c, struct kt_node *n)
{
	char buf[1024];
	char *p, *end;
	int r = read_text(c, true, buf, sizeof(buf));

	if (r == -ENOENT)
		return 0;
	if (r)
		return r;
	p = buf;
	for (int j = 0; j < KT_MAX_NODES; j++) {
		long v;

		while (*p == ' ')
			p++;
		if (!*p)
			break;
		errno = 0;
		v = strtol(p, &end, 10);
		if (end == p || errno || v < 0 || v > 255 ||
		    (*end && *end != ' '))
			return kt_err(
			    EINVAL,
			    "read topology file %s: bad distance list \"%s\"",
			    c->path, buf);
		n->distance[j] = (int)v;
		p = end;
	}
	return 0;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* Node ids of the nodeN directories, sorted; 0 ids when none. */
static int list_nodes(struct sysfs_ctx *c, int *ids, int *nr)
{
	DIR *d;
	struct dirent *de;
	int r;

	*nr = 0;
	r = mkpath(c, SYS_NODE);
	if (r)
		return r;
	d = opendir(c->path);
	if (!d)
		return errno == ENOENT
			   ? 0
			   : kt_err(errno, "list NUMA nodes in %s: %s", c->path,
				    strerror(errno));
	while ((de = readdir(d))) {
		int id, len;

		if (sscanf(de->d_name, "node%d%n", &id, &len) != 1 ||
		    de->d_name[len] || id < 0)
			continue;
		if (*nr >= KT_MAX_NODES) {
			closedir(d);
			return kt_err(
			    E2BIG, "list NUMA nodes in %s: more than %d nodes",
			    c->path, KT_MAX_NODES);
		}
		ids[(*nr)++] = id;
	}
	closedir(d);
	qsort(ids, (size_t)*nr, sizeof(*ids), cmp_int);
	return 0;
}

static int read_nodes(struct sysfs_ctx *c, struct kt_topo *t)
{
	int ids[KT_MAX_NODES];
	int nr, r, cpu;

	r = list_nodes(c, ids, &nr);
	if (r)
		return r;

	t->nodes = calloc(nr ? (size_t)nr : 1, sizeof(*t->nodes));
	if (!t->nodes)
		return kt_err(ENOMEM, "read NUMA nodes under %s: out of memory",
			      c->root);

	for (int i = 0; i < (nr ? nr : 1); i++)
		for (int j = 0; j < KT_MAX_NODES; j++)
			t->nodes[i].distance[j] = 255;

	if (nr == 0) {
		/* No NUMA information: one node holding every CPU. */
		t->nr_nodes = 1;
		t->nodes[0].id = 0;
		t->nodes[0].cpus = t->online;
		t->nodes[0].distance[0] = 10;
	}
	for (int i = 0; i < nr; i++) {
		struct kt_node *n = &t->nodes[i];

		n->id = ids[i];
		if ((r = mkpath(c, SYS_NODE "/node%d/cpulist", n->id)) ||
		    (r = read_cpulist(c, true, &n->cpus)))
			return r;
		kt_cpuset_and(&n->cpus, &t->online);
		if ((r = mkpath(c, SYS_NODE "/node%d/meminfo", n->id)) ||
		    (r = read_meminfo(c, n)))
			return r;
		if ((r = mkpath(c, SYS_NODE "/node%d/distance", n->id)) ||
		    (r = read_distance(c, n)))
			return r;
		n->memory_only = kt_cpuset_empty(&n->cpus);
		t->nr_nodes++;
	}

	for (int i = 0; i < t->nr_nodes; i++)
		kt_cpuset_for_each (cpu, &t->nodes[i].cpus) {
			if (t->cpus[cpu].node < 0)
				t->cpus[cpu].node = i;
		}
	for (int l = 0; l < t->nr_llcs; l++)
		t->llcs[l].node =
		    t->cpus[kt_cpuset_first(&t->llcs[l].cpus)].node;
	return 0;
}

int kt_topo_from_sysfs(const char *root, struct kt_topo **out)
{
	struct sysfs_ctx c = {.root = root && *root ? root : "/"};
	struct kt_topo *t;
	int r, last, cpu;

	t = calloc(1, sizeof(*t));
	if (!t)
		return kt_err(ENOMEM, "read topology under %s: out of memory",
			      c.root);

	if ((r = mkpath(&c, SYS_CPU "/online")) ||
	    (r = read_cpulist(&c, false, &t->online)))
		goto fail;
	t->nr_cpus = kt_cpuset_count(&t->online);
	if (t->nr_cpus == 0) {
		r = kt_err(EINVAL, "read topology file %s: no online CPUs",
			   c.path);
		goto fail;
	}
	last = -1;
	kt_cpuset_for_each (cpu, &t->online)
		last = cpu;
	t->max_cpu = last + 1;
	t->cpus = calloc((size_t)t->max_cpu, sizeof(*t->cpus));
	if (!t->cpus) {
		r = kt_err(ENOMEM, "read topology under %s: out of memory",
			   c.root);
		goto fail;
	}
	for (int i = 0; i < t->max_cpu; i++) {
		t->cpus[i].llc = -1;
		t->cpus[i].node = -1;
		t->cpus[i].core_id = -1;
		t->cpus[i].package_id = -1;
	}
	t->threads_per_core = 1;

	if ((r = read_cpus(&c, t)) || (r = read_llcs(&c, t)) ||
	    (r = read_nodes(&c, t)))
		goto fail;
	*out = t;
	return 0;

fail:
	kt_topo_free(t);
	return r;
}
