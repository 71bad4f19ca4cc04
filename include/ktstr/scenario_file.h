/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Scenario files: one declarative ops/steps scenario in JSON
 * (docs/scenario-files.md). Loading checks everything that needs no
 * topology and reports mistakes as "FILE:LINE:COLUMN: key.path: what";
 * the loaded object owns every string and array its kt_backdrop and
 * kt_steps point into, and runs like a catalog scenario.
 */
#ifndef KTSTR_SCENARIO_FILE_H
#define KTSTR_SCENARIO_FILE_H

#include <ktstr/ops.h>
#include <ktstr/result.h>
#include <ktstr/scenario.h>

struct kt_sf_pool;

/* Read-only once loaded; free with kt_scenario_file_free. */
struct kt_scenario_file {
	char *path;	      /* as given to the loader ("(string)" for text) */
	char *name;	      /* the result header's scenario name */
	char *description;    /* one line */
	uint64_t duration_ns; /* duration_s; 0 = not given */
	unsigned workers;     /* per cgroup; 0 = not given */
	struct kt_assert assert;     /* the file's layer of the checks */
	struct kt_backdrop backdrop; /* zero when the file has none */
	struct kt_steps steps;	     /* at least one */
	struct kt_sf_pool *pool;     /* owns everything above */
	/* "map_writes" / "wait_for_map_write": BPF map writes applied to
	 * the scheduler when the scenario starts (<ktstr/map_write.h>) */
	struct kt_map_writes map_writes;
	bool wait_for_map_write;
};

/* Largest file accepted (a scenario is a few KiB). */
#define KT_SCENARIO_FILE_MAX_BYTES (1u << 20)

/*
 * Load and check the file at path. 0 with *out set, or -EINVAL with a
 * kt_last_error() message "PATH:LINE:COLUMN: key.path: problem" (syntax
 * errors carry jansson's position), -errno when it cannot be read. *out
 * is NULL on failure.
 */
int kt_scenario_file_load(const char *path, struct kt_scenario_file **out);
/* The same for text (len bytes); origin names it in messages. */
int kt_scenario_file_parse(const char *text, size_t len, const char *origin,
			   struct kt_scenario_file **out);
void kt_scenario_file_free(struct kt_scenario_file *sf); /* NULL ok */
/*
 * What needs the topology to check: every memory policy's nodes exist in
 * topo (a VM's, known before it boots). 0 or -EINVAL with a message naming
 * the file, the step and the cgroup.
 */
int kt_scenario_file_check_topo(const struct kt_scenario_file *sf,
				const struct kt_topo_spec *topo);
/*
 * The programs of the file's RunPayload ops, each once, in order (the
 * strings are the file's; the array is the caller's to free). NULL when
 * out of memory.
 */
const char **kt_scenario_file_programs(const struct kt_scenario_file *sf,
				       size_t *nr);
void kt_scenario_file_freep(struct kt_scenario_file **sf);

/* Is this command-line word a scenario file (ends in ".json" or holds a
 * '/') rather than a catalog name? */
bool kt_scenario_file_is_path(const char *word);

/*
 * About how long the scenario runs for a run duration of `duration` ns:
 * the longer of the duration and the sum of its non-loop holds (fixed
 * holds may add up to more). For host-side watchdogs.
 */
uint64_t kt_scenario_file_budget_ns(const struct kt_scenario_file *sf,
				    uint64_t duration);

/*
 * Run sf with ctx like kt_run_scenario runs a catalog scenario: the header
 * names sf->name, the checks are sf->assert merged over ctx->assert, an
 * error becomes an INFRA detail. ctx->duration and ctx->workers_per_cgroup
 * are used as given (the runner puts the file's values there when the
 * command line did not set them).
 */
int kt_scenario_file_run(const struct kt_scenario_file *sf,
			 const struct kt_ctx *ctx, const char *topo_name,
			 const char *sched_name, struct kt_result *res);

#endif
