/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Scenario words on a command line (`ktstr run` / `ktstr vm`): catalog
 * names and scenario files (a word ending in .json or holding a '/'),
 * split apart and checked before anything runs or boots.
 */
#ifndef KTSTR_CLI_SCENARIO_ARGS_H
#define KTSTR_CLI_SCENARIO_ARGS_H

#include <stddef.h>

#include <ktstr/scenario_file.h>
#include <ktstr/vm.h>

struct kt_cli_scenarios {
	const char **names; /* catalog names, in order (argv's strings) */
	size_t nr_names;
	const char **paths;		 /* scenario file paths, in order */
	struct kt_scenario_file **files; /* loaded, one per path */
	size_t nr_files;
};

/*
 * Split words[0..nr) and load every file; an unknown catalog name or a
 * file that does not load is printed as "ktstr CMD: MESSAGE" and the
 * return is the exit code (2, or 3 out of memory); 0 when all is well.
 * Free with kt_cli_scenarios_free in any case.
 */
int kt_cli_scenarios_load(const char *cmd, char *const *words, size_t nr,
			  struct kt_cli_scenarios *out);
void kt_cli_scenarios_free(struct kt_cli_scenarios *s);

/*
 * The payload binaries these scenarios run, resolved on this host
 * (kt_payload_resolve), each once: the catalog scenarios' programs that
 * are found (one that is not is left out: the scenario SKIPs in the guest
 * naming it) and every scenario file's (already checked by
 * kt_cli_scenarios_load). 0, or KT_EXIT_INFRA out of memory. Free with
 * kt_cli_payloads_free.
 */
int kt_cli_scenarios_payloads(const struct kt_cli_scenarios *s,
			      struct kt_vm_payload **out, size_t *nr);
void kt_cli_payloads_free(struct kt_vm_payload *v, size_t nr);

/*
 * The first scenario file that writes BPF maps (declared "map_writes" or
 * a WriteMap op in its backdrop or steps), NULL when none does: such a
 * file needs a sched_ext scheduler (--scheduler); under EEVDF it could
 * only be INFRA in the guest.
 */
const struct kt_scenario_file *
kt_cli_scenarios_map_writer(const struct kt_cli_scenarios *s);

/*
 * Every scenario's name (catalog names, then the files' "name"s), for
 * reports about scenarios that will not run; NULL when out of memory.
 * The array (not the strings) is the caller's to free.
 */
const char **kt_cli_scenarios_all_names(const struct kt_cli_scenarios *s,
					size_t *nr);

/*
 * A VM run watchdog (after boot) for these scenarios with the run's
 * duration (0 = each one's default): each catalog scenario gets its
 * duration + 15 s, each file its budget (kt_scenario_file_budget_ns) +
 * 15 s, plus 60 s. 0 when there are no files (the VM's own rule holds).
 */
uint64_t kt_cli_scenarios_run_timeout(const struct kt_cli_scenarios *s,
				      uint64_t duration_ns);

#endif
