#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# VM tests of the ops/steps engine on a real kernel: each ops_* catalog
# scenario runs in its own VM (`ktstr vm --topo 1n2l2c1t --duration 2 NAME`)
# and must PASS. The engine verifies every op's effect in the guest
# (cpuset.cpus.effective, cgroup.procs, the cgroup directory, the workers'
# affinity) and turns a missing effect into an INFRA detail, so a PASS
# means the cpusets really changed, the tasks really moved and the cgroups
# really went away. The timeline must also show every op kind ran.
# Prints TAP lines and a final "N passed, N failed" line; exit 1 on failure.
#   KTSTR_BIN     the ktstr binary (default ${O:-build}/ktstr)
#   KTSTR_KERNEL  the guest kernel (else ktstr's own resolution)
#   OPS_TESTS     space-separated subset of scenario names (default: all)
# Needs jq.
set -u

# shellcheck source=tests/vm/lib.sh
. "$(dirname "$0")/lib.sh"

BIN=$(abspath "${KTSTR_BIN:-${O:-build}/ktstr}")
WANT=${OPS_TESTS:-}
setup ktstr-opstest
need_jq
need_bin "ktstr binary"

not_ok_dump() {
	dump out '#   ' tail -40
	dump err '#   ' tail -10
}

# name, op kinds the timeline must show (comma-separated), what it proves
ops_case() {
	name=$1 kinds=$2 what=$3
	want "$name" || return 0
	rm -f "$WORK/r.json"
	"$BIN" vm --topo 1n2l2c1t --duration 2 --json "$WORK/r.json" "$name" \
		>"$WORK/out" 2>"$WORK/err"
	rc=$?
	ran=$(jqr '[.results[0].timeline[].ops | split(",")[]] | unique | join(",")')
	missing=
	for k in $(echo "$kinds" | tr ',' ' '); do
		case ",$ran," in *",$k,"*) ;; *) missing="$missing $k" ;; esac
	done
	infra=$(jqr '[.results[0].details[] | select(.kind != "note") | .msg] | join("; ")')
	good=1
	[ $rc = 0 ] && [ "$(jqr '.results[0].verdict')" = pass ] &&
		[ -z "$missing" ] && [ -z "$infra" ] &&
		grep -q "^PASS $name \[topo=1n2l2c1t" "$WORK/out" &&
		grep -q '^--- timeline ---' "$WORK/out" && good=0
	if [ $good = 0 ]; then
		ok "$name passes: $what"
	else
		not_ok "$name passes: $what" "rc=$rc ops ran: [$ran]" \
			"missing ops:[$missing] details: [$infra]"
	fi
}

ops_case ops_cpuset_swap "SetCpuset,SwapCpusets,ClearCpuset" \
	"cpusets set, swapped and cleared (cpuset.cpus.effective, affinity)"
ops_case ops_move_all "AddCgroup,SetCpuset,MoveAllTasks,SpawnHost" \
	"cg_0's tasks moved to cg_2 (cgroup.procs, affinity), host workers ran"
ops_case ops_remove_midrun "AddCgroup,Spawn,RemoveCgroup,StopCgroup" \
	"cg_1 removed mid-run (directory gone), cg_0 stopped and judged"
ops_case ops_set_affinity "SetAffinity" \
	"single-CPU, cross-cgroup, LLC-aligned and random affinities applied"

plan
summary
