/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The flight recorder: a tracefs instance of ktstr's own
 * (instances/ktstr, so it never fights other users of the top-level
 * buffer) recording the scheduler's events in a bounded per-CPU ring
 * buffer, cleared at each scenario's start; on a FAIL, SCHED or
 * INCONCLUSIVE result the window around the evidence goes to the host as
 * a "trace" artifact (docs/recorder.md).
 */
#ifndef KTSTR_GUEST_RECORDER_H
#define KTSTR_GUEST_RECORDER_H

#include <stdbool.h>

#include <ktstr/result.h>

#define KT_RECORDER_TRACEFS  "/sys/kernel/tracing"
#define KT_RECORDER_INSTANCE "ktstr"
/*
 * Per-CPU ring buffer, KiB. Measured in a 2-vCPU TCG guest (SpinWait and
 * Mixed workers under scx-ktstr and EEVDF): the busiest CPU wrote about
 * 60 KiB of events a second, so 4 MiB holds a minute of one CPU, far
 * more than a scenario's window plus a stuck worker's gap; 4 MiB a vCPU
 * is 1.6% of a 4-vCPU guest's 256 MB.
 */
#define KT_RECORDER_BUFFER_KB 4096

/* The events recorded ("system/event"; "sched_ext/" = all of its). */
extern const char *const kt_recorder_events[];

/*
 * Create and start the instance under tracefs (NULL = the default):
 * buffer size, trace_clock mono (CLOCK_MONOTONIC, which workers stamp
 * their telemetry with), the events. sched_ext's events are enabled when
 * the kernel has them. 0 or -errno with a message.
 */
int kt_recorder_start(const char *tracefs);
/* Whether the recorder runs. */
bool kt_recorder_on(void);
/* Empty the buffer (each scenario's start). */
void kt_recorder_clear(void);
/*
 * r failed (FAIL, SCHED, INCONCLUSIVE): send the window around its
 * evidence as a "trace" artifact of r->scenario. end_ns: the scenario's
 * end, the moment when r records none. Nothing for other verdicts or
 * when the recorder is off. 0 or -errno with a message.
 */
int kt_recorder_save(const struct kt_result *r, uint64_t end_ns);
/* Stop recording and remove the instance. */
void kt_recorder_stop(void);

#endif
