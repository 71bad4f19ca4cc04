/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Results directories. Every VM of `ktstr vm --results DIR` and of
 * `ktstr gauntlet` writes one sidecar JSON file into DIR: its results
 * and per-scenario metrics, the variant (preset, profile, work-type
 * override, kernel release and image sha256, scheduler binary sha256 and
 * args), the host (CPU model, cores, accel), the ktstr version, the
 * timestamps and the arguments that replay it. A directory is what
 * `ktstr stats`, `ktstr compare` and `ktstr replay` read.
 */
#ifndef KTSTR_RESULTS_H
#define KTSTR_RESULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <ktstr/sched.h>
#include <ktstr/vm.h>

struct json_t;

#define KT_SIDECAR_FORMAT 1

/* ---- writing ---- */

struct kt_sidecar_opts {
	const char *preset;		  /* NULL: the shape is no preset */
	const char *topo;		  /* "1n2l2c1t" */
	const char *work_type;		  /* the override, NULL = none */
	const char *kernel;		  /* the image that booted */
	const struct kt_sched_def *sched; /* NULL = EEVDF */
	kt_sched_mask sched_flags;
	const char *const *sched_extra_args; /* NULL-terminated or NULL */
	uint64_t duration_ns;		     /* as asked; 0 = the default */
	/* `ktstr` arguments that rerun this VM ("vm", "--topo", ...) */
	const char *const *replay_args;
	size_t nr_replay_args;
	struct timespec started, finished; /* CLOCK_REALTIME */
};

/*
 * Write r's sidecar into dir (created if missing) as
 * PRESET.LABEL[.WORKTYPE].kSHA8.rN.json with the first free N (files are
 * created exclusively, so parallel VMs of one variant never clash; the
 * file appears whole, by rename). path gets its name. 0 or -errno with
 * a message naming the directory.
 */
int kt_sidecar_write(const char *dir, const struct kt_sidecar_opts *o,
		     const struct kt_vm_result *r, char *path, size_t len);

/* ---- metrics of one scenario result ---- */

enum kt_metric {
	KT_METRIC_WORK_RATE = 0, /* work units per second, all cgroups */
	KT_METRIC_P99_WAKE_US,	 /* worst cgroup's p99 wake latency */
	KT_METRIC_MAX_GAP_MS,	 /* longest gap of any worker */
	KT_METRIC_SPREAD_PCT,	 /* worst cgroup's fairness spread */
	KT_METRIC_MIGRATIONS,	 /* migrations per second, all cgroups */
	KT_METRIC__COUNT,
};
struct kt_metric_desc {
	const char *name; /* "work_rate", ... */
	const char *unit;
	bool higher_is_better;
	/* compare's default gate: a change smaller than this (relative,
	 * percent of the base mean; or absolute, in the metric's unit)
	 * is never a regression, however small its p-value */
	double min_change_pct;
	double min_change_abs;
};
const struct kt_metric_desc *kt_metric_desc(enum kt_metric m);
/* By name; KT_METRIC__COUNT if unknown. */
enum kt_metric kt_metric_by_name(const char *name);

/* The metrics of one scenario result object (as kt_result_to_json
 * writes it); has[m] is false when the result has no such number (no
 * stats, no wake samples). */
struct kt_metrics {
	double v[KT_METRIC__COUNT];
	bool has[KT_METRIC__COUNT];
};
void kt_metrics_of_result(const struct json_t *result, struct kt_metrics *m);

/* ---- reading ---- */

/* One sidecar, as loaded. */
struct kt_sidecar {
	char *path;
	struct json_t *root;
	char *variant; /* "topo=llc sched=scx-ktstr+slow work=- kernel=6.x" */
	/* the variant's parts, for grouping: preset-or-topo, profile label,
	 * work type ("-"), kernel release */
	char *part[4];
};
struct kt_results {
	struct kt_sidecar *s;
	size_t nr;
};
/* Load every *.json sidecar of the directories; a file that is not a
 * sidecar (no "format") is skipped, a broken one is -EINVAL naming it,
 * no sidecar at all is -ENOENT naming the directories. */
int kt_results_load(const char *const *dirs, size_t nr_dirs,
		    struct kt_results *out);
/* Load one sidecar file. */
int kt_sidecar_load(const char *path, struct kt_sidecar *out);
void kt_sidecar_free(struct kt_sidecar *s);
/* A string member of a sidecar's JSON object, or "-" (never NULL). */
const char *kt_sidecar_str(const struct json_t *obj, const char *key);
/* The kernel image and scheduler binary the sidecar names still have
 * their recorded sha256: 0, or -ESTALE / -ENOENT naming the file. */
int kt_sidecar_verify(const struct kt_sidecar *s);
void kt_results_free(struct kt_results *r);

/* ---- stats ---- */

/* Text: the variant x scenario verdict matrix and each metric's
 * distribution (n, mean, sd, min, median, max) per scenario and variant. */
void kt_results_print_stats(const struct kt_results *r, FILE *out);
/* The matrix alone. */
void kt_results_print_matrix(const struct kt_results *r, FILE *out);
struct json_t *kt_results_stats_json(const struct kt_results *r);

/* ---- compare ---- */

struct kt_compare_opts {
	double alpha; /* significance level; 0 = 0.05 */
	/* per-metric gate overrides: < 0 = the metric's default */
	double min_change_pct[KT_METRIC__COUNT];
	bool mann_whitney;   /* instead of Welch's t-test */
	FILE *out;	     /* the report (NULL = stdout) */
	struct json_t *json; /* if non-NULL, an array the rows go into */
};
/* The host's load, as the share of a VM's wall time its QEMU threads
 * waited for a host CPU, may differ by this many points between the
 * sides of a group before its metrics say more about the host than about
 * the scheduler (under TCG the guest runs only while QEMU does: a VM
 * that waited 5% more did about 5% less work, a fifth of compare's 25% gate
 * on work_rate). */
#define KT_COMPARE_HOST_WAIT_PTS 5.0

struct kt_compare_outcome {
	size_t regressions;
	/* groups whose metrics were not judged: the host's load on the VMs
	 * differed by more than KT_COMPARE_HOST_WAIT_PTS */
	size_t inconclusive;
};

/*
 * Compare new against base, scenario by scenario and variant by
 * variant. Variant parts that take one value on each side and differ
 * (the A/B under test: profile default vs slow, kernel A vs B) are not
 * matched on. Prints a row per scenario, variant and metric, one
 * `REGRESSION` line per significant regression naming the metric, the
 * scenario, the variant, both means and the p-value, and one
 * `INCONCLUSIVE` line per group whose VMs the host loaded differently.
 * 0, or -errno when nothing could be matched.
 */
int kt_results_compare(const struct kt_results *base,
		       const struct kt_results *nw,
		       const struct kt_compare_opts *o,
		       struct kt_compare_outcome *out);

#endif
