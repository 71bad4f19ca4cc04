/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kt_cgroup_group: a scope guard over cgroups. It remembers the cgroups a
 * scenario created (or adopted) and removes them in reverse order when it
 * is freed, so children go before their parents.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ktstr/cgroup.h>

struct kt_cgroup_group {
	const struct kt_cgroup_ops *ops;
	char **names;
	size_t n, cap;
};

int kt_cgroup_group_new(const struct kt_cgroup_ops *ops,
			struct kt_cgroup_group **out)
{
	struct kt_cgroup_group *g;

	*out = NULL;
	if (!ops)
		return kt_err(EINVAL, "cgroup group: no cgroup ops");
	g = calloc(1, sizeof(*g));
	if (!g)
		return kt_err(ENOMEM, "cgroup group: out of memory");
	g->ops = ops;
	*out = g;
	return 0;
}

int kt_cgroup_group_track(struct kt_cgroup_group *g, const char *name)
{
	char *copy;

	if (!g || !name)
		return kt_err(EINVAL, "cgroup group: track needs a group and "
				      "a name");
	if (g->n == g->cap) {
		size_t nc = g->cap ? g->cap * 2 : 8;
		char **nn = realloc(g->names, nc * sizeof(*nn));

		if (!nn)
			return kt_err(ENOMEM, "cgroup group: out of memory");
		g->names = nn;
		g->cap = nc;
	}
	copy = strdup(name);
	if (!copy)
		return kt_err(ENOMEM, "cgroup group: out of memory");
	g->names[g->n++] = copy;
	return 0;
}

int kt_cgroup_group_add(struct kt_cgroup_group *g, const char *name)
{
	int err;

	if (!g || !name)
		return kt_err(EINVAL, "cgroup group: add needs a group and "
				      "a name");
	err = g->ops->create(g->ops, name);
	if (err)
		return err;
	return kt_cgroup_group_track(g, name);
}

void kt_cgroup_group_free(struct kt_cgroup_group *g)
{
	struct kt_err_saved e;

	if (!g)
		return;
	/* Freeing usually runs as a scope guard on an error path: keep the
	 * error that caused the return readable by the caller. */
	kt_err_save(&e);
	while (g->n) {
		char *name = g->names[--g->n];
		int err = g->ops->remove(g->ops, name);

		if (err && err != -ENOENT)
			fprintf(stderr,
				"ktstr: warning: removing cgroup %s: %s\n",
				name, kt_last_error());
		free(name);
	}
	free(g->names);
	free(g);
	kt_err_restore(&e);
}

void kt_cgroup_group_freep(struct kt_cgroup_group **g)
{
	kt_cgroup_group_free(*g);
	*g = NULL;
}
