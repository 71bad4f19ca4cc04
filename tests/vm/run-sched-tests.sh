#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# VM tests of schedulers under test (`ktstr vm --scheduler`): bad input is
# exit 2 before booting; three fake schedulers (exits at once, never
# attaches, not executable) each get their own SCHED verdict; the real
# fixture scheduler scx-ktstr passes the baseline and each of its fault
# knobs gives the expected verdict category and message, ending the run
# early when the kernel ejects it. After every test no QEMU and no temp dir
# of ours may remain.
# Prints TAP lines and a final "N passed, N failed" line; exit 1 on failure.
#   KTSTR_BIN       the ktstr binary (default ${O:-build}/ktstr)
#   KTSTR_KERNEL    the guest kernel (else ktstr's own resolution)
#   SCHED_FIXTURES  dir of the fake schedulers (default: next to ktstr,
#                   fixtures/sched, as `make` builds them)
#   KTSTR_SCX       scx-ktstr binary (default ${O:-build}/scx-ktstr, from
#                   `make scheds`); without it the scx tests are skipped
#   SCHED_TESTS     space-separated subset of test names (default: all)
# Needs jq. Topology 1n1l2c1t (2 vCPUs) and short durations: TCG-friendly;
# --single-cpu needs idle CPUs beside a busy one, so it runs on 1n2l2c1t.
set -u

# shellcheck source=tests/vm/lib.sh
. "$(dirname "$0")/lib.sh"

BIN=$(abspath "${KTSTR_BIN:-${O:-build}/ktstr}")
WANT=${SCHED_TESTS:-}
FIX=${SCHED_FIXTURES:-$(dirname "$BIN")/fixtures/sched}
SCX=$(scx_bin)
TOPO=1n1l2c1t
setup ktstr-schedtest scratch
need_jq
need_bin "ktstr binary"
[ -x "$FIX/exit_at_once" ] ||
	{ echo "Bail out! no fixture schedulers in $FIX (run make)"; exit 3; }

not_ok_dump() {
	dump out '#   out: ' head -30
	dump err '#   err: ' tail -20
}

# All details of result i, one per line.
details() { jqr ".results[$1].details[]?.msg"; }
# The details of result i of kind k, one per line.
details_of() { jqr ".results[$1].details[]? | select(.kind==\"$2\") | .msg"; }
state() { echo "rc=$rc ${t}s end=$(jqr .end) verdicts=$(jqr '[.results[].verdict] | join(",")') reason=$(jqr .reason) sched_exit=$(jqr '.sched.exit.reason')"; }

vm() { kt vm --topo $TOPO --quiet --json "$WORK/r.json" "$@"; }

# ---- bad input: exit 2 (or 4 for a topology constraint), no VM ----
if want bad_input; then
	kt vm --topo $TOPO --scheduler /nonexistent/sched steady
	check "missing scheduler file -> exit 2 before booting" \
		"$([ $rc = 2 ] && grep -q '/nonexistent/sched' "$WORK/err" &&
			grep -q 'No such file' "$WORK/err" && echo 0 || echo 1)" \
		"rc=$rc"
	kt vm --topo $TOPO --flags llc steady
	check "--flags without --scheduler -> exit 2" \
		"$([ $rc = 2 ] && grep -q -- '--scheduler' "$WORK/err" &&
			echo 0 || echo 1)" "rc=$rc"
	printf '{"name": "x", "binary": "%s", "flag": []}\n' \
		"$FIX/exit_at_once" >"$WORK/badkey.json"
	kt vm --topo $TOPO --scheduler "$WORK/badkey.json" steady
	check "unknown key in a scheduler definition -> exit 2 naming it" \
		"$([ $rc = 2 ] && grep -q '"flag"' "$WORK/err" && echo 0 ||
			echo 1)" "rc=$rc"
	printf '{"name": "x",\n "binary": "%s"\n "args": []}\n' \
		"$FIX/exit_at_once" >"$WORK/syntax.json"
	kt vm --topo $TOPO --scheduler "$WORK/syntax.json" steady
	check "JSON syntax error -> exit 2 with file:line:column" \
		"$([ $rc = 2 ] && grep -q 'syntax.json:3:' "$WORK/err" &&
			echo 0 || echo 1)" "rc=$rc"
	cat >"$WORK/flags.json" <<EOF
{"name": "fx", "binary": "$FIX/exit_at_once",
 "flags": [{"name": "llc", "args": ["--llc"]},
           {"name": "steal", "requires": ["llc"]}],
 "topology": {"min_cpus": 4}}
EOF
	kt vm --topo 1n2l2c1t --scheduler "$WORK/flags.json" --flags nope steady
	check "unknown flag -> exit 2 naming it and the known ones" \
		"$([ $rc = 2 ] && grep -q '"nope"' "$WORK/err" &&
			grep -q 'llc, steal' "$WORK/err" && echo 0 || echo 1)" \
		"rc=$rc"
	kt vm --topo 1n2l2c1t --scheduler "$WORK/flags.json" --flags steal \
		steady
	check "flag without its requirement -> exit 2" \
		"$([ $rc = 2 ] && grep -q 'requires flag "llc"' "$WORK/err" &&
			echo 0 || echo 1)" "rc=$rc"
	kt vm --topo $TOPO --scheduler "$WORK/flags.json" \
		--json "$WORK/r.json" steady mixed_workloads
	good=1
	[ $rc = 4 ] && [ $t -lt 10 ] && [ "$(jqr .verdict)" = skip ] &&
		[ "$(jqr '.results | length')" = 2 ] &&
		jqr '.results[0].skip_reason' |
		grep -q 'needs at least 4 cpus, topology 1n1l2c1t has 2' &&
		grep -q '^SKIP steady \[topo=1n1l2c1t sched=fx\]' "$WORK/out" &&
		good=0
	check "topology outside the constraints -> SKIP with the reason, no boot" \
		"$good" "$(state)" "skip=$(jqr '.results[0].skip_reason')"
fi

# ---- fake schedulers: each its own SCHED verdict ----
if want fake_exit; then
	vm --duration 2 --scheduler "$FIX/exit_at_once" --sched-arg hello \
		steady mixed_workloads
	good=1
	[ $rc = 1 ] && [ "$(jqr .verdict)" = sched ] &&
		[ "$(jqr '.results[0].verdict')" = sched ] &&
		details 0 | grep -qx 'not run: scheduler exited at once (status 3) before attaching' &&
		[ "$(jqr '.results[1].verdict')" = skip ] &&
		jqr '.results[1].skip_reason' | grep -q 'scheduler gone' &&
		[ "$(jqr .sched.exit.phase)" = start ] &&
		jqr '.sched.exit.log_tail[]' | grep -qx 'fake-sched: arg hello' &&
		grep -q '^SCHED steady \[topo=1n1l2c1t sched=exit_at_once\]' "$WORK/out" &&
		good=0
	check "scheduler exiting at once -> SCHED 'exited at once (status 3)' + its log" \
		"$good" "$(state)"
fi

if want fake_never; then
	vm --duration 2 --scheduler "$FIX/never_attach" steady
	good=1
	[ $rc = 1 ] && [ "$(jqr '.results[0].verdict')" = sched ] &&
		details 0 | grep -q '^not run: scheduler never attached (state=disabled' &&
		[ "$(jqr .sched.exit.phase)" = attach ] &&
		jqr '.sched.exit.log_tail[]' | grep -q 'never attaches' &&
		good=0
	check "scheduler that never attaches -> SCHED 'never attached (state=disabled)'" \
		"$good" "$(state)"
fi

if want fake_noexec; then
	printf 'not a program\n' >"$WORK/noexec"
	chmod 0644 "$WORK/noexec"
	vm --duration 2 --scheduler "$WORK/noexec" steady
	good=1
	[ $rc = 1 ] && [ "$(jqr '.results[0].verdict')" = sched ] &&
		details 0 | grep -qx 'not run: scheduler failed to start: exec /ktstr/scheduler: Permission denied' &&
		good=0
	check "non-executable scheduler -> SCHED 'exec ...: Permission denied'" \
		"$good" "$(state)"
fi

# ---- scx-ktstr: baseline and fault knobs ----
scx_tests="scx_baseline scx_stall scx_stall_evidence scx_crash scx_starve scx_slow scx_scattershot
	scx_single_cpu scx_partial scx_partial_ext scx_fail_verify"
if [ -z "$SCX" ] || [ ! -x "$SCX" ]; then
	for tn in $scx_tests; do
		want $tn && skipped "$tn" "no scx-ktstr binary (make scheds, or KTSTR_SCX)"
	done
	scx_tests=
fi
scx_want() { [ -n "$scx_tests" ] && want "$1"; }

if scx_want scx_baseline; then
	vm --duration 2 --scheduler "$SCX" steady mixed_workloads
	good=1
	[ $rc = 0 ] && [ "$(jqr .verdict)" = pass ] &&
		[ "$(jqr '.results[0].verdict')" = pass ] &&
		[ "$(jqr '.results[1].verdict')" = pass ] &&
		[ "$(jqr .sched.attached)" = true ] &&
		[ "$(jqr .sched.name)" = scx-ktstr ] &&
		[ "$(jqr .sched.exit)" = null ] &&
		grep -q '^PASS steady \[topo=1n1l2c1t sched=scx-ktstr\]' "$WORK/out" &&
		grep -q '^PASS mixed_workloads \[topo=1n1l2c1t sched=scx-ktstr\]' "$WORK/out" &&
		good=0
	check "scx-ktstr passes steady and mixed_workloads, attaches and detaches" \
		"$good" "$(state)"
fi

# The kernel ejects it: SCHED, the message, the run ends early (the
# scenario was to hold 8 s), the next scenario is not run.
ejected() { # name, detail regex
	good=1
	dur=$(jqr '.results[0].duration_ns')
	[ $rc = 1 ] && [ "$(jqr .verdict)" = sched ] &&
		[ "$(jqr '.results[0].verdict')" = sched ] &&
		details 0 | grep -E '^scheduler ejected at \+[0-9.]+s: ' |
		grep -Eq "$2" &&
		[ "${dur:-99000000000}" -lt 7000000000 ] &&
		[ "$(jqr '.results[1].verdict')" = skip ] &&
		[ "$(jqr .sched.exit.ejected)" = true ] &&
		[ "$(jqr .sched.exit.phase)" = run ] && [ $t -lt 60 ] &&
		good=0
	check "$1 (${t}s)" "$good" "$(state)" "scenario ns=$dur"
}

if scx_want scx_stall; then
	vm --duration 8 --scheduler "$SCX" --sched-arg=--stall-after \
		--sched-arg=1 --sched-arg=--timeout-ms --sched-arg=2000 \
		steady mixed_workloads
	ejected "--stall-after 1 -> SCHED runnable task stall, run ends early" \
		'runnable task stall \(ktstr: .*(failed to run|failed to check in)'
fi

# The verdict at the evidence: with a watchdog (20 s) longer than the run,
# the stall is seen by ktstr's own watch, and the scenario's result comes
# within 1 s of the moment the gap limit passed (the note says when).
if scx_want scx_stall_evidence; then
	vm --duration 8 --scheduler "$SCX" --sched-arg=--stall-after \
		--sched-arg=1 --sched-arg=--timeout-ms --sched-arg=20000 steady
	note=$(jqr '.results[0].details[] | select(.kind == "note") | .msg' |
		grep '^ended at the evidence')
	passed=$(echo "$note" | sed -n 's/.*limit passed at +\([0-9.]*\)s.*/\1/p')
	dur=$(jqr '.results[0].duration_ns')
	good=1
	[ $rc = 1 ] && [ "$(jqr '.results[0].verdict')" = fail ] &&
		details 0 | grep -Eq '^stuck [0-9]+ms' && [ -n "$passed" ] &&
		awk -v p="$passed" -v d="${dur:-0}" \
			'BEGIN { exit !(d / 1e9 - p <= 1.0 && p > 0) }' &&
		good=0
	check "--stall-after 1, 20 s watchdog -> FAIL stuck at the evidence: limit passed at +${passed:-?}s, result at +$(awk -v d="${dur:-0}" 'BEGIN { printf "%.2f", d / 1e9 }')s" \
		"$good" "$(state)" "note: $note"
fi

if scx_want scx_crash; then
	vm --duration 8 --scheduler "$SCX" --sched-arg=--crash-after \
		--sched-arg=1 steady mixed_workloads
	ejected "--crash-after 1 -> SCHED with the scx_bpf_error text" \
		'scx_bpf_error \(ktstr: .*ktstr: injected crash\)'
fi

if scx_want scx_starve; then
	vm --duration 4 --scheduler "$SCX" --sched-arg=--starve-cgroup \
		--sched-arg=cg_1 steady
	good=1
	[ $rc = 1 ] && [ "$(jqr '.results[0].verdict')" = fail ] &&
		details 0 | grep -Eq '^(stuck [0-9]+ms|tid [0-9]+ starved)' &&
		[ "$(jqr .sched.exit)" = null ] &&
		! details 0 | grep -q '^scheduler ' &&
		good=0
	check "--starve-cgroup cg_1 -> FAIL stuck/starved from ktstr's checks, no ejection" \
		"$good" "$(state)"
fi

# --slow: each CPU dispatches once per 500 ms, so runnable workers wait
# seconds for a slice. The watchdog timeout is raised to 20 s (a flag arg)
# so only ktstr's own gap check can see it: FAIL "stuck", no ejection.
if scx_want scx_slow; then
	cat >"$WORK/slow.json" <<EOF
{"name": "scx-ktstr", "binary": "$SCX", "args": ["--timeout-ms", "20000"],
 "flags": [{"name": "slow", "args": ["--slow"]},
           {"name": "scatter", "args": ["--scattershot"]}]}
EOF
	vm --duration 2 --scheduler "$WORK/slow.json" --flags slow steady
	good=1
	[ $rc = 1 ] && [ "$(jqr '.results[0].verdict')" = fail ] &&
		[ "$(jqr '.results[0].scheduler')" = scx-ktstr+slow ] &&
		[ "$(jqr .sched.exit)" = null ] &&
		details 0 | grep -Eq '^stuck [0-9]+ms on cpu' &&
		! details 0 | grep -q '^scheduler ' &&
		grep -q ' steady \[topo=1n1l2c1t sched=scx-ktstr+slow\]' "$WORK/out" &&
		[ $t -lt 60 ] && good=0
	check "--flags slow -> FAIL stuck from ktstr's gap check, no ejection (${t}s)" \
		"$good" "$(state)"
fi

# --scattershot moves a task to another CPU at every enqueue, so a worker
# that yields at every iteration (Mixed) migrates at every iteration.
# Measured (ktstr vm --duration 3, one Mixed worker per cgroup, 1n1l2c1t):
# 1.12 with the knob, 0.001 without; with 2 workers per cgroup on 1n2l2c1t
# 1.49. The limit 0.1 sits 10x under the one and 100x over the other. Not
# SpinWait: its ratio (0.18 here) is per iteration, and its iterations got
# ~500x shorter with a pause-free spin unit (0.0007), while a tick-bound
# scheduler cannot move a spinner more often than it gets ticks.
if scx_want scx_scattershot; then
	cat >"$WORK/scatter.json" <<EOF
{"name": "scx-scatter", "binary": "$SCX", "args": ["--scattershot"],
 "assert": {"max_migration_ratio": 0.1}}
EOF
	cat >"$WORK/yielders.json" <<'EOF'
{"name": "yielders",
 "description": "one Mixed worker (spin, then sched_yield) in each of two cgroups",
 "workers": 1,
 "cgroups": [{"name": "cg_0", "work": "Mixed"}, {"name": "cg_1", "work": "Mixed"}]}
EOF
	vm --duration 3 --scheduler "$WORK/scatter.json" "$WORK/yielders.json"
	good=1
	[ $rc = 1 ] && [ "$(jqr '.results[0].verdict')" = fail ] &&
		details_of 0 migration | grep -Eq '^migration ratio [0-9.]+ > 0.1' &&
		! details 0 | grep -Eq '^(stuck|unfair|scheduler)' &&
		[ "$(jqr .sched.exit)" = null ] &&
		good=0
	check "--scattershot, Mixed workers, max_migration_ratio 0.1 (checks layered) -> FAIL migration" \
		"$good" "$(state)" \
		"ratios=$(jqr '[.results[0].stats[]?.migration_ratio] | join(",")')"
fi

# --single-cpu: every task on the lowest CPU it may use, the other CPUs
# idle, no stall for the watchdog. Only ktstr's work-conservation check can
# see it: FAIL with a "conservation" detail, no ejection.
if scx_want scx_single_cpu; then
	kt vm --topo 1n2l2c1t --quiet --json "$WORK/r.json" --duration 5 \
		--scheduler "$SCX" --sched-arg=--single-cpu steady
	good=1
	[ $rc = 1 ] && [ "$(jqr '.results[0].verdict')" = fail ] &&
		[ -n "$(details_of 0 conservation)" ] &&
		! details 0 | grep -Eq '^(stuck|scheduler )' &&
		[ "$(jqr .sched.exit)" = null ] &&
		[ "$(jqr .sched.attached)" = true ] &&
		good=0
	check "--single-cpu on 1n2l2c1t -> FAIL conservation, no ejection (${t}s)" \
		"$good" "$(state)" "details: $(details 0 | tr '\n' '|')"
fi

# --partial: SCX_OPS_SWITCH_PARTIAL, so only SCHED_EXT tasks are the
# scheduler's. Workers of the default policy never run under it: the run
# proves nothing about it, INCONCLUSIVE (exit 5) with a "coverage" detail.
if scx_want scx_partial; then
	vm --duration 3 --scheduler "$SCX" --sched-arg=--partial steady
	good=1
	[ $rc = 5 ] && [ "$(jqr .verdict)" = inconclusive ] &&
		[ "$(jqr '.results[0].verdict')" = inconclusive ] &&
		[ -n "$(details_of 0 coverage)" ] &&
		[ "$(jqr .sched.exit)" = null ] &&
		good=0
	check "--partial, Normal workers -> INCONCLUSIVE coverage, exit 5" \
		"$good" "$(state)" "details: $(details 0 | tr '\n' '|')"
fi

# ... and workers of policy Ext (SCHED_EXT) are its: PASS.
if scx_want scx_partial_ext; then
	cat >"$WORK/ext.json" <<'EOF'
{"name": "ext_workers",
 "description": "two cgroups of SCHED_EXT spinners, for a partial-switch scheduler",
 "cgroups": [{"name": "cg_0", "policy": "Ext"}, {"name": "cg_1", "policy": "Ext"}]}
EOF
	vm --duration 3 --scheduler "$SCX" --sched-arg=--partial "$WORK/ext.json"
	good=1
	[ $rc = 0 ] && [ "$(jqr .verdict)" = pass ] &&
		[ "$(jqr '.results[0].verdict')" = pass ] &&
		[ -z "$(details_of 0 coverage)" ] &&
		[ "$(jqr .sched.exit)" = null ] &&
		good=0
	check "--partial, policy Ext workers -> PASS" "$good" "$(state)" \
		"details: $(details 0 | tr '\n' '|')" \
		"err: $(head -3 "$WORK/err" | tr '\n' '|')"
fi

if scx_want scx_fail_verify; then
	vm --duration 2 --scheduler "$SCX" --sched-arg=--fail-verify steady
	good=1
	[ $rc = 1 ] && [ "$(jqr '.results[0].verdict')" = sched ] &&
		details 0 | grep -q '^not run: scheduler exited at once (status 3) before attaching' &&
		jqr '.sched.exit.log_tail[]' | grep -q 'verifier' &&
		[ $t -lt 60 ] && good=0
	check "--fail-verify -> SCHED load failure with the verifier's message (${t}s)" \
		"$good" "$(state)" \
		"log tail: $(jqr '.sched.exit.log_tail[]' | tail -3 | tr '\n' '|')"
fi

plan
summary
