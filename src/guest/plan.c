/* SPDX-License-Identifier: GPL-2.0-only */
/* Parsing and validating the guest's run plan (/ktstr/plan.json). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <ktstr/common.h>
#include <ktstr/sched.h>

#include "core/json_get.h"
#include "plan.h"

/* Upper bounds that catch a garbled plan without limiting real use. */
#define PLAN_MAX_WORKERS   4096
#define PLAN_MAX_SCENARIOS 4096

static const char *const mode_names[] = {
    [KT_PLAN_RUN] = "run",
    [KT_PLAN_SHELL] = "shell",
    [KT_PLAN_PANIC] = "panic",
    [KT_PLAN_TEST] = "test",
};

const char *kt_plan_mode_name(enum kt_plan_mode m)
{
	if ((size_t)m < KT_ARRAY_SIZE(mode_names))
		return mode_names[m];
	return "?";
}

static int bad_type(const char *origin, const char *key, const char *want,
		    const json_t *v)
{
	return kt_json_bad_type("plan", origin, key, want,
				kt_json_type_name(v));
}

/* The value of key, or NULL when it is absent or null. */
static json_t *get(json_t *root, const char *key)
{
	json_t *v = json_object_get(root, key);

	return json_is_null(v) ? NULL : v;
}

static int get_uint(json_t *root, const char *origin, const char *key,
		    uint64_t max, uint64_t *out)
{
	json_t *v = get(root, key);
	json_int_t n;

	if (!v)
		return 0;
	switch (kt_json_uint(v, 0, max, &n)) {
	case KT_JSON_UINT_NOT_INT:
		return bad_type(origin, key, "an integer", v);
	case KT_JSON_UINT_OUT_OF_RANGE:
		return kt_err(EINVAL,
			      "plan %s: key \"%s\" is %lld, out of range "
			      "0..%llu",
			      origin, key, (long long)n,
			      (unsigned long long)max);
	case KT_JSON_UINT_OK:
		break;
	}
	*out = (uint64_t)n;
	return 0;
}

static int get_str(json_t *root, const char *origin, const char *key,
		   char **out)
{
	json_t *v = get(root, key);

	if (!v)
		return 0;
	if (!json_is_string(v))
		return bad_type(origin, key, "a string", v);
	*out = strdup(json_string_value(v));
	if (!*out)
		return kt_err(ENOMEM, "plan %s: out of memory", origin);
	return 0;
}

static int get_bool(json_t *root, const char *origin, const char *key,
		    bool *out)
{
	json_t *v = get(root, key);

	if (!v)
		return 0;
	if (!json_is_boolean(v))
		return bad_type(origin, key, "true or false", v);
	*out = json_is_true(v);
	return 0;
}

static int get_mode(json_t *root, const char *origin, enum kt_plan_mode *out)
{
	json_t *v = get(root, "mode");
	const char *s;

	if (!v)
		return 0; /* default: run */
	if (!json_is_string(v))
		return bad_type(origin, "mode", "a string", v);
	s = json_string_value(v);
	for (size_t i = 0; i < KT_ARRAY_SIZE(mode_names); i++) {
		if (!strcmp(s, mode_names[i])) {
			*out = (enum kt_plan_mode)i;
			return 0;
		}
	}
	return kt_err(EINVAL,
		      "plan %s: key \"mode\" is \"%s\"; expected \"run\", "
		      "\"shell\", \"panic\" or \"test\"",
		      origin, s);
}

/* An array of non-empty strings ("scenarios", "scenario_files"). */
static int get_names(json_t *root, const char *origin, const char *key,
		     char ***out, size_t *nr)
{
	json_t *v = get(root, key);
	json_t *e;
	size_t i;

	if (!v)
		return 0;
	if (!json_is_array(v))
		return bad_type(origin, key, "an array of strings", v);
	if (json_array_size(v) > PLAN_MAX_SCENARIOS)
		return kt_err(EINVAL,
			      "plan %s: key \"%s\" has %zu entries, "
			      "more than %d",
			      origin, key, json_array_size(v),
			      PLAN_MAX_SCENARIOS);
	if (!json_array_size(v))
		return 0;
	*out = calloc(json_array_size(v), sizeof(**out));
	if (!*out)
		return kt_err(ENOMEM, "plan %s: out of memory", origin);
	json_array_foreach(v, i, e)
	{
		if (!json_is_string(e))
			return kt_err(EINVAL,
				      "plan %s: key \"%s\" entry %zu "
				      "must be a string, not %s",
				      origin, key, i, kt_json_type_name(e));
		if (!json_string_length(e))
			return kt_err(EINVAL,
				      "plan %s: key \"%s\" entry %zu "
				      "is an empty name",
				      origin, key, i);
		(*out)[i] = strdup(json_string_value(e));
		if (!(*out)[i])
			return kt_err(ENOMEM, "plan %s: out of memory", origin);
		*nr = i + 1;
	}
	return 0;
}

static int get_scenarios(json_t *root, const char *origin, struct kt_plan *p)
{
	int err = get_names(root, origin, "scenarios", &p->scenarios,
			    &p->nr_scenarios);

	return err
		   ?: get_names(root, origin, "scenario_files",
				&p->scenario_files, &p->nr_scenario_files);
}

/* "payloads": {"stress-ng": "/usr/bin/stress-ng", ...} (absent: none) */
static int get_payloads(json_t *root, const char *origin, struct kt_plan *p)
{
	json_t *o = get(root, "payloads"), *v;
	size_t n = o ? json_object_size(o) : 0;
	const char *k;

	if (!o)
		return 0;
	if (!json_is_object(o))
		return bad_type(origin, "payloads",
				"an object of program: path", o);
	p->payload_programs = calloc(n + 1, sizeof(char *));
	p->payload_paths = calloc(n + 1, sizeof(char *));
	if (!p->payload_programs || !p->payload_paths)
		return kt_err(ENOMEM, "plan %s: out of memory", origin);
	json_object_foreach(o, k, v)
	{
		if (!json_is_string(v) || json_string_value(v)[0] != '/')
			return bad_type(origin, "payloads",
					"an object of program: absolute path",
					v);
		p->payload_programs[p->nr_payloads] = strdup(k);
		p->payload_paths[p->nr_payloads] = strdup(json_string_value(v));
		if (!p->payload_programs[p->nr_payloads] ||
		    !p->payload_paths[p->nr_payloads++])
			return kt_err(ENOMEM, "plan %s: out of memory", origin);
	}
	return 0;
}

static int sched_str(json_t *o, const char *origin, const char *key,
		     bool required, char **out)
{
	char path[64];
	json_t *v = get(o, key);

	snprintf(path, sizeof(path), "sched.%s", key);
	if (!v && required)
		return kt_err(EINVAL, "plan %s: key \"%s\" is missing", origin,
			      path);
	if (!v)
		return 0;
	if (!json_is_string(v) || !json_string_length(v))
		return bad_type(origin, path, "a non-empty string", v);
	*out = strdup(json_string_value(v));
	return *out ? 0 : kt_err(ENOMEM, "plan %s: out of memory", origin);
}

static int sched_args(json_t *o, const char *origin, struct kt_plan_sched *s)
{
	json_t *v = get(o, "args"), *e;
	size_t i;

	if (!v)
		return 0;
	if (!json_is_array(v))
		return bad_type(origin, "sched.args", "an array of strings", v);
	s->args = calloc(json_array_size(v) + 1, sizeof(*s->args));
	if (!s->args)
		return kt_err(ENOMEM, "plan %s: out of memory", origin);
	json_array_foreach(v, i, e)
	{
		if (!json_is_string(e))
			return kt_err(EINVAL,
				      "plan %s: key \"sched.args\" entry %zu "
				      "must be a string, not %s",
				      origin, i, kt_json_type_name(e));
		s->args[i] = strdup(json_string_value(e));
		if (!s->args[i])
			return kt_err(ENOMEM, "plan %s: out of memory", origin);
		s->nr_args = i + 1;
	}
	return 0;
}

static int get_sched(json_t *v, const char *origin, struct kt_plan *p)
{
	struct kt_plan_sched *s;
	uint64_t ms = 0;
	json_t *a;
	int err;

	if (!json_is_object(v))
		return bad_type(origin, "sched", "an object", v);
	s = calloc(1, sizeof(*s));
	if (!s)
		return kt_err(ENOMEM, "plan %s: out of memory", origin);
	p->sched = s;
	err = sched_str(v, origin, "path", true, &s->path);
	err = err ?: sched_str(v, origin, "name", true, &s->name);
	err = err ?: sched_str(v, origin, "label", false, &s->label);
	err = err ?: sched_args(v, origin, s);
	err = err ?: get_uint(v, origin, "attach_timeout_ms", 600000, &ms);
	if (err)
		return err;
	s->attach_timeout_ns = KT_MS(ms);
	a = get(v, "assert");
	if (a) {
		char where[512];

		snprintf(where, sizeof(where), "plan %s: sched.assert", origin);
		err = kt_assert_from_json(a, where, &s->assert);
		if (err)
			return err;
		s->has_assert = true;
	}
	if (!s->label && !(s->label = strdup(s->name)))
		return kt_err(ENOMEM, "plan %s: out of memory", origin);
	return 0;
}

static int plan_from_json(json_t *root, const char *origin, struct kt_plan *p)
{
	uint64_t version = 0, workers = 0;
	json_t *v;
	int err;

	if (!json_is_object(root))
		return kt_err(EINVAL, "plan %s: must be a JSON object, not %s",
			      origin, kt_json_type_name(root));
	v = get(root, "version");
	if (!v)
		return kt_err(EINVAL, "plan %s: key \"version\" is missing",
			      origin);
	err = get_uint(root, origin, "version", INT32_MAX, &version);
	if (err)
		return err;
	if (version != KT_PLAN_VERSION)
		return kt_err(EINVAL,
			      "plan %s: version %llu is not supported by this "
			      "guest (it reads version %d)",
			      origin, (unsigned long long)version,
			      KT_PLAN_VERSION);
	p->version = (int)version;

	err = get_mode(root, origin, &p->mode);
	if (!err)
		err = get_scenarios(root, origin, p);
	if (!err)
		err = get_uint(root, origin, "duration_ns", INT64_MAX,
			       &p->duration_ns);
	if (!err)
		err = get_uint(root, origin, "workers", PLAN_MAX_WORKERS,
			       &workers);
	if (!err)
		err = get_bool(root, origin, "keep_going", &p->keep_going);
	if (err)
		return err;
	p->workers = (unsigned)workers;
	err = get_str(root, origin, "topo", &p->topo);
	if (!err)
		err = get_str(root, origin, "work_type", &p->work_type);
	if (!err)
		err = get_str(root, origin, "exec", &p->exec);
	if (!err)
		err = get_str(root, origin, "accel", &p->accel);
	if (!err)
		err = get_str(root, origin, "test", &p->test);
	if (err)
		return err;
	if (p->mode == KT_PLAN_TEST && (!p->test || !p->test[0]))
		return kt_err(EINVAL,
			      "plan %s: mode \"test\" needs a \"test\" name",
			      origin);

	err = get_payloads(root, origin, p);
	err = err
		  ?: get_names(root, origin, "monitor_symbols",
			       &p->monitor_symbols, &p->nr_monitor_symbols);
	err = err
		  ?: get_uint(root, origin, "wedge_after_ms", INT32_MAX,
			      &p->wedge_after_ms);
	err = err ?: get_bool(root, origin, "no_trace", &p->no_trace);
	if (err)
		return err;
	v = get(root, "sched");
	if (v)
		return get_sched(v, origin, p);
	return 0;
}

static int parse_root(json_t *root, const json_error_t *jerr,
		      const char *origin, struct kt_plan *out)
{
	int err;

	if (!root)
		return kt_err(EINVAL, "plan %s: line %d column %d: %s", origin,
			      jerr->line, jerr->column, jerr->text);
	err = plan_from_json(root, origin, out);
	json_decref(root);
	if (err)
		kt_plan_free(out); /* keeps the error message */
	return err;
}

int kt_plan_parse(const char *text, const char *origin, struct kt_plan *out)
{
	json_error_t jerr;

	memset(out, 0, sizeof(*out));
	if (!origin)
		origin = "(string)";
	return parse_root(json_loads(text, JSON_REJECT_DUPLICATES, &jerr),
			  &jerr, origin, out);
}

int kt_plan_load(const char *path, struct kt_plan *out)
{
	json_error_t jerr;
	json_t *root;
	FILE *f;

	memset(out, 0, sizeof(*out));
	f = fopen(path, "re");
	if (!f)
		return kt_err(errno, "plan %s: open: %s", path,
			      strerror(errno));
	root = json_loadf(f, JSON_REJECT_DUPLICATES, &jerr);
	fclose(f);
	return parse_root(root, &jerr, path, out);
}

void kt_plan_free(struct kt_plan *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->nr_scenarios; i++)
		free(p->scenarios[i]);
	free(p->scenarios);
	for (size_t i = 0; i < p->nr_scenario_files; i++)
		free(p->scenario_files[i]);
	free(p->scenario_files);
	free(p->topo);
	free(p->work_type);
	free(p->exec);
	free(p->test);
	free(p->accel);
	for (size_t i = 0; i < p->nr_payloads; i++) {
		free(p->payload_programs[i]);
		free(p->payload_paths[i]);
	}
	free(p->payload_programs);
	free(p->payload_paths);
	for (size_t i = 0; i < p->nr_monitor_symbols; i++)
		free(p->monitor_symbols[i]);
	free(p->monitor_symbols);
	if (p->sched) {
		for (size_t i = 0; i < p->sched->nr_args; i++)
			free(p->sched->args[i]);
		free(p->sched->args);
		free(p->sched->path);
		free(p->sched->name);
		free(p->sched->label);
		free(p->sched);
	}
	memset(p, 0, sizeof(*p));
}
