/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Binary payloads: real programs (stress-ng, cyclictest, rt-app, schbench
 * or any other) that a scenario runs inside one of its cgroups beside its
 * workers (the RunPayload / WaitPayload / KillPayload ops, <ktstr/ops.h>).
 * This header owns what the ops and the host share: the payload kinds, the
 * metrics parsed from a payload's output (one pure parser per kind), the
 * bounds a scenario puts on them, and how a program name becomes the path
 * of a binary (on the host: absolute or through PATH; in a VM guest: the
 * copy the host put into the initramfs).
 */
#ifndef KTSTR_PAYLOAD_H
#define KTSTR_PAYLOAD_H

#include <ktstr/common.h>

/* The kind decides how the output is parsed into metrics. */
enum kt_payload_kind {
	KT_PAYLOAD_GENERIC = 0, /* no metrics: exit status and output only */
	KT_PAYLOAD_STRESS_NG,	/* --metrics --yaml: bogo-ops/s per stressor */
	KT_PAYLOAD_CYCLICTEST,	/* histogram (-h) or summary: latency us */
	KT_PAYLOAD_RT_APP,	/* per-thread logs: slack, wake-up latency */
	KT_PAYLOAD_SCHBENCH,	/* wakeup/request percentiles, rps */
	KT_PAYLOAD__COUNT,
};
/* "generic", "stress-ng", "cyclictest", "rt-app", "schbench";
 * "unknown" outside the enum */
const char *kt_payload_kind_name(enum kt_payload_kind k);
/* The kind named name; -EINVAL with a message listing the names. */
int kt_payload_kind_parse(const char *name, enum kt_payload_kind *out);

/* One parsed number: "cpu.bogo_ops_s", "latency_p99_us", ... */
struct kt_payload_metric {
	char name[64];
	char unit[16];
	double value;
	bool higher_is_better; /* how compare judges a change */
};
struct kt_payload_metrics {
	size_t nr;
	struct kt_payload_metric *v;
};
/* Set name (copied, truncated to 63 chars) to value: replaces an earlier
 * value of the same name. -ENOMEM. */
int kt_payload_metrics_set(struct kt_payload_metrics *m, const char *name,
			   const char *unit, double value,
			   bool higher_is_better);
const struct kt_payload_metric *
kt_payload_metrics_get(const struct kt_payload_metrics *m, const char *name);
void kt_payload_metrics_free(struct kt_payload_metrics *m);

/*
 * The parsers: pure functions of a tool's text. Each returns 0 with the
 * metrics added to out, or -EINVAL with a message when the text holds
 * none of what the tool writes (so an empty or truncated output is an
 * error the scenario reports, never a silent zero).
 *
 * stress-ng's --yaml file: per stressor S, S.bogo_ops_s (real time),
 * S.bogo_ops_s_cpu (usr+sys time), S.bogo_ops.
 */
int kt_payload_parse_stress_ng(const char *yaml,
			       struct kt_payload_metrics *out);
/*
 * cyclictest's output: with -h, the histogram ("# Total", "# Min/Avg/Max
 * Latencies", the bucket rows and "# Histogram Overflows") gives
 * latency_{min,avg,max,p99}_us over all threads (p99 past the histogram's
 * range is the max, the only bound known); without it, the closing "T: N
 * ... Min: Avg: Max:" summary lines give min, avg (weighted by cycles)
 * and max. Samples counts as samples.
 */
int kt_payload_parse_cyclictest(const char *text,
				struct kt_payload_metrics *out);
/*
 * One rt-app 1.0 thread log (the text file rt-app writes per thread in
 * its logdir: a "#idx perf run period start end rel_st slack c_duration
 * c_period wu_lat" header and one row per period). For task T:
 * T.slack_min_us, T.slack_avg_us, T.wu_lat_avg_us, T.wu_lat_max_us,
 * T.periods. Values rt-app printed as unsigned wrap-arounds of negative
 * numbers are read back as negative.
 */
int kt_payload_parse_rt_app_log(const char *text, const char *task,
				struct kt_payload_metrics *out);
/*
 * schbench's report (the last one printed wins): wakeup_pN_us,
 * request_pN_us for each percentile line (p50, p90, p99, p999 for 99.9),
 * wakeup/request min and max, rps_pN and average_rps.
 */
int kt_payload_parse_schbench(const char *text, struct kt_payload_metrics *out);

/* A bound on one metric; the payload FAILs when its value is outside. */
struct kt_payload_bound {
	const char *metric; /* "cpu.bogo_ops_s" */
	bool has_min, has_max;
	double min, max;
};
#define KT_PAYLOAD_MIN(m, lo)                                                  \
	((struct kt_payload_bound){.metric = (m), .has_min = true, .min = (lo)})
#define KT_PAYLOAD_MAX(m, hi)                                                  \
	((struct kt_payload_bound){.metric = (m), .has_max = true, .max = (hi)})
#define KT_PAYLOAD_RANGE(m, lo, hi)                                            \
	((struct kt_payload_bound){.metric = (m),                              \
				   .has_min = true,                            \
				   .has_max = true,                            \
				   .min = (lo),                                \
				   .max = (hi)})

/* The bounds of one payload: KT_PAYLOAD_BOUNDS(KT_PAYLOAD_MIN(...), ...) */
struct kt_payload_bounds {
	size_t nr;
	const struct kt_payload_bound *v;
};
#define KT_PAYLOAD_BOUNDS(...)                                                 \
	((struct kt_payload_bounds){                                           \
	    .nr = sizeof((struct kt_payload_bound[]){__VA_ARGS__}) /           \
		  sizeof(struct kt_payload_bound),                             \
	    .v = (struct kt_payload_bound[]){__VA_ARGS__}})
/* The arguments after argv[0]: KT_PAYLOAD_ARGS("--cpu", "1") */
#define KT_PAYLOAD_ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})
/* A KTSTR_TEST's programs (struct kt_test .payloads) */
#define KT_PAYLOAD_PROGRAMS(...) KT_PAYLOAD_ARGS(__VA_ARGS__)

/* The file name .input is written to, in the payload's directory. */
#define KT_PAYLOAD_INPUT_FILE "input"

/*
 * What RunPayload starts (<ktstr/ops.h>). Zero fields are the defaults.
 * The program runs with its own directory as working directory (rt-app's
 * logdir "./", stress-ng's --yaml file land there); input, when set, is
 * written to the file "input" there first. stress-ng gets "--metrics
 * --yaml stress-ng.yaml" added unless its args name --yaml / -Y.
 */
struct kt_payload_spec {
	const char *name;	   /* what WaitPayload / KillPayload name */
	enum kt_payload_kind kind; /* default generic */
	const char *program;	   /* a path, or a name looked up in PATH */
	const char *const *args;   /* NULL-terminated, or NULL for none */
	const char *input;	   /* optional text -> ./input */
	struct kt_payload_bounds bounds;
};

/*
 * Where program (as a scenario names it) is: a name given to
 * kt_payload_provide() first (a VM guest: the copy in its initramfs),
 * else a path with a '/' as is, else the first match in $PATH. It must be
 * an executable regular file. 0 with the path in out, or -ENOENT with a
 * message naming the program and the fix.
 */
int kt_payload_resolve(const char *program, char *out, size_t len);
/* Say that program lives at path here (the guest's plan does this for
 * every binary the host copied in). -ENOMEM. */
int kt_payload_provide(const char *program, const char *path);

/*
 * The programs catalog scenario `scenario` runs as payloads
 * (NULL-terminated; empty for a scenario without payloads), so the host
 * can put them into a VM's initramfs before it boots.
 */
const char *const *kt_catalog_payload_programs(const char *scenario);

#endif
