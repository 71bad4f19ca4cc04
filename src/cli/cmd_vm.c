/* SPDX-License-Identifier: GPL-2.0-only */
/* `ktstr vm`: run scenarios inside a VM with the requested topology. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ktstr/scenario.h>
#include <ktstr/vm.h>

#include "cli_util.h"
#include "commands.h"
#include "scenario_args.h"
#include "sched_args.h"
#include "vm_args.h"

#define DEFAULT_TOPO "1n2l2c1t"

static void help(void)
{
	printf(
	    "usage: ktstr vm [SCENARIO...] [--topo SHAPE] [--kernel K] "
	    "[--memory MB]\n"
	    "                [--duration S] [--workers N] [--json FILE] "
	    "[--accel A]\n\n"
	    "Boot a sched_ext-capable kernel in QEMU with the CPU topology "
	    "SHAPE\n"
	    "(NnNlNcNt: NUMA nodes, LLCs, cores per LLC, threads per core) "
	    "and run the\n"
	    "scenarios in it (without names, the default set). A guest "
	    "crash (panic,\n"
	    "Oops, BUG:), a boot failure or a timeout is an infrastructure "
	    "failure\n"
	    "shown with the console excerpt, never a verdict.\n\n"
	    "  --topo SHAPE     VM topology (default " DEFAULT_TOPO ")\n"
	    "  --kernel K       bzImage, cache entry dir, source tree or "
	    "cached release\n"
	    "                   (default $KTSTR_KERNEL, then the newest "
	    "cached kernel)\n"
	    "  --memory MB      guest memory (default max(512, 256 + 64 "
	    "per vCPU))\n"
	    "  --duration S     seconds each scenario runs (default 2)\n"
	    "  --workers N      workers per cgroup (default: the "
	    "scenario's)\n"
	    "  --json FILE      write the VM report (results, guest "
	    "topology) as JSON\n"
	    "  --accel A        auto (default), tcg, tcg-multi or kvm; "
	    "also $KTSTR_ACCEL\n"
	    "  --boot-timeout S seconds to wait for the guest to boot "
	    "(default 60+)\n"
	    "  --scheduler F    the scheduler under test: a JSON "
	    "definition\n"
	    "                   (docs/scheduler.md) or a binary; default "
	    "EEVDF\n"
	    "  --sched-arg ARG  one more argument for the scheduler "
	    "(repeatable)\n"
	    "  --flags A,B      the scheduler's flags to switch on (a "
	    "profile)\n"
	    "  --quiet          no progress lines\n"
	    "  --guest-panic    (self-test) crash the guest kernel after "
	    "boot\n\n"
	    "A scheduler that dies, is ejected by the kernel, never attaches "
	    "or does\n"
	    "not detach gives the SCHED verdict (exit 1) with the kernel's "
	    "reason.\n\n"
	    "exit: 0 pass, 1 a check failed, 2 usage or bad input, 3 "
	    "infrastructure,\n"
	    "      4 skipped, 130 interrupted\n");
}

static int vm_checked(struct kt_vm_opts *op, struct kt_cli_sched *sched,
		      const struct kt_cli_scenarios *sc, const char *topo,
		      const char *kernel_arg, const char *json_path);

/* The scheduler's topology constraints rule this VM out: every scenario
 * is a SKIP with the reason, nothing boots (exit 4). */
static int skip_all(const struct kt_cli_sched *sched,
		    const struct kt_vm_opts *o, const char *why,
		    const char *json_path, const char *const *names, size_t nr)
{
	json_t *j = json_object(), *results = json_array();
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
	json_decref(results);
	json_decref(j);
	return rc;
}

/* The options only `ktstr vm` takes; 0 or an exit code (error printed). */
static int vm_option(int c, char *const *argv, struct kt_vm_opts *o,
		     struct kt_cli_sched *sched)
{
	switch (c) {
	case 'b':
		if (kt_cli_duration("--boot-timeout", optarg,
				    &o->boot_timeout_ns))
			return KT_EXIT_USAGE;
		return 0;
	case 'S':
		sched->arg = optarg;
		return 0;
	case 'A':
		return kt_strv_push(&sched->extra, optarg) ? KT_EXIT_INFRA : 0;
	case 'F':
		sched->flags = optarg;
		return 0;
	case 'P':
		o->mode = KT_VM_PANIC;
		return 0;
	}
	return kt_cli_bad_option("vm", c, argv);
}

int kt_cmd_vm(int argc, char **argv)
{
	static const struct option opts[] = {
	    KT_CLI_VM_OPTIONS,
	    KT_CLI_RUN_OPTIONS,
	    {"boot-timeout", required_argument, NULL, 'b'},
	    {"scheduler", required_argument, NULL, 'S'},
	    {"sched-arg", required_argument, NULL, 'A'},
	    {"flags", required_argument, NULL, 'F'},
	    /* harness self-test: the guest crashes its kernel after boot */
	    {"guest-panic", no_argument, NULL, 'P'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	struct kt_cli_vm_args va = {.topo = DEFAULT_TOPO};
	struct kt_vm_opts o = {.mode = KT_VM_RUN};
	struct kt_cli_sched sched = {0};
	const char *json_path = NULL;
	struct kt_cli_scenarios sc;
	int c, rc;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		if (c == 'h') {
			help();
			kt_cli_sched_free(&sched);
			return KT_EXIT_PASS;
		}
		rc = kt_cli_vm_option("vm", c, optarg, &va, &o);
		if (rc == KT_CLI_OPT_OTHER)
			rc = kt_cli_run_option(c, optarg, &o.duration_ns,
					       &o.workers, &json_path);
		if (rc == KT_CLI_OPT_OTHER)
			rc = vm_option(c, argv, &o, &sched);
		if (rc) {
			kt_cli_sched_free(&sched);
			return rc;
		}
	}
	/* Names and scenario files are checked before anything boots. */
	rc = kt_cli_scenarios_load("vm", &argv[optind], (size_t)(argc - optind),
				   &sc);
	if (!rc)
		rc = vm_checked(&o, &sched, &sc, va.topo, va.kernel, json_path);
	kt_cli_scenarios_free(&sc);
	kt_cli_sched_free(&sched);
	return rc;
}

static int vm_checked(struct kt_vm_opts *op, struct kt_cli_sched *sched,
		      const struct kt_cli_scenarios *sc, const char *topo,
		      const char *kernel_arg, const char *json_path)
{
	struct kt_vm_opts o = *op;
	struct kt_vm_result res;
	char kernel[4096], why[512];
	int err, rc;

	/* Everything is checked before anything boots. */
	if (kt_cli_vm_topo("vm", topo, &o.topo))
		return KT_EXIT_USAGE;
	if (kt_cli_sched_resolve("vm", sched))
		return KT_EXIT_USAGE;
	if (sched->has_def &&
	    !kt_sched_topo_ok(&sched->def, &o.topo, why, sizeof(why))) {
		size_t nr;
		const char **names = kt_cli_scenarios_all_names(sc, &nr);

		rc = names ? skip_all(sched, &o, why, json_path, names, nr)
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

	err = kt_vm_run(&o, &res);
	if (err)
		return kt_cli_vm_setup_error("vm", err);
	for (size_t i = 0; i < res.nr_results; i++)
		kt_result_print(&res.results[i], stdout);
	fflush(stdout);
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
	kt_vm_result_free(&res);
	return rc;
}
