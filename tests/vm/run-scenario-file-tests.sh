#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# VM tests of scenario files (docs/scenario-files.md): a bad file stops
# `ktstr vm` before anything boots; a good file travels into the guest,
# runs through the ops engine and reports PASS with its own cgroups'
# stats and timeline; --duration wins over the file's duration_s, which
# applies otherwise; files run after catalog names in the same VM.
# Prints TAP lines and a final "N passed, N failed" line; exit 1 on failure.
#   KTSTR_BIN     the ktstr binary (default ${O:-build}/ktstr)
#   KTSTR_KERNEL  the guest kernel (else ktstr's own resolution)
#   VM_TESTS      space-separated subset of test names (default: all)
# Needs jq. Each boot takes 3-15 s under TCG on a 2-core host.
set -u

# shellcheck source=tests/vm/lib.sh
. "$(dirname "$0")/lib.sh"

BIN=$(abspath "${KTSTR_BIN:-${O:-build}/ktstr}")
WANT=${VM_TESTS:-}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
GOOD=$SRC/tests/fixtures/scenarios/good
BAD=$SRC/tests/fixtures/scenarios/bad
setup ktstr-sftest scratch
need_jq
need_bin "ktstr binary"

not_ok_dump() {
	dump err '#   ' tail -40
	dump out '#   out: ' tail -20
}

# ms from StepStart[1] to ScenarioEnd in result $1's timeline
held_ms() {
	jqr "[.results[$1].timeline[] | select(.label == \"StepStart[1]\" or
	      .label == \"ScenarioEnd\") | .elapsed_ms] | .[1] - .[0]"
}

# ---- a bad file: exit 2 with FILE:LINE:COLUMN, nothing boots ----
if want bad_file; then
	kt vm --topo 1n2l2c1t --duration 1 "$BAD/bad_cpuset_key.json"
	good=1
	[ $rc = 2 ] &&
		grep -qF "bad_cpuset_key.json:8:26: steps[1].ops[0].cpuset: unknown key \"llcs\"" "$WORK/err" &&
		! grep -q booting "$WORK/err" && [ ! -s "$WORK/out" ] && good=0
	check "bad scenario file -> exit 2 with its position, nothing boots" \
		"$good" "rc=$rc"
fi

# ---- a good file: PASS, its cgroups' stats, the swap in the timeline ----
if want good_file; then
	kt vm --topo 1n2l2c1t --duration 1 --json "$WORK/r.json" \
		"$GOOD/vm_swap.json"
	good=1
	held=$(held_ms 0)
	[ $rc = 0 ] && [ "$(jqr .end)" = exit ] &&
		[ "$(jqr '.results | length')" = 1 ] &&
		[ "$(jqr '.results[0].scenario')" = sf_vm_swap ] &&
		[ "$(jqr '.results[0].verdict')" = pass ] &&
		[ "$(jqr '.results[0].topo')" = 1n2l2c1t ] &&
		[ "$(jqr '[.results[0].stats[].cgroup] | sort | join(",")')" = \
			sf_left,sf_right ] &&
		[ "$(jqr '[.results[0].stats[] | select(.workers == 2 and
			.total_work_units > 0)] | length')" = 2 ] &&
		[ "$(jqr '[.results[0].timeline[] | select(.ops ==
			"SwapCpusets")] | length')" = 1 ] &&
		[ "$held" -ge 950 ] && [ "$held" -lt 1900 ] &&
		grep -q '^PASS sf_vm_swap \[topo=1n2l2c1t' "$WORK/out" &&
		grep -q '^  sf_left: 2 workers' "$WORK/out" &&
		grep -q '^  sf_right: 2 workers' "$WORK/out" && good=0
	check "vm_swap.json passes with sf_left/sf_right stats (--duration 1 wins)" \
		"$good" "rc=$rc held=${held}ms" \
		"$(jq -c '.results' "$WORK/r.json" 2>/dev/null | cut -c1-400)"
fi

# ---- a catalog name and a file in one VM; the file's duration_s ----
if want with_catalog; then
	kt vm --topo 1n2l2c1t --json "$WORK/r.json" steady "$GOOD/vm_swap.json"
	good=1
	held=$(held_ms 1)
	[ $rc = 0 ] && [ "$(jqr '.results | length')" = 2 ] &&
		[ "$(jqr '.results[0].scenario')" = steady ] &&
		[ "$(jqr '.results[0].verdict')" = pass ] &&
		[ "$(jqr '.results[1].scenario')" = sf_vm_swap ] &&
		[ "$(jqr '.results[1].verdict')" = pass ] &&
		[ "$held" -ge 1950 ] && good=0
	check "steady then vm_swap.json; the file's duration_s (2 s) applies" \
		"$good" "rc=$rc held=${held}ms"
fi

plan
summary
