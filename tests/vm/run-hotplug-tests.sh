#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# VM tests of CPU hotplug (the CpuOffline / CpuOnline ops and the hotplug
# catalog scenarios) on a real kernel, 1n2l2c1t (cpu0-1 on LLC 0, cpu2-3
# on LLC 1):
#   - cpu_hotplug_one, cpu_hotplug_llc and cpu_hotplug_loop PASS under
#     EEVDF and under scx-ktstr's default (which has ops.cpu_online and
#     ops.cpu_offline), with no detail but notes: every CPU write was read
#     back, every cgroup's cpuset.cpus.effective shrank and was restored,
#     workers kept making progress (gap check); the timeline shows the
#     CPUs going offline (CpusOffline[..]) and coming back
#     (CpusOnline[..]), and a note says every CPU the run took offline is
#     online at its end (read in the guest), and cpu_hotplug_one notes
#     that its worker pinned to cpu1 loses its pin;
#   - scx-ktstr --no-hotplug-ops (no hotplug callbacks): SCHED, with the
#     kernel's reason ("cpu N going offline, exiting scheduler") in the
#     scheduler detail, and every CPU still online again at the end;
#   - CpuOffline of cpu0 (x86 has no cpu0/online) and an offline leaving
#     no usable CPU are refused before anything runs, naming the op.
# Prints TAP lines and a final "N passed, N failed" line; exit 1 on failure.
#   KTSTR_BIN     the ktstr binary (default ${O:-build}/ktstr)
#   KTSTR_SCX     scx-ktstr (default next to KTSTR_BIN, else ${O:-build})
#   KTSTR_KERNEL  the guest kernel (else ktstr's own resolution)
#   HOTPLUG_TESTS space-separated subset of eevdf scx no_callbacks refused
# Needs jq.
set -u

# shellcheck source=tests/vm/lib.sh
. "$(dirname "$0")/lib.sh"

BIN=$(abspath "${KTSTR_BIN:-${O:-build}/ktstr}")
WANT=${HOTPLUG_TESTS:-}
SCX=$(scx_bin)
FIX=$(abspath "$(dirname "$0")/../fixtures/scenarios/vm")
NAMES="cpu_hotplug_one cpu_hotplug_llc cpu_hotplug_loop"
setup ktstr-hotplugtest scratch
need_jq
need_bin "ktstr binary"

not_ok_dump() {
	dump out '#   ' tail -40
	dump err '#   ' tail -10
}

# Why result i is not a clean hotplug PASS (empty when it is).
judge_pass() {
	i=$1
	r=".results[$i]"
	[ "$(jqr "$r.verdict")" = pass ] || echo "verdict $(jqr "$r.verdict")"
	d=$(jqr "[$r.details[] | select(.kind != \"note\") | .msg] | join(\"; \")")
	[ -z "$d" ] || echo "details: $d"
	labels=$(jqr "[$r.timeline[].label] | join(\" \")")
	case " $labels" in *" CpusOffline["*) ;; *) echo "no CpusOffline in [$labels]" ;; esac
	case " $labels" in *" CpusOnline["*) ;; *) echo "no CpusOnline in [$labels]" ;; esac
	jqr "$r.details[].msg" | grep -q '^CPU hotplug: cpus .* all online at its end' ||
		echo "no note that every CPU is online at the end"
	# cg_pin's worker is pinned to the CPU that goes offline
	[ "$(jqr "$r.scenario")" != cpu_hotplug_one ] ||
		jqr "$r.details[].msg" | grep -q '^CPU hotplug: tid [0-9]* (cg_pin) is pinned to \[1\], which goes offline' ||
		echo "no note on cg_pin's worker pinned to cpu1"
}

# name, scheduler args...: the three scenarios in one VM must PASS
pass_case() {
	tn=$1
	shift
	want "$tn" || return 0
	# shellcheck disable=SC2086
	kt vm --topo 1n2l2c1t --duration 2 --json "$WORK/r.json" "$@" $NAMES
	why=
	for i in 0 1 2; do
		name=$(jqr ".results[$i].scenario")
		w=$(judge_pass "$i")
		[ -z "$w" ] || why="$why [$name: $w]"
	done
	[ "$(jqr '.results | length')" = 3 ] || why="$why results: $(jqr '.results | length')"
	check "$tn: $NAMES pass, CPUs offline and back, all online at the end (${t}s)" \
		"$([ $rc = 0 ] && [ -z "$why" ] && echo 0 || echo 1)" \
		"rc=$rc$why"
}

pass_case eevdf
if [ -x "$SCX" ]; then
	pass_case scx --scheduler "$SCX"
else
	want scx && skipped scx "no scx-ktstr binary (make scheds, or KTSTR_SCX)"
fi

# Without ops.cpu_online/cpu_offline the kernel ejects scx-ktstr at the
# first hotplug event; the SCHED verdict must carry its reason.
if want no_callbacks && [ -x "$SCX" ]; then
	kt vm --topo 1n2l2c1t --duration 2 --json "$WORK/r.json" \
		--scheduler "$SCX" --sched-arg --no-hotplug-ops cpu_hotplug_one
	sd=$(jqr '[.results[0].details[] | select(.kind == "scheduler") | .msg] | join("; ")')
	why=
	[ "$(jqr '.results[0].verdict')" = sched ] ||
		why="verdict $(jqr '.results[0].verdict')"
	echo "$sd" | grep -q 'cpu [0-9]* going offline, exiting scheduler' ||
		why="$why; no hotplug reason in [$sd]"
	jqr '.results[0].details[].msg' | grep -q '^CPU hotplug: .* all online at its end' ||
		why="$why; no note that every CPU is online at the end"
	check "no_callbacks: scx-ktstr --no-hotplug-ops is SCHED with the kernel's hotplug reason (${t}s)" \
		"$([ -z "$why" ] && echo 0 || echo 1)" "rc=$rc $why"
elif want no_callbacks; then
	skipped no_callbacks "no scx-ktstr binary (make scheds, or KTSTR_SCX)"
fi

# Refused before anything runs: cpu0, and no usable CPU left.
if want refused; then
	kt vm --topo 1n2l2c1t --duration 1 --json "$WORK/r.json" \
		"$FIX/hotplug_cpu0.json" "$FIX/hotplug_all.json"
	m0=$(jqr '[.results[0].details[].msg] | join("; ")')
	m1=$(jqr '[.results[1].details[].msg] | join("; ")')
	why=
	[ "$(jqr '.results[0].verdict')" = infra ] && [ "$(jqr '.results[1].verdict')" = infra ] ||
		why="verdicts $(jqr '[.results[].verdict] | join(",")')"
	echo "$m0" | grep -q 'step 1: CpuOffline exact(0): cpu0 cannot go offline on this kernel' ||
		why="$why; cpu0: [$m0]"
	echo "$m1" | grep -q 'step 2: CpuOffline range(0,0.5): would leave no usable CPU online' ||
		why="$why; all: [$m1]"
	echo "$m0 $m1" | grep -q 'CPU hotplug:' && why="$why; a CPU went offline"
	check "refused: CpuOffline of cpu0 and of every usable CPU fail before anything runs (${t}s)" \
		"$([ -z "$why" ] && echo 0 || echo 1)" "rc=$rc $why"
fi

plan
summary
