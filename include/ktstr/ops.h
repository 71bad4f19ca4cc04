/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The ops/steps engine: declarative scenarios built from cgroup
 * definitions (kt_cgroup_def), operations on the cgroup tree (kt_op), and
 * steps that run ops, set up cgroups and hold for a while (kt_step), plus
 * a backdrop that lasts across every step (kt_backdrop).
 *
 * Most scenarios are one call:
 *
 *	return kt_execute_defs(ctx, res,
 *			       KT_DEFS(kt_cgroup_def("cg_0", .workers = 2),
 *				       kt_cgroup_def("cg_1", .workers = 2)));
 *
 * A dynamic one is a list of steps. Each step's own cgroups are removed at
 * its end, so cgroups that later steps act on belong in a backdrop:
 *
 *	struct kt_backdrop bd = kt_backdrop(.defs = KT_DEFS(
 *		kt_cgroup_def("cg_0", .cpuset = KT_CPUSET_DISJOINT(0, 2)),
 *		kt_cgroup_def("cg_1", .cpuset = KT_CPUSET_DISJOINT(1, 2))));
 *
 *	return kt_execute_scenario(ctx, res, &bd, KT_STEPS(
 *		kt_step(.hold = KT_HOLD_FRAC(0.5)),
 *		kt_step(.ops = KT_OPS(KT_OP_SWAP_CPUSETS("cg_0", "cg_1")),
 *			.hold = KT_HOLD_FRAC(0.5))));
 *
 * A step with a LOOP hold sets up its defs once and repeats its ops every
 * interval until the run's duration is used up:
 *
 *	kt_step(.defs = KT_DEFS(kt_cgroup_def("cg_0", .workers = 4)),
 *		.ops = KT_OPS(KT_OP_SET_AFFINITY("cg_0",
 *						 KT_AFFINITY_RANDOM_SUBSET)),
 *		.hold = KT_HOLD_LOOP(KT_MS(200)))
 *
 * Every constructor below yields a value (a compound literal), so specs,
 * defs, ops and steps nest freely inside one call. Compound literals live
 * until the end of the enclosing block: build and execute in one scope.
 * Zero is the default for every field.
 */
#ifndef KTSTR_OPS_H
#define KTSTR_OPS_H

#include <ktstr/map_write.h>
#include <ktstr/payload.h>
#include <ktstr/scenario.h>

/* ---- CpusetSpec -------------------------------------------------------- */

enum kt_cpuset_kind {
	KT_CPUSET_KIND_NONE = 0, /* no cpuset: inherit the parent's */
	KT_CPUSET_KIND_LLC,	 /* LLC index (clamped to the last LLC) */
	KT_CPUSET_KIND_NUMA,	 /* NUMA node index (clamped) */
	KT_CPUSET_KIND_RANGE, /* usable CPUs [len*start_frac, len*end_frac) */
	KT_CPUSET_KIND_DISJOINT, /* part index of `of` (last takes the rest) */
	KT_CPUSET_KIND_OVERLAP, /* disjoint part widened by chunk*frac inward */
	KT_CPUSET_KIND_EXACT,	/* a cpulist ("0-3,5") */
};

/*
 * Resolved against the topology's usable CPUs (kt_topo_usable: all online
 * CPUs but the last when there are more than 2). Build with the macros.
 */
struct kt_cpuset_spec {
	enum kt_cpuset_kind kind;
	unsigned index;	   /* LLC / NUMA / DISJOINT / OVERLAP */
	unsigned of;	   /* DISJOINT / OVERLAP partition count */
	double frac;	   /* OVERLAP widening, [0, 1] */
	double start_frac; /* RANGE, [0, 1] */
	double end_frac;   /* RANGE, (start_frac, 1] */
	const char *exact; /* EXACT cpulist text */
};

#define KT_CPUSET_NONE ((struct kt_cpuset_spec){.kind = KT_CPUSET_KIND_NONE})
#define KT_CPUSET_LLC(i)                                                       \
	((struct kt_cpuset_spec){.kind = KT_CPUSET_KIND_LLC, .index = (i)})
#define KT_CPUSET_NUMA(n)                                                      \
	((struct kt_cpuset_spec){.kind = KT_CPUSET_KIND_NUMA, .index = (n)})
#define KT_CPUSET_RANGE(s, e)                                                  \
	((struct kt_cpuset_spec){                                              \
	    .kind = KT_CPUSET_KIND_RANGE, .start_frac = (s), .end_frac = (e)})
#define KT_CPUSET_DISJOINT(i, n)                                               \
	((struct kt_cpuset_spec){                                              \
	    .kind = KT_CPUSET_KIND_DISJOINT, .index = (i), .of = (n)})
#define KT_CPUSET_OVERLAP(i, n, f)                                             \
	((struct kt_cpuset_spec){.kind = KT_CPUSET_KIND_OVERLAP,               \
				 .index = (i),                                 \
				 .of = (n),                                    \
				 .frac = (f)})
#define KT_CPUSET_EXACT(list)                                                  \
	((struct kt_cpuset_spec){.kind = KT_CPUSET_KIND_EXACT, .exact = (list)})

/*
 * Checks that need no topology: partition count >= 1, index < count,
 * fractions within [0, 1], start < end, an EXACT list that parses and is
 * not empty. -EINVAL with a message ("disjoint cpuset 3 of 3: index 3 >=
 * partition count 3").
 */
int kt_cpuset_spec_check(const struct kt_cpuset_spec *spec);

/*
 * Resolve spec against t into out. NONE yields the empty set and 0.
 * Errors are -EINVAL with the fact sheet's messages: "not enough usable
 * CPUs (4) for 8 partitions", "index 3 >= partition count 3", fractions
 * outside [0, 1], start >= end, a range selecting no CPU, EXACT CPUs that
 * are not online, an LLC/NUMA set with no usable CPU.
 */
int kt_cpuset_spec_resolve(const struct kt_topo *t,
			   const struct kt_cpuset_spec *spec,
			   struct kt_cpuset *out);

/* "none", "llc(0)", "numa(1)", "range(0.25,0.75)", "disjoint(1/2)",
 * "overlap(0/3,0.5)", "exact(0-3)" */
int kt_cpuset_spec_name(const struct kt_cpuset_spec *spec, char *buf,
			size_t len);

/* ---- AffinityKind ------------------------------------------------------ */

enum kt_affinity_kind {
	KT_AFFINITY_KIND_INHERIT = 0,	/* leave the workers' affinity alone */
	KT_AFFINITY_KIND_RANDOM_SUBSET, /* each worker: random half of the pool
					 */
	KT_AFFINITY_KIND_LLC_ALIGNED,	/* the LLC of the pool's first CPU */
	KT_AFFINITY_KIND_CROSS_CGROUP,	/* every online CPU (spans cgroups) */
	KT_AFFINITY_KIND_SINGLE_CPU,	/* the pool's first CPU */
	KT_AFFINITY_KIND_EXACT,		/* a cpulist */
	KT_AFFINITY_KIND__COUNT,
};

/* The pool is the cgroup's cpuset when it has one, else the usable CPUs. */
struct kt_affinity {
	enum kt_affinity_kind kind;
	const char *exact; /* EXACT cpulist text */
};

#define KT_AFFINITY_INHERIT                                                    \
	((struct kt_affinity){.kind = KT_AFFINITY_KIND_INHERIT})
#define KT_AFFINITY_RANDOM_SUBSET                                              \
	((struct kt_affinity){.kind = KT_AFFINITY_KIND_RANDOM_SUBSET})
#define KT_AFFINITY_LLC_ALIGNED                                                \
	((struct kt_affinity){.kind = KT_AFFINITY_KIND_LLC_ALIGNED})
#define KT_AFFINITY_CROSS_CGROUP                                               \
	((struct kt_affinity){.kind = KT_AFFINITY_KIND_CROSS_CGROUP})
#define KT_AFFINITY_SINGLE_CPU                                                 \
	((struct kt_affinity){.kind = KT_AFFINITY_KIND_SINGLE_CPU})
#define KT_AFFINITY_EXACT(list)                                                \
	((struct kt_affinity){.kind = KT_AFFINITY_KIND_EXACT, .exact = (list)})

/* What an affinity kind resolves to (the seed's AffinityMode). */
enum kt_affinity_mode_kind {
	KT_AFFINITY_MODE_NONE = 0, /* do not touch */
	KT_AFFINITY_MODE_FIXED,	   /* every worker gets .cpus */
	KT_AFFINITY_MODE_RANDOM, /* each worker: .count random CPUs of .cpus */
	KT_AFFINITY_MODE_SINGLE, /* every worker gets CPU .cpu */
};
struct kt_affinity_mode {
	enum kt_affinity_mode_kind kind;
	struct kt_cpuset cpus; /* FIXED set / RANDOM pool */
	unsigned count;	       /* RANDOM: > 0 */
	int cpu;	       /* SINGLE */
};

/*
 * Resolve a against t. cgroup_cpus is the cgroup's cpuset (NULL or empty =
 * none; the pool is then the usable CPUs). -EINVAL with a message for an
 * EXACT list that does not parse or names offline CPUs.
 */
int kt_affinity_resolve(const struct kt_topo *t, const struct kt_affinity *a,
			const struct kt_cpuset *cgroup_cpus,
			struct kt_affinity_mode *out);
/*
 * The CPU set worker number `worker` gets under m (RANDOM draws from
 * *seed, a xorshift state updated in place). Returns false for NONE.
 */
bool kt_affinity_pick(const struct kt_affinity_mode *m, unsigned worker,
		      uint64_t *seed, struct kt_cpuset *out);
/* Apply m to every worker of w with kt_workload_set_affinity. */
int kt_affinity_apply(struct kt_workload *w, const struct kt_affinity_mode *m,
		      uint64_t seed);
/* "Inherit", "RandomSubset", "LlcAligned", "CrossCgroup", "SingleCpu",
 * "Exact"; "unknown" outside the enum */
const char *kt_affinity_kind_name(enum kt_affinity_kind k);
/*
 * The kind named name, for the kinds a name alone gives (all but Exact,
 * which needs its CPU list: KT_AFFINITY_EXACT(list)). -EINVAL with a
 * message listing those names.
 */
int kt_affinity_kind_parse(const char *name, enum kt_affinity_kind *out);

/* ---- CgroupDef --------------------------------------------------------- */

struct kt_cgroup_def;

/*
 * cpu.max: a cgroup's tasks may run quota_us of CPU time in every
 * period_us (summed over CPUs). quota_us 0 = not set (the file is left
 * alone); KT_CPU_MAX_INF = "max" (no limit). period_us 0 = 100000.
 * Limits (the kernel's): quota 1000 us or more, period 1000..1000000 us.
 */
#define KT_CPU_MAX_INF UINT64_MAX
struct kt_cpu_max {
	uint64_t quota_us;
	uint64_t period_us;
};
#define KT_CPU_MAX(q, p)                                                       \
	((struct kt_cpu_max){.quota_us = (q), .period_us = (p)})

/* cpuset.cpus.partition: the cgroup's cpuset becomes a scheduling
 * partition (root) or one without load balancing (isolated). */
enum kt_partition {
	KT_PARTITION_NONE = 0, /* leave it ("member") */
	KT_PARTITION_ROOT,
	KT_PARTITION_ISOLATED,
};

/*
 * Parse cpu.max text as the kernel writes it: "QUOTA [PERIOD]" in us or
 * "max [PERIOD]". -EINVAL with a message naming the value and the limits.
 */
int kt_cpu_max_parse(const char *text, struct kt_cpu_max *out);
/* The text written to cpu.max ("50000 100000", "max 100000"). */
int kt_cpu_max_format(const struct kt_cpu_max *m, char *buf, size_t len);
/* "root", "isolated"; NULL for NONE or outside the enum */
const char *kt_partition_name(enum kt_partition p);
/* "root" or "isolated"; -EINVAL with a message listing both. */
int kt_partition_parse(const char *name, enum kt_partition *out);
/*
 * The controller knobs of def in range: cpu.weight 1..10000 (0 = unset),
 * cpu.max quota >= 1000 us and period 1000..1000000 us, a partition only
 * with a cpuset. -EINVAL with a message naming the knob and value.
 */
int kt_cgroup_def_check_ctrl(const struct kt_cgroup_def *def);

/* Create + cpuset + spawn in one. Zero fields are the defaults. */
struct kt_cgroup_def {
	const char *name;	       /* relative to the run's cgroup parent */
	struct kt_cpuset_spec cpuset;  /* default: none */
	unsigned workers;	       /* 0 = ctx->workers_per_cgroup */
	struct kt_work_type work_type; /* default SpinWait */
	struct kt_sched_policy sched_policy; /* default Normal */
	struct kt_affinity affinity;	     /* default Inherit */
	bool swappable; /* ctx->work_type_override replaces work_type */
	struct kt_mem_policy mem_policy; /* default Default (no call) */
	bool threads; /* the workers are threads of one process */
	/* cgroup controllers (ops_cgctl.c); zero = the kernel's default */
	unsigned cpu_weight;	     /* cpu.weight, 1..10000 */
	struct kt_cpu_max cpu_max;   /* cpu.max; .quota_us 0 = leave it */
	struct kt_opt_bool cpu_idle; /* cpu.idle 0/1 */
	enum kt_partition partition; /* cpuset.cpus.partition */
};

/*
 *	kt_cgroup_def("cg_0")
 *	kt_cgroup_def("cg_1", .workers = 4, .cpuset = KT_CPUSET_LLC(1),
 *		      .work_type = KT_WORK(KT_WORK_YIELD_HEAVY),
 *		      .sched_policy = {.kind = KT_POLICY_BATCH},
 *		      .affinity = KT_AFFINITY_SINGLE_CPU, .swappable = true)
 *	kt_cgroup_def("cg_2", .cpu_weight = 200,
 *		      .cpu_max = KT_CPU_MAX(50000, 100000),
 *		      .cpu_idle = KT_SET(false))
 */
#define kt_cgroup_def(n, ...) ((struct kt_cgroup_def){.name = (n), __VA_ARGS__})

struct kt_defs {
	size_t nr;
	const struct kt_cgroup_def *defs;
};
/* KT_DEFS(kt_cgroup_def("a"), kt_cgroup_def("b")); zero-init = no defs. */
#define KT_DEFS(...)                                                           \
	((struct kt_defs){.nr =                                                \
			      sizeof((struct kt_cgroup_def[]){__VA_ARGS__}) /  \
			      sizeof(struct kt_cgroup_def),                    \
			  .defs = (struct kt_cgroup_def[]){__VA_ARGS__}})

/* ---- Op ---------------------------------------------------------------- */

enum kt_op_kind {
	KT_OP_KIND_ADD_CGROUP = 0, /* create cgroup (no workers) */
	KT_OP_KIND_REMOVE_CGROUP,  /* stop + judge its workers, rmdir */
	KT_OP_KIND_SET_CPUSET,	   /* cgroup.cpuset = spec */
	KT_OP_KIND_CLEAR_CPUSET,   /* cgroup's cpuset back to the parent's */
	KT_OP_KIND_SWAP_CPUSETS,   /* exchange cgroup's and other's cpusets */
	KT_OP_KIND_SPAWN,	   /* start .work's workers in cgroup */
	KT_OP_KIND_STOP_CGROUP,	   /* stop + judge its workers, keep it */
	KT_OP_KIND_SET_AFFINITY,   /* apply .affinity to its running workers */
	KT_OP_KIND_SPAWN_HOST,	   /* workers in the run's cgroup parent */
	KT_OP_KIND_MOVE_ALL_TASKS, /* every task of cgroup moves to other */
	KT_OP_KIND_CPU_OFFLINE,	   /* .cpuset's CPUs go offline (hotplug) */
	KT_OP_KIND_CPU_ONLINE,	   /* .cpuset's CPUs come back online */
	KT_OP_KIND_RUN_PAYLOAD,	   /* start .payload in cgroup */
	KT_OP_KIND_WAIT_PAYLOAD,   /* wait for payload .payload.name to exit */
	KT_OP_KIND_KILL_PAYLOAD,   /* stop payload .payload.name */
	KT_OP_KIND_WRITE_MAP,	   /* .map_write into the scheduler's map */
	KT_OP_KIND__COUNT,
};
#define KT_OP_BIT(k) (1u << (k))

/*
 * One operation. cgroup is the target (SWAP: the first, MOVE_ALL: the
 * source); other is SWAP's second cgroup and MOVE_ALL's destination.
 * Spawned workers of SPAWN / SPAWN_HOST take .work as is (the work-type
 * override does not apply); .work.num_workers 0 = ctx->workers_per_cgroup.
 * Workers a SPAWN starts belong to the cgroup: REMOVE/STOP, MOVE_ALL and
 * SET_AFFINITY act on them, and they are judged with the cgroup's cpuset
 * when they stop. SPAWN_HOST workers go to the run's cgroup parent; cgroup
 * v2 refuses that (EBUSY) while the parent has populated children with
 * controllers on, and then they stay in the harness's own cgroup (a NOTE
 * says so). MOVE_ALL's other may be "" (the parent). On a real hierarchy
 * every op's effect is verified (the directory, cpuset.cpus.effective,
 * cgroup.procs, the workers' affinity); a missing effect is an INFRA
 * detail, a worker whose affinity escaped an ISOLATION one.
 */
struct kt_op {
	enum kt_op_kind kind;
	const char *cgroup;
	const char *other;
	struct kt_cpuset_spec cpuset;	/* SET_CPUSET, CPU_OFFLINE/ONLINE */
	struct kt_affinity affinity;	/* SET_AFFINITY */
	struct kt_workload_config work; /* SPAWN / SPAWN_HOST */
	struct kt_payload_spec payload; /* RUN / WAIT / KILL_PAYLOAD */
	struct kt_map_write map_write;	/* WRITE_MAP */
};

#define KT_OP_ADD(n)                                                           \
	((struct kt_op){.kind = KT_OP_KIND_ADD_CGROUP, .cgroup = (n)})
#define KT_OP_REMOVE(n)                                                        \
	((struct kt_op){.kind = KT_OP_KIND_REMOVE_CGROUP, .cgroup = (n)})
#define KT_OP_SET_CPUSET(n, spec)                                              \
	((struct kt_op){                                                       \
	    .kind = KT_OP_KIND_SET_CPUSET, .cgroup = (n), .cpuset = spec})
#define KT_OP_CLEAR_CPUSET(n)                                                  \
	((struct kt_op){.kind = KT_OP_KIND_CLEAR_CPUSET, .cgroup = (n)})
#define KT_OP_SWAP_CPUSETS(a, b)                                               \
	((struct kt_op){                                                       \
	    .kind = KT_OP_KIND_SWAP_CPUSETS, .cgroup = (a), .other = (b)})
/* KT_OP_SPAWN("cg_0", .num_workers = 2, .work = KT_WORK(KT_WORK_MIXED)) */
#define KT_OP_SPAWN(n, ...)                                                    \
	((struct kt_op){.kind = KT_OP_KIND_SPAWN,                              \
			.cgroup = (n),                                         \
			.work = (struct kt_workload_config){__VA_ARGS__}})
#define KT_OP_STOP(n)                                                          \
	((struct kt_op){.kind = KT_OP_KIND_STOP_CGROUP, .cgroup = (n)})
#define KT_OP_SET_AFFINITY(n, aff)                                             \
	((struct kt_op){                                                       \
	    .kind = KT_OP_KIND_SET_AFFINITY, .cgroup = (n), .affinity = aff})
/* KT_OP_SPAWN_HOST(.num_workers = 4) */
#define KT_OP_SPAWN_HOST(...)                                                  \
	((struct kt_op){.kind = KT_OP_KIND_SPAWN_HOST,                         \
			.work = (struct kt_workload_config){__VA_ARGS__}})
#define KT_OP_MOVE_ALL(from, to)                                               \
	((struct kt_op){.kind = KT_OP_KIND_MOVE_ALL_TASKS,                     \
			.cgroup = (from),                                      \
			.other = (to)})
/*
 * CPU hotplug through /sys/devices/system/cpu/cpuN/online: the CPUs of
 * spec (resolved against the topology like a cpuset, e.g. KT_CPUSET_LLC(1)
 * or KT_CPUSET_EXACT("3")) go offline / come back online, each one read
 * back. Refused before anything runs (-EINVAL): a CPU the kernel cannot
 * take offline (no online file: cpu0 on x86) and an offline that would
 * leave no usable CPU online. Every CPU a scenario took offline is online
 * again when it ends, whatever happened. After each op the cgroups'
 * cpuset.cpus.effective must be their cpuset minus the offline CPUs (the
 * parent's when nothing is left), and after an online the configured set
 * again ("cpusets are restored", an ISOLATION detail when not).
 */
#define KT_OP_CPU_OFFLINE(spec)                                                \
	((struct kt_op){.kind = KT_OP_KIND_CPU_OFFLINE, .cpuset = spec})
#define KT_OP_CPU_ONLINE(spec)                                                 \
	((struct kt_op){.kind = KT_OP_KIND_CPU_ONLINE, .cpuset = spec})

/*
 * Binary payloads (<ktstr/payload.h>). RunPayload starts the program in
 * cgroup (one this run made) and returns; the payload belongs to the
 * step that started it. WaitPayload waits for its exit, at most for what
 * is left of the run's duration (then it is stopped and that is a FAIL);
 * KillPayload stops it (SIGTERM, then SIGKILL after 1 s: not a failure).
 * A payload still running when its step ends is stopped the same way.
 * When it ends, its metrics are parsed by kind into the result, its
 * bounds checked (FAIL outside), and a non-zero exit it was not stopped
 * into is a FAIL with the tail of its output. A program that cannot be
 * found (kt_payload_resolve) makes the scenario a SKIP before anything
 * runs, naming it.
 *
 *	KT_OP_RUN_PAYLOAD("cg_p", "stress", "stress-ng",
 *			  .kind = KT_PAYLOAD_STRESS_NG,
 *			  .args = KT_PAYLOAD_ARGS("--cpu", "1", "-t", "2s"),
 *			  .bounds = KT_PAYLOAD_BOUNDS(
 *			      KT_PAYLOAD_MIN("cpu.bogo_ops_s", 1)))
 */
#define KT_OP_RUN_PAYLOAD(cg, nm, prog, ...)                                   \
	((struct kt_op){.kind = KT_OP_KIND_RUN_PAYLOAD,                        \
			.cgroup = (cg),                                        \
			.payload = (struct kt_payload_spec){                   \
			    .name = (nm), .program = (prog), __VA_ARGS__}})
#define KT_OP_WAIT_PAYLOAD(nm)                                                 \
	((struct kt_op){.kind = KT_OP_KIND_WAIT_PAYLOAD, .payload.name = (nm)})
#define KT_OP_KILL_PAYLOAD(nm)                                                 \
	((struct kt_op){.kind = KT_OP_KIND_KILL_PAYLOAD, .payload.name = (nm)})

/*
 * A BPF map write into the running scheduler (<ktstr/map_write.h>) in the
 * middle of a run, so a step can flip one of its knobs:
 *
 *	KT_OP_WRITE_MAP(.map = ".bss", .field = "stall", .value = 1)
 *
 * Applied when the op runs (waiting up to KT_MAP_WRITE_WAIT_NS for the
 * map), recorded in the result's map writes with its step. Refused before
 * anything runs when the write is malformed or no scheduler is there
 * (EEVDF); a map or field the scheduler lacks ends the run as INFRA.
 */
#define KT_OP_WRITE_MAP(...)                                                   \
	((struct kt_op){.kind = KT_OP_KIND_WRITE_MAP,                          \
			.map_write = (struct kt_map_write){__VA_ARGS__}})

struct kt_ops {
	size_t nr;
	const struct kt_op *ops;
};
/* KT_OPS(KT_OP_ADD("cg_2"), KT_OP_SET_CPUSET("cg_2", KT_CPUSET_LLC(0))) */
#define KT_OPS(...)                                                            \
	((struct kt_ops){.nr = sizeof((struct kt_op[]){__VA_ARGS__}) /         \
			       sizeof(struct kt_op),                           \
			 .ops = (struct kt_op[]){__VA_ARGS__}})

/* "AddCgroup", "RemoveCgroup", "SetCpuset", "ClearCpuset", "SwapCpusets",
 * "Spawn", "StopCgroup", "SetAffinity", "SpawnHost", "MoveAllTasks",
 * "CpuOffline", "CpuOnline", "RunPayload", "WaitPayload",
 * "KillPayload", "WriteMap"; "unknown" outside the enum */
const char *kt_op_kind_name(enum kt_op_kind k);
/* The kind named name; -EINVAL with a message listing the names. */
int kt_op_kind_parse(const char *name, enum kt_op_kind *out);

/* ---- HoldSpec ---------------------------------------------------------- */

enum kt_hold_kind {
	KT_HOLD_KIND_FULL = 0, /* Frac(1.0): the zero value */
	KT_HOLD_KIND_FRAC,     /* .frac of ctx->duration, [0, 1] */
	KT_HOLD_KIND_FIXED,    /* .ns, > 0 */
	KT_HOLD_KIND_LOOP, /* repeat the ops every .ns until ctx->duration */
};
struct kt_hold {
	enum kt_hold_kind kind;
	double frac;
	uint64_t ns;
};
#define KT_HOLD_FULL ((struct kt_hold){.kind = KT_HOLD_KIND_FULL})
#define KT_HOLD_FRAC(f)                                                        \
	((struct kt_hold){.kind = KT_HOLD_KIND_FRAC, .frac = (f)})
#define KT_HOLD_FIXED(t)                                                       \
	((struct kt_hold){.kind = KT_HOLD_KIND_FIXED, .ns = (t)})
#define KT_HOLD_LOOP(t) ((struct kt_hold){.kind = KT_HOLD_KIND_LOOP, .ns = (t)})

/* -EINVAL with a message for a fraction outside [0, 1] (or NaN), a FIXED
 * hold of zero, a LOOP interval of zero. */
int kt_hold_check(const struct kt_hold *h);
/* How long a non-loop hold lasts for a run of `duration` ns. */
uint64_t kt_hold_ns(const struct kt_hold *h, uint64_t duration);

/* ---- Step, Backdrop ---------------------------------------------------- */

/*
 * A step runs its ops, then creates its defs' cgroups (cpuset, workers,
 * started), then holds. At its end its own cgroups' workers (defs and
 * SPAWNs into its cgroups, SPAWN_HOST workers) are stopped and judged and
 * its cgroups removed; only backdrop state lasts across steps.
 */
struct kt_step {
	struct kt_defs defs;
	struct kt_ops ops;
	struct kt_hold hold; /* zero = KT_HOLD_FULL */
};
/* kt_step(.ops = KT_OPS(KT_OP_CLEAR_CPUSET("cg_0")), .hold = KT_HOLD_FRAC(0.5))
 */
#define kt_step(...) ((struct kt_step){__VA_ARGS__})

struct kt_steps {
	size_t nr;
	const struct kt_step *steps;
};
#define KT_STEPS(...)                                                          \
	((struct kt_steps){.nr = sizeof((struct kt_step[]){__VA_ARGS__}) /     \
				 sizeof(struct kt_step),                       \
			   .steps = (struct kt_step[]){__VA_ARGS__}})

/* Cgroups and ops set up before step 1 and torn down after the last. */
struct kt_backdrop {
	struct kt_defs defs;
	struct kt_ops ops;
};
#define kt_backdrop(...) ((struct kt_backdrop){__VA_ARGS__})

/* ---- Execution --------------------------------------------------------- */

/*
 * Run a scenario: every hold and cpuset spec is checked first (an invalid
 * one is an error before anything runs; a spec the topology cannot hold
 * makes the result a SKIP). Then the backdrop is set up and each step runs
 * (ctx->current_step = N during step N, 0 before). Before every step but
 * the first, a dead scheduler ends the run with a SCHED verdict ("scheduler
 * died after step 2 of 3 (4.1s into test)"). Worker checks use `assert`
 * (NULL = ctx->assert). The result gets a timeline of stimulus events.
 * Returns 0 when the scenario ran (verdict in res) or a negative errno for
 * an infrastructure error (message in kt_last_error()); everything it
 * created is gone either way.
 */
int kt_execute_scenario_with(const struct kt_ctx *ctx, struct kt_result *res,
			     const struct kt_backdrop *backdrop,
			     struct kt_steps steps,
			     const struct kt_assert *assert);
int kt_execute_scenario(const struct kt_ctx *ctx, struct kt_result *res,
			const struct kt_backdrop *backdrop,
			struct kt_steps steps);
int kt_execute_steps(const struct kt_ctx *ctx, struct kt_result *res,
		     struct kt_steps steps);
int kt_execute_steps_with(const struct kt_ctx *ctx, struct kt_result *res,
			  struct kt_steps steps,
			  const struct kt_assert *assert);
/* One step holding defs for the whole duration. */
int kt_execute_defs(const struct kt_ctx *ctx, struct kt_result *res,
		    struct kt_defs defs);

/* ---- Catalog scenarios built on the engine (scenarios_ops.c) ---------- */

int kt_scenario_ops_cpuset_swap(const struct kt_ctx *ctx,
				struct kt_result *res);
int kt_scenario_ops_move_all(const struct kt_ctx *ctx, struct kt_result *res);
int kt_scenario_ops_remove_midrun(const struct kt_ctx *ctx,
				  struct kt_result *res);
int kt_scenario_ops_set_affinity(const struct kt_ctx *ctx,
				 struct kt_result *res);

#endif
