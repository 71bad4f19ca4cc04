/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Private to scenario/: the moments of the run's picture (struct
 * kt_lanes, docs/timeline.md) that only the runner's bracket around a
 * scenario knows, filled when it ends (scenario_measure.c calls it).
 */
#ifndef KTSTR_SCENARIO_LANES_H
#define KTSTR_SCENARIO_LANES_H

#include <stdint.h>

#include <ktstr/result.h>

/*
 * The scenario ran from t0 to now (CLOCK_MONOTONIC): res->lanes gets its
 * end, the vCPU probe's windows in it, when the scheduler went (if it did
 * within it) and the verdict moment: the stall watch's evidence or the
 * scheduler's end, whichever came first, else the end of the run.
 */
void kt_scenario_lanes_end(uint64_t t0, uint64_t now, struct kt_result *res);

#endif
