/* SPDX-License-Identifier: GPL-2.0-only */
/* Splitting scenario words into catalog names and loaded scenario files. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ktstr/common.h>
#include <ktstr/payload.h>
#include <ktstr/runner.h>
#include <ktstr/scenario.h>

#include "cli_util.h"
#include "scenario_args.h"

/* Every payload program of a file must exist here: exit 2 otherwise. */
static int check_programs(const char *cmd, const struct kt_scenario_file *f)
{
	size_t nr;
	const char **v = kt_scenario_file_programs(f, &nr);
	char path[4096];
	int rc = 0;

	if (!v) {
		fprintf(stderr, "ktstr %s: out of memory\n", cmd);
		return KT_EXIT_INFRA;
	}
	for (size_t i = 0; i < nr && !rc; i++)
		if (kt_payload_resolve(v[i], path, sizeof(path)))
			rc = kt_cli_usage_error(cmd, "scenario file %s: %s",
						f->path, kt_last_error());
	free(v);
	return rc;
}

static int add_payload(struct kt_vm_payload **v, size_t *nr,
		       const char *program)
{
	struct kt_vm_payload *n;
	char path[4096], *dup;

	for (size_t i = 0; i < *nr; i++)
		if (!strcmp((*v)[i].program, program))
			return 0;
	if (kt_payload_resolve(program, path, sizeof(path)))
		return 0; /* a catalog scenario: it SKIPs in the guest */
	n = realloc(*v, (*nr + 1) * sizeof(*n));
	if (!n)
		return KT_EXIT_INFRA;
	*v = n;
	/* the guest path is the host's: its real path, so a symlink in
	 * PATH does not put a link into the initramfs */
	dup = realpath(path, NULL);
	if (!dup)
		return KT_EXIT_INFRA;
	n[*nr] = (struct kt_vm_payload){.program = program, .path = dup};
	(*nr)++;
	return 0;
}

static bool ops_write_maps(const struct kt_ops *ops)
{
	for (size_t i = 0; i < ops->nr; i++)
		if (ops->ops[i].kind == KT_OP_KIND_WRITE_MAP)
			return true;
	return false;
}

const struct kt_scenario_file *
kt_cli_scenarios_map_writer(const struct kt_cli_scenarios *s)
{
	for (size_t i = 0; i < s->nr_files; i++) {
		const struct kt_scenario_file *f = s->files[i];
		bool writes =
		    f->map_writes.nr || ops_write_maps(&f->backdrop.ops);

		for (size_t k = 0; !writes && k < f->steps.nr; k++)
			writes = ops_write_maps(&f->steps.steps[k].ops);
		if (writes)
			return f;
	}
	return NULL;
}

int kt_cli_scenarios_payloads(const struct kt_cli_scenarios *s,
			      struct kt_vm_payload **out, size_t *nr)
{
	int rc = 0;

	*out = NULL;
	*nr = 0;
	for (size_t i = 0; i < s->nr_names && !rc; i++) {
		const char *const *p = kt_catalog_payload_programs(s->names[i]);

		for (; *p && !rc; p++)
			rc = add_payload(out, nr, *p);
	}
	for (size_t i = 0; i < s->nr_files && !rc; i++) {
		size_t n;
		const char **p = kt_scenario_file_programs(s->files[i], &n);

		if (!p)
			rc = KT_EXIT_INFRA;
		for (size_t k = 0; k < n && !rc; k++)
			rc = add_payload(out, nr, p[k]);
		free(p);
	}
	if (rc)
		fprintf(stderr, "ktstr: out of memory\n");
	return rc;
}

void kt_cli_payloads_free(struct kt_vm_payload *v, size_t nr)
{
	for (size_t i = 0; i < nr; i++)
		free((char *)v[i].path);
	free(v);
}

int kt_cli_scenarios_load(const char *cmd, char *const *words, size_t nr,
			  struct kt_cli_scenarios *out)
{
	memset(out, 0, sizeof(*out));
	out->names = calloc(nr + 1, sizeof(*out->names));
	out->paths = calloc(nr + 1, sizeof(*out->paths));
	out->files = calloc(nr + 1, sizeof(*out->files));
	if (!out->names || !out->paths || !out->files) {
		fprintf(stderr, "ktstr %s: out of memory\n", cmd);
		return KT_EXIT_INFRA;
	}
	for (size_t i = 0; i < nr; i++) {
		const char *w = words[i];
		int err;

		if (!kt_scenario_file_is_path(w)) {
			if (!kt_catalog_find(w))
				return kt_cli_usage_error(
				    cmd,
				    "unknown scenario '%s' ('ktstr list' "
				    "shows them; a scenario file ends in "
				    ".json)",
				    w);
			out->names[out->nr_names++] = w;
			continue;
		}
		err = kt_scenario_file_load(w, &out->files[out->nr_files]);
		if (err) {
			fprintf(stderr, "ktstr %s: %s\n", cmd, kt_last_error());
			return err == -ENOMEM ? KT_EXIT_INFRA : KT_EXIT_USAGE;
		}
		out->paths[out->nr_files++] = w;
		err = check_programs(cmd, out->files[out->nr_files - 1]);
		if (err)
			return err;
	}
	return 0;
}

void kt_cli_scenarios_free(struct kt_cli_scenarios *s)
{
	for (size_t i = 0; s->files && i < s->nr_files; i++)
		kt_scenario_file_free(s->files[i]);
	free(s->files);
	free(s->paths);
	free(s->names);
	memset(s, 0, sizeof(*s));
}

const char **kt_cli_scenarios_all_names(const struct kt_cli_scenarios *s,
					size_t *nr)
{
	const char **v = calloc(s->nr_names + s->nr_files + 1, sizeof(*v));

	*nr = 0;
	if (!v)
		return NULL;
	for (size_t i = 0; i < s->nr_names; i++)
		v[(*nr)++] = s->names[i];
	for (size_t i = 0; i < s->nr_files; i++)
		v[(*nr)++] = s->files[i]->name;
	return v;
}

uint64_t kt_cli_scenarios_run_timeout(const struct kt_cli_scenarios *s,
				      uint64_t duration_ns)
{
	uint64_t d = duration_ns ? duration_ns : KT_RUN_DEFAULT_DURATION_NS;
	uint64_t t = KT_SEC(60) + (d + KT_SEC(15)) * s->nr_names;

	if (!s->nr_files)
		return 0;
	for (size_t i = 0; i < s->nr_files; i++) {
		const struct kt_scenario_file *f = s->files[i];
		uint64_t fd = duration_ns      ? duration_ns
			      : f->duration_ns ? f->duration_ns
					       : KT_RUN_DEFAULT_DURATION_NS;

		t += kt_scenario_file_budget_ns(f, fd) + KT_SEC(15);
	}
	return t;
}
