/* SPDX-License-Identifier: GPL-2.0-only */
/* `ktstr run`: scenarios on this host, under whatever scheduler is active. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <ktstr/runner.h>
#include <ktstr/scenario.h>

#include "cli_util.h"
#include "commands.h"
#include "scenario_args.h"

static void help(void)
{
	printf("usage: ktstr run [NAME|FILE.json...] [--duration S] "
	       "[--workers N] [--json FILE]\n\n"
	       "Run scenarios on this host under the active scheduler, in "
	       "cgroups below\n"
	       "/sys/fs/cgroup/ktstr-PID (removed afterwards). Without names, "
	       "the default\n"
	       "set runs (marked * in `ktstr list`). Needs root and cgroup v2 "
	       "with the cpu\n"
	       "and cpuset controllers; elsewhere it exits 4 and says why.\n"
	       "A word ending in .json or holding a '/' is a scenario file "
	       "(docs/scenario-files.md),\n"
	       "checked before anything runs; files run after the named "
	       "scenarios.\n\n"
	       "  --duration S     seconds each scenario runs (default 2; "
	       "also 500ms)\n"
	       "  --workers N      workers per cgroup (default 2)\n"
	       "  --json FILE      also write the results as a JSON array\n"
	       "  --cgroup-root D  cgroup2 mount to use (default "
	       "/sys/fs/cgroup)\n\n"
	       "exit: 0 pass, 1 a check failed, 2 usage, 3 infrastructure, "
	       "4 unsupported here\n");
}

static void collect_json(const struct kt_result *r, void *arg)
{
	json_array_append_new((json_t *)arg, kt_result_to_json(r));
}

int kt_cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
	    KT_CLI_RUN_OPTIONS,
	    {"cgroup-root", required_argument, NULL, 'c'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	struct kt_run_opts o = {0};
	struct kt_cli_scenarios sc;
	const char *json_path = NULL;
	enum kt_verdict worst;
	json_t *results;
	int c, err, rc;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		rc = kt_cli_run_option(c, optarg, &o.duration_ns, &o.workers,
				       &json_path);
		if (rc == 0)
			continue;
		if (rc != KT_CLI_OPT_OTHER)
			return rc;
		if (c == 'h') {
			help();
			return KT_EXIT_PASS;
		}
		if (c != 'c')
			return kt_cli_bad_option("run", c, argv);
		o.cgroup_root = optarg;
	}
	rc = kt_cli_scenarios_load("run", &argv[optind],
				   (size_t)(argc - optind), &sc);
	if (rc) {
		kt_cli_scenarios_free(&sc);
		return rc;
	}
	o.names = sc.names;
	o.nr_names = sc.nr_names;
	o.files = (const struct kt_scenario_file *const *)sc.files;
	o.nr_files = sc.nr_files;
	results = json_array();
	o.on_result = collect_json;
	o.arg = results;
	err = kt_run_scenarios(&o, &worst);
	kt_cli_scenarios_free(&sc);
	if (err) {
		fprintf(stderr, "ktstr run: %s\n", kt_last_error());
		json_decref(results);
		if (err == -EINVAL)
			return KT_EXIT_USAGE;
		if (err == -EOPNOTSUPP)
			return KT_EXIT_UNSUPPORTED;
		return KT_EXIT_INFRA;
	}
	if (json_path && kt_cli_write_json(json_path, results)) {
		json_decref(results);
		return KT_EXIT_INFRA;
	}
	json_decref(results);
	return kt_verdict_exit_code(worst);
}
