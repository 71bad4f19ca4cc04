/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Sequence: a list of phases run in order, over and over; one iteration is
 * one pass over the whole list.
 *
 *   Spin   spin for ns, checkpoint every 1024 units        (1024 units)
 *   Sleep  one sleep of ns: a voluntary block (out of the gap clock, the
 *          overshoot is one wake sample)                  (0 units)
 *   Yield  sched_yield until ns have passed, one wake sample each (1 unit)
 *   Io     IoSyncWrite rounds (16 x 4 KiB pwrite + fdatasync) until ns
 *          have passed                                    (16 units/round)
 *
 * Every phase checks the stop at least once per checkpoint, and a stop
 * signal cuts a Sleep phase short, so a long phase never delays the stop.
 * A Sequence needs its phases (1..KT_SEQ_MAX_PHASES, each 1 ns..1 h), so
 * it cannot be built from its bare name; one with an Io phase gets the
 * scratch file in setup.
 */
#include <errno.h>

#include "work_kinds.h"

/* 0 phase done, 1 stop, negative error. */
static int run_phase(struct kt_work_run *r, const struct kt_phase *ph)
{
	struct kt_tel *t = r->tel;
	uint64_t end = kt_tel_mono_ns() + ph->ns;
	int rc;

	switch (ph->kind) {
	case KT_PHASE_SPIN:
		do {
			kt_spin_units(KT_SPIN_BATCH);
			kt_tel_checkpoint(t, KT_SPIN_BATCH, false);
			if (kt_work_stopping(r))
				return 1;
		} while (kt_tel_mono_ns() < end);
		return 0;
	case KT_PHASE_SLEEP:
		kt_work_sleep(t, ph->ns, KT_SLEEP_BRACKET | KT_SLEEP_SAMPLE);
		kt_tel_checkpoint(t, 0, false);
		return kt_work_stopping(r) ? 1 : 0;
	case KT_PHASE_YIELD:
		do {
			kt_work_yield(t);
			kt_tel_checkpoint(t, 1, false);
			if (kt_work_stopping(r))
				return 1;
		} while (kt_tel_mono_ns() < end);
		return 0;
	case KT_PHASE_IO:
		do {
			rc = kt_work_io_round(r, "Sequence io phase");
			if (rc)
				return rc;
			kt_tel_checkpoint(t, 16, false);
			if (kt_work_stopping(r))
				return 1;
		} while (kt_tel_mono_ns() < end);
		return 0;
	default:
		kt_work_error(r, "Sequence: phase kind %d: not runnable",
			      (int)ph->kind);
		return -EINVAL; /* checked at spawn */
	}
}

static int loop_sequence(struct kt_work_run *r)
{
	unsigned i;
	int rc;

	while (!kt_work_stopping(r)) {
		for (i = 0; i < r->work.sequence.nr; i++) {
			rc = run_phase(r, &r->work.sequence.phases[i]);
			if (rc)
				return rc < 0 ? rc : 0;
		}
		kt_tel_checkpoint(r->tel, 0, true);
	}
	return 0;
}

/* ---- descriptor ---- */

static int sequence_check(const struct kt_work_kind_desc *d,
			  const struct kt_work_type *w)
{
	unsigned i;

	(void)d;
	if (w->sequence.nr < 1 || w->sequence.nr > KT_SEQ_MAX_PHASES)
		return kt_err(EINVAL,
			      "Sequence: %u phases: expected 1..%d phases",
			      w->sequence.nr, KT_SEQ_MAX_PHASES);
	for (i = 0; i < w->sequence.nr; i++) {
		const struct kt_phase *p = &w->sequence.phases[i];

		if ((unsigned)p->kind >= KT_PHASE__COUNT)
			return kt_err(EINVAL,
				      "Sequence phase %u: kind %d: not a "
				      "phase kind (Spin, Sleep, Yield, Io)",
				      i, (int)p->kind);
		if (!p->ns || p->ns > KT_SEC(3600))
			return kt_err(EINVAL,
				      "Sequence phase %u: duration %llu ns: "
				      "out of range 1 ns..1 h",
				      i, (unsigned long long)p->ns);
	}
	return 0;
}

static bool sequence_has_io(const struct kt_work_type *w)
{
	unsigned i;

	for (i = 0; i < w->sequence.nr && i < KT_SEQ_MAX_PHASES; i++) {
		if (w->sequence.phases[i].kind == KT_PHASE_IO)
			return true;
	}
	return false;
}

static int sequence_setup(struct kt_work_run *r, char *err, size_t errlen)
{
	return sequence_has_io(&r->work) ? kt_work_scratch_file(r, err, errlen)
					 : 0;
}

const struct kt_work_kind_desc kt_sequence_desc = {
    .kind = KT_WORK_SEQUENCE,
    .name = "Sequence",
    .blocks = true,
    .group_size = 1,
    .check = sequence_check,
    .setup = sequence_setup,
    .loop = loop_sequence,
};
