/* SPDX-License-Identifier: GPL-2.0-only */
/* `ktstr stats`: the verdict matrix and metric distributions of results
 * directories. */
#include <stdio.h>

#include <jansson.h>

#include <ktstr/results.h>

#include "cli_util.h"
#include "commands.h"

struct stats_args {
	bool json;
};

static const struct kt_cli_opt stats_opts[] = {
    KT_CLI_FLAG("json", 0, struct stats_args, json,
		"print JSON (one cell per scenario and variant) instead"),
    {0},
};

static const struct kt_cli_group stats_group = {.opts = stats_opts};

static const struct kt_cli_cmd stats_cmd = {
    .name = "ktstr stats",
    .operands = "DIR...",
    .about = "Read the sidecars of results directories (`ktstr vm --results "
	     "DIR`, `ktstr gauntlet`) and print the variant x scenario "
	     "verdict matrix, then per scenario and variant the distribution "
	     "(n, mean, sd, min, median, max) of each metric: work_rate, "
	     "p99_wake_us, max_gap_ms, spread_pct, migrations.",
    .exit = "0 printed, 2 no sidecars or a broken one",
};

int kt_cmd_stats(int argc, char **argv)
{
	struct stats_args a = {0};
	const struct kt_cli_bind binds[] = {{&stats_group, &a}, {0}};
	struct kt_results r;
	int nr, rc;

	if (!kt_cli_args(&stats_cmd, binds, argc, argv, &nr, &rc))
		return rc;
	if (!nr)
		return kt_cli_usage_error("stats", "name a results directory");
	if (kt_results_load((const char *const *)&argv[1], (size_t)nr, &r))
		return kt_cli_usage_error("stats", "%s", kt_last_error());
	if (a.json) {
		json_t *j = kt_results_stats_json(&r);

		rc = j ? 0 : KT_EXIT_INFRA;
		if (j)
			json_dumpf(j, stdout, JSON_INDENT(2));
		printf("\n");
		json_decref(j);
	} else {
		kt_results_print_stats(&r, stdout);
	}
	kt_results_free(&r);
	return rc;
}
