/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest's side of the host monitor (monitor_mark.c): the kernel
 * symbols the host asked for, and the scenario/step mark it reads from
 * guest RAM. Also the self-test wedge (wedge.c).
 */
#ifndef KTSTR_GUEST_MONITOR_MARK_H
#define KTSTR_GUEST_MONITOR_MARK_H

#include <stdatomic.h>

#include <jansson.h>

#include "plan.h"

/*
 * With the plan's monitor_symbols: send {"type": "ksyms", "syms": {name:
 * "HEX"}} from /proc/kallsyms through send, and start the thread that
 * writes "ktstr:<step>:<scenario>" into the domainname whenever *step or
 * the scenario changes. Nothing without them. Failures are logged, never
 * fatal: the host then says the monitor got no symbols.
 */
void kt_guest_monitor_begin(const struct kt_plan *p, atomic_ushort *step,
			    void (*send)(json_t *m));
/* The scenario now running (NULL: between scenarios). */
void kt_guest_monitor_scenario(const char *name);

/* Self-test: after ms, SCHED_FIFO-99 spinners on every online CPU with
 * RT throttling and the fair server off, so nothing else runs. */
void kt_guest_wedge_arm(uint64_t ms);

#endif
