/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Scenario-file cgroup definitions: a list of {"name", "cpuset",
 * "workers", "work", "policy", "affinity", "swappable", "mem_policy",
 * "threads", and the controller knobs "cpu.weight", "cpu.max", "cpu.idle",
 * "cpuset.cpus.partition"} objects, and the
 * check that a worker count divides into its work type's groups (ops that
 * spawn workers use it too).
 */
#include <errno.h>

#include "scenario_file_priv.h"

/* A string knob of the def: cpu.max text or a partition type. */
static int ctrl_str(const struct sf_parse *p, const json_t *v, const char *path,
		    const char *key, int (*parse)(const char *, void *),
		    void *out)
{
	char child[SF_PATH_MAX];
	const char *text = NULL;
	int err = sf_get_str(p, v, path, key, false, &text);

	if (err || !text)
		return err;
	kt_json_path_key(child, sizeof(child), path, key);
	if (parse(text, out))
		return sf_err_val(p, child, "%s", kt_last_error());
	return 0;
}

static int cpu_max_parse(const char *text, void *out)
{
	return kt_cpu_max_parse(text, out);
}

static int partition_parse(const char *text, void *out)
{
	return kt_partition_parse(text, out);
}

/* "cpu.weight", "cpu.max", "cpu.idle", "cpuset.cpus.partition" */
static int parse_ctrl(const struct sf_parse *p, const json_t *v,
		      const char *path, struct kt_cgroup_def *d)
{
	uint64_t weight = 0, idle = 0;
	bool has_idle = false;
	int err;

	err = sf_get_uint(p, v, path, "cpu.weight", 1, 10000, &weight, NULL);
	err =
	    err ?: sf_get_uint(p, v, path, "cpu.idle", 0, 1, &idle, &has_idle);
	err =
	    err ?: ctrl_str(p, v, path, "cpu.max", cpu_max_parse, &d->cpu_max);
	err = err
		  ?: ctrl_str(p, v, path, "cpuset.cpus.partition",
			      partition_parse, &d->partition);
	if (err)
		return err;
	d->cpu_weight = (unsigned)weight;
	if (has_idle)
		d->cpu_idle = (struct kt_opt_bool)KT_SET(idle == 1);
	if (kt_cgroup_def_check_ctrl(d))
		return sf_err_val(p, path, "%s", kt_last_error());
	return 0;
}

static int parse_def(const struct sf_parse *p, const json_t *v,
		     const char *path, struct kt_cgroup_def *d)
{
	static const char *const keys[] = {"name",
					   "cpuset",
					   "workers",
					   "work",
					   "policy",
					   "affinity",
					   "swappable",
					   "mem_policy",
					   "threads",
					   "cpu.weight",
					   "cpu.max",
					   "cpu.idle",
					   "cpuset.cpus.partition",
					   NULL};
	char child[SF_PATH_MAX];
	uint64_t workers = 0;
	bool has_workers;
	json_t *x;
	int err;

	err = sf_want_object(p, v, path, "a cgroup definition");
	err = err ?: sf_check_keys(p, v, path, keys, "a cgroup");
	err = err ?: sf_get_str(p, v, path, "name", true, &d->name);
	if (err)
		return err;
	kt_json_path_key(child, sizeof(child), path, "name");
	if (!sf_name_ok(d->name))
		return sf_err_val(p, child,
				  "\"%s\" is not a usable cgroup name (1..64 "
				  "letters, digits, '_', '-', '.')",
				  d->name);
	err = sf_get_uint(p, v, path, "workers", 1, SF_MAX_WORKERS, &workers,
			  &has_workers);
	if (err)
		return err;
	d->workers = (unsigned)workers;
	SF_PARSE_KEY(p, v, path, "cpuset", sf_parse_cpuset, &d->cpuset);
	SF_PARSE_KEY(p, v, path, "work", sf_parse_work, &d->work_type);
	SF_PARSE_KEY(p, v, path, "policy", sf_parse_policy, &d->sched_policy);
	SF_PARSE_KEY(p, v, path, "affinity", sf_parse_affinity, &d->affinity);
	SF_PARSE_KEY(p, v, path, "mem_policy", sf_parse_mem_policy,
		     &d->mem_policy);
	err = sf_get_bool(p, v, path, "threads", &d->threads, NULL);
	err = err ?: parse_ctrl(p, v, path, d);
	err = err ?: sf_get_bool(p, v, path, "swappable", &d->swappable, NULL);
	if (!err && d->sched_policy.kind == KT_POLICY_DEADLINE &&
	    d->affinity.kind != KT_AFFINITY_KIND_INHERIT) {
		kt_json_path_key(child, sizeof(child), path, "affinity");
		return sf_err_val(
		    p, child,
		    "Deadline workers cannot take affinity %s: "
		    "the kernel refuses a SCHED_DEADLINE task "
		    "an affinity narrower than its root domain "
		    "(EBUSY); leave it Inherit (a cpuset is fine)",
		    kt_affinity_kind_name(d->affinity.kind));
	}
	return err;
}

int sf_check_groups(const struct sf_parse *p, const char *path,
		    bool count_in_file, const struct kt_work_type *w,
		    unsigned n)
{
	char child[SF_PATH_MAX];

	if (!n || !kt_work_check(w, n))
		return 0;
	kt_json_path_key(child, sizeof(child), path,
			 count_in_file ? "workers" : "work");
	return sf_err_val(p, child, "%s%s", kt_last_error(),
			  count_in_file ? "" : " (the file's \"workers\")");
}

int sf_parse_defs(const struct sf_parse *p, const json_t *v, const char *path,
		  struct kt_defs *out)
{
	struct kt_cgroup_def *defs;
	char el[SF_PATH_MAX];
	json_t *e;
	size_t i;
	int err;

	if (!json_is_array(v))
		return sf_err_val(p, path,
				  "must be an array of cgroup definitions, not "
				  "%s",
				  kt_json_type_name(v));
	if (json_array_size(v) > SF_MAX_ITEMS)
		return sf_err_val(p, path, "more than %d cgroups",
				  SF_MAX_ITEMS);
	defs = sf_alloc(p->sf, json_array_size(v) * sizeof(*defs));
	if (!defs)
		return -ENOMEM;
	json_array_foreach(v, i, e)
	{
		unsigned n;

		kt_json_path_index(el, sizeof(el), path, i);
		err = parse_def(p, e, el, &defs[i]);
		if (err)
			return err;
		n = defs[i].workers ? defs[i].workers : p->sf->workers;
		err = sf_check_groups(p, el, defs[i].workers,
				      &defs[i].work_type, n);
		if (err)
			return err;
	}
	out->nr = json_array_size(v);
	out->defs = defs;
	return 0;
}
