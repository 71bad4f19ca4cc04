/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Topology presets: the named shapes (`tiny`, `llc`, `numa`, ...) that
 * `--topo` accepts wherever it accepts NnNlNcNt, and that `ktstr topo
 * --presets` and the gauntlet list. One table; the shapes are parsed by
 * topo_spec.c like any other.
 */
#include <errno.h>
#include <string.h>

#include <ktstr/topo.h>

static const struct kt_topo_preset presets[] = {
    {"tiny", "1n1l2c1t", "two cores sharing one LLC"},
    {"smt", "1n1l2c2t", "two SMT cores, four threads, one LLC"},
    {"llc", "1n2l2c1t", "two LLCs of two cores (the default VM)"},
    {"llc4", "1n4l2c1t", "four LLCs of two cores"},
    {"numa", "2n2l2c1t", "two NUMA nodes, one LLC each"},
    {"numa-smt", "2n2l1c2t", "two NUMA nodes of one SMT core each"},
    {"wide", "1n1l8c1t", "eight cores sharing one LLC"},
    {"big", "2n4l2c2t", "two nodes, four LLCs, SMT: 16 CPUs"},
};

const struct kt_topo_preset *kt_topo_presets(size_t *nr)
{
	*nr = KT_ARRAY_SIZE(presets);
	return presets;
}

const struct kt_topo_preset *kt_topo_preset_find(const char *name)
{
	for (size_t i = 0; name && i < KT_ARRAY_SIZE(presets); i++)
		if (!strcmp(presets[i].name, name))
			return &presets[i];
	return NULL;
}

const struct kt_topo_preset *kt_topo_preset_of(const struct kt_topo_spec *spec)
{
	char name[64];

	if (kt_topo_spec_name(spec, name, sizeof(name)) < 0)
		return NULL;
	for (size_t i = 0; i < KT_ARRAY_SIZE(presets); i++)
		if (!strcmp(presets[i].shape, name))
			return &presets[i];
	return NULL;
}
