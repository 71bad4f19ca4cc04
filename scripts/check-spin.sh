#!/bin/sh
# No instruction that makes a vCPU leave guest execution in our own code.
# Disassembles every object a build made from src/, bench/ and tests/ktest/
# (the work loops, the gate, the group waits, the guest's init, the
# benchmarks, the VM self-tests) and fails on:
#   pause (rep nop)  QEMU's TCG leaves the vCPU loop on it ("let another
#                    CPU run"): under round-robin TCG, our default, a loop
#                    with pause gives up its turn at every iteration and
#                    looks stuck beside loops without it (docs/emulation.md);
#                    under KVM it can cause pause-loop exits
#   tpause, umwait, umonitor, mwait, monitor, hlt
#                    wait or halt the CPU (privileged ones fault in user
#                    space anyway)
#   cpuid            a VM exit on every execution under KVM
# A spin is plain instructions (src/lib/work/work_spin.c); a wait blocks
# in futex(2) or sleeps. rdtsc is fine: TCG reads its clock inline, KVM
# does not intercept it.
# Usage: scripts/check-spin.sh [BUILD_DIR]   (default: $O, else build)
# Prints one line per hit and exits 1 when there is one; exits 2 when
# there are no objects or objdump cannot see a known pause.
set -u
cd "$(dirname "$0")/.." || exit 2
objdir=${1:-${O:-build}}
insns='pause|tpause|umwait|umonitor|mwait|monitor|hlt|cpuid'

# objdump -d of FILE, "FILE: FUNCTION: INSN" for each forbidden one
scan() {
	objdump -d --no-show-raw-insn "$1" 2>/dev/null | awk -v f="$1" -v re="^($insns)\$" '
		/^[0-9a-f]+ <.*>:$/ { fn = $2; gsub(/[<>:]/, "", fn); next }
		/^ *[0-9a-f]+:\t/ {
			split($0, p, "\t")
			n = split(p[2], w, " ")
			for (i = 1; i <= n; i++)
				if (w[i] !~ /^(rep|repz|repe|lock|data16|cs|ds|notrack|bnd)$/)
					break
			if (i <= n && w[i] ~ re)
				print f ": " fn ": " w[i]
		}'
}

# The check must see a pause where there is one (a changed objdump
# format would otherwise pass everything).
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ktstr-spin.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
printf 'void f(void) { __asm__ __volatile__("pause; rep; nop"); }\n' >"$tmp/s.c"
if ! ${CC:-cc} -c -o "$tmp/s.o" "$tmp/s.c" 2>/dev/null ||
	[ "$(scan "$tmp/s.o" | grep -c ': pause$')" != 2 ]; then
	echo "check-spin: objdump did not show a known pause: the check cannot run"
	exit 2
fi

objs=$(find "$objdir/src" "$objdir/bench" "$objdir/tests/ktest" -name '*.o' 2>/dev/null | sort)
if [ -z "$objs" ]; then
	echo "check-spin: no objects in $objdir/src: build first (make)"
	exit 2
fi
hits=$(for o in $objs; do scan "$o"; done)
if [ -n "$hits" ]; then
	printf '%s\n' "$hits" | sed 's/^/check-spin: /'
	echo "check-spin: these instructions make a vCPU leave guest execution" \
		"(pause: QEMU TCG gives the turn to another vCPU at every one," \
		"so the loop looks stuck; see docs/emulation.md). Spin with" \
		"kt_spin_units() (src/lib/work/work_spin.c), wait in futex(2)."
	exit 1
fi
echo "check-spin: $(printf '%s\n' "$objs" | wc -l) objects in $objdir, no pause/mwait/hlt/cpuid"
