/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Internals of the scenario-file parser shared by its files:
 * scenario_file.c (the document's top level and the entry points),
 * scenario_file_steps.c (steps, the backdrop, the shorthand),
 * scenario_file_cgroups.c (cgroup definitions), scenario_file_ops.c (ops),
 * scenario_file_scope.c (the name play-through), scenario_file_values.c
 * (cpusets, holds, policies, affinities, work types, the assert layer) and
 * scenario_file_util.c: the parse context, positioned errors, typed
 * getters and the string/array pool the loaded object owns.
 */
#ifndef KTSTR_SCENARIO_FILE_PRIV_H
#define KTSTR_SCENARIO_FILE_PRIV_H

#include <jansson.h>

#include <ktstr/scenario_file.h>

#include "core/json_get.h"
#include "core/json_pos.h"

/* Longest key path we build ("steps[12].ops[3].work.phases[2].ms"). */
#define SF_PATH_MAX    512
#define SF_MAX_WORKERS 1024 /* workers of one cgroup or op */
#define SF_MAX_ITEMS   4096 /* defs, ops or steps in one list */

struct sf_parse {
	const char *origin;
	const struct kt_json_posmap *pm;
	struct kt_scenario_file *sf;
};

/* ---- pool (everything the loaded object points to) ---- */
void *sf_alloc(struct kt_scenario_file *sf, size_t size); /* zeroed */
char *sf_strdup(struct kt_scenario_file *sf, const char *s);

/* ---- errors: -EINVAL, "ORIGIN:LINE:COL: PATH: message" ---- */

/* At the value of path (path "" = the top level). */
int sf_err_val(const struct sf_parse *p, const char *path, const char *fmt, ...)
    KT_PRINTF(3, 4);
/* At key `key` of the object at path; the message names path. */
int sf_err_key(const struct sf_parse *p, const char *path, const char *key,
	       const char *fmt, ...) KT_PRINTF(4, 5);

/* ---- getters (v may be NULL: absent; *present says so) ---- */

/* Every key of obj must be in allowed (NULL-terminated). */
int sf_check_keys(const struct sf_parse *p, const json_t *obj, const char *path,
		  const char *const *allowed, const char *what);
/* obj must be an object (what: "a cgroup definition"...). */
int sf_want_object(const struct sf_parse *p, const json_t *v, const char *path,
		   const char *what);
/* An integer in lo..hi. */
int sf_get_uint(const struct sf_parse *p, const json_t *obj, const char *path,
		const char *key, uint64_t lo, uint64_t hi, uint64_t *out,
		bool *present);
/* A number (integer or real) in [lo, hi]; lo_open excludes lo. */
int sf_get_num(const struct sf_parse *p, const json_t *obj, const char *path,
	       const char *key, double lo, bool lo_open, double hi, double *out,
	       bool *present);
int sf_get_bool(const struct sf_parse *p, const json_t *obj, const char *path,
		const char *key, bool *out, bool *present);
/* A string (copied into the pool). */
int sf_get_str(const struct sf_parse *p, const json_t *obj, const char *path,
	       const char *key, bool required, const char **out);
/* "name" rules: 1..64 of letters, digits, '_', '-', '.'; not "." or "..". */
bool sf_name_ok(const char *s);

/* ---- values (scenario_file_values.c); path is the value's path ---- */

int sf_parse_cpuset(const struct sf_parse *p, const json_t *v, const char *path,
		    struct kt_cpuset_spec *out);
int sf_parse_hold(const struct sf_parse *p, const json_t *v, const char *path,
		  struct kt_hold *out);
int sf_parse_policy(const struct sf_parse *p, const json_t *v, const char *path,
		    struct kt_sched_policy *out);
/* {"deadline": {"runtime_us", "deadline_us", "period_us"}} and memory
 * policies (scenario_file_policy.c). */
#define SF_DEADLINE_FORM                                                       \
	"{\"deadline\": {\"runtime_us\": US, \"period_us\": US}}"
int sf_parse_deadline(const struct sf_parse *p, const json_t *v,
		      const char *path, struct kt_sched_policy *out);
int sf_parse_mem_policy(const struct sf_parse *p, const json_t *v,
			const char *path, struct kt_mem_policy *out);
int sf_parse_affinity(const struct sf_parse *p, const json_t *v,
		      const char *path, struct kt_affinity *out);
/* Parameters checked; the worker-count grouping is the caller's. */
int sf_parse_work(const struct sf_parse *p, const json_t *v, const char *path,
		  struct kt_work_type *out);
int sf_parse_assert(const struct sf_parse *p, const json_t *v, const char *path,
		    struct kt_assert *out);

/* ---- lists; path is the list's path ---- */

/* Cgroup definitions (scenario_file_cgroups.c). */
int sf_parse_defs(const struct sf_parse *p, const json_t *v, const char *path,
		  struct kt_defs *out);
/*
 * Workers that do not divide into w's groups: an error at path's
 * "workers" (count_in_file) or "work" key. n = 0 means the count is the
 * run's (checked when it runs).
 */
int sf_check_groups(const struct sf_parse *p, const char *path,
		    bool count_in_file, const struct kt_work_type *w,
		    unsigned n);
/* A payload op's keys (scenario_file_payload.c); v is the op. */
int sf_parse_payload(const struct sf_parse *p, const json_t *v,
		     const char *path, struct kt_op *op);
/* Payload names: started once, waited for / killed after their start,
 * not started in a loop step; -EINVAL at the op. */
int sf_check_payload_names(const struct sf_parse *p, bool shorthand);
/* BPF map writes (scenario_file_map_write.c): one write's keys of v
 * (the WriteMap op's), and the top-level "map_writes" list. */
int sf_parse_map_write_keys(const struct sf_parse *p, const json_t *v,
			    const char *path, struct kt_map_write *out);
int sf_parse_map_writes(const struct sf_parse *p, const json_t *v,
			const char *path, struct kt_map_writes *out);
/* Ops (scenario_file_ops.c). */
int sf_parse_ops(const struct sf_parse *p, const json_t *v, const char *path,
		 struct kt_ops *out);

/* ---- steps and the run (scenario_file_steps.c, scenario_file_scope.c) */

int sf_parse_steps(const struct sf_parse *p, const json_t *v,
		   struct kt_steps *out);
int sf_parse_backdrop(const struct sf_parse *p, const json_t *v,
		      struct kt_backdrop *bd);
/* The top-level "cgroups" shorthand: one step holding them throughout. */
int sf_parse_shorthand(const struct sf_parse *p, const json_t *v,
		       struct kt_steps *out);
/* Play the cgroup names of p->sf through the run (shorthand: the steps
 * came from the top-level "cgroups", whose paths have no step prefix). */
int sf_check_scope(const struct sf_parse *p, bool shorthand);

/*
 * In a parser with `json_t *x`, `char child[SF_PATH_MAX]` and `int err`:
 * when object v has key, parse its value with fn(p, x, "path.key", field)
 * and return the error of a bad one.
 */
#define SF_PARSE_KEY(p, v, path, key, fn, field)                               \
	do {                                                                   \
		x = json_object_get(v, key);                                   \
		kt_json_path_key(child, sizeof(child), path, key);             \
		if (x && (err = fn(p, x, child, field)))                       \
			return err;                                            \
	} while (0)

#endif
