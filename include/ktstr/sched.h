/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Schedulers under test: the definition (binary, args, flags with
 * `requires`, sysctls, kernel args, assert overrides, topology
 * constraints), its flag profiles and JSON form, and the in-guest
 * lifecycle (start, attach check, monitor for death or ejection, stop).
 * EEVDF is "no scheduler": a definition without a binary.
 */
#ifndef KTSTR_SCHED_H
#define KTSTR_SCHED_H

#include <sys/types.h>

#include <ktstr/check.h>
#include <ktstr/common.h>
#include <ktstr/result.h>
#include <ktstr/topo.h>

/* ---- definitions ---- */

#define KT_SCHED_MAX_FLAGS	      16
#define KT_SCHED_DEFAULT_ATTACH_NS    KT_SEC(5)
#define KT_SCHED_DEFAULT_ALIVE_NS     KT_SEC(1)
#define KT_SCHED_DEFAULT_STOP_WAIT_NS KT_SEC(10)

struct kt_sched_flag {
	char *name;
	char **args; /* appended to the scheduler's argv when active */
	size_t nr_args;
	char **requires; /* names of other flags that must be active too */
	size_t nr_requires;
};

struct kt_sysctl {
	char *key; /* "kernel.sched_schedstats" */
	char *val;
};

/* Topology constraints; 0 / false = no constraint. */
struct kt_sched_topo_req {
	unsigned min_cpus, max_cpus;
	unsigned min_llcs, max_llcs;
	unsigned min_nodes, max_nodes;
	bool requires_smt;
};

struct kt_sched_def {
	char *name;   /* "eevdf" for EEVDF */
	char *binary; /* host path; NULL = EEVDF (no scheduler) */
	char **args;  /* always passed, before flag args */
	size_t nr_args;
	struct kt_sched_flag *flags;
	size_t nr_flags;
	struct kt_sysctl *sysctls; /* applied in order (kernel cmdline) */
	size_t nr_sysctls;
	char **kargs; /* extra kernel command line words */
	size_t nr_kargs;
	struct kt_assert assert; /* the scheduler layer of the checks */
	struct kt_sched_topo_req topo;
	uint64_t attach_timeout_ns; /* 0 = KT_SCHED_DEFAULT_ATTACH_NS */
};

/* An empty definition named name (NULL = "eevdf"), no binary. */
int kt_sched_def_init(struct kt_sched_def *d, const char *name);
/* A definition with just this binary, named after its basename. */
int kt_sched_def_from_binary(struct kt_sched_def *d, const char *path);
void kt_sched_def_free(struct kt_sched_def *d); /* members; d reusable */
static inline bool kt_sched_def_is_eevdf(const struct kt_sched_def *d)
{
	return !d || !d->binary;
}

/* Builders (copy their arguments). args/requires are NULL-terminated
 * arrays (NULL = none). */
int kt_sched_def_add_arg(struct kt_sched_def *d, const char *arg);
int kt_sched_def_add_flag(struct kt_sched_def *d, const char *name,
			  const char *const *args, const char *const *requires);
int kt_sched_def_add_sysctl(struct kt_sched_def *d, const char *key,
			    const char *val);
int kt_sched_def_add_karg(struct kt_sched_def *d, const char *karg);

/*
 * Check a definition: a name, unique flag names (at most
 * KT_SCHED_MAX_FLAGS, no ',' '+' or spaces), every `requires` naming
 * another flag, sysctl keys non-empty without '=' or spaces. -EINVAL with
 * a message naming the offending item.
 */
int kt_sched_def_validate(const struct kt_sched_def *d);

/* ---- flag profiles ---- */

/* Active flags as a bit mask over d->flags (bit i = flag i). */
typedef uint32_t kt_sched_mask;

/* Does mask honour every active flag's `requires`? */
bool kt_sched_mask_valid(const struct kt_sched_def *d, kt_sched_mask mask);

struct kt_sched_profile {
	kt_sched_mask mask;
	char *name; /* "default" or "a+b" (definition order) */
};

/* Every valid subset, fewest flags first ("default" first), then in
 * definition order. Free with kt_sched_profiles_free. */
int kt_sched_profiles(const struct kt_sched_def *d,
		      struct kt_sched_profile **out, size_t *nr);
void kt_sched_profiles_free(struct kt_sched_profile *p, size_t nr);

/* The profile name of mask into buf ("default" or "a+b"). */
int kt_sched_profile_name(const struct kt_sched_def *d, kt_sched_mask mask,
			  char *buf, size_t len);

/*
 * Parse a flag list "a,b" (or "a+b"; "" / "default" = none) into a mask.
 * Unknown flag: -EINVAL naming it and the known ones; a flag whose
 * `requires` is not in the list: -EINVAL naming both.
 */
int kt_sched_flags_parse(const struct kt_sched_def *d, const char *text,
			 kt_sched_mask *out);

/* Report label: "name" for the default profile, else "name+a+b". */
int kt_sched_label(const struct kt_sched_def *d, kt_sched_mask mask, char *buf,
		   size_t len);

/*
 * The scheduler's arguments (without argv[0]): d->args, then extra
 * (NULL-terminated, may be NULL; e.g. --sched-arg), then the args of the
 * active flags in definition order. *out is a NULL-terminated malloc'd
 * array of copies; free with kt_sched_argv_free.
 */
int kt_sched_argv(const struct kt_sched_def *d, kt_sched_mask mask,
		  const char *const *extra, char ***out, size_t *nr);
void kt_sched_argv_free(char **argv);

/* Kernel command line words for d: "sysctl.K=V" per sysctl, then kargs,
 * space-separated (malloc'd, "" when none). */
char *kt_sched_kernel_append(const struct kt_sched_def *d);

/* Does spec satisfy d's constraints? When not, a sentence saying why
 * ("needs at least 4 cpus, topology 1n1l2c1t has 2") goes into reason. */
bool kt_sched_topo_ok(const struct kt_sched_def *d,
		      const struct kt_topo_spec *spec, char *reason,
		      size_t len);

/* ---- JSON form ---- */

/*
 * Load a definition from a JSON file (format: docs/scheduler.md). Syntax
 * errors name file:line:column; unknown keys and wrong types name the key
 * path ("flags[1].requires"). A relative "binary" is resolved against the
 * file's directory. -EINVAL (or -errno) with the message.
 */
int kt_sched_def_load(const char *path, struct kt_sched_def *out);
/* The same from text; origin names it in messages, base_dir resolves a
 * relative binary (NULL = as written). */
int kt_sched_def_parse(const char *text, const char *origin,
		       const char *base_dir, struct kt_sched_def *out);
/* Does the file at path look like a JSON definition (".json" suffix, or
 * its first non-blank byte is '{')? */
bool kt_sched_file_is_json(const char *path);

/* ---- in-guest lifecycle ---- */

enum kt_sched_phase {
	KT_SCHED_PHASE_START,  /* exec / first second */
	KT_SCHED_PHASE_ATTACH, /* alive but not attached in time */
	KT_SCHED_PHASE_RUN,    /* died or ejected while scenarios ran */
	KT_SCHED_PHASE_STOP,   /* did not detach when stopped */
};
const char *kt_sched_phase_name(enum kt_sched_phase p); /* "start", ... */

/* Why the scheduler is gone (filled once, then immutable). */
struct kt_sched_exit {
	enum kt_sched_phase phase;
	uint64_t at_ns;	     /* kt_now_ns() when it was noticed */
	uint64_t at_ms;	     /* since the scheduler was started */
	bool ejected;	     /* the kernel disabled it (an error exit) */
	char *event;	     /* "ejected", "died", "detached", ... */
	char *why;	     /* "runnable task stall (ktstr: ...)" */
	char *reason;	     /* one line: event, time and why together */
	char **kernel_lines; /* sched_ext lines from the kernel log */
	size_t nr_kernel_lines;
	char **log_tail; /* last lines of the scheduler's output */
	size_t nr_log_tail;
	/* the kernel's debug dump of an ejection (tracepoint, else the
	 * loader's DEBUG DUMP block), or NULL */
	struct kt_result_dump *dump;
};

struct kt_sched_run_opts {
	const char *path;	    /* binary to exec */
	const char *name;	    /* for messages (NULL = basename of path) */
	const char *const *args;    /* NULL-terminated, without argv[0] */
	uint64_t attach_timeout_ns; /* 0 = KT_SCHED_DEFAULT_ATTACH_NS */
	uint64_t alive_ns;	    /* 0 = KT_SCHED_DEFAULT_ALIVE_NS */
	uint64_t stop_wait_ns;	    /* 0 = KT_SCHED_DEFAULT_STOP_WAIT_NS */
	uint64_t poll_ns;	    /* 0 = 50 ms */
	const char *log_path;	    /* NULL = "/tmp/sched.log" */
	const char *scx_dir;	    /* NULL = "/sys/kernel/sched_ext" */
	const char *kmsg_path;	    /* NULL = "/dev/kmsg" ("" = none) */
	unsigned log_tail_lines;    /* 0 = 40 */
	/* tracefs root for the sched_ext debug dumps (kt_scx_dump_capture_
	 * start); NULL = no dumps captured (tests on a host) */
	const char *dump_tracefs;
};

struct kt_sched_run;

/*
 * The running kernel's sched_ext in sysfs (root: "/" or a test tree;
 * NULL = "/"). Attached: /sys/kernel/sched_ext/state reads "enabled";
 * *switch_all (may be NULL) gets 1 (every task), 0 (SCHED_EXT tasks
 * only) or -1 (unknown).
 */
bool kt_scx_attached(const char *root, int *switch_all);

/* The root scheduler's event counters, names without "SCX_EV_". */
#define KT_SCX_EVENTS_MAX 32
struct kt_scx_event {
	char name[48]; /* "SELECT_CPU_FALLBACK" */
	uint64_t value;
};
struct kt_scx_events {
	size_t nr;
	struct kt_scx_event ev[KT_SCX_EVENTS_MAX];
};
/* Read them; -errno with a message when there is no such file. */
int kt_scx_events_read(const char *root, struct kt_scx_events *out);
/* One counter by name (case-insensitive, no prefix); 0 when absent. */
uint64_t kt_scx_events_get(const struct kt_scx_events *e, const char *name);

/*
 * Whether the scheduler under test is gone (died or ejected), process-wide
 * and signal- and thread-safe: the monitor marks it, holds end at once
 * when it is set (kt_ctx_hold), and a new scheduler clears it.
 */
void kt_sched_mark_gone(void);
void kt_sched_clear_gone(void);
bool kt_sched_is_gone(void);
/* When it was first marked gone (CLOCK_MONOTONIC ns), 0 when not. */
uint64_t kt_sched_gone_at_ns(void);

/*
 * Start the scheduler (stdout+stderr to the log file), require it alive
 * for alive_ns and attached (scx_dir/state "enabled" and root/ops
 * non-empty) within attach_timeout_ns, then watch it from a monitor
 * thread until kt_sched_stop. Returns 0 when attached; -ESRCH when the
 * scheduler failed (exec error, exited, never attached: see
 * kt_sched_run_exit); other -errno when it could not be tried. *out is
 * set on 0 and -ESRCH (free with kt_sched_run_free).
 *
 * While the monitor runs, a death (the process ended) or an ejection
 * (state left "enabled", or the kernel logged the disable line) is
 * recorded once with the kernel's reason and detail lines and the log
 * tail, and kt_sched_mark_gone() makes running holds end at once.
 */
int kt_sched_start(const struct kt_sched_run_opts *o,
		   struct kt_sched_run **out);
pid_t kt_sched_run_pid(const struct kt_sched_run *r);
/* Still attached and alive (as far as the monitor knows)? */
bool kt_sched_run_alive(const struct kt_sched_run *r);
/* Has the attach been seen: ms from start to attach. */
uint64_t kt_sched_run_attach_ms(const struct kt_sched_run *r);
/*
 * Why it is gone, or NULL while it is fine. After a death or ejection the
 * monitor keeps reading the kernel log and the scheduler's output for a
 * short while; this waits (up to about 1 s) until that record is final.
 */
const struct kt_sched_exit *kt_sched_run_exit(struct kt_sched_run *r);
/*
 * A clean end: stop the monitor, SIGINT the scheduler, SIGKILL it after
 * stop_wait_ns, and require the state to be "disabled" (else -ESRCH with
 * a STOP-phase exit: "scheduler did not detach"). A scheduler already gone
 * is just reaped (returns 0; its exit record stays).
 */
int kt_sched_stop(struct kt_sched_run *r);
/* Kills and reaps whatever is left, joins the monitor; NULL ok. */
void kt_sched_run_free(struct kt_sched_run *r);

/* One-line detail for a result, relative to since_ns (a scenario's
 * start; 0 = the scheduler's start): "scheduler ejected at +3.2s:
 * runnable task stall (ktstr: kworker/0:1[42] failed to run for 5.0s)".
 */
int kt_sched_exit_detail(const struct kt_sched_exit *e, uint64_t since_ns,
			 char *buf, size_t len);

/*
 * Put the exit record into r: a SCHEDULER detail (prefix + the
 * kt_sched_exit_detail line; replaces generic scheduler details a hold
 * added) and NOTE details with the kernel's sched_ext lines and the last
 * lines of the scheduler's output. Call when !kt_sched_run_alive(sched).
 */
int kt_sched_exit_to_result(struct kt_sched_run *sched, uint64_t since_ns,
			    const char *prefix, struct kt_result *r);

/* ---- the kernel log, parsed (pure; for the monitor and tests) ---- */

/* The message text of one /dev/kmsg record ("6,123,456,-;text"), with
 * continuation lines dropped; NULL when it is not a record. Points into
 * rec (which is modified). */
char *kt_kmsg_text(char *rec);
/* Is text a sched_ext line ("sched_ext: ...")? */
bool kt_kmsg_is_scx(const char *text);
/* `sched_ext: BPF scheduler "NAME" disabled (REASON)`: copy REASON (and
 * NAME, may be NULL) and return true. */
bool kt_kmsg_scx_disabled(const char *text, char *name, size_t name_len,
			  char *reason, size_t reason_len);

/* ---- sched_ext debug dumps (docs/dumps.md) ---- */

/*
 * The kernel's scx_dump_state writes a dump (exit reason and backtrace,
 * the scheduler's ops.dump lines, each CPU with its tasks, the event
 * counters) one line per sched_ext_dump trace event, and only while that
 * event is enabled; an error exit's dump also goes into the exit info's
 * buffer (the loader's "DEBUG DUMP"), SysRq-D's only to the tracepoint.
 */

/* The dump line of one trace_pipe line of the sched_ext_dump event
 * ("  <idle>-0 [001] d.h1.  12.3: sched_ext_dump: CPU 1 ..." -> "CPU 1
 * ..."), or NULL when the line is not that event. */
const char *kt_scx_trace_dump_text(const char *line);

/*
 * Splitting a stream of dump lines into dumps: one starts at the kernel's
 * header, "Debug dump triggered by SysRq-D" (trigger "SysRq-D") or
 * "COMM[PID] triggered exit kind N ..." (trigger "ejection", its reason
 * from the next line), with the line "NAME: root" / "NAME: subN-..."
 * before it on kernels with sub-schedulers. Lines before any header are
 * dropped.
 */
struct kt_scx_dump_split;
struct kt_scx_dump_split *kt_scx_dump_split_new(const char *source);
void kt_scx_dump_split_free(struct kt_scx_dump_split *s);
int kt_scx_dump_split_line(struct kt_scx_dump_split *s, const char *line);
/* The newest dump of trigger read so far, taken out (free it with
 * kt_result_dump_free), or NULL. */
struct kt_result_dump *kt_scx_dump_split_take(struct kt_scx_dump_split *s,
					      const char *trigger);

/* The last debug dump a loader printed: scx-ktstr's "NAME: DEBUG DUMP" ..
 * "NAME: END DEBUG DUMP", or the scx tools' UEI_REPORT "DEBUG DUMP", a
 * "====" rule, the dump, a "====" rule. An "ejection" dump from source
 * "loader" with reason, or NULL when log has none. */
struct kt_result_dump *kt_scx_dump_from_log(const char *log,
					    const char *reason);

/*
 * The capture (one per process, thread-safe): a tracefs instance of its
 * own, tracefs/instances/ktstr-dump, with only sched_ext:sched_ext_dump
 * enabled, read through its trace_pipe. kt_sched_start starts it when
 * its options name a tracefs; kt_sched_run_free stops it (and removes the
 * instance). -errno with a message when it cannot (no such event).
 */
int kt_scx_dump_capture_start(const char *tracefs);
void kt_scx_dump_capture_stop(void);
bool kt_scx_dump_capture_on(void);
/* Read what the trace gained, then take the newest dump of trigger. */
struct kt_result_dump *kt_scx_dump_take(const char *trigger);
/*
 * SysRq-D now (when the capture is on and a sched_ext scheduler is
 * attached): write 'D' to /proc/sysrq-trigger, whose handler dumps every
 * scheduler before the write returns, and keep that dump with reason for
 * kt_scx_dump_take_sysrq. 0, or -errno (-ENODEV: no capture or no
 * scheduler; nothing written).
 */
int kt_scx_dump_sysrq(const char *reason);
/* The SysRq-D dump kt_scx_dump_sysrq kept, taken out (or NULL). */
struct kt_result_dump *kt_scx_dump_take_sysrq(void);

#endif
