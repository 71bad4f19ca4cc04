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
/*
 * Apply p to the calling thread (sched_setattr(2)). 0, or a negative errno
 * with why written into err: for Deadline, EBUSY is the kernel's admission
 * control and EPERM a missing capability or an affinity narrower than the
 * root domain.
 */
int kt_policy_apply(const struct kt_sched_policy *p, char *err, size_t len);
/* The calling thread's policy as the kernel reports it (SCHED_*, without
 * SCHED_RESET_ON_FORK), or -1. */
int kt_policy_seen(void);

#endif
