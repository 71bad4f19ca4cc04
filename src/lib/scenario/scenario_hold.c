/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Holding a scenario for a while: sleep in short slices, end early when a
 * stop was requested (SIGINT/SIGTERM), the scheduler is gone (its process
 * ended, or the scheduler monitor marked it gone: ejected), or a watched
 * worker has made no progress for longer than its gap limit (the stall
 * watch: the verdict comes at the evidence, not at the end of the run).
 *
 * The stall watch looks at every slice (50 ms) at the gaps workers have
 * open right now (kt_workload_open_gaps) and takes out the time the vCPU
 * probe saw their vCPU not running, the same rule the gap check applies
 * afterwards: a host stall never ends a run. ctx->keep_going turns the
 * watch off.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>

#include <ktstr/scenario.h>
#include <ktstr/sched.h>

#include "probe/vcpu_probe.h"

#define HOLD_SLICE_NS KT_MS(50)
#define OPEN_GAPS_MAX 16

static volatile sig_atomic_t stop_requested;
static bool ended_by_stall;
static uint64_t stall_at; /* when the stall watch ended the scenario */
static uint64_t scenario_t0;

void kt_request_stop(void)
{
	stop_requested = 1;
}

bool kt_stop_requested(void)
{
	return stop_requested != 0;
}

bool kt_ctx_sched_alive(const struct kt_ctx *ctx)
{
	if (ctx->sched_pid <= 0)
		return true;
	if (kt_sched_is_gone())
		return false;
	return !(kill(ctx->sched_pid, 0) && errno == ESRCH);
}

void kt_scenario_begin(void)
{
	scenario_t0 = kt_now_ns();
	ended_by_stall = false;
	kt_workload_quick_stop(false);
	kt_cgroup_defer_removal(false);
}

bool kt_scenario_ended_by_stall(void)
{
	return ended_by_stall;
}

uint64_t kt_scenario_stall_at_ns(void)
{
	return ended_by_stall ? stall_at : 0;
}

/* Seconds since the scenario began (0 before it). */
static double since(uint64_t t)
{
	return t > scenario_t0 && scenario_t0 ? (double)(t - scenario_t0) / 1e9
					      : 0.0;
}

/* With a sched_ext scheduler loaded (and the dump capture on): SysRq-D
 * now, while the worker is still stuck, so the dump shows the scheduler's
 * view of this stall; the runner puts it into the result. */
static void sysrq_at_evidence(const char *msg)
{
	struct kt_err_saved e;
	char why[480];

	kt_err_save(&e);
	snprintf(why, sizeof(why), "the stall watch, %s", msg);
	kt_scx_dump_sysrq(why);
	kt_err_restore(&e);
}

/*
 * A watched worker stuck past its limit with its vCPU running: record the
 * evidence as the error and return -ETIME; else 0.
 */
static int stall_check(uint64_t now)
{
	struct kt_open_gap g[OPEN_GAPS_MAX];
	const struct kt_probe *p = kt_probe_current();
	size_t n = kt_workload_open_gaps(now, g, OPEN_GAPS_MAX);

	for (size_t i = 0; i < n && i < OPEN_GAPS_MAX; i++) {
		uint64_t host = p && g[i].cpu >= 0
				    ? kt_probe_unavailable_ns(
					  p, g[i].cpu, g[i].start_ns, now)
				    : 0;

		if (g[i].len_ns - (host < g[i].len_ns ? host : g[i].len_ns) <=
		    g[i].limit_ns)
			continue;
		char where[32] = "before its first run";

		if (g[i].cpu >= 0)
			snprintf(where, sizeof(where), "on cpu%d", g[i].cpu);
		char msg[400];

		snprintf(msg, sizeof(msg),
			 "at +%.2fs: tid %d has made no progress for %llums %s "
			 "(the %llums gap limit passed at +%.2fs)",
			 since(now), (int)g[i].tid,
			 (unsigned long long)(g[i].len_ns / 1000000), where,
			 (unsigned long long)(g[i].limit_ns / 1000000),
			 since(g[i].start_ns + g[i].limit_ns + host));
		sysrq_at_evidence(msg);
		ended_by_stall = true;
		stall_at = now;
		kt_workload_quick_stop(true);
		/* the stuck workers' cgroups go at the end of the run: moving
		 * them out now would wait for the scheduler's ejection */
		kt_cgroup_defer_removal(true);
		return kt_err(ETIME,
			      "ended at the evidence, %s; --keep-going runs "
			      "the full duration",
			      msg);
	}
	return 0;
}

int kt_ctx_hold(const struct kt_ctx *ctx, uint64_t ns)
{
	uint64_t end = kt_now_ns() + ns;
	int err;

	for (;;) {
		uint64_t now = kt_now_ns();

		if (kt_stop_requested())
			return kt_err(EINTR, "interrupted by a stop request");
		if (!kt_ctx_sched_alive(ctx))
			return kt_err(ESRCH,
				      "the scheduler (pid %d) died or was "
				      "ejected",
				      (int)ctx->sched_pid);
		if (ended_by_stall)
			return kt_err(ECANCELED,
				      "the scenario ended at a stall");
		if (!ctx->keep_going) {
			err = stall_check(now);
			if (err)
				return err;
		}
		if (now >= end)
			return 0;
		kt_sleep(end - now < HOLD_SLICE_NS ? end - now : HOLD_SLICE_NS);
	}
}
