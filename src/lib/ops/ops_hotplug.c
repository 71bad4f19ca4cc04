/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The CPU hotplug ops (CpuOffline, CpuOnline): checking up front that the
 * kernel can take the CPUs offline and that a usable CPU stays online,
 * writing /sys/devices/system/cpu/cpuN/online and reading it back, what a
 * hotplug event means for the rest of the run (the vCPU probe, the
 * workers' placement, the cgroups' effective cpusets and the CPUs their
 * workers may be judged on), and bringing every CPU the run took offline
 * back online at its end.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ops_engine.h"
#include "core/small_file.h"
#include "probe/vcpu_probe.h"
#include "scenario/scenario_util.h"

#define CPU_SYSFS "/sys/devices/system/cpu"

static void online_path(int cpu, char *buf, size_t len)
{
	snprintf(buf, len, CPU_SYSFS "/cpu%d/online", cpu);
}

/* ---- up-front checks ---- */

static int check_offline(const struct kt_ctx *ctx, const struct kt_op *op,
			 const struct kt_cpuset *cpus,
			 const struct kt_cpuset *offline)
{
	struct kt_cpuset left, usable;
	char path[128], name[128];
	int cpu;

	kt_cpuset_spec_name(&op->cpuset, name, sizeof(name));
	kt_topo_usable(ctx->topo, &usable);
	left = usable;
	kt_cpuset_andnot(&left, offline);
	kt_cpuset_andnot(&left, cpus);
	if (kt_cpuset_empty(&left))
		return kt_err(EINVAL,
			      "CpuOffline %s: would leave no usable CPU online "
			      "(usable: [%s]); keep at least one",
			      name, kt_cpuset_str(&usable, 0));
	kt_cpuset_for_each (cpu, cpus) {
		online_path(cpu, path, sizeof(path));
		if (!kt_ctx_real_cgroups(ctx) || !access(path, W_OK))
			continue;
		if (errno == ENOENT)
			return kt_err(EINVAL,
				      "CpuOffline %s: cpu%d cannot go offline "
				      "on this kernel (no %s; x86 never takes "
				      "cpu0 offline): leave it out",
				      name, cpu, path);
		return kt_err(EINVAL,
			      "CpuOffline %s: cpu%d: %s: %s (CPU hotplug needs "
			      "root)",
			      name, cpu, path, strerror(errno));
	}
	return 0;
}

int kt_ops_hotplug_check(const struct kt_ctx *ctx, const struct kt_op *ops,
			 size_t nr, struct kt_cpuset *offline)
{
	for (size_t i = 0; i < nr; i++) {
		const struct kt_op *op = &ops[i];
		struct kt_cpuset cpus;

		if (op->kind != KT_OP_KIND_CPU_OFFLINE &&
		    op->kind != KT_OP_KIND_CPU_ONLINE)
			continue;
		/* a spec the topology cannot hold is a SKIP (ops_fit) */
		if (kt_cpuset_spec_resolve(ctx->topo, &op->cpuset, &cpus))
			continue;
		if (op->kind == KT_OP_KIND_CPU_ONLINE) {
			kt_cpuset_andnot(offline, &cpus);
			continue;
		}
		if (check_offline(ctx, op, &cpus, offline))
			return -EINVAL;
		kt_cpuset_or(offline, &cpus);
	}
	return 0;
}

/* ---- one CPU ---- */

/* 1 online, 0 offline, -errno */
static int read_online(int cpu)
{
	char path[128], text[16];
	int err;

	online_path(cpu, path, sizeof(path));
	err = kt_read_small(path, text, sizeof(text));
	return err ? err : text[0] == '1';
}

static int write_online(int cpu, bool online)
{
	char path[128];
	int fd, err = 0;

	online_path(cpu, path, sizeof(path));
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, online ? "1" : "0", 1) != 1)
		err = -errno;
	if (fd >= 0)
		close(fd);
	if (err)
		return kt_err(-err, "write \"%d\" to %s: %s", online, path,
			      strerror(-err));
	return 0;
}

/*
 * Put cpu in the wanted state and read it back: 0, or -errno with a
 * message (a write the kernel refused). A read-back that disagrees is an
 * INFRA detail.
 */
static int set_cpu(struct ops_run *r, int cpu, bool online, const char *after)
{
	int now = read_online(cpu), err;

	/* no online file: a CPU that cannot go offline (cpu0 on x86) */
	if (now == (int)online || (online && now == -ENOENT)) {
		if (online)
			kt_cpuset_clear(&r->offline, cpu);
		return 0;
	}
	err = write_online(cpu, online);
	if (err)
		return err;
	now = read_online(cpu);
	if (now != (int)online)
		kt_result_add(r->res, KT_DETAIL_INFRA,
			      "cpu%d is %s after %s (read back %s)", cpu,
			      now == 1 ? "online" : "not online", after,
			      now < 0 ? strerror(-now)
				      : (now ? "\"1\"" : "\"0\""));
	if (online) {
		kt_cpuset_clear(&r->offline, cpu);
	} else {
		kt_cpuset_set(&r->offline, cpu);
		kt_cpuset_set(&r->hotplugged, cpu);
	}
	err = kt_probe_cpu_hotplug(kt_probe_current(), cpu, online);
	if (err)
		kt_result_add(r->res, KT_DETAIL_NOTE, "%s", kt_last_error());
	return 0;
}

/* ---- the rest of the run ---- */

void kt_ops_widen_allowed(struct ops_run *r, const char *cgroup,
			  const struct kt_cpuset *cpus)
{
	for (size_t i = 0; i < r->nr_wls; i++) {
		struct ops_wl *w = &r->wls[i];

		if (w->running && w->confined && !strcmp(w->cgroup, cgroup))
			kt_cpuset_or(&w->allowed, cpus);
	}
}

static int read_cpus(const char *path, struct kt_cpuset *out)
{
	char text[8192];
	int err = kt_read_small(path, text, sizeof(text));

	if (!err && kt_cpuset_parse(text, out))
		err = -EINVAL;
	return err;
}

/*
 * A cgroup with a cpuset: its effective CPUs must be its cpuset minus the
 * offline CPUs, or, when none is left, some online CPUs (the parent's):
 * its workers may then be judged on those too. After an online the
 * configured set must be back.
 */
static void verify_cg(struct ops_run *r, const struct ops_cg *cg,
		      const struct kt_cpuset *online, bool onlining)
{
	char path[4096];
	struct kt_cpuset got, want = cg->cpuset;
	int err;

	snprintf(path, sizeof(path), "%s/%s/cpuset.cpus.effective",
		 r->ctx->cgroups->parent(r->ctx->cgroups), cg->name);
	err = read_cpus(path, &got);
	if (err) {
		kt_result_add(r->res, KT_DETAIL_INFRA,
			      "read %s after CPU hotplug: %s", path,
			      strerror(-err));
		return;
	}
	kt_cpuset_and(&want, online);
	if (kt_cpuset_empty(&want)) {
		if (kt_cpuset_empty(&got) || !kt_cpuset_subset(&got, online))
			kt_result_add(r->res, KT_DETAIL_INFRA,
				      "cgroup %s: cpuset.cpus.effective [%s] "
				      "with all of its cpuset [%s] offline",
				      cg->name, kt_cpuset_str(&got, 0),
				      kt_cpuset_str(&cg->cpuset, 1));
		kt_ops_widen_allowed(r, cg->name, &got);
		return;
	}
	if (kt_cpuset_equal(&got, &want))
		return;
	kt_result_add(r->res, onlining ? KT_DETAIL_ISOLATION : KT_DETAIL_INFRA,
		      "cgroup %s: cpuset.cpus.effective is [%s] after %s, "
		      "expected [%s]%s",
		      cg->name, kt_cpuset_str(&got, 0),
		      onlining ? "CpuOnline" : "CpuOffline",
		      kt_cpuset_str(&want, 1),
		      onlining ? " (cpuset not restored)" : "");
	/* its workers may have run where the kernel put them */
	kt_ops_widen_allowed(r, cg->name, &got);
}

/*
 * Between two CPUs of one op the kernel may hand a cgroup left without
 * CPUs its parent's, which still hold CPUs the op takes next: its
 * workers may be judged on whatever its effective set held at any point.
 */
static void widen_all(struct ops_run *r)
{
	struct kt_cpuset got;
	char path[4096];

	for (size_t i = 0; i < r->nr_cgs; i++) {
		if (!r->cgs[i].has_cpuset)
			continue;
		snprintf(path, sizeof(path), "%s/%s/cpuset.cpus.effective",
			 r->ctx->cgroups->parent(r->ctx->cgroups),
			 r->cgs[i].name);
		if (!read_cpus(path, &got))
			kt_ops_widen_allowed(r, r->cgs[i].name, &got);
	}
}

static void after_hotplug(struct ops_run *r, bool onlining)
{
	struct kt_cpuset online;
	int err;

	/* affinities and cpusets changed under the workers: their allowed
	 * CPUs at the end say nothing about the whole run */
	for (size_t i = 0; i < r->nr_wls; i++)
		if (r->wls[i].running)
			kt_workload_note_placement_change(r->wls[i].wl);
	if (!kt_ctx_real_cgroups(r->ctx))
		return;
	err = read_cpus(CPU_SYSFS "/online", &online);
	if (err) {
		kt_result_add(r->res, KT_DETAIL_INFRA,
			      "read " CPU_SYSFS "/online: %s", strerror(-err));
		return;
	}
	for (size_t i = 0; i < r->nr_cgs; i++)
		if (r->cgs[i].has_cpuset)
			verify_cg(r, &r->cgs[i], &online, onlining);
}

static void event(struct ops_run *r, const char *what,
		  const struct kt_cpuset *cpus, enum kt_op_kind kind)
{
	char label[160];
	struct kt_timeline_event ev = {
	    .elapsed_ms = (kt_now_ns() - r->start_ns) / 1000000,
	    .label = label,
	    .step = r->owner,
	    .op_mask = KT_OP_BIT(kind),
	    .ops = (char *)kt_op_kind_name(kind),
	    .cgroups = kt_ops_nr_cgroups(r),
	    .workers = kt_ops_nr_workers(r),
	    .iterations = kt_ops_iterations(r),
	};

	snprintf(label, sizeof(label), "%s[%s]", what, kt_cpuset_str(cpus, 0));
	kt_result_add_event(r->res, &ev);
}

/*
 * Workers whose CPU affinity lies within cpus, about to go offline: the
 * kernel moves them and drops their affinity for good (measured on the
 * default kernel: a worker pinned to cpu1 had [0,2-3] while cpu1 was
 * offline and [0-3] after it came back), so the run's workload shape
 * changes here. A NOTE says so.
 */
static void note_pinned(struct ops_run *r, const struct kt_cpuset *cpus)
{
	for (size_t i = 0; i < r->nr_wls; i++) {
		struct ops_wl *w = &r->wls[i];

		for (size_t j = 0; w->running && j < kt_workload_nr(w->wl);
		     j++) {
			pid_t pid = kt_workload_pid(w->wl, j);
			struct kt_cpuset aff;
			cpu_set_t cs;

			if (sched_getaffinity(pid, sizeof(cs), &cs))
				continue;
			kt_cpuset_zero(&aff);
			for (int c = 0; c < CPU_SETSIZE && c < KT_MAX_CPUS; c++)
				if (CPU_ISSET(c, &cs))
					kt_cpuset_set(&aff, c);
			if (kt_cpuset_subset(&aff, cpus))
				kt_result_add(
				    r->res, KT_DETAIL_NOTE,
				    "CPU hotplug: tid %d (%s) is pinned "
				    "to [%s], which goes offline: the "
				    "kernel moves it and does not "
				    "restore its affinity",
				    (int)pid,
				    w->cgroup[0] ? w->cgroup : "(host)",
				    kt_cpuset_str(&aff, 0));
		}
	}
}

int kt_ops_hotplug_run(struct ops_run *r, const struct kt_op *op)
{
	bool onlining = op->kind == KT_OP_KIND_CPU_ONLINE;
	const char *name = onlining ? "CpuOnline" : "CpuOffline";
	struct kt_cpuset cpus;
	int cpu, err = kt_cpuset_spec_resolve(r->ctx->topo, &op->cpuset, &cpus);

	if (err)
		return err;
	/* a double (host-only logic tests) never touches the machine */
	if (kt_ctx_real_cgroups(r->ctx)) {
		if (!onlining)
			note_pinned(r, &cpus);
		kt_cpuset_for_each (cpu, &cpus) {
			err = set_cpu(r, cpu, onlining, name);
			if (err)
				return err;
			widen_all(r);
		}
	}
	after_hotplug(r, onlining);
	event(r, onlining ? "CpusOnline" : "CpusOffline", &cpus, op->kind);
	return 0;
}

/*
 * At the scenario's end (and on its error path): every CPU still offline
 * comes back, and every CPU the run ever took offline must be online.
 */
void kt_ops_hotplug_restore(struct ops_run *r)
{
	struct kt_cpuset back = r->offline, online;
	int cpu, err;

	kt_cpuset_for_each (cpu, &back) {
		if (set_cpu(r, cpu, true, "the end of the scenario"))
			kt_result_add(r->res, KT_DETAIL_INFRA,
				      "CPU hotplug: cpu%d stays offline: %s",
				      cpu, kt_last_error());
	}
	if (!kt_cpuset_empty(&back)) {
		after_hotplug(r, true);
		event(r, "CpusRestored", &back, KT_OP_KIND_CPU_ONLINE);
	}
	if (kt_cpuset_empty(&r->hotplugged) || !kt_ctx_real_cgroups(r->ctx))
		return;
	err = read_cpus(CPU_SYSFS "/online", &online);
	if (err || !kt_cpuset_subset(&r->hotplugged, &online))
		kt_result_add(r->res, KT_DETAIL_INFRA,
			      "CPU hotplug: not every CPU the run took offline "
			      "[%s] is online at its end (online: [%s]%s%s)",
			      kt_cpuset_str(&r->hotplugged, 0),
			      err ? "" : kt_cpuset_str(&online, 1),
			      err ? "; " : "", err ? strerror(-err) : "");
	else
		kt_result_add(r->res, KT_DETAIL_NOTE,
			      "CPU hotplug: cpus [%s] went offline during the "
			      "run; all online at its end (online: [%s])",
			      kt_cpuset_str(&r->hotplugged, 0),
			      kt_cpuset_str(&online, 1));
	kt_cpuset_zero(&r->hotplugged);
}
