/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Scheduling policies (internal): the kernel's value of a policy, from the
 * policy table in sched_policy.c (names and the rest: <ktstr/workload.h>).
 */
#ifndef KTSTR_SCHED_POLICY_H
#define KTSTR_SCHED_POLICY_H

#include <ktstr/workload.h>

/* SCHED_OTHER, SCHED_BATCH, ...; SCHED_OTHER for a value that is not a
 * policy. */
int kt_policy_sched(enum kt_policy_kind k);

#endif
