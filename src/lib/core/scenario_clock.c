/* SPDX-License-Identifier: GPL-2.0-only */
/* The current scenario's time origin (scenario_clock.h). */
#include <stdatomic.h>

#include "core/scenario_clock.h"

static _Atomic uint64_t origin;

void kt_scenario_clock_start(uint64_t t0)
{
	atomic_store(&origin, t0);
}

uint64_t kt_scenario_clock_t0(void)
{
	return atomic_load(&origin);
}

uint64_t kt_scenario_clock_since(uint64_t t)
{
	uint64_t t0 = kt_scenario_clock_t0();

	return t > t0 ? t - t0 : 0;
}
