/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Holding a scenario for a while: sleep in short slices, end early when a
 * stop was requested (SIGINT/SIGTERM) or the scheduler is gone (its
 * process ended, or the scheduler monitor marked it gone: ejected).
 */
#include <errno.h>
#include <signal.h>

#include <ktstr/scenario.h>
#include <ktstr/sched.h>

static volatile sig_atomic_t stop_requested;

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

int kt_ctx_hold(const struct kt_ctx *ctx, uint64_t ns)
{
	uint64_t end = kt_now_ns() + ns;

	for (;;) {
		uint64_t now = kt_now_ns();

		if (kt_stop_requested())
			return kt_err(EINTR, "interrupted by a stop request");
		if (!kt_ctx_sched_alive(ctx))
			return kt_err(ESRCH,
				      "the scheduler (pid %d) died or was "
				      "ejected",
				      (int)ctx->sched_pid);
		if (now >= end)
			return 0;
		kt_sleep(end - now < KT_MS(50) ? end - now : KT_MS(50));
	}
}
