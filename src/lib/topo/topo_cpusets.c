/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Cpuset generators over a kt_topo: the usable CPUs, LLC/NUMA aligned
 * sets, and the disjoint/overlap/range/exact partitions scenarios use.
 */
#include <errno.h>
#include <math.h>

#include <ktstr/topo.h>

#include "topo_partition.h"

void kt_topo_usable(const struct kt_topo *t, struct kt_cpuset *out)
{
	int last = -1, cpu;

	*out = t->online;
	if (kt_cpuset_count(out) <= 2)
		return;
	kt_cpuset_for_each (cpu, out)
		last = cpu;
	kt_cpuset_clear(out, last);
}

int kt_topo_nr_usable(const struct kt_topo *t)
{
	struct kt_cpuset u;

	kt_topo_usable(t, &u);
	return kt_cpuset_count(&u);
}

void kt_topo_llc_aligned(const struct kt_topo *t, int i, struct kt_cpuset *out)
{
	struct kt_cpuset u;

	kt_cpuset_zero(out);
	if (t->nr_llcs < 1)
		return;
	if (i < 0)
		i = 0;
	if (i >= t->nr_llcs)
		i = t->nr_llcs - 1;
	kt_topo_usable(t, &u);
	*out = t->llcs[i].cpus;
	kt_cpuset_and(out, &u);
}

void kt_topo_numa_aligned(const struct kt_topo *t, int n, struct kt_cpuset *out)
{
	struct kt_cpuset u;

	kt_cpuset_zero(out);
	if (t->nr_nodes < 1)
		return;
	if (n < 0)
		n = 0;
	if (n >= t->nr_nodes)
		n = t->nr_nodes - 1;
	kt_topo_usable(t, &u);
	*out = t->nodes[n].cpus;
	kt_cpuset_and(out, &u);
}

void kt_topo_nodes_of(const struct kt_topo *t, const struct kt_cpuset *s,
		      struct kt_cpuset *nodes_out)
{
	kt_cpuset_zero(nodes_out);
	for (int i = 0; i < t->nr_nodes; i++) {
		struct kt_cpuset x = t->nodes[i].cpus;

		kt_cpuset_and(&x, s);
		if (!kt_cpuset_empty(&x))
			kt_cpuset_set(nodes_out, t->nodes[i].id);
	}
}

/* The usable CPUs at positions [from, to) of the usable list. */
static void usable_slice(const struct kt_cpuset *u, int from, int to,
			 struct kt_cpuset *out)
{
	kt_cpuset_zero(out);
	for (int k = from; k < to; k++)
		kt_cpuset_set(out, kt_cpuset_nth(u, k));
}

int kt_topo_check_parts(const char *what, unsigned index, unsigned of)
{
	if (of == 0)
		return kt_err(
		    EINVAL,
		    "%s cpuset %u of %u: partition count must be at least 1",
		    what, index, of);
	if (index >= of)
		return kt_err(
		    EINVAL,
		    "%s cpuset %u of %u: index %u >= partition count %u", what,
		    index, of, index, of);
	return 0;
}

static int check_partition(const char *what, unsigned index, unsigned of,
			   int len)
{
	int err = kt_topo_check_parts(what, index, of);

	if (err)
		return err;
	if ((unsigned)len < of)
		return kt_err(EINVAL,
			      "%s cpuset %u of %u: not enough usable CPUs (%d) "
			      "for %u partitions",
			      what, index, of, len, of);
	return 0;
}

int kt_topo_disjoint(const struct kt_topo *t, unsigned index, unsigned of,
		     struct kt_cpuset *out)
{
	struct kt_cpuset u;
	int len, chunk, start, end, r;

	kt_topo_usable(t, &u);
	len = kt_cpuset_count(&u);
	r = check_partition("disjoint", index, of, len);
	if (r)
		return r;
	chunk = len / (int)of;
	start = (int)index * chunk;
	end = index == of - 1 ? len : start + chunk;
	usable_slice(&u, start, end, out);
	return 0;
}

int kt_topo_overlap(const struct kt_topo *t, unsigned index, unsigned of,
		    double frac, struct kt_cpuset *out)
{
	struct kt_cpuset u;
	int len, chunk, start, end, widen, r;

	if (!(frac >= 0.0 && frac <= 1.0))
		return kt_err(EINVAL,
			      "overlap cpuset %u of %u: overlap fraction %g is "
			      "outside [0, 1]",
			      index, of, frac);
	kt_topo_usable(t, &u);
	len = kt_cpuset_count(&u);
	r = check_partition("overlap", index, of, len);
	if (r)
		return r;
	chunk = len / (int)of;
	start = (int)index * chunk;
	end = index == of - 1 ? len : start + chunk;
	widen = (int)ceil((double)chunk * frac);
	if (index > 0)
		start = start - widen < 0 ? 0 : start - widen;
	if (index < of - 1)
		end = end + widen > len ? len : end + widen;
	usable_slice(&u, start, end, out);
	return 0;
}

int kt_topo_range(const struct kt_topo *t, double start_frac, double end_frac,
		  struct kt_cpuset *out)
{
	struct kt_cpuset u;
	int len, start, end;

	if (!(start_frac >= 0.0 && start_frac <= 1.0) ||
	    !(end_frac >= 0.0 && end_frac <= 1.0))
		return kt_err(
		    EINVAL,
		    "range cpuset [%g, %g): fractions must be within [0, 1]",
		    start_frac, end_frac);
	if (start_frac >= end_frac)
		return kt_err(EINVAL,
			      "range cpuset [%g, %g): start must be below end",
			      start_frac, end_frac);
	kt_topo_usable(t, &u);
	len = kt_cpuset_count(&u);
	/* The epsilon keeps 0.3 * 10 = 3.0000000000000004 from rounding up
	 * and 0.29 * 100 = 28.999999999999996 from rounding down. */
	start = (int)floor((double)len * start_frac + 1e-9);
	end = (int)floor((double)len * end_frac + 1e-9);
	if (end > len)
		end = len;
	if (start >= end)
		return kt_err(
		    EINVAL,
		    "range cpuset [%g, %g): selects no CPUs of the %d usable",
		    start_frac, end_frac, len);
	usable_slice(&u, start, end, out);
	return 0;
}

int kt_topo_exact(const struct kt_topo *t, const struct kt_cpuset *s,
		  struct kt_cpuset *out)
{
	if (kt_cpuset_empty(s))
		return kt_err(EINVAL, "exact cpuset \"\": empty");
	if (!kt_cpuset_subset(s, &t->online)) {
		struct kt_cpuset extra = *s;

		kt_cpuset_andnot(&extra, &t->online);
		return kt_err(
		    EINVAL,
		    "exact cpuset \"%s\": CPUs %s are not online (online: %s)",
		    kt_cpuset_str(s, 0), kt_cpuset_str(&extra, 1),
		    kt_cpuset_str(&t->online, 2));
	}
	*out = *s;
	return 0;
}
