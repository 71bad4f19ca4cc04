/* SPDX-License-Identifier: GPL-2.0-only */
/* `ktstr run`: scenarios on this host, under whatever scheduler is active. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ktstr/runner.h>
#include <ktstr/scenario.h>

#include "bug_summary.h"
#include "cli_util.h"
#include "commands.h"
#include "html_out.h"
#include "run_args.h"
#include "scenario_args.h"

struct run_args {
	const char *json_path;
	const char *cgroup_root;
	struct kt_cli_run_args run;
	const char *html_path;
};

static const struct kt_cli_opt run_opts[] = {
    KT_CLI_STRING("json", 0, "FILE", struct run_args, json_path,
		  "also write the results as a JSON array"),
    KT_CLI_STRING("cgroup-root", 0, "D", struct run_args, cgroup_root,
		  "cgroup2 mount to use (default /sys/fs/cgroup)"),
    KT_CLI_STRING("html", 0, "FILE", struct run_args, html_path,
		  "write the run's picture into FILE: one HTML page with a "
		  "timeline per scenario (docs/timeline.md)"),
    {0},
};

static const struct kt_cli_group run_group = {.opts = run_opts};

static const struct kt_cli_cmd run_cmd = {
    .name = "ktstr run",
    .operands = "[NAME|FILE.json...]",
    .about = "Run scenarios on this host under the active scheduler, in "
	     "cgroups below /sys/fs/cgroup/ktstr-PID (removed afterwards). "
	     "Without names, the default set runs (marked * in `ktstr list`). "
	     "Needs root and cgroup v2 with the cpu and cpuset controllers; "
	     "elsewhere it exits 4 and says why.\n\n"
	     "A word ending in .json or holding a '/' is a scenario file "
	     "(docs/scenario-files.md), checked before anything runs; files "
	     "run after the named scenarios.",
    .exit = "0 pass, 1 a check failed, 2 usage, 3 infrastructure, 4 "
	    "unsupported here, 5 inconclusive",
};

/* What the run keeps of each result: its JSON, a copy for --html, and
 * stderr held until the first failing result's BUG SUMMARY
 * (bug_summary.h). No recorder runs on the host: the summary says
 * "trace: none". */
struct collected {
	json_t *json;
	bool keep;
	size_t nr;
	struct kt_result *kept;
	struct kt_cli_hold hold;
	bool summarized;
};

static void summarize(struct collected *c, const struct kt_result *r)
{
	char line[2048];

	if (c->summarized || !kt_cli_bug_verdict(r->verdict))
		return;
	kt_cli_bug_summary(r, NULL, NULL, line, sizeof(line));
	kt_cli_release_stderr(&c->hold, line);
	c->summarized = true;
}

static void collect(const struct kt_result *r, void *arg)
{
	struct collected *c = arg;
	struct kt_result *k;

	json_array_append_new(c->json, kt_result_to_json(r));
	summarize(c, r);
	if (!c->keep)
		return;
	k = realloc(c->kept, (c->nr + 1) * sizeof(*k));
	if (!k)
		return;
	c->kept = k;
	kt_result_init(&k[c->nr]);
	if (kt_result_merge(&k[c->nr], r)) /* a deep copy */
		kt_result_free(&k[c->nr]);
	else
		c->nr++;
}

static void collected_free(struct collected *c)
{
	for (size_t i = 0; i < c->nr; i++)
		kt_result_free(&c->kept[i]);
	free(c->kept);
	json_decref(c->json);
}

int kt_cmd_run(int argc, char **argv)
{
	struct run_args a = {0};
	const struct kt_cli_bind binds[] = {
	    {&run_group, &a},
	    {&kt_cli_run_group, &a.run},
	    {0},
	};
	struct kt_run_opts o = {0};
	struct kt_cli_scenarios sc;
	enum kt_verdict worst;
	struct collected c = {.hold = {-1, -1}};
	int nr, err, rc;

	if (!kt_cli_args(&run_cmd, binds, argc, argv, &nr, &rc))
		return rc;
	o.duration_ns = a.run.duration_ns;
	o.workers = a.run.workers;
	o.keep_going = a.run.keep_going;
	o.cgroup_root = a.cgroup_root;
	if (kt_cli_run_resolve("run", &a.run) ||
	    kt_cli_html_check("run", a.html_path))
		return KT_EXIT_USAGE;
	if (a.run.work_type)
		o.work_type = &a.run.work;
	rc = kt_cli_scenarios_load("run", &argv[1], (size_t)nr, &sc);
	if (rc) {
		kt_cli_scenarios_free(&sc);
		return rc;
	}
	o.names = sc.names;
	o.nr_names = sc.nr_names;
	o.files = (const struct kt_scenario_file *const *)sc.files;
	o.nr_files = sc.nr_files;
	c.json = json_array();
	c.keep = a.html_path != NULL;
	o.on_result = collect;
	o.arg = &c;
	kt_cli_hold_stderr(&c.hold);
	err = kt_run_scenarios(&o, &worst);
	kt_cli_release_stderr(&c.hold, NULL);
	kt_cli_scenarios_free(&sc);
	if (err) {
		fprintf(stderr, "ktstr run: %s\n", kt_last_error());
		collected_free(&c);
		if (err == -EINVAL)
			return KT_EXIT_USAGE;
		if (err == -EOPNOTSUPP)
			return KT_EXIT_UNSUPPORTED;
		return KT_EXIT_INFRA;
	}
	rc = kt_verdict_exit_code(worst);
	if ((a.json_path && kt_cli_write_json(a.json_path, c.json)) ||
	    kt_cli_html_write("run", a.html_path, "ktstr run (this host)",
			      c.kept, c.nr, false))
		rc = KT_EXIT_INFRA;
	collected_free(&c);
	return rc;
}
