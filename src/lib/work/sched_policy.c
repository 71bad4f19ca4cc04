/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Scheduling policies of a workload's workers: the one table of their
 * names (C API, scenario files, messages), short names, the kernel's
 * SCHED_* value and whether they are real-time (take a priority 1..99);
 * the check of a policy's values, and applying one to the calling thread
 * (sched_setattr(2) by syscall: glibc has no wrapper for SCHED_DEADLINE's
 * runtime, deadline and period).
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <ktstr/common.h>
#include <ktstr/workload.h>

#include "sched_policy.h"

/* Not in every libc's <sched.h> yet: the kernel's value. */
#define KT_SCHED_EXT	  7
#define KT_SCHED_DEADLINE 6

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
    [KT_POLICY_DEADLINE] = {"Deadline", "deadline", KT_SCHED_DEADLINE, false},
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

bool kt_policy_above_fair(enum kt_policy_kind k)
{
	return kt_policy_is_realtime(k) || k == KT_POLICY_DEADLINE;
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

static int check_deadline(const struct kt_sched_policy *p)
{
	uint64_t rt = p->runtime_ns, per = p->period_ns;
	uint64_t dl = p->deadline_ns ? p->deadline_ns : per;

	if (rt < KT_DL_MIN_RUNTIME_NS)
		return kt_err(EINVAL,
			      "Deadline policy: runtime %llu ns: below the "
			      "kernel's minimum of %llu ns; give runtime_ns "
			      ">= %llu",
			      (unsigned long long)rt, KT_DL_MIN_RUNTIME_NS,
			      KT_DL_MIN_RUNTIME_NS);
	if (per < KT_DL_MIN_PERIOD_NS || per > KT_DL_MAX_PERIOD_NS)
		return kt_err(EINVAL,
			      "Deadline policy: period %llu ns: outside the "
			      "kernel's range %llu..%llu ns "
			      "(kernel.sched_deadline_period_{min,max}_us)",
			      (unsigned long long)per,
			      (unsigned long long)KT_DL_MIN_PERIOD_NS,
			      (unsigned long long)KT_DL_MAX_PERIOD_NS);
	if (rt > dl || dl > per)
		return kt_err(EINVAL,
			      "Deadline policy: runtime %llu ns, deadline %llu "
			      "ns, period %llu ns: need runtime <= deadline "
			      "<= period",
			      (unsigned long long)rt, (unsigned long long)dl,
			      (unsigned long long)per);
	return 0;
}

int kt_policy_check(const struct kt_sched_policy *p)
{
	if (!p || !valid(p->kind))
		return kt_err(EINVAL,
			      "scheduling policy %d: not a valid policy",
			      p ? (int)p->kind : -1);
	if (kt_policy_is_realtime(p->kind) &&
	    (p->priority < 1 || p->priority > 99))
		return kt_err(EINVAL, "%s priority %d: out of range 1..99",
			      kt_policy_name(p->kind), p->priority);
	if (!kt_policy_is_realtime(p->kind) && p->priority != 0)
		return kt_err(EINVAL,
			      "%s priority %d: a priority applies only to "
			      "Fifo and RoundRobin",
			      kt_policy_name(p->kind), p->priority);
	if (p->kind == KT_POLICY_DEADLINE)
		return check_deadline(p);
	if (p->runtime_ns || p->deadline_ns || p->period_ns)
		return kt_err(EINVAL,
			      "%s policy: runtime/deadline/period apply only "
			      "to Deadline",
			      kt_policy_name(p->kind));
	return 0;
}

/* The kernel's struct sched_attr (the first version, 48 bytes). */
struct kt_sched_attr {
	uint32_t size;
	uint32_t sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime;
	uint64_t sched_deadline;
	uint64_t sched_period;
};

/* Why sched_setattr said no, in words a user can act on. */
static const char *setattr_why(int err, enum kt_policy_kind k)
{
	if (k == KT_POLICY_DEADLINE && err == EBUSY)
		return "EBUSY: deadline admission control refused it (the "
		       "deadline tasks' runtime/period, summed, would pass "
		       "sched_rt_runtime_us/sched_rt_period_us of the CPUs)";
	if (k == KT_POLICY_DEADLINE && err == EPERM)
		return "EPERM: needs CAP_SYS_NICE and a CPU affinity covering "
		       "the whole root domain";
	if (err == EPERM)
		return "not permitted (needs CAP_SYS_NICE for real-time)";
	return strerror(err);
}

int kt_policy_apply(const struct kt_sched_policy *p, char *err, size_t len)
{
	struct kt_sched_attr a = {
	    .size = sizeof(a),
	    .sched_policy = (uint32_t)kt_policy_sched(p->kind),
	};

	if (kt_policy_is_realtime(p->kind))
		a.sched_priority = (uint32_t)p->priority;
	if (p->kind == KT_POLICY_DEADLINE) {
		a.sched_runtime = p->runtime_ns;
		a.sched_period = p->period_ns;
		a.sched_deadline =
		    p->deadline_ns ? p->deadline_ns : p->period_ns;
	}
	if (!syscall(SYS_sched_setattr, 0, &a, 0))
		return 0;
	int e = errno;

	if (p->kind == KT_POLICY_DEADLINE)
		snprintf(err, len,
			 "sched_setattr Deadline runtime %llu us deadline %llu "
			 "us period %llu us: %s",
			 (unsigned long long)a.sched_runtime / 1000,
			 (unsigned long long)a.sched_deadline / 1000,
			 (unsigned long long)a.sched_period / 1000,
			 setattr_why(e, p->kind));
	else
		snprintf(err, len, "sched_setattr %s priority %u: %s",
			 kt_policy_name(p->kind), a.sched_priority,
			 setattr_why(e, p->kind));
	return -e;
}

int kt_policy_seen(void)
{
	int pol = sched_getscheduler(0);

	return pol < 0 ? -1 : (pol & ~SCHED_RESET_ON_FORK);
}
