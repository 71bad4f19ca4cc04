/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Negative VM tests: each injects a failure the checks must catch, and
 * passes only because .expect_err says the error is expected.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>

#include <ktstr/ktstr.h>
#include <ktstr/test.h>

/* One of two workers is SIGSTOPped for the whole run: it is starved of
 * CPU time, so fairness (and the gap check) must fail. */
KTSTR_TEST(stopped_worker, .topo = KT_TOPO(1, 1, 2, 1), .duration_s = 2,
	   .workers = 2, .expect_err = true)
{
	struct kt_workload_config wl = kt_dfl_wl(ctx);
	_cleanup_(kt_cgroup_group_freep) struct kt_cgroup_group *guard = NULL;
	_cleanup_(kt_handles_freep) struct kt_handles *h = NULL;
	int err = kt_setup_cgroups(ctx, 1, &wl, &h, &guard);
	pid_t pid;

	if (err)
		return err;
	pid = kt_workload_pid(h->h[0].wl, 0);
	if (kill(pid, SIGSTOP))
		return kt_err(errno, "SIGSTOP worker %d: %s", (int)pid,
			      strerror(errno));
	kt_sleep(ctx->duration);
	/* Collecting sends SIGCONT and stops the workers as usual. */
	return kt_collect_all(h, &ctx->assert, res);
}

/* A custom assert no scheduler can meet: at most 1 ms between work
 * checkpoints with 4 workers per cgroup on 2 CPUs. */
KTSTR_TEST(max_gap_1ms, .topo = KT_TOPO(1, 1, 2, 1), .duration_s = 1,
	   .workers = 4, .expect_err = true,
	   .assert = {.max_gap_ns = KT_SET(KT_MS(1))})
{
	return kt_scenario_steady(ctx, res);
}
