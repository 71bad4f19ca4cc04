/* SPDX-License-Identifier: GPL-2.0-only */
/* HoldSpec: validation of a step's hold and its length for a run. */
#include <errno.h>

#include <ktstr/ops.h>

int kt_hold_check(const struct kt_hold *h)
{
	switch (h->kind) {
	case KT_HOLD_KIND_FULL:
		return 0;
	case KT_HOLD_KIND_FRAC:
		if (!(h->frac >= 0.0 && h->frac <= 1.0))
			return kt_err(EINVAL,
				      "hold Frac(%g): the fraction must be "
				      "within [0, 1]",
				      h->frac);
		return 0;
	case KT_HOLD_KIND_FIXED:
		if (!h->ns)
			return kt_err(EINVAL,
				      "hold Fixed(0): a fixed hold must be "
				      "longer than zero");
		return 0;
	case KT_HOLD_KIND_LOOP:
		if (!h->ns)
			return kt_err(EINVAL,
				      "hold Loop(0): the loop interval must "
				      "be longer than zero");
		return 0;
	}
	return kt_err(EINVAL, "hold: unknown kind %d", (int)h->kind);
}

uint64_t kt_hold_ns(const struct kt_hold *h, uint64_t duration)
{
	switch (h->kind) {
	case KT_HOLD_KIND_FRAC:
		return (uint64_t)((double)duration * h->frac);
	case KT_HOLD_KIND_FIXED:
		return h->ns;
	case KT_HOLD_KIND_FULL:
	case KT_HOLD_KIND_LOOP:
		break;
	}
	return duration;
}
