/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Private to libktstr: the current scenario's time origin, the moment
 * (CLOCK_MONOTONIC ns) the runners bracket it from
 * (scenario/scenario_measure.c). The lanes of the run's picture count
 * from it (result/result_lanes.c), so every lane, step and marker of one
 * scenario shares one time axis. 0 when no scenario has started.
 */
#ifndef KTSTR_SCENARIO_CLOCK_H
#define KTSTR_SCENARIO_CLOCK_H

#include <stdint.h>

void kt_scenario_clock_start(uint64_t t0);
uint64_t kt_scenario_clock_t0(void);
/* t - t0, 0 before it (or t itself with no origin). */
uint64_t kt_scenario_clock_since(uint64_t t);

#endif
