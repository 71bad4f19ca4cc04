/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * scx-ktstr: the BPF side of ktstr's fixture scheduler. One shared DSQ
 * ordered by virtual time (ops.enqueue inserts, ops.dispatch moves its head
 * to the CPU's local DSQ) that honours cgroup weights (see "cgroup
 * weights" below; --ignore-cgroup-weights makes it the global FIFO it
 * was, every task alike) plus fault knobs that inject exactly the failures
 * ktstr must detect: a dispatch stall (watchdog ejection), an injected
 * scx_bpf_error(), a cgroup held back for part of every period, skipped
 * dispatches, every task on one CPU while the others idle, a migration
 * storm and a program the verifier rejects. The loader (scx_ktstr.c) sets
 * the .rodata knobs before load (and SCX_OPS_SWITCH_PARTIAL for --partial,
 * which needs nothing here) and flips the .bss ones at run time.
 *
 * Every task goes through ops.enqueue (ops.select_cpu only picks a CPU and
 * SCX_OPS_ENQ_LAST is set), so the knobs apply to all tasks. A BPF timer
 * ("kicker") wakes idle CPUs while work is queued, so a skipped dispatch or
 * the end of a hold leaves a gap instead of an idle CPU.
 */
#include <scx/common.bpf.h>

char _license[] SEC("license") = "GPL";

#define SHARED_DSQ	 0
#define HELD_DSQ	 1
#define KICK_INTERVAL_NS (10ULL * 1000 * 1000)
#define MAX_KICK_CPUS	 1024
#define CGROUP_NAME_LEN	 64
#define SCATTER_SLICE_NS (500ULL * 1000) /* --scattershot's slices */

#ifndef CLOCK_MONOTONIC
#define CLOCK_MONOTONIC 1
#endif

/* ---- knobs set by the loader before load (.rodata) ---- */
const volatile bool slow; /* each CPU dispatches once per slow_interval_ns */
const volatile u64 slow_interval_ns = 500ULL * 1000 * 1000;
const volatile bool single_cpu;	 /* each task to the lowest CPU it may use */
const volatile bool scattershot; /* each enqueue moves the task elsewhere */
const volatile bool fail_verify; /* the verifier rejects this program */
const volatile bool starve;	 /* hold back starve_cgroup's tasks */
const volatile char starve_cgroup[CGROUP_NAME_LEN];
const volatile u64 starve_period_ns = 4000ULL * 1000 * 1000;
const volatile u64 starve_hold_ns = 3000ULL * 1000 * 1000;
const volatile bool ignore_cgroup_weights; /* a FIFO: every task alike */

/*
 * ---- knobs flipped at run time (.bss) ----
 * By the loader (--stall-after, --crash-after, which write them only when
 * their time comes) or by a ktstr map write (docs/map-writes.md: map
 * ".bss", field "stall" / "crash"). Read at every ops.enqueue, ops.dispatch
 * and kicker tick, so a write takes effect at once either way.
 */
volatile u32 stall; /* ops.dispatch stops moving tasks */
volatile u32 crash; /* scx_bpf_error() at the next chance */

/* ---- counters the loader prints at exit (.bss) ---- */
u64 nr_enqueued, nr_dispatched, nr_skipped, nr_held, nr_scattered, nr_enq_last;
u64 nr_single;
u64 starve_epoch;
u64 slow_last_ns[MAX_KICK_CPUS]; /* --slow: each CPU's last dispatch */

UEI_DEFINE(uei);

struct kicker {
	struct bpf_timer timer;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct kicker);
} kicker SEC(".maps");

/*
 * Only dereferenced (without a NULL check) by the --fail-verify variant. A
 * hash map: the verifier knows a constant-key array lookup cannot fail.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, u64);
} verify_probe SEC(".maps");

static __always_inline void count(u64 *c)
{
	__sync_fetch_and_add(c, 1);
}

/*
 * ---- cgroup weights ----
 *
 * Each task's virtual time advances by the time it ran scaled by
 * 100 * n / (its cgroup's cpu.weight) * (100 / its own weight), where n
 * is the number of its cgroup's tasks that are runnable; the shared DSQ
 * runs the lowest virtual time first. Equal virtual-time rates then give
 * each cgroup (not each task) CPU time in proportion to its weight: a
 * cgroup with weight 200 and 2 busy tasks gets twice the CPU of one with
 * weight 100 and 2 busy tasks, or of one with weight 100 and 4. One level
 * of cgroups is weighed (a task's own cgroup against the others); weights
 * come from ops.cgroup_init / ops.cgroup_set_weight (CONFIG_EXT_GROUP_SCHED)
 * and a cgroup the kernel gave none of (no cpu controller) weighs 100.
 */
#define MAX_CGROUPS 4096

struct cg_ctx {
	u32 weight;	 /* cpu.weight, 1..10000 */
	s32 nr_runnable; /* its tasks between ops.runnable and quiescent */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_CGROUPS);
	__type(key, u64); /* cgroup id */
	__type(value, struct cg_ctx);
} cg_ctxs SEC(".maps");

struct task_ctx {
	u64 cgid;     /* the cgroup counted at ops.runnable */
	bool counted; /* in that cgroup's nr_runnable */
	u64 started;  /* when ops.running last ran it */
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct task_ctx);
} task_ctxs SEC(".maps");

u64 vtime_now;	 /* the highest virtual time a task started running at */
u64 nr_weighted; /* charges scaled by a cgroup weight other than 100 */

static u64 task_cgid(struct task_struct *p)
{
	return BPF_CORE_READ(p, cgroups, dfl_cgrp, kn, id);
}

static u64 cgrp_id(struct cgroup *cgrp)
{
	return BPF_CORE_READ(cgrp, kn, id);
}

/* Insert @p into the shared DSQ: by virtual time, or FIFO when weights
 * are ignored (a DSQ takes only one of the two orders). */
static void shared_insert(struct task_struct *p, u64 enq_flags)
{
	u64 vtime = p->scx.dsq_vtime;

	/*
	 * --slow keeps the FIFO too: it promises waits of whole dispatch
	 * intervals in queue order, and with virtual-time order freshly
	 * forked workers waited 24-28 s for their first slice (the watchdog
	 * at 20 s ejected the scheduler) where the FIFO's longest wait was a
	 * few seconds. Weights mean nothing when dispatch is starved anyway.
	 */
	if (ignore_cgroup_weights || slow) {
		scx_bpf_dsq_insert(p, SHARED_DSQ, SCX_SLICE_DFL, enq_flags);
		return;
	}
	/* A task that slept long gets at most one slice of credit. */
	if ((s64)(vtime - (vtime_now - SCX_SLICE_DFL)) < 0)
		vtime = vtime_now - SCX_SLICE_DFL;
	scx_bpf_dsq_insert_vtime(p, SHARED_DSQ, SCX_SLICE_DFL, vtime,
				 enq_flags);
}

/* In the held part of the current starve period? */
static bool holding(void)
{
	u64 now;

	if (!starve || !starve_period_ns)
		return false;
	now = bpf_ktime_get_ns();
	return (now - starve_epoch) % starve_period_ns < starve_hold_ns;
}

/*
 * Is @p in a cgroup (v2) whose leaf name is starve_cgroup? Looked up at
 * every enqueue, so cgroups created or joined after attach are covered.
 */
static bool in_starve_cgroup(struct task_struct *p)
{
	char name[CGROUP_NAME_LEN];
	const char *kn_name;
	int i;

	kn_name = BPF_CORE_READ(p, cgroups, dfl_cgrp, kn, name);
	if (!kn_name ||
	    bpf_probe_read_kernel_str(name, sizeof(name), kn_name) < 0)
		return false;
	for (i = 0; i < CGROUP_NAME_LEN; i++) {
		if (name[i] != starve_cgroup[i])
			return false;
		if (!name[i])
			return true;
	}
	return false;
}

/* Wake one idle CPU @p may run on, so queued work does not wait. */
static void kick_idle_for(struct task_struct *p)
{
	s32 cpu = scx_bpf_pick_idle_cpu(p->cpus_ptr, 0);

	if (cpu >= 0)
		scx_bpf_kick_cpu(cpu, SCX_KICK_IDLE);
}

/* May @p run anywhere but where it is now? */
static bool may_move(struct task_struct *p)
{
	return p->nr_cpus_allowed > 1 && !is_migration_disabled(p);
}

/*
 * --single-cpu: the lowest CPU @p may use, so pinned tasks still run (its
 * current CPU while it may not migrate).
 */
static s32 single_cpu_of(struct task_struct *p)
{
	u32 cpu;

	if (!may_move(p))
		return scx_bpf_task_cpu(p);
	cpu = bpf_cpumask_first(p->cpus_ptr);
	if (cpu >= scx_bpf_nr_cpu_ids())
		return scx_bpf_task_cpu(p);
	return cpu;
}

/*
 * --scattershot: a CPU other than the one @p is on (where it last ran:
 * select_cpu keeps prev_cpu) that @p may use. Scanning from the next CPU
 * up, the first idle one, else the first allowed one: when every CPU is
 * busy the tasks rotate, one arriving where one leaves, so the storm does
 * not leave CPUs idle for long. @p's own CPU only when it may not move.
 */
static s32 scatter_cpu(struct task_struct *p)
{
	const struct cpumask *idle;
	s32 prev = scx_bpf_task_cpu(p), next = -1, found = -1;
	u32 nr = scx_bpf_nr_cpu_ids(), i, cpu;

	if (!may_move(p) || prev < 0 || !nr)
		return prev;
	idle = scx_bpf_get_idle_cpumask();
	bpf_for(i, 1, MAX_KICK_CPUS)
	{
		if (i >= nr)
			break;
		cpu = ((u32)prev + i) % nr;
		if (!bpf_cpumask_test_cpu(cpu, p->cpus_ptr))
			continue;
		if (bpf_cpumask_test_cpu(cpu, idle)) {
			found = cpu;
			break;
		}
		if (next < 0)
			next = cpu;
	}
	scx_bpf_put_idle_cpumask(idle);
	if (found >= 0)
		return found;
	return next >= 0 ? next : prev;
}

/* Insert @p into @cpu's local DSQ and wake @cpu if it idles. */
static void insert_on(struct task_struct *p, s32 cpu, u64 slice, u64 enq_flags)
{
	scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL_ON | cpu, slice, enq_flags);
	scx_bpf_kick_cpu(cpu, SCX_KICK_IDLE);
}

s32 BPF_STRUCT_OPS(ktstr_select_cpu, struct task_struct *p, s32 prev_cpu,
		   u64 wake_flags)
{
	bool is_idle = false;

	/* Pick a CPU but never insert here: ops.enqueue sees every task. */
	if (single_cpu)
		return single_cpu_of(p);
	if (scattershot)
		return prev_cpu; /* ops.enqueue moves it away from there */
	return scx_bpf_select_cpu_dfl(p, prev_cpu, wake_flags, &is_idle);
}

void BPF_STRUCT_OPS(ktstr_enqueue, struct task_struct *p, u64 enq_flags)
{
	count(&nr_enqueued);

	if (fail_verify) {
		u32 zero = 0;
		u64 *v = bpf_map_lookup_elem(&verify_probe, &zero);

		*v += 1; /* no NULL check: "invalid mem access" */
	}

	if (stall) {
		/* Queue everything; ops.dispatch will never move it. */
		shared_insert(p, enq_flags);
		return;
	}

	if (starve && in_starve_cgroup(p) && holding()) {
		count(&nr_held);
		scx_bpf_dsq_insert(p, HELD_DSQ, SCX_SLICE_DFL, enq_flags);
		return;
	}

	/*
	 * --single-cpu: straight to one CPU's local DSQ. The other CPUs'
	 * ops.dispatch finds the shared DSQ empty and they idle, while that
	 * CPU runs everything round-robin, each task within nr * slice: no
	 * stall for the watchdog, only lost capacity.
	 */
	if (single_cpu) {
		count(&nr_single);
		insert_on(p, single_cpu_of(p), SCX_SLICE_DFL, enq_flags);
		return;
	}

	/*
	 * --scattershot: to another CPU, with a short slice. A spinner is
	 * enqueued only when its slice ends, and slices end at a tick (4 ms
	 * at HZ=250) at the soonest, so a spinner moves at every tick it
	 * gets; a task that sleeps or yields moves at every wakeup or yield.
	 */
	if (scattershot) {
		s32 cpu = scatter_cpu(p);

		if (cpu >= 0) {
			if (cpu != scx_bpf_task_cpu(p))
				count(&nr_scattered);
			insert_on(p, cpu, SCATTER_SLICE_NS, enq_flags);
			return;
		}
	}

	/*
	 * The last runnable task of a CPU whose dispatch found nothing keeps
	 * its CPU (what the kernel does without SCX_OPS_ENQ_LAST) unless
	 * dispatches are being skipped.
	 */
	if ((enq_flags & SCX_ENQ_LAST) && !slow) {
		count(&nr_enq_last);
		scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL, SCX_SLICE_DFL, enq_flags);
		return;
	}

	shared_insert(p, enq_flags);
	kick_idle_for(p);
}

void BPF_STRUCT_OPS(ktstr_dispatch, s32 cpu, struct task_struct *prev)
{
	static u64 nr_calls;

	if (crash) {
		scx_bpf_error("ktstr: injected crash");
		return;
	}
	if (stall)
		return;
	/*
	 * --slow: each CPU skips every dispatch but one per slow_interval_ns.
	 * Runnable tasks wait whole intervals for a slice: gaps of seconds
	 * that the watchdog (with a longer timeout) never reports.
	 */
	if (slow) {
		u32 idx = (u32)cpu & (MAX_KICK_CPUS - 1);
		u64 now = bpf_ktime_get_ns();

		__sync_fetch_and_add(&nr_calls, 1);
		if (now - slow_last_ns[idx] < slow_interval_ns) {
			count(&nr_skipped);
			return;
		}
		slow_last_ns[idx] = now;
	}
	/* Released tasks first: they waited longest. */
	if (starve && !holding() && scx_bpf_dsq_move_to_local(HELD_DSQ, 0)) {
		count(&nr_dispatched);
		return;
	}
	if (scx_bpf_dsq_move_to_local(SHARED_DSQ, 0))
		count(&nr_dispatched);
}

void BPF_STRUCT_OPS(ktstr_runnable, struct task_struct *p, u64 enq_flags)
{
	struct task_ctx *t;
	struct cg_ctx *c;

	if (ignore_cgroup_weights)
		return;
	t = bpf_task_storage_get(&task_ctxs, p, 0,
				 BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!t || t->counted)
		return; /* counted once until ops.quiescent */
	t->cgid = task_cgid(p);
	c = bpf_map_lookup_elem(&cg_ctxs, &t->cgid);
	t->counted = c != NULL;
	if (c)
		__sync_fetch_and_add(&c->nr_runnable, 1);
}

void BPF_STRUCT_OPS(ktstr_quiescent, struct task_struct *p, u64 deq_flags)
{
	struct task_ctx *t;
	struct cg_ctx *c;

	if (ignore_cgroup_weights)
		return;
	t = bpf_task_storage_get(&task_ctxs, p, 0, 0);
	if (!t || !t->counted)
		return;
	t->counted = false;
	c = bpf_map_lookup_elem(&cg_ctxs, &t->cgid);
	if (c && c->nr_runnable > 0)
		__sync_fetch_and_sub(&c->nr_runnable, 1);
}

void BPF_STRUCT_OPS(ktstr_running, struct task_struct *p)
{
	struct task_ctx *t;

	if (ignore_cgroup_weights)
		return;
	if ((s64)(p->scx.dsq_vtime - vtime_now) > 0)
		vtime_now = p->scx.dsq_vtime;
	t = bpf_task_storage_get(&task_ctxs, p, 0,
				 BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (t)
		t->started = bpf_ktime_get_ns();
}

/*
 * Charge the time it ran since ops.running (not the slice used: the
 * kernel refills the slice of a task it keeps running, --slow does that
 * all the time), scaled as "cgroup weights" above says.
 */
void BPF_STRUCT_OPS(ktstr_stopping, struct task_struct *p, bool runnable)
{
	u64 used, weight = 100, nr = 1, tw = p->scx.weight ?: 100;
	struct task_ctx *t;
	struct cg_ctx *c = NULL;

	if (ignore_cgroup_weights)
		return;
	t = bpf_task_storage_get(&task_ctxs, p, 0, 0);
	if (!t || !t->started)
		return;
	used = bpf_ktime_get_ns() - t->started;
	t->started = 0;
	if (t->counted)
		c = bpf_map_lookup_elem(&cg_ctxs, &t->cgid);
	if (c) {
		weight = c->weight ?: 100;
		nr = c->nr_runnable > 1 ? c->nr_runnable : 1;
	}
	if (weight != 100)
		count(&nr_weighted);
	scx_bpf_task_set_dsq_vtime(p, p->scx.dsq_vtime + used * 100 * nr * 100 /
							     (weight * tw));
}

void BPF_STRUCT_OPS(ktstr_enable, struct task_struct *p)
{
	scx_bpf_task_set_dsq_vtime(p, vtime_now);
}

s32 BPF_STRUCT_OPS(ktstr_cgroup_init, struct cgroup *cgrp,
		   struct scx_cgroup_init_args *args)
{
	struct cg_ctx c = {.weight = args->weight};
	u64 id = cgrp_id(cgrp);

	/* A full table leaves the cgroup at weight 100; never fail it. */
	bpf_map_update_elem(&cg_ctxs, &id, &c, BPF_ANY);
	return 0;
}

void BPF_STRUCT_OPS(ktstr_cgroup_set_weight, struct cgroup *cgrp, u32 weight)
{
	u64 id = cgrp_id(cgrp);
	struct cg_ctx *c = bpf_map_lookup_elem(&cg_ctxs, &id);

	if (c)
		c->weight = weight;
}

void BPF_STRUCT_OPS(ktstr_cgroup_exit, struct cgroup *cgrp)
{
	u64 id = cgrp_id(cgrp);

	bpf_map_delete_elem(&cg_ctxs, &id);
}

/* Every KICK_INTERVAL_NS: the crash knob, and wake idle CPUs for work. */
static int kicker_fn(void *map, int *key, struct bpf_timer *timer)
{
	u64 queued;
	u32 nr, cpu;

	if (crash) {
		scx_bpf_error("ktstr: injected crash");
		return 0;
	}
	queued = stall ? 0 : scx_bpf_dsq_nr_queued(SHARED_DSQ);
	if (!stall && starve && !holding())
		queued += scx_bpf_dsq_nr_queued(HELD_DSQ);
	if (queued) {
		nr = scx_bpf_nr_cpu_ids();
		bpf_for(cpu, 0, MAX_KICK_CPUS)
		{
			if (cpu >= nr)
				break;
			scx_bpf_kick_cpu(cpu, SCX_KICK_IDLE);
		}
	}
	bpf_timer_start(timer, KICK_INTERVAL_NS, 0);
	return 0;
}

s32 BPF_STRUCT_OPS_SLEEPABLE(ktstr_init)
{
	struct kicker *k;
	u32 zero = 0;
	s32 ret;

	ret = scx_bpf_create_dsq(SHARED_DSQ, -1);
	if (ret) {
		scx_bpf_error("ktstr: create shared DSQ: %d", ret);
		return ret;
	}
	ret = scx_bpf_create_dsq(HELD_DSQ, -1);
	if (ret) {
		scx_bpf_error("ktstr: create held DSQ: %d", ret);
		return ret;
	}
	starve_epoch = bpf_ktime_get_ns();

	k = bpf_map_lookup_elem(&kicker, &zero);
	if (!k)
		return -ESRCH;
	bpf_timer_init(&k->timer, &kicker, CLOCK_MONOTONIC);
	bpf_timer_set_callback(&k->timer, kicker_fn);
	ret = bpf_timer_start(&k->timer, KICK_INTERVAL_NS, 0);
	if (ret)
		scx_bpf_error("ktstr: start kicker timer: %d", ret);
	return ret;
}

void BPF_STRUCT_OPS(ktstr_exit, struct scx_exit_info *ei)
{
	UEI_RECORD(uei, ei);
}

/*
 * CPU hotplug. Without these two the kernel ejects the scheduler at the
 * first hotplug event ("cpu N going offline, exiting scheduler",
 * SCX_ECODE_RSN_HOTPLUG); the loader's --no-hotplug-ops leaves them out
 * to show that. Nothing here keeps per-CPU state: queued work sits in the
 * shared DSQ, which every online CPU drains, and the kernel moves the
 * tasks of a CPU going offline. Counted only.
 */
u64 nr_cpu_online, nr_cpu_offline;

void BPF_STRUCT_OPS(ktstr_cpu_online, s32 cpu)
{
	count(&nr_cpu_online);
}

void BPF_STRUCT_OPS(ktstr_cpu_offline, s32 cpu)
{
	count(&nr_cpu_offline);
}

SCX_OPS_DEFINE(
    ktstr_ops, .select_cpu = (void *)ktstr_select_cpu,
    .enqueue = (void *)ktstr_enqueue, .dispatch = (void *)ktstr_dispatch,
    .runnable = (void *)ktstr_runnable, .running = (void *)ktstr_running,
    .stopping = (void *)ktstr_stopping, .quiescent = (void *)ktstr_quiescent,
    .enable = (void *)ktstr_enable, .cgroup_init = (void *)ktstr_cgroup_init,
    .cgroup_exit = (void *)ktstr_cgroup_exit,
    .cgroup_set_weight = (void *)ktstr_cgroup_set_weight,
    .cpu_online = (void *)ktstr_cpu_online,
    .cpu_offline = (void *)ktstr_cpu_offline, .init = (void *)ktstr_init,
    .exit = (void *)ktstr_exit, .flags = SCX_OPS_ENQ_LAST, .timeout_ms = 5000,
    .name = "ktstr");
