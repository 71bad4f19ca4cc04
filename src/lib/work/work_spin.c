/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The spin primitive every spinning work loop uses: a spin unit is
 * KT_SPIN_ITERS iterations of counter++ behind an empty asm, which keeps
 * the compiler from folding, unrolling or vectorising the loop.
 *
 * Plain instructions only, never `pause` (`rep nop`) or another CPU relax
 * hint. QEMU's TCG emulates `pause` by leaving the vCPU's execution loop
 * ("let another CPU run"); in round-robin mode (thread=single, our
 * default) a pause spinner gave up its turn at every unit, ran up to
 * thousands of times slower than the loops beside it and looked stuck
 * while on the CPU. Under KVM (AMD's pause filter) a pause loop causes
 * exits too. A loop of plain instructions is treated like any other code.
 * scripts/check-spin.sh fails `make test` when an object of ours contains
 * such an instruction again. docs/emulation.md has the measurements and
 * why a unit is 64 iterations.
 *
 * Out of line on purpose: the bare loop of bench/ and every work kind run
 * this one copy of the machine code (under TCG an unrolled copy of the
 * same loop runs at a different pace).
 */
#include "work_kinds.h"

uint64_t kt_spin_units(uint64_t n)
{
	uint64_t c = 0, end = n * KT_SPIN_ITERS;

	while (c < end) {
		c++;
		__asm__ __volatile__("" : "+r"(c));
	}
	return n;
}
