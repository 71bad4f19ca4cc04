/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The "scheduler gone" flag: set by the scheduler monitor when the
 * scheduler under test dies or is ejected, read by every hold so a
 * scenario winds down at once, cleared when a new scheduler starts.
 */
#include <stdatomic.h>

#include <ktstr/sched.h>

static atomic_bool sched_gone;

void kt_sched_mark_gone(void)
{
	atomic_store(&sched_gone, true);
}

void kt_sched_clear_gone(void)
{
	atomic_store(&sched_gone, false);
}

bool kt_sched_is_gone(void)
{
	return atomic_load(&sched_gone);
}
