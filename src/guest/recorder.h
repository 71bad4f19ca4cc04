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
 * The ring buffers take KT_RECORDER_TOTAL_KB over all CPUs, between
 * KT_RECORDER_MIN_KB and KT_RECORDER_MAX_KB a CPU: 4 MiB a CPU at 2
 * vCPUs, 2 at 4, 1 at 8, 512 KiB from 16 on; 8 MiB is 3% of a 1-4 vCPU
 * guest's 256 MB (a 16-vCPU guest's 448 MB holds 16 x 512 KiB, 2%).
 * Measured in a 2-vCPU TCG guest: the busiest CPU wrote 290 KiB of
 * events a second with 3 SpinWait, 3 Mixed and 3 YieldHeavy workers, and
 * 6 KiB a second with 4 SpinWait workers stalled by scx-ktstr, so 2 MiB
 * keep at least 7 s of one CPU: a window (2.5 s) plus a stuck worker's
 * gap. The saved trace's header says each CPU's overrun (events lost).
 */
#define KT_RECORDER_TOTAL_KB 8192
#define KT_RECORDER_MIN_KB   512
#define KT_RECORDER_MAX_KB   4096

/* The per-CPU buffer size for cpus online CPUs, KiB. */
unsigned kt_recorder_buffer_kb(long cpus);

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
