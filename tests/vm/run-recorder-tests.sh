#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# VM tests of the flight recorder, artifacts and the BUG SUMMARY line
# (docs/recorder.md): scx-ktstr's stall knob makes `steady` FAIL (stuck
# at the evidence); the run's artifacts, beside --json, hold a trace that
# trace viewers read (ftrace text: "# tracer: nop", every event line in
# the shape Perfetto's text importer parses) whose window holds the stuck
# worker's last sched_switch, with the workers renamed after their
# cgroups; the report (text and JSON) names it, and stderr's first line
# is the BUG SUMMARY naming it. A passing run writes no trace and no
# summary; --no-trace records no trace (a dump still goes); a bad --artifacts is exit 2 before
# booting. After every test no QEMU and no temp dir of ours may remain.
# Prints TAP lines and a final "N passed, N failed" line; exit 1 on failure.
#   KTSTR_BIN       the ktstr binary (default ${O:-build}/ktstr)
#   KTSTR_KERNEL    the guest kernel (else ktstr's own resolution)
#   KTSTR_SCX       scx-ktstr binary (default ${O:-build}/scx-ktstr)
#   RECORDER_TESTS  space-separated subset of test names (default: all)
# Needs jq. Topology 1n1l2c1t (2 vCPUs), short durations.
set -u

# shellcheck source=tests/vm/lib.sh
. "$(dirname "$0")/lib.sh"

BIN=$(abspath "${KTSTR_BIN:-${O:-build}/ktstr}")
WANT=${RECORDER_TESTS:-}
SCX=$(scx_bin)
TOPO=1n1l2c1t
setup ktstr-rectest scratch
need_jq
need_bin "ktstr binary"

not_ok_dump() {
	dump out '#   out: ' head -30
	dump err '#   err: ' head -20
}

state() { echo "rc=$rc ${t}s verdicts=$(jqr '[.results[].verdict] | join(",")') artifacts=$(jqr '[.artifacts[]?.path] | join(",")') evidence=$(jq -c '.results[0].evidence' "$WORK/r.json" 2>/dev/null)"; }

# Perfetto's systrace line tokenizer, as an ERE (tid, tgid, cpu, flags,
# timestamp, event name).
PERFETTO_LINE='-[0-9]+[[:space:]]+\(?[[:space:]]*([0-9]+|-+)?\)?[[:space:]]?\[[0-9]+\][[:space:]]*[a-zA-Z0-9.]{0,5}[[:space:]]*[0-9]+\.[0-9]+:[[:space:]]+[^[:space:]]+:'

# seconds.micros of the trace -> nanoseconds
ns() { awk -v s="$1" 'BEGIN { split(s, a, "."); printf "%d%06d000\n", a[1], a[2] }'; }

# The stall: what the trace holds about the stuck worker. Sets why.
stuck_switch() { # trace file
	tid=$(jqr '.results[0].evidence.tid')
	from=$(jqr '.results[0].evidence.from_ns')
	at=$(jqr '.results[0].evidence.at_ns')
	why="evidence tid=$tid from=$from at=$at"
	jqr '.results[0].workers[].tid' | grep -qx "$tid" ||
		{ why="$why: not a worker tid"; return 1; }
	cg=$(jqr ".results[0].workers[] | select(.tid == $tid) | .cgroup")
	# the last sched_switch of the worker before the end of its gap
	last=$(grep -E "sched_switch: prev_comm=[^ ]+ prev_pid=$tid " "$1" |
		while read -r l; do
			ts=$(echo "$l" | sed -E 's/.*[[:space:]]([0-9]+\.[0-9]+): sched_switch.*/\1/')
			[ "$(ns "$ts")" -le "$at" ] && echo "$l"
		done | tail -1)
	[ -n "$last" ] || { why="$why: no sched_switch prev_pid=$tid"; return 1; }
	ts=$(echo "$last" | sed -E 's/.*[[:space:]]([0-9]+\.[0-9]+): sched_switch.*/\1/')
	lo=$(sed -n 's/^# ktstr recorder: .*window \([0-9.]*\)-.*/\1/p' "$1")
	why="$why; last switch at $ts, window from $lo: $last"
	# inside the window, after the gap began (its last progress), and
	# named after its cgroup in both places
	[ -n "$lo" ] && [ "$(ns "$ts")" -ge "$(ns "$lo")" ] &&
		[ "$(ns "$ts")" -ge $((from - 500000000)) ] &&
		echo "$last" | grep -Eq "^ *$cg/[0-9]+-$tid +\[" &&
		echo "$last" | grep -q "prev_comm=$cg/[0-9]* prev_pid=$tid "
}

if want stall_trace; then
	if [ -x "$SCX" ]; then
		kt vm --topo $TOPO --duration 6 --json "$WORK/r.json" \
			--scheduler "$SCX" --sched-arg=--stall-after \
			--sched-arg=1 --sched-arg=--timeout-ms \
			--sched-arg=20000 steady
		trace="$WORK/r.artifacts/steady-scx-ktstr-$TOPO.trace"
		good=1
		why=
		# FAIL stuck; INCONCLUSIVE when a loaded host stalled the vCPUs
		# for the gap (the evidence is the gap either way)
		case $rc/$(jqr '.results[0].verdict') in
		1/fail | 5/inconclusive) v=ok ;; *) v= ;; esac
		[ -n "$v" ] && [ -f "$trace" ] &&
			[ "$(jqr '.artifacts[] | select(.kind == "trace") | .path')" = "$trace" ] &&
			[ "$(jqr '.artifacts[0].scenario')" = steady ] &&
			head -1 "$trace" | grep -qx '# tracer: nop' &&
			[ "$(grep -c 'sched_switch: ' "$trace")" -gt 10 ] &&
			! grep -v '^#' "$trace" | grep -Evq -- "$PERFETTO_LINE" &&
			! grep -q 'ktstr-worker' "$trace" &&
			stuck_switch "$trace" && good=0
		check "stall: a FAIL's trace beside --json, viewer-readable, holds the stuck worker's last sched_switch in its window" \
			"$good" "$(state)" "$why"
		good=1
		# the SysRq-D dump ktstr took at the stall watch's evidence
		dump="$WORK/r.artifacts/steady-scx-ktstr-$TOPO.sysrq-d.dump"
		head -1 "$WORK/err" | grep -Eq "^BUG SUMMARY: steady \[topo=$TOPO sched=scx-ktstr\] (FAIL|INCONCLUSIVE): .* \(trace: $trace; dump: $dump\)\$" &&
			grep -qx "  artifact trace: $trace" "$WORK/out" &&
			grep -qx "  artifact dump: $dump" "$WORK/out" &&
			grep -q 'Debug dump triggered by SysRq-D' "$dump" &&
			grep -q '^ktstr: booting ' "$WORK/err" && good=0
		check "stall: stderr's first line is the BUG SUMMARY naming the trace and the SysRq-D dump (progress lines after it); the text report names both" \
			"$good" "first stderr line: $(head -1 "$WORK/err")" "dump: $(head -3 "$dump" 2>/dev/null)"
	else
		skipped "stall: trace of a FAIL" "no scx-ktstr ($SCX): make scheds"
		skipped "stall: BUG SUMMARY" "no scx-ktstr ($SCX): make scheds"
	fi
fi

# The kernel ejects scx-ktstr (2 s watchdog): SCHED, and the trace, in
# the --artifacts directory made for it, holds the kernel's sched_ext
# debug dump (the sched_ext_dump event) and every worker's switches
# before the ejection (the window starts with the scenario for a
# scheduler's end).
if want eject_trace; then
	if [ -x "$SCX" ]; then
		kt vm --topo $TOPO --duration 6 --quiet --json "$WORK/r.json" \
			--artifacts "$WORK/eject" --scheduler "$SCX" \
			--sched-arg=--stall-after --sched-arg=1 \
			--sched-arg=--timeout-ms --sched-arg=2000 steady
		trace="$WORK/eject/steady-scx-ktstr-$TOPO.trace"
		at=$(jqr '.results[0].evidence.at_ns')
		good=1
		why=
		if [ $rc = 1 ] && [ "$(jqr '.results[0].verdict')" = sched ] &&
			[ -f "$trace" ] &&
			grep -q 'sched_ext_dump: .*runnable task stall' "$trace"; then
			good=0
			for tid in $(jqr '.results[0].workers[].tid'); do
				ts=$(grep -E "sched_switch: prev_comm=[^ ]+ prev_pid=$tid " "$trace" |
					head -1 | sed -E 's/.*[[:space:]]([0-9]+\.[0-9]+): sched_switch.*/\1/')
				if [ -z "$ts" ] || [ "$(ns "$ts")" -gt "${at:-0}" ]; then
					good=1
					why="$why tid $tid: first switch at ${ts:-none};"
				fi
			done
		fi
		dump="$WORK/eject/steady-scx-ktstr-$TOPO.dump"
		grep -q 'runnable task stall' "$dump" 2>/dev/null ||
			{ good=1; why="$why no ejection dump $dump;"; }
		head -1 "$WORK/err" | grep -q "^BUG SUMMARY: steady \[topo=$TOPO sched=scx-ktstr\] SCHED: scheduler ejected .* (trace: $trace; dump: $dump)\$" ||
			{ good=1; why="$why first stderr line: $(head -1 "$WORK/err")"; }
		check "ejection: a SCHED's trace holds the kernel's sched_ext dump and every worker's switches before it; the dump is its own artifact; the BUG SUMMARY names the ejection, trace and dump" \
			"$good" "$(state)" "$why"
	else
		skipped "ejection: trace of a SCHED" "no scx-ktstr ($SCX): make scheds"
	fi
fi

if want pass_no_trace; then
	kt vm --topo $TOPO --duration 2 --quiet --json "$WORK/p.json" steady
	cp "$WORK/p.json" "$WORK/r.json" 2>/dev/null
	good=1
	[ $rc = 0 ] && [ "$(jqr '.results[0].verdict')" = pass ] &&
		[ "$(jqr '.artifacts | length')" = 0 ] &&
		[ ! -e "$WORK/p.artifacts" ] &&
		! grep -q 'BUG SUMMARY' "$WORK/err" &&
		! grep -q 'artifact' "$WORK/out" && good=0
	check "a PASS writes no trace, no artifacts directory, no BUG SUMMARY" \
		"$good" "$(state)"
fi

if want no_trace; then
	if [ -x "$SCX" ]; then
		kt vm --topo $TOPO --duration 6 --quiet --no-trace \
			--artifacts "$WORK/arts" --json "$WORK/r.json" \
			--scheduler "$SCX" --sched-arg=--stall-after \
			--sched-arg=1 --sched-arg=--timeout-ms \
			--sched-arg=20000 steady
		good=1
		# no trace; the SysRq-D dump is not the recorder's and stays
		[ $rc = 1 ] && [ "$(jqr '.results[0].verdict')" = fail ] &&
			[ "$(jqr '[.artifacts[].kind] | join(",")')" = dump ] &&
			[ ! -e "$WORK/arts/steady-scx-ktstr-$TOPO.trace" ] &&
			head -1 "$WORK/err" | grep -q "^BUG SUMMARY: steady .* FAIL: .*(trace: none; dump: $WORK/arts/steady-scx-ktstr-$TOPO.sysrq-d.dump)\$" &&
			good=0
		check "--no-trace: a FAIL records no trace (its dump still goes), its BUG SUMMARY says trace: none" \
			"$good" "$(state)"
	else
		skipped "--no-trace" "no scx-ktstr ($SCX): make scheds"
	fi
fi

if want bad_artifacts; then
	: >"$WORK/afile"
	kt vm --topo $TOPO --artifacts "$WORK/none/arts" steady
	good=1
	[ $rc = 2 ] && grep -q -- "--artifacts $WORK/none/arts: .*No such file" "$WORK/err" &&
		[ $t -lt 5 ] && ! grep -q booting "$WORK/err" && good=0
	kt vm --topo $TOPO --artifacts "$WORK/afile" steady
	[ $good = 0 ] && [ $rc = 2 ] && grep -q 'not a directory' "$WORK/err" ||
		good=1
	# --results DIR: DIR/artifacts, DIR below a file
	kt vm --topo $TOPO --results "$WORK/afile/res" steady
	[ $good = 0 ] && [ $rc = 2 ] &&
		grep -q -- "--results $WORK/afile/res/artifacts: " "$WORK/err" ||
		good=1
	check "a bad --artifacts is exit 2 naming it, before booting" \
		"$good" "rc=$rc ${t}s err: $(head -2 "$WORK/err")"
fi

plan
summary
