/* SPDX-License-Identifier: GPL-2.0-only */
/* `ktstr vm`: run scenarios inside a VM with the requested topology. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ktstr/results.h>
#include <ktstr/scenario.h>
#include <ktstr/vm.h>

#include "artifacts_args.h"
#include "bug_summary.h"
#include "cli_util.h"
#include "commands.h"
#include "html_out.h"
#include "run_args.h"
#include "scenario_args.h"
#include "sched_args.h"
#include "vm_args.h"
#include "vm_monitor.h"
#include "vm_replay.h"

#define DEFAULT_TOPO "1n2l2c1t"

struct vm_args {
	const char *json_path;
	const char *results;
	unsigned runs;
	uint64_t boot_timeout_ns;
	bool guest_panic;
	bool no_monitor;
	uint64_t wedge_after_ns;
	const struct kt_cli_scenarios *sc; /* not an option: the loaded ones */
	const char *artifacts;
	bool no_trace;
	struct kt_cli_hold hold; /* stderr until the BUG SUMMARY */
	bool summarized;
	struct kt_cli_vm_args vm;
	struct kt_cli_run_args run;
	struct kt_cli_sched sched;
	const char *html_path;
};

static const struct kt_cli_opt vm_opts[] = {
    KT_CLI_STRING("topo", 0, "SHAPE", struct vm_args, vm.topo,
		  "VM topology (default " DEFAULT_TOPO ")"),
    KT_CLI_STRING("json", 0, "FILE", struct vm_args, json_path,
		  "write the VM report (results, guest topology) as JSON"),
    KT_CLI_STRING("results", 0, "DIR", struct vm_args, results,
		  "also write the run's sidecar (results, metrics, variant, "
		  "host, replay arguments) into DIR, for ktstr stats, compare "
		  "and replay"),
    KT_CLI_UINT("runs", 0, "N", struct vm_args, runs, 1, 100,
		"boot N VMs one after the other, each with its sidecar "
		"(needs --results; repeated runs for ktstr compare)"),
    KT_CLI_DURATION("boot-timeout", 0, "S", struct vm_args, boot_timeout_ns,
		    "seconds to wait for the guest to boot (default 60+)"),
    KT_CLI_FLAG("guest-panic", 0, struct vm_args, guest_panic,
		"(self-test) crash the guest kernel after boot"),
    KT_CLI_FLAG("no-monitor", 0, struct vm_args, no_monitor,
		"no host-side monitor (guest RAM stays private; "
		"docs/monitor.md)"),
    KT_CLI_DURATION("wedge-guest-after", 0, "S", struct vm_args, wedge_after_ns,
		    "(self-test) wedge the guest's userspace S seconds into "
		    "the first scenario; the run watchdog ends the VM 20 s "
		    "later"),
    KT_CLI_STRING("html", 0, "FILE", struct vm_args, html_path,
		  "write the run's picture into FILE: one HTML page with a "
		  "timeline per scenario (a lane per worker with its on-CPU "
		  "share and gaps; steps, host stalls, the scheduler's end and "
		  "the verdict marked; docs/timeline.md)"),
    KT_CLI_STRING("artifacts", 0, "DIR", struct vm_args, artifacts,
		  "write artifacts (a failing scenario's trace window, "
		  "scheduler dumps) into DIR (default: beside --json FILE as "
		  "STEM.artifacts/, else DIR/artifacts/ of --results, else a "
		  "fresh $TMPDIR/ktstr-artifacts.XXXXXX), made at the first "
		  "one"),
    KT_CLI_FLAG("no-trace", 0, struct vm_args, no_trace,
		"no flight recorder in the guest (docs/recorder.md)"),
    {0},
};

static const struct kt_cli_group vm_group = {.opts = vm_opts};

static const struct kt_cli_cmd vm_cmd = {
    .name = "ktstr vm",
    .operands = "[SCENARIO...]",
    .about = "Boot a sched_ext-capable kernel in QEMU with the CPU topology "
	     "SHAPE (NnNlNcNt: NUMA nodes, LLCs, cores per LLC, threads per "
	     "core) and run the scenarios in it (without names, the default "
	     "set). A guest crash (panic, Oops, BUG:), a boot failure or a "
	     "timeout is an infrastructure failure shown with the console "
	     "excerpt, never a verdict.",
    .notes = "A scheduler that dies, is ejected by the kernel, never "
	     "attaches or does not detach gives the SCHED verdict (exit 1) "
	     "with the kernel's reason.",
    .exit = "0 pass, 1 a check failed, 2 usage or bad input, 3 "
	    "infrastructure, 4 skipped, 5 inconclusive, 130 interrupted",
};

/* The scheduler's topology constraints rule this VM out: every scenario
 * is a SKIP with the reason, nothing boots (exit 4). */
static int skip_all(const struct kt_cli_sched *sched,
		    const struct kt_vm_opts *o, const char *why,
		    const struct vm_args *a, const char *const *names,
		    size_t nr)
{
	const char *json_path = a->json_path;
	json_t *j = json_object(), *results = json_array();
	struct kt_result *kept = NULL, *k; /* for --html */
	size_t nr_cat, n = 0;
	const struct kt_scenario *cat = kt_catalog(&nr_cat);
	char topo[64], label[256];
	int rc = KT_EXIT_UNSUPPORTED;

	kt_topo_spec_name(&o->topo, topo, sizeof(topo));
	if (kt_sched_label(&sched->def, sched->mask, label, sizeof(label)))
		snprintf(label, sizeof(label), "%s", sched->def.name);
	for (size_t i = 0; i < (nr ? nr : nr_cat); i++) {
		const char *name = nr ? names[i] : cat[i].name;
		struct kt_result r;

		if (!nr && !cat[i].in_default_set)
			continue;
		kt_result_init(&r);
		kt_result_set_header(&r, name, topo, label);
		kt_result_skip(&r, "scheduler %s %s", sched->def.name, why);
		kt_result_print(&r, stdout);
		if (results)
			json_array_append_new(results, kt_result_to_json(&r));
		k = a->html_path ? realloc(kept, (n + 1) * sizeof(*k)) : NULL;
		if (k)
			kept = k, kept[n] = r;
		else
			kt_result_free(&r);
		n++;
	}
	fflush(stdout);
	fprintf(stderr, "ktstr vm: skipped %zu scenario(s): scheduler %s %s\n",
		n, sched->def.name, why);
	if (json_path && j && results) {
		json_object_set_new(j, "topo", json_string(topo));
		json_object_set_new(j, "end", json_string("skipped"));
		json_object_set_new(j, "verdict", json_string("skip"));
		json_object_set_new(j, "exit_code", json_integer(rc));
		json_object_set_new(j, "reason", json_string(why));
		json_object_set(j, "results", results);
		if (kt_cli_write_json(json_path, j))
			rc = KT_EXIT_INFRA;
	}
	if (a->html_path &&
	    (!kept || kt_cli_html_write("vm", a->html_path,
					"ktstr vm (skipped)", kept, n, false)))
		rc = KT_EXIT_INFRA;
	for (size_t i = 0; kept && i < n; i++)
		kt_result_free(&kept[i]);
	free(kept);
	json_decref(results);
	json_decref(j);
	return rc;
}

/* The run's sidecar into dir; prints where it went (or why not). */
static int write_sidecar(const char *dir, const struct kt_vm_opts *o,
			 const struct kt_cli_sched *sched,
			 const struct kt_vm_result *res,
			 const struct timespec *started)
{
	const struct kt_topo_preset *preset = kt_topo_preset_of(&o->topo);
	struct kt_cli_argv replay = {0};
	struct kt_sidecar_opts so = {
	    .preset = preset ? preset->name : NULL,
	    .work_type = o->work_type,
	    .kernel = o->kernel,
	    .sched = sched->has_def ? &sched->def : NULL,
	    .sched_flags = sched->mask,
	    .sched_extra_args = o->sched_extra_args,
	    .duration_ns = o->duration_ns,
	    .started = *started,
	};
	char topo[64], path[4096];
	int err;

	kt_topo_spec_name(&o->topo, topo, sizeof(topo));
	so.topo = topo;
	clock_gettime(CLOCK_REALTIME, &so.finished);
	err = kt_cli_vm_replay_args(o, sched, &replay);
	so.replay_args = (const char *const *)replay.v;
	so.nr_replay_args = replay.nr;
	err = err ?: kt_sidecar_write(dir, &so, res, path, sizeof(path));
	kt_cli_argv_free(&replay);
	if (err) {
		fprintf(stderr, "ktstr vm: --results: %s\n", kt_last_error());
		return KT_EXIT_INFRA;
	}
	if (!o->quiet)
		fprintf(stderr, "ktstr vm: sidecar %s\n", path);
	return 0;
}

/* Which of two exit codes of runs tells more: INFRA, then FAIL, then
 * INCONCLUSIVE, then SKIP, then PASS. */
static int worse_exit(int a, int b)
{
	static const int rank[] = {[KT_EXIT_PASS] = 0,
				   [KT_EXIT_UNSUPPORTED] = 1,
				   [KT_EXIT_INCONCLUSIVE] = 2,
				   [KT_EXIT_FAIL] = 3,
				   [KT_EXIT_INFRA] = 4};

	if (a < 0 || a > KT_EXIT_INCONCLUSIVE || a == KT_EXIT_USAGE)
		return a;
	if (b < 0 || b > KT_EXIT_INCONCLUSIVE || b == KT_EXIT_USAGE)
		return b;
	return rank[b] > rank[a] ? b : a;
}

/* The run's picture into path, titled after the VM. */
static int write_html(const char *path, const struct kt_vm_opts *o,
		      const struct kt_vm_result *res)
{
	char topo[64], title[256];

	kt_topo_spec_name(&o->topo, topo, sizeof(topo));
	snprintf(title, sizeof(title), "ktstr vm %s (%s, %u vCPUs, kernel %s)",
		 topo, res->accel ? res->accel : "?", res->guest_cpus,
		 res->kernel_release ? res->kernel_release : "?");
	return kt_cli_html_write("vm", path, title, res->results,
				 res->nr_results, o->quiet);
}

/* The first failing result of the run as the BUG SUMMARY line, first on
 * stderr (what was held comes after it); once per process. */
static void bug_summary(const struct kt_vm_result *res, struct vm_args *a)
{
	const struct kt_result *r =
	    kt_cli_bug_first(res->results, res->nr_results);
	const struct kt_vm_artifact *trace, *dump;
	char line[2048];

	if (!r || a->summarized)
		return;
	trace = kt_vm_artifact_find(res, r->scenario, "trace");
	dump = kt_vm_artifact_find(res, r->scenario, "dump");
	kt_cli_bug_summary(r, trace ? trace->path : NULL,
			   dump ? dump->path : NULL, line, sizeof(line));
	kt_cli_release_stderr(&a->hold, line);
	a->summarized = true;
}

/* Boot one VM of o and report it (text, --json, --html, --results). */
static int run_once(const struct kt_vm_opts *op,
		    const struct kt_cli_sched *sched, struct vm_args *a)
{
	const char *json_path = a->json_path;
	const struct kt_vm_opts o = *op;
	struct kt_vm_result res;
	struct timespec started;
	int err, rc;

	clock_gettime(CLOCK_REALTIME, &started);
	err = kt_vm_run(&o, &res);
	if (err)
		return kt_cli_vm_setup_error("vm", err);
	if (kt_cli_vm_monitor_judge(&res, sched, a->sc))
		fprintf(stderr, "ktstr vm: monitor: %s\n", kt_last_error());
	for (size_t i = 0; i < res.nr_results; i++) {
		kt_result_print(&res.results[i], stdout);
		kt_monitor_print(&res.monitor, res.results[i].scenario, stdout);
		kt_cli_artifacts_print(&res, res.results[i].scenario, stdout);
	}
	kt_cli_vm_monitor_note(&res, o.quiet);
	fflush(stdout);
	bug_summary(&res, a);
	for (size_t i = 0; i < res.artifact_errors.nr; i++)
		fprintf(stderr, "ktstr vm: %s\n", res.artifact_errors.v[i]);
	kt_cli_vm_print_failure("vm", &res);
	rc = res.exit_code;
	if (json_path) {
		json_t *j = kt_vm_result_to_json(&res);

		if (j) {
			char name[64];

			kt_topo_spec_name(&o.topo, name, sizeof(name));
			json_object_set_new(j, "topo", json_string(name));
		}
		if (!j || kt_cli_write_json(json_path, j))
			rc = rc ? rc : KT_EXIT_INFRA;
		json_decref(j);
	}
	if (a->html_path && write_html(a->html_path, &o, &res))
		rc = rc ? rc : KT_EXIT_INFRA;
	if (a->results && res.end != KT_VM_END_INTERRUPTED &&
	    write_sidecar(a->results, &o, sched, &res, &started))
		rc = rc ? rc : KT_EXIT_INFRA;
	kt_vm_result_free(&res);
	return rc;
}

/* The artifacts directory (artifacts_args.h) into o, checked; no_trace. */
static int artifacts_setup(const struct vm_args *a, struct kt_vm_opts *o,
			   char *dir, size_t len)
{
	const char *opt = a->artifacts	 ? "--artifacts"
			  : a->json_path ? "--json"
			  : a->results	 ? "--results"
					 : "TMPDIR";

	if (kt_cli_artifacts_dir(a->artifacts, a->json_path, a->results, dir,
				 len, &o->artifacts_fresh))
		return kt_cli_usage_error("vm", "--artifacts: %s",
					  kt_last_error());
	o->artifacts_dir = dir;
	o->no_trace = a->no_trace;
	return kt_cli_artifacts_check(
	    "ktstr vm", opt, dir,
	    a->results && !a->artifacts && !a->json_path ? 2 : 1);
}

static int vm_checked(struct kt_vm_opts *op, struct kt_cli_sched *sched,
		      const struct kt_cli_scenarios *sc, const char *topo,
		      const char *kernel_arg, struct vm_args *a)
{
	const char *json_path = a->json_path;
	struct kt_vm_opts o = *op;
	struct kt_vm_payload *payloads = NULL;
	char kernel[4096], why[512], art_dir[4096];
	int rc = 0;

	/* Everything is checked before anything boots. */
	if (a->runs > 1 && (!a->results || json_path))
		return kt_cli_usage_error(
		    "vm",
		    "--runs %u needs --results DIR (and --json holds "
		    "one VM's report: leave it out)",
		    a->runs);
	if (a->runs > 1 && a->html_path)
		return kt_cli_usage_error("vm",
					  "--runs %u: --html holds one "
					  "VM's picture: leave it out",
					  a->runs);
	if (kt_cli_html_check("vm", a->html_path))
		return KT_EXIT_USAGE;
	if (!sched->arg && kt_cli_scenarios_map_writer(sc))
		return kt_cli_usage_error(
		    "vm",
		    "%s writes BPF maps (map_writes or WriteMap) but this run "
		    "is under EEVDF: give --scheduler (a sched_ext scheduler "
		    "such as build/scx-ktstr)",
		    kt_cli_scenarios_map_writer(sc)->path);
	if (kt_cli_vm_topo("vm", topo, &o.topo))
		return KT_EXIT_USAGE;
	for (size_t i = 0; i < sc->nr_files; i++)
		if (kt_scenario_file_check_topo(sc->files[i], &o.topo))
			return kt_cli_usage_error("vm", "%s", kt_last_error());
	if (kt_cli_sched_resolve("vm", sched))
		return KT_EXIT_USAGE;
	if (sched->has_def &&
	    !kt_sched_topo_ok(&sched->def, &o.topo, why, sizeof(why))) {
		size_t nr;
		const char **names = kt_cli_scenarios_all_names(sc, &nr);

		rc = names ? skip_all(sched, &o, why, a, names, nr)
			   : KT_EXIT_INFRA;
		free(names);
		return rc;
	}
	if (kt_cli_vm_kernel("vm", kernel_arg, kernel, sizeof(kernel)))
		return KT_EXIT_USAGE;
	kt_cli_sched_apply(sched, &o);
	o.kernel = kernel;
	o.scenarios = sc->names;
	o.nr_scenarios = sc->nr_names;
	o.scenario_files = sc->paths;
	o.nr_scenario_files = sc->nr_files;
	if (sc->nr_files && !o.run_timeout_ns)
		o.run_timeout_ns =
		    kt_cli_scenarios_run_timeout(sc, o.duration_ns);
	rc = artifacts_setup(a, &o, art_dir, sizeof(art_dir));
	if (rc)
		return rc;
	if (kt_cli_scenarios_payloads(sc, &payloads, &o.nr_payloads))
		return KT_EXIT_INFRA;
	o.payloads = payloads;

	kt_cli_hold_stderr(&a->hold);
	for (unsigned i = 0; i < (a->runs ? a->runs : 1); i++) {
		int one = run_once(&o, sched, a);

		if (one == 130 || one == KT_EXIT_USAGE) {
			rc = one;
			break;
		}
		rc = i ? worse_exit(rc, one) : one;
	}
	kt_cli_release_stderr(&a->hold, NULL);
	kt_cli_payloads_free(payloads, o.nr_payloads);
	return rc;
}

int kt_cmd_vm(int argc, char **argv)
{
	struct vm_args a = {.vm.topo = DEFAULT_TOPO, .hold = {-1, -1}};
	const struct kt_cli_bind binds[] = {
	    {&vm_group, &a},
	    {&kt_cli_vm_group, &a.vm},
	    {&kt_cli_run_group, &a.run},
	    {&kt_cli_sched_group, &a.sched},
	    {0},
	};
	struct kt_vm_opts o = {.mode = KT_VM_RUN};
	struct kt_cli_scenarios sc = {0};
	int nr, rc;

	if (!kt_cli_args(&vm_cmd, binds, argc, argv, &nr, &rc)) {
		kt_cli_sched_free(&a.sched);
		return rc;
	}
	kt_cli_vm_apply(&a.vm, &o);
	o.duration_ns = a.run.duration_ns;
	o.workers = a.run.workers;
	o.keep_going = a.run.keep_going;
	o.work_type = a.run.work_type;
	o.boot_timeout_ns = a.boot_timeout_ns;
	o.no_monitor = a.no_monitor;
	o.wedge_after_ns = a.wedge_after_ns;
	a.sc = &sc;
	if (a.guest_panic)
		o.mode = KT_VM_PANIC;
	/* Names and scenario files are checked before anything boots. */
	rc = kt_cli_run_resolve("vm", &a.run);
	rc = rc ?: kt_cli_scenarios_load("vm", &argv[1], (size_t)nr, &sc);
	if (!rc)
		rc = vm_checked(&o, &a.sched, &sc, a.vm.topo, a.vm.kernel, &a);
	kt_cli_scenarios_free(&sc);
	kt_cli_sched_free(&a.sched);
	return rc;
}
