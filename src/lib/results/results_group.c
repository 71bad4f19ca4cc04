/* SPDX-License-Identifier: GPL-2.0-only */
/* Grouping sidecar results by scenario and variant (results_group.h),
 * and the verdict matrix drawn from the groups. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "results/results_group.h"
#include "results/results_priv.h"

/* Index of s in *list, appended when new; -1 out of memory. */
static long intern(char ***list, size_t *nr, const char *s)
{
	char **grown;

	for (size_t i = 0; i < *nr; i++)
		if (!strcmp((*list)[i], s))
			return (long)i;
	grown = realloc(*list, (*nr + 1) * sizeof(**list));
	if (!grown)
		return -1;
	*list = grown;
	if (!(grown[*nr] = strdup(s)))
		return -1;
	return (long)(*nr)++;
}

static void variant_key(const struct kt_sidecar *s, const bool *use, char *buf,
			size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (int p = 0; p < 4; p++)
		if (!use || use[p])
			off += snprintf(buf + off, off < len ? len - off : 0,
					"%s%s=%s", off ? " " : "",
					kt_part_names[p], s->part[p]);
	if (!buf[0])
		snprintf(buf, len, "-");
}

static struct kt_group *group_of(struct kt_groups *gs, long sc, long va)
{
	struct kt_group *g;

	for (size_t i = 0; i < gs->nr; i++)
		if (gs->g[i].scenario_idx == (size_t)sc &&
		    gs->g[i].variant_idx == (size_t)va)
			return &gs->g[i];
	g = realloc(gs->g, (gs->nr + 1) * sizeof(*g));
	if (!g)
		return NULL;
	gs->g = g;
	g = &gs->g[gs->nr++];
	memset(g, 0, sizeof(*g));
	g->scenario_idx = (size_t)sc;
	g->variant_idx = (size_t)va;
	g->scenario = gs->scenarios[sc];
	g->variant = gs->variants[va];
	return g;
}

static int add_result(struct kt_groups *gs, long va, const json_t *r,
		      double host_wait_pct)
{
	long sc = intern(&gs->scenarios, &gs->nr_scenarios,
			 kt_sidecar_str(r, "scenario"));
	struct kt_group *g = sc < 0 ? NULL : group_of(gs, sc, va);
	const json_t **grown;
	int v;

	if (!g)
		return -ENOMEM;
	grown = realloc(g->results, (g->nr + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	g->results = grown;
	g->results[g->nr++] = r;
	if (host_wait_pct >= 0) {
		g->host_wait_pct_sum += host_wait_pct;
		g->host_wait_n++;
	}
	v = kt_verdict_parse(kt_sidecar_str(r, "verdict"));
	g->verdicts[v < 0 ? KT_VERDICT_INFRA : v]++;
	return 0;
}

int kt_groups_build(const struct kt_results *r, const bool *use_part,
		    struct kt_groups *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < r->nr; i++) {
		json_t *results = json_object_get(
		    json_object_get(r->s[i].root, "report"), "results");
		json_t *rep = json_object_get(r->s[i].root, "report");
		json_t *hw = json_object_get(rep, "host_wait_ms");
		double wall =
		    json_number_value(json_object_get(rep, "wall_ms"));
		double pct = json_is_integer(hw) && wall > 0
				 ? 100.0 * json_number_value(hw) / wall
				 : -1;
		char key[1024];
		json_t *res;
		size_t k;
		long va;

		variant_key(&r->s[i], use_part, key, sizeof(key));
		va = intern(&out->variants, &out->nr_variants, key);
		if (va < 0)
			goto oom;
		json_array_foreach(results, k, res)
		{
			if (add_result(out, va, res, pct))
				goto oom;
		}
	}
	return 0;
oom:
	kt_groups_free(out);
	return kt_err(ENOMEM, "results: out of memory");
}

void kt_groups_free(struct kt_groups *gs)
{
	for (size_t i = 0; i < gs->nr; i++)
		free(gs->g[i].results);
	free(gs->g);
	for (size_t i = 0; i < gs->nr_variants; i++)
		free(gs->variants[i]);
	free(gs->variants);
	for (size_t i = 0; i < gs->nr_scenarios; i++)
		free(gs->scenarios[i]);
	free(gs->scenarios);
	memset(gs, 0, sizeof(*gs));
}

const struct kt_group *kt_groups_find(const struct kt_groups *gs,
				      const char *scenario, const char *variant)
{
	for (size_t i = 0; i < gs->nr; i++)
		if (!strcmp(gs->g[i].scenario, scenario) &&
		    !strcmp(gs->g[i].variant, variant))
			return &gs->g[i];
	return NULL;
}

double kt_group_host_wait_pct(const struct kt_group *g)
{
	return g->host_wait_n ? g->host_wait_pct_sum / g->host_wait_n : -1;
}

size_t kt_group_values(const struct kt_group *g, enum kt_metric m, double *out)
{
	size_t n = 0;

	for (size_t i = 0; i < g->nr; i++) {
		struct kt_metrics ms;

		kt_metrics_of_result(g->results[i], &ms);
		if (ms.has[m])
			out[n++] = ms.v[m];
	}
	return n;
}

static void cell_text(const struct kt_group *g, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (int v = 0; g && v < KT_VERDICT__COUNT; v++) {
		if (!g->verdicts[v])
			continue;
		if (g->verdicts[v] == g->nr) {
			snprintf(buf, len, "%s", kt_verdict_name(v));
			for (char *c = buf; *c; c++)
				*c = (char)(*c - 32 * (*c >= 'a' && *c <= 'z'));
			if (g->nr > 1)
				snprintf(buf + strlen(buf), len - strlen(buf),
					 " x%zu", g->nr);
			return;
		}
		off += snprintf(buf + off, off < len ? len - off : 0, "%s%u %s",
				off ? " " : "", g->verdicts[v],
				kt_verdict_name(v));
	}
	if (!buf[0])
		snprintf(buf, len, "-");
}

void kt_groups_print_matrix(const struct kt_groups *gs, FILE *out)
{
	int vw = 7, cw[64];
	size_t nc = gs->nr_scenarios < 64 ? gs->nr_scenarios : 64;
	char cell[128];

	for (size_t v = 0; v < gs->nr_variants; v++)
		vw = (int)strlen(gs->variants[v]) > vw
			 ? (int)strlen(gs->variants[v])
			 : vw;
	fprintf(out, "%-*s", vw, "variant");
	for (size_t s = 0; s < nc; s++) {
		cw[s] = (int)strlen(gs->scenarios[s]);
		cw[s] = cw[s] < 12 ? 12 : cw[s];
		fprintf(out, "  %-*s", s + 1 < nc ? cw[s] : 0,
			gs->scenarios[s]);
	}
	fprintf(out, "\n");
	for (size_t v = 0; v < gs->nr_variants; v++) {
		fprintf(out, "%-*s", vw, gs->variants[v]);
		for (size_t s = 0; s < nc; s++) {
			cell_text(kt_groups_find(gs, gs->scenarios[s],
						 gs->variants[v]),
				  cell, sizeof(cell));
			fprintf(out, "  %-*s", s + 1 < nc ? cw[s] : 0, cell);
		}
		fprintf(out, "\n");
	}
	if (nc < gs->nr_scenarios)
		fprintf(out, "(%zu more scenarios: --json has them all)\n",
			gs->nr_scenarios - nc);
}
