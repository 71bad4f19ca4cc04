/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Loading a scenario file: jansson parses the text (duplicate keys
 * rejected), the position scanner (json_pos.c) maps every key path to its
 * line and column, and this file walks the document's top level: name,
 * description, duration, workers, the assert layer, the backdrop and the
 * steps (scenario_file_steps.c), then the name play-through
 * (scenario_file_scope.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_file_priv.h"

/* ---- the document ---- */

/* "map_writes" and "wait_for_map_write" (which needs writes to wait for) */
static int parse_map_writes(const struct sf_parse *p, const json_t *root)
{
	struct kt_scenario_file *sf = p->sf;
	const json_t *x = json_object_get(root, "map_writes");
	int err = 0;

	if (x)
		err = sf_parse_map_writes(p, x, "map_writes", &sf->map_writes);
	err = err
		  ?: sf_get_bool(p, root, "", "wait_for_map_write",
				 &sf->wait_for_map_write, NULL);
	if (!err && sf->wait_for_map_write && !sf->map_writes.nr)
		return sf_err_key(p, "", "wait_for_map_write",
				  "waits for nothing: give \"map_writes\"");
	return err;
}

static int parse_doc(const struct sf_parse *p, const json_t *root)
{
	static const char *const keys[] = {
	    "name",	  "description",	"duration_s", "workers",
	    "assert",	  "backdrop",		"steps",      "cgroups",
	    "map_writes", "wait_for_map_write", NULL};
	struct kt_scenario_file *sf = p->sf;
	const json_t *steps, *cgroups, *x;
	const char *name = NULL, *desc = NULL;
	uint64_t workers = 0;
	double dur = 0;
	bool has;
	int err;

	if (!json_is_object(root))
		return sf_err_val(p, "",
				  "a scenario file must hold one JSON object, "
				  "not %s",
				  kt_json_type_name(root));
	err = sf_check_keys(p, root, "", keys, NULL);
	err = err ?: sf_get_str(p, root, "", "name", true, &name);
	if (err)
		return err;
	if (!sf_name_ok(name))
		return sf_err_val(p, "name",
				  "\"%s\" is not a usable scenario name (1..64 "
				  "letters, digits, '_', '-', '.')",
				  name);
	err = sf_get_str(p, root, "", "description", true, &desc);
	err = err
		  ?: sf_get_num(p, root, "", "duration_s", 0.0, true, 86400.0,
				&dur, &has);
	if (err)
		return err;
	sf->name = (char *)name;
	sf->description = (char *)desc;
	sf->duration_ns = has ? (uint64_t)(dur * 1e9) : 0;
	if (has && !sf->duration_ns)
		return sf_err_val(p, "duration_s", "%g s rounds to 0 ns", dur);
	err = sf_get_uint(p, root, "", "workers", 1, SF_MAX_WORKERS, &workers,
			  NULL);
	if (err)
		return err;
	sf->workers = (unsigned)workers;
	x = json_object_get(root, "assert");
	if (x && (err = sf_parse_assert(p, x, "assert", &sf->assert)))
		return err;
	x = json_object_get(root, "backdrop");
	if (x && (err = sf_parse_backdrop(p, x, &sf->backdrop)))
		return err;
	err = parse_map_writes(p, root);
	if (err)
		return err;

	steps = json_object_get(root, "steps");
	cgroups = json_object_get(root, "cgroups");
	if (steps && cgroups)
		return sf_err_key(p, "", "cgroups",
				  "\"cgroups\" (one step holding them "
				  "throughout) and \"steps\" exclude each "
				  "other; put the cgroups in a step");
	if (!steps && !cgroups)
		return sf_err_val(p, "",
				  "nothing to run: give \"steps\" (or "
				  "\"cgroups\" for one step that holds them "
				  "throughout)");
	err = steps ? sf_parse_steps(p, steps, &sf->steps)
		    : sf_parse_shorthand(p, cgroups, &sf->steps);
	err = err ?: sf_check_scope(p, !steps);
	return err ?: sf_check_payload_names(p, !steps);
}

/* ---- entry points ---- */

static int syntax_error(const char *origin, const char *text, size_t len,
			const json_error_t *jerr)
{
	struct kt_json_posmap *pm = NULL;
	struct kt_json_dup dup;

	/* jansson stops at the first problem; when that is a repeated key,
	 * the scanner finds the same one and can say where it sits. */
	if (strstr(jerr->text, "duplicate") &&
	    kt_json_posmap_build(text, len, &pm, &dup) == -EEXIST)
		return kt_err(EINVAL, "%s:%d:%d: %s: duplicate key \"%s\"",
			      origin, dup.pos.line, dup.pos.col,
			      *dup.path ? dup.path : "top level", dup.key);
	kt_json_posmap_free(pm);
	return kt_err(EINVAL, "%s:%d:%d: invalid JSON: %s", origin, jerr->line,
		      jerr->column, jerr->text);
}

int kt_scenario_file_parse(const char *text, size_t len, const char *origin,
			   struct kt_scenario_file **out)
{
	struct kt_scenario_file *sf;
	struct kt_json_posmap *pm = NULL;
	struct sf_parse p;
	json_error_t jerr;
	json_t *root;
	int err;

	*out = NULL;
	if (!origin)
		origin = "(string)";
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return syntax_error(origin, text, len, &jerr);
	err = kt_json_posmap_build(text, len, &pm, NULL);
	if (err) { /* jansson took it: only memory can fail here */
		json_decref(root);
		return kt_err(-err, "%s: scanning positions: %s", origin,
			      strerror(-err));
	}
	sf = calloc(1, sizeof(*sf));
	if (sf)
		sf->path = strdup(origin);
	if (!sf || !sf->path) {
		free(sf);
		json_decref(root);
		kt_json_posmap_free(pm);
		return kt_err(ENOMEM, "%s: out of memory", origin);
	}
	p = (struct sf_parse){.origin = origin, .pm = pm, .sf = sf};
	err = parse_doc(&p, root);
	json_decref(root);
	kt_json_posmap_free(pm);
	if (err) {
		kt_scenario_file_free(sf);
		return err;
	}
	*out = sf;
	return 0;
}

int kt_scenario_file_load(const char *path, struct kt_scenario_file **out)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int err;

	*out = NULL;
	f = fopen(path, "re");
	if (!f)
		return kt_err(errno, "scenario file %s: %s", path,
			      strerror(errno));
	buf = malloc(KT_SCENARIO_FILE_MAX_BYTES + 1);
	if (!buf) {
		fclose(f);
		return kt_err(ENOMEM, "scenario file %s: out of memory", path);
	}
	len = fread(buf, 1, KT_SCENARIO_FILE_MAX_BYTES + 1, f);
	err = ferror(f) ? errno ?: EIO : 0;
	fclose(f);
	if (err) {
		free(buf);
		return kt_err(err, "scenario file %s: read: %s", path,
			      strerror(err));
	}
	if (len > KT_SCENARIO_FILE_MAX_BYTES) {
		free(buf);
		return kt_err(EINVAL, "scenario file %s: larger than %u bytes",
			      path, KT_SCENARIO_FILE_MAX_BYTES);
	}
	err = kt_scenario_file_parse(buf, len, path, out);
	free(buf);
	return err;
}
