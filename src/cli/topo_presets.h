/* SPDX-License-Identifier: GPL-2.0-only */
/* `ktstr topo --presets` (topo_presets.c). */
#ifndef KTSTR_CLI_TOPO_PRESETS_H
#define KTSTR_CLI_TOPO_PRESETS_H

#include <stdbool.h>
#include <stdint.h>

#include "sched_args.h"

/* Print the presets (text or JSON); an exit code. */
int kt_cli_topo_presets(bool json, const struct kt_cli_sched *s,
			uint64_t budget_ns);

#endif
