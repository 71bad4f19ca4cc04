/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Holding a scenario for a while: sleep in short slices, end early when a
 * stop was requested (SIGINT/SIGTERM) or the scheduler process is gone.
 */
#include <errno.h>
#include <signal.h>

#include <ktstr/scenario.h>

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
			return kt_err(ESRCH, "scheduler process %d is gone",
				      (int)ctx->sched_pid);
		if (now >= end)
			return 0;
		kt_sleep(end - now < KT_MS(50) ? end - now : KT_MS(50));
	}
}
