/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The covering order of the gauntlet's variants (see <ktstr/gauntlet.h>):
 * a diagonal that takes every value of every dimension first, then a
 * greedy walk that covers value pairs of two dimensions, then the rest
 * of the product.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <ktstr/gauntlet.h>

#define NR_PAIRS (KT_DIM__COUNT * (KT_DIM__COUNT - 1) / 2)

struct walk {
	const size_t *nr;
	size_t total;
	bool *taken; /* per product index */
	bool *pair_seen[NR_PAIRS];
	size_t pairs_left; /* value pairs not yet seen together */
};

const char *kt_gauntlet_dim_name(enum kt_gauntlet_dim d)
{
	static const char *const names[KT_DIM__COUNT] = {"preset", "profile",
							 "work type", "kernel"};

	return (unsigned)d < KT_DIM__COUNT ? names[d] : "?";
}

/* Product index <-> variant: dimension 0 varies slowest. */
static size_t index_of(const size_t *nr, const struct kt_variant *v)
{
	size_t i = 0;

	for (int d = 0; d < KT_DIM__COUNT; d++)
		i = i * nr[d] + v->idx[d];
	return i;
}

static struct kt_variant variant_at(const size_t *nr, size_t i)
{
	struct kt_variant v;

	for (int d = KT_DIM__COUNT - 1; d >= 0; d--) {
		v.idx[d] = (unsigned)(i % nr[d]);
		i /= nr[d];
	}
	return v;
}

/* The flag of v's values of dimensions a < b among pair table p. */
static bool *pair_flag(const struct walk *w, const struct kt_variant *v, int p,
		       int a, int b)
{
	return &w->pair_seen[p][v->idx[a] * w->nr[b] + v->idx[b]];
}

static unsigned new_pairs(const struct walk *w, const struct kt_variant *v)
{
	unsigned n = 0;

	for (int a = 0, p = 0; a < KT_DIM__COUNT; a++)
		for (int b = a + 1; b < KT_DIM__COUNT; b++, p++)
			n += !*pair_flag(w, v, p, a, b);
	return n;
}

static void take(struct walk *w, const struct kt_variant *v,
		 struct kt_variant *out, size_t *nr_out)
{
	for (int a = 0, p = 0; a < KT_DIM__COUNT; a++)
		for (int b = a + 1; b < KT_DIM__COUNT; b++, p++) {
			bool *seen = pair_flag(w, v, p, a, b);

			w->pairs_left -= !*seen;
			*seen = true;
		}
	w->taken[index_of(w->nr, v)] = true;
	out[(*nr_out)++] = *v;
}

static int walk_init(struct walk *w, const size_t *nr)
{
	memset(w, 0, sizeof(*w));
	w->nr = nr;
	w->total = 1;
	for (int d = 0; d < KT_DIM__COUNT; d++) {
		if (!nr[d] || nr[d] > 100000 || w->total > SIZE_MAX / nr[d])
			return kt_err(EINVAL,
				      "gauntlet: %zu values of %s (1 to "
				      "100000, and a product that fits)",
				      nr[d], kt_gauntlet_dim_name(d));
		w->total *= nr[d];
	}
	if (w->total > 1000000)
		return kt_err(EINVAL,
			      "gauntlet: %zu variants; at most 1000000 can be "
			      "planned (fewer presets, profiles or work types)",
			      w->total);
	w->taken = calloc(w->total, sizeof(*w->taken));
	if (!w->taken)
		return -ENOMEM;
	for (int a = 0, p = 0; a < KT_DIM__COUNT; a++)
		for (int b = a + 1; b < KT_DIM__COUNT; b++, p++) {
			w->pair_seen[p] = calloc(nr[a] * nr[b], sizeof(bool));
			if (!w->pair_seen[p])
				return -ENOMEM;
			w->pairs_left += nr[a] * nr[b];
		}
	return 0;
}

static void walk_free(struct walk *w)
{
	free(w->taken);
	for (int p = 0; p < NR_PAIRS; p++)
		free(w->pair_seen[p]);
}

/* The greedy pair-covering part: the untaken variant with the most new
 * pairs, lowest product index on ties. */
static void cover_pairs(struct walk *w, struct kt_variant *out, size_t *n)
{
	while (w->pairs_left) {
		size_t best = SIZE_MAX;
		unsigned best_new = 0;
		struct kt_variant v, bv;

		for (size_t i = 0; i < w->total; i++) {
			unsigned k;

			if (w->taken[i])
				continue;
			v = variant_at(w->nr, i);
			k = new_pairs(w, &v);
			if (k > best_new) {
				best_new = k;
				best = i;
				bv = v;
			}
		}
		if (best == SIZE_MAX)
			break;
		take(w, &bv, out, n);
	}
}

int kt_gauntlet_order(const size_t nr[KT_DIM__COUNT], struct kt_variant **out,
		      size_t *nr_out)
{
	struct kt_variant *list = NULL, v;
	size_t n = 0, diag = 0;
	struct walk w;
	int err = walk_init(&w, nr);

	if (!err && !(list = calloc(w.total, sizeof(*list))))
		err = -ENOMEM;
	if (err) {
		walk_free(&w);
		return err;
	}
	for (int d = 0; d < KT_DIM__COUNT; d++)
		diag = nr[d] > diag ? nr[d] : diag;
	for (size_t i = 0; i < diag; i++) {
		for (int d = 0; d < KT_DIM__COUNT; d++)
			v.idx[d] = (unsigned)(i % nr[d]);
		take(&w, &v, list, &n);
	}
	cover_pairs(&w, list, &n);
	for (size_t i = 0; i < w.total; i++)
		if (!w.taken[i]) {
			v = variant_at(nr, i);
			take(&w, &v, list, &n);
		}
	walk_free(&w);
	*out = list;
	*nr_out = n;
	return 0;
}

bool kt_gauntlet_covers(const struct kt_variant *v, size_t nr,
			const size_t nr_values[KT_DIM__COUNT],
			enum kt_gauntlet_dim *dim, unsigned *value)
{
	for (int d = 0; d < KT_DIM__COUNT; d++)
		for (unsigned x = 0; x < nr_values[d]; x++) {
			bool seen = false;

			for (size_t i = 0; i < nr && !seen; i++)
				seen = v[i].idx[d] == x;
			if (!seen) {
				*dim = d;
				*value = x;
				return false;
			}
		}
	return true;
}
