/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Scheduling policies of a workload's workers: the one table of their
 * names (C API, scenario files, messages), short names, the kernel's
 * SCHED_* value and whether they are real-time (take a priority 1..99).
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

#include <ktstr/common.h>
#include <ktstr/workload.h>

#include "sched_policy.h"

/* Not in every libc's <sched.h> yet: the kernel's value. */
#define KT_SCHED_EXT 7

static const struct {
	const char *name;	/* PascalCase */
	const char *short_name; /* lowercase, as chrt(1) spells it */
	int sched;		/* SCHED_* */
	bool realtime;
} policies[KT_POLICY__COUNT] = {
    [KT_POLICY_NORMAL] = {"Normal", "normal", SCHED_OTHER, false},
    [KT_POLICY_BATCH] = {"Batch", "batch", SCHED_BATCH, false},
    [KT_POLICY_IDLE] = {"Idle", "idle", SCHED_IDLE, false},
    [KT_POLICY_FIFO] = {"Fifo", "fifo", SCHED_FIFO, true},
    [KT_POLICY_RR] = {"RoundRobin", "rr", SCHED_RR, true},
    [KT_POLICY_EXT] = {"Ext", "ext", KT_SCHED_EXT, false},
};

static bool valid(enum kt_policy_kind k)
{
	return (unsigned)k < KT_POLICY__COUNT;
}

const char *kt_policy_name(enum kt_policy_kind k)
{
	return valid(k) ? policies[k].name : "?";
}

const char *kt_policy_short_name(enum kt_policy_kind k)
{
	return valid(k) ? policies[k].short_name : "?";
}

bool kt_policy_is_realtime(enum kt_policy_kind k)
{
	return valid(k) && policies[k].realtime;
}

int kt_policy_parse(const char *name, enum kt_policy_kind *out)
{
	char list[128];
	size_t len = 0;
	unsigned k;

	for (k = 0; name && k < KT_POLICY__COUNT; k++) {
		if (!strcmp(name, policies[k].name)) {
			*out = (enum kt_policy_kind)k;
			return 0;
		}
	}
	list[0] = '\0';
	for (k = 0; k < KT_POLICY__COUNT; k++)
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s",
					len ? ", " : "", policies[k].name);
	return kt_err(EINVAL,
		      "parse scheduling policy \"%s\": unknown name (expected "
		      "one of %s)",
		      name ? name : "(null)", list);
}

int kt_policy_sched(enum kt_policy_kind k)
{
	return valid(k) ? policies[k].sched : SCHED_OTHER;
}
