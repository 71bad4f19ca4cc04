#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# VM tests of the sched_ext debug dumps (docs/dumps.md) with the fixture
# scheduler scx-ktstr: the watchdog's ejection (--stall-after) and an
# scx_bpf_error (--crash-after) put the kernel's dump into the SCHED
# result and the sched_exit message, with the per-CPU lines, the task
# lines and the error text; a stall ktstr's own watch sees first (the
# watchdog set long) gets a SysRq-D dump taken at that moment, which shows
# the stuck worker; a clean run has no dump. After every test no QEMU and
# no temp dir of ours may remain.
# Prints TAP lines and a final "N passed, N failed" line; exit 1 on failure.
#   KTSTR_BIN     the ktstr binary (default ${O:-build}/ktstr)
#   KTSTR_KERNEL  the guest kernel (else ktstr's own resolution)
#   KTSTR_SCX     scx-ktstr binary (default next to ktstr, or
#                 ${O:-build}/scx-ktstr); without it every test is skipped
#   DUMP_TESTS    space-separated subset of test names (default: all)
# Needs jq. Topology 1n1l2c1t (2 vCPUs), one scenario per VM.
set -u

# shellcheck source=tests/vm/lib.sh
. "$(dirname "$0")/lib.sh"

BIN=$(abspath "${KTSTR_BIN:-${O:-build}/ktstr}")
WANT=${DUMP_TESTS:-}
SCX=$(scx_bin)
TOPO=1n1l2c1t
setup ktstr-dumptest scratch
need_jq
need_bin "ktstr binary"

not_ok_dump() {
	dump out '#   out: ' head -60
	dump err '#   err: ' tail -20
}

state() { echo "rc=$rc ${t}s end=$(jqr .end) verdicts=$(jqr '[.results[].verdict] | join(",")') dumps=$(jqr '[.results[0].dumps[]? | .trigger + "/" + .source + "/" + (.nr_lines | tostring)] | join(",")') sched_exit=$(jqr '.sched.exit.reason')"; }
vm() { kt vm --topo $TOPO --quiet --json "$WORK/r.json" "$@"; }
# The text of result 0's dump i.
text() { jqr ".results[0].dumps[$1].text"; }

# What every kernel dump has on 7.2 (kernel/sched/ext/ext.c,
# scx_dump_state): a line per CPU ("CPU 0   : nr_run=2 flags=0x1 ..."), a
# line per task (" *R init[110] *root +0ms": current marker, state,
# comm[pid], scheduler, time since runnable) and the event counters.
kernel_dump() { # dump index
	text "$1" >"$WORK/dump"
	grep -q '^CPU 0 *: nr_run=' "$WORK/dump" &&
		grep -q '^CPU 1 *: nr_run=' "$WORK/dump" &&
		grep -Eq '^ [ *][A-Z] .*\[[0-9]+\] .* [+-][0-9]+ms$' "$WORK/dump" &&
		grep -q '^Event counters$' "$WORK/dump"
}

tests="dump_stall dump_crash dump_sysrq dump_none"
if [ -z "$SCX" ] || [ ! -x "$SCX" ]; then
	for tn in $tests; do
		want $tn && skipped "$tn" "no scx-ktstr binary (make scheds, or KTSTR_SCX)"
	done
	tests=
fi
dwant() { [ -n "$tests" ] && want "$1"; }

# The watchdog (2 s) ejects it: the SCHED result and sched_exit hold the
# kernel's dump of the error exit, from the tracepoint.
if dwant dump_stall; then
	vm --duration 8 --scheduler "$SCX" --sched-arg=--stall-after \
		--sched-arg=1 --sched-arg=--timeout-ms --sched-arg=2000 steady
	good=1
	[ $rc = 1 ] && [ "$(jqr '.results[0].verdict')" = sched ] &&
		[ "$(jqr '.results[0].dumps[0].trigger')" = ejection ] &&
		[ "$(jqr '.results[0].dumps[0].source')" = tracepoint ] &&
		jqr '.results[0].dumps[0].reason' | grep -q '^runnable task stall (' &&
		kernel_dump 0 &&
		grep -Eq '^[^ ]+\[[0-9]+\] triggered exit kind 1026' "$WORK/dump" &&
		grep -q '^  runnable task stall (.*failed to' "$WORK/dump" &&
		[ "$(jqr .sched.exit.dump.text)" = "$(text 0)" ] &&
		grep -q '^--- sched_ext dump 1/1: ejection (tracepoint), [0-9]* lines: runnable task stall' "$WORK/out" &&
		grep -q "^  | \.\.\. [0-9]* more lines: the whole dump is the JSON result's dumps\[0\]\.text" "$WORK/out" &&
		good=0
	check "--stall-after 1 -> SCHED result and sched_exit hold the kernel's dump: $(jqr '.results[0].dumps[0].nr_lines') lines, per-CPU and task lines (${t}s)" \
		"$good" "$(state)"
fi

# scx_bpf_error: the dump holds the scheduler's message.
if dwant dump_crash; then
	vm --duration 8 --scheduler "$SCX" --sched-arg=--crash-after \
		--sched-arg=1 steady
	good=1
	[ $rc = 1 ] && [ "$(jqr '.results[0].verdict')" = sched ] &&
		[ "$(jqr '.results[0].dumps[0].trigger')" = ejection ] &&
		kernel_dump 0 &&
		grep -Eq '^[^ ]+\[[0-9]+\] triggered exit kind 1025' "$WORK/dump" &&
		grep -q '^  scx_bpf_error (.*ktstr: injected crash)$' "$WORK/dump" &&
		jqr '.sched.exit.dump.text' | grep -q 'ktstr: injected crash' &&
		good=0
	check "--crash-after 1 -> the dump holds \"ktstr: injected crash\" (${t}s)" \
		"$good" "$(state)"
fi

# The watchdog is set to 10 s, so ktstr's stall watch sees the stuck worker
# first (2 s gap limit) and takes a SysRq-D dump right then: the worker it
# names is a runnable task in that dump. The result is the watch's FAIL.
if dwant dump_sysrq; then
	vm --duration 8 --scheduler "$SCX" --sched-arg=--stall-after \
		--sched-arg=1 --sched-arg=--timeout-ms --sched-arg=10000 steady
	tid=$(jqr '.results[0].details[] | select(.kind == "note") | .msg' |
		sed -n 's/^ended at the evidence, .*: tid \([0-9]*\) has made no progress.*/\1/p')
	good=1
	[ $rc = 1 ] && [ "$(jqr '.results[0].verdict')" = fail ] &&
		[ -n "$tid" ] &&
		[ "$(jqr '.results[0].dumps[0].trigger')" = SysRq-D ] &&
		[ "$(jqr '.results[0].dumps[0].source')" = tracepoint ] &&
		jqr '.results[0].dumps[0].reason' |
		grep -q "^the stall watch, at +[0-9.]*s: tid $tid has made no progress" &&
		kernel_dump 0 &&
		grep -q '^Debug dump triggered by SysRq-D$' "$WORK/dump" &&
		grep -Eq "^ [ *]R [^ ]*\[$tid\] " "$WORK/dump" &&
		grep -q '^--- sched_ext dump 1/1: SysRq-D (tracepoint)' "$WORK/out" &&
		good=0
	check "stall seen by the watch (watchdog 10 s) -> FAIL with a SysRq-D dump showing the stuck tid ${tid:-?} runnable (${t}s)" \
		"$good" "$(state)" "tid=$tid"
fi

# Nothing wrong: no dump anywhere.
if dwant dump_none; then
	vm --duration 2 --scheduler "$SCX" steady
	good=1
	[ $rc = 0 ] && [ "$(jqr '.results[0].verdict')" = pass ] &&
		[ "$(jqr '.results[0].dumps')" = null ] &&
		[ "$(jqr .sched.exit)" = null ] &&
		! grep -q 'sched_ext dump' "$WORK/out" &&
		good=0
	check "a clean run under scx-ktstr has no dump (${t}s)" "$good" "$(state)"
fi

plan
summary
