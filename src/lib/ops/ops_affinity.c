/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * AffinityKind: the name of each kind and the lookup by name, resolution
 * to an affinity mode (none, fixed set, random subset of a pool, single
 * CPU) against a topology and a cgroup's cpuset, picking each worker's
 * set, and applying it to a running workload.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <ktstr/ops.h>

#include "ops_engine.h"

/* Exact is built with its CPU list, so no name alone gives it. */
static const struct {
	const char *name;
	bool needs_list;
} kinds[KT_AFFINITY_KIND__COUNT] = {
    [KT_AFFINITY_KIND_INHERIT] = {"Inherit"},
    [KT_AFFINITY_KIND_RANDOM_SUBSET] = {"RandomSubset"},
    [KT_AFFINITY_KIND_LLC_ALIGNED] = {"LlcAligned"},
    [KT_AFFINITY_KIND_CROSS_CGROUP] = {"CrossCgroup"},
    [KT_AFFINITY_KIND_SINGLE_CPU] = {"SingleCpu"},
    [KT_AFFINITY_KIND_EXACT] = {"Exact", .needs_list = true},
};

const char *kt_affinity_kind_name(enum kt_affinity_kind k)
{
	if ((unsigned)k >= KT_AFFINITY_KIND__COUNT)
		return "unknown";
	return kinds[k].name;
}

int kt_affinity_kind_parse(const char *name, enum kt_affinity_kind *out)
{
	char list[256];
	size_t n = 0;
	unsigned k;

	for (k = 0; name && k < KT_AFFINITY_KIND__COUNT; k++) {
		if (strcmp(name, kinds[k].name))
			continue;
		if (kinds[k].needs_list)
			break;
		*out = (enum kt_affinity_kind)k;
		return 0;
	}
	list[0] = '\0';
	for (unsigned i = 0; i < KT_AFFINITY_KIND__COUNT && n < sizeof(list);
	     i++)
		if (!kinds[i].needs_list)
			n +=
			    (size_t)snprintf(list + n, sizeof(list) - n, "%s%s",
					     n ? ", " : "", kinds[i].name);
	if (name && k < KT_AFFINITY_KIND__COUNT)
		return kt_err(EINVAL,
			      "parse affinity kind \"%s\": needs its CPU list "
			      "and cannot be built from a name (expected one "
			      "of %s)",
			      name, list);
	return kt_err(EINVAL,
		      "parse affinity kind \"%s\": unknown name (expected "
		      "one of %s)",
		      name ? name : "(null)", list);
}

int kt_affinity_resolve(const struct kt_topo *t, const struct kt_affinity *a,
			const struct kt_cpuset *cgroup_cpus,
			struct kt_affinity_mode *out)
{
	struct kt_cpuset pool, s;
	int first;

	*out = (struct kt_affinity_mode){.kind = KT_AFFINITY_MODE_NONE};
	if (cgroup_cpus && !kt_cpuset_empty(cgroup_cpus))
		pool = *cgroup_cpus;
	else
		kt_topo_usable(t, &pool);
	first = kt_cpuset_first(&pool);

	switch (a->kind) {
	case KT_AFFINITY_KIND_INHERIT:
		return 0;
	case KT_AFFINITY_KIND_RANDOM_SUBSET:
		out->kind = KT_AFFINITY_MODE_RANDOM;
		out->cpus = pool;
		out->count = (unsigned)kt_cpuset_count(&pool) / 2;
		if (!out->count)
			out->count = 1;
		return 0;
	case KT_AFFINITY_KIND_LLC_ALIGNED:
		out->kind = KT_AFFINITY_MODE_FIXED;
		if (first >= 0 && first < t->max_cpu && t->cpus[first].llc >= 0)
			out->cpus = t->llcs[t->cpus[first].llc].cpus;
		else
			out->cpus = pool;
		return 0;
	case KT_AFFINITY_KIND_CROSS_CGROUP:
		out->kind = KT_AFFINITY_MODE_FIXED;
		out->cpus = t->online;
		return 0;
	case KT_AFFINITY_KIND_SINGLE_CPU:
		if (first < 0)
			return kt_err(EINVAL, "SingleCpu affinity: no CPU");
		out->kind = KT_AFFINITY_MODE_SINGLE;
		out->cpu = first;
		return 0;
	case KT_AFFINITY_KIND_EXACT:
		if (!a->exact)
			return kt_err(EINVAL, "Exact affinity: no CPU list");
		if (kt_cpuset_parse(a->exact, &s) ||
		    kt_topo_exact(t, &s, &out->cpus))
			return kt_err_wrap(EINVAL, "Exact affinity \"%s\"",
					   a->exact);
		out->kind = KT_AFFINITY_MODE_FIXED;
		return 0;
	case KT_AFFINITY_KIND__COUNT:
		break;
	}
	return kt_err(EINVAL, "affinity: unknown kind %d", (int)a->kind);
}

static uint64_t xorshift(uint64_t *s)
{
	uint64_t x = *s ? *s : 0x9e3779b97f4a7c15ULL;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x;
}

bool kt_affinity_pick(const struct kt_affinity_mode *m, unsigned worker,
		      uint64_t *seed, struct kt_cpuset *out)
{
	struct kt_cpuset left;
	int n;

	(void)worker;
	kt_cpuset_zero(out);
	switch (m->kind) {
	case KT_AFFINITY_MODE_FIXED:
		*out = m->cpus;
		return true;
	case KT_AFFINITY_MODE_SINGLE:
		kt_cpuset_set(out, m->cpu);
		return true;
	case KT_AFFINITY_MODE_RANDOM:
		/* count distinct CPUs of the pool, drawn without repeats */
		left = m->cpus;
		n = kt_cpuset_count(&left);
		for (unsigned i = 0; i < m->count && n > 0; i++, n--) {
			int cpu = kt_cpuset_nth(
			    &left, (int)(xorshift(seed) % (uint64_t)n));

			kt_cpuset_set(out, cpu);
			kt_cpuset_clear(&left, cpu);
		}
		return true;
	case KT_AFFINITY_MODE_NONE:
		break;
	}
	return false;
}

int kt_affinity_apply(struct kt_workload *w, const struct kt_affinity_mode *m,
		      uint64_t seed)
{
	for (size_t i = 0; i < kt_workload_nr(w); i++) {
		struct kt_cpuset cpus;
		int err;

		if (!kt_affinity_pick(m, (unsigned)i, &seed, &cpus))
			return 0;
		err = kt_workload_set_affinity(w, i, &cpus);
		if (err)
			return err;
	}
	return 0;
}
