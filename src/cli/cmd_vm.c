/* SPDX-License-Identifier: GPL-2.0-only */
/* `ktstr vm`: run scenarios inside a VM with the requested topology. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <ktstr/scenario.h>
#include <ktstr/vm.h>

#include "cli_util.h"
#include "commands.h"
#include "vm_args.h"

#define DEFAULT_TOPO "1n2l2c1t"

static void help(void)
{
	printf("usage: ktstr vm [SCENARIO...] [--topo SHAPE] [--kernel K] "
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
	       "  --quiet          no progress lines\n"
	       "  --guest-panic    (self-test) crash the guest kernel after "
	       "boot\n\n"
	       "exit: 0 pass, 1 a check failed, 2 usage or bad input, 3 "
	       "infrastructure,\n"
	       "      4 skipped, 130 interrupted\n");
}

int kt_cmd_vm(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"topo", required_argument, NULL, 't'},
	    {"kernel", required_argument, NULL, 'k'},
	    {"memory", required_argument, NULL, 'm'},
	    {"duration", required_argument, NULL, 'd'},
	    {"workers", required_argument, NULL, 'w'},
	    {"json", required_argument, NULL, 'j'},
	    {"accel", required_argument, NULL, 'a'},
	    {"boot-timeout", required_argument, NULL, 'b'},
	    {"quiet", no_argument, NULL, 'q'},
	    /* harness self-test: the guest crashes its kernel after boot */
	    {"guest-panic", no_argument, NULL, 'P'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	const char *topo = DEFAULT_TOPO, *kernel_arg = NULL, *json_path = NULL;
	struct kt_vm_opts o = {.mode = KT_VM_RUN};
	struct kt_vm_result res;
	char kernel[4096];
	int c, err, rc;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			help();
			return KT_EXIT_PASS;
		case 't':
			topo = optarg;
			break;
		case 'k':
			kernel_arg = optarg;
			break;
		case 'm':
			if (kt_cli_uint("--memory", optarg, 128, 1 << 20,
					&o.memory_mb))
				return KT_EXIT_USAGE;
			break;
		case 'd':
			if (kt_cli_duration("--duration", optarg,
					    &o.duration_ns))
				return KT_EXIT_USAGE;
			break;
		case 'w':
			if (kt_cli_uint("--workers", optarg, 1, 1024,
					&o.workers))
				return KT_EXIT_USAGE;
			break;
		case 'j':
			json_path = optarg;
			break;
		case 'a':
			if (kt_cli_vm_accel("vm", optarg, &o.accel))
				return KT_EXIT_USAGE;
			break;
		case 'b':
			if (kt_cli_duration("--boot-timeout", optarg,
					    &o.boot_timeout_ns))
				return KT_EXIT_USAGE;
			break;
		case 'q':
			o.quiet = true;
			break;
		case 'P':
			o.mode = KT_VM_PANIC;
			break;
		case ':':
			return kt_cli_usage_error("vm", "%s needs a value",
						  argv[optind - 1]);
		default:
			return kt_cli_usage_error("vm", "unknown option '%s'",
						  argv[optind - 1]);
		}
	}
	/* Everything is checked before anything boots. */
	if (kt_cli_vm_topo("vm", topo, &o.topo))
		return KT_EXIT_USAGE;
	for (int i = optind; i < argc; i++)
		if (!kt_catalog_find(argv[i]))
			return kt_cli_usage_error(
			    "vm",
			    "unknown scenario '%s' ('ktstr list' shows "
			    "them)",
			    argv[i]);
	if (kt_cli_vm_kernel("vm", kernel_arg, kernel, sizeof(kernel)))
		return KT_EXIT_USAGE;
	o.kernel = kernel;
	o.scenarios = (const char *const *)&argv[optind];
	o.nr_scenarios = (size_t)(argc - optind);

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
