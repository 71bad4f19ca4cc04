/* SPDX-License-Identifier: GPL-2.0-only */
/* The host monitor's limits in `ktstr vm` (vm_monitor.c). */
#ifndef KTSTR_CLI_VM_MONITOR_H
#define KTSTR_CLI_VM_MONITOR_H

#include <ktstr/vm.h>

#include "scenario_args.h"
#include "sched_args.h"

/* Apply the monitor's kt_assert limits to res's results (each one's
 * merged layer: defaults, the scheduler's, its scenario file's). */
int kt_cli_vm_monitor_judge(struct kt_vm_result *res,
			    const struct kt_cli_sched *sched,
			    const struct kt_cli_scenarios *sc);

/* One stderr line: samples, rate per CPU, stalls (and one line each),
 * or why there are none. */
void kt_cli_vm_monitor_note(const struct kt_vm_result *res, bool quiet);

#endif
