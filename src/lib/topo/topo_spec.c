/* SPDX-License-Identifier: GPL-2.0-only */
/* kt_topo_spec: parse, validate and name the NnNlNcNt topology shape. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <ktstr/topo.h>

#define SPEC_EXPECT "expected NnNlNcNt with every number >= 1, e.g. 1n2l4c1t"

unsigned kt_topo_spec_cpus(const struct kt_topo_spec *spec)
{
	uint64_t n = (uint64_t)spec->llcs * spec->cores;

	/* Saturate instead of wrapping so oversized shapes stay oversized. */
	if (n > UINT32_MAX)
		return UINT32_MAX;
	n *= spec->threads;
	if (n > UINT32_MAX)
		return UINT32_MAX;
	return (unsigned)n;
}

int kt_topo_spec_name(const struct kt_topo_spec *spec, char *buf, size_t len)
{
	return snprintf(buf, len, "%un%ul%uc%ut", spec->numa, spec->llcs,
			spec->cores, spec->threads);
}

/* The checks shared by parse and validate; text names the topology. */
static int spec_check(const struct kt_topo_spec *spec, const char *text)
{
	static const char *const what[] = {"NUMA nodes", "LLCs",
					   "cores per LLC", "threads per core"};
	const unsigned vals[] = {spec->numa, spec->llcs, spec->cores,
				 spec->threads};

	for (size_t i = 0; i < KT_ARRAY_SIZE(vals); i++)
		if (vals[i] == 0)
			return kt_err(EINVAL,
				      "topology \"%s\": %s is 0; " SPEC_EXPECT,
				      text, what[i]);
	if (spec->llcs % spec->numa)
		return kt_err(EINVAL,
			      "topology \"%s\": %u LLCs cannot be split over "
			      "%u NUMA nodes (llcs must be a multiple of numa)",
			      text, spec->llcs, spec->numa);
	if (spec->numa > KT_MAX_NODES)
		return kt_err(
		    EINVAL,
		    "topology \"%s\": %u NUMA nodes exceed the maximum of %d",
		    text, spec->numa, KT_MAX_NODES);
	if (spec->llcs > KT_MAX_LLCS)
		return kt_err(
		    EINVAL, "topology \"%s\": %u LLCs exceed the maximum of %d",
		    text, spec->llcs, KT_MAX_LLCS);

	unsigned cpus = kt_topo_spec_cpus(spec);

	if (cpus > KT_MAX_CPUS)
		return kt_err(EINVAL,
			      "topology \"%s\": %u CPUs (llcs*cores*threads) "
			      "exceed the maximum of %d",
			      text, cpus, KT_MAX_CPUS);
	return 0;
}

int kt_topo_spec_validate(const struct kt_topo_spec *spec)
{
	char name[64];

	kt_topo_spec_name(spec, name, sizeof(name));
	return spec_check(spec, name);
}

/* Parse one "<digits><suffix>" field starting at *p. */
static int parse_field(const char *text, const char **p, char suffix,
		       unsigned *out)
{
	const char *s = *p;
	uint64_t v = 0;

	if (*s < '0' || *s > '9') {
		if (*s == '\0')
			return kt_err(EINVAL,
				      "topology \"%s\": ends before the '%c' "
				      "field; " SPEC_EXPECT,
				      text, suffix);
		return kt_err(EINVAL,
			      "topology \"%s\": unexpected \"%s\" where a "
			      "number for '%c' belongs; " SPEC_EXPECT,
			      text, s, suffix);
	}
	while (*s >= '0' && *s <= '9') {
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > UINT32_MAX)
			return kt_err(EINVAL,
				      "topology \"%s\": number for '%c' is too "
				      "large; " SPEC_EXPECT,
				      text, suffix);
		s++;
	}
	if (*s != suffix) {
		if (*s == '\0')
			return kt_err(EINVAL,
				      "topology \"%s\": missing '%c' after "
				      "%llu; " SPEC_EXPECT,
				      text, suffix, (unsigned long long)v);
		return kt_err(EINVAL,
			      "topology \"%s\": unexpected \"%s\" where '%c' "
			      "belongs; " SPEC_EXPECT,
			      text, s, suffix);
	}
	*out = (unsigned)v;
	*p = s + 1;
	return 0;
}

int kt_topo_spec_parse(const char *s, struct kt_topo_spec *out)
{
	struct kt_topo_spec spec;
	const char *p;
	int r;

	if (!s || !*s)
		return kt_err(EINVAL, "topology \"\": empty; " SPEC_EXPECT);
	if (kt_topo_preset_find(s))
		s = kt_topo_preset_find(s)->shape;
	else if (*s < '0' || *s > '9')
		return kt_err(
		    EINVAL,
		    "topology \"%s\": not a preset (`ktstr topo "
		    "--presets` lists them) nor a shape; " SPEC_EXPECT,
		    s);
	p = s;
	if ((r = parse_field(s, &p, 'n', &spec.numa)) ||
	    (r = parse_field(s, &p, 'l', &spec.llcs)) ||
	    (r = parse_field(s, &p, 'c', &spec.cores)) ||
	    (r = parse_field(s, &p, 't', &spec.threads)))
		return r;
	if (*p)
		return kt_err(EINVAL,
			      "topology \"%s\": trailing \"%s\"; " SPEC_EXPECT,
			      s, p);
	r = spec_check(&spec, s);
	if (r)
		return r;
	*out = spec;
	return 0;
}
