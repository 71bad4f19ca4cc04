/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * CpusetSpec: structural checks, resolution against a topology's usable
 * CPUs (through the kt_topo_* partition generators) and display names.
 */
#include <errno.h>
#include <stdio.h>

#include <ktstr/ops.h>

#include "ops_engine.h"
#include "topo/topo_partition.h"

static const char *const kind_names[] = {
    [KT_CPUSET_KIND_NONE] = "none",
    [KT_CPUSET_KIND_LLC] = "llc",
    [KT_CPUSET_KIND_NUMA] = "numa",
    [KT_CPUSET_KIND_RANGE] = "range",
    [KT_CPUSET_KIND_DISJOINT] = "disjoint",
    [KT_CPUSET_KIND_OVERLAP] = "overlap",
    [KT_CPUSET_KIND_EXACT] = "exact",
};

static bool in_unit(double f)
{
	return f >= 0.0 && f <= 1.0; /* false for NaN */
}

static int parse_exact(const struct kt_cpuset_spec *spec, struct kt_cpuset *s)
{
	if (!spec->exact)
		return kt_err(EINVAL, "exact cpuset: no CPU list given");
	if (kt_cpuset_parse(spec->exact, s))
		return kt_err_wrap(EINVAL, "exact cpuset \"%s\"", spec->exact);
	if (kt_cpuset_empty(s))
		return kt_err(EINVAL, "exact cpuset \"%s\": empty",
			      spec->exact);
	return 0;
}

int kt_cpuset_spec_check(const struct kt_cpuset_spec *spec)
{
	struct kt_cpuset s;

	switch (spec->kind) {
	case KT_CPUSET_KIND_NONE:
	case KT_CPUSET_KIND_LLC:
	case KT_CPUSET_KIND_NUMA:
		return 0;
	case KT_CPUSET_KIND_RANGE:
		if (!in_unit(spec->start_frac) || !in_unit(spec->end_frac))
			return kt_err(EINVAL,
				      "range cpuset [%g, %g): fractions must "
				      "be within [0, 1]",
				      spec->start_frac, spec->end_frac);
		if (spec->start_frac >= spec->end_frac)
			return kt_err(EINVAL,
				      "range cpuset [%g, %g): start must be "
				      "below end",
				      spec->start_frac, spec->end_frac);
		return 0;
	case KT_CPUSET_KIND_DISJOINT:
		return kt_topo_check_parts("disjoint", spec->index, spec->of);
	case KT_CPUSET_KIND_OVERLAP:
		if (!in_unit(spec->frac))
			return kt_err(EINVAL,
				      "overlap cpuset %u of %u: overlap "
				      "fraction %g is outside [0, 1]",
				      spec->index, spec->of, spec->frac);
		return kt_topo_check_parts("overlap", spec->index, spec->of);
	case KT_CPUSET_KIND_EXACT:
		return parse_exact(spec, &s);
	}
	return kt_err(EINVAL, "cpuset spec: unknown kind %d", (int)spec->kind);
}

static int aligned(const struct kt_topo *t, const struct kt_cpuset_spec *spec,
		   struct kt_cpuset *out)
{
	bool llc = spec->kind == KT_CPUSET_KIND_LLC;
	int nr = llc ? t->nr_llcs : t->nr_nodes;

	if (nr > 0 && spec->index >= (unsigned)nr)
		fprintf(stderr,
			"ktstr: %s cpuset %u: only %d %s, using the last\n",
			llc ? "llc" : "numa", spec->index, nr,
			llc ? "LLCs" : "nodes");
	if (llc)
		kt_topo_llc_aligned(t, (int)spec->index, out);
	else
		kt_topo_numa_aligned(t, (int)spec->index, out);
	if (kt_cpuset_empty(out))
		return kt_err(EINVAL, "%s cpuset %u: no usable CPUs there",
			      llc ? "llc" : "numa", spec->index);
	return 0;
}

int kt_cpuset_spec_resolve(const struct kt_topo *t,
			   const struct kt_cpuset_spec *spec,
			   struct kt_cpuset *out)
{
	struct kt_cpuset s;
	int err = kt_cpuset_spec_check(spec);

	kt_cpuset_zero(out);
	if (err)
		return err;
	switch (spec->kind) {
	case KT_CPUSET_KIND_NONE:
		return 0;
	case KT_CPUSET_KIND_LLC:
	case KT_CPUSET_KIND_NUMA:
		return aligned(t, spec, out);
	case KT_CPUSET_KIND_RANGE:
		return kt_topo_range(t, spec->start_frac, spec->end_frac, out);
	case KT_CPUSET_KIND_DISJOINT:
		return kt_topo_disjoint(t, spec->index, spec->of, out);
	case KT_CPUSET_KIND_OVERLAP:
		return kt_topo_overlap(t, spec->index, spec->of, spec->frac,
				       out);
	case KT_CPUSET_KIND_EXACT:
		err = parse_exact(spec, &s);
		return err ? err : kt_topo_exact(t, &s, out);
	}
	return kt_err(EINVAL, "cpuset spec: unknown kind %d", (int)spec->kind);
}

int kt_cpuset_spec_name(const struct kt_cpuset_spec *spec, char *buf,
			size_t len)
{
	const char *k = (unsigned)spec->kind < KT_ARRAY_SIZE(kind_names)
			    ? kind_names[spec->kind]
			    : "unknown";

	switch (spec->kind) {
	case KT_CPUSET_KIND_LLC:
	case KT_CPUSET_KIND_NUMA:
		return snprintf(buf, len, "%s(%u)", k, spec->index);
	case KT_CPUSET_KIND_RANGE:
		return snprintf(buf, len, "%s(%g,%g)", k, spec->start_frac,
				spec->end_frac);
	case KT_CPUSET_KIND_DISJOINT:
		return snprintf(buf, len, "%s(%u/%u)", k, spec->index,
				spec->of);
	case KT_CPUSET_KIND_OVERLAP:
		return snprintf(buf, len, "%s(%u/%u,%g)", k, spec->index,
				spec->of, spec->frac);
	case KT_CPUSET_KIND_EXACT:
		return snprintf(buf, len, "%s(%s)", k,
				spec->exact ? spec->exact : "");
	default:
		return snprintf(buf, len, "%s", k);
	}
}
