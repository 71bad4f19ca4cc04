/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The run plan the host writes into the initramfs (/ktstr/plan.json, see
 * docs/protocol.md): what the guest should do once it is up.
 */
#ifndef KTSTR_GUEST_PLAN_H
#define KTSTR_GUEST_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include <ktstr/check.h>

#define KT_PLAN_PATH	"/ktstr/plan.json"
#define KT_PLAN_VERSION 1

enum kt_plan_mode {
	KT_PLAN_RUN,   /* run catalog scenarios, send results */
	KT_PLAN_SHELL, /* a shell: one command (exec) or interactive */
	KT_PLAN_PANIC, /* crash the kernel after boot (harness tests) */
	KT_PLAN_TEST,  /* run one registered KTSTR_TEST (test binaries) */
};

/* "sched": the scheduler to start before the scenarios (NULL = EEVDF). */
struct kt_plan_sched {
	char *path;  /* in the guest, e.g. "/ktstr/scheduler" */
	char *name;  /* the definition's name */
	char *label; /* for reports: "name" or "name+flags" */
	char **args; /* without argv[0], NULL-terminated */
	size_t nr_args;
	uint64_t attach_timeout_ns; /* 0 = the library default */
	bool has_assert;
	struct kt_assert assert; /* the scheduler layer of the checks */
};

struct kt_plan {
	int version;
	enum kt_plan_mode mode;
	char **scenarios; /* catalog names; none = the default set */
	size_t nr_scenarios;
	char **scenario_files; /* guest paths of scenario files */
	size_t nr_scenario_files;
	uint64_t duration_ns; /* 0 = the runner's default */
	unsigned workers;     /* per cgroup; 0 = the runner's default */
	bool keep_going;      /* no end at the evidence: full durations */
	char *work_type;      /* swappable cgroups' work kind; NULL = theirs */
	char *accel;	      /* "tcg", "tcg-multi", "kvm"; NULL = unknown */
	char *topo;	      /* label for reports; NULL = read from sysfs */
	char *exec; /* shell mode: one-shot command; NULL = interactive */
	char *test; /* test mode: the KTSTR_TEST name (required there) */
	struct kt_plan_sched *sched; /* NULL = no scheduler (EEVDF) */
	/* "payloads": {PROGRAM: GUEST_PATH}: the binaries the host copied
	 * in for the scenarios' payloads (kt_payload_provide) */
	char **payload_programs;
	char **payload_paths;
	size_t nr_payloads;
	/* "monitor_symbols": the host monitor is on; the guest sends these
	 * symbols' addresses from /proc/kallsyms (`ksyms`) and marks its
	 * scenario and step in the domainname (docs/monitor.md) */
	char **monitor_symbols;
	size_t nr_monitor_symbols;
	/* "wedge_after_ms" (self-test, 0 = off): wedge the guest's
	 * userspace this long after the first scenario starts */
	uint64_t wedge_after_ms;
	bool no_trace; /* "no_trace": no flight recorder (docs/recorder.md) */
};

const char *kt_plan_mode_name(enum kt_plan_mode m);

/*
 * Parse a plan from text; origin names it in messages (a path). Unknown
 * keys are ignored, a null value counts as absent. A wrong type, a bad
 * value, a missing or unsupported "version" or malformed JSON (with its
 * line and column) returns -EINVAL with a kt_last_error() message naming
 * the key. On failure *out is left empty (safe to kt_plan_free).
 */
int kt_plan_parse(const char *text, const char *origin, struct kt_plan *out);
/* Read and parse the file at path (-errno with a message if unreadable). */
int kt_plan_load(const char *path, struct kt_plan *out);
void kt_plan_free(struct kt_plan *p);

#endif
