/* SPDX-License-Identifier: GPL-2.0-only */
/* `ktstr compare BASE NEW`: significant regressions between two sets of
 * results directories. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <ktstr/results.h>

#include "cli_util.h"
#include "commands.h"

struct compare_args {
	double alpha;
	bool mann_whitney;
	const char *json_path;
	struct kt_cli_strings gates;
};

static int set_alpha(const char *value, void *target)
{
	char *end;
	double v = strtod(value, &end);

	if (end == value || *end || !(v > 0 && v < 1))
		return kt_err(EINVAL,
			      "--alpha '%s': expected a number between 0 and "
			      "1, e.g. 0.05",
			      value);
	*(double *)target = v;
	return 0;
}

static const struct kt_cli_opt compare_opts[] = {
    KT_CLI_CALL("alpha", 0, "A", struct compare_args, alpha, set_alpha,
		"significance level over all tests, Holm-corrected "
		"(default 0.05)"),
    KT_CLI_FLAG("mann-whitney", 0, struct compare_args, mann_whitney,
		"use the Mann-Whitney U test instead of Welch's t-test "
		"(needs 4+ runs a side to reach 0.05)"),
    KT_CLI_STRINGS("gate", 0, "METRIC=PCT", struct compare_args, gates,
		   "smallest change of METRIC, in percent of the base mean, "
		   "that can be a regression (defaults: work_rate 25, "
		   "p99_wake_us 35, max_gap_ms 30, spread_pct 0, "
		   "migrations 60; each also has an absolute floor)"),
    KT_CLI_STRING("json", 0, "FILE", struct compare_args, json_path,
		  "also write every row (metric, means, runs, p, "
		  "regression) as JSON"),
    {0},
};

static const struct kt_cli_group compare_group = {.opts = compare_opts};

static const struct kt_cli_cmd compare_cmd = {
    .name = "ktstr compare",
    .operands = "BASE NEW",
    .about = "Compare the sidecars of two results directories scenario by "
	     "scenario and variant by variant. A variant part that takes one "
	     "value on each side and differs (profile default vs slow, "
	     "kernel A vs B) is the A/B under test and is not matched on. "
	     "Per metric, the runs of each side go through Welch's t-test "
	     "(or Mann-Whitney) with Holm's correction over all tests; a "
	     "regression is a change for the worse beyond the metric's gate "
	     "with a p-value under Holm's limit, or a scenario that FAILs in "
	     "NEW and never did in BASE.",
    .notes = "Repeated runs make the test possible: `ktstr gauntlet --runs "
	     "3` or several `ktstr vm --results DIR`. With one run a side "
	     "there is no test, only the verdicts.",
    .exit = "0 no regression, 1 a significant regression (named on "
	    "stdout), 2 usage or unreadable results, 5 no regression but a "
	    "group could not be judged (the host loaded the two sides' VMs "
	    "differently)",
};

static int parse_gates(const struct compare_args *a, struct kt_compare_opts *o)
{
	for (int m = 0; m < KT_METRIC__COUNT; m++)
		o->min_change_pct[m] = -1;
	for (size_t i = 0; i < a->gates.nr; i++) {
		char name[64], *end;
		const char *eq = strchr(a->gates.v[i], '=');
		enum kt_metric m;
		double v;

		snprintf(name, sizeof(name), "%.*s",
			 eq ? (int)(eq - a->gates.v[i]) : 0, a->gates.v[i]);
		m = kt_metric_by_name(name);
		v = eq ? strtod(eq + 1, &end) : -1;
		if (!eq || m == KT_METRIC__COUNT || end == eq + 1 || *end ||
		    v < 0)
			return kt_cli_usage_error(
			    "compare",
			    "--gate '%s': expected METRIC=PCT with METRIC one "
			    "of work_rate, p99_wake_us, max_gap_ms, "
			    "spread_pct, migrations",
			    a->gates.v[i]);
		o->min_change_pct[m] = v;
	}
	return 0;
}

int kt_cmd_compare(int argc, char **argv)
{
	struct compare_args a = {0};
	const struct kt_cli_bind binds[] = {{&compare_group, &a}, {0}};
	struct kt_compare_opts o = {0};
	struct kt_results base = {0}, nw = {0};
	struct kt_compare_outcome res = {0};
	int nr, rc;

	if (!kt_cli_args(&compare_cmd, binds, argc, argv, &nr, &rc))
		goto out;
	rc = nr == 2 ? parse_gates(&a, &o)
		     : kt_cli_usage_error("compare", "expected BASE and NEW, "
						     "two results directories");
	if (!rc && kt_results_load((const char *const *)&argv[1], 1, &base))
		rc = kt_cli_usage_error("compare", "BASE: %s", kt_last_error());
	if (!rc && kt_results_load((const char *const *)&argv[2], 1, &nw))
		rc = kt_cli_usage_error("compare", "NEW: %s", kt_last_error());
	if (rc)
		goto out;
	o.alpha = a.alpha;
	o.mann_whitney = a.mann_whitney;
	o.json = a.json_path ? json_array() : NULL;
	if (kt_results_compare(&base, &nw, &o, &res))
		rc = kt_cli_usage_error("compare", "%s", kt_last_error());
	else if (res.regressions)
		rc = KT_EXIT_FAIL;
	else
		rc = res.inconclusive ? KT_EXIT_INCONCLUSIVE : 0;
	if (rc != KT_EXIT_USAGE)
		printf("%zu regression(s), %zu inconclusive group(s)\n",
		       res.regressions, res.inconclusive);
	if (o.json && kt_cli_write_json(a.json_path, o.json) && !rc)
		rc = KT_EXIT_INFRA;
	json_decref(o.json);
out:
	kt_cli_strings_free(&a.gates);
	kt_results_free(&base);
	kt_results_free(&nw);
	return rc;
}
