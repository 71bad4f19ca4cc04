/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Memory policies of a workload's workers (the seed's MemPolicy and
 * MpolFlags): the one table of their names and the kernel's MPOL_* values,
 * the check of a policy against the machine's nodes, applying one to the
 * calling thread with set_mempolicy(2) and reading it back with
 * get_mempolicy(2). Both by syscall: no libnuma.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <ktstr/common.h>
#include <ktstr/workload.h>

#include "mem_policy.h"

/* Node count expectations of a kind. */
enum nodes_rule { NODES_NONE, NODES_ONE, NODES_SOME };

static const struct {
	const char *name;
	int mode; /* MPOL_* */
	enum nodes_rule nodes;
} mempols[KT_MPOL__COUNT] = {
    [KT_MPOL_DEFAULT] = {"Default", 0, NODES_NONE},
    [KT_MPOL_BIND] = {"Bind", 2, NODES_SOME},
    [KT_MPOL_PREFERRED] = {"Preferred", 1, NODES_ONE},
    [KT_MPOL_INTERLEAVE] = {"Interleave", 3, NODES_SOME},
    [KT_MPOL_LOCAL] = {"Local", 4, NODES_NONE},
    [KT_MPOL_PREFERRED_MANY] = {"PreferredMany", 5, NODES_SOME},
    [KT_MPOL_WEIGHTED_INTERLEAVE] = {"WeightedInterleave", 6, NODES_SOME},
};

static const struct {
	const char *name;
	unsigned flag;
} mpol_flags[] = {
    {"StaticNodes", KT_MPOL_F_STATIC_NODES},
    {"RelativeNodes", KT_MPOL_F_RELATIVE_NODES},
    {"NumaBalancing", KT_MPOL_F_NUMA_BALANCING},
};

static bool valid(enum kt_mempol_kind k)
{
	return (unsigned)k < KT_MPOL__COUNT;
}

const char *kt_mempol_name(enum kt_mempol_kind k)
{
	return valid(k) ? mempols[k].name : "?";
}

int kt_mempol_mode(enum kt_mempol_kind k)
{
	return valid(k) ? mempols[k].mode : 0;
}

int kt_mempol_parse(const char *name, enum kt_mempol_kind *out)
{
	char list[160];
	size_t len = 0;
	unsigned k;

	for (k = 0; name && k < KT_MPOL__COUNT; k++) {
		if (!strcmp(name, mempols[k].name)) {
			*out = (enum kt_mempol_kind)k;
			return 0;
		}
	}
	list[0] = '\0';
	for (k = 0; k < KT_MPOL__COUNT; k++)
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s",
					len ? ", " : "", mempols[k].name);
	return kt_err(EINVAL,
		      "parse memory policy \"%s\": unknown name (expected one "
		      "of %s)",
		      name ? name : "(null)", list);
}

unsigned kt_mempol_flag_parse(const char *name)
{
	for (size_t i = 0; name && i < KT_ARRAY_SIZE(mpol_flags); i++)
		if (!strcmp(name, mpol_flags[i].name))
			return mpol_flags[i].flag;
	return 0;
}

const char *kt_mempol_flag_name(unsigned flag)
{
	for (size_t i = 0; i < KT_ARRAY_SIZE(mpol_flags); i++)
		if (flag == mpol_flags[i].flag)
			return mpol_flags[i].name;
	return NULL;
}

static int check_nodes(const struct kt_mem_policy *m, int nr_nodes)
{
	int n = __builtin_popcountll(m->nodes);
	const char *name = kt_mempol_name(m->kind);
	char buf[128];

	if (mempols[m->kind].nodes == NODES_NONE && n)
		return kt_err(EINVAL,
			      "memory policy %s: takes no nodes (got %s)", name,
			      kt_mempol_str(m, buf, sizeof(buf)));
	if (mempols[m->kind].nodes == NODES_ONE && n != 1)
		return kt_err(EINVAL,
			      "memory policy %s: needs exactly one node (got "
			      "%d)",
			      name, n);
	if (mempols[m->kind].nodes == NODES_SOME && !n)
		return kt_err(EINVAL, "memory policy %s: needs a node list",
			      name);
	if (nr_nodes > 0 && nr_nodes < KT_MPOL_MAX_NODES &&
	    (m->nodes >> nr_nodes))
		return kt_err(EINVAL,
			      "memory policy %s: names node %d, but the "
			      "topology has %d node%s (0..%d)",
			      kt_mempol_str(m, buf, sizeof(buf)),
			      63 - __builtin_clzll(m->nodes), nr_nodes,
			      nr_nodes == 1 ? "" : "s", nr_nodes - 1);
	return 0;
}

int kt_mempol_check(const struct kt_mem_policy *m, int nr_nodes)
{
	unsigned known = KT_MPOL_F_STATIC_NODES | KT_MPOL_F_RELATIVE_NODES |
			 KT_MPOL_F_NUMA_BALANCING;

	if (!m || !valid(m->kind))
		return kt_err(EINVAL, "memory policy %d: not a valid policy",
			      m ? (int)m->kind : -1);
	if (m->flags & ~known)
		return kt_err(EINVAL, "memory policy %s: unknown flags %#x",
			      kt_mempol_name(m->kind), m->flags & ~known);
	if ((m->flags & KT_MPOL_F_STATIC_NODES) &&
	    (m->flags & KT_MPOL_F_RELATIVE_NODES))
		return kt_err(EINVAL,
			      "memory policy %s: StaticNodes and RelativeNodes "
			      "exclude each other",
			      kt_mempol_name(m->kind));
	if (m->flags &&
	    (m->kind == KT_MPOL_DEFAULT || m->kind == KT_MPOL_LOCAL))
		return kt_err(EINVAL, "memory policy %s: takes no flags",
			      kt_mempol_name(m->kind));
	return check_nodes(m, nr_nodes);
}

const char *kt_mempol_str(const struct kt_mem_policy *m, char *buf, size_t len)
{
	size_t n;
	int node, run = -1;

	n = (size_t)snprintf(buf, len, "%s", kt_mempol_name(m->kind));
	if (!m->nodes || n >= len)
		return buf;
	n += (size_t)snprintf(buf + n, len - n, "(");
	for (node = 0; node <= KT_MPOL_MAX_NODES && n < len; node++) {
		bool in = node < KT_MPOL_MAX_NODES && (m->nodes >> node & 1);

		if (in && run < 0)
			run = node;
		if (in || run < 0)
			continue;
		n += (size_t)snprintf(buf + n, len - n, "%s%d",
				      buf[n - 1] == '(' ? "" : ",", run);
		if (node - 1 > run && n < len)
			n +=
			    (size_t)snprintf(buf + n, len - n, "-%d", node - 1);
		run = -1;
	}
	if (n < len)
		snprintf(buf + n, len - n, ")");
	return buf;
}

int kt_mempol_apply(const struct kt_mem_policy *m, char *err, size_t len)
{
	unsigned long mask = (unsigned long)m->nodes;
	char buf[96];
	int e;

	if (m->kind == KT_MPOL_DEFAULT)
		return 0;
	if (!syscall(SYS_set_mempolicy, kt_mempol_mode(m->kind) | (int)m->flags,
		     m->nodes ? &mask : NULL,
		     m->nodes ? (unsigned long)KT_MPOL_MAX_NODES + 1 : 0UL))
		return 0;
	e = errno;
	snprintf(err, len, "set_mempolicy %s: %s%s",
		 kt_mempol_str(m, buf, sizeof(buf)), strerror(e),
		 e == EINVAL ? " (a node without memory, or a mode this "
			       "kernel lacks)"
			     : "");
	return -e;
}

void kt_mempol_from_kernel(int mode, uint64_t nodes, struct kt_mem_policy *out)
{
	unsigned flags = KT_MPOL_F_STATIC_NODES | KT_MPOL_F_RELATIVE_NODES |
			 KT_MPOL_F_NUMA_BALANCING;

	*out = (struct kt_mem_policy){.kind = KT_MPOL_DEFAULT,
				      .nodes = nodes,
				      .flags = (unsigned)mode & flags};
	for (unsigned k = 0; k < KT_MPOL__COUNT; k++)
		if (mempols[k].mode == (int)((unsigned)mode & ~flags))
			out->kind = (enum kt_mempol_kind)k;
}

int kt_mempol_read(int *mode, uint64_t *nodes)
{
	unsigned long mask = 0;
	int m = 0;

	/* maxnode must cover the kernel's MAX_NUMNODES (1024 on Debian):
	 * ask with a buffer that large and keep the first 64 bits. */
	unsigned long big[1024 / (8 * sizeof(unsigned long))] = {0};

	if (syscall(SYS_get_mempolicy, &m, big, 1024UL, NULL, 0UL))
		return -errno;
	mask = big[0];
	*mode = m;
	*nodes = mask;
	return 0;
}
