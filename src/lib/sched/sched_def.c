/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Scheduler definitions: building and validating a kt_sched_def, its flag
 * profiles (every subset honouring `requires`), the argv, the report
 * label, the kernel command line it needs and its topology constraints.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ktstr/sched.h>

static int oom(void)
{
	return kt_err(ENOMEM, "scheduler definition: out of memory");
}

static void free_strs(char **v, size_t nr)
{
	for (size_t i = 0; i < nr; i++)
		free(v[i]);
	free(v);
}

/* Append a copy of s to *v (count *nr). */
static int push_str(char ***v, size_t *nr, const char *s)
{
	char **nv = realloc(*v, (*nr + 1) * sizeof(*nv));

	if (!nv)
		return oom();
	*v = nv;
	nv[*nr] = strdup(s);
	if (!nv[*nr])
		return oom();
	(*nr)++;
	return 0;
}

int kt_sched_def_init(struct kt_sched_def *d, const char *name)
{
	memset(d, 0, sizeof(*d));
	d->name = strdup(name ? name : "eevdf");
	return d->name ? 0 : oom();
}

int kt_sched_def_from_binary(struct kt_sched_def *d, const char *path)
{
	const char *slash = strrchr(path, '/');
	int err = kt_sched_def_init(d, slash ? slash + 1 : path);

	if (!err && !(d->binary = strdup(path)))
		err = oom();
	if (!err && !d->name[0])
		err = kt_err(EINVAL, "scheduler %s: the path names no file",
			     path);
	if (err)
		kt_sched_def_free(d);
	return err;
}

void kt_sched_def_free(struct kt_sched_def *d)
{
	if (!d)
		return;
	free(d->name);
	free(d->binary);
	free_strs(d->args, d->nr_args);
	for (size_t i = 0; i < d->nr_flags; i++) {
		free(d->flags[i].name);
		free_strs(d->flags[i].args, d->flags[i].nr_args);
		free_strs(d->flags[i].requires, d->flags[i].nr_requires);
	}
	free(d->flags);
	for (size_t i = 0; i < d->nr_sysctls; i++) {
		free(d->sysctls[i].key);
		free(d->sysctls[i].val);
	}
	free(d->sysctls);
	free_strs(d->kargs, d->nr_kargs);
	memset(d, 0, sizeof(*d));
}

int kt_sched_def_add_arg(struct kt_sched_def *d, const char *arg)
{
	return push_str(&d->args, &d->nr_args, arg);
}

int kt_sched_def_add_flag(struct kt_sched_def *d, const char *name,
			  const char *const *args, const char *const *requires)
{
	struct kt_sched_flag *nf =
	    realloc(d->flags, (d->nr_flags + 1) * sizeof(*nf));
	struct kt_sched_flag *f;
	int err = 0;

	if (!nf)
		return oom();
	d->flags = nf;
	f = &nf[d->nr_flags];
	memset(f, 0, sizeof(*f));
	d->nr_flags++;
	f->name = strdup(name);
	if (!f->name)
		return oom();
	for (size_t i = 0; args && args[i] && !err; i++)
		err = push_str(&f->args, &f->nr_args, args[i]);
	for (size_t i = 0; requires && requires[i] && !err; i++)
		err = push_str(&f->requires, &f->nr_requires, requires[i]);
	return err;
}

int kt_sched_def_add_sysctl(struct kt_sched_def *d, const char *key,
			    const char *val)
{
	struct kt_sysctl *ns =
	    realloc(d->sysctls, (d->nr_sysctls + 1) * sizeof(*ns));

	if (!ns)
		return oom();
	d->sysctls = ns;
	ns[d->nr_sysctls].key = strdup(key);
	ns[d->nr_sysctls].val = strdup(val);
	d->nr_sysctls++;
	if (!ns[d->nr_sysctls - 1].key || !ns[d->nr_sysctls - 1].val)
		return oom();
	return 0;
}

int kt_sched_def_add_karg(struct kt_sched_def *d, const char *karg)
{
	return push_str(&d->kargs, &d->nr_kargs, karg);
}

static int flag_index(const struct kt_sched_def *d, const char *name,
		      size_t len)
{
	for (size_t i = 0; i < d->nr_flags; i++)
		if (strlen(d->flags[i].name) == len &&
		    !strncmp(d->flags[i].name, name, len))
			return (int)i;
	return -1;
}

static bool has_space(const char *s)
{
	return strpbrk(s, " \t\n\r") != NULL;
}

int kt_sched_def_validate(const struct kt_sched_def *d)
{
	const char *n = d->name;

	if (!n || !n[0])
		return kt_err(EINVAL, "scheduler definition: no name");
	if (has_space(n) || strchr(n, '+'))
		return kt_err(EINVAL,
			      "scheduler %s: the name may not hold spaces or "
			      "'+'",
			      n);
	if (d->binary && !d->binary[0])
		return kt_err(EINVAL, "scheduler %s: empty binary path", n);
	if (d->nr_flags > KT_SCHED_MAX_FLAGS)
		return kt_err(EINVAL,
			      "scheduler %s: %zu flags, at most %d are "
			      "supported",
			      n, d->nr_flags, KT_SCHED_MAX_FLAGS);
	for (size_t i = 0; i < d->nr_flags; i++) {
		const struct kt_sched_flag *f = &d->flags[i];

		if (!f->name[0] || has_space(f->name) ||
		    strpbrk(f->name, ",+") || !strcmp(f->name, "default"))
			return kt_err(EINVAL,
				      "scheduler %s: flag name \"%s\" is not "
				      "usable (empty, \"default\", or holds "
				      "spaces, ',' or '+')",
				      n, f->name);
		if (flag_index(d, f->name, strlen(f->name)) != (int)i)
			return kt_err(EINVAL,
				      "scheduler %s: flag \"%s\" is declared "
				      "twice",
				      n, f->name);
		for (size_t r = 0; r < f->nr_requires; r++) {
			const char *q = f->requires[r];

			if (flag_index(d, q, strlen(q)) < 0)
				return kt_err(EINVAL,
					      "scheduler %s: flag \"%s\" "
					      "requires \"%s\", which is not "
					      "a flag of this scheduler",
					      n, f->name, q);
		}
	}
	for (size_t i = 0; i < d->nr_sysctls; i++) {
		const struct kt_sysctl *s = &d->sysctls[i];

		if (!s->key[0] || strchr(s->key, '=') || has_space(s->key) ||
		    has_space(s->val))
			return kt_err(EINVAL,
				      "scheduler %s: sysctl \"%s=%s\" is not "
				      "usable (key empty or holding '=', or "
				      "spaces)",
				      n, s->key, s->val);
	}
	for (size_t i = 0; i < d->nr_kargs; i++)
		if (!d->kargs[i][0] || has_space(d->kargs[i]))
			return kt_err(EINVAL,
				      "scheduler %s: kernel arg \"%s\" must "
				      "be one word",
				      n, d->kargs[i]);
	if (d->topo.min_cpus && d->topo.max_cpus &&
	    d->topo.min_cpus > d->topo.max_cpus)
		return kt_err(EINVAL, "scheduler %s: min_cpus > max_cpus", n);
	if (d->topo.min_llcs && d->topo.max_llcs &&
	    d->topo.min_llcs > d->topo.max_llcs)
		return kt_err(EINVAL, "scheduler %s: min_llcs > max_llcs", n);
	if (d->topo.min_nodes && d->topo.max_nodes &&
	    d->topo.min_nodes > d->topo.max_nodes)
		return kt_err(EINVAL, "scheduler %s: min_nodes > max_nodes", n);
	return 0;
}

/* The first flag of mask that requires a flag not in mask (*req: the
 * missing one's name, when req is not NULL), or NULL. */
static const struct kt_sched_flag *unmet_require(const struct kt_sched_def *d,
						 kt_sched_mask mask,
						 const char **req)
{
	for (size_t i = 0; i < d->nr_flags; i++) {
		const struct kt_sched_flag *f = &d->flags[i];

		if (!(mask & (1u << i)))
			continue;
		for (size_t r = 0; r < f->nr_requires; r++) {
			int j = flag_index(d, f->requires[r],
					   strlen(f->requires[r]));

			if (j >= 0 && (mask & (1u << j)))
				continue;
			if (req)
			*req = f->requires[r];
			return f;
		}
	}
	return NULL;
}

bool kt_sched_mask_valid(const struct kt_sched_def *d, kt_sched_mask mask)
{
	if (d->nr_flags < 32 && (mask >> d->nr_flags))
		return false;
	return !unmet_require(d, mask, NULL);
}

int kt_sched_profile_name(const struct kt_sched_def *d, kt_sched_mask mask,
			  char *buf, size_t len)
{
	size_t off = 0;

	if (!len)
		return kt_err(ENOSPC, "profile name: no room");
	buf[0] = '\0';
	if (!mask) {
		snprintf(buf, len, "default");
		return 0;
	}
	for (size_t i = 0; i < d->nr_flags; i++) {
		int n;

		if (!(mask & (1u << i)))
			continue;
		n = snprintf(buf + off, len - off, "%s%s", off ? "+" : "",
			     d->flags[i].name);
		if (n < 0 || (size_t)n >= len - off)
			return kt_err(ENOSPC, "profile name: too long");
		off += (size_t)n;
	}
	return 0;
}

/* Fewest flags first, then the lowest flag index first at the first
 * difference (definition order). */
static int profile_cmp(const void *a, const void *b)
{
	kt_sched_mask x = ((const struct kt_sched_profile *)a)->mask;
	kt_sched_mask y = ((const struct kt_sched_profile *)b)->mask;
	int px = __builtin_popcount(x), py = __builtin_popcount(y);
	kt_sched_mask diff;

	if (px != py)
		return px - py;
	if (x == y)
		return 0;
	diff = x ^ y;
	/* the lowest differing bit: whoever has it sorts first */
	return (x & (diff & -diff)) ? -1 : 1;
}

void kt_sched_profiles_free(struct kt_sched_profile *p, size_t nr)
{
	for (size_t i = 0; p && i < nr; i++)
		free(p[i].name);
	free(p);
}

int kt_sched_profiles(const struct kt_sched_def *d,
		      struct kt_sched_profile **out, size_t *nr)
{
	struct kt_sched_profile *p;
	size_t n = 0, total;
	int err = kt_sched_def_validate(d);

	*out = NULL;
	*nr = 0;
	if (err)
		return err;
	total = (size_t)1 << d->nr_flags;
	p = calloc(total, sizeof(*p));
	if (!p)
		return oom();
	for (size_t m = 0; m < total; m++)
		if (kt_sched_mask_valid(d, (kt_sched_mask)m))
			p[n++].mask = (kt_sched_mask)m;
	qsort(p, n, sizeof(*p), profile_cmp);
	for (size_t i = 0; i < n; i++) {
		char name[1024];

		err = kt_sched_profile_name(d, p[i].mask, name, sizeof(name));
		if (!err && !(p[i].name = strdup(name)))
			err = oom();
		if (err) {
			kt_sched_profiles_free(p, n);
			return err;
		}
	}
	*out = p;
	*nr = n;
	return 0;
}

static void known_flags(const struct kt_sched_def *d, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < d->nr_flags && off < len; i++) {
		int n = snprintf(buf + off, len - off, "%s%s", i ? ", " : "",
				 d->flags[i].name);

		if (n < 0)
			break;
		off += (size_t)n;
	}
	if (!d->nr_flags)
		snprintf(buf, len, "none");
}

int kt_sched_flags_parse(const struct kt_sched_def *d, const char *text,
			 kt_sched_mask *out)
{
	const struct kt_sched_flag *f;
	kt_sched_mask mask = 0;
	const char *p = text ? text : "", *req = NULL;
	char known[1024];

	*out = 0;
	if (!strcmp(p, "default"))
		return 0;
	while (*p) {
		size_t len = strcspn(p, ",+");
		int idx;

		if (!len) {
			p++;
			continue;
		}
		idx = flag_index(d, p, len);
		if (idx < 0) {
			known_flags(d, known, sizeof(known));
			return kt_err(EINVAL,
				      "scheduler %s has no flag \"%.*s\" "
				      "(its flags: %s)",
				      d->name, (int)len, p, known);
		}
		mask |= 1u << idx;
		p += len;
	}
	f = unmet_require(d, mask, &req);
	if (f)
		return kt_err(EINVAL,
			      "scheduler %s: flag \"%s\" requires flag \"%s\"; "
			      "add it to the list",
			      d->name, f->name, req);
	*out = mask;
	return 0;
}

int kt_sched_label(const struct kt_sched_def *d, kt_sched_mask mask, char *buf,
		   size_t len)
{
	char prof[1024];
	int n, err;

	if (!d || !d->name)
		return snprintf(buf, len, "eevdf") < (int)len
			   ? 0
			   : kt_err(ENOSPC, "label: too long");
	if (!mask)
		n = snprintf(buf, len, "%s", d->name);
	else {
		err = kt_sched_profile_name(d, mask, prof, sizeof(prof));
		if (err)
			return err;
		n = snprintf(buf, len, "%s+%s", d->name, prof);
	}
	if (n < 0 || (size_t)n >= len)
		return kt_err(ENOSPC, "scheduler label: too long");
	return 0;
}

void kt_sched_argv_free(char **argv)
{
	for (size_t i = 0; argv && argv[i]; i++)
		free(argv[i]);
	free(argv);
}

int kt_sched_argv(const struct kt_sched_def *d, kt_sched_mask mask,
		  const char *const *extra, char ***out, size_t *nr)
{
	char **v = NULL;
	size_t n = 0;
	int err = 0;

	*out = NULL;
	if (nr)
		*nr = 0;
	for (size_t i = 0; i < d->nr_args && !err; i++)
		err = push_str(&v, &n, d->args[i]);
	for (size_t i = 0; extra && extra[i] && !err; i++)
		err = push_str(&v, &n, extra[i]);
	for (size_t f = 0; f < d->nr_flags && !err; f++) {
		if (!(mask & (1u << f)))
			continue;
		for (size_t i = 0; i < d->flags[f].nr_args && !err; i++)
			err = push_str(&v, &n, d->flags[f].args[i]);
	}
	if (!err) {
		char **nv = realloc(v, (n + 1) * sizeof(*nv));

		if (!nv)
			err = oom();
		else {
			v = nv;
			v[n] = NULL;
		}
	}
	if (err) {
		free_strs(v, n);
		return err;
	}
	*out = v;
	if (nr)
		*nr = n;
	return 0;
}

char *kt_sched_kernel_append(const struct kt_sched_def *d)
{
	char *s = strdup(""), *t;

	for (size_t i = 0; d && s && i < d->nr_sysctls; i++) {
		if (asprintf(&t, "%s%ssysctl.%s=%s", s, *s ? " " : "",
			     d->sysctls[i].key, d->sysctls[i].val) < 0)
			t = NULL;
		free(s);
		s = t;
	}
	for (size_t i = 0; d && s && i < d->nr_kargs; i++) {
		if (asprintf(&t, "%s%s%s", s, *s ? " " : "", d->kargs[i]) < 0)
			t = NULL;
		free(s);
		s = t;
	}
	if (!s)
		oom();
	return s;
}

static bool range_ok(const char *what, unsigned have, unsigned min,
		     unsigned max, const char *topo, char *reason, size_t len)
{
	if (min && have < min) {
		snprintf(reason, len,
			 "needs at least %u %s, topology %s has %u", min, what,
			 topo, have);
		return false;
	}
	if (max && have > max) {
		snprintf(reason, len,
			 "allows at most %u %s, topology %s has %u", max, what,
			 topo, have);
		return false;
	}
	return true;
}

bool kt_sched_topo_ok(const struct kt_sched_def *d,
		      const struct kt_topo_spec *spec, char *reason, size_t len)
{
	const struct kt_sched_topo_req *t = &d->topo;
	char name[64];

	if (len)
		reason[0] = '\0';
	kt_topo_spec_name(spec, name, sizeof(name));
	if (!range_ok("cpus", kt_topo_spec_cpus(spec), t->min_cpus, t->max_cpus,
		      name, reason, len) ||
	    !range_ok("llcs", spec->llcs, t->min_llcs, t->max_llcs, name,
		      reason, len) ||
	    !range_ok("numa nodes", spec->numa, t->min_nodes, t->max_nodes,
		      name, reason, len))
		return false;
	if (t->requires_smt && spec->threads < 2) {
		snprintf(reason, len,
			 "needs SMT (2+ threads per core), topology %s has 1",
			 name);
		return false;
	}
	return true;
}
