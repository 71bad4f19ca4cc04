/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The "scheduler gone" flag: set by the scheduler monitor when the
 * scheduler under test dies or is ejected, read by every hold so a
 * scenario winds down at once, cleared when a new scheduler starts;
 * with the moment it was first set (the run's picture marks it).
 */
#include <stdatomic.h>

#include <ktstr/sched.h>

static atomic_bool sched_gone;
static _Atomic uint64_t gone_at;

void kt_sched_mark_gone(void)
{
	uint64_t none = 0;

	atomic_compare_exchange_strong(&gone_at, &none, kt_now_ns());
	atomic_store(&sched_gone, true);
}

void kt_sched_clear_gone(void)
{
	atomic_store(&sched_gone, false);
	atomic_store(&gone_at, 0);
}

uint64_t kt_sched_gone_at_ns(void)
{
	return atomic_load(&gone_at);
}

bool kt_sched_is_gone(void)
{
	return atomic_load(&sched_gone);
}
