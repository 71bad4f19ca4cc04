/* SPDX-License-Identifier: GPL-2.0-only */
/* `ktstr gauntlet`: the options, the printed plan, then the run. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli_util.h"
#include "commands.h"
#include "gauntlet_plan.h"
#include "vm_args.h"

#define DEFAULT_BUDGET_NS KT_SEC(30 * 60)

static const struct kt_cli_opt g_opts[] = {
    KT_CLI_STRING("presets", 0, "A,B|all", struct g_args, presets,
		  "topology presets (default all that the scheduler takes "
		  "and that fit the budget here)"),
    KT_CLI_STRING("profiles", 0, "A,B|all", struct g_args, profiles,
		  "the scheduler's flag profiles (\"default\", \"a+b\"; "
		  "default: default)"),
    KT_CLI_STRING("work-types", 0, "A,B", struct g_args, work_types,
		  "work-type overrides for swappable cgroups (\"none\" = "
		  "no override; default none)"),
    KT_CLI_STRINGS("kernel", 0, "K", struct g_args, kernels,
		   "a kernel (path or cached release); repeat for more "
		   "(default the newest cached)"),
    KT_CLI_DURATION("budget", 0, "T", struct g_args, budget_ns,
		    "wall-time budget (default 30m): the plan takes the "
		    "covering order as far as it fits"),
    KT_CLI_UINT("jobs", 'j', "N", struct g_args, jobs, 1, 64,
		"VMs at once (default: one per two host CPUs under TCG)"),
    KT_CLI_STRING("shard", 0, "K/N", struct g_args, shard,
		  "run only shard K of N (a deterministic partition)"),
    KT_CLI_UINT("runs", 0, "N", struct g_args, runs, 1, 100,
		"VMs per variant (repeated runs for compare; default 1)"),
    KT_CLI_STRING("results", 0, "DIR", struct g_args, results,
		  "the results directory (default ./gauntlet-TIMESTAMP)"),
    KT_CLI_STRING("junit", 0, "FILE", struct g_args, junit,
		  "also write a JUnit XML file (a case per scenario and VM)"),
    KT_CLI_DURATION("duration", 0, "S", struct g_args, duration_ns,
		    "seconds each scenario runs (default 5)"),
    KT_CLI_UINT("workers", 0, "N", struct g_args, workers, 1, 1024,
		"workers per cgroup"),
    KT_CLI_UINT("memory", 0, "MB", struct g_args, memory_mb, 128, 1048576,
		"guest memory (default from the topology)"),
    KT_CLI_CALL("accel", 0, "A", struct g_args, accel, kt_cli_set_accel,
		"auto, tcg, tcg-multi or kvm (default auto)"),
    KT_CLI_CALL("boot", 0, "B", struct g_args, boot, kt_cli_set_boot,
		"auto, pvh or bzimage (default auto: PVH when the kernel "
		"has the entry)"),
    KT_CLI_FLAG("keep-going", 0, struct g_args, keep_going,
		"run every scenario its full duration"),
    KT_CLI_FLAG("dry-run", 'n', struct g_args, dry_run,
		"print the plan (variants, estimate) and run nothing"),
    {0},
};

static const struct kt_cli_group g_group = {.opts = g_opts};

static const struct kt_cli_cmd g_cmd = {
    .name = "ktstr gauntlet",
    .operands = "[SCENARIO...]",
    .about = "Run the scenarios (default set without names) in one VM per "
	     "variant: the product of topology presets, scheduler flag "
	     "profiles, work-type overrides and kernels. The budget "
	     "controller orders the variants so that every value of every "
	     "dimension comes before any repeats, and takes as many as fit "
	     "the budget by the measured cost of a VM here. Every VM writes "
	     "a sidecar into the results directory; at the end a verdict "
	     "matrix, variant by scenario.",
    .notes = "Read the results with `ktstr stats DIR`, compare two with "
	     "`ktstr compare BASE NEW`, rerun one VM with `ktstr replay "
	     "SIDECAR`.",
    .exit = "0 all passed, 1 a failure, 2 usage, 3 infrastructure, 4 "
	    "skipped, 5 inconclusive (the worst VM decides), 130 "
	    "interrupted",
};

static void print_plan(const struct g_args *a, const struct g_plan *p)
{
	unsigned runs = a->runs ? a->runs : 1;
	enum kt_gauntlet_dim dim;
	unsigned value;
	char label[256];
	size_t dims[KT_DIM__COUNT] = {p->nr_presets, p->nr_profiles, p->nr_work,
				      p->nr_kernels};

	fprintf(stderr,
		"ktstr gauntlet: %zu preset(s) x %zu profile(s) x %zu work "
		"type(s) x %zu kernel(s); this shard %zu variant(s), %zu fit "
		"the budget of %.0f s (%u run(s) each, -j %u, about %.0f s, "
		"%s cost model%s)\n",
		p->nr_presets, p->nr_profiles, p->nr_work, p->nr_kernels,
		p->nr_order, p->nr_fit, a->budget_ns / 1e9, runs,
		a->jobs ? a->jobs : 1, p->est_s, kt_accel_name(p->accel),
		p->cost.samples ? ", measured" : ", built in");
	if (!a->shard &&
	    !kt_gauntlet_covers(p->order, p->nr_fit, dims, &dim, &value))
		fprintf(stderr,
			"ktstr gauntlet: the budget does not cover every "
			"value: %s #%u is left out (a larger --budget, or "
			"fewer values)\n",
			kt_gauntlet_dim_name(dim), value + 1);
	for (size_t i = 0; i < p->nr_order; i++) {
		kt_g_variant_label(p, a, &p->order[i], label, sizeof(label));
		fprintf(a->dry_run ? stdout : stderr, "  %s %s\n",
			i < p->nr_fit ? "run " : "skip", label);
	}
}

static unsigned default_jobs(enum kt_accel accel)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	/* TCG thread=single keeps about one host CPU busy per VM, and
	 * the harness's probe sees host stalls when the host is short of
	 * CPUs: leave every VM two. */
	if (accel != KT_ACCEL_KVM)
		return cpus >= 4 ? (unsigned)(cpus / 2) : 1;
	return cpus >= 8 ? (unsigned)(cpus / 4) : 1;
}

int kt_cmd_gauntlet(int argc, char **argv)
{
	struct g_args a = {.budget_ns = DEFAULT_BUDGET_NS};
	const struct kt_cli_bind binds[] = {
	    {&g_group, &a},
	    {&kt_cli_sched_group, &a.sched},
	    {0},
	};
	char dir[64];
	struct g_plan p;
	int nr, rc;

	if (!kt_cli_args(&g_cmd, binds, argc, argv, &nr, &rc)) {
		kt_cli_sched_free(&a.sched);
		return rc;
	}
	if (!a.results) {
		time_t t = time(NULL);
		struct tm tm;

		gmtime_r(&t, &tm);
		strftime(dir, sizeof(dir), "gauntlet-%Y%m%d-%H%M%S", &tm);
		a.results = dir;
	}
	if (!a.jobs) /* the budget's fit depends on it */
		a.jobs = default_jobs(
		    a.accel != KT_ACCEL_AUTO ? a.accel : kt_accel_detect());
	rc = kt_g_plan(&a, &argv[1], (size_t)nr, &p);
	if (!rc)
		print_plan(&a, &p);
	if (!rc && !a.dry_run && !p.nr_fit)
		rc = kt_cli_usage_error("gauntlet",
					"no variant fits the budget of %.0f s",
					a.budget_ns / 1e9);
	if (!rc && !a.dry_run) {
		fprintf(stderr, "ktstr gauntlet: results in %s\n", a.results);
		rc = kt_g_exec(&a, &p);
	}
	kt_g_plan_free(&p);
	kt_cli_sched_free(&a.sched);
	return rc;
}
