/* SPDX-License-Identifier: GPL-2.0-only */
/* The options of the commands that run scenarios (`run`, `vm`). */
#include <ktstr/common.h>

#include "cli_util.h"
#include "run_args.h"

static const struct kt_cli_opt run_opts[] = {
    KT_CLI_DURATION("duration", 0, "S", struct kt_cli_run_args, duration_ns,
		    "seconds each scenario runs (default 5, or the scenario "
		    "file's; also 500ms)"),
    KT_CLI_UINT("workers", 0, "N", struct kt_cli_run_args, workers, 1, 1024,
		"workers per cgroup (default 2, or the scenario file's)"),
    KT_CLI_FLAG("keep-going", 0, struct kt_cli_run_args, keep_going,
		"run each scenario its full duration even after a worker "
		"stalled past the gap limit (by default the scenario ends "
		"there, within a second of the evidence)"),
    KT_CLI_STRING("work-type", 0, "KIND", struct kt_cli_run_args, work_type,
		  "run the swappable cgroups' workers as KIND instead "
		  "(SpinWait, YieldHeavy, ...; the gauntlet's work-type "
		  "override)"),
    {0},
};

const struct kt_cli_group kt_cli_run_group = {
    .title = "scenario options",
    .opts = run_opts,
};

int kt_cli_run_resolve(const char *cmd, struct kt_cli_run_args *a)
{
	if (!a->work_type)
		return 0;
	if (kt_work_kind_parse(a->work_type, &a->work.kind))
		return kt_cli_usage_error(cmd, "--work-type: %s",
					  kt_last_error());
	return 0;
}
