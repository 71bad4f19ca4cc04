/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Catalog scenarios with binary payloads (<ktstr/payload.h>): a real load
 * generator in its own cgroup beside ktstr workers in another, its
 * metrics parsed into the result and bounded. The payload runs for about
 * 60% of the scenario's duration and is waited for at the end; the
 * workers are judged as in any scenario. Which programs each scenario
 * needs is in `programs` below, so the host can copy them into a VM.
 */
#include <stdio.h>
#include <string.h>

#include "catalog_register.h"

static const struct {
	const char *scenario;
	const char *const programs[2];
} programs[] = {
    {"payload_stress_ng", {"stress-ng"}},
    {"payload_cyclictest", {"cyclictest"}},
    {"payload_rt_app", {"rt-app"}},
};

const char *const *kt_catalog_payload_programs(const char *scenario)
{
	static const char *const none[1] = {NULL};

	for (size_t i = 0; scenario && i < KT_ARRAY_SIZE(programs); i++)
		if (!strcmp(programs[i].scenario, scenario))
			return programs[i].programs;
	return none;
}

/* Whole seconds of the payload's own run: 60% of the duration, >= 1. */
static unsigned payload_secs(const struct kt_ctx *ctx)
{
	unsigned s = (unsigned)(ctx->duration * 6 / 10 / KT_SEC(1));

	return s ? s : 1;
}

/* The payload's cgroup and the workers' cgroup last the whole run; the
 * payload starts in step 1 and is waited for in step 2. */
static int run_beside_workers(const struct kt_ctx *ctx, struct kt_result *res,
			      struct kt_op run, const char *name)
{
	struct kt_backdrop bd =
	    kt_backdrop(.defs =
			    KT_DEFS(kt_cgroup_def("cg_workers", .workers = 2)),
			.ops = KT_OPS(KT_OP_ADD("cg_payload")));

	return kt_execute_scenario(
	    ctx, res, &bd,
	    KT_STEPS(kt_step(.ops = KT_OPS(run), .hold = KT_HOLD_FRAC(0.7)),
		     kt_step(.ops = KT_OPS(KT_OP_WAIT_PAYLOAD(name)),
			     .hold = KT_HOLD_FIXED(KT_MS(10)))));
}

KT_CATALOG_SCENARIO(payload_stress_ng, PAYLOAD, 1,
		    "stress-ng --cpu in its own cgroup beside 2 workers; "
		    "bogo-ops/s")
{
	char t[16];

	snprintf(t, sizeof(t), "%u", payload_secs(ctx));
	return run_beside_workers(
	    ctx, res,
	    KT_OP_RUN_PAYLOAD(
		"cg_payload", "stress", "stress-ng",
		.kind = KT_PAYLOAD_STRESS_NG,
		.args = KT_PAYLOAD_ARGS("--cpu", "2", "--timeout", t),
		.bounds = KT_PAYLOAD_BOUNDS(KT_PAYLOAD_MIN("cpu.bogo_ops_s", 1),
					    KT_PAYLOAD_MIN("cpu.bogo_ops", 1))),
	    "stress");
}

KT_CATALOG_SCENARIO(payload_cyclictest, PAYLOAD, 2,
		    "cyclictest (2 threads, 1 ms) beside 2 workers; "
		    "min/avg/max/p99 latency")
{
	char t[16];

	snprintf(t, sizeof(t), "%u", payload_secs(ctx));
	/* SCHED_OTHER (no -p): its threads are scheduled by the scheduler
	 * under test, not by the RT class above it. The histogram (-h, in
	 * us) gives p99; past its 5 ms the p99 is the max. */
	return run_beside_workers(
	    ctx, res,
	    KT_OP_RUN_PAYLOAD("cg_payload", "cyclic", "cyclictest",
			      .kind = KT_PAYLOAD_CYCLICTEST,
			      .args =
				  KT_PAYLOAD_ARGS("-q", "-t", "2", "-i", "1000",
						  "-D", t, "-h", "5000"),
			      .bounds = KT_PAYLOAD_BOUNDS(
				  KT_PAYLOAD_MIN("samples", 10),
				  KT_PAYLOAD_MAX("latency_p99_us", 500000))),
	    "cyclic");
}

/* Two periodic rt-app threads (0.1 ms of work every 10 ms, their own
 * timers), SCHED_OTHER, logging into the payload's directory. A fixed
 * calibration (100 ns a loop): rt-app's own ("CPU0") ran past the whole
 * scenario under TCG; no mlockall (lock_pages), which took rt-app 3 s of
 * system time in a TCG guest. 0.1 ms, not 0.5: at 100 ns a loop, 0.5 ms of
 * loops ran about 20 ms in a loaded TCG guest, every period overran and
 * rt-app was still running when it was stopped. */
static const char rt_app_config[] =
    "{\"global\": {\"duration\": %u, \"calibration\": 100, "
    "\"default_policy\": \"SCHED_OTHER\", \"logdir\": \"./\", "
    "\"log_basename\": \"rt-app\", \"lock_pages\": false},\n"
    " \"tasks\": {\"periodic\": {\"instance\": 2, \"loop\": -1, "
    "\"run\": 100, \"timer\": {\"ref\": \"unique\", \"period\": 10000}}}}\n";

KT_CATALOG_SCENARIO(payload_rt_app, PAYLOAD, 3,
		    "rt-app (2 periodic threads) beside 2 workers; slack and "
		    "wake-up latency")
{
	char cfg[512];

	snprintf(cfg, sizeof(cfg), rt_app_config, payload_secs(ctx));
	return run_beside_workers(
	    ctx, res,
	    KT_OP_RUN_PAYLOAD(
		"cg_payload", "rtapp", "rt-app", .kind = KT_PAYLOAD_RT_APP,
		.args = KT_PAYLOAD_ARGS(KT_PAYLOAD_INPUT_FILE), .input = cfg,
		.bounds = KT_PAYLOAD_BOUNDS(
		    KT_PAYLOAD_MIN("periodic-0.periods", 10),
		    KT_PAYLOAD_MIN("periodic-1.periods", 10),
		    KT_PAYLOAD_MAX("periodic-0.wu_lat_max_us", 1000000))),
	    "rtapp");
}
